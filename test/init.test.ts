/** `godwit init`: a config for the detected runner, never overwritten, and the pre-commit hooks. */
import { describe, it, expect, beforeAll } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { main, type Io } from '../src/cli/main.js';
import { addLintStaged, addPreCommitHook, gitPathspecs, hookTargets, lintStagedGlob, preCommitEntry, preCommitFiles, publishedSchemaUrl, PRE_COMMIT_ENTRY } from '../src/cli/init-command.js';
import { validateConfig } from '../src/config/index.js';
import { initParser } from '../src/dialects/postgresql/pg.js';

const root = resolve(import.meta.dirname, '..');

async function godwit(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: Object.assign(new PassThrough(), { write: (s: string) => ((stdout += s), true) }) as unknown as Io['stdout'],
    stderr: Object.assign(new PassThrough(), { write: (s: string) => ((stderr += s), true) }) as unknown as Io['stderr'],
    stdin: new PassThrough(),
    cwd,
    env: {},
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function project(layout?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-init-'));
  if (layout) cpSync(join(root, 'fixtures', 'runners', layout), dir, { recursive: true });
  return dir;
}

const config = (dir: string) => JSON.parse(readFileSync(join(dir, 'godwit.config.json'), 'utf8'));

beforeAll(() => initParser());

describe('godwit init', () => {
  const layouts: Record<string, string> = {
    atlas: 'atlas',
    dbmate: 'dbmate',
    diesel: 'diesel',
    drizzle: 'drizzle',
    flyway: 'flyway',
    'golang-migrate': 'golang-migrate',
    goose: 'goose',
    'node-pg-migrate': 'node-pg-migrate',
    plain: 'plain',
    'plain-folders': 'plain',
    pop: 'plain',
    prisma: 'prisma',
  };
  it('covers every runner layout in fixtures/runners', () => {
    expect(readdirSync(join(root, 'fixtures', 'runners')).sort()).toEqual(Object.keys(layouts).sort());
  });

  for (const [layout, runner] of Object.entries(layouts)) {
    it(`writes a valid config for the ${layout} layout (runner ${runner})`, async () => {
      const dir = project(layout);
      const r = await godwit(['init'], dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const c = config(dir);
      // no node_modules here: the schema published with this version; `include`: the folders found
      const { include, ...rest } = c;
      expect(rest).toEqual({ $schema: publishedSchemaUrl(), pgVersion: 15, runner });
      expect(include === undefined || (Array.isArray(include) && include.length > 0)).toBe(true);
      expect(() => validateConfig(c, 'godwit.config.json')).not.toThrow();
      expect(r.stdout).toContain(`${runner} migrations`);
      expect(r.stdout).toContain('wrote godwit.config.json');
      expect(r.stdout).toContain('"lockTimeout": "runner"');
      expect(r.stdout).toContain('pre-commit'); // how to add the hook
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    });
  }

  it('leaves the runner to detection when there are no migrations, or several runners', async () => {
    const empty = project();
    expect((await godwit(['init'], empty)).code).toBe(0);
    expect(config(empty)).toEqual({ $schema: publishedSchemaUrl(), pgVersion: 15 });
    const mixed = project();
    cpSync(join(root, 'fixtures', 'runners', 'goose'), join(mixed, 'a'), { recursive: true });
    cpSync(join(root, 'fixtures', 'runners', 'flyway'), join(mixed, 'b'), { recursive: true });
    const r = await godwit(['init'], mixed);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('several runners');
    expect(config(mixed).runner).toBeUndefined();
  });

  it('takes --runner, --pg-version and a directory argument', async () => {
    const dir = project();
    mkdirSync(join(dir, 'svc'));
    const r = await godwit(['init', 'svc', '--runner', 'goose', '--pg-version', '17'], dir);
    expect(r.code).toBe(0);
    expect(config(join(dir, 'svc'))).toMatchObject({ runner: 'goose', pgVersion: 17 });
    expect((await godwit(['init', '--pg-version', 'x'], dir)).code).toBe(2);
    expect((await godwit(['init', '--runner', 'rails'], dir)).code).toBe(2);
    expect((await godwit(['init', '--hook', 'svn'], dir)).code).toBe(2);
    expect((await godwit(['init', 'nope'], dir)).code).toBe(2);
  });

  it('points $schema at the nearest installed package', async () => {
    const dir = project();
    mkdirSync(join(dir, 'node_modules', 'godwit', 'schema'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'godwit', 'schema', 'godwit.config.schema.json'), '{}');
    mkdirSync(join(dir, 'packages', 'db'), { recursive: true });
    await godwit(['init', 'packages/db'], dir);
    expect(config(join(dir, 'packages', 'db')).$schema).toBe('../../node_modules/godwit/schema/godwit.config.schema.json');
  });

  it('never overwrites an existing config without --force (exit 2, nothing written)', async () => {
    const dir = project('goose');
    writeFileSync(join(dir, 'godwit.config.json'), '{"pgVersion": 12}\n');
    const r = await godwit(['init', '--hook', 'pre-commit'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('godwit.config.json already exists; not overwriting (use --force');
    expect(readFileSync(join(dir, 'godwit.config.json'), 'utf8')).toBe('{"pgVersion": 12}\n');
    expect(existsSync(join(dir, '.pre-commit-config.yaml'))).toBe(false);
    const f = await godwit(['init', '--force'], dir);
    expect(f.code).toBe(0);
    expect(config(dir)).toMatchObject({ runner: 'goose', pgVersion: 15 });
  });

  it('counts other config files, and a package.json only with a "godwit" key', async () => {
    const dir = project();
    writeFileSync(join(dir, 'package.json'), '{"name": "x"}\n');
    expect((await godwit(['init'], dir)).code).toBe(0);
    const dir2 = project();
    writeFileSync(join(dir2, 'package.json'), '{"name": "x", "godwit": {"pgVersion": 14}}\n');
    const r = await godwit(['init'], dir2);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('package.json already exists');
    const dir3 = project();
    writeFileSync(join(dir3, '.godwitrc.json'), '{}\n');
    expect((await godwit(['init'], dir3)).code).toBe(2);
    const forced = await godwit(['init', '--force'], dir3);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('godwit.config.json takes precedence over .godwitrc.json');
  });

  describe('--hook pre-commit', () => {
    it('creates .pre-commit-config.yaml at the repository root', async () => {
      const dir = project('prisma');
      mkdirSync(join(dir, '.git'));
      mkdirSync(join(dir, 'db'));
      expect((await godwit(['init', 'db', '--hook', 'pre-commit'], dir)).code).toBe(0);
      const yaml = readFileSync(join(dir, '.pre-commit-config.yaml'), 'utf8');
      // no migrations under db/: every SQL file
      expect(yaml).toBe(['repos:', ...PRE_COMMIT_ENTRY.map((l) => '  ' + l)].join('\n') + '\n');
      expect(yaml).toContain('entry: npx --no-install godwit lint');
      expect(existsSync(join(dir, 'db', 'godwit.config.json'))).toBe(true);
    });

    it('appends to the repos list of an existing file, keeping the rest, once', () => {
      const before = 'default_stages: [pre-commit]\nrepos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: trailing-whitespace\n\n# trailing comment\nci:\n  autofix_prs: false\n';
      const after = addPreCommitHook(before)!;
      const lines = after.split('\n');
      const at = lines.indexOf('  - repo: local');
      expect(at).toBe(6);
      expect(lines.slice(0, 6)).toEqual(before.split('\n').slice(0, 6));
      expect(after).toContain('\n# trailing comment\nci:\n  autofix_prs: false\n');
      expect(addPreCommitHook(after)).toBeNull();
      // a list at column 0, CRLF line endings
      const crlf = 'repos:\r\n- repo: https://example.com/x\r\n  rev: v1\r\n  hooks:\r\n  - id: x\r\n';
      const out = addPreCommitHook(crlf)!;
      expect(out).toContain('\r\n- repo: local\r\n  hooks:\r\n    - id: godwit\r\n');
      expect(out.replace(/\r\n/g, '')).not.toContain('\n');
      expect(() => addPreCommitHook('repos: []\n')).toThrow(/block-style/);
    });

    it('refuses (exit 2, nothing written) when the file cannot be edited safely', async () => {
      const dir = project();
      writeFileSync(join(dir, '.pre-commit-config.yaml'), 'repos: []\n');
      const r = await godwit(['init', '--hook', 'pre-commit'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Nothing was written');
      expect(existsSync(join(dir, 'godwit.config.json'))).toBe(false);
    });
  });

  describe('--hook lint-staged', () => {
    it('adds "*.sql": "godwit lint" to package.json, keeping its formatting', async () => {
      const dir = project();
      writeFileSync(join(dir, 'package.json'), '{\n    "name": "app",\n    "lint-staged": {\n        "*.ts": "eslint"\n    }\n}\n');
      const r = await godwit(['init', '--hook', 'lint-staged'], dir);
      expect(r.code).toBe(0);
      const text = readFileSync(join(dir, 'package.json'), 'utf8');
      expect(JSON.parse(text)['lint-staged']).toEqual({ '*.ts': 'eslint', '*.sql': 'godwit lint' });
      expect(text.endsWith('\n')).toBe(true);
      // a package.json without a final line break gets one
      expect(addLintStaged('{"name": "x"}')!.endsWith('\n')).toBe(true);
      expect(text).toContain('\n        "*.sql": "godwit lint"');
      expect(addLintStaged(text)).toBeNull();
      expect(JSON.parse(addLintStaged('{"name": "x"}')!)['lint-staged']).toEqual({ '*.sql': 'godwit lint' });
    });

    it('refuses when lint-staged is configured elsewhere or there is no package.json', async () => {
      const dir = project();
      expect((await godwit(['init', '--hook', 'lint-staged'], dir)).code).toBe(2);
      writeFileSync(join(dir, 'package.json'), '{"name": "x"}');
      writeFileSync(join(dir, '.lintstagedrc.json'), '{}');
      const r = await godwit(['init', '--hook', 'lint-staged'], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('.lintstagedrc.json');
      expect(existsSync(join(dir, 'godwit.config.json'))).toBe(false);
    });
  });

  describe('--hook husky', () => {
    it('writes or extends .husky/pre-commit (executable), once', async () => {
      const dir = project();
      mkdirSync(join(dir, '.git'));
      expect((await godwit(['init', '--hook', 'husky'], dir)).code).toBe(0);
      const hook = join(dir, '.husky', 'pre-commit');
      expect(readFileSync(hook, 'utf8')).toContain('xargs -0 -r npx --no-install godwit lint');
      expect(statSync(hook).mode & 0o111).not.toBe(0);
      const dir2 = project();
      mkdirSync(join(dir2, '.husky', '_'), { recursive: true });
      writeFileSync(join(dir2, '.husky', 'pre-commit'), 'npm test\n');
      const r = await godwit(['init', '--hook', 'husky'], dir2);
      expect(r.code).toBe(0);
      const text = readFileSync(join(dir2, '.husky', 'pre-commit'), 'utf8');
      expect(text.startsWith('npm test\n# godwit')).toBe(true);
      await godwit(['init', '--force', '--hook', 'husky'], dir2);
      expect(readFileSync(join(dir2, '.husky', 'pre-commit'), 'utf8')).toBe(text);
    });
  });

  it('writes include for the migration folders found, and hooks for exactly their files (SQL and JS/TS)', async () => {
    const dir = project();
    mkdirSync(join(dir, '.git'));
    cpSync(join(root, 'fixtures', 'runners', 'golang-migrate', 'sequential'), join(dir, 'db', 'migrations'), { recursive: true });
    cpSync(join(root, 'fixtures', 'extract', 'typeorm'), join(dir, 'src', 'migration'), { recursive: true });
    writeFileSync(join(dir, 'db', 'seed.sql'), 'TRUNCATE users;\n');
    writeFileSync(join(dir, 'package.json'), '{"name": "app"}');
    const r = await godwit(['init', '--hook', 'lint-staged'], dir);
    expect(r.code).toBe(0);
    expect(config(dir).include).toEqual(['db/migrations', 'src/migration']);
    const staged = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))['lint-staged'];
    expect(staged).toEqual({ '{db/migrations/**/*.sql,src/migration/**/*.{ts,js}}': 'godwit lint' });
    await godwit(['init', '--force', '--hook', 'pre-commit'], dir);
    expect(readFileSync(join(dir, '.pre-commit-config.yaml'), 'utf8')).toContain(`files: '^(db/migrations/.*\\.sql|src/migration/.*\\.(ts|js))$'`);
    await godwit(['init', '--force', '--hook', 'husky'], dir);
    expect(readFileSync(join(dir, '.husky', 'pre-commit'), 'utf8')).toContain(`-- 'db/migrations/*.sql' 'src/migration/*.ts' 'src/migration/*.js' | xargs`);
    // every file init wrote ends with a line break
    for (const f of ['godwit.config.json', 'package.json', '.pre-commit-config.yaml', '.husky/pre-commit']) expect(readFileSync(join(dir, f), 'utf8').endsWith('\n'), f).toBe(true);
    // and `godwit lint .` then lints the migrations, not the seed file
    const lint = await godwit(['lint', '.', '--format', 'json'], dir);
    const files = (JSON.parse(lint.stdout) as Array<{ filePath: string }>).map((x) => x.filePath.slice(dir.length + 1));
    expect(files.some((f) => f.startsWith('db/migrations/'))).toBe(true);
    expect(files).not.toContain('db/seed.sql');
  });

  it('hook patterns are data-driven by runner: Python roots (alembic, django) get *.py', () => {
    const repo = '/repo';
    const targets = hookTargets([
      { dir: '/repo/alembic/versions', runner: 'alembic', files: [] },
      { dir: '/repo/shop/migrations', runner: 'django', files: [{ path: '/repo/shop/migrations/0001_initial.py' }] },
      { dir: '/repo/db', runner: 'plain', files: [{ path: '/repo/db/1.sql.postgres' }] },
    ]);
    expect(targets.map((t) => t.extensions)).toEqual([['py'], ['py'], ['sql', 'sql.postgres']]);
    expect(preCommitFiles(targets, repo)).toBe('^(alembic/versions/.*\\.py|shop/migrations/.*\\.py|db/.*\\.(sql|sql\\.postgres))$');
    expect(lintStagedGlob(targets, repo)).toBe('{alembic/versions/**/*.py,shop/migrations/**/*.py,db/**/*.{sql,sql.postgres}}');
    expect(gitPathspecs(targets, repo)).toEqual(['alembic/versions/*.py', 'shop/migrations/*.py', 'db/*.sql', 'db/*.sql.postgres']);
    expect(preCommitEntry(preCommitFiles(targets, repo))).toContain("      files: '^(alembic/versions/.*\\.py|shop/migrations/.*\\.py|db/.*\\.(sql|sql\\.postgres))$'");
  });

  it('points $schema at the published schema when no node_modules has godwit, else at the installed one', async () => {
    expect(publishedSchemaUrl()).toMatch(/^https:\/\/unpkg\.com\/godwit@\d+\.\d+\.\d+\/schema\/godwit\.config\.schema\.json$/);
    const dir = project();
    await godwit(['init'], dir);
    expect(config(dir).$schema).toBe(publishedSchemaUrl());
  });

  it('works from the built binary', () => {
    const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
    expect(existsSync(bin), 'run `npm run build` first').toBe(true);
    const dir = project('golang-migrate');
    const r = spawnSync(process.execPath, [bin, 'init'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(config(dir).runner).toBe('golang-migrate');
    const again = spawnSync(process.execPath, [bin, 'init'], { cwd: dir, encoding: 'utf8' });
    expect(again.status).toBe(2);
  });
});
