/**
 * `godwit trace` attacked as a hostile migration author would attack it, against a real
 * PostgreSQL server (CI: the private PostgreSQL 15 of .ci/postgres, GODWIT_TEST_DB_URL, a
 * superuser URL). Each attack is a migration traced with the built binary; afterwards the
 * cluster must be exactly as it was:
 *
 *  - `pg_dumpall` (every database, every role, role and database settings) byte for byte,
 *  - pg_authid (passwords included), pg_db_role_setting, pg_database settings and limits,
 *  - `postgresql.auto.conf` (ALTER SYSTEM),
 *  - the client sessions (no stray backend, no victim killed),
 *  - no file on the server host (checked on the server with pg_stat_file, and locally).
 *
 * docs/trace.md ("Threat model") says what the trace guarantees and what it cannot.
 * Skipped, with a message, when GODWIT_TEST_DB_URL is unset. The server tests of
 * test/trace-server.test.ts hold the same advisory lock, so the two files never run at once
 * (a cluster-wide snapshot must not see the other file's databases come and go).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { SERVER_TEST_LOCK } from './server-lock.js';

const url = process.env.GODWIT_TEST_DB_URL;
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

if (!url) {
  describe('godwit trace --db-url attacked (a real server)', () => {
    it.skip('skipped: set GODWIT_TEST_DB_URL to a PostgreSQL superuser URL (CI starts PostgreSQL 15 with .ci/postgres)', () => {});
  });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  json?: { statements: Array<{ line: number; sql: string; error: string | null; skipped: string | null }> };
}

describe.skipIf(!url)('godwit trace --db-url attacked (a real server)', () => {
  const tag = `${process.pid}`;
  const db = `godwit_adv_${tag}`;
  const owner = `godwit_adv_owner_${tag}`;
  const bystander = `godwit_adv_bystander_${tag}`;
  const strong = `godwit_adv_strong_${tag}`;
  const password = 'godwit-test';
  /** where attacks try to create files: writable by the server's OS user */
  const marks = join(tmpdir(), `godwit-adv-${tag}`);
  let dir: string;
  let admin: pg.Client;
  let lockHolder: pg.Client;
  let victimOwner: pg.Client;
  let victimOther: pg.Client;
  let dbUrl: string;
  let ownerUrl: string;
  let strongUrl: string;
  let baseline: string;
  const u = new URL(url ?? 'postgres://x@localhost/x');

  const urlFor = (database: string, user?: string): string => {
    const x = new URL(url!);
    x.pathname = `/${database}`;
    if (user) {
      x.username = user;
      x.password = password;
    }
    return x.toString();
  };
  const connect = async (connectionString: string, applicationName?: string): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString, application_name: applicationName });
    c.on('error', () => {});
    await c.connect();
    return c;
  };

  /** The cluster as text: every database, role and setting, the sessions, the files. */
  async function cluster(): Promise<string> {
    const dump = spawnSync('pg_dumpall', ['-d', url!, '--restrict-key=godwit', '--no-password'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (dump.status !== 0) throw new Error(`pg_dumpall failed: ${dump.stderr}`);
    const q = async (sql: string): Promise<string> => (await admin.query(sql)).rows.map((r) => JSON.stringify(r)).join('\n');
    return [
      dump.stdout,
      await q(`SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit, rolpassword, rolvaliduntil FROM pg_authid ORDER BY rolname`),
      await q(`SELECT roleid::regrole::text AS role, member::regrole::text AS member, admin_option FROM pg_auth_members ORDER BY 1, 2`),
      await q(`SELECT coalesce(d.datname, '-') AS db, coalesce(r.rolname, '-') AS role, s.setconfig FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase LEFT JOIN pg_roles r ON r.oid = s.setrole ORDER BY 1, 2`),
      await q(`SELECT datname, datdba::regrole::text AS owner, datconnlimit, datallowconn, datistemplate, datacl::text FROM pg_database ORDER BY datname`),
      await q(`SELECT pg_read_file('postgresql.auto.conf') AS auto_conf`),
      await q(`SELECT pid, usename, datname, application_name FROM pg_stat_activity WHERE backend_type = 'client backend' ORDER BY pid`),
      await q(`SELECT locktype, objid FROM pg_locks WHERE locktype = 'advisory' AND objid <> ${SERVER_TEST_LOCK} ORDER BY 1, 2`),
    ].join('\n----\n');
  }

  /** Files the attacks aimed at, on the server host (pg_stat_file) and here. */
  async function planted(): Promise<string[]> {
    const local = existsSync(marks) ? readdirSync(marks) : [];
    const remote = (await admin.query(`SELECT f FROM pg_ls_dir($1, true, false) AS f ORDER BY 1`, [marks])).rows.map((r) => r.f as string);
    return [...new Set([...local, ...remote])].sort();
  }

  function godwit(args: string[], opts: { timeout?: number } = {}): Run {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: opts.timeout ?? 120_000, maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
    const run: Run = { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
    try {
      run.json = JSON.parse(r.stdout);
    } catch {
      // not JSON: a refusal or a crash; the assertions on code and stderr tell
    }
    return run;
  }

  /** A migration file in the test directory; `PID` and `MARKS` are replaced. */
  function migration(name: string, sql: string): string {
    writeFileSync(join(dir, name), sql.replaceAll('MARKS', marks).replaceAll('DBURL_PORT', u.port || '5432').replaceAll('DBNAME', db));
    return name;
  }

  /** Trace the migration and check that nothing escaped. */
  async function attack(name: string, sql: string, extra: string[] = [], opts: { timeout?: number } = {}): Promise<Run> {
    const file = migration(name, sql);
    const r = godwit(['trace', file, '--db-url', dbUrl, '-f', 'json', ...extra], opts);
    await intact(r);
    return r;
  }

  async function intact(r: Run): Promise<void> {
    const detail = `exit ${r.code}\n${r.stderr}\n${r.stdout.slice(0, 4000)}`;
    expect(await planted(), detail).toEqual([]);
    for (const v of [victimOwner, victimOther]) expect((await v.query('SELECT 1 AS ok').catch(() => ({ rows: [{ ok: 'killed' }] }))).rows[0].ok, 'a victim session was killed').toBe(1);
    // a backend ends a moment after its client closed the connection: give it that moment
    let now = '';
    for (let i = 0; i < 12; i++) {
      now = await cluster();
      if (now === baseline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(now, detail).toBe(baseline);
  }

  /** The statement of the trace report at a line. */
  const at = (r: Run, line: number) => r.json?.statements.find((s) => s.line === line);

  beforeAll(async () => {
    lockHolder = await connect(url!, 'godwit-test-lock');
    await lockHolder.query('SELECT pg_advisory_lock($1)', [SERVER_TEST_LOCK]);
    admin = await connect(url!, 'godwit-adv-admin');
    dir = mkdtempSync(join(tmpdir(), 'godwit-adv-trace-'));
    rmSync(marks, { recursive: true, force: true });
    mkdirSync(marks);
    chmodSync(marks, 0o1777);
    const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
    await admin.query(`CREATE ROLE ${owner} LOGIN PASSWORD ${lit(password)}`);
    await admin.query(`CREATE ROLE ${bystander} LOGIN PASSWORD ${lit(password)}`);
    // a non-superuser that can reach outside the database: godwit cannot restrict it
    await admin.query(`CREATE ROLE ${strong} LOGIN PASSWORD ${lit(password)}`);
    await admin.query(`GRANT pg_execute_server_program TO ${strong}`);
    await admin.query(`CREATE DATABASE ${db} OWNER ${owner}`);
    dbUrl = urlFor(db);
    ownerUrl = urlFor(db, owner);
    strongUrl = urlFor(db, strong);
    const c = await connect(dbUrl);
    try {
      await c.query('CREATE EXTENSION IF NOT EXISTS dblink');
      // the application's tables, owned by the application's role (the recommended set-up)
      await c.query(`SET ROLE ${owner}`);
      await c.query(`CREATE TABLE orders (id bigint PRIMARY KEY, total int); INSERT INTO orders SELECT g, g FROM generate_series(1, 100) g`);
      await c.query(`CREATE TABLE keepme (id int); INSERT INTO keepme VALUES (1)`);
      await c.query(`CREATE SEQUENCE invoice_no`);
      await c.query('RESET ROLE');
      // a table a superuser owns, and a careless SECURITY DEFINER helper of the database's own
      await c.query(`CREATE TABLE su_table (id int)`);
      await c.query(`CREATE FUNCTION public.admin_exec(q text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$BEGIN EXECUTE q; END$$`);
    } finally {
      await c.end();
    }
    // sessions a migration must not be able to kill: the application's, and someone else's
    victimOwner = await connect(ownerUrl, 'godwit-adv-victim');
    victimOther = await connect(urlFor('postgres', bystander), 'godwit-adv-victim');
    baseline = await cluster();
  }, 20 * 60_000);

  afterAll(async () => {
    if (!url) return;
    for (const c of [victimOwner, victimOther]) await c?.end().catch(() => {});
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {});
      for (const r of [owner, bystander, strong]) await admin.query(`DROP ROLE IF EXISTS ${r}`).catch(() => {});
      await admin.end();
    }
    rmSync(marks, { recursive: true, force: true });
    await lockHolder?.end().catch(() => {});
  });

  describe('statements godwit did not see: lexing that differs from the server', () => {
    it('standard_conforming_strings = off: the issue example is refused, never run', async () => {
      const r = await attack('scs.sql', "SET standard_conforming_strings = off;\nSELECT 'a\\'' ; COMMIT ; DROP TABLE orders; SELECT ' --\\'' AS y;\n");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/standard_conforming_strings/);
    });

    it('standard_conforming_strings = off with a line after the hidden statements', async () => {
      const r = await attack('scs-tail.sql', "SET standard_conforming_strings = off;\nSELECT 'a\\'' ; COMMIT ; DROP TABLE orders; SELECT ' --\\'' AS y\n, 1;\n");
      expect(r.code).toBe(2);
    });

    it("client_encoding = 'SJIS': a multibyte character swallows the backslash", async () => {
      const r = await attack('sjis.sql', "SET client_encoding = 'SJIS';\nSELECT E'\u00c1\\' ; COMMIT ; DROP TABLE orders ; SELECT ' -- x' AS y\n, 1;\n");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/client_encoding/);
    });

    it("SET NAMES and set_config('standard_conforming_strings', …) are refused too", async () => {
      expect((await attack('names.sql', "SET NAMES 'SJIS';\nSELECT E'\u00c1\\' ; COMMIT ; DROP TABLE orders ; SELECT ' -- x' AS y\n, 1;\n")).code).toBe(2);
      expect((await attack('setconfig.sql', "SELECT set_config('standard_conforming_strings', 'off', false);\nSELECT 'a\\'' ; COMMIT ; DROP TABLE orders; SELECT ' --\\'' AS y\n, 1;\n")).code).toBe(2);
    });

    it('a setting changed by dynamic SQL stops the trace before the next statement is sent', async () => {
      const r = await attack('dyn-scs.sql', "DO $$ BEGIN EXECUTE 'SET standard_conforming_strings = off'; END $$;\nSELECT 'a\\'' ; COMMIT ; DROP TABLE orders; SELECT ' --\\'' AS y\n, 1;\n");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/standard_conforming_strings/);
    });
  });

  describe('shell, server files and other databases, through code bodies', () => {
    it('COPY … TO PROGRAM in a DO block (EXECUTE of a string)', async () => {
      const r = await attack('do-program.sql', "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ' || quote_literal('touch MARKS/do-program'); END $$;\n");
      expect(r.code).toBe(1); // the refused statement is a failed statement of the trace (exit 1)
      expect(at(r, 1)?.error).toMatch(/permission denied|must be superuser|pg_execute_server_program/);
    });

    it('COPY … TO PROGRAM in a function the migration calls', async () => {
      await attack('fn-program.sql', "CREATE FUNCTION pwn() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/fn-program'''; END $$;\nSELECT pwn();\n");
    });

    it('COPY … TO PROGRAM in a trigger fired by an INSERT', async () => {
      await attack('trigger-program.sql', [
        "CREATE FUNCTION pwn_trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/trigger-program'''; RETURN NEW; END $$;",
        'CREATE TRIGGER pwn BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION pwn_trg();',
        'INSERT INTO orders VALUES (1000, 1);',
        '',
      ].join('\n'));
    });

    it('COPY to a server file, lo_export, pg_read_file, a C function calling system()', async () => {
      await attack('files.sql', [
        "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO ''MARKS/copy-file'''; END $$;",
        "DO $$ BEGIN EXECUTE 'SELECT lo_export(lo_from_bytea(0, ''x''), ''MARKS/lo-export'')'; END $$;",
        "DO $$ BEGIN EXECUTE 'SELECT pg_read_file(''/etc/hostname'')'; END $$;",
        "CREATE FUNCTION pwn_system(cstring) RETURNS int AS 'libc.so.6', 'system' LANGUAGE C;",
        "SELECT pwn_system('touch MARKS/c-system');",
        'CREATE EXTENSION adminpack;',
        "SELECT pg_file_write('MARKS/adminpack', 'x', false);",
        '',
      ].join('\n'));
    });

    it('a SQL function around dblink_exec: CREATE TABLE, CREATE ROLE … SUPERUSER, ALTER SYSTEM, CREATE DATABASE, setval in other sessions', async () => {
      const conn = `host=${u.hostname} port=DBURL_PORT user=${decodeURIComponent(u.username)}${u.password ? ` password=${decodeURIComponent(u.password)}` : ''}`;
      const r = await attack('dblink.sql', [
        `CREATE FUNCTION w(db text, q text) RETURNS text LANGUAGE sql AS $$ SELECT dblink_exec('${conn} dbname=' || db, q) $$;`,
        "SELECT w('postgres', 'CREATE TABLE pwned_table (x int)');",
        "SELECT w('postgres', 'CREATE ROLE pwned_role SUPERUSER');",
        "SELECT w('postgres', 'ALTER SYSTEM SET work_mem = ''77MB''');",
        "SELECT w('postgres', 'CREATE DATABASE pwned_db');",
        "SELECT w('DBNAME', 'SELECT setval(''invoice_no'', 999)');",
        '',
      ].join('\n'));
      for (const line of [2, 3, 4, 5, 6]) expect(at(r, line)?.error, `line ${line}`).toMatch(/password is required|permission denied/);
    });

    it('pg_terminate_backend of other sessions, through dynamic SQL', async () => {
      const r = await attack('terminate.sql', "DO $$ BEGIN EXECUTE 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ''godwit-adv-victim'''; END $$;\n");
      expect(at(r, 1)?.error).toMatch(/permission denied/);
    });
  });

  describe('climbing back to the URL user', () => {
    it('RESET / SET SESSION AUTHORIZATION, RESET / SET ROLE, set_config — static and dynamic', async () => {
      const copy = (f: string) => `DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/${f}'''; END $$;`;
      const r = await attack('climb.sql', [
        'RESET SESSION AUTHORIZATION;',
        copy('climb-1'),
        `SET SESSION AUTHORIZATION ${decodeURIComponent(u.username)};`,
        copy('climb-2'),
        'RESET ROLE;',
        copy('climb-3'),
        "DO $$ BEGIN EXECUTE 'RESET SESSION AUTHORIZATION'; EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/climb-4'''; END $$;",
        "DO $$ BEGIN PERFORM set_config('session_authorization', session_user, false); EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/climb-5'''; END $$;",
        "DO $$ BEGIN EXECUTE 'SET ROLE ' || quote_ident((SELECT rolname FROM pg_roles WHERE rolsuper LIMIT 1)); EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/climb-6'''; END $$;",
        "CREATE FUNCTION up() RETURNS void LANGUAGE plpgsql SET role = 'postgres' AS $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/climb-7'''; END $$;",
        'SELECT up();',
        '',
      ].join('\n'));
      expect(r.code, r.stderr).toBe(1); // the refused statements fail: a trace with failed statements exits 1
      for (const line of [1, 3, 5]) expect(at(r, line)?.skipped, `line ${line}`).toMatch(/is not run: the trace runs the migration as a restricted role/);
      for (const line of [7, 8, 9, 10]) expect(at(r, line)?.error, `line ${line}`).toMatch(/cannot set parameter "(role|session_authorization)" within security-definer function/);
    });

    it('granting itself more: ALTER ROLE … SUPERUSER, GRANT pg_execute_server_program, a function handed to a superuser', async () => {
      await attack('grant.sql', [
        "DO $$ BEGIN EXECUTE 'ALTER ROLE ' || quote_ident(current_user) || ' SUPERUSER'; END $$;",
        "DO $$ BEGIN EXECUTE 'GRANT pg_execute_server_program TO ' || quote_ident(current_user); END $$;",
        "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/grant-1'''; END $$;",
        "CREATE FUNCTION handed() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/grant-2'''; END $$;",
        "DO $$ BEGIN EXECUTE 'ALTER FUNCTION handed() OWNER TO ' || quote_ident((SELECT rolname FROM pg_roles WHERE rolsuper LIMIT 1)); END $$;",
        'SELECT handed();',
        '',
      ].join('\n'));
    });

    it("a SECURITY DEFINER function a superuser owns (the database's own careless helper)", async () => {
      const r = await attack('secdef.sql', "SELECT admin_exec('COPY (SELECT 1) TO PROGRAM ''touch MARKS/secdef''');\n");
      expect(at(r, 1)?.error).toMatch(/permission denied|must be superuser|pg_execute_server_program/);
    });

    it("tampering with the trace's own session: its functions made SECURITY INVOKER or replaced, then RESET SESSION AUTHORIZATION", async () => {
      const r = await attack('tamper.sql', [
        `DO $$ DECLARE f regprocedure; BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p WHERE p.pronamespace = pg_my_temp_schema() LOOP
    BEGIN EXECUTE 'ALTER FUNCTION ' || f || ' SECURITY INVOKER'; EXCEPTION WHEN OTHERS THEN NULL; END;
    BEGIN EXECUTE 'ALTER FUNCTION ' || f || ' OWNER TO ' || quote_ident(current_user); EXCEPTION WHEN OTHERS THEN NULL; END;
  END LOOP;
END $$;`,
        "DO $$ BEGIN EXECUTE 'RESET SESSION AUTHORIZATION'; EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/tamper'''; END $$;",
        '',
      ].join('\n'));
      // the check before the next statement notices, and the trace stops (rolled back)
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("changed the trace's own function");
    });

    it("search_path hijack of the trace's own queries (operators and functions that run as whoever calls them)", async () => {
      const body = "BEGIN BEGIN EXECUTE 'RESET SESSION AUTHORIZATION'; EXCEPTION WHEN OTHERS THEN NULL; END; BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/hijack'''; EXCEPTION WHEN OTHERS THEN NULL; END;";
      const r = await attack('hijack.sql', [
        'CREATE SCHEMA evil;',
        `CREATE FUNCTION evil.eq(a oid, b oid) RETURNS boolean LANGUAGE plpgsql AS $$ ${body} RETURN a OPERATOR(pg_catalog.=) b; END $$;`,
        `CREATE FUNCTION evil.ge(a oid, b oid) RETURNS boolean LANGUAGE plpgsql AS $$ ${body} RETURN a OPERATOR(pg_catalog.>=) b; END $$;`,
        `CREATE FUNCTION evil.ne(a name, b name) RETURNS boolean LANGUAGE plpgsql AS $$ ${body} RETURN a OPERATOR(pg_catalog.<>) b; END $$;`,
        `CREATE FUNCTION evil.txid_current() RETURNS bigint LANGUAGE plpgsql AS $$ ${body} RETURN pg_catalog.txid_current(); END $$;`,
        `CREATE FUNCTION evil.pg_backend_pid() RETURNS int LANGUAGE plpgsql AS $$ ${body} RETURN pg_catalog.pg_backend_pid(); END $$;`,
        `CREATE FUNCTION evil.current_setting(text) RETURNS text LANGUAGE plpgsql AS $$ ${body} RETURN pg_catalog.current_setting($1); END $$;`,
        'CREATE OPERATOR evil.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = evil.eq);',
        'CREATE OPERATOR evil.>= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = evil.ge);',
        'CREATE OPERATOR evil.<> (LEFTARG = name, RIGHTARG = name, FUNCTION = evil.ne);',
        'SET search_path = evil, pg_catalog, public;',
        'SELECT 1;',
        'ALTER TABLE orders ADD COLUMN note text;',
        '',
      ].join('\n'));
      // the trace itself went on: godwit's queries did not run the migration's operators
      expect(r.code, r.stderr).toBe(0);
      expect(at(r, 13)?.error).toBeNull();
    });
  });

  describe('what the trace leaves behind', () => {
    it('settings of the database and of roles, connection limits, roles and passwords: all rolled back', async () => {
      await attack('settings.sql', [
        `ALTER DATABASE ${db} SET work_mem = '77MB';`,
        `ALTER DATABASE ${db} CONNECTION LIMIT 1;`,
        `ALTER ROLE ${owner} SET work_mem = '77MB';`,
        `ALTER ROLE ${owner} PASSWORD 'stolen';`,
        'CREATE ROLE pwned_in_trace;',
        "SELECT pg_advisory_lock(4242);",
        '',
      ].join('\n'));
    });

    it('a statement that turns off its own statement_timeout is still stopped', async () => {
      const r = await attack('timeout.sql', "DO $$ BEGIN SET statement_timeout = 0; PERFORM pg_sleep(60); END $$;\n", ['--statement-timeout', '1s'], { timeout: 90_000 });
      expect(r.ms).toBeLessThan(20_000);
      expect(at(r, 1)?.error).toMatch(/statement timeout/);
    });

    it('a 600 MB result is not sent to godwit (no crash, no stack trace): one 600 MB value, and 600,000 rows', async () => {
      const r = await attack('big.sql', "SELECT repeat('x', 600000000);\nSELECT repeat('x', 1000) FROM generate_series(1, 600000);\n", ['--statement-timeout', '60s'], { timeout: 180_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(at(r, 1)?.error).toBeNull();
      expect(at(r, 2)?.error).toBeNull();
    });
  });

  describe('--replay-history: the history is as untrusted as the migration', () => {
    it('roles, GRANT pg_read_server_files, ALTER ROLE/DATABASE … SET, connection limits and programs are not committed; the scratch database is dropped', async () => {
      mkdirSync(join(dir, 'hist'), { recursive: true });
      migration('hist/001_setup.sql', [
        'CREATE ROLE pwned_hist SUPERUSER;',
        'CREATE ROLE pwned_hist2;',
        'GRANT pg_read_server_files TO pwned_hist2;',
        "ALTER ROLE CURRENT_USER SET work_mem = '77MB';",
        "ALTER DATABASE postgres SET work_mem = '77MB';",
        'ALTER DATABASE postgres CONNECTION LIMIT 5;',
        "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/hist-program'''; END $$;",
        "DO $$ BEGIN EXECUTE 'ALTER SYSTEM SET work_mem = ''77MB'''; END $$;",
        'CREATE TABLE widgets (id bigint PRIMARY KEY);',
        '',
      ].join('\n'));
      migration('hist/002_change.sql', 'ALTER TABLE widgets ADD COLUMN name text;\n');
      const r = godwit(['trace', 'hist/002_change.sql', '--db-url', dbUrl, '--replay-history', '-f', 'json']);
      await intact(r);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json?.statements[0].error).toBeNull();
    });

    it('a history statement has a statement timeout', async () => {
      mkdirSync(join(dir, 'slowhist'), { recursive: true });
      migration('slowhist/001_sleep.sql', 'SELECT pg_sleep(60);\nCREATE TABLE widgets (id bigint);\n');
      migration('slowhist/002_change.sql', 'ALTER TABLE widgets ADD COLUMN name text;\n');
      const r = godwit(['trace', 'slowhist/002_change.sql', '--db-url', dbUrl, '--replay-history', '--statement-timeout', '1s', '-f', 'json'], { timeout: 90_000 });
      expect(r.ms).toBeLessThan(20_000);
      await intact(r);
    });

    it('SIGTERM during the replay drops the scratch database and leaves no backend', async () => {
      mkdirSync(join(dir, 'termhist'), { recursive: true });
      migration('termhist/001_sleep.sql', 'SELECT pg_sleep(60);\n');
      migration('termhist/002_change.sql', 'SELECT 1;\n');
      const child = spawn(process.execPath, [bin, 'trace', 'termhist/002_change.sql', '--db-url', dbUrl, '--replay-history', '--statement-timeout', '120s'], { cwd: dir });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      for (let i = 0; i < 200; i++) {
        // (the statement runs inside pg_temp.godwit_run: the backend's query text is godwit's call)
        const n = (await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'godwit trace' AND wait_event = 'PgSleep'`)).rows[0].n;
        if (n > 0) break;
        await new Promise((r) => setTimeout(r, 100));
        if (i === 199) throw new Error('the history never reached its pg_sleep');
      }
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => child.on('close', (c, sig) => r(c ?? (sig ? -1 : null))));
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(code, err).toBe(143);
      await intact({ code, stdout: '', stderr: err, ms: 0 });
    });
  });

  describe('URLs godwit cannot restrict', () => {
    it('a table owned by a superuser: refused (exit 2) unless --allow-unrestricted', async () => {
      const r = await attack('su-table.sql', 'ALTER TABLE su_table ADD COLUMN x int;\n');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/su_table.*superuser|--allow-unrestricted/s);
    });

    it('--allow-unrestricted: the same migration runs with the URL user\'s rights, says so, and is still rolled back', async () => {
      const r = await attack('su-table-allowed.sql', 'ALTER TABLE su_table ADD COLUMN x int;\n', ['--allow-unrestricted']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^godwit: warning: tracing unrestricted: .*su_table/m);
      expect(at(r, 1)).toMatchObject({ error: null });
    });

    it('a non-superuser that can run programs on the server: refused (exit 2)', async () => {
      migration('strong.sql', "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch MARKS/strong'''; END $$;\n");
      const r = godwit(['trace', 'strong.sql', '--db-url', strongUrl, '-f', 'json']);
      await intact(r);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/pg_execute_server_program/);
      expect(r.stderr).toMatch(/--allow-unrestricted/);
    });

    it('the table owner as the URL user, while another session of that role is connected and a superuser\'s SECURITY DEFINER helper is callable: refused (exit 2)', async () => {
      migration('own.sql', "DO $$ BEGIN EXECUTE 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ''godwit-adv-victim'''; END $$;\n");
      const r = godwit(['trace', 'own.sql', '--db-url', ownerUrl, '-f', 'json']);
      await intact(r);
      expect(r.code).toBe(2);
      // both, at once: the application's own session, and the careless SECURITY DEFINER helper a non-superuser cannot neutralise
      expect(r.stderr).toMatch(/Other sessions run as roles whose rights the migration has \(pid \d+ as godwit_adv_owner_\d+ \(godwit-adv-victim\)\)/);
      expect(r.stderr).toMatch(/SECURITY DEFINER functions .*admin_exec\(text\) \(owned by/);
    });
  });
});
