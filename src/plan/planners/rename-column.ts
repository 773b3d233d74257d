/**
 * RENAME COLUMN old TO new on an existing table → expand-contract:
 *   expand    add `new` (same type), a BEFORE trigger that keeps both names equal whichever
 *             one a writer uses, and (if `old` is NOT NULL) a NOT VALID NOT NULL check on `new`
 *   backfill  copy `old` into `new` in keyset batches
 *   index     copy the plain indexes (and UNIQUE constraints) of `old` onto `new`, concurrently
 *   validate  validate NOT NULL on `new`; attach the UNIQUE constraints
 *   switch    deploy code that reads and writes `new`
 *   contract  drop the trigger, move the DEFAULT (and a serial sequence) to `new`, drop `old`
 */
import { columnAddedInFile } from '../../analysis/added-columns.js';
import {
  batchLoop, loopStep, column, columnExists, copyableIndex, dropTriggerSql, indexSql, indexValid, indexesOn, inSchema, keyOf, longTransactions,
  notNullSteps, quoteIdent, readers, remaining, renameSyncTrigger, renamedIndexName, replicationLag, tableRef, triggerExists, triggerNames, typeSql,
  constraintValid,
} from '../sql.js';
import { add, addColumnLike, change, existing, ignore, moveDefault, type PlanInput, type PlanOutcome } from './common.js';
import { statementText } from '../text.js';
import type { Unit } from '../types.js';

export function planRenameColumn(input: PlanInput): PlanOutcome {
  const b = input.stmt.body;
  if (b.renameType !== 'OBJECT_COLUMN' || !b.relation || !b.subname || !b.newname) return null;
  const { ctx } = input;
  if (!existing(ctx, b.relation)) return null;
  if (columnAddedInFile(ctx.catalog, input.statements, input.stmt, b.relation, b.subname)) return null;
  if (b.relationType !== 'OBJECT_TABLE') return { unplanned: `renaming a column of a ${String(b.relationType).replace('OBJECT_', '').toLowerCase()} has no expand-contract plan: recreate the view with both names` };
  const t = tableRef(b.relation, ctx.catalog);
  const oldC: string = b.subname;
  const newC: string = b.newname;
  const col = column(t, oldC);
  const type = col ? typeSql(col.type) : undefined;
  const o = quoteIdent(oldC);
  const n = quoteIdent(newC);
  const sync = triggerNames(t, `${newC}_sync`);
  const c = change(input, 'rename-column', t, `rename ${t.sql}.${oldC} to ${newC}`, statementText(input.stmt));
  const nn = col?.notNull ? notNullSteps(t, newC, ctx) : undefined;
  // the DEFAULT (and a serial's sequence) moves in the contract phase; not needed when history says there is none
  const hasDefault = !col || col.hasDefault;

  // expand
  add(c, 'expand', {
    sql: [addColumnLike(t, newC, oldC, type), ...renameSyncTrigger(t, oldC, newC, sync, ctx), ...(nn ? nn.constrain.sql : [])],
    transaction: true,
    rollback: [...dropTriggerSql(t, sync), `ALTER TABLE ${t.sql} DROP COLUMN IF EXISTS ${n}`],
    verify: [longTransactions(), columnExists(t, newC, true), triggerExists(t, sync)],
    notes: hasDefault ? [`${newC} gets ${oldC}'s DEFAULT in the contract phase: until then the trigger fills it from ${oldC}, which old code keeps writing`] : [],
  });
  if (!col) c.notes.push(`the migration history does not describe ${t.sql}.${oldC}: its type is read from the server; if it is NOT NULL, add the NOT NULL constraint to ${newC} (godwit set-not-null plan)`);

  // backfill
  const needs = `${n} IS DISTINCT FROM ${o}`;
  const loop = batchLoop({ t, key: keyOf(t, ctx.catalog), set: `${n} = ${o}`, needs }, ctx);
  add(c, 'backfill', {
    ...loopStep(loop),
    rollback: [],
    verify: [remaining(t, needs, `rows where ${newC} differs from ${oldC}`), replicationLag()],
    derived: [`${t.name}.${newC}`],
    notes: [`nothing to undo: the backfill only copies ${oldC} into ${newC}, which rolling back the expand phase drops`],
  });

  // indexes and UNIQUE constraints of the old column, onto the new one
  const attach: string[] = [];
  const attachNames: string[] = [];
  const detach: string[] = [];
  const rebuild: Unit[] = [];
  const recreateOld: string[] = [];
  const attachOld: string[] = [];
  for (const i of indexesOn(t, ctx.catalog, oldC)) {
    if (!copyableIndex(i)) {
      c.notes.push(`index ${i.name} on ${oldC} has an expression, a predicate or a method godwit cannot copy: create its twin on ${newC} (CREATE INDEX CONCURRENTLY) before the contract phase`);
      continue;
    }
    const name = renamedIndexName(i.name, oldC, newC);
    const cols = i.columns.map((x) => (x === oldC ? newC : x));
    add(c, 'index', {
      label: name,
      sql: [indexSql(t, i, name, cols, true)],
      transaction: false,
      rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, name)}`],
      verify: [indexValid(t, name)],
    });
    recreateOld.push(indexSql(t, i, i.name, i.columns, true));
  }
  for (const con of t.info?.constraints.values() ?? []) {
    if (!con.columns.includes(oldC)) continue;
    if (con.kind === 'unique') {
      const name = renamedIndexName(con.name, oldC, newC);
      const cols = con.columns.map((x) => (x === oldC ? newC : x));
      const idx = { schema: '', name, table: t.key, unique: true, columns: cols, origin: 'file' as const };
      add(c, 'index', {
        label: name,
        sql: [indexSql(t, idx, name, cols, true)],
        transaction: false,
        rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, name)}`],
        verify: [indexValid(t, name)],
      });
      attach.push(`ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE USING INDEX ${quoteIdent(name)}`);
      attachNames.push(name);
      // dropping the constraint drops its index: the index comes back, built concurrently
      detach.push(`ALTER TABLE ${t.sql} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`);
      rebuild.push({ label: `build ${name} again`, sql: [indexSql(t, idx, name, cols, true)], transaction: false });
      const old = { ...idx, name: con.name, columns: con.columns };
      recreateOld.push(indexSql(t, old, con.name, con.columns, true));
      attachOld.push(`ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(con.name)} UNIQUE USING INDEX ${quoteIdent(con.name)}`);
    } else if (con.kind === 'primary') {
      c.notes.push(`${oldC} is in the primary key ${con.name}: move the primary key to ${newC} (CREATE UNIQUE INDEX CONCURRENTLY, then DROP CONSTRAINT ${con.name}, ADD PRIMARY KEY USING INDEX) before the contract phase; foreign keys that reference it move with it`);
    } else if (con.kind === 'foreign') {
      c.notes.push(`foreign key ${con.name} uses ${oldC}: add the same foreign key on ${newC} NOT VALID and validate it before the contract phase (the contract drops ${con.name})`);
    } else if (con.kind === 'check') {
      c.notes.push(`CHECK constraint ${con.name} uses ${oldC}: add its twin on ${newC} (NOT VALID, then VALIDATE) before the contract phase (the contract drops it)`);
    }
  }

  // validate
  if (nn || attach.length) {
    add(c, 'validate', {
      sql: [...(nn ? nn.validate.sql : []), ...attach],
      transaction: true,
      rollback: [...detach, ...(nn ? nn.validate.rollback : [])],
      restore: rebuild,
      verify: [...(nn ? nn.validate.verify ?? [] : []), ...attachNames.map((name) => constraintValid(t, name))],
      notes: nn?.validate.notes,
    });
  }

  c.switchNote = `deploy code that reads and writes ${t.sql}.${newC} instead of ${oldC} (during the transition the trigger keeps both equal, so old and new code can run side by side)`;

  // contract; its rollback is an expand of its own: the old column back with the sync trigger (catalog
  // changes only), then the copy in batches, its indexes built concurrently, NOT NULL proven without a long lock
  const oldNn = col?.notNull ? notNullSteps(t, oldC, ctx) : undefined;
  add(c, 'contract', {
    sql: [...dropTriggerSql(t, sync), ...(hasDefault ? [moveDefault(t, oldC, newC)] : []), `${ignore('no-drop-column', `contract of the rename ${oldC} → ${newC}, after the pre-flight checklist`)}ALTER TABLE ${t.sql} DROP COLUMN ${o}`],
    transaction: true,
    irreversible: true,
    unrestored: col ? [] : [`the NOT NULL, DEFAULT, indexes and constraints of ${t.sql}.${oldC} (the migration history does not describe them)`],
    rollback: [
      addColumnLike(t, oldC, newC, type),
      ...(hasDefault ? [moveDefault(t, newC, oldC)] : []),
      ...renameSyncTrigger(t, oldC, newC, sync, ctx),
      ...(oldNn ? oldNn.constrain.sql : []),
    ],
    restore: [
      { label: `copy ${newC} back into ${oldC}`, ...loopStep(batchLoop({ t, key: keyOf(t, ctx.catalog), set: `${o} = ${n}`, needs: `${o} IS DISTINCT FROM ${n}` }, ctx)) },
      ...recreateOld.map((sql) => ({ label: `an index of ${oldC}, built concurrently`, sql: [sql], transaction: false })),
      ...(oldNn || attachOld.length ? [{ label: `NOT NULL and UNIQUE on ${oldC}`, sql: [...(oldNn ? oldNn.validate.sql : []), ...attachOld], transaction: true }] : []),
    ],
    verify: [readers(t, oldC), { ...remaining(t, needs, `rows where ${newC} differs from ${oldC}`), before: true }, longTransactions(), columnExists(t, oldC, false)],
    checklist: [
      `every deployed version of the application reads and writes ${newC}, none uses ${oldC} (check pg_stat_statements since the deploy)`,
      `ORMs that list every column (SELECT *, cached prepared statements) were restarted after the deploy`,
      `the verification queries of the backfill phase return 0`,
      `a recent backup exists`,
    ],
  });

  c.pgroll = [{ rename_column: { table: t.name, from: oldC, to: newC } }];
  return c;
}
