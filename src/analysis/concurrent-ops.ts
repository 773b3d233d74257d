/**
 * CONCURRENTLY operations and boolean statement options.
 *
 * PostgreSQL refuses some CONCURRENTLY forms inside a transaction block (and inside a
 * function or DO block): `PreventInTransactionBlock(isTopLevel, "<stmtType>")` fails with
 * "<stmtType> cannot run inside a transaction block" (or "… cannot be executed from a
 * function"). `REFRESH MATERIALIZED VIEW CONCURRENTLY` is not one of them: it runs fine in a
 * transaction block.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import { displayName, nameListToString } from './names.js';

/**
 * A boolean option of a parenthesised option list (`REINDEX (CONCURRENTLY false)`,
 * `VACUUM (FULL off)`), read the way PostgreSQL's defGetBoolean reads it: no argument is
 * true; `true`/`on`/`1` and `false`/`off`/`0` (case-insensitive). Undefined when the option is absent; the last
 * occurrence wins, as in PostgreSQL.
 */
export function booleanOption(list: any[] | undefined, name: string): boolean | undefined {
  let value: boolean | undefined;
  for (const o of list ?? []) {
    const d = o?.DefElem;
    if (!d || d.defname !== name) continue;
    value = defElemBoolean(d);
  }
  return value;
}

function defElemBoolean(d: any): boolean {
  const arg = d.arg;
  if (!arg) return true;
  if (arg.Boolean) return arg.Boolean.boolval === true;
  if (arg.Integer) return (arg.Integer.ival ?? 0) !== 0;
  const s = String(arg.String?.sval ?? arg.A_Const?.sval?.sval ?? '').toLowerCase();
  // anything else is an error in PostgreSQL ("… requires a Boolean value"); read it as set
  return !(s === 'false' || s === 'off');
}

export interface ConcurrentOp {
  /** the form as PostgreSQL names it in its error ("CREATE INDEX CONCURRENTLY") */
  stmtType: string;
  /** the object it works on, as written (table, index, schema …) */
  target: string;
  /** PostgreSQL refuses it inside a transaction block or a function/DO block */
  noTransactionBlock: boolean;
}

/** The CONCURRENTLY operation a statement performs, if any. */
export function concurrentOp(stmt: Statement): ConcurrentOp | undefined {
  const b = stmt.body;
  switch (stmt.kind) {
    case 'IndexStmt':
      return b.concurrent ? { stmtType: 'CREATE INDEX CONCURRENTLY', target: displayName(b.relation), noTransactionBlock: true } : undefined;
    case 'DropStmt':
      if (b.removeType !== 'OBJECT_INDEX' || !b.concurrent) return undefined;
      return {
        stmtType: 'DROP INDEX CONCURRENTLY',
        target: (b.objects ?? []).map((o: any) => nameListToString(o.List?.items)).join(', '),
        noTransactionBlock: true,
      };
    case 'ReindexStmt':
      if (!booleanOption(b.params, 'concurrently')) return undefined;
      return { stmtType: 'REINDEX CONCURRENTLY', target: b.relation ? displayName(b.relation) : String(b.name ?? ''), noTransactionBlock: true };
    case 'AlterTableStmt':
      for (const c of b.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent) {
          return { stmtType: 'ALTER TABLE ... DETACH CONCURRENTLY', target: displayName(b.relation), noTransactionBlock: true };
        }
      }
      return undefined;
    case 'RefreshMatViewStmt':
      return b.concurrent ? { stmtType: 'REFRESH MATERIALIZED VIEW CONCURRENTLY', target: displayName(b.relation), noTransactionBlock: false } : undefined;
    default:
      return undefined;
  }
}

/**
 * Statements PostgreSQL refuses inside a transaction block (`PreventInTransactionBlock`): the
 * CONCURRENTLY forms above, VACUUM, REINDEX SCHEMA/DATABASE/SYSTEM, CLUSTER of every table,
 * CREATE/DROP DATABASE and TABLESPACE, CREATE/DROP SUBSCRIPTION, ALTER SYSTEM, DISCARD ALL, and
 * ALTER TYPE … ADD VALUE before PostgreSQL 12. A fix must not move one of them into a block
 * (e.g. a SET inserted into a one-statement file of an `implicit` runner).
 */
export function refusedInTransactionBlock(stmt: Statement, pgVersion: number): boolean {
  if (concurrentOp(stmt)?.noTransactionBlock) return true;
  const b = stmt.body ?? {};
  switch (stmt.kind) {
    case 'VacuumStmt':
      return !!b.is_vacuumcmd;
    case 'ReindexStmt':
      return ['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_DATABASE', 'REINDEX_OBJECT_SYSTEM'].includes(b.kind);
    case 'ClusterStmt':
      return !b.relation;
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'CreateSubscriptionStmt':
    case 'DropSubscriptionStmt':
    case 'AlterSystemStmt':
      return true;
    case 'DiscardStmt':
      return b.target === 'DISCARD_ALL';
    case 'AlterEnumStmt':
      return pgVersion < 12 && b.newVal !== undefined && b.oldVal === undefined;
    default:
      return false;
  }
}

/**
 * The statement fails where it is (a statement PostgreSQL refuses inside a transaction block,
 * run in one or in a DO block): it takes no lock and does nothing, so only the failure is worth
 * a finding.
 */
export function failsWhereItRuns(stmt: Statement, inTransaction: boolean, pgVersion: number): boolean {
  return (inTransaction || !!stmt.parent) && refusedInTransactionBlock(stmt, pgVersion);
}
