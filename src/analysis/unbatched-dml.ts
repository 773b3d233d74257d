/**
 * The finding of `no-unbatched-backfill` (UPDATE) and `no-unbatched-delete` (DELETE): one
 * check and one message, told in each statement's own words. Whether the WHERE bounds the
 * batch is `analyzeBatch`'s call (batching.ts).
 */
import type { Statement } from '../dialects/postgresql/types.js';
import { capitalize } from './statement-labels.js';
import type { MysqlRuleContext, RuleContext } from '../engine/types.js';
import { mysqlBatch } from '../dialects/mysql/batching.js';
import { describeMysqlLock, displayMysqlName } from '../dialects/mysql/locks.js';
import type { DmlBody, MysqlStatement } from '../dialects/mysql/types.js';
import { analyzeBatch, isSystemCatalog } from './batching.js';
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
  const where = stmt.parent ? '\nIt runs inside a DO block: one transaction for the whole block.' : '';
  ctx.report({
    stmt,
    // a data-modifying CTE: point at its table; otherwise the statement
    node: node === stmt.body ? undefined : node.relation,
    message:
      `Unbatched ${words.statement} "${table}": every row it ${words.verb} stays locked until commit.\n` +
      `${capitalize(verdict.reason)}.${where}\n` +
      (lock ? `Its table lock, ROW EXCLUSIVE, conflicts only with SHARE and stronger (index builds, most DDL);\n` : '') +
      `the row locks block other writers of those rows until the statement's transaction ends.\n` +
      `One long transaction also writes a burst of WAL and ${words.leaves}.\n` +
      `${words.instead(verdict.key)}.`,
    lock: lock ?? null,
    plan: words.plan,
  });
}

/** The MySQL half: the batched way in MySQL's words (`… ORDER BY key LIMIT n`). */
export interface MysqlUnbatchedWords {
  /** `UPDATE of`, `DELETE from` */
  statement: string;
  /** `changes`, `deletes` */
  verb: string;
  /** the batched way, given the table's key column */
  instead: (key: string) => string;
  plan: string;
}

/** Report a MySQL UPDATE or DELETE of an existing table whose WHERE does not bound the batch. */
export function reportUnbatchedMysql(ctx: MysqlRuleContext, body: DmlBody, stmt: MysqlStatement, words: MysqlUnbatchedWords): void {
  const t = body.tables[0];
  if (!t || ctx.isNewTable(t)) return;
  const v = mysqlBatch(body, ctx.catalog);
  if (v.bounded) return;
  const table = displayMysqlName(t);
  const lock = ctx.locksOf(stmt).find((l) => l.table === table);
  ctx.report({
    stmt,
    message:
      `${words.statement} existing table "${table}" is not batched: every row it ${words.verb} stays locked until commit.\n` +
      `${capitalize(v.reason)}; ${lock ? describeMysqlLock(lock) : 'writes to those rows wait'}, and one long transaction grows the undo log and makes replicas lag by its whole duration. ` +
      `${words.instead(v.key)}`,
    lock: lock ?? null,
    plan: words.plan,
  });
}
