/**
 * `godwit trace` on embedded PostgreSQL (PGlite): what it runs and skips, what it reports,
 * that it never commits, that the process's PGlite instance is reset between traces, and
 * the command line end to end (the built binary).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { traceText, traceFile, shutdownPglite } from '../src/trace/index.js';
import { startPglite } from '../src/trace/pglite.js';
import { notTraceable, notReplayable, replayText } from '../src/trace/statements.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
let dir: string;
let cacheDir: string;

function godwit(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string> = { ...process.env, GODWIT_CACHE_DIR: cacheDir, ...(opts.env ?? {}) } as Record<string, string>;
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd: opts.cwd ?? dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'godwit-trace-'));
  cacheDir = join(dir, '.cache');
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', '001_init.sql'), [
    'CREATE TABLE customers (id bigint PRIMARY KEY, name text);',
    'CREATE TABLE orders (id bigint PRIMARY KEY, total int, status text, customer_ref bigint REFERENCES customers);',
    "INSERT INTO customers VALUES (1, 'a');",
    'INSERT INTO orders VALUES (1, 10, NULL, 1);',
    'SELECT no_such_function();',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'db', '002_orders.sql'), [
    "SET lock_timeout = '2s';",
    'ALTER TABLE orders ADD COLUMN customer_id bigint NOT NULL;',
    'CREATE INDEX orders_status_idx ON orders (status);',
    'ALTER TABLE orders ALTER COLUMN total TYPE bigint;',
    'CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);',
    'COMMIT;',
    'DROP TABLE orders;',
    '',
  ].join('\n'));
});

afterAll(async () => {
  await shutdownPglite();
});

describe('which statements a trace runs (AST, never the text)', () => {
  const kinds = async (sql: string, version = 180000) => {
    await initParser();
    return parseFile('x.sql', sql).statements.map((s) => notTraceable(s, version));
  };

  it('never runs transaction control', async () => {
    const r = await kinds('BEGIN; START TRANSACTION; COMMIT; ROLLBACK; SAVEPOINT a; RELEASE SAVEPOINT a; ROLLBACK TO SAVEPOINT a; PREPARE TRANSACTION \'x\'; COMMIT PREPARED \'x\'; END; ABORT; COMMIT AND CHAIN;');
    expect(r.every((x) => x?.startsWith('transaction control'))).toBe(true);
    expect(r[7]).toContain('PREPARE TRANSACTION');
  });

  it('reports what cannot run inside a transaction block', async () => {
    const r = await kinds([
      'CREATE INDEX CONCURRENTLY i ON t (a)',
      'DROP INDEX CONCURRENTLY i',
      'REINDEX TABLE CONCURRENTLY t',
      'REINDEX (CONCURRENTLY) INDEX i',
      'ALTER TABLE p DETACH PARTITION c CONCURRENTLY',
      'VACUUM t',
      'VACUUM (FULL) t',
      'CLUSTER',
      'REINDEX DATABASE d',
      'REINDEX SCHEMA s',
      'REINDEX SYSTEM',
      'ALTER SYSTEM SET work_mem = 1',
      'CREATE DATABASE d',
      'DROP DATABASE d',
      'ALTER DATABASE d SET TABLESPACE x',
      'CREATE TABLESPACE x LOCATION \'/x\'',
      'DISCARD ALL',
    ].join(';\n') + ';');
    for (const x of r) expect(x).toMatch(/cannot run inside a transaction block|outside any transaction/);
  });

  it('runs what PostgreSQL allows in a transaction block', async () => {
    const r = await kinds("ANALYZE t; CLUSTER t USING i; REINDEX (CONCURRENTLY false) TABLE t; VACUUM (FULL off) t; REFRESH MATERIALIZED VIEW CONCURRENTLY m; ALTER TYPE e ADD VALUE 'x'; ALTER DATABASE d SET work_mem = 1; CREATE INDEX i ON t (a);");
    expect(r.slice(0, 2)).toEqual([null, null]);
    expect(r[2]).toBeNull();
    expect(r[4]).toBeNull();
    expect(r[5]).toBeNull();
    expect(r[6]).toBeNull();
    expect(r[7]).toBeNull();
  });

  it("never runs what would change who the session is or discard the trace's own session state", async () => {
    const r = await kinds('SET ROLE app; RESET ROLE; SET SESSION AUTHORIZATION app; RESET SESSION AUTHORIZATION; SET LOCAL role = app; DISCARD PLANS; DISCARD TEMP; SELECT 1 INTO t2;');
    for (const x of r.slice(0, 5)) expect(x).toMatch(/^SET (ROLE|SESSION AUTHORIZATION) is not run: the trace runs the migration as a restricted role/);
    expect(r[5]).toContain('DISCARD is not run');
    expect(r[6]).toContain('DISCARD is not run');
    expect(r[7]).toContain('SELECT … INTO is not run');
  });

  it('ALTER TYPE … ADD VALUE cannot run in a transaction block before PostgreSQL 12', async () => {
    expect((await kinds("ALTER TYPE e ADD VALUE 'x';", 110000))[0]).toContain('before PostgreSQL 12');
  });

  it('does not run statements whose effects escape the transaction', async () => {
    const r = await kinds([
      'COPY t FROM STDIN',
      "COPY t TO '/tmp/x'",
      "COPY t FROM PROGRAM 'cat /etc/passwd'",
      "SELECT dblink_exec('host=x', 'DROP TABLE t')",
      'SELECT pg_terminate_backend(123)',
      "DO $$ BEGIN PERFORM pg_cancel_backend(1); END $$",
      "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p",
      "LOAD 'auto_explain'",
    ].join(';\n') + ';');
    expect(r.every((x) => x !== null)).toBe(true);
    expect(r[3]).toContain('dblink_exec()');
    expect(r[5]).toContain('pg_cancel_backend()');
  });

  it('a syntax error is reported, not run', async () => {
    expect((await kinds('SELEC 1;'))[0]).toContain('syntax error');
  });

  it('history replay runs CONCURRENTLY forms without CONCURRENTLY (each statement runs inside a function), skips VACUUM, transaction control and escaping statements', async () => {
    await initParser();
    const file = parseFile('h.sql', "BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); VACUUM t; COMMIT; ALTER SYSTEM SET work_mem = 1; COPY t FROM STDIN; CREATE TABLE x (a int); DROP INDEX CONCURRENTLY IF EXISTS i; REINDEX TABLE CONCURRENTLY t; ALTER TABLE p DETACH PARTITION c CONCURRENTLY;");
    const r = file.statements.map(notReplayable);
    expect(r.map((x) => x === null)).toEqual([false, true, false, false, false, false, true, true, false, true]);
    expect(file.statements.map((s) => (notReplayable(s) ? null : replayText(s, file)))).toEqual([
      null, 'CREATE INDEX  i ON t (a)', null, null, null, null, 'CREATE TABLE x (a int)', 'DROP INDEX  IF EXISTS i', null, 'ALTER TABLE p DETACH PARTITION c ',
    ]);
  });
});

describe('a trace in PGlite', () => {
  it('reports locks, rewrites, errors and skips per statement, and godwit agrees', async () => {
    const r = await traceFile(join(dir, 'db', '002_orders.sql'), { cwd: dir, cacheDir });
    expect(r.engine).toBe('pglite');
    expect(r.committed).toBe(false);
    expect(Number(r.serverVersion.split('.')[0])).toBeGreaterThanOrEqual(17);
    // history: the earlier migration, one statement of which fails and is skipped
    expect(r.history).toMatchObject({ source: 'migrations', files: 1, statements: 5, failed: 1 });
    expect(r.history.errors[0].message).toContain('no_such_function');
    const [set, addCol, index, type, cic, commit, drop] = r.statements;
    expect(set).toMatchObject({ line: 1, locks: [], error: null, skipped: null });
    // NOT NULL without a default on a non-empty table: fails, rolled back to its savepoint
    expect(addCol.error).toContain('contains null values');
    expect(addCol.errorCode).toBe('23502');
    expect(addCol.static).toEqual([{ relation: 'orders', mode: 'ACCESS EXCLUSIVE', duration: 'instant' }]);
    // the trace went on after the failure
    expect(index.locks).toEqual(expect.arrayContaining([{ relation: 'orders', mode: 'SHARE', kind: 'table' }, { relation: 'orders_status_idx', mode: 'ACCESS EXCLUSIVE', kind: 'index', created: true }]));
    expect(index.differences).toEqual([]);
    // int → bigint rewrites the table and its indexes
    expect(type.locks).toContainEqual({ relation: 'orders', mode: 'ACCESS EXCLUSIVE', kind: 'table' });
    expect(type.rewrites).toEqual(expect.arrayContaining([{ relation: 'orders', kind: 'table' }, { relation: 'orders_pkey', kind: 'index' }, { relation: 'orders_status_idx', kind: 'index' }]));
    expect(type.static).toEqual([{ relation: 'orders', mode: 'ACCESS EXCLUSIVE', duration: 'rewrite' }]);
    expect(type.differences).toEqual([]);
    expect(type.held).toContainEqual({ relation: 'orders', mode: 'SHARE', kind: 'table' });
    expect(type.durationMs).toBeGreaterThan(0);
    expect(cic.skipped).toBe('CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
    expect(cic.static).toEqual([{ relation: 'orders', mode: 'SHARE UPDATE EXCLUSIVE', duration: 'long' }]);
    expect(commit.skipped).toContain('transaction control (COMMIT)');
    // dropping a table with a foreign key also takes ACCESS EXCLUSIVE on the referenced table
    expect(drop.locks).toContainEqual({ relation: 'customers', mode: 'ACCESS EXCLUSIVE', kind: 'table' });
    // orders was already ACCESS EXCLUSIVE since the ALTER … TYPE: PostgreSQL lists a mode once per transaction
    expect(drop.held).toContainEqual({ relation: 'orders', mode: 'ACCESS EXCLUSIVE', kind: 'table' });
    expect(drop.differences).toEqual([]);
  });

  it('never commits: a later trace in the same instance sees none of it', async () => {
    const a = await traceText('CREATE TABLE t (id int); INSERT INTO t VALUES (1); COMMIT; CREATE TABLE u (id int);', { cacheDir });
    expect(a.statements.map((s) => s.error)).toEqual([null, null, null, null]);
    const b = await traceText('CREATE TABLE t (id int); CREATE TABLE u (id int); SELECT count(*) FROM pg_class WHERE relname IN (\'t\', \'u\');', { cacheDir });
    expect(b.statements.map((s) => s.error)).toEqual([null, null, null]);
  });

  it('one failing statement does not stop the rest (a SAVEPOINT per statement)', async () => {
    const r = await traceText('CREATE TABLE a (id int); SELECT 1/0; CREATE TABLE b (id int REFERENCES a);', { cacheDir });
    expect(r.statements.map((s) => !!s.error)).toEqual([false, true, true]);
    expect(r.statements[1].error).toContain('division by zero');
    expect(r.statements[2].error).toContain('no primary key');
  });

  it('rolls back the transaction when the trace is interrupted (signal)', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const r = await traceText('CREATE TABLE t (id int);', { cacheDir, signal: ctl.signal });
    expect(r.statements[0].skipped).toBe('interrupted');
  });

  it('explains a disagreement that depends on the data (a DO block whose loop never runs)', async () => {
    const r = await traceText(`DO $$ DECLARE i int := 0; BEGIN WHILE i < (SELECT count(*) FROM t) LOOP UPDATE t SET v = 1 WHERE id = i; i := i + 1; END LOOP; END $$;`, { history: 'CREATE TABLE t (id int, v int);', cacheDir });
    const d = r.statements[0].differences;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'mode', static: 'ROW EXCLUSIVE', traced: 'ACCESS SHARE' });
    expect(d[0].message).toContain('may not have run on this data');
  });

  it('loads the contrib extensions the migration creates', async () => {
    const r = await traceText('CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX t_name_trgm ON t USING gin (name gin_trgm_ops);', { history: 'CREATE TABLE t (id int, name text);', cacheDir });
    expect(r.statements.map((s) => s.error)).toEqual([null, null]);
    expect(r.statements[1].locks).toContainEqual({ relation: 't', mode: 'SHARE', kind: 'table' });
  });

  it('resets the instance between traces and verifies the reset', async () => {
    // a trace whose history creates roles, schemas, types, functions, grants, extensions, …
    const h = await traceText('SELECT 1;', {
      cacheDir,
      history: [
        'CREATE ROLE app_user; CREATE SCHEMA app AUTHORIZATION app_user; CREATE TYPE app.mood AS ENUM (\'a\');',
        'CREATE TABLE app.t (id int, m app.mood); GRANT SELECT ON app.t TO app_user; CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
        'CREATE EXTENSION hstore; CREATE SEQUENCE s; ALTER DATABASE postgres SET work_mem = \'8MB\'; CREATE TABLE public.p (id int); COMMENT ON TABLE public.p IS \'x\';',
        'ALTER DEFAULT PRIVILEGES FOR ROLE app_user GRANT SELECT ON TABLES TO PUBLIC; CREATE FUNCTION public.evt() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$; CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION public.evt();',
      ],
    });
    expect(h.history.failed, JSON.stringify(h.history.errors)).toBe(0);
    const next = await startPglite({ cacheDir });
    try {
      expect(next.how).toBe('reused');
      const rows = await next.engine.query<{ n: string }>(`SELECT (SELECT count(*) FROM pg_class WHERE oid >= 16384) + (SELECT count(*) FROM pg_authid WHERE oid >= 16384) + (SELECT count(*) FROM pg_namespace WHERE nspname IN ('app')) + (SELECT count(*) FROM pg_db_role_setting) AS n`);
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await next.engine.release();
    }
  });

  it('replaces the instance when the reset cannot make it pristine', async () => {
    // a comment on a built-in object survives the reset: the fingerprint notices
    await traceText('SELECT 1;', { cacheDir, history: "COMMENT ON FUNCTION pg_catalog.now() IS 'changed';" });
    const next = await startPglite({ cacheDir });
    try {
      expect(next.how).not.toBe('reused');
      const rows = await next.engine.query<{ d: string }>(`SELECT obj_description('pg_catalog.now'::regproc, 'pg_proc') AS d`);
      expect(rows[0].d).not.toBe('changed');
    } finally {
      await next.engine.release();
    }
  });
});

describe('godwit trace (command line)', () => {
  it('prints a table per statement, and the disagreements with godwit', () => {
    const r = godwit(['trace', 'db/002_orders.sql', '--no-color']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // a statement failed (ADD COLUMN … NOT NULL on a row): its locks are unknown
    expect(r.stdout).toContain('1 statement failed: their locks are not known');
    expect(r.stdout).toContain('traced in PGlite (PostgreSQL 1');
    expect(r.stdout).toContain('history: 1 file, 5 statements replayed, 1 failed and skipped');
    expect(r.stdout).toContain('rolled back, nothing committed');
    expect(r.stdout).toMatch(/error: column "customer_id" of relation "orders" contains null values/);
    expect(r.stdout).toMatch(/SHARE\s+orders\n/);
    expect(r.stdout).toMatch(/rewritten\s+orders, orders_pkey \(index\), orders_status_idx \(index\)/);
    expect(r.stdout).toContain('not traced: CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
    expect(r.stdout).toContain('✓ matches godwit: ACCESS EXCLUSIVE on orders (rewrite)');
    expect(r.stdout).toMatch(/4 statements traced, 1 failed, 2 not traced · 0 disagreements/);
  });

  it('--format json follows docs/trace.md', () => {
    const r = godwit(['trace', join(dir, 'db', '002_orders.sql'), '-f', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['file', 'engine', 'serverVersion', 'targetPgVersion', 'committed', 'history', 'startMs', 'statements']);
    expect(out.targetPgVersion).toBe(15);
    expect(out).toMatchObject({ file: join(dir, 'db', '002_orders.sql'), engine: 'pglite', committed: false });
    expect(Object.keys(out.statements[0])).toEqual(['line', 'sql', 'statementKind', 'locks', 'held', 'rewrites', 'durationMs', 'error', 'skipped', 'static', 'differences']);
    expect(out.statements[3]).toMatchObject({ line: 4, sql: 'ALTER TABLE orders ALTER COLUMN total TYPE bigint', error: null, skipped: null });
    expect(out.statements[5]).toMatchObject({ line: 6, sql: 'COMMIT', durationMs: null, locks: [] });
  });

  it('--schema replays a dump instead of (before) the history', () => {
    writeFileSync(join(dir, 'schema.sql'), 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n');
    writeFileSync(join(dir, 'loose.sql'), 'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;\n');
    const r = godwit(['trace', 'loose.sql', '--schema', 'schema.sql', '-f', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.history).toMatchObject({ source: 'schema', files: 1, statements: 1, failed: 0 });
    expect(out.statements[0].locks).toEqual([{ relation: 'accounts', mode: 'ACCESS EXCLUSIVE', kind: 'table' }]);
  });

  it('--no-replay-history traces against an empty database', () => {
    const r = godwit(['trace', 'db/002_orders.sql', '--no-replay-history', '-f', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.history.source).toBe('database');
    expect(out.statements[1].error).toContain('does not exist');
  });

  it('usage errors exit 2', () => {
    expect(godwit(['trace']).code).toBe(2);
    expect(godwit(['trace', 'a.sql', 'b.sql']).code).toBe(2);
    expect(godwit(['trace', 'missing.sql']).stderr).toContain('no such file');
    expect(godwit(['trace', 'db/002_orders.sql', '-f', 'sarif']).code).toBe(2);
    expect(godwit(['trace', 'db/002_orders.sql', '--db-url', 'postgres://x', '--lock-timeout', 'soon']).stderr).toContain('--lock-timeout takes a PostgreSQL duration');
  });

  it('an unreachable server is a clear failure (exit 2), not a hang', () => {
    const r = godwit(['trace', 'db/002_orders.sql', '--db-url', 'postgres://nobody@127.0.0.1:1/none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('godwit: trace failed:');
  });

  it('caches the initdb data directory for the next process', () => {
    expect(readdirSync(cacheDir).some((f) => /^pglite-.*-datadir\.tar\.gz$/.test(f))).toBe(true);
  });

  it('godwit lint never loads PGlite or pg (they are imported only by the trace engines)', () => {
    const files = ['src/trace/index.ts', 'src/trace/run.ts', 'src/trace/history.ts', 'src/trace/report.ts', 'src/trace/compare.ts', 'src/trace/statements.ts', 'src/trace/pglite.ts', 'src/trace/server.ts', 'src/cli/main.ts', 'src/cli/trace-command.ts'];
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      const staticImports = [...text.matchAll(/^import\s+(?!type\b)[^;]*from\s+'([^']+)'/gm)].map((m) => m[1]);
      expect(staticImports.filter((m) => m === 'pg' || m.startsWith('@electric-sql/pglite')), f).toEqual([]);
    }
    // the CLI loads the trace command only for `godwit trace`
    expect(readFileSync(join(root, 'src/cli/main.ts'), 'utf8')).not.toMatch(/^import .*trace-command/m);
  });

  it('SIGINT (and SIGTERM) stop even a statement that never ends — PGlite has no statement_timeout — roll back and exit 130 (143)', async () => {
    writeFileSync(join(dir, 'slow.sql'), 'SELECT pg_sleep(1e6);\nCREATE TABLE never (id int);\n');
    godwit(['trace', 'db/002_orders.sql']); // the data directory cached, so that the trace reaches the sleep soon
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const child = spawn(process.execPath, [bin, 'trace', 'slow.sql', '-f', 'json', '--statement-timeout', '1h'], { cwd: dir, env: { ...process.env, GODWIT_CACHE_DIR: cacheDir } });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      // (a fixed delay: the trace is in the sleep well before, even on a busy machine; PGlite reports no activity to wait for)
      await new Promise((r) => setTimeout(r, 15_000));
      const t0 = Date.now();
      child.kill(signal);
      const exit = await new Promise<number | null>((r) => child.on('close', r));
      expect(Date.now() - t0, signal).toBeLessThan(5000);
      expect(err).toContain(signal === 'SIGINT' ? 'interrupted' : 'terminated');
      expect(exit).toBe(code);
      const json = JSON.parse(out);
      expect(json.committed).toBe(false);
      expect(json.statements[0]).toMatchObject({ error: 'interrupted', engineStopped: true });
      expect(json.statements[1].skipped).toBe('interrupted');
    }
  }, 120_000);

  it('--statement-timeout holds in PGlite too: the statement is stopped, the rest is reported as not traced', () => {
    writeFileSync(join(dir, 'endless.sql'), "SELECT pg_sleep(1e6);\nCREATE TABLE never (id int);\n");
    const t0 = Date.now();
    const r = godwit(['trace', 'endless.sql', '-f', 'json', '--statement-timeout', '1s']);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.statements[0].error).toMatch(/^canceling statement due to statement timeout/);
    expect(json.statements[1].skipped).toMatch(/stopped at the statement timeout of an earlier statement/);
  });

  it('a 600 MB result is dropped where it is produced: no crash, exit 0', () => {
    // 600,000 rows are read through a cursor inside PGlite; one 600 MB value may not fit PGlite's memory, which is the statement's error, never a crash
    writeFileSync(join(dir, 'big.sql'), "SELECT repeat('x', 1000) FROM generate_series(1, 600000);\nSELECT repeat('x', 600000000);\n");
    const r = godwit(['trace', 'big.sql', '-f', 'json', '--statement-timeout', '120s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout);
    expect(json.statements[0].error).toBeNull();
    expect([null, 'out of memory']).toContain(json.statements[1].error);
  });

  it('usage: --db-url must be a postgres:// URL, timeouts must be above zero, --allow-unrestricted needs --db-url', () => {
    const notUrl = godwit(['trace', 'db/002_orders.sql', '--db-url', 'notaurl']);
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toContain("--db-url takes a connection URL such as postgres://user@host:5432/db (got 'notaurl')");
    expect(notUrl.stderr).not.toContain('ENOTFOUND');
    expect(godwit(['trace', 'db/002_orders.sql', '--db-url', 'mysql://x@y/z']).stderr).toContain('postgres:// or postgresql://');
    for (const flag of ['--statement-timeout', '--lock-timeout']) {
      const zero = godwit(['trace', 'db/002_orders.sql', '--db-url', 'postgres://x@127.0.0.1:1/y', flag, '0']);
      expect(zero.code, flag).toBe(2);
      expect(zero.stderr, flag).toContain(`${flag} takes a PostgreSQL duration above zero`);
    }
    expect(godwit(['trace', 'db/002_orders.sql', '--allow-unrestricted']).code).toBe(2);
  });

  it("a file that changes how PostgreSQL splits SQL is never run, in PGlite either (exit 2)", () => {
    writeFileSync(join(dir, 'scs.sql'), "SET standard_conforming_strings = off;\nSELECT 'a\\'' ; COMMIT ; DROP TABLE orders; SELECT ' --\\'' AS y;\n");
    const r = godwit(['trace', 'scs.sql']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('godwit: not traced: scs.sql:1: SET standard_conforming_strings = off changes how PostgreSQL reads the statements after it');
  });
});

describe('PGlite start-up', () => {
  it('is measured: cold (initdb), cached data directory, reused in the process', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'godwit-cache-'));
    const script = `
      const { startPglite, shutdownPglite } = await import(${JSON.stringify(join(root, 'dist/src/trace/pglite.js'))});
      const a = await startPglite({ cacheDir: process.argv[1] });
      await a.engine.query('CREATE TABLE t (id int)');
      await a.engine.release();
      const b = await startPglite({ cacheDir: process.argv[1] });
      await b.engine.release();
      await shutdownPglite();
      console.log(JSON.stringify([[a.how, Math.round(a.startMs)], [b.how, Math.round(b.startMs)]]));`;
    const run = () => JSON.parse(spawnSync(process.execPath, ['--input-type=module', '-e', script, fresh], { encoding: 'utf8' }).stdout) as Array<[string, number]>;
    const [cold, reused] = run();
    const [cached] = run();
    expect([cold[0], cached[0], reused[0]]).toEqual(['initdb', 'datadir', 'reused']);
    // eslint-disable-next-line no-console
    console.log(`PGlite start: cold (initdb) ${cold[1]} ms, cached data directory ${cached[1]} ms, reused after a trace ${reused[1]} ms`);
  });
});
