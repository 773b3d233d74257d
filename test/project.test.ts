/**
 * Linting a project: history replayed from earlier migrations, runner transaction semantics,
 * config files found upward (nearest wins), --schema seeding, --changed-since. Through the
 * built binary, so the wiring is what users run.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const fx = (...p: string[]) => join(root, 'fixtures', ...p);

interface Msg { ruleId: string; line: number; message: string; severity: number }
interface Res { filePath: string; messages: Msg[] }

function godwit(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args, '-f', 'json'], { encoding: 'utf8', cwd, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, results: r.stdout ? (JSON.parse(r.stdout) as Res[]) : [], stderr: r.stderr };
}
const ids = (r: Res | undefined) => (r ? r.messages.map((m) => m.ruleId) : []);
const byName = (results: Res[], name: string) => results.find((r) => r.filePath.endsWith(name));

describe('history', () => {
  it('a directory: each migration is linted with the schema the earlier ones left', () => {
    const { results } = godwit(['lint', fx('project', 'history')]);
    expect(results.map((r) => r.filePath.split('/').pop())).toEqual(['0001_create_users.up.sql', '0002_widen_name.up.sql', '0003_narrow_name.up.sql']);
    expect(ids(byName(results, '0002_widen_name.up.sql'))).not.toContain('no-column-type-change');
    const narrow = byName(results, '0003_narrow_name.up.sql')!;
    expect(ids(narrow)).toContain('no-column-type-change');
    expect(narrow.messages.find((m) => m.ruleId === 'no-column-type-change')!.message).toContain('varchar(100)');
  });

  it('a single file is linted with the migrations that sort before it', () => {
    const { results } = godwit(['lint', fx('project', 'history', '0002_widen_name.up.sql')]);
    expect(results).toHaveLength(1);
    expect(ids(results[0])).not.toContain('no-column-type-change');
    const alone = godwit(['lint', fx('project', 'history', '0003_narrow_name.up.sql')]);
    expect(ids(alone.results[0])).toContain('no-column-type-change');
  });

  it('down migrations are not linted as up migrations', () => {
    const { results } = godwit(['lint', fx('project', 'history')]);
    expect(results.some((r) => r.filePath.endsWith('.down.sql'))).toBe(false);
  });

  it('--schema seeds the catalog from a pg_dump --schema-only file', () => {
    const file = fx('project', 'schema-dump', '001_change.sql');
    const seeded = godwit(['lint', file, '--schema', fx('project', 'schema-dump', 'schema.sql')]);
    const msgs = seeded.results.find((r) => r.filePath === file)!.messages;
    expect(msgs.filter((m) => m.ruleId === 'no-column-type-change')).toEqual([]);
    expect(msgs.filter((m) => m.ruleId === 'no-set-not-null')).toHaveLength(1);
    const bare = godwit(['lint', file]);
    expect(ids(bare.results.find((r) => r.filePath === file))).toContain('no-column-type-change');
  });
});

describe('runner transaction semantics', () => {
  it('golang-migrate: a lone CONCURRENTLY statement is fine, a second statement is in the implicit transaction', () => {
    const { results } = godwit(['lint', fx('runners', 'golang-migrate', 'sequential')]);
    expect(ids(byName(results, '000002_add_email_index.up.sql'))).not.toContain('no-concurrently-in-transaction');
    expect(ids(byName(results, '000010_add_orders.up.sql'))).toContain('no-concurrently-in-transaction');
  });

  it('--runner and --transaction override detection', () => {
    const plain = godwit(['lint', fx('runners', 'golang-migrate', 'sequential'), '--runner', 'plain']);
    expect(ids(byName(plain.results, '000010_add_orders.up.sql'))).not.toContain('no-concurrently-in-transaction');
    const forced = godwit(['lint', fx('runners', 'golang-migrate', 'sequential'), '--transaction', 'file']);
    expect(ids(byName(forced.results, '000002_add_email_index.up.sql'))).toContain('no-concurrently-in-transaction');
  });
});

describe('config files', () => {
  it('nearest config wins per package; CLI flags override it', () => {
    const dir = fx('project', 'config-monorepo');
    const { results } = godwit(['lint', dir]);
    const legacy = results.find((r) => r.filePath.includes('/legacy/'))!;
    const modern = results.find((r) => r.filePath.includes('/modern/'))!;
    expect(ids(legacy)).toContain('no-rewriting-default'); // pgVersion 10
    expect(ids(legacy)).not.toContain('require-lock-timeout'); // lockTimeout: "runner"
    expect(ids(modern)).not.toContain('no-rewriting-default'); // pgVersion 16
    expect(ids(modern)).not.toContain('require-lock-timeout'); // rules: off
    const flag = godwit(['lint', dir, '--pg-version', '15']);
    expect(ids(flag.results.find((r) => r.filePath.includes('/legacy/')))).not.toContain('no-rewriting-default');
  });

  it('an invalid config exits 2 naming the key and the allowed values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-cfg-'));
    writeFileSync(join(dir, 'godwit.config.json'), '{ "preset": "lax" }');
    writeFileSync(join(dir, '001.sql'), 'SELECT 1;');
    const r = godwit(['lint', dir], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"preset" must be one of recommended, strict, all (got "lax")');
  });

  it('-c uses exactly that file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-cfg-'));
    writeFileSync(join(dir, 'strict.json'), '{ "rules": { "require-concurrent-index": "off", "require-lock-timeout": "off" } }');
    writeFileSync(join(dir, '001.sql'), 'CREATE INDEX i ON t (a);');
    expect(godwit(['lint', join(dir, '001.sql')], dir).code).toBe(1);
    expect(godwit(['lint', join(dir, '001.sql'), '-c', join(dir, 'strict.json')], dir).code).toBe(0);
    expect(godwit(['lint', join(dir, '001.sql'), '-c', join(dir, 'missing.json')], dir).code).toBe(2);
  });
});

describe('--changed-since', () => {
  it('lints only added or modified migrations, with history, and warns about edited ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-git-'));
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 'T');
    mkdirSync(join(dir, 'db'));
    cpSync(fx('project', 'history', '0001_create_users.up.sql'), join(dir, 'db', '0001_create_users.up.sql'));
    writeFileSync(join(dir, 'db', '0002_index.up.sql'), 'CREATE INDEX users_email_idx ON users (email);\n');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(join(dir, 'db', '0002_index.up.sql'), 'CREATE INDEX users_name_idx ON users (name);\n');
    writeFileSync(join(dir, 'db', '0003_widen.up.sql'), 'ALTER TABLE users ALTER COLUMN name TYPE varchar(60);\n');
    const r = godwit(['lint', 'db', '--changed-since', 'main'], dir);
    expect(r.results.map((x) => x.filePath.split('/').pop()).sort()).toEqual(['0002_index.up.sql', '0003_widen.up.sql']);
    expect(ids(byName(r.results, '0002_index.up.sql'))).toContain('require-concurrent-index');
    expect(ids(byName(r.results, '0003_widen.up.sql'))).not.toContain('no-column-type-change'); // history from 0001
    expect(r.stderr).toContain('0002_index.up.sql was changed after main');
    expect(godwit(['lint', 'db', '--changed-since', 'no-such-ref'], dir).code).toBe(2);
  });
});

describe('stdin with a file name', () => {
  it('gets the history of the root it names and its runner semantics', () => {
    const name = fx('project', 'history', '0004_new.up.sql');
    const r = spawnSync(process.execPath, [bin, 'lint', '--stdin', '--stdin-filename', name, '-f', 'json'], {
      encoding: 'utf8',
      input: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(40);\nALTER TABLE users ALTER COLUMN name TYPE varchar(10);\n',
    });
    const msgs = (JSON.parse(r.stdout) as Res[])[0].messages.filter((m) => m.ruleId === 'no-column-type-change');
    // 0001 (varchar(50)), 0002 (→100), 0003 (→20) ran before: 20 → 40 widens, 40 → 10 narrows
    expect(msgs.map((m) => m.line)).toEqual([2]);
  });
});
