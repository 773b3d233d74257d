/**
 * batched-backfill / batched-delete — an UPDATE or DELETE of an existing table that the WHERE
 * does not bound to a batch → the same change as a keyset loop: batches of rows by key, one
 * transaction each, a pause between them, outside the schema migration's transaction.
 */
import { analyzeBatch, isSystemCatalog } from '../../analysis/batching.js';
import { batchLoop, loopStep, keyOf, replicationLag, tableRef } from '../sql.js';
import { add, change, existing, type PlanInput, type PlanOutcome } from './common.js';
import { clauseText, statementText } from '../text.js';

export function planBatchedDml(input: PlanInput): PlanOutcome {
  const { stmt, ctx, file } = input;
  const b = stmt.body;
  const del = stmt.kind === 'DeleteStmt';
  if (!b.relation || !existing(ctx, b.relation) || isSystemCatalog(b.relation)) return null;
  if (analyzeBatch(b, { catalog: ctx.catalog }).bounded) return null;
  if (b.withClause || b.returningList?.length || b.fromClause?.length || b.usingClause?.length || b.relation.alias) {
    return { unplanned: `godwit batches a plain ${del ? 'DELETE' : 'UPDATE'} (no WITH, FROM/USING, alias or RETURNING): rewrite it as a keyset loop by hand` };
  }
  const t = tableRef(b.relation, ctx.catalog);
  const key = keyOf(t, ctx.catalog);
  if (!key && !del) return { unplanned: `${t.sql} has no single-column key godwit knows (primary key or unique NOT NULL column), which a batched UPDATE walks` };
  const where = clauseText(file, stmt, 'where', ['returning']);
  const set = del ? undefined : clauseText(file, stmt, 'set', ['where', 'from', 'returning']);
  if (!del && !set) return { unplanned: 'godwit could not read the SET clause' };
  const needs = where ? `(${where})` : 'true';
  const loop = batchLoop({ t, key, set, delete: del, needs }, ctx);
  const c = change(input, del ? 'batched-delete' : 'batched-backfill', t, `${del ? 'delete from' : 'update'} ${t.sql} in batches`, statementText(stmt));
  const targets: string[] = del ? [] : (b.targetList ?? []).map((x: any) => x?.ResTarget?.name).filter(Boolean);
  add(c, 'backfill', {
    label: `${t.name}${del ? '_delete' : ''}`,
    ...loopStep(loop),
    rollback: [`-- a data change has no generated rollback: keep a copy of the ${del ? 'rows' : 'old values'} first if you may need them`],
    verify: [
      { label: `rows still matching the WHERE${del ? ' (expect 0)' : ' (expect 0 when the SET makes the WHERE false)'}`, sql: `SELECT count(*) AS remaining FROM ${t.sql} WHERE ${needs}` },
      replicationLag(),
    ],
    ...(del ? { irreversible: true, lost: [`${t.name}.*`], checklist: ['the rows to delete were checked (SELECT count(*) with the same WHERE)', 'a backup exists if they may be needed'] } : { derived: targets.map((x) => `${t.name}.${x}`) }),
    notes: ['run it outside the schema migration if it takes long: it is plain SQL (psql -f), and it can be stopped and run again'],
  });
  c.pgrollNote = 'pgroll has no batched data operation: run this phase outside pgroll (psql -f)';
  return c;
}
