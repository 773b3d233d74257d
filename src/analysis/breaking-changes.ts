/**
 * Breaking changes to relations that deployed code already uses (no-rename-table,
 * no-rename-column, no-drop-column, no-drop-not-null): the subcommands worth reporting, the
 * words for the relation's kind, and the finding, which points at the relation and names the
 * lock the statement takes on it.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { RuleContext } from '../engine/types.js';
import { columnAddedInFile } from './added-columns.js';
import { alterCmds } from './alter-subcommands.js';
import type { Lock } from './lock-types.js';
import { displayName, type RangeVarLike } from './names.js';

/** The relations a rename breaks (RenameStmt `renameType`/`relationType`, AlterObjectSchemaStmt `objectType`), in words. */
export const RELATION_KINDS: Readonly<Record<string, string>> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'foreign table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
};

/**
 * The `subtype` subcommands (`AT_DropColumn`, …) of an ALTER of an existing relation whose
 * `objtype` is one of `objtypes` (or not given), on columns deployed code may use: a column
 * added earlier in this migration has no readers yet.
 */
export function deployedColumnCmds(ctx: RuleContext, node: any, stmt: Statement, subtype: string, objtypes: readonly string[]): any[] {
  if (node.objtype && !objtypes.includes(node.objtype)) return [];
  const rel: RangeVarLike | undefined = node.relation;
  if (!rel || ctx.isNewTable(rel)) return [];
  return alterCmds(node).filter((cmd) => cmd.subtype === subtype && cmd.name && !columnAddedInFile(ctx.catalog, ctx.statements, stmt, rel, cmd.name));
}

/**
 * Report a breaking change of `rel` at the relation, with the lock the statement takes on it
 * (or its strongest lock), and the `godwit plan` kind if there is one. `message` gets the
 * relation's display name and that lock, to name where it reads.
 */
export function reportBreakingChange(
  ctx: RuleContext,
  stmt: Statement,
  rel: RangeVarLike & { location?: number },
  message: (table: string, lock: Lock | undefined) => string,
  plan?: string,
): void {
  const table = displayName(rel);
  const lock = ctx.locksOf(stmt).find((l) => l.table === table) ?? ctx.lockOf(stmt);
  ctx.report({ stmt, node: rel, message: message(table, lock), lock, plan });
}
