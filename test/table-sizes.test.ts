/**
 * Table sizes (issue 15, item 11): `--stats <file>`, config `stats`/`smallTable`, and `--db-url`
 * (on the private PostgreSQL of CI, when GODWIT_TEST_DB_URL is set): durations in the findings,
 * findings on small tables downgraded to warnings, breaking changes never downgraded.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { initParser, lintSql } from '../src/lint.js';
import { estimate, parseSize, parseTableSizes, sizeNote, TABLE_SIZES_QUERY } from '../src/analysis/table-sizes.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const dbUrl = process.env.GODWIT_TEST_DB_URL;

function godwit(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-sizes-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const SIZES = JSON.stringify([
  { schema: 'public', table: 'orders', rows: 45_000_000, bytes: 12 * 1024 ** 3 },
  { schema: 'public', table: 'countries', rows: 250, bytes: 64 * 1024 },
]);
const MIGRATION =
  'CREATE INDEX orders_x ON orders (x);\nCREATE INDEX countries_x ON countries (x);\nALTER TABLE countries RENAME COLUMN code TO iso_code;\nUPDATE orders SET x = 1;\n';

type Msg = { line: number; ruleId: string; severity: number; message: string };
const messages = (stdout: string): Msg[] => (JSON.parse(stdout) as Array<{ messages: Msg[] }>)[0].messages;

beforeAll(async () => {
  await initParser();
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
});

describe('table sizes', () => {
  it('estimates: scan, rewrite, index build, backfill; sizes parse', () => {
    const size = { rows: 1_000_000, bytes: 2e9 };
    expect(estimate(size, 'scan', 'AlterTableStmt')!.seconds).toBe(10);
    expect(estimate(size, 'rewrite', 'AlterTableStmt')!.seconds).toBe(50);
    expect(estimate(size, 'long', 'IndexStmt')!.seconds).toBe(25);
    expect(estimate(size, 'long', 'UpdateStmt')!.seconds).toBe(50);
    expect(estimate(size, 'instant', 'AlterTableStmt')).toBeUndefined();
    expect(sizeNote({ table: 'orders', mode: 'SHARE', blocks: ['writes'], duration: 'long' }, size, 'IndexStmt')).toBe(
      '"orders" holds 1.9 GB, 1.0 M rows: the index build takes ~25 s (estimated: docs/table-sizes.md).',
    );
    expect(parseSize('10MB')).toBe(10 * 1024 ** 2);
    expect(parseSize('1.5 GB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('x')).toBeUndefined();
    expect(parseTableSizes('{}').problems).toHaveLength(1);
    expect(parseTableSizes('[{"table": "t", "rows": -1, "bytes": 1}]').problems).toHaveLength(1);
  });

  it('--stats: durations on the big table, warnings instead of errors on the small one; breaking changes stay', () => {
    const dir = project({ 'table-sizes.json': SIZES, 'db/migrations/0001_x.sql': MIGRATION });
    const r = godwit(['lint', 'db/migrations', '--stats', 'table-sizes.json', '-f', 'json'], dir);
    const ms = messages(r.stdout);
    const big = ms.find((m) => m.line === 1 && m.ruleId === 'require-concurrent-index')!;
    expect(big.severity).toBe(2);
    expect(big.message).toContain('"orders" holds 12.0 GB, 45.0 M rows: the index build takes ~3 min');
    const small = ms.find((m) => m.line === 2 && m.ruleId === 'require-concurrent-index')!;
    expect(small.severity).toBe(1);
    expect(small.message).toContain('A warning, not an error: "countries" is 64.0 kB, below smallTable (10.0 MB).');
    expect(ms.find((m) => m.line === 3 && m.ruleId === 'no-rename-column')!.severity).toBe(2);
    expect(ms.find((m) => m.line === 4 && m.ruleId === 'no-unbatched-backfill')!.message).toContain('changing every row takes ~38 min');
    // without sizes: the same findings, errors, no estimates
    const plain = messages(godwit(['lint', 'db/migrations', '-f', 'json'], dir).stdout);
    expect(plain.find((m) => m.line === 2 && m.ruleId === 'require-concurrent-index')!.severity).toBe(2);
    expect(plain.every((m) => !m.message.includes('estimated'))).toBe(true);
  });

  it('config "stats" and "smallTable"', () => {
    const dir = project({ 'table-sizes.json': SIZES, 'godwit.config.json': JSON.stringify({ stats: 'table-sizes.json', smallTable: '20GB' }), 'db/migrations/0001_x.sql': MIGRATION });
    const ms = messages(godwit(['lint', 'db/migrations', '-f', 'json'], dir).stdout);
    expect(ms.find((m) => m.line === 1 && m.ruleId === 'require-concurrent-index')!.severity).toBe(1); // 12 GB < 20 GB
  });

  it('a bad stats file: exit 2 with what is wrong', () => {
    const dir = project({ 'table-sizes.json': '{"orders": 1}', 'db/migrations/0001_x.sql': MIGRATION });
    const r = godwit(['lint', 'db/migrations', '--stats', 'table-sizes.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be a JSON array');
    expect(godwit(['lint', 'db/migrations', '--stats', 'nope.json'], dir).code).toBe(2);
  });

  it('the engine API: tableSizes and smallTableBytes', () => {
    const sizes = new Map([['public.orders', { rows: 10, bytes: 1000 }]]);
    const r = lintSql('CREATE INDEX i ON orders (x);', 'm.sql', { tableSizes: sizes, smallTableBytes: 500 });
    expect(r.messages.find((m) => m.ruleId === 'require-concurrent-index')!.severity).toBe(2);
  });
});

describe.skipIf(!dbUrl)('--db-url (PostgreSQL)', () => {
  it('reads the sizes with the documented query, read-only', async () => {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    const schema = `godwit_sizes_${process.pid}`;
    try {
      await c.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.big (id bigint, pad text); INSERT INTO ${schema}.big SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g; ANALYZE ${schema}.big`);
      const value = Object.values((await c.query(TABLE_SIZES_QUERY)).rows[0])[0]; // (pg parses json)
      const direct = (typeof value === 'string' ? JSON.parse(value) : value) as Array<{ schema: string; table: string; rows: number; bytes: number }>;
      const row = direct.find((x) => x.schema === schema && x.table === 'big')!;
      expect(row.rows).toBeGreaterThan(15_000);
      expect(row.bytes).toBeGreaterThan(1_000_000);
      const dir = project({ 'm.sql': `CREATE INDEX big_id ON ${schema}.big (id);\n` });
      const r = godwit(['lint', 'm.sql', '--db-url', dbUrl!, '-f', 'json'], dir);
      const m = messages(r.stdout).find((x) => x.ruleId === 'require-concurrent-index')!;
      expect(m.message).toContain(`"${schema}.big" holds`);
      expect(m.severity).toBe(1); // a few MB: below 10 MB
      expect(godwit(['lint', 'm.sql', '--db-url', 'postgres://nobody@127.0.0.1:1/x'], dir).code).toBe(2);
    } finally {
      await c.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await c.end();
    }
  }, 60_000);
});
