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
  /** Run SQL with the simple-query protocol (one or more statements, no result). */
  exec(sql: string): Promise<void>;
  /** Run one query and return its rows. */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /**
   * Abort whatever runs and drop the session, so the server rolls the transaction back
   * (SIGINT). PGlite lives in this process: nothing outlives it.
   */
  abort(): void;
  /** Give the session back (PGlite: keep it for the next trace; server: disconnect). */
  release(): Promise<void>;
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
