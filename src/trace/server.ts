/**
 * A PostgreSQL server through `pg` (imported on first use). One connection per trace; the
 * trace runs in one transaction that is always rolled back (run.ts).
 *
 * Safety on a shared server: every traced statement runs with a short lock_timeout (it never
 * queues behind, and so never blocks, other sessions for long) and statement_timeout;
 * idle_in_transaction_session_timeout ends the session if godwit stops responding while it
 * holds locks; on PostgreSQL >= 14, client_connection_check_interval makes the server notice
 * a vanished client during a long statement. Interrupting (SIGINT) cancels the running
 * statement from a second connection, then rolls back.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { Client, ClientConfig } from 'pg';
import { quoteIdent, type Engine } from './engine.js';

type PgModule = typeof import('pg');
let pgPromise: Promise<PgModule> | undefined;

async function loadPg(): Promise<PgModule> {
  if (!pgPromise) pgPromise = import('pg').then((m) => ((m as unknown as { default?: PgModule }).default ?? m) as PgModule);
  return pgPromise;
}

export interface ServerOptions {
  url: string;
  /** `SET LOCAL lock_timeout` for every traced statement (PostgreSQL interval text) */
  lockTimeout: string;
  /** `SET LOCAL statement_timeout` for every traced statement */
  statementTimeout: string;
}

export interface ServerStartInfo {
  engine: Engine & { readonly settings: string };
  startMs: number;
  database: string;
}

function clientConfig(url: string): ClientConfig {
  return { connectionString: url, application_name: 'godwit trace', connectionTimeoutMillis: 10_000 };
}

/** Connect for one trace. */
export async function connectServer(opts: ServerOptions): Promise<ServerStartInfo> {
  const t0 = performance.now();
  const pg = await loadPg();
  const client: Client = new pg.Client(clientConfig(opts.url));
  // a broken connection must not crash the process: the trace reports it
  client.on('error', () => {});
  await client.connect();
  let info: { v: string; n: string; pid: number; db: string };
  try {
    info = (await client.query(`SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n, pg_backend_pid() AS pid, current_database() AS db`)).rows[0];
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
  const versionNum = Number(info.n);
  const settings = [
    `SET LOCAL lock_timeout = ${literal(opts.lockTimeout)}`,
    `SET LOCAL statement_timeout = ${literal(opts.statementTimeout)}`,
    `SET LOCAL idle_in_transaction_session_timeout = '60s'`,
    ...(versionNum >= 140000 ? [`SET LOCAL client_connection_check_interval = '1s'`] : []),
  ].join('; ');
  let closed = false;
  const engine: Engine & { readonly settings: string } = {
    kind: 'server',
    serverVersion: info.v.split(' ')[0],
    versionNum,
    settings,
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string) {
      return (await client.query(sql)).rows as T[];
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
  const c = new pg.Client(clientConfig(url));
  c.on('error', () => {});
  try {
    await c.connect();
    await c.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // the fallback (dropping the connection) still applies
  } finally {
    await c.end().catch(() => {});
  }
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database on the server, for replaying a history there (`--replay-history`):
 * created from template0, dropped afterwards. The history is committed only in it; the
 * traced migration still runs in a rolled-back transaction. Needs the CREATEDB privilege.
 */
export async function createScratchDatabase(url: string): Promise<ScratchDatabase> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('--replay-history on a server needs a postgres:// URL (to connect to the scratch database)');
  }
  const pg = await loadPg();
  const name = `godwit_trace_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client(clientConfig(url));
  admin.on('error', () => {});
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0`);
  } finally {
    await admin.end().catch(() => {});
  }
  parsed.pathname = `/${encodeURIComponent(name)}`;
  let dropped = false;
  return {
    url: parsed.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      const c = new pg.Client(clientConfig(url));
      c.on('error', () => {});
      await c.connect();
      try {
        const v = Number((await c.query(`SELECT current_setting('server_version_num') AS n`)).rows[0].n);
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}${v >= 130000 ? ' WITH (FORCE)' : ''}`);
      } finally {
        await c.end().catch(() => {});
      }
    },
  };
}
