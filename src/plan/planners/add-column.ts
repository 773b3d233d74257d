/**
 * ADD COLUMN on an existing table, two plans:
 *
 * add-column-default — the column's DEFAULT would rewrite the table (a volatile default such
 * as gen_random_uuid(), a serial, or any default before PostgreSQL 11):
 *   expand    add it without the default, then SET DEFAULT (catalog-only: new rows only)
 *   backfill  evaluate the default for existing rows in keyset batches
 *   constrain/validate  NOT NULL without a long lock, if the column is NOT NULL
 *
 * add-column-not-null — NOT NULL without a default fails on a non-empty table:
 *   expand    add it nullable, and a BEFORE trigger that fills it on writes that leave it NULL
 *   backfill  fill existing rows in keyset batches (the value is the user's: `fill` option, or a
 *             placeholder the phase refuses to run with)
 *   constrain/validate  NOT NULL without a long lock
 *   switch    deploy code that sets the column on every INSERT
 *   contract  drop the fill trigger
 */
import { typeFromNode } from '../../analysis/types.js';
import { addColumnRewrites } from '../../analysis/locks.js';
import {
  batchLoop, loopStep, columnExists, dropTriggerSql, fillTrigger, ident, inSchema, keyOf, lit, longTransactions, notNullSteps, quoteIdent, remaining,
  replicationLag, rowExpr, tableRef, triggerExists, triggerNames, type Loop, type TableRef,
} from '../sql.js';
import type { Step } from '../types.js';
import { add, change, existing, type CmdInput, type PlanOutcome } from './common.js';
import { columnTypeText, defaultText } from '../text.js';

export function planAddColumn(ci: CmdInput): PlanOutcome {
  const { cmd, ctx, rel } = ci;
  const def = cmd.def?.ColumnDef;
  if (!def?.colname || !existing(ctx, rel)) return null;
  if (cmd.missing_ok && ctx.catalog.table(rel)?.columns.has(def.colname)) return null;
  const cons: any[] = (def.constraints ?? []).map((c: any) => c?.Constraint).filter(Boolean);
  const serialType = def.typeName ? typeFromNode(def.typeName).serial : undefined;
  // a serial column is NOT NULL by definition
  const notNull = cons.some((c) => c.contype === 'CONSTR_NOTNULL') || !!serialType;
  const defaultExpr = def.raw_default ?? cons.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
  const isNullDefault = !!defaultExpr?.A_Const?.isnull;
  const serial = serialType;
  const rewrites = addColumnRewrites(def, ctx.pgVersion);
  const failsOnRows = notNull && !serial && (!defaultExpr || isNullDefault) && !serial && !cons.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED');
  if (!rewrites && !failsOnRows) return null;

  const other = cons.filter((c) => !['CONSTR_NOTNULL', 'CONSTR_NULL', 'CONSTR_DEFAULT'].includes(c.contype));
  if (other.length) {
    const what = other.map((c) => String(c.contype).replace('CONSTR_', '').toLowerCase()).join(', ');
    return { unplanned: `ADD COLUMN with ${what}: godwit plans the column and its constraints separately; add the column first, then each constraint in its own ALTER TABLE … ADD CONSTRAINT (identity and stored generated columns have no online plan: add a plain column, backfill it, then attach a sequence or a trigger)` };
  }
  if (!ci.span) return { unplanned: 'godwit could not read this subcommand\'s text' };
  const t = tableRef(rel, ctx.catalog);
  const name: string = def.colname;
  const cq = quoteIdent(name);
  let type = columnTypeText(ci.file, ci.stmt, ci.span, name);
  if (!type) return { unplanned: 'godwit could not read the column type' };
  const source = ci.text ? `ALTER TABLE ${t.sql} ${ci.text}` : ci.stmt.text;
  const alter = `ALTER TABLE ${t.sql}`;
  const nn = notNull ? notNullSteps(t, name, ctx) : undefined;

  if (rewrites) {
    const c = change(ci, 'add-column-default', t, `add ${t.sql}.${name} and backfill its default in batches`, source);
    let expr = defaultExpr && !isNullDefault ? defaultText(ci.file, ci.stmt, ci.span) : undefined;
    const expand: string[] = [];
    const rollback: string[] = [`${alter} DROP COLUMN IF EXISTS ${cq}`];
    if (serial) {
      type = serial === 'bigserial' ? 'bigint' : serial === 'smallserial' ? 'smallint' : 'integer';
      const seq = ident(t.name, name, 'seq');
      expr = `nextval(${lit(inSchema(t, seq))}::regclass)`;
      expand.push(`${alter} ADD COLUMN ${cq} ${type}`, `CREATE SEQUENCE ${inSchema(t, seq)} AS ${type} OWNED BY ${t.sql}.${cq}`, `${alter} ALTER COLUMN ${cq} SET DEFAULT ${expr}`);
      rollback.push(`DROP SEQUENCE IF EXISTS ${inSchema(t, seq)}`);
    } else {
      if (!expr) return { unplanned: 'godwit could not read the DEFAULT expression' };
      expand.push(`${alter} ADD COLUMN ${cq} ${type}`, `${alter} ALTER COLUMN ${cq} SET DEFAULT ${expr}`);
    }
    add(c, 'expand', {
      sql: expand,
      transaction: true,
      rollback,
      verify: [longTransactions(), columnExists(t, name, true)],
      notes: ['both statements only change the catalog: rows inserted from now on get the default, existing rows are NULL until the backfill'],
    });
    const needs = `${cq} IS NULL`;
    const loop = batchLoop({ t, key: keyOf(t, ctx.catalog), set: `${cq} = ${expr}`, needs }, ctx);
    add(c, 'backfill', backfillStep(loop, t, name, needs));
    if (nn) {
      add(c, 'constrain', nn.constrain);
      add(c, 'validate', nn.validate);
    }
    // pgroll adds a volatile default's column without it, fills it with `up` and sets the default on complete
    c.pgroll = [
      {
        add_column: serial
          ? { table: t.name, column: { name, type: serial, nullable: !notNull } }
          : { table: t.name, up: expr, column: { name, type, nullable: !notNull, default: expr } },
      },
    ];
    return c;
  }

  // NOT NULL without a default
  const key = `${t.name}.${name}`;
  const given = ctx.fill[key] ?? ctx.fill[`${t.info?.schema ?? rel.schemaname ?? 'public'}.${key}`];
  const placeholder = `NULL /* godwit: the value of ${name} for rows that do not set it */`;
  const value = given ?? placeholder;
  const c = change(ci, 'add-column-not-null', t, `add ${t.sql}.${name} NOT NULL`, source);
  const fill = triggerNames(t, `${name}_fill`);
  add(c, 'expand', {
    sql: [`${alter} ADD COLUMN ${cq} ${type}`, ...fillTrigger(t, name, given ? rowExpr(t, given) : placeholder, fill, ctx)],
    transaction: true,
    rollback: [...dropTriggerSql(t, fill), `${alter} DROP COLUMN IF EXISTS ${cq}`],
    verify: [longTransactions(), columnExists(t, name, true), triggerExists(t, fill)],
    notes: given
      ? [`rows written without ${name} (old code) get ${given} from the trigger until the application sets it`]
      : [`edit the value: replace the placeholder ${placeholder} here and in the backfill phase with the SQL expression for existing rows (or give one with the fill option). If one constant fits every row, ADD COLUMN … NOT NULL DEFAULT <constant> is catalog-only on PostgreSQL >= 11 and needs no plan`],
  });
  const needs = `${cq} IS NULL`;
  const loop = batchLoop(
    { t, key: keyOf(t, ctx.catalog), set: `${cq} = ${value}`, needs, guard: given ? undefined : `godwit: set the value of ${t.name}.${name} for existing rows in this phase and in the expand trigger, then delete this RAISE` },
    ctx,
  );
  add(c, 'backfill', backfillStep(loop, t, name, needs));
  const steps = notNullSteps(t, name, ctx);
  add(c, 'constrain', steps.constrain);
  add(c, 'validate', steps.validate);
  c.switchNote = `deploy code that sets ${t.sql}.${name} on every INSERT (until then the fill trigger sets it)`;
  add(c, 'contract', {
    sql: dropTriggerSql(t, fill),
    transaction: true,
    rollback: fillTrigger(t, name, given ? rowExpr(t, given) : placeholder, fill, ctx),
    verify: [{ label: `no new row misses ${name} (expect 0: the NOT NULL constraint would refuse it anyway)`, sql: `SELECT count(*) FROM ${t.sql} WHERE ${cq} IS NULL` }],
    checklist: [`every deployed version of the application sets ${name} when it inserts into ${t.sql}`],
  });
  c.pgroll = [{ add_column: { table: t.name, up: given ?? `NULL /* the value of ${name} for rows written by old code */`, column: { name, type, nullable: false } } }];
  return c;
}

/** The backfill phase of a column the expand phase added: its batches, and the check that none is left. */
function backfillStep(loop: Loop, t: TableRef, name: string, needs: string): Step {
  return {
    ...loopStep(loop),
    rollback: [],
    verify: [remaining(t, needs, `rows where ${name} is still NULL`), replicationLag()],
    derived: [`${t.name}.${name}`],
    notes: [`nothing to undo: the backfill only sets ${name}, which rolling back the expand phase drops`],
  };
}
