/**
 * Table sizes (docs/table-sizes.md): rows and bytes per table, from a stats file (`--stats`,
 * config `stats`) or read from a database (`--db-url`). With them a finding on a rewrite, scan,
 * index build or backfill says how long it would take on that table, and findings on tables
 * below `smallTable` are downgraded from errors to warnings.
 *
 * The estimates divide the size by a throughput: rough figures for a production server on
 * network-attached SSD storage with other traffic going on, on purpose on the slow side (a
 * migration that takes twice as long as estimated is the surprise to avoid). THROUGHPUT below.
 */
import type { Duration, Lock } from './lock-types.js';

export interface TableSize {
  /** live rows (the larger of pg_stat_user_tables.n_live_tup and pg_class.reltuples) */
  rows: number;
  /** the table with its indexes and TOAST (pg_total_relation_size) */
  bytes: number;
}

/** By qualified key (`public.orders`). */
export type TableSizes = ReadonlyMap<string, TableSize>;

/**
 * The query that produces a stats file: `psql "$DATABASE_URL" -At -c "<query>" > table-sizes.json`.
 * Read-only, cheap (catalog and statistics views only), no table is scanned.
 */
export const TABLE_SIZES_QUERY =
  "SELECT coalesce(json_agg(json_build_object('schema', n.nspname, 'table', c.relname, " +
  "'rows', greatest(coalesce(s.n_live_tup, 0), c.reltuples, 0)::bigint, 'bytes', pg_total_relation_size(c.oid)) ORDER BY n.nspname, c.relname), '[]') " +
  'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid ' +
  "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

/** Bytes (or rows, for backfills) per second each kind of work gets through. */
export const THROUGHPUT = {
  /** a full scan under the lock (validation, SET NOT NULL): sequential read */
  scanBytesPerSecond: 200e6,
  /** a table rewrite: read, write the new heap and its WAL, rebuild every index */
  rewriteBytesPerSecond: 40e6,
  /** an index build: scan and sort */
  indexBytesPerSecond: 80e6,
  /** an UPDATE or DELETE of every row: one row version and its WAL each */
  rowsPerSecond: 20_000,
} as const;

/** The default size below which findings on a table are downgraded (when its size is known). */
export const DEFAULT_SMALL_TABLE_BYTES = 10 * 1024 * 1024;

/** "10MB", "1.5 GB", "512kB", or a number of bytes. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|bytes?|kb|mb|gb|tb)?\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const k = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : unit.startsWith('t') ? 1024 ** 4 : 1;
  return Number(m[1]) * k;
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} bytes` : `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatRows(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} G rows`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M rows`;
  if (n >= 1e4) return `${Math.round(n / 1e3)} k rows`;
  return `${Math.round(n)} row${Math.round(n) === 1 ? '' : 's'}`;
}

export function formatSeconds(s: number): string {
  if (s < 1) return 'under a second';
  if (s < 90) return `~${Math.round(s)} s`;
  if (s < 90 * 60) return `~${Math.round(s / 60)} min`;
  return `~${(s / 3600).toFixed(s < 36_000 ? 1 : 0)} h`;
}

/** What kind of work a lock's duration stands for, and how long it takes on this table. */
export function estimate(size: TableSize, duration: Duration, statementKind: string): { work: string; seconds: number } | undefined {
  switch (duration) {
    case 'scan':
      return { work: 'the scan', seconds: size.bytes / THROUGHPUT.scanBytesPerSecond };
    case 'rewrite':
      return { work: 'the rewrite', seconds: size.bytes / THROUGHPUT.rewriteBytesPerSecond };
    case 'long':
      if (statementKind === 'UpdateStmt' || statementKind === 'DeleteStmt' || statementKind === 'InsertStmt') {
        return { work: statementKind === 'DeleteStmt' ? 'deleting every row' : 'changing every row', seconds: size.rows / THROUGHPUT.rowsPerSecond };
      }
      if (statementKind === 'IndexStmt' || statementKind === 'ReindexStmt' || statementKind === 'AlterTableStmt') {
        return { work: 'the index build', seconds: size.bytes / THROUGHPUT.indexBytesPerSecond };
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The detail line for a finding on a table of known size: "orders: 1.2 GB, 4.5 M rows: the
 * rewrite takes ~31 s (docs/table-sizes.md)". Undefined when the work does not scale with size.
 */
export function sizeNote(lock: Lock, size: TableSize, statementKind: string): string | undefined {
  const e = estimate(size, lock.duration, statementKind);
  const what = `"${lock.table}" holds ${formatBytes(size.bytes)}, ${formatRows(size.rows)}`;
  if (!e) return undefined;
  return `${what}: ${e.work} takes ${formatSeconds(e.seconds)} (estimated: docs/table-sizes.md).`;
}

/** Parse a stats file: an array of `{ schema?, table, rows, bytes }` (the output of TABLE_SIZES_QUERY). */
export function parseTableSizes(text: string): { sizes: Map<string, TableSize>; problems: string[] } {
  const sizes = new Map<string, TableSize>();
  const problems: string[] = [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { sizes, problems: [`not JSON: ${(e as Error).message}`] };
  }
  if (!Array.isArray(value)) return { sizes, problems: ['must be a JSON array of { "schema", "table", "rows", "bytes" } (the output of the query in docs/table-sizes.md)'] };
  value.forEach((row, i) => {
    const r = row as Record<string, unknown>;
    const table = typeof r?.table === 'string' ? r.table : undefined;
    const schema = r?.schema === undefined ? 'public' : typeof r.schema === 'string' ? r.schema : undefined;
    const rows = Number(r?.rows);
    const bytes = Number(r?.bytes);
    if (!table || !schema || !Number.isFinite(rows) || !Number.isFinite(bytes) || rows < 0 || bytes < 0) {
      problems.push(`entry ${i + 1}: needs "table" (and "schema"), and non-negative "rows" and "bytes"`);
      return;
    }
    sizes.set(`${schema}.${table}`, { rows, bytes });
  });
  return { sizes, problems };
}
