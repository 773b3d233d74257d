/**
 * A PostgreSQL server through `pg` (imported on first use). One connection per trace; the
 * trace runs in one transaction that is always rolled back (run.ts). The execution model
 * (docs/trace.md, "Threat model"):
 *
 *  - every statement godwit sends is one statement in one message of the extended query
 *    protocol (which refuses a string of several statements);
 *  - the settings that decide where PostgreSQL splits SQL text are pinned
 *    (standard_conforming_strings = on, client_encoding = UTF8) and checked before every
 *    statement of the migration (pg_temp.godwit_check) and after it (the snapshot);
 *  - the migration's statements run as a restricted role (restrict.ts), inside a SECURITY
 *    DEFINER function of that role, so nothing they run can climb back to the URL's user;
 *  - each one runs with lock_timeout and statement_timeout, set again before every statement
 *    (a SET in the migration cannot lift them); godwit also stops a statement itself (cancel,
 *    then close the connection) when the server lets it run past its statement_timeout;
 *  - idle_in_transaction_session_timeout ends the session if godwit stops responding while it
 *    holds locks; on PostgreSQL >= 14, client_connection_check_interval makes the server notice
 *    a vanished client during a long statement. Interrupting (SIGINT, SIGTERM) cancels the
 *    running statement from a second connection, then rolls back.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { Client, ClientConfig, QueryConfig as PgQueryConfig } from 'pg';
import { durationMs, quoteIdent, TraceStop, type Engine } from './engine.js';
import { restrictSession, type Restriction } from './restrict.js';
import { checkFailure, RUN_CALL } from './session.js';

type PgModule = typeof import('pg');
type QueryConfig = PgQueryConfig & { queryMode?: 'extended' };
let pgPromise: Promise<PgModule> | undefined;

async function loadPg(): Promise<PgModule> {
  if (!pgPromise) pgPromise = import('pg').then((m) => ((m as unknown as { default?: PgModule }).default ?? m) as PgModule);
  return pgPromise;
}

export interface ServerOptions {
  url: string;
  /** `lock_timeout` for every traced statement (PostgreSQL interval text) */
  lockTimeout: string;
  /** `statement_timeout` for every traced statement */
  statementTimeout: string;
  /** run unrestricted (with a warning) where godwit cannot restrict the URL's user */
  allowUnrestricted?: boolean;
  /** a scratch database's role (it owns the database): the migration and its history run as it */
  role?: string;
  /** a warning for the user (stderr) */
  warn?: (message: string) => void;
}

export interface ServerStartInfo {
  engine: Engine;
  startMs: number;
  database: string;
}

/** A postgres:// URL, or a clear error (pg would read `notaurl` as a host name). */
export function checkDbUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `--db-url takes a connection URL such as postgres://user@host:5432/db (got '${url}')`;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') return `--db-url takes a postgres:// or postgresql:// URL (got '${parsed.protocol}…')`;
  return undefined;
}

function clientConfig(url: string): ClientConfig {
  return { connectionString: url, application_name: 'godwit trace', connectionTimeoutMillis: 10_000 };
}

async function openClient(pg: PgModule, url: string): Promise<Client> {
  const client: Client = new pg.Client(clientConfig(url));
  // a broken connection must not crash the process: the trace reports it
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Connect for one trace. */
export async function connectServer(opts: ServerOptions): Promise<ServerStartInfo> {
  const t0 = performance.now();
  const pg = await loadPg();
  let client = await openClient(pg, opts.url);
  // queryMode 'extended' (pg >= 8.9, not in @types/pg): Parse/Bind/Execute even without parameters
  const query = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await client.query({ text: sql, values: params, queryMode: 'extended' } as QueryConfig)).rows as T[];
  let info!: { v: string; n: string; pid: number; db: string };
  const setUp = async (): Promise<void> => {
    try {
      info = (await query<{ v: string; n: string; pid: number; db: string }>(
        `SELECT pg_catalog.current_setting('server_version') AS v, pg_catalog.current_setting('server_version_num') AS n, pg_catalog.pg_backend_pid() AS pid, pg_catalog.current_database()::pg_catalog.text AS db`,
      ))[0];
      // how godwit reads SQL, whatever the role's or the database's defaults; godwit's own set-up is bounded too
      await query(`SET standard_conforming_strings = on`);
      await query(`SET client_encoding = 'UTF8'`);
      await query(`SELECT pg_catalog.set_config('statement_timeout', $1, false), pg_catalog.set_config('lock_timeout', $2, false)`, [opts.statementTimeout, opts.lockTimeout]);
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
  };
  await setUp();
  const versionNum = Number(info.n);
  const timeoutMs = durationMs(opts.statementTimeout);
  let closed = false;
  let inTransaction = false;
  let restriction: Restriction | undefined;
  /** why godwit closed the connection itself (its own timeout) */
  let stopped: string | undefined;

  const restrict = async (relations: string[]): Promise<void> => {
    if (restriction) return;
    restriction = await restrictSession(query, {
      relations,
      allowUnrestricted: !!opts.allowUnrestricted,
      role: opts.role,
      newRole: `godwit_trace_${process.pid}_${randomBytes(4).toString('hex')}`,
      pid: info.pid,
    });
    if (restriction.warning) opts.warn?.(restriction.warning);
  };

  const engine: Engine = {
    kind: 'server',
    serverVersion: info.v.split(' ')[0],
    versionNum,
    query,
    async run(sql, { rows }) {
      // the history (a scratch database) runs in autocommit: its session is restricted first
      if (!restriction) await restrict([]);
      await query(
        `SELECT pg_catalog.set_config('lock_timeout', $1, $3), pg_catalog.set_config('statement_timeout', $2, $3), pg_catalog.set_config('idle_in_transaction_session_timeout', '60s', $3)${
          versionNum >= 140000 ? `, pg_catalog.set_config('client_connection_check_interval', '1s', $3)` : ''
        }`,
        [opts.lockTimeout, opts.statementTimeout, inTransaction],
      );
      // the server enforces statement_timeout; if it does not, godwit does (cancel, then close the connection)
      const guard = setTimeout(() => {
        stopped = `the server did not end the statement at its statement_timeout (${opts.statementTimeout}): godwit cancelled it and closed the connection`;
        engine.abort();
      }, timeoutMs + 5000);
      try {
        await query(RUN_CALL, [sql, rows]);
      } catch (e) {
        const why = checkFailure(e);
        if (why) throw new TraceStop(why);
        if (stopped) throw new TraceStop(stopped);
        throw e;
      } finally {
        clearTimeout(guard);
      }
    },
    async freshSession() {
      // a new connection: nothing the history did to the session carries over (it is restricted again)
      await client.end().catch(() => destroy(client));
      client = await openClient(pg, opts.url);
      restriction = undefined;
      await setUp();
    },
    async begin({ relations }) {
      await query('BEGIN');
      inTransaction = true;
      await restrict(relations);
    },
    async rollback() {
      inTransaction = false;
      try {
        await query('ROLLBACK');
      } catch {
        // the session is broken: drop it, the server rolls back a transaction whose client is gone
        engine.abort();
      }
    },
    abort() {
      if (closed) return;
      // cancel the running statement from a second connection; the trace then rolls back.
      // If that does not work promptly, drop the connection: the server rolls back a
      // transaction whose client is gone.
      void cancelBackend(pg, opts.url, info.pid);
      setTimeout(() => {
        if (!closed) destroy(client);
      }, 3000).unref();
    },
    async release() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => destroy(client));
    },
  };
  return { engine, startMs: performance.now() - t0, database: info.db };
}

function destroy(client: Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
  stream?.destroy?.();
}

async function cancelBackend(pg: PgModule, url: string, pid: number): Promise<void> {
  let c: Client | undefined;
  try {
    c = await openClient(pg, url);
    await c.query({ text: 'SELECT pg_catalog.pg_cancel_backend($1)', values: [pid] });
  } catch {
    // the fallback (dropping the connection) still applies
  } finally {
    await c?.end().catch(() => {});
  }
}

export interface ScratchDatabase {
  url: string;
  name: string;
  /** the role the history and the migration run as there (it owns the database); undefined: the URL's user */
  role?: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database on the server, for replaying a history there (`--replay-history`):
 * created from template0, owned by a role made for it (NOLOGIN, no attributes) when the URL's
 * user can make roles, dropped afterwards with that role (also after an error, SIGINT or
 * SIGTERM). The history is committed only in it, statement by statement, as that role; the
 * traced migration runs in a rolled-back transaction. Needs CREATEDB.
 */
export async function createScratchDatabase(url: string, timeouts: { statementTimeout: string }): Promise<ScratchDatabase> {
  const parsed = new URL(url);
  const pg = await loadPg();
  const name = `godwit_trace_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openClient(pg, url);
  let role: string | undefined;
  try {
    await admin.query({ text: `SELECT pg_catalog.set_config('statement_timeout', $1, false)`, values: [timeouts.statementTimeout] });
    const me = (await admin.query(`SELECT r.rolname::pg_catalog.text AS name, r.rolsuper AS su, r.rolcreaterole AS cr FROM pg_catalog.pg_roles r WHERE r.rolname = pg_catalog.session_user()`)).rows[0] as { name: string; su: boolean; cr: boolean };
    if (me.su || me.cr) {
      await admin.query(`CREATE ROLE ${quoteIdent(name)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT`);
      role = name;
      if (!me.su) await admin.query(`GRANT ${quoteIdent(name)} TO ${quoteIdent(me.name)}`);
    }
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}${role ? ` OWNER ${quoteIdent(role)}` : ''} TEMPLATE template0`);
  } catch (e) {
    if (role) await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`).catch(() => {});
    await admin.end().catch(() => {});
    throw e;
  }
  await admin.end().catch(() => {});
  parsed.pathname = `/${encodeURIComponent(name)}`;
  let dropped = false;
  return {
    url: parsed.toString(),
    name,
    role,
    async drop() {
      if (dropped) return;
      dropped = true;
      const c = await openClient(pg, url);
      try {
        const v = Number((await c.query(`SELECT pg_catalog.current_setting('server_version_num') AS n`)).rows[0].n);
        if (v < 130000) await c.query({ text: `SELECT pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a WHERE a.datname = $1`, values: [name] });
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}${v >= 130000 ? ' WITH (FORCE)' : ''}`);
        if (role) await c.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
      } finally {
        await c.end().catch(() => {});
      }
    },
  };
}
