/**
 * The finding of `no-unbatched-backfill` (UPDATE) and `no-unbatched-delete` (DELETE): one
 * check and one message, told in each statement's own words. Whether the WHERE bounds the
 * batch is `analyzeBatch`'s call (batching.ts).
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { RuleContext } from '../engine/types.js';
import { analyzeBatch, isSystemCatalog } from './batching.js';
import { describeLock } from './lock-types.js';
import { displayName } from './names.js';

/** statements that run their DML (a CREATE FUNCTION/RULE body, a PREPARE or a plain EXPLAIN does not) */
const EXECUTED = new Set(['UpdateStmt', 'DeleteStmt', 'InsertStmt', 'SelectStmt']);

export interface UnbatchedWords {
  /** how the message opens: `UPDATE of`, `DELETE from` */
  statement: string;
  /** what it does to a row: `changes`, `deletes` */
  verb: string;
  /** what one long transaction leaves: `leaves the table bloated` */
  leaves: string;
  /** the batched way, given the table's key column */
  instead: (key: string) => string;
  /** the `godwit plan` that rewrites it */
  plan: string;
}

/** Report an UPDATE or DELETE (`node`, anywhere in `stmt`) of an existing table whose WHERE does not bound the batch. */
export function reportUnbatched(ctx: RuleContext, node: any, stmt: Statement, words: UnbatchedWords): void {
  if (!EXECUTED.has(stmt.kind) || !node.relation || ctx.isNewTable(node.relation) || isSystemCatalog(node.relation)) return;
  const verdict = analyzeBatch(node, { catalog: ctx.catalog, plpgsql: !!stmt.parent });
  if (verdict.bounded) return;
  const table = displayName(node.relation);
  const lock = ctx.locksOf(stmt).find((l) => l.table === table);
  const where = stmt.parent ? ' inside a DO block (one transaction for the whole block)' : '';
  ctx.report({
    stmt,
    // a data-modifying CTE: point at its table; otherwise the statement
    node: node === stmt.body ? undefined : node.relation,
    message:
      `${words.statement} existing table "${table}" is not batched (${verdict.reason})${where}: every row it ${words.verb} stays locked until commit` +
      `${lock ? ` (${describeLock(lock)})` : ', blocking concurrent writes to those rows'}, ` +
      `and one long transaction writes a burst of WAL and ${words.leaves}. ` +
      `${words.instead(verdict.key)}, run outside the schema migration`,
    lock: lock ?? null,
    plan: words.plan,
  });
}
