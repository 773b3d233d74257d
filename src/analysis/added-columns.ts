/**
 * Was a column added earlier in this migration? Then no deployed code reads it yet, so
 * renaming it, dropping it or dropping its NOT NULL breaks nothing. The catalog answers for
 * tables it knows; for tables it never saw (no history), the earlier ALTER TABLE … ADD COLUMN
 * statements of the file answer.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { Catalog } from './catalog.js';
import type { RangeVarLike } from './names.js';

export function columnAddedInFile(catalog: Catalog, statements: Statement[], stmt: Statement, rel: RangeVarLike, column: string): boolean {
  const known = catalog.table(rel)?.columns.get(column);
  if (known) return known.origin === 'file';
  const key = catalog.key(rel);
  const before = (stmt.parent ?? stmt).index;
  const adds = (s: Statement): boolean =>
    s.kind === 'AlterTableStmt' &&
    !!s.body.relation &&
    catalog.key(s.body.relation) === key &&
    (s.body.cmds ?? []).some((c: any) => c.AlterTableCmd?.subtype === 'AT_AddColumn' && c.AlterTableCmd.def?.ColumnDef?.colname === column);
  for (const s of statements) {
    if (s.index >= before) break;
    if (adds(s) || (s.children ?? []).some(adds)) return true;
  }
  // earlier in the same DO block
  if (stmt.parent) for (const c of stmt.parent.children ?? []) {
    if (c === stmt || c.index >= stmt.index) break;
    if (adds(c)) return true;
  }
  return false;
}
