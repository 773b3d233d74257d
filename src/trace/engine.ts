/**
 * The database a trace runs in: embedded PGlite (pglite.ts) or a PostgreSQL server through
 * `pg` (server.ts). One session, used by one trace at a time.
 */

export interface Engine {
  readonly kind: 'pglite' | 'server';
  /** e.g. "18.6" */
  readonly serverVersion: string;
  /** e.g. 180006 */
  readonly versionNum: number;
  /**
   * godwit's own SQL (never text from a migration): one statement per call, sent with the
   * extended query protocol, which refuses a string of several statements.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * One statement of a migration or of its history (text godwit does not trust), through
   * pg_temp.godwit_run (session.ts): under the statement timeout, as the restricted role on a
   * server, its rows dropped where they are produced. A statement that fails rejects with
   * PostgreSQL's error; a broken safeguard (godwit_check) or a timeout godwit had to enforce
   * itself rejects with a TraceStop.
   */
  run(sql: string, opts: { rows: boolean }): Promise<void>;
  /**
   * A fresh session for the migration after its history was replayed: what the history left in
   * the session (SET search_path, …) does not carry over, as each migration runs in a new session.
   */
  freshSession(): Promise<void>;
  /** Open the trace transaction with its safeguards. `relations`: what the migration's statements lock (godwit's facts). */
  begin(opts: { relations: string[] }): Promise<void>;
  /** End it (always a rollback). */
  rollback(): Promise<void>;
  /**
   * Abort whatever runs (SIGINT, SIGTERM): a server cancels the statement and the trace rolls
   * back; PGlite's thread is stopped (it lives in memory: nothing outlives it).
   */
  abort(): void;
  /** Give the session back (PGlite: keep it for the next trace; server: disconnect). */
  release(): Promise<void>;
}

/** The trace cannot go on: a safeguard failed, or godwit had to stop a statement itself. Reported as a failure (exit 2). */
export class TraceStop extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceStop';
  }
}

/** The engine stopped during a statement (PGlite's thread, at a statement timeout or Ctrl-C): the statement's error, and why the rest is not traced. */
export class EngineStopped extends TraceStop {
  constructor(
    message: string,
    readonly rest: string,
  ) {
    super(message);
    this.name = 'EngineStopped';
  }
}

/** godwit does not run this migration (a URL it cannot restrict, a file whose statements it cannot see as PostgreSQL will). Exit 2. */
export class TraceRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceRefused';
  }
}

/** Milliseconds of a PostgreSQL duration such as '500ms', '2s', '1min' (a bare number is milliseconds). */
export function durationMs(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?$/.exec(value.trim());
  if (!m) return NaN;
  const unit: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };
  return Number(m[1]) * unit[m[2] ?? 'ms'];
}

/** An error PostgreSQL reported, with its SQLSTATE. */
export interface PgError {
  message: string;
  code?: string;
}

export function pgError(e: unknown): PgError {
  if (e && typeof e === 'object' && 'message' in e) {
    const err = e as { message: unknown; code?: unknown };
    return { message: String(err.message), code: typeof err.code === 'string' ? err.code : undefined };
  }
  return { message: String(e) };
}

/** Major version from server_version_num (90624 → 9, 150004 → 15). */
export function majorOf(versionNum: number): number {
  return versionNum >= 100000 ? Math.floor(versionNum / 10000) : Math.floor(versionNum / 10000);
}

/** Quote an identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote a string literal for SQL. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
