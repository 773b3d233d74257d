/**
 * batched-backfill / batched-delete — an UPDATE or DELETE of an existing table that the WHERE
 * does not bound to a batch → the same change as a keyset loop: batches of rows by key, one
 * transaction each, a pause between them, outside the schema migration's transaction.
 *
 * Every loop can be stopped and run again: its batches only take rows that still need the
 * work. A DELETE's rows are gone once done; an UPDATE gets the predicate `col IS DISTINCT FROM
 * <expr>` — which a rerun finds false — when its value does not depend on what it overwrites
 * nor on when it runs. An UPDATE that reads the column it writes (`price = price * 1.1`) or
 * writes a volatile or time-dependent value is planned only when its WHERE already stops a
 * second pass (`col IS NULL`, `col <> <expr>`); otherwise it is not planned, with the reason.
 *
 * A computed column — the UPDATE fills columns the migration adds earlier in the file — is a
 * dual write (the seeds' pattern): the expand phase adds a trigger that computes the column on
 * every write that does not set it, so rows written by the code running today stay current
 * while (and after) the backfill runs; the contract phase, after the switch, drops it.
 */
import { analyzeBatch, isSystemCatalog } from '../../analysis/batching.js';
import { columnAddedInFile } from '../../analysis/added-columns.js';
import { expressionVolatility } from '../../analysis/volatility.js';
import {
  batchLoop, columnsRead, dropTriggerSql, keyOf, loopStep, quoteIdent, remaining, replicationLag, rowExpr, tableRef, triggerExists, triggerNames, triggerSql,
  type PlanContext, type TableRef, type TriggerNames,
} from '../sql.js';
import { add, change, existing, type PlanInput, type PlanOutcome } from './common.js';
import { clauseText, setAssignments, statementText } from '../text.js';

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
  if (del) return planDelete(input, t, key, where);

  const sets = setAssignments(file, stmt);
  const targets: any[] = (b.targetList ?? []).map((x: any) => x?.ResTarget).filter(Boolean);
  if (!sets || sets.length !== targets.length || targets.some((x) => x.indirection?.length || !x.name)) {
    return { unplanned: 'godwit could not read the SET clause as column = expression pairs' };
  }
  const cols = sets.map((s) => s.column);
  const set = clauseText(file, stmt, 'set', ['where', 'from', 'returning'])!;
  const reads = new Set(targets.flatMap((x) => columnsRead(x.val)));
  const selfRef = cols.some((c) => reads.has(c));
  const volatility = targets.map((x) => expressionVolatility(x.val));
  const computed = cols.every((c) => columnAddedInFile(ctx.catalog, input.statements, stmt, b.relation, c));
  const c = change(input, 'batched-backfill', t, computed ? `compute ${t.sql}.${cols.join(', ')} on every write and backfill ${cols.length > 1 ? 'them' : 'it'} in batches` : `update ${t.sql} in batches`, statementText(stmt));
  const guarded = guardedByWhere(b.whereClause, targets);

  let needs: string;
  if (computed) {
    // a fresh column starts NULL: each row is computed once when its value is volatile, else whenever it differs
    needs = and(where, sets.map((s, i) => (volatility[i] === 'volatile' || volatility[i] === 'stable' || reads.has(s.column) ? `${quoteIdent(s.column)} IS NULL` : `${quoteIdent(s.column)} IS DISTINCT FROM (${s.expr})`)).join(' OR '));
    const sync = triggerNames(t, `${cols.join('_')}_compute`);
    const trigger = computeOnWrite(t, sets, volatility, where, sync, ctx);
    add(c, 'expand', {
      sql: trigger,
      transaction: true,
      rollback: dropTriggerSql(t, sync),
      verify: [triggerExists(t, sync)],
      notes: [`rows written by the code running today get ${cols.join(', ')} from the trigger, so none goes stale while the backfill runs or after it`],
    });
    c.switchNote = `deploy code that writes ${cols.map((x) => `${t.sql}.${x}`).join(', ')} itself (until the contract phase the trigger computes ${cols.length > 1 ? 'them' : 'it'} on every write that does not)`;
    add(c, 'contract', {
      sql: dropTriggerSql(t, sync),
      transaction: true,
      rollback: trigger,
      verify: [{ ...remaining(t, needs, `rows whose ${cols.join(', ')} is not computed`), before: true }],
      checklist: [`every deployed version of the application writes ${cols.join(', ')} on INSERT and whenever it changes what ${cols.length > 1 ? 'they are' : 'it is'} computed from (or keep the trigger: skip this phase)`],
    });
  } else if (!selfRef && volatility.every((v) => v === 'immutable' || v === 'unknown')) {
    needs = and(where, sets.map((s) => `${quoteIdent(s.column)} IS DISTINCT FROM (${s.expr})`).join(' OR '));
    const unknown = targets.filter((_, i) => volatility[i] === 'unknown');
    if (unknown.length) c.notes.push(`rerunning the loop assumes the functions in ${unknown.map((x) => x.name).join(', ')} return the same value for the same row`);
  } else if (guarded) {
    needs = `(${where})`;
  } else {
    const why = selfRef
      ? `it reads ${cols.filter((x) => reads.has(x)).join(', ')}, which it writes: a batch run twice (a rerun after an interruption) applies it twice`
      : `its value changes from run to run (${volatility.includes('volatile') ? 'a volatile function or a subquery' : 'the time of the run'}): a rerun would write every row again`;
    return {
      unplanned:
        `godwit cannot make this UPDATE's batches safe to run again — ${why}. ` +
        `Add a WHERE that the update makes false (e.g. \`${cols[0]} IS NULL\`, or a marker column set in the same UPDATE), then plan it again`,
    };
  }

  const loop = batchLoop({ t, key, set, needs }, ctx);
  add(c, 'backfill', {
    label: t.name,
    ...loopStep(loop),
    rollback: [`-- a data change has no generated rollback: keep a copy of the old values first if you may need them`],
    verify: [remaining(t, needs, `rows the loop has not done yet`), replicationLag()],
    derived: cols.map((x) => `${t.name}.${x}`),
    notes: ['run it outside the schema migration if it takes long: it is plain SQL (psql -f), and it can be stopped and run again — its batches only take rows that still need it'],
  });
  c.pgrollNote = 'pgroll has no batched data operation: run this phase outside pgroll (psql -f)';
  return c;
}

function planDelete(input: PlanInput, t: TableRef, key: string | undefined, where: string | undefined): PlanOutcome {
  const needs = where ? `(${where})` : 'true';
  const loop = batchLoop({ t, key, delete: true, needs }, input.ctx);
  const c = change(input, 'batched-delete', t, `delete from ${t.sql} in batches`, statementText(input.stmt));
  add(c, 'backfill', {
    label: `${t.name}_delete`,
    ...loopStep(loop),
    rollback: ['-- a data change has no generated rollback: keep a copy of the rows first if you may need them'],
    verify: [{ label: 'rows still matching the WHERE (expect 0)', sql: `SELECT count(*) AS remaining FROM ${t.sql} WHERE ${needs}` }, replicationLag()],
    irreversible: true,
    lost: [`${t.name}.*`],
    checklist: ['the rows to delete were checked (SELECT count(*) with the same WHERE)', 'a backup exists if they may be needed'],
    notes: ['run it outside the schema migration if it takes long: it is plain SQL (psql -f), and it can be stopped and run again — deleted rows are gone, so a rerun takes only what is left'],
  });
  c.pgrollNote = 'pgroll has no batched data operation: run this phase outside pgroll (psql -f)';
  return c;
}

function and(where: string | undefined, extra: string): string {
  return where ? `(${where}) AND (${extra})` : `(${extra})`;
}

/** An AST without its source positions, to compare two expressions. */
function shape(node: unknown): string {
  return JSON.stringify(node, (k, v) => (k === 'location' ? undefined : v));
}

/**
 * The WHERE stops a second pass for every column written: a top-level conjunct `col IS NULL`,
 * or `col <> expr` / `col IS DISTINCT FROM expr` with the very expression the SET writes.
 */
function guardedByWhere(where: any, targets: any[]): boolean {
  if (!where) return false;
  const conjuncts: any[] = where.BoolExpr?.boolop === 'AND_EXPR' ? where.BoolExpr.args : [where];
  const isCol = (n: any, col: string): boolean => {
    const f = n?.ColumnRef?.fields ?? [];
    return f.length > 0 && f[f.length - 1]?.String?.sval === col;
  };
  return targets.every((tgt) =>
    conjuncts.some((cj) => {
      if (cj.NullTest?.nulltesttype === 'IS_NULL' && isCol(cj.NullTest.arg, tgt.name)) return true;
      const e = cj.A_Expr;
      if (!e) return false;
      const op = e.name?.[0]?.String?.sval;
      if (!(e.kind === 'AEXPR_DISTINCT' || (e.kind === 'AEXPR_OP' && op === '<>'))) return false;
      const other = isCol(e.lexpr, tgt.name) ? e.rexpr : isCol(e.rexpr, tgt.name) ? e.lexpr : undefined;
      return !!other && shape(other) === shape(tgt.val);
    }),
  );
}

/**
 * The dual write of a computed column: on INSERT when the writer leaves it NULL, on UPDATE when
 * the writer does not change it, the column is computed from the row (only rows the UPDATE's
 * WHERE takes; a volatile value only when the column is still NULL).
 */
function computeOnWrite(
  t: TableRef,
  sets: Array<{ column: string; expr: string }>,
  volatility: string[],
  where: string | undefined,
  names: TriggerNames,
  ctx: PlanContext,
): string[] {
  const pad = where ? '    ' : '  ';
  const lines = sets.map((s, i) => {
    const col = `NEW.${quoteIdent(s.column)}`;
    const once = volatility[i] === 'volatile' || volatility[i] === 'stable';
    const when = once ? `${col} IS NULL` : `(TG_OP = 'INSERT' AND ${col} IS NULL) OR (TG_OP = 'UPDATE' AND ${col} IS NOT DISTINCT FROM OLD.${quoteIdent(s.column)})`;
    return `${pad}IF ${when} THEN\n${pad}  ${col} := ${rowExpr(t, s.expr)};\n${pad}END IF;`;
  });
  const body = where ? `  IF ${rowExpr(t, where)} THEN\n${lines.join('\n')}\n  END IF;` : lines.join('\n');
  return triggerSql(t, names, body, ctx);
}
