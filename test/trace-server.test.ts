/**
 * `godwit trace --db-url` against a real PostgreSQL server (CI: PostgreSQL 15 from Debian,
 * started by .ci/postgres; locally: set GODWIT_TEST_DB_URL to a superuser URL of a server
 * you can throw databases at). Skipped, with a message, when GODWIT_TEST_DB_URL is unset.
 *
 *  - the built binary traces migrations (one with COMMIT, ROLLBACK, SAVEPOINT and BEGIN in it)
 *    and the database is unchanged afterwards: schema, storage (relfilenode) and data;
 *  - lock_timeout / statement_timeout keep a trace from waiting on, or blocking, others;
 *  - SIGINT cancels the running statement and rolls back;
 *  - --replay-history uses a scratch database and drops it;
 *  - the lock table is checked against this server's version (test/trace-cases.ts).
 *
 * The tables belong to a role of their own, as in a real deployment: godwit runs a migration as
 * a restricted role that may act as the tables' owner, never with the URL's superuser rights
 * (test/adversarial-trace.test.ts attacks that). The file holds the advisory lock the server
 * test files share, so it never runs at the same time as the adversarial suite.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { traceText } from '../src/trace/index.js';
import { BASE_SCHEMA, CASES } from './trace-cases.js';
import { SERVER_TEST_LOCK } from './server-lock.js';

const url = process.env.GODWIT_TEST_DB_URL;
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

if (!url) {
  describe('godwit trace --db-url (a real server)', () => {
    it.skip('skipped: set GODWIT_TEST_DB_URL to a PostgreSQL superuser URL (CI starts PostgreSQL 15 with .ci/postgres)', () => {});
  });
}

describe.skipIf(!url)('godwit trace --db-url (a real server)', () => {
  const dbName = `godwit_test_${process.pid}`;
  const owner = `godwit_test_owner_${process.pid}`;
  let lockHolder: pg.Client;
  let dbUrl: string;
  let dir: string;
  let version = 0;

  const connect = async (u: string): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: u });
    await c.connect();
    return c;
  };

  function godwit(args: string[]) {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** The database as a string: every user relation with its storage, columns, constraints, indexes, triggers, policies, types, functions, roles, and every row. */
  async function snapshot(): Promise<string> {
    const c = await connect(dbUrl);
    try {
      const parts: string[] = [];
      const q = async (sql: string): Promise<void> => {
        for (const r of (await c.query(sql)).rows) parts.push(JSON.stringify(r));
      };
      const user = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
      await q(`SELECT n.nspname, c.relname, c.relkind, c.relfilenode, c.relpersistence, c.relacl::text, c.reloptions::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${user} ORDER BY 1, 2`);
      await q(`SELECT a.attrelid::regclass::text, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE ${user} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2`);
      await q(`SELECT conrelid::regclass::text, conname, contype, convalidated, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) ORDER BY 1, 2`);
      await q(`SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${user} ORDER BY 1`);
      await q(`SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`);
      await q(`SELECT polrelid::regclass::text, polname FROM pg_policy ORDER BY 1, 2`);
      await q(`SELECT n.nspname, t.typname, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${user} ORDER BY 1, 2`);
      await q(`SELECT enumtypid::regtype::text, enumlabel, enumsortorder FROM pg_enum ORDER BY 1, 3`);
      await q(`SELECT n.nspname, p.proname, md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${user} ORDER BY 1, 2`);
      await q(`SELECT nspname FROM pg_namespace ORDER BY 1`);
      await q(`SELECT rolname FROM pg_roles ORDER BY 1`);
      await q(`SELECT datname FROM pg_database ORDER BY 1`);
      const tables = (await c.query(`SELECT format('%I.%I', n.nspname, c.relname) AS t, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${user} AND c.relkind IN ('r', 'm', 'S') ORDER BY 1`)).rows;
      for (const t of tables) {
        if (t.relkind === 'S') await q(`SELECT '${t.t}' AS seq, last_value, is_called FROM ${t.t}`);
        else await q(`SELECT '${t.t}' AS t, count(*) AS n, md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS rows FROM ${t.t} x`);
      }
      return parts.join('\n');
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    lockHolder = await connect(url!);
    await lockHolder.query('SELECT pg_advisory_lock($1)', [SERVER_TEST_LOCK]);
    const admin = await connect(url!);
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.query(`DROP ROLE IF EXISTS ${owner}`);
      await admin.query(`CREATE ROLE ${owner} NOLOGIN`);
      await admin.query(`CREATE DATABASE ${dbName} OWNER ${owner}`);
      version = Number((await admin.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
    } finally {
      await admin.end();
    }
    const u = new URL(url!);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    const c = await connect(dbUrl);
    try {
      await c.query(`SET ROLE ${owner}`);
      await c.query(BASE_SCHEMA.replace(/GENERATED ALWAYS AS \(qty \* 2\) STORED/, version >= 120000 ? 'GENERATED ALWAYS AS (qty * 2) STORED' : ''));
      await c.query(`CREATE TYPE mood AS ENUM ('sad', 'ok')`);
    } finally {
      await c.end();
    }
    dir = mkdtempSync(join(tmpdir(), 'godwit-trace-server-'));
  }, 20 * 60_000);

  afterAll(async () => {
    if (!url) return;
    const admin = await connect(url);
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}${version >= 130000 ? ' WITH (FORCE)' : ''}`);
      await admin.query(`DROP ROLE IF EXISTS ${owner}`);
    } finally {
      await admin.end();
      await lockHolder?.end().catch(() => {});
    }
  });

  it('traces a migration with COMMIT, ROLLBACK, SAVEPOINT and BEGIN in it, and the database is unchanged', async () => {
    writeFileSync(join(dir, 'migration.sql'), [
      "SET lock_timeout = '2s';",
      'BEGIN;',
      'ALTER TABLE orders ADD COLUMN region text;',
      "UPDATE orders SET region = 'eu';",
      'COMMIT;',
      'SAVEPOINT mine;',
      'CREATE INDEX orders_region_idx ON orders (region);',
      'ROLLBACK TO SAVEPOINT mine;',
      'ALTER TABLE orders ALTER COLUMN amount TYPE bigint USING amount::bigint;',
      'DELETE FROM audit;',
      "INSERT INTO customers (id, name, email) VALUES (3, 'c', 'c@example.com');",
      'TRUNCATE audit;',
      'DROP TABLE items;',
      "ALTER TYPE mood ADD VALUE 'happy';",
      'CREATE TABLE created (id bigint PRIMARY KEY);',
      'COMMIT;',
      'ROLLBACK;',
      'PREPARE TRANSACTION \'x\';',
      'END;',
      '',
    ].join('\n'));
    const before = await snapshot();
    const r = godwit(['trace', 'migration.sql', '--db-url', dbUrl, '-f', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ engine: 'server', committed: false, history: { source: 'database' } });
    expect(Math.floor(version / 10000)).toBe(Number(out.serverVersion.split('.')[0]));
    const byLine = (n: number) => out.statements.find((s: { line: number }) => s.line === n);
    for (const n of [2, 5, 6, 8, 16, 17, 18, 19]) expect(byLine(n).skipped, `line ${n}`).toMatch(/^transaction control/);
    expect(byLine(3).locks).toContainEqual({ relation: 'orders', mode: 'ACCESS EXCLUSIVE', kind: 'table' });
    expect(byLine(9).rewrites).toContainEqual({ relation: 'orders', kind: 'table' });
    expect(byLine(13).locks).toEqual(expect.arrayContaining([{ relation: 'items', mode: 'ACCESS EXCLUSIVE', kind: 'table' }]));
    for (const s of out.statements) if (!s.skipped) expect(s.error, `line ${s.line}: ${s.sql}`).toBeNull();
    for (const s of out.statements) expect(s.differences, `line ${s.line}`).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('stylish output names the server', () => {
    writeFileSync(join(dir, 'small.sql'), 'ALTER TABLE orders ADD COLUMN region text;\n');
    const r = godwit(['trace', 'small.sql', '--db-url', dbUrl]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/traced in PostgreSQL \d+\.\d+ server · history: the database as it is · rolled back, nothing committed/);
    expect(r.stdout).toMatch(/ACCESS EXCLUSIVE\s+orders/);
  });

  it('lock_timeout: a trace does not queue behind (and so does not block) other sessions', async () => {
    const other = await connect(dbUrl);
    try {
      await other.query('BEGIN');
      await other.query('LOCK TABLE orders IN ACCESS SHARE MODE');
      writeFileSync(join(dir, 'alter.sql'), 'ALTER TABLE orders ADD COLUMN x int;\nALTER TABLE customers ADD COLUMN y int;\n');
      const t0 = Date.now();
      const r = godwit(['trace', 'alter.sql', '--db-url', dbUrl, '--lock-timeout', '300ms', '-f', 'json']);
      const out = JSON.parse(r.stdout);
      expect(out.statements[0].error).toContain('lock timeout');
      expect(out.statements[0].errorCode).toBe('55P03');
      // the trace went on
      expect(out.statements[1].error).toBeNull();
      expect(Date.now() - t0).toBeLessThan(15_000);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
  });

  it('statement_timeout: a long statement is cancelled', () => {
    writeFileSync(join(dir, 'sleep.sql'), 'SELECT pg_sleep(5);\n');
    const r = godwit(['trace', 'sleep.sql', '--db-url', dbUrl, '--statement-timeout', '300ms', '-f', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.statements[0].error).toContain('statement timeout');
  });

  it('SIGINT cancels the running statement, rolls back and leaves no session behind', async () => {
    writeFileSync(join(dir, 'long.sql'), 'ALTER TABLE customers ADD COLUMN z int;\nSELECT pg_sleep(30);\n');
    const before = await snapshot();
    const child = spawn(process.execPath, [bin, 'trace', 'long.sql', '--db-url', dbUrl, '--statement-timeout', '60s', '-f', 'json'], { cwd: dir });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // wait until the server runs the sleep, holding the trace's ACCESS EXCLUSIVE lock on customers
    const watcher = await connect(dbUrl);
    try {
      for (let i = 0; i < 100; i++) {
        // (the statement runs inside pg_temp.godwit_run: the backend's query text is godwit's call)
        const n = (await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'godwit trace' AND wait_event = 'PgSleep' AND datname = current_database()`)).rows[0].n;
        if (n > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const t0 = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(130);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(err).toContain('interrupted');
      const json = JSON.parse(out);
      expect(json.committed).toBe(false);
      expect(json.statements[1].error).toContain('canceling statement');
      const left = (await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'godwit trace'`)).rows[0].n;
      expect(left).toBe(0);
      const locks = (await watcher.query(`SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'customers'::regclass`)).rows[0].n;
      expect(locks).toBe(0);
    } finally {
      await watcher.end();
    }
    expect(await snapshot()).toBe(before);
  });

  it('--replay-history replays the earlier migrations into a scratch database and drops it', async () => {
    writeFileSync(join(dir, '001_init.sql'), 'CREATE TABLE widgets (id bigint PRIMARY KEY, name text);\nINSERT INTO widgets VALUES (1, \'w\');\n');
    writeFileSync(join(dir, '002_change.sql'), 'ALTER TABLE widgets ALTER COLUMN name SET NOT NULL;\n');
    const r = godwit(['trace', '002_change.sql', '--db-url', dbUrl, '--replay-history', '-f', 'json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.history).toMatchObject({ source: 'migrations', files: 1, statements: 2, failed: 0 });
    expect(out.statements[0]).toMatchObject({ error: null, locks: [{ relation: 'widgets', mode: 'ACCESS EXCLUSIVE', kind: 'table' }] });
    const admin = await connect(url!);
    try {
      const left = (await admin.query(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'godwit\\_trace\\_%'`)).rows[0].n;
      expect(left).toBe(0);
    } finally {
      await admin.end();
    }
  });

  describe('the lock table against this server', () => {
    for (const c of CASES) {
      it(c.name, async (ctx) => {
        if (c.minVersion && version < c.minVersion * 10000) ctx.skip();
        const base = version >= 120000 ? BASE_SCHEMA : BASE_SCHEMA.replace(/,\s*doubled int GENERATED ALWAYS AS \(qty \* 2\) STORED/, '');
        const r = await traceText(c.sql, { dbUrl: url, replayHistory: true, history: [base, c.setup ?? ''] });
        expect(r.history.failed, JSON.stringify(r.history.errors)).toBe(0);
        const s = r.statements[0];
        if (c.skipped) return void expect(s.skipped).toContain(c.skipped);
        if (c.error) return void expect(s.error).toContain(c.error);
        // the trace runs as a restricted role: what only a superuser may do fails as it would for any
        // non-superuser migration role (PGlite checks this lock fact: test/trace-locks.test.ts)
        if (c.name === 'AT_DisableTrigAll') return void expect(s.error).toMatch(/permission denied: "RI_ConstraintTrigger_\w+" is a system trigger/);
        expect(s.error).toBeNull();
        const known = ['AT_SetAccessMethod', 'AT_SetTableSpace', 'ALTER INDEX SET TABLESPACE'].includes(c.name);
        if (!known) expect(s.differences.map((d) => d.message)).toEqual([]);
      });
    }
  });
});
