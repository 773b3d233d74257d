/**
 * The online-DDL matrix: for each ALTER TABLE operation and server, the algorithm the server
 * uses when no ALGORITHM= clause is given (INSTANT, else INPLACE, else COPY), whether that
 * rebuilds the table, and the weakest LOCK= it permits (NONE: reads and writes go on; SHARED:
 * reads only; EXCLUSIVE: nothing). It is MySQL's counterpart of locks.ts: data, read by the
 * classifier (online-ddl.ts), the rules, the fixes and the plans.
 *
 * Sources. MySQL rows: the reference manual's "Online DDL Operations" tables (8.0 §17.12.1,
 * 8.4 §17.12.1; INSTANT from 8.0.12, instant DROP COLUMN and any-position ADD COLUMN from
 * 8.0.29, instant RENAME COLUMN from 8.0.28) — from the documentation only: no MySQL server
 * runs here. MariaDB rows: the knowledge base's "InnoDB Online DDL Operations with
 * ALGORITHM=INSTANT/NOCOPY/INPLACE" pages, every row checked on MariaDB 10.11 by
 * test/mysql-server.test.ts: the server runs the row's probe (probes.ts) with the claimed
 * ALGORITHM=/LOCK= and refuses the next stronger ones (MariaDB's ALGORITHM=NOCOPY is INPLACE
 * without a rebuild). MariaDB 11.4 is not packaged here: its rows are 10.11's, as the knowledge
 * base names no change between them for these operations (docs only).
 *
 * Versions are numbers as in versioned comments: MySQL 8.0.29 = 80029, MariaDB 10.11 = 101100.
 */

export type Algorithm = 'INSTANT' | 'INPLACE' | 'COPY';
export type LockLevel = 'NONE' | 'SHARED' | 'EXCLUSIVE';

export interface OnlineDdl {
  algorithm: Algorithm;
  /** the table (and its indexes) is rebuilt: the operation takes time proportional to the table */
  rebuilds: boolean;
  /** the weakest LOCK= the server accepts for that algorithm (INSTANT: only LOCK=DEFAULT on MySQL) */
  lock: LockLevel;
  /** INPLACE that only changes the data dictionary (the manual's "Only Modifies Metadata"): brief */
  metadataOnly?: boolean;
}

export type OpKind =
  | 'add-column'
  | 'add-column-positioned'
  | 'add-column-auto-increment'
  | 'add-column-stored'
  | 'add-column-virtual'
  | 'drop-column'
  | 'drop-column-indexed'
  | 'drop-column-stored'
  | 'drop-column-virtual'
  | 'rename-column'
  | 'reorder-column'
  | 'set-default'
  | 'drop-default'
  | 'change-type'
  | 'varchar-extend'
  | 'varchar-extend-prefix'
  | 'varchar-extend-from-short'
  | 'varchar-shrink'
  | 'make-null'
  | 'make-not-null'
  | 'enum-append'
  | 'enum-reorder'
  | 'column-charset'
  | 'column-collation'
  | 'auto-increment-value'
  | 'add-index'
  | 'drop-index'
  | 'rename-index'
  | 'add-fulltext'
  | 'add-fulltext-next'
  | 'add-spatial'
  | 'add-primary-key'
  | 'drop-primary-key'
  | 'replace-primary-key'
  | 'add-foreign-key'
  | 'add-foreign-key-unchecked'
  | 'drop-foreign-key'
  | 'add-check'
  | 'drop-check'
  | 'change-engine'
  | 'row-format'
  | 'table-charset'
  | 'convert-charset'
  | 'rebuild'
  | 'table-stats'
  | 'rename-table';

/** A result that holds from a server version on (the last one whose `from` is reached wins). */
interface Since extends OnlineDdl {
  from: number;
}

export interface MatrixRow {
  op: OpKind;
  /** what the operation is, in the manual's words */
  title: string;
  mysql: Since[];
  mariadb: Since[];
  /** what the MySQL result depends on beyond the version (the manual's asterisks) */
  note?: string;
}

const INSTANT: OnlineDdl = { algorithm: 'INSTANT', rebuilds: false, lock: 'NONE' };
/** in place, no rebuild, reads and writes go on */
const INPLACE: OnlineDdl = { algorithm: 'INPLACE', rebuilds: false, lock: 'NONE' };
/** in place, only the data dictionary changes (no index build, no rebuild) */
const META: OnlineDdl = { algorithm: 'INPLACE', rebuilds: false, lock: 'NONE', metadataOnly: true };
/** in place with a rebuild, reads and writes go on */
const REBUILD: OnlineDdl = { algorithm: 'INPLACE', rebuilds: true, lock: 'NONE' };
/** in place, writes blocked */
const INPLACE_SHARED: OnlineDdl = { algorithm: 'INPLACE', rebuilds: false, lock: 'SHARED' };
const REBUILD_SHARED: OnlineDdl = { algorithm: 'INPLACE', rebuilds: true, lock: 'SHARED' };
/** a table copy: writes blocked for the whole copy */
const COPY: OnlineDdl = { algorithm: 'COPY', rebuilds: true, lock: 'SHARED' };

const MYSQL_8 = 80000;
const MYSQL_8_0_12 = 80012;
const MYSQL_8_0_28 = 80028;
const MYSQL_8_0_29 = 80029;
const MARIADB_10_3 = 100300;
const MARIADB_10_4 = 100400;

const from = (v: number, r: OnlineDdl): Since => ({ from: v, ...r });
const always = (r: OnlineDdl): Since[] => [from(0, r)];

export const MATRIX: MatrixRow[] = [
  // ── columns ─────────────────────────────────────────────────────────────────────────────
  {
    op: 'add-column',
    title: 'Adding a column (as the last column)',
    mysql: [from(0, REBUILD), from(MYSQL_8_0_12, INSTANT)],
    mariadb: [from(0, REBUILD), from(MARIADB_10_3, INSTANT)],
    note: 'INSTANT not when the table has a FULLTEXT index or ROW_FORMAT=COMPRESSED, nor (MySQL) once the table has 64 row versions from earlier instant ADD/DROP COLUMNs: then INPLACE with a rebuild',
  },
  {
    op: 'add-column-positioned',
    title: 'Adding a column with FIRST / AFTER',
    mysql: [from(0, REBUILD), from(MYSQL_8_0_29, INSTANT)],
    mariadb: [from(0, REBUILD), from(MARIADB_10_4, INSTANT)],
    note: 'before MySQL 8.0.29 an instant column could only be added last',
  },
  {
    op: 'add-column-auto-increment',
    title: 'Adding an AUTO_INCREMENT column',
    mysql: always(REBUILD_SHARED),
    mariadb: always(REBUILD_SHARED),
    note: 'concurrent DML is not permitted while the column is filled',
  },
  { op: 'add-column-stored', title: 'Adding a STORED generated column', mysql: always(COPY), mariadb: always(COPY) },
  { op: 'add-column-virtual', title: 'Adding a VIRTUAL generated column', mysql: [from(0, INPLACE), from(MYSQL_8_0_12, INSTANT)], mariadb: always(INSTANT) },
  {
    op: 'drop-column',
    title: 'Dropping a column',
    mysql: [from(0, REBUILD), from(MYSQL_8_0_29, INSTANT)],
    mariadb: [from(0, REBUILD), from(MARIADB_10_4, INSTANT)],
    note: 'INSTANT not when the table has a FULLTEXT index, nor (MySQL) once it has 64 row versions',
  },
  {
    op: 'drop-column-indexed',
    title: 'Dropping a column that an index uses',
    mysql: [from(0, REBUILD), from(MYSQL_8_0_29, INSTANT)],
    mariadb: [from(0, REBUILD), from(MARIADB_10_4, INPLACE)],
    note: 'MariaDB drops the column instantly but its index in place (ALGORITHM=NOCOPY)',
  },
  { op: 'drop-column-stored', title: 'Dropping a STORED generated column', mysql: always(REBUILD), mariadb: [from(0, REBUILD), from(MARIADB_10_4, INSTANT)] },
  { op: 'drop-column-virtual', title: 'Dropping a VIRTUAL generated column', mysql: [from(0, INPLACE), from(MYSQL_8_0_12, INSTANT)], mariadb: always(INSTANT) },
  {
    op: 'rename-column',
    title: 'Renaming a column (same data type)',
    mysql: [from(0, META), from(MYSQL_8_0_28, INSTANT)],
    mariadb: always(INSTANT),
  },
  { op: 'reorder-column', title: 'Reordering columns (MODIFY … FIRST / AFTER)', mysql: always(REBUILD), mariadb: [from(0, REBUILD), from(MARIADB_10_4, INSTANT)] },
  { op: 'set-default', title: 'Setting a column default value', mysql: [from(0, INPLACE), from(MYSQL_8_0_12, INSTANT)], mariadb: always(INSTANT) },
  { op: 'drop-default', title: 'Dropping the column default value', mysql: [from(0, INPLACE), from(MYSQL_8_0_12, INSTANT)], mariadb: always(INSTANT) },
  { op: 'change-type', title: 'Changing the column data type', mysql: always(COPY), mariadb: always(COPY) },
  {
    op: 'varchar-extend',
    title: 'Extending VARCHAR column size (the length prefix stays 1 byte, or stays 2)',
    mysql: always(META),
    mariadb: always(INSTANT),
    note: 'the byte length is characters × the charset\'s bytes per character (utf8mb4: 4); up to 255 bytes the length prefix is 1 byte, from 256 bytes 2',
  },
  {
    op: 'varchar-extend-prefix',
    title: 'Extending VARCHAR column size across 255 bytes (the length prefix grows to 2 bytes)',
    mysql: always(COPY),
    mariadb: always(COPY),
  },
  {
    op: 'varchar-extend-from-short',
    title: 'Extending a VARCHAR of at most 127 bytes to more than 255 bytes',
    mysql: always(COPY),
    mariadb: always(INSTANT),
    note: 'MariaDB stores values shorter than 128 bytes with a 1-byte length in any VARCHAR, so a column of at most 127 bytes can grow past 255 instantly (ROW_FORMAT COMPACT/DYNAMIC)',
  },
  { op: 'varchar-shrink', title: 'Shrinking VARCHAR column size', mysql: always(COPY), mariadb: always(COPY) },
  { op: 'make-null', title: 'Making a column NULL', mysql: always(REBUILD), mariadb: always(REBUILD), note: 'MariaDB does it instantly only for ROW_FORMAT=REDUNDANT tables' },
  { op: 'make-not-null', title: 'Making a column NOT NULL', mysql: always(REBUILD), mariadb: always(REBUILD), note: 'fails when a row holds NULL (strict SQL mode)' },
  {
    op: 'enum-append',
    title: 'Adding ENUM or SET members at the end of the list',
    mysql: [from(0, INPLACE), from(MYSQL_8, INSTANT)],
    mariadb: always(INSTANT),
    note: 'only while the storage size does not change (ENUM: up to 255 members; SET: within the same 1/2/3/4/8-byte size)',
  },
  { op: 'enum-reorder', title: 'Reordering or removing ENUM or SET members', mysql: always(COPY), mariadb: always(COPY) },
  { op: 'column-charset', title: 'Changing a column\'s character set', mysql: always(COPY), mariadb: always(COPY) },
  {
    op: 'column-collation',
    title: 'Changing a column\'s collation (same character set)',
    mysql: always(COPY),
    mariadb: always(INSTANT),
    note: 'MariaDB changes the collation of a column that no index uses instantly',
  },
  { op: 'auto-increment-value', title: 'Changing the auto-increment value', mysql: always(INPLACE), mariadb: always(INSTANT) },
  // ── indexes ─────────────────────────────────────────────────────────────────────────────
  { op: 'add-index', title: 'Creating or adding a secondary index', mysql: always(INPLACE), mariadb: always(INPLACE) },
  { op: 'drop-index', title: 'Dropping an index', mysql: always(META), mariadb: always(META) },
  { op: 'rename-index', title: 'Renaming an index', mysql: always(META), mariadb: always(INSTANT) },
  {
    op: 'add-fulltext',
    title: 'Adding the first FULLTEXT index (rebuilds the table to add FTS_DOC_ID)',
    mysql: always(REBUILD_SHARED),
    mariadb: always(REBUILD_SHARED),
  },
  { op: 'add-fulltext-next', title: 'Adding another FULLTEXT index', mysql: always(INPLACE_SHARED), mariadb: always(INPLACE_SHARED) },
  { op: 'add-spatial', title: 'Adding a SPATIAL index', mysql: always(INPLACE_SHARED), mariadb: always(INPLACE_SHARED) },
  // ── primary keys ────────────────────────────────────────────────────────────────────────
  {
    op: 'add-primary-key',
    title: 'Adding a primary key',
    mysql: always(REBUILD),
    mariadb: always(REBUILD),
    note: 'INPLACE is refused when a key column has to become NOT NULL (then COPY)',
  },
  { op: 'drop-primary-key', title: 'Dropping a primary key', mysql: always(COPY), mariadb: always(COPY) },
  { op: 'replace-primary-key', title: 'Dropping a primary key and adding another', mysql: always(REBUILD), mariadb: always(REBUILD) },
  // ── foreign keys ────────────────────────────────────────────────────────────────────────
  {
    op: 'add-foreign-key',
    title: 'Adding a foreign key constraint (foreign_key_checks=1)',
    mysql: always(COPY),
    mariadb: always(COPY),
    note: 'INPLACE only with foreign_key_checks disabled',
  },
  { op: 'add-foreign-key-unchecked', title: 'Adding a foreign key constraint with foreign_key_checks=0', mysql: always(META), mariadb: always(INSTANT) },
  { op: 'drop-foreign-key', title: 'Dropping a foreign key constraint', mysql: always(META), mariadb: always(INSTANT) },
  // ── checks ──────────────────────────────────────────────────────────────────────────────
  { op: 'add-check', title: 'Adding a CHECK constraint', mysql: always(COPY), mariadb: always(COPY), note: 'existing rows are checked while the table is copied' },
  { op: 'drop-check', title: 'Dropping a CHECK constraint', mysql: always(META), mariadb: always(INSTANT) },
  // ── table ───────────────────────────────────────────────────────────────────────────────
  { op: 'row-format', title: 'Changing the ROW_FORMAT', mysql: always(REBUILD), mariadb: always(REBUILD) },
  { op: 'table-charset', title: 'Changing the table\'s default character set', mysql: always(REBUILD), mariadb: always(INSTANT), note: 'only new columns take it; MySQL rebuilds when the encoding differs' },
  { op: 'convert-charset', title: 'Converting the table\'s character set (CONVERT TO CHARACTER SET)', mysql: always(COPY), mariadb: always(COPY) },
  { op: 'change-engine', title: 'Changing the storage engine (ENGINE=other)', mysql: always(COPY), mariadb: always(COPY) },
  { op: 'rebuild', title: 'Rebuilding the table (FORCE, ENGINE=InnoDB, OPTIMIZE TABLE)', mysql: always(REBUILD), mariadb: always(REBUILD) },
  { op: 'table-stats', title: 'Setting persistent table statistics options', mysql: always(META), mariadb: always(INSTANT) },
  { op: 'rename-table', title: 'Renaming a table', mysql: [from(0, META), from(MYSQL_8_0_12, INSTANT)], mariadb: always({ ...INSTANT, lock: 'EXCLUSIVE' }), note: 'MariaDB accepts only LOCK=EXCLUSIVE (held for the instant of the rename)' },
];

const BY_OP = new Map(MATRIX.map((r) => [r.op, r]));

export function matrixRow(op: OpKind): MatrixRow {
  const r = BY_OP.get(op);
  if (!r) throw new Error(`no online-DDL matrix row for ${op}`);
  return r;
}

/** A server the matrix answers for: `--mysql-version` (8.0, 8.4, mariadb-10.11, mariadb-11.4, or a release such as 8.0.28). */
export interface MysqlTarget {
  /** as given */
  name: string;
  mariadb: boolean;
  /** as in versioned comments: 8.0.28 = 80028; a major.minor alone means its latest release */
  version: number;
}

export const MYSQL_VERSIONS = ['8.0', '8.4', 'mariadb-10.11', 'mariadb-11.4'] as const;
export const DEFAULT_MYSQL_VERSION = '8.0';

/** A value `--mysql-version` (and the config's `mysqlVersion`) accepts. */
export function isMysqlVersion(v: string): boolean {
  return (MYSQL_VERSIONS as readonly string[]).includes(v) || /^8\.[04]\.\d{1,2}$/.test(v);
}

/** Parse `--mysql-version`; undefined when it names no MySQL or MariaDB release. */
export function parseMysqlTarget(name: string): MysqlTarget | undefined {
  const m = /^(mariadb-)?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(name.trim().toLowerCase());
  if (!m) return undefined;
  const mariadb = !!m[1];
  const major = Number(m[2]);
  const minor = Number(m[3]);
  const patch = m[4] === undefined ? 99 : Number(m[4]);
  if (!mariadb && (major < 5 || major > 9)) return undefined;
  if (mariadb && (major < 10 || major > 12)) return undefined;
  return { name, mariadb, version: major * 10000 + minor * 100 + Math.min(patch, 99) };
}

/** The row's result on the target server. */
export function onlineDdl(op: OpKind, target: MysqlTarget): OnlineDdl {
  const row = matrixRow(op);
  let best: Since | undefined;
  for (const s of target.mariadb ? row.mariadb : row.mysql) if (s.from <= target.version) best = s;
  const r = best ?? (target.mariadb ? row.mariadb : row.mysql)[0];
  return r.metadataOnly ? { algorithm: r.algorithm, rebuilds: r.rebuilds, lock: r.lock, metadataOnly: true } : { algorithm: r.algorithm, rebuilds: r.rebuilds, lock: r.lock };
}

const ALGORITHM_ORDER: Algorithm[] = ['INSTANT', 'INPLACE', 'COPY'];
const LOCK_ORDER: LockLevel[] = ['NONE', 'SHARED', 'EXCLUSIVE'];

/** One ALTER TABLE with several operations runs them all with the strongest algorithm and lock any of them needs. */
export function combine(results: OnlineDdl[]): OnlineDdl {
  let algorithm: Algorithm = 'INSTANT';
  let lock: LockLevel = 'NONE';
  let rebuilds = false;
  let metadataOnly = results.length > 0;
  for (const r of results) {
    if (!(r.algorithm === 'INSTANT' || r.metadataOnly)) metadataOnly = false;
    if (ALGORITHM_ORDER.indexOf(r.algorithm) > ALGORITHM_ORDER.indexOf(algorithm)) algorithm = r.algorithm;
    if (LOCK_ORDER.indexOf(r.lock) > LOCK_ORDER.indexOf(lock)) lock = r.lock;
    rebuilds ||= r.rebuilds;
  }
  // an INSTANT operation next to an in-place one runs in place (MySQL refuses INSTANT for the pair)
  const out: OnlineDdl = { algorithm, rebuilds: rebuilds || algorithm === 'COPY', lock };
  if (algorithm === 'INPLACE' && metadataOnly && !out.rebuilds) out.metadataOnly = true;
  return out;
}

export function algorithmRank(a: Algorithm): number {
  return ALGORITHM_ORDER.indexOf(a);
}

export function lockRank(l: LockLevel): number {
  return LOCK_ORDER.indexOf(l);
}
