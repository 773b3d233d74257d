/**
 * Whether a MySQL UPDATE or DELETE is one batch (no-unbatched-backfill, no-unbatched-delete):
 * a LIMIT, or a WHERE that selects a key point, a key list, or a key range bounded on both
 * sides. The key: the table's primary key and unique columns when the catalog knows the table,
 * otherwise any column (the conservative reading for a table the history does not show is to
 * trust a bound on any column, as nothing says it is not the key).
 */
import type { MysqlCatalog } from './catalog.js';
import type { DmlBody } from './types.js';

export interface MysqlBatchVerdict {
  bounded: boolean;
  /** the key column named in the advice */
  key: string;
  reason: string;
}

export function mysqlBatch(body: DmlBody, catalog: MysqlCatalog): MysqlBatchVerdict {
  const table = catalog.table(body.tables[0]);
  const keys = new Set<string>();
  if (table) for (const i of table.indexes.values()) if (i.kind === 'primary' || i.kind === 'unique') for (const c of i.columns) keys.add(c.toLowerCase());
  const key = table?.indexes.get('primary')?.columns[0] ?? 'id';
  if (body.limit) return { bounded: true, key, reason: 'LIMIT' };
  const isKey = (c: string): boolean => !table || keys.size === 0 || keys.has(c);
  const onKey = body.bounds.filter((b) => isKey(b.column));
  if (onKey.some((b) => b.kind === 'point' || b.kind === 'list' || b.kind === 'range')) return { bounded: true, key, reason: 'key bound' };
  for (const b of onKey) if (b.kind === 'lower' && onKey.some((o) => o.column === b.column && o.kind === 'upper')) return { bounded: true, key, reason: 'key range' };
  const reason = !body.where
    ? 'it has no WHERE and no LIMIT, so it touches every row'
    : `the WHERE selects no key point, key list or key range bounded on both sides, and there is no LIMIT, so it can match the whole table`;
  return { bounded: false, key, reason };
}
