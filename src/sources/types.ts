/**
 * Migration roots: a directory whose SQL files one migration runner applies in a known
 * order, each file wrapped (or not) in a transaction the way that runner does it.
 */
import type { TransactionMode } from '../analysis/transactions.js';

export type { TransactionMode };

/**
 * The migration runners godwit knows, in the order messages list them (the config and the
 * --runner flag also take `auto`). The JS/TS runners are read by src/sources/js-roots.ts and
 * src/sources/extract/ (JS_RUNNERS), the Python ones (alembic, django) by src/sources/py-roots.ts
 * and src/sources/extract/python/ (PY_RUNNERS).
 */
export const RUNNERS = [
  'plain',
  'prisma',
  'drizzle',
  'golang-migrate',
  'flyway',
  'goose',
  'dbmate',
  'node-pg-migrate',
  'knex',
  'typeorm',
  'mikro-orm',
  'sequelize',
  'kysely',
  'atlas',
  'diesel',
  'alembic',
  'django',
] as const;

export type RunnerName = (typeof RUNNERS)[number];

export function isRunnerName(s: string): s is RunnerName {
  return (RUNNERS as readonly string[]).includes(s);
}

/** [start, end) UTF-16 offsets into the file text as read (a BOM, if any, counts as one unit). */
export type Range = [number, number];

export interface FileTransaction {
  /** how the runner wraps this file (feed to LintOptions.transaction) */
  transaction: TransactionMode;
  /** one sentence: why, naming the directive or runner behaviour and its opt-out */
  txReason: string;
  /**
   * Parts of the file that are not the up migration (goose/dbmate/node-pg-migrate Down
   * sections). Replace them with spaces (keep line breaks) before parsing so positions stay
   * exact. Sorted, non-overlapping, each starting at the beginning of a line.
   */
  exclude: Range[];
}

export interface MigrationFile extends FileTransaction {
  /** absolute path */
  path: string;
  /** the runner's version or ordering key (timestamp, number, folder name, journal tag …) */
  version: string;
  /** `up` and Flyway's `repeatable` files are applied; see MigrationRoot.skipped for the rest */
  kind: 'up' | 'repeatable';
}

export interface SkippedFile {
  /** absolute path */
  path: string;
  /**
   * `down`/`undo`: rollback scripts (never part of the up history, not linted as up
   * migrations); `ignored`: the runner does not apply it (wrong name, other SQL dialect,
   * not in the journal, …)
   */
  kind: 'down' | 'undo' | 'ignored';
  reason: string;
}

export interface MigrationRoot {
  /** absolute directory */
  dir: string;
  runner: RunnerName;
  /**
   * A variant of the runner: 'pop' — ory/pop + popx files (`<version>_<name>.postgres.up.sql`),
   * run as plain migrations but wrapped the way popx does it (transaction.ts).
   */
  flavor?: 'pop';
  /**
   * The SQL dialect its files are written in, when the layout or the runner's configuration says
   * (pop's `*.mysql.up.sql`, a `mysql/` folder, Prisma's `provider = "mysql"`, …; see
   * sources/dialect.ts). Undefined: decided per file (`--dialect`, the config, the file's syntax).
   */
  dialect?: 'postgresql' | 'mysql';
  /** what said so, e.g. `*.mysql.up.sql files`, `provider = "mysql" in migration_lock.toml` */
  dialectBy?: string;
  /** what identified the runner, e.g. "migration_lock.toml", "-- +goose Up annotations", "--runner goose" */
  detectedBy: string;
  /** the up migrations, in the order the runner applies them (history = files before a file) */
  files: MigrationFile[];
  /** SQL files in the root that the runner does not apply as up migrations */
  skipped: SkippedFile[];
  /** problems the runner itself would report (missing journal entry, duplicate version, …) */
  notes: string[];
}

export interface FindOptions {
  /** force the runner instead of detecting it ('auto' or undefined: detect) */
  runner?: RunnerName | 'auto';
  /** for Flyway's version-dependent detection of `ALTER TYPE … ADD VALUE` (default 15) */
  pgVersion?: number;
  /**
   * `--dialect`: `postgresql` keeps to PostgreSQL's files of a layout that holds several dialects
   * (pop), `mysql` to MySQL's; `auto` (the default) finds both, each as a root of its own.
   */
  dialect?: 'auto' | 'postgresql' | 'mysql';
  /** a directory's entries (walk.ts ListDir), shared with the caller's other searches of one run */
  list?: (dir: string) => import('node:fs').Dirent[];
}
