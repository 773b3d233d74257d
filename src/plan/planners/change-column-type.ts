/**
 * ALTER COLUMN c TYPE t2 [USING e] that rewrites the table → expand-contract with a swap:
 *   expand    add c_new t2 and a BEFORE trigger that computes it from c on every write
 *   backfill  compute c_new for existing rows in keyset batches
 *   index     copy c's indexes (and unique/primary key indexes) onto c_new, concurrently
 *   constrain/validate  NOT NULL on c_new without a long lock; attach UNIQUE constraints
 *   swap      one short transaction: c → c_old, c_new → c, DEFAULT, sequence and primary key
 *             follow, and a reverse trigger keeps c_old current (the rollback path)
 *   switch    deploy code that relies on the new type
 *   contract  drop the reverse trigger and c_old; the new indexes take the old names
 */
import { isBinaryCoercible, typeFromNode } from '../../analysis/types.js';
import {
  batchLoop, loopStep, column, columnExists, computeTrigger, constraintValid, copyableIndex, dropTriggerSql, ident, indexSql, indexValid, indexesOn, inSchema,
  keyOf, lit, longTransactions, notNullSteps, quoteIdent, readers, regclass, remaining, renamedIndexName, replicationLag, rowExpr, tableRef,
  triggerExists, triggerNames, typeSql, type TableRef,
} from '../sql.js';
import { add, change, existing, ignore, integerType, moveDefault, sequenceAs, type CmdInput, type PlanOutcome } from './common.js';
import { typeChangeText } from '../text.js';

export function planChangeColumnType(ci: CmdInput): PlanOutcome {
  const { cmd, ctx, rel } = ci;
  if (!cmd.name || !existing(ctx, rel)) return null;
  const def = cmd.def?.ColumnDef;
  const t = tableRef(rel, ctx.catalog);
  const colName: string = cmd.name;
  const col = column(t, colName);
  const newType = def?.typeName ? typeFromNode(def.typeName) : undefined;
  const written = ci.span ? typeChangeText(ci.file, ci.stmt, ci.span) : {};
  const using = written.using;
  // catalog-only changes need no plan (the lock facts agree: no-column-type-change does not flag them)
  if (col && newType && !def?.raw_default && isBinaryCoercible(col.type, newType)) return null;
  const t2 = written.type ?? (newType ? typeSql(newType) : undefined);
  if (!t2) return { unplanned: 'godwit could not read the new type of this ALTER COLUMN … TYPE' };
  const t1 = col ? typeSql(col.type) : undefined;
  const cq = quoteIdent(colName);
  let tmpName = ident(colName, 'new');
  if (t.info?.columns.has(tmpName)) tmpName = ident(colName, 'godwit');
  const oldName = ident(colName, 'old');
  const tmp = quoteIdent(tmpName);
  const oldq = quoteIdent(oldName);
  const c = change(ci, 'change-column-type', t, `change the type of ${t.sql}.${colName} to ${t2}`, ci.text ? `ALTER TABLE ${t.sql} ${ci.text}` : ci.stmt.text);
  if (written.collate) c.notes.push(`the COLLATE clause is not carried over: add COLLATE ${written.collate} to the ADD COLUMN of the expand phase`);

  const forward = triggerNames(t, `${tmpName}_sync`);
  const reverse = triggerNames(t, `${oldName}_sync`);
  // the value of the new column for a row: the USING expression, or c itself (an assignment cast, as ALTER TYPE does)
  const upRow = using ? rowExpr(t, using) : `NEW.${cq}`;
  const up = using ?? cq;
  const needs = `${tmp} IS DISTINCT FROM CAST((${up}) AS ${t2})`;

  add(c, 'expand', {
    sql: [`ALTER TABLE ${t.sql} ADD COLUMN ${tmp} ${t2}`, ...computeTrigger(t, tmpName, upRow, forward, ctx)],
    transaction: true,
    rollback: [...dropTriggerSql(t, forward), `ALTER TABLE ${t.sql} DROP COLUMN IF EXISTS ${tmp}`],
    verify: [longTransactions(), columnExists(t, tmpName, true), triggerExists(t, forward)],
  });

  const loop = batchLoop({ t, key: keyOf(t, ctx.catalog), set: `${tmp} = ${up}`, needs }, ctx);
  add(c, 'backfill', {
    ...loopStep(loop),
    rollback: [],
    verify: [remaining(t, needs, `rows whose ${tmpName} is not computed yet`), replicationLag()],
    derived: [`${t.name}.${tmpName}`],
    notes: [`nothing to undo: the backfill only computes ${tmpName}, which rolling back the expand phase drops`],
  });

  // indexes of c, onto the new column
  const renames: Array<[string, string]> = [];
  const recreateOld: string[] = [];
  for (const i of indexesOn(t, ctx.catalog, colName)) {
    if (!copyableIndex(i)) {
      c.notes.push(`index ${i.name} on ${colName} has an expression, a predicate or a method godwit cannot copy: build its twin on ${tmpName} concurrently before the swap`);
      continue;
    }
    const name = renamedIndexName(i.name, colName, tmpName);
    add(c, 'index', {
      label: name,
      sql: [indexSql(t, i, name, i.columns.map((x) => (x === colName ? tmpName : x)), true)],
      transaction: false,
      rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, name)}`],
      verify: [indexValid(t, name)],
    });
    renames.push([name, i.name]);
    recreateOld.push(indexSql(t, i, i.name, i.columns.map((x) => (x === colName ? oldName : x)), false));
  }
  const uniques = [...(t.info?.constraints.values() ?? [])].filter((x) => x.kind === 'unique' && x.columns.includes(colName));
  const pk = [...(t.info?.constraints.values() ?? [])].find((x) => x.kind === 'primary' && x.columns.includes(colName));
  const attach: string[] = [];
  const detach: string[] = [];
  for (const u of uniques) {
    const name = renamedIndexName(u.name, colName, tmpName);
    const cols = u.columns.map((x) => (x === colName ? tmpName : x));
    const idx = { schema: '', name, table: t.key, unique: true, columns: cols, origin: 'file' as const };
    add(c, 'index', { label: name, sql: [indexSql(t, idx, name, cols, true)], transaction: false, rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, name)}`], verify: [indexValid(t, name)] });
    attach.push(`ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE USING INDEX ${quoteIdent(name)}`);
    detach.push(`ALTER TABLE ${t.sql} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`, indexSql(t, idx, name, cols, false));
    recreateOld.push(`ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(u.name)} UNIQUE (${u.columns.map((x) => quoteIdent(x === colName ? oldName : x)).join(', ')})`);
    renames.push([name, u.name]);
  }
  let pkIndex: string | undefined;
  if (pk && pk.columns.length === 1) {
    pkIndex = ident(t.name, tmpName, 'key');
    const idx = { schema: '', name: pkIndex, table: t.key, unique: true, columns: [tmpName], origin: 'file' as const };
    add(c, 'index', { label: pkIndex, sql: [indexSql(t, idx, pkIndex, [tmpName], true)], transaction: false, rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, pkIndex)}`], verify: [indexValid(t, pkIndex)] });
    c.notes.push(`${colName} is the primary key: foreign keys of other tables that reference it block DROP CONSTRAINT ${pk.name} in the swap; drop them there and add them back NOT VALID, then VALIDATE`);
  } else if (pk) {
    c.notes.push(`${colName} is part of the multi-column primary key ${pk.name}: move it by hand (unique index on the new columns, then DROP CONSTRAINT / ADD PRIMARY KEY USING INDEX in the swap)`);
  }
  for (const con of t.info?.constraints.values() ?? []) {
    if (con.columns.includes(colName) && (con.kind === 'foreign' || con.kind === 'check')) {
      c.notes.push(`${con.kind === 'foreign' ? 'foreign key' : 'CHECK constraint'} ${con.name} uses ${colName}: add its twin on ${tmpName} (NOT VALID, then VALIDATE) before the swap`);
    }
  }

  const notNull = !!col?.notNull || !!pk;
  const nn = notNull ? notNullSteps(t, tmpName, ctx) : undefined;
  if (nn) add(c, 'constrain', nn.constrain);
  if (nn || attach.length) {
    add(c, 'validate', {
      sql: [...(nn ? nn.validate.sql : []), ...attach],
      transaction: true,
      rollback: [...detach, ...(nn ? nn.validate.rollback : [])],
      verify: [...(nn?.validate.verify ?? []), ...uniques.map((u) => constraintValid(t, renamedIndexName(u.name, colName, tmpName)))],
      notes: nn?.validate.notes,
    });
  }

  // swap
  const hasDefault = !col || col.hasDefault;
  const alter = `ALTER TABLE ${t.sql}`;
  const pkSwap = pk && pkIndex ? [`${alter} DROP CONSTRAINT ${quoteIdent(pk.name)}`, `${alter} ADD CONSTRAINT ${quoteIdent(pk.name)} PRIMARY KEY USING INDEX ${quoteIdent(pkIndex)}`] : [];
  const pkBack =
    pk && pkIndex
      ? [
          `${alter} DROP CONSTRAINT ${quoteIdent(pk.name)}`,
          `${alter} ADD CONSTRAINT ${quoteIdent(pk.name)} PRIMARY KEY (${cq})`,
          indexSql(t, { schema: '', name: pkIndex, table: t.key, unique: true, columns: [tmpName], origin: 'file' }, pkIndex, [tmpName], false),
        ]
      : [];
  add(c, 'swap', {
    sql: [
      ...dropTriggerSql(t, forward),
      `${ignore('no-rename-column', `the swap of a type change: ${colName} keeps its name with the new type`)}${alter} RENAME COLUMN ${cq} TO ${oldq}`,
      `${ignore('no-rename-column', `the swap of a type change: no application code uses ${tmpName}`)}${alter} RENAME COLUMN ${tmp} TO ${cq}`,
      ...(hasDefault ? [moveDefault(t, oldName, colName)] : []),
      ...(hasDefault && integerType(t2) ? [sequenceAs(t, colName, integerType(t2)!)] : []),
      ...pkSwap,
      ...computeTrigger(t, oldName, `NEW.${cq}`, reverse, ctx),
    ],
    transaction: true,
    rollback: [
      ...dropTriggerSql(t, reverse),
      ...(hasDefault && integerType(t2) && integerType(t1) ? [sequenceAs(t, colName, integerType(t1)!)] : []),
      ...(hasDefault ? [moveDefault(t, colName, oldName)] : []),
      `${alter} RENAME COLUMN ${cq} TO ${tmp}`,
      `${alter} RENAME COLUMN ${oldq} TO ${cq}`,
      ...pkBack,
      ...computeTrigger(t, tmpName, upRow, forward, ctx),
    ],
    verify: [
      longTransactions(),
      { label: `${colName} now has the type ${t2}`, sql: `SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = ${regclass(t)} AND attname = ${lit(colName)} AND NOT attisdropped` },
    ],
    checklist: [`the deployed code accepts ${t2} values in ${colName}: from this point the column has the new type under its old name`],
    notes: [`a brief ACCESS EXCLUSIVE lock (catalog changes only); ${oldName} keeps the old values for the rollback, kept current by a trigger`],
  });

  c.switchNote = `deploy code that relies on ${t.sql}.${colName} being ${t2} (only after the swap; until the contract, the trigger keeps ${oldName} as the way back)`;

  const renameIdx = renames.map(([from, to]) => `ALTER INDEX ${inSchema(t, from)} RENAME TO ${quoteIdent(to)}`);
  const renameIdxBack = renames.map(([from, to]) => `ALTER INDEX ${inSchema(t, to)} RENAME TO ${quoteIdent(from)}`);
  const restore: string[] = t1
    ? [
        `${alter} ADD COLUMN ${oldq} ${t1}`,
        `-- emergency restore: one UPDATE of every row\nUPDATE ${t.sql} SET ${oldq} = ${cq}`,
        ...(col?.notNull ? [`${alter} ALTER COLUMN ${oldq} SET NOT NULL`] : []),
        ...renameIdxBack,
        ...recreateOld,
        ...computeTrigger(t, oldName, `NEW.${cq}`, reverse, ctx),
      ]
    : [`-- the migration history does not give the old type of ${colName}: restore ${oldName} from a backup`];
  add(c, 'contract', {
    sql: [...dropTriggerSql(t, reverse), `${ignore('no-drop-column', `contract of the type change: ${oldName} only kept the old values for a rollback`)}${alter} DROP COLUMN ${oldq}`, ...renameIdx],
    transaction: true,
    irreversible: true,
    lost: t1 ? [] : [`${t.name}.${oldName}`],
    rollback: restore,
    verify: [readers(t, oldName), longTransactions(), columnExists(t, oldName, false)],
    checklist: [`the application works with ${colName} as ${t2} in production (no rollback to the old type needed any more)`, 'a recent backup exists'],
  });

  c.pgroll = [{ alter_column: { table: t.name, column: colName, type: t2, up: using ?? `CAST(${cq} AS ${t2})`, down: t1 ? `CAST(${cq} AS ${t1})` : cq } }];
  return c;
}

export type { TableRef };
