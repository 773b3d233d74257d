/**
 * The expand-contract plan model. A planner turns one unsafe change (a statement, or one
 * subcommand of an ALTER TABLE) into steps, each filed under a stage; `planFile` merges the
 * steps of every change of the file into phases, in stage order. A phase is one migration:
 * it runs inside one transaction, or — when it must run outside a transaction block — it
 * holds exactly one statement (a runner that sends a file as one query string would
 * otherwise wrap several statements in an implicit transaction).
 */

/** Plan kinds; a finding's `plan.kind` names one of these. */
export type PlanKind =
  | 'rename-column'
  | 'rename-table'
  | 'change-column-type'
  | 'add-column-not-null'
  | 'add-column-default'
  | 'set-not-null'
  | 'add-constraint-not-valid'
  | 'add-unique-using-index'
  | 'create-index-concurrently'
  | 'drop-index-concurrently'
  | 'drop-column'
  | 'drop-table'
  | 'batched-backfill'
  | 'batched-delete'
  | 'repack';

export const PLAN_KINDS: readonly PlanKind[] = [
  'rename-column',
  'rename-table',
  'change-column-type',
  'add-column-not-null',
  'add-column-default',
  'set-not-null',
  'add-constraint-not-valid',
  'add-unique-using-index',
  'create-index-concurrently',
  'drop-index-concurrently',
  'drop-column',
  'drop-table',
  'batched-backfill',
  'batched-delete',
  'repack',
];

/**
 * Stages, in the order they run. `switch` is the application deploy (no SQL): everything
 * before it is safe with the old code running, everything after it needs the new code.
 */
export type Stage = 'expand' | 'backfill' | 'index' | 'constrain' | 'validate' | 'swap' | 'switch' | 'contract';

export const STAGES: readonly Stage[] = ['expand', 'backfill', 'index', 'constrain', 'validate', 'swap', 'switch', 'contract'];

export interface Verification {
  /** what it shows and what to expect */
  label: string;
  sql: string;
  /**
   * Needs something a bare server lacks: the pg_stat_statements extension, or a replica
   * (pg_stat_replication is empty without one). Such queries are parse-checked in the tests.
   */
  requires?: 'pg_stat_statements';
  /** run it before the phase (pre-flight) rather than after */
  before?: boolean;
}

/** One unit of SQL a planner produces for a stage. */
export interface Step {
  /** names the phase when the step stands alone (outside a transaction): `users_email_idx` */
  label?: string;
  /** the table it changes, when not the change's own (a referencing table of a retyped key): phases hold one table each */
  table?: string;
  /** statements (no trailing `;`) */
  sql: string[];
  /** statements the phase runs once, before its steps' own, however many of its steps name them (CREATE EXTENSION IF NOT EXISTS) */
  prelude?: string[];
  /** false: must run outside a transaction block (CONCURRENTLY, a DO block that COMMITs) */
  transaction: boolean;
  /** one batch per run: run it again until it reports 0 rows (PostgreSQL < 11 backfills) */
  repeat?: boolean;
  /** statements that undo `sql`, in order; they run as one unit in the same transaction mode */
  rollback: string[];
  /**
   * What the rollback cannot do in that one unit without holding a lock for long (an emergency
   * restore is an expand of its own): further units, run in order after it, each in its own
   * transaction or alone outside one — batched backfills, indexes built concurrently, NOT NULL
   * proven without a long lock.
   */
  restore?: Unit[];
  /** shell commands the phase stands for (pg_repack): run by hand, outside the migration runner */
  commands?: string[];
  verify?: Verification[];
  /** pre-flight checklist for an irreversible step */
  checklist?: string[];
  /** drops something: marked in the runbook, with a pre-flight checklist; its rollback is an emergency restore */
  irreversible?: boolean;
  /** data the rollback cannot bring back (`table.column`, or `table.*` for a whole table) */
  lost?: string[];
  /** structure the rollback cannot bring back because the migration history does not describe it */
  unrestored?: string[];
  /** columns (`table.column`) holding derived data the rollback leaves as it is (a backfill) */
  derived?: string[];
  notes?: string[];
}

/** SQL that runs as one migration would: in one transaction, or (one statement) outside a transaction block. */
export interface Unit {
  /** one line: what it does */
  label: string;
  sql: string[];
  transaction: boolean;
  /** one batch per run: run it again until it reports 0 rows (PostgreSQL < 11) */
  repeat?: boolean;
}

export interface PgrollOperation {
  [op: string]: Record<string, unknown>;
}

/** One planned change: the statement (or subcommand) and its steps. */
export interface Change {
  kind: PlanKind;
  /** one line: what the change does, for this table */
  title: string;
  /** the file's statement index and the statement's text (the subcommand for ALTER TABLE) */
  statementIndex: number;
  source: string;
  /** 1-based line of the statement in the file */
  line: number;
  table: string;
  steps: Array<{ stage: Stage; step: Step }>;
  /** the same change as pgroll operations; undefined when pgroll cannot express it */
  pgroll?: PgrollOperation[];
  /** why pgroll cannot express it */
  pgrollNote?: string;
  notes: string[];
  /** the application change the `switch` stage stands for */
  switchNote?: string;
}

export interface Phase {
  /** 1-based position */
  index: number;
  stage: Stage;
  /** file-name slug: `expand_users`, `backfill_users_email_address` */
  name: string;
  /** one line for humans */
  title: string;
  sql: string[];
  /** false: outside a transaction block (then `sql` has exactly one statement) */
  transaction: boolean;
  /** one batch per run: run it again until it reports 0 rows (PostgreSQL < 11 backfills) */
  repeat: boolean;
  rollback: string[];
  /** further rollback units after `rollback` (see Step.restore) */
  restore: Unit[];
  /** shell commands to run by hand with this phase (see Step.commands) */
  commands: string[];
  verify: Verification[];
  checklist: string[];
  irreversible: boolean;
  lost: string[];
  unrestored: string[];
  derived: string[];
  notes: string[];
  /** kinds of the changes that contributed */
  kinds: PlanKind[];
  /** the deploy this phase belongs to: 1 before the application switch, 2 after it */
  release: 1 | 2;
}

export interface Plan {
  /** the migration file planned */
  file: string;
  runner: string;
  pgVersion: number;
  changes: Change[];
  /** statements kept as they are (no plan needed), by index */
  kept: Array<{ statementIndex: number; source: string; transaction: boolean; rollback?: string[] }>;
  /** statements left out (transaction control: phases bring their own) */
  dropped: Array<{ statementIndex: number; source: string; reason: string }>;
  /** unsafe statements godwit has no plan for (kept as written), with the reason */
  unplanned: Array<{ statementIndex: number; source: string; reason: string }>;
  phases: Phase[];
  /** what the application deploy between the releases must do (empty: no switch needed) */
  switchNotes: string[];
  notes: string[];
}

export interface PlanOptions {
  pgVersion?: number;
  runner?: string;
  /** rows per batch in backfill loops (default 1000) */
  batchSize?: number;
  /** seconds to pause between batches (default 0.1) */
  pause?: number;
  /**
   * lock_timeout of each transactional phase (default '100ms'; '' for none): a statement that
   * waits longer for its lock gives up instead of queueing the application behind it
   */
  lockTimeout?: string;
  /** attempts of a transactional phase whose lock was not granted in time (default 15; 1: no retry) */
  lockRetries?: number;
  /**
   * Values for existing rows of new NOT NULL columns without a default, keyed
   * `table.column` (or `schema.table.column`): SQL expressions over the table's columns.
   * Without one the backfill phase holds a placeholder and refuses to run.
   */
  fill?: Record<string, string>;
}
