/**
 * What `godwit trace` reports: per statement, the relation locks PostgreSQL actually took
 * (pg_locks), the relations whose storage was rewritten (pg_class.relfilenode changed), how
 * long it ran, and how that compares with godwit's static lock facts (src/analysis/locks.ts).
 */
import type { Duration, LockMode } from '../analysis/lock-types.js';

/** One relation lock held by the trace's session. */
export interface TracedLock {
  /** `name` in schema public, `schema.name` elsewhere */
  relation: string;
  mode: LockMode;
  /** table, partitioned table, index, sequence, view, materialized view, foreign table, … */
  kind: RelationKind;
  /** the relation did not exist before the statement (it created it) */
  created?: boolean;
}

export type RelationKind = 'table' | 'partitioned table' | 'index' | 'partitioned index' | 'sequence' | 'view' | 'materialized view' | 'foreign table' | 'composite type' | 'toast table' | 'relation';

/** A relation whose storage the statement replaced (a new relfilenode). */
export interface Rewrite {
  relation: string;
  kind: RelationKind;
}

/** godwit's static lock fact for the statement (locksOf, with the catalog as it stands there). */
export interface StaticLock {
  relation: string;
  mode: LockMode;
  duration: Duration;
}

/** Where the trace and godwit's lock table disagree. */
export interface Difference {
  relation: string;
  /** mode: a different strongest mode; missing: godwit expects a lock PostgreSQL did not take;
   *  extra: PostgreSQL locked a table godwit does not list; rewrite: godwit and PostgreSQL disagree on a rewrite */
  kind: 'mode' | 'missing' | 'extra' | 'rewrite';
  static: string | null;
  traced: string | null;
  message: string;
}

export interface TracedStatement {
  /** 1-based line of the statement's first token */
  line: number;
  sql: string;
  /** libpg-query node type (IndexStmt, AlterTableStmt, …) */
  statementKind: string;
  /** relation locks the statement acquired (not held before it), strongest first */
  locks: TracedLock[];
  /** relation locks the transaction already held when the statement started (from earlier statements) */
  held: TracedLock[];
  rewrites: Rewrite[];
  /** wall time of the statement in the engine, in milliseconds (null when it did not run) */
  durationMs: number | null;
  /** PostgreSQL's error message when the statement failed (its effects were rolled back to a savepoint) */
  error: string | null;
  /** SQLSTATE of the error */
  errorCode?: string;
  /** the engine was stopped during this statement (PGlite at its statement timeout, or an interruption): the trace ends here */
  engineStopped?: true;
  /** why the statement was not run (transaction control, cannot run in a transaction block, syntax error) */
  skipped: string | null;
  static: StaticLock[];
  differences: Difference[];
}

export interface HistoryReport {
  /** where the history came from; `database`: a server's database as it is (not replayed) */
  source: 'migrations' | 'schema' | 'none' | 'database';
  /** files replayed (earlier migrations of the root, or the schema dump) */
  files: number;
  statements: number;
  /** statements that failed and were skipped */
  failed: number;
  /** statements not run (transaction control, statements that touch the server outside the database) */
  skipped: number;
  /** the first failures, for diagnosis */
  errors: Array<{ file: string; line: number; message: string }>;
}

export interface TraceResult {
  file: string;
  engine: 'pglite' | 'server';
  /** PostgreSQL's version string, e.g. "18.6" */
  serverVersion: string;
  /**
   * The PostgreSQL major version the migrations target (`--pg-version`, the config's `pgVersion`,
   * else 15), when known: PGlite is PostgreSQL 18, and locks that changed between versions may
   * differ on the real server
   */
  targetPgVersion?: number;
  /** always false: the trace's transaction is rolled back */
  committed: false;
  history: HistoryReport;
  /** engine start-up (PGlite) or connection time, in milliseconds */
  startMs: number;
  statements: TracedStatement[];
  /** a JS/TS or Python migration: calls godwit could not read or translate, so not traced */
  unreadable?: Array<{ line: number; callee: string; reason: string }>;
}
