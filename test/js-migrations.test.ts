/**
 * JS/TS migrations through the built binary: `godwit lint <folder>` finds the runner's
 * migrations, lints the SQL of their calls with history, and reports positions inside the
 * JS/TS strings (docs/js-migrations.md).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const fixtures = join(root, 'fixtures', 'extract');

interface Message {
  ruleId: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  fix?: { range: [number, number]; text: string };
}

function godwit(args: string[], opts: { input?: string; cwd?: string } = {}) {
  const env = { ...process.env } as Record<string, string>;
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { input: opts.input ?? '', encoding: 'utf8', env, cwd: opts.cwd ?? root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[], opts: { input?: string; cwd?: string } = {}): { code: number | null; files: Array<{ filePath: string; messages: Message[] }> } {
  const r = godwit([...args, '--format', 'json'], opts);
  expect(r.stderr).not.toContain('internal error');
  return { code: r.code, files: JSON.parse(r.stdout) };
}

/** `file:line:column ruleId` for every message */
function summary(files: Array<{ filePath: string; messages: Message[] }>): string[] {
  return files.flatMap((f) => f.messages.map((m) => `${f.filePath.split('/').pop()}:${m.line}:${m.column} ${m.ruleId}`));
}

/** line:column (1-based, UTF-16) of `needle` in a file */
function at(file: string, needle: string): string {
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf(needle);
  expect(i, needle).toBeGreaterThan(-1);
  const lines = text.slice(0, i).split('\n');
  return `${lines.length}:${lines[lines.length - 1].length + 1}`;
}

beforeAll(() => {
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
});

describe('godwit lint on JS/TS migration folders', () => {
  it('TypeORM: the expected rules at the positions inside the strings', () => {
    const dir = join(fixtures, 'typeorm');
    const { code, files } = json(['lint', 'fixtures/extract/typeorm']);
    expect(code).toBe(1);
    const f1 = join(dir, '1700000000001-AddEmailIndex.ts');
    const f3 = join(dir, '1700000000003-ConcurrentInTransaction.ts');
    const f4 = join(dir, '1700000000004-Dynamic.ts');
    expect(summary(files)).toEqual([
      `1700000000001-AddEmailIndex.ts:${at(f1, 'CREATE INDEX users_email_idx')} require-concurrent-index`,
      `1700000000001-AddEmailIndex.ts:${at(f1, 'CONSTRAINT users_email_check')} require-not-valid-constraint`,
      `1700000000003-ConcurrentInTransaction.ts:${at(f3, 'CREATE INDEX CONCURRENTLY')} no-concurrently-in-transaction`,
      `1700000000004-Dynamic.ts:${at(f4, 'ALTER TABLE users ALTER COLUMN')} require-lock-timeout`,
      `1700000000004-Dynamic.ts:${at(f4, 'ALTER COLUMN ${column}')} no-set-not-null`,
      `1700000000004-Dynamic.ts:${at(f4, "buildBackfill('users')")} dynamic-sql`,
    ]);
    // every file of the folder is reported on (as JSON results), the down migrations are not linted
    expect(files.map((f) => f.filePath.split('/').pop())).toEqual([
      '1700000000000-CreateUsers.ts',
      '1700000000001-AddEmailIndex.ts',
      '1700000000002-ConcurrentIndex.ts',
      '1700000000003-ConcurrentInTransaction.ts',
      '1700000000004-Dynamic.ts',
    ]);
    expect(summary(files).some((s) => s.includes('no-drop-table'))).toBe(false);
  });

  it('stylish output shows the JS/TS line under the finding', () => {
    const r = godwit(['lint', 'fixtures/extract/typeorm/1700000000003-ConcurrentInTransaction.ts', '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fixtures/extract/typeorm/1700000000003-ConcurrentInTransaction.ts');
    expect(r.stdout).toContain('5:30  error  CREATE INDEX CONCURRENTLY on "users" fails here: it cannot run in a transaction.  no-concurrently-in-transaction');
    expect(r.stdout).toContain('      It runs inside the transaction TypeORM wraps around the pending migrations');
    expect(r.stdout).toContain('5 |     await queryRunner.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS users_lower_email_idx ON users (lower(email))`);');
    expect(r.stdout).toMatch(/\n\s+\| {30}\^\n/); // the caret under the C of CREATE, column 30
  });

  it('`transaction = false` flips no-concurrently-in-transaction', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-typeorm-'));
    cpSync(join(fixtures, 'typeorm'), dir, { recursive: true });
    const file = join(dir, '1700000000002-ConcurrentIndex.ts');
    const before = json(['lint', dir]);
    expect(summary(before.files).filter((s) => s.startsWith('1700000000002'))).toEqual([]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('  transaction = false;\n', ''));
    const after = json(['lint', dir]);
    expect(summary(after.files).filter((s) => s.startsWith('1700000000002'))).toEqual([`1700000000002-ConcurrentIndex.ts:${at(file, 'CREATE INDEX CONCURRENTLY')} no-concurrently-in-transaction`]);
  });

  it('history from earlier migrations: a table created two migrations before is an existing table', () => {
    const { files } = json(['lint', 'fixtures/extract/knex']);
    const second = join(fixtures, 'knex', '20240102000000_add_email_index.js');
    expect(summary(files)).toEqual([
      // the alterTable builder call (ACCESS EXCLUSIVE on users) runs in the same Knex transaction
      `20240102000000_add_email_index.js:${at(second, 'CREATE INDEX users_email_idx')} no-slow-op-under-lock`,
      `20240102000000_add_email_index.js:${at(second, 'CREATE INDEX users_email_idx')} require-concurrent-index`,
      `20240104000000_concurrent_in_transaction.ts:${at(join(fixtures, 'knex', '20240104000000_concurrent_in_transaction.ts'), 'CREATE INDEX CONCURRENTLY')} no-concurrently-in-transaction`,
    ]);
  });

  it('each tool folder', () => {
    const expect1 = (dir: string, rules: string[]) => expect(summary(json(['lint', `fixtures/extract/${dir}`]).files).map((s) => s.split(' ')[1]), dir).toEqual(rules);
    expect1('node-pg-migrate', ['require-not-valid-constraint', 'require-lock-timeout', 'no-rename-column']);
    expect1('mikro-orm', ['no-add-column-not-null']);
    expect1('sequelize', ['no-concurrently-in-transaction', 'no-concurrently-in-transaction', 'no-slow-op-under-lock']);
    expect1('kysely', ['no-column-type-change', 'no-slow-op-under-lock', 'no-unbatched-backfill']);
  });

  it('naming one file lints it with the history of its folder', () => {
    const { files } = json(['lint', 'fixtures/extract/mikro-orm/Migration20240102000000.ts']);
    expect(files).toHaveLength(1);
    expect(summary(files)).toEqual([`Migration20240102000000.ts:${at(join(fixtures, 'mikro-orm', 'Migration20240102000000.ts'), 'add column "isbn"')} no-add-column-not-null`]);
  });

  it('--runner forces the runner (a folder that is not named like migrations)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-runner-'));
    writeFileSync(join(dir, 'create.js'), "exports.up = (k) => k.raw('CREATE TABLE t (a int)');\n");
    writeFileSync(join(dir, 'index.js'), "exports.up = (k) => k.raw('CREATE INDEX i ON t (a)');\n");
    // auto: no file is named like a migration and nothing imports knex: not a migration root
    expect(json(['lint', dir]).files).toEqual([]);
    const { files } = json(['lint', dir, '--runner', 'knex']);
    // create.js runs first (file name order), so `t` exists when index.js builds its index
    expect(summary(files)).toEqual(['index.js:1:28 require-concurrent-index', 'index.js:1:28 require-lock-timeout']);
    expect(godwit(['lint', dir, '--runner', 'rails']).code).toBe(2);
  });

  it('--transaction overrides the runner of a JS/TS migration', () => {
    const { files } = json(['lint', 'fixtures/extract/typeorm/1700000000002-ConcurrentIndex.ts', '--transaction', 'file']);
    expect(summary(files).map((s) => s.split(' ')[1])).toEqual(['no-concurrently-in-transaction']);
  });

  it('stdin with --stdin-filename of a .ts migration: extracted, with the history of its folder', () => {
    const input = readFileSync(join(fixtures, 'typeorm', '1700000000001-AddEmailIndex.ts'), 'utf8');
    const { files } = json(['lint', '--stdin', '--stdin-filename', 'fixtures/extract/typeorm/1700000000009-New.ts'], { input });
    expect(summary(files).map((s) => s.split(' ')[1])).toEqual(['require-concurrent-index', 'require-not-valid-constraint']);
  });

  it('a JSON fix edits inside the JS string (outside a transaction, where CONCURRENTLY is allowed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-fix-'));
    writeFileSync(
      join(dir, '20240101000000_idx.js'),
      "exports.config = { transaction: false };\nexports.up = async (knex) => {\n  await knex.raw(\"SET lock_timeout = '2s'\");\n  await knex.raw('CREATE INDEX a ON t (x)');\n};\n",
    );
    const { files } = json(['lint', dir, '--runner', 'knex']);
    const m = files[0].messages.find((x) => x.ruleId === 'require-concurrent-index')!;
    const text = readFileSync(join(dir, '20240101000000_idx.js'), 'utf8');
    expect(m.fix).toEqual({ range: [text.indexOf('CREATE INDEX') + 12, text.indexOf('CREATE INDEX') + 12], text: ' CONCURRENTLY' });
  });
});
