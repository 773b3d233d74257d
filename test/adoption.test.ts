/**
 * First-try adoption (issue 15): what a new user meets in the first minutes, each through the
 * built CLI (and ESLint where the two must agree): down files named by hooks, nothing to lint,
 * `godwit lint .` in a repository with seed and query files, a closed pipe, `plan` on a folder,
 * per-command help, `trace` on an empty database and its version note.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ESLint } from 'eslint';
import plugin from '../src/eslint/index.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

function godwit(args: string[], cwd: string) {
  const env = { ...process.env, NO_COLOR: '1' } as Record<string, string>;
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-adopt-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const REPO = {
  'db/migrations/000001_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy text);\n',
  'db/migrations/000001_users.down.sql': 'DROP TABLE users;\n',
  'db/migrations/000002_drop_legacy.up.sql': 'ALTER TABLE users ADD COLUMN nickname text;\n',
  'db/migrations/000002_drop_legacy.down.sql': 'ALTER TABLE users DROP COLUMN nickname;\nDROP INDEX users_email_idx;\n',
  'db/queries/users.sql': "-- name: ResetEmails :exec\nUPDATE users SET email = lower(email);\n",
  'db/seed.sql': "TRUNCATE users;\nINSERT INTO users VALUES (1, 'a@example.com', NULL);\n",
};

beforeAll(() => {
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
});

describe('down and undo files named explicitly (as pre-commit, lint-staged and husky name staged files)', () => {
  it('are skipped with a note, exit 0, and ESLint gives them no findings either', async () => {
    const dir = project(REPO);
    const r = godwit(['lint', 'db/migrations/000002_drop_legacy.down.sql', 'db/migrations/000002_drop_legacy.up.sql', '-f', 'json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: unknown[] }>;
    expect(results.map((x) => x.filePath.slice(dir.length + 1))).toEqual(['db/migrations/000002_drop_legacy.up.sql']);
    expect(r.stderr).toContain('db/migrations/000002_drop_legacy.down.sql: down migration of a golang-migrate root: not linted');
    // alone, too: a note, not "nothing to lint"
    const alone = godwit(['lint', 'db/migrations/000001_users.down.sql'], dir);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toBe('0 files, 0 statements analysed, 0 calls not analysable\n');
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.all as ESLint.Options['overrideConfig'] });
    const viaEslint = await eslint.lintFiles(['db/migrations/000002_drop_legacy.down.sql']);
    expect(viaEslint[0].messages).toEqual([]);
  });
});

describe('nothing to lint is not success (as ESLint)', () => {
  it('an empty folder or a folder without migrations: a message and exit 2', () => {
    const dir = project({ 'docs/readme.txt': 'x\n' });
    const r = godwit(['lint', 'docs'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No files matching the pattern "docs" were found');
    expect(godwit(['lint', 'docs', '--no-error-on-unmatched-pattern'], dir).code).toBe(0);
  });

  it('a mistyped path: exit 2; allowed with --no-error-on-unmatched-pattern', () => {
    const dir = project(REPO);
    const r = godwit(['lint', 'db/migratons'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file or directory: db/migratons');
    expect(godwit(['lint', 'db/migratons', '--no-error-on-unmatched-pattern'], dir).code).toBe(0);
  });

  it('everything under a path left out by the config: "ignored", exit 2', () => {
    const dir = project({ ...REPO, 'godwit.config.json': JSON.stringify({ exclude: ['db'] }) });
    const r = godwit(['lint', 'db/migrations'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('All files matched by "db/migrations" are ignored');
  });

  it('no path and nothing under the current folder: exit 2, or 0 with --pass-on-no-patterns', () => {
    const dir = project({ 'README.md': '# app\n' });
    expect(godwit(['lint'], dir).code).toBe(2);
    expect(godwit(['lint', '--pass-on-no-patterns'], dir).code).toBe(0);
  });
});

describe('godwit lint . in a repository with migrations, seed data and query files', () => {
  it('lints the migration folders, not the seed or sqlc query files (a note says so); naming them or `include` lints them', () => {
    const dir = project(REPO);
    const r = godwit(['lint', '.', '-f', 'json'], dir);
    const files = (JSON.parse(r.stdout) as Array<{ filePath: string }>).map((x) => x.filePath.slice(dir.length + 1)).sort();
    expect(files).toEqual(['db/migrations/000001_users.up.sql', 'db/migrations/000002_drop_legacy.up.sql']);
    expect(r.stderr).toContain('2 SQL files outside the migration folders were not linted');
    expect(r.code).toBe(0);
    const named = godwit(['lint', 'db/seed.sql', '-f', 'json'], dir);
    expect((JSON.parse(named.stdout) as Array<{ messages: Array<{ ruleId: string }> }>)[0].messages.map((m) => m.ruleId)).toContain('no-truncate');
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ include: ['db/migrations', 'db/seed.sql'] }));
    const included = godwit(['lint', '.', '-f', 'json'], dir);
    expect((JSON.parse(included.stdout) as Array<{ filePath: string }>).map((x) => x.filePath.slice(dir.length + 1))).toContain('db/seed.sql');
  });

  it('a folder without migration roots is linted as before (every *.sql)', () => {
    const dir = project({ 'sql/a.sql': 'TRUNCATE users;\n' });
    const r = godwit(['lint', 'sql', '-f', 'json'], dir);
    expect(r.code).toBe(1);
  });
});

describe('item 6', () => {
  it('a closed pipe (`| head -c 10`) is not a crash', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" lint fixtures/no-slow-op-under-lock fixtures/require-concurrent-index fixtures/no-unbatched-backfill --preset all -f sarif --no-error-on-unmatched-pattern | head -c 10; echo " code=\${PIPESTATUS[0]}"`], { cwd: root, encoding: 'utf8' });
    expect(r.stdout.startsWith('{\n  "$sche')).toBe(true);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.stdout).toMatch(/code=[01]$/m);
  });

  it('`plan` on a folder says it takes one migration and names the newest', () => {
    const dir = project(REPO);
    const r = godwit(['plan', 'db/migrations'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'godwit plan' plans one migration file, and db/migrations is a folder");
    expect(r.stderr).toContain('godwit plan db/migrations/000002_drop_legacy.up.sql');
    expect(r.stderr).not.toContain('no such file');
  });

  it('`<command> --help` prints that command’s help', () => {
    const plan = godwit(['plan', '--help'], root);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('godwit plan <file>');
    expect(plan.stdout).toContain('--emit sql|pgroll|markdown');
    expect(plan.stdout).not.toContain('--fix-dry-run');
    const trace = godwit(['trace', '--help'], root);
    expect(trace.stdout).toContain('--db-url <url>');
    expect(trace.stdout).not.toContain('--max-warnings');
    const lint = godwit(['lint', '--help'], root);
    expect(lint.stdout).toContain('--max-warnings');
    expect(lint.stdout).not.toContain('--replay-history');
    expect(godwit(['init', '--help'], root).stdout).toContain('--hook pre-commit|lint-staged|husky');
    expect(godwit(['--help'], root).stdout).toContain('godwit rules [id]');
  });

  it('`trace` on an empty database reports the failures as failures (exit 1) and says PGlite is not the target version', () => {
    const dir = project({ 'm.sql': 'ALTER TABLE users ADD COLUMN a int;\nCREATE INDEX users_a_idx ON users (a);\n' });
    const r = godwit(['trace', 'm.sql'], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('✖ 0 statements traced, 2 failed');
    expect(r.stdout).not.toContain('✔');
    expect(r.stdout).toContain('no statement ran');
    expect(r.stdout).toMatch(/note: this is PostgreSQL 1[0-9], but the migrations target PostgreSQL 15/);
    expect(godwit(['trace', 'm.sql', '--pg-version', '18'], dir).stdout).not.toContain('note: this is PostgreSQL');
  }, 120_000);
});
