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
 *
 * Both directions stay representable: the reverse trigger copies a value into c_old only
 * when the old type can hold it (a bigint beyond integer leaves c_old NULL, so the new code
 * never fails on it), and rolling the swap back refuses, with the number of rows, while such
 * rows exist.
 *
 * A single-column primary key (or unique key) that foreign keys of other tables reference
 * takes them along when it is widened to a larger integer type: each referencing column gets
 * the same expand/backfill/index/NOT NULL, a foreign key from its new column to the key's
 * new column (NOT VALID, then validated), and the swap changes the key and its referencing
 * columns in one transaction (the old foreign keys depend on the old key's index).
 */
import { isBinaryCoercible, typeFromNode, type ColumnType } from '../../analysis/types.js';
import type { ColumnInfo, ConstraintInfo } from '../../analysis/catalog.js';
import { relationSql } from '../../analysis/alter-subcommands.js';
import {
  batchLoop, loopStep, column, columnExists, computeTrigger, constraintValid, copyableIndex, dropTriggerSql, ident, indexSql, indexValid, indexesOn, inSchema,
  keyOf, lit, longTransactions, notNullName, refusal, notNullSteps, quoteIdent, readers, regclass, remaining, renamedIndexName, replicationLag, rowExpr, tableRef,
  triggerExists, triggerNames, triggerSql, typeSql, type PlanContext, type TableRef, type TriggerNames,
} from '../sql.js';
import type { Change, Step, Unit } from '../types.js';
import { add, change, existing, ignore, integerType, moveDefault, sequenceAs, type CmdInput, type PlanOutcome } from './common.js';
import { typeChangeText } from '../text.js';

/** One column being retyped: the planned one, or a column whose foreign key references it. */
interface Retype {
  t: TableRef;
  name: string;
  info?: ColumnInfo;
  /** old and new type as SQL (t1 undefined: history does not know it) */
  t1?: string;
  t2: string;
  tmp: string;
  old: string;
  forward: TriggerNames;
  reverse: TriggerNames;
  /** the new value, for a row (trigger) and in SQL over the table (backfill) */
  upRow: string;
  up: string;
  needs: string;
  /** the old type cannot hold every value of the new one: c_old may be left NULL after the swap */
  lossy: boolean;
  notNull: boolean;
}

const INT_MAX: Record<string, string> = { smallint: '32767', integer: '2147483647' };

export function planChangeColumnType(ci: CmdInput): PlanOutcome {
  const { cmd, ctx, rel } = ci;
  if (!cmd.name || !existing(ctx, rel)) return null;
  const def = cmd.def?.ColumnDef;
  const t = tableRef(rel, ctx.catalog);
  const colName: string = cmd.name;
  const col = column(t, colName);
  const newType = def?.typeName ? typeFromNode(def.typeName) : undefined;
  const written = ci.span ? typeChangeText(ci.file, ci.stmt, ci.span) : {};
  // catalog-only changes need no plan (the lock facts agree: no-column-type-change does not flag them)
  if (col && newType && !def?.raw_default && isBinaryCoercible(col.type, newType)) return null;
  const t2 = written.type ?? (newType ? typeSql(newType) : undefined);
  if (!t2) return { unplanned: 'godwit could not read the new type of this ALTER COLUMN … TYPE' };
  const c = change(ci, 'change-column-type', t, `change the type of ${t.sql}.${colName} to ${t2}`, ci.text ? `ALTER TABLE ${t.sql} ${ci.text}` : ci.stmt.text);
  if (written.collate) c.notes.push(`the COLLATE clause is not carried over: add COLLATE ${written.collate} to the ADD COLUMN of the expand phase`);

  const main = retype(t, colName, col, t2, newType, written.using);
  const constraints = [...(t.info?.constraints.values() ?? [])];
  const pk = constraints.find((x) => x.kind === 'primary' && x.columns.includes(colName));
  const key = pk && pk.columns.length === 1 ? pk : constraints.find((x) => x.kind === 'unique' && x.columns.length === 1 && x.columns[0] === colName);
  // foreign keys of other tables that reference the column (through its key)
  const refs = key ? referencingKeys(ctx, t, colName, pk) : [];
  const widenRefs = !!integerType(t2) && refs.length > 0;
  if (refs.length && !widenRefs) c.notes.push(`foreign keys reference ${colName} (${refs.map((r) => r.con.name).join(', ')}): godwit moves them only for a widening to a larger integer type; move them by hand before the swap`);
  for (const r of refs.filter((x) => x.multi)) c.notes.push(`the multi-column foreign key ${r.con.name} references ${colName}: move it by hand before the swap`);
  const children = widenRefs
    ? refs.filter((r) => !r.multi).map((r) => ({ r, rt: needsWidening(r.col, t2) ? retype(r.t, r.column, r.col, t2, newType, undefined) : undefined }))
    : [];

  // expand, backfill, indexes and NOT NULL: the column, then each referencing column
  const mainParts = expandSteps(c, main, ctx, pk);
  for (const ch of children) if (ch.rt) expandSteps(c, ch.rt, ctx, undefined);

  // the new foreign keys: from each referencing column's new column (or itself) to the key's new column
  const moves = children.map(({ r, rt }) => {
    const fromCol = rt ? rt.tmp : r.column;
    const newName = ident(r.con.name, 'new');
    const addNew = `ALTER TABLE ${r.t.sql} ADD CONSTRAINT ${quoteIdent(newName)} FOREIGN KEY (${quoteIdent(fromCol)}) REFERENCES ${t.sql} (${quoteIdent(main.tmp)})${fkClauses(r.con)} NOT VALID`;
    add(c, 'constrain', {
      table: r.t.sql,
      sql: [addNew],
      transaction: true,
      rollback: [`ALTER TABLE ${r.t.sql} DROP CONSTRAINT IF EXISTS ${quoteIdent(newName)}`],
      notes: [`NOT VALID: rows written from now on are checked against ${t.sql}.${main.tmp}`],
    });
    add(c, 'validate', {
      table: r.t.sql,
      sql: [`ALTER TABLE ${r.t.sql} VALIDATE CONSTRAINT ${quoteIdent(newName)}`],
      transaction: true,
      rollback: [`ALTER TABLE ${r.t.sql} DROP CONSTRAINT ${quoteIdent(newName)}`, addNew],
      verify: [constraintValid(r.t, newName)],
    });
    return { ...r, rt, fromCol, newName, addNew };
  });

  // swap: the key and its referencing columns in one transaction
  const all = [main, ...moves.flatMap((m) => (m.rt ? [m.rt] : []))];
  const alter = (x: Retype): string => `ALTER TABLE ${x.t.sql}`;
  const hasDefault = (x: Retype): boolean => !x.info || x.info.hasDefault;
  const seqType = integerType(t2);
  const swapSql: string[] = [
    ...all.flatMap((x) => dropTriggerSql(x.t, x.forward)),
    ...moves.map((m) => `ALTER TABLE ${m.t.sql} DROP CONSTRAINT ${quoteIdent(m.con.name)}`),
    ...(mainParts.pkSwap ?? []),
    ...all.flatMap((x) => [
      `${ignore('no-rename-column', `the swap of a type change: ${x.name} keeps its name with the new type`)}${alter(x)} RENAME COLUMN ${quoteIdent(x.name)} TO ${quoteIdent(x.old)}`,
      `${ignore('no-rename-column', `the swap of a type change: no application code uses ${x.tmp}`)}${alter(x)} RENAME COLUMN ${quoteIdent(x.tmp)} TO ${quoteIdent(x.name)}`,
    ]),
    ...moves.map((m) => `ALTER TABLE ${m.t.sql} RENAME CONSTRAINT ${quoteIdent(m.newName)} TO ${quoteIdent(m.con.name)}`),
    ...(hasDefault(main) ? [moveDefault(t, main.old, main.name)] : []),
    ...(hasDefault(main) && seqType ? [sequenceAs(t, main.name, seqType)] : []),
    ...all.filter((x) => x.lossy && x.notNull).map((x) => `${alter(x)} ALTER COLUMN ${quoteIdent(x.old)} DROP NOT NULL`),
    ...all.flatMap((x) => reverseTrigger(x, ctx)),
  ];
  const swapBack = swapRollback(main, all, moves, mainParts, t, ctx, hasDefault, pk);
  add(c, 'swap', {
    sql: swapSql,
    transaction: true,
    rollback: swapBack.rollback,
    restore: swapBack.restore,
    verify: [
      longTransactions(),
      { label: `${colName} now has the type ${t2}`, sql: `SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = ${regclass(t)} AND attname = ${lit(colName)} AND NOT attisdropped` },
    ],
    checklist: [
      `the deployed code accepts ${t2} values in ${colName}: from this point the column has the new type under its old name`,
      'application connections that keep server-side prepared statements (pgx, JDBC after a few executions) re-prepare them after the swap ("cached plan must not change result type" otherwise)',
    ],
    notes: [
      `a brief ACCESS EXCLUSIVE lock${moves.length ? ` on ${t.sql} and ${moves.map((m) => m.t.sql).join(', ')}` : ''} (catalog changes only); ${all.map((x) => x.old).join(', ')} keep${all.length > 1 ? '' : 's'} the old values for the rollback, kept current by a trigger`,
      ...all.filter((x) => x.lossy).map((x) => `${x.t1 ?? 'the old type'} cannot hold every ${x.t2} value: a row whose ${x.name} does not fit leaves ${x.old} NULL, and rolling this phase back refuses while such rows exist`),
    ],
  });

  c.switchNote = `deploy code that relies on ${t.sql}.${colName} being ${t2}${moves.some((m) => m.rt) ? ` (and ${moves.filter((m) => m.rt).map((m) => `${m.t.sql}.${m.column}`).join(', ')} with it)` : ''} (only after the swap; until the contract, the trigger keeps ${main.old} as the way back)`;

  for (const x of all) contractStep(c, x, ctx);

  // pgroll computes the new column with `up` and the old one with `down` through its own triggers: the
  // column itself (an assignment, as ALTER TYPE does: a value that does not fit fails instead of being cut short)
  const q = quoteIdent(colName);
  const max = main.t1 ? INT_MAX[integerType(main.t1) ?? ''] : undefined;
  c.pgroll = [
    { alter_column: { table: t.name, column: colName, type: t2, up: written.using ?? q, down: main.lossy && max ? `CASE WHEN ${q} BETWEEN -${max} - 1 AND ${max} THEN ${q} END` : q } },
    ...moves.filter((m) => m.rt).map((m) => ({ alter_column: { table: m.t.name, column: m.column, type: t2, up: quoteIdent(m.column), down: quoteIdent(m.column) } })),
  ];
  if (main.lossy) c.pgrollNote = `${main.t1 ?? 'the old type'} cannot hold every ${t2} value: \`down\` leaves the old column NULL for values that do not fit (pgroll fails the write if that column is NOT NULL) — complete the migration before the new code writes such values`;
  return c;
}

function retype(t: TableRef, name: string, info: ColumnInfo | undefined, t2: string, newType: ColumnType | undefined, using: string | undefined): Retype {
  let tmp = ident(name, 'new');
  if (t.info?.columns.has(tmp)) tmp = ident(name, 'godwit');
  const old = ident(name, 'old');
  const t1 = info ? typeSql(info.type) : undefined;
  const cq = quoteIdent(name);
  const up = using ?? cq;
  // the old type holds every value of the new one: the reverse copy never fails
  const safe = !!info && !!newType && isBinaryCoercible(newType, info.type);
  return {
    t,
    name,
    info,
    t1,
    t2,
    tmp,
    old,
    forward: triggerNames(t, `${tmp}_sync`),
    reverse: triggerNames(t, `${old}_sync`),
    upRow: using ? rowExpr(t, using) : `NEW.${cq}`,
    up,
    needs: `${quoteIdent(tmp)} IS DISTINCT FROM CAST((${up}) AS ${t2})`,
    lossy: !safe && !!info,
    notNull: !!info?.notNull,
  };
}

function needsWidening(col: ColumnInfo | undefined, t2: string): boolean {
  const from = col ? integerType(typeSql(col.type)) : undefined;
  const to = integerType(t2);
  const rank = ['smallint', 'integer', 'bigint'];
  return !!from && !!to && rank.indexOf(from) < rank.indexOf(to);
}

/** The reverse copy after the swap: c_old follows c, or — when the old type may not hold the value — NULL instead of an error. */
function reverseTrigger(x: Retype, ctx: PlanContext): string[] {
  const o = quoteIdent(x.old);
  const n = quoteIdent(x.name);
  if (!x.lossy) return computeTrigger(x.t, x.old, `NEW.${n}`, x.reverse, ctx);
  const body =
    `  BEGIN\n    NEW.${o} := NEW.${n};\n  EXCEPTION WHEN data_exception THEN\n` +
    `    NEW.${o} := NULL;  -- ${x.t1 ?? 'the old type'} cannot hold it: the new code must not fail, the rollback refuses while such rows exist\n  END;`;
  return triggerSql(x.t, x.reverse, body, ctx);
}

interface Parts {
  pkIndex?: string;
  pkSwap?: string[];
  /** the old column's indexes (names, definitions on c_old) and UNIQUE constraints, to restore after the contract */
  renames: Array<[string, string]>;
  recreateOld: string[];
  uniques: ConstraintInfo[];
}

/** expand, backfill, index, constrain, validate for one column. */
function expandSteps(c: Change, x: Retype, ctx: PlanContext, pk: ConstraintInfo | undefined): Parts {
  const { t } = x;
  const table = t.sql;
  const tmp = quoteIdent(x.tmp);
  add(c, 'expand', {
    table,
    sql: [`ALTER TABLE ${t.sql} ADD COLUMN ${tmp} ${x.t2}`, ...computeTrigger(t, x.tmp, x.upRow, x.forward, ctx)],
    transaction: true,
    rollback: [...dropTriggerSql(t, x.forward), `ALTER TABLE ${t.sql} DROP COLUMN IF EXISTS ${tmp}`],
    verify: [longTransactions(), columnExists(t, x.tmp, true), triggerExists(t, x.forward)],
  });
  const loop = batchLoop({ t, key: keyOf(t, ctx.catalog), set: `${tmp} = ${x.up}`, needs: x.needs }, ctx);
  add(c, 'backfill', {
    table,
    ...loopStep(loop),
    rollback: [],
    verify: [remaining(t, x.needs, `rows whose ${x.tmp} is not computed yet`), replicationLag()],
    derived: [`${t.name}.${x.tmp}`],
    notes: [`nothing to undo: the backfill only computes ${x.tmp}, which rolling back the expand phase drops`],
  });

  const parts: Parts = { renames: [], recreateOld: [], uniques: [] };
  for (const i of indexesOn(t, ctx.catalog, x.name)) {
    if (!copyableIndex(i)) {
      c.notes.push(`index ${i.name} on ${x.name} has an expression, a predicate or a method godwit cannot copy: build its twin on ${x.tmp} concurrently before the swap`);
      continue;
    }
    const name = renamedIndexName(i.name, x.name, x.tmp);
    add(c, 'index', {
      table,
      label: name,
      sql: [indexSql(t, i, name, i.columns.map((y) => (y === x.name ? x.tmp : y)), true)],
      transaction: false,
      rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, name)}`],
      verify: [indexValid(t, name)],
    });
    parts.renames.push([name, i.name]);
    parts.recreateOld.push(indexSql(t, i, i.name, i.columns.map((y) => (y === x.name ? x.old : y)), true));
  }
  const attach: string[] = [];
  const detach: string[] = [];
  const rebuild: Unit[] = [];
  const uniques = [...(t.info?.constraints.values() ?? [])].filter((u) => u.kind === 'unique' && u.columns.includes(x.name));
  parts.uniques = uniques;
  for (const u of uniques) {
    const name = renamedIndexName(u.name, x.name, x.tmp);
    const cols = u.columns.map((y) => (y === x.name ? x.tmp : y));
    const idx = { schema: '', name, table: t.key, unique: true, columns: cols, origin: 'file' as const };
    const build = indexSql(t, idx, name, cols, true);
    add(c, 'index', { table, label: name, sql: [build], transaction: false, rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, name)}`], verify: [indexValid(t, name)] });
    attach.push(`ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(name)} UNIQUE USING INDEX ${quoteIdent(name)}`);
    // dropping the constraint drops its index: the index comes back, built concurrently
    detach.push(`ALTER TABLE ${t.sql} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`);
    rebuild.push({ label: `build ${name} again`, sql: [build], transaction: false });
    parts.renames.push([name, u.name]);
  }
  if (pk && pk.columns.length === 1) {
    parts.pkIndex = ident(t.name, x.tmp, 'key');
    const idx = { schema: '', name: parts.pkIndex, table: t.key, unique: true, columns: [x.tmp], origin: 'file' as const };
    add(c, 'index', {
      table,
      label: parts.pkIndex,
      sql: [indexSql(t, idx, parts.pkIndex, [x.tmp], true)],
      transaction: false,
      rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, parts.pkIndex)}`],
      verify: [indexValid(t, parts.pkIndex)],
    });
    parts.pkSwap = [`ALTER TABLE ${t.sql} DROP CONSTRAINT ${quoteIdent(pk.name)}`, `ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(pk.name)} PRIMARY KEY USING INDEX ${quoteIdent(parts.pkIndex)}`];
  } else if (pk) {
    c.notes.push(`${x.name} is part of the multi-column primary key ${pk.name}: move it by hand (unique index on the new columns, then DROP CONSTRAINT / ADD PRIMARY KEY USING INDEX in the swap)`);
  }
  for (const con of t.info?.constraints.values() ?? []) {
    if (con.columns.includes(x.name) && (con.kind === 'foreign' || con.kind === 'check') && !(con.kind === 'foreign' && c.table !== t.sql)) {
      c.notes.push(`${con.kind === 'foreign' ? 'foreign key' : 'CHECK constraint'} ${con.name} uses ${x.name}: add its twin on ${x.tmp} (NOT VALID, then VALIDATE) before the swap`);
    }
  }
  const notNull = x.notNull || !!pk;
  const nn = notNull ? notNullSteps(t, x.tmp, ctx) : undefined;
  if (nn) add(c, 'constrain', { ...nn.constrain, table });
  if (nn || attach.length) {
    add(c, 'validate', {
      table,
      sql: [...(nn ? nn.validate.sql : []), ...attach],
      transaction: true,
      rollback: [...detach, ...(nn ? nn.validate.rollback : [])],
      restore: rebuild,
      verify: [...(nn?.validate.verify ?? []), ...uniques.map((u) => constraintValid(t, renamedIndexName(u.name, x.name, x.tmp)))],
      notes: nn?.validate.notes,
    });
  }
  return parts;
}

/** Foreign keys of other tables that reference `col` of `t` (through its primary key when they name no columns). */
function referencingKeys(ctx: PlanContext, t: TableRef, col: string, pk: ConstraintInfo | undefined) {
  const out: Array<{ t: TableRef; con: ConstraintInfo; column: string; col?: ColumnInfo; multi: boolean }> = [];
  for (const other of ctx.catalog.tables.values()) {
    for (const con of other.constraints.values()) {
      if (con.kind !== 'foreign' || con.references !== t.key || !con.referenced) continue;
      const target = con.referenced.columns.length ? con.referenced.columns : pk?.columns ?? [];
      if (!target.includes(col)) continue;
      const ref = tableRef({ schemaname: other.schema === ctx.catalog.searchPath ? undefined : other.schema, relname: other.name }, ctx.catalog);
      const column = con.columns[target.indexOf(col)];
      out.push({ t: ref, con, column, col: other.columns.get(column), multi: target.length > 1 });
    }
  }
  return out;
}

const FK_ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** ON DELETE / ON UPDATE / DEFERRABLE of a foreign key, as written after REFERENCES. */
function fkClauses(con: ConstraintInfo): string {
  const r = con.referenced;
  if (!r) return '';
  return (
    (FK_ACTIONS[r.onDelete] ? ` ON DELETE ${FK_ACTIONS[r.onDelete]}` : '') +
    (FK_ACTIONS[r.onUpdate] ? ` ON UPDATE ${FK_ACTIONS[r.onUpdate]}` : '') +
    (r.deferrable ? ' DEFERRABLE' : '') +
    (r.initiallyDeferred ? ' INITIALLY DEFERRED' : '')
  );
}

/**
 * The swap's rollback. First unit: refuse while rows hold values the old type cannot take
 * (and the sequence is beyond it) — a read-only scan before the locks — and enforce it from
 * then on with a NOT VALID CHECK per old column (NOT NULL again; for a nullable column, no NULL
 * old value beside a value), validated before the swap back.
 * Then: unique indexes the old primary key needs (and the new column's, which the swap
 * consumed), built concurrently; one transaction that swaps everything back; the foreign keys
 * validated.
 */
function swapRollback(
  main: Retype,
  all: Retype[],
  moves: Array<{ t: TableRef; con: ConstraintInfo; column: string; rt?: Retype; fromCol: string; newName: string; addNew: string }>,
  parts: Parts,
  t: TableRef,
  ctx: PlanContext,
  hasDefault: (x: Retype) => boolean,
  pk: ConstraintInfo | undefined,
): { rollback: string[]; restore: Unit[] } {
  const lossy = all.filter((x) => x.lossy);
  const checks = lossy.map(
    (x) =>
      `  SELECT count(*) INTO godwit_rows FROM ${x.t.sql} WHERE ${quoteIdent(x.old)} IS NULL AND ${quoteIdent(x.name)} IS NOT NULL;\n` +
      `  IF godwit_rows > 0 THEN\n    RAISE EXCEPTION ${lit(`godwit: % rows of ${x.t.sql}.${x.name} hold values ${x.t1 ?? 'the old type'} cannot take: change or delete them before rolling the swap back`)}, godwit_rows;\n  END IF;\n`,
  );
  const seq = integerType(main.t1);
  const seqType = integerType(main.t2);
  if (seq && seqType && seq !== seqType && INT_MAX[seq] && hasDefault(main)) {
    checks.push(
      `  IF pg_get_serial_sequence(${lit(t.sql)}, ${lit(main.name)}) IS NOT NULL AND\n` +
        `     (SELECT last_value FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename)::regclass = pg_get_serial_sequence(${lit(t.sql)}, ${lit(main.name)})::regclass) > ${INT_MAX[seq]} THEN\n` +
        `    RAISE EXCEPTION ${lit(`godwit: the sequence of ${t.sql}.${main.name} is beyond ${seq}: it cannot go back`)};\n  END IF;\n`,
    );
  }
  const refuse = checks.length ? [refusal(`DECLARE\n  godwit_rows bigint;\nBEGIN\n${checks.join('')}END`)] : [];
  // the refusal runs before the locks: what it checks is enforced from here on (NOT VALID, no scan), and
  // proven before the swap back (VALIDATE, a scan under SHARE UPDATE EXCLUSIVE)
  const proofName = (x: Retype): string => (x.notNull ? notNullName(x.t, x.old) : ident(x.t.name, x.old, 'fits'));
  const proofs = lossy.map(
    (x) =>
      `ALTER TABLE ${x.t.sql} ADD CONSTRAINT ${quoteIdent(proofName(x))} CHECK (${quoteIdent(x.old)} IS NOT NULL${x.notNull ? '' : ` OR ${quoteIdent(x.name)} IS NULL`}) NOT VALID`,
  );

  const restore: Unit[] = [];
  let oldPkIndex: string | undefined;
  if (pk && parts.pkIndex) {
    oldPkIndex = ident(pk.name, 'godwit');
    restore.push({ label: `a unique index on ${main.old} for the primary key`, sql: [`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(oldPkIndex)} ON ${t.sql} (${quoteIdent(main.old)})`], transaction: false });
    restore.push({ label: `${parts.pkIndex} again`, sql: [`CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(parts.pkIndex)} ON ${t.sql} (${quoteIdent(main.name)})`], transaction: false });
  }
  const alter = (x: Retype): string => `ALTER TABLE ${x.t.sql}`;
  const back: string[] = [
    ...lossy.map((x) => `${alter(x)} VALIDATE CONSTRAINT ${quoteIdent(proofName(x))}`),
    // NOT NULL again (no scan: the CHECK is validated) before the primary key needs it
    ...lossy.flatMap((x) => [...(x.notNull ? [`${alter(x)} ALTER COLUMN ${quoteIdent(x.old)} SET NOT NULL`] : []), `${alter(x)} DROP CONSTRAINT ${quoteIdent(proofName(x))}`]),
    ...all.flatMap((x) => dropTriggerSql(x.t, x.reverse)),
    // the foreign keys depend on the primary key's index: dropped, then added again (NOT VALID) once it is back
    ...moves.map((m) => `ALTER TABLE ${m.t.sql} DROP CONSTRAINT ${quoteIdent(m.con.name)}`),
    ...(pk && oldPkIndex ? [`${alter(main)} DROP CONSTRAINT ${quoteIdent(pk.name)}`, `${alter(main)} ADD CONSTRAINT ${quoteIdent(pk.name)} PRIMARY KEY USING INDEX ${quoteIdent(oldPkIndex)}`] : []),
    ...(hasDefault(main) && seq && seqType && seq !== seqType ? [sequenceAs(t, main.name, seq)] : []),
    ...(hasDefault(main) ? [moveDefault(t, main.name, main.old)] : []),
    ...all.flatMap((x) => [`${alter(x)} RENAME COLUMN ${quoteIdent(x.name)} TO ${quoteIdent(x.tmp)}`, `${alter(x)} RENAME COLUMN ${quoteIdent(x.old)} TO ${quoteIdent(x.name)}`]),
    ...moves.flatMap((m) => [m.addNew, `ALTER TABLE ${m.t.sql} ADD CONSTRAINT ${quoteIdent(m.con.name)} FOREIGN KEY (${quoteIdent(m.column)}) REFERENCES ${relationSql(m.con.referenced!.rel)} (${quoteIdent(main.name)})${fkClauses(m.con)} NOT VALID`]),
    ...all.flatMap((x) => computeTrigger(x.t, x.tmp, x.upRow, x.forward, ctx)),
  ];
  if (!lossy.length && !moves.length && !(pk && oldPkIndex)) return { rollback: [...refuse, ...back], restore: [] };
  restore.push({ label: 'swap back', sql: back, transaction: true });
  if (moves.length) {
    restore.push({
      label: 'validate the foreign keys',
      sql: moves.flatMap((m) => [`ALTER TABLE ${m.t.sql} VALIDATE CONSTRAINT ${quoteIdent(m.newName)}`, `ALTER TABLE ${m.t.sql} VALIDATE CONSTRAINT ${quoteIdent(m.con.name)}`]),
      transaction: true,
    });
  }
  return { rollback: [...refuse, ...proofs], restore };
}

/** contract: drop the reverse trigger and c_old; the new indexes take the old names. Its rollback is a restore of its own. */
function contractStep(c: Change, x: Retype, ctx: PlanContext): void {
  const { t } = x;
  const alter = `ALTER TABLE ${t.sql}`;
  const oldq = quoteIdent(x.old);
  const cq = quoteIdent(x.name);
  // the copies of the old column's indexes and UNIQUE constraints, as expandSteps named them
  const renames: Array<[string, string]> = [];
  const recreateOld: string[] = [];
  const uniqueBuilds: string[] = [];
  const attachOld: string[] = [];
  for (const i of indexesOn(t, ctx.catalog, x.name)) {
    if (!copyableIndex(i)) continue;
    renames.push([renamedIndexName(i.name, x.name, x.tmp), i.name]);
    recreateOld.push(indexSql(t, i, i.name, i.columns.map((y) => (y === x.name ? x.old : y)), true));
  }
  for (const u of [...(t.info?.constraints.values() ?? [])].filter((y) => y.kind === 'unique' && y.columns.includes(x.name))) {
    renames.push([renamedIndexName(u.name, x.name, x.tmp), u.name]);
    const cols = u.columns.map((y) => (y === x.name ? x.old : y));
    uniqueBuilds.push(indexSql(t, { schema: '', name: u.name, table: t.key, unique: true, columns: cols, origin: 'file' }, u.name, cols, true));
    attachOld.push(`${alter} ADD CONSTRAINT ${quoteIdent(u.name)} UNIQUE USING INDEX ${quoteIdent(u.name)}`);
  }
  const renameIdx = renames.map(([from, to]) => `ALTER INDEX ${inSchema(t, from)} RENAME TO ${quoteIdent(to)}`);
  const renameIdxBack = renames.map(([from, to]) => `ALTER INDEX ${inSchema(t, to)} RENAME TO ${quoteIdent(from)}`);
  // before the contract c_old was NOT NULL unless the swap let it go (a lossy reverse copy)
  const notNull = x.notNull && !x.lossy;
  const nn = notNull ? notNullSteps(t, x.old, ctx) : undefined;
  const step: Step = {
    table: t.sql,
    sql: [...dropTriggerSql(t, x.reverse), `${ignore('no-drop-column', `contract of the type change: ${x.old} only kept the old values for a rollback`)}${alter} DROP COLUMN ${oldq}`, ...renameIdx],
    transaction: true,
    irreversible: true,
    lost: x.t1 ? [] : [`${t.name}.${x.old}`],
    rollback: x.t1
      ? [...renameIdxBack, `${alter} ADD COLUMN ${oldq} ${x.t1}`, ...reverseTrigger(x, ctx), ...(nn ? nn.constrain.sql : [])]
      : [`-- the migration history does not give the old type of ${x.name}: restore ${x.old} from a backup`],
    restore: x.t1
      ? [
          {
            // the reverse trigger computes it (a value the old type cannot hold stays NULL, as before the contract)
            label: `copy ${x.name} back into ${x.old}`,
            ...loopStep(batchLoop({ t, key: keyOf(t, ctx.catalog), set: `${cq} = ${cq}`, needs: `${oldq} IS NULL AND ${cq} IS NOT NULL` }, ctx)),
          },
          ...[...recreateOld, ...uniqueBuilds].map((sql) => ({ label: 'an index of the old column, built concurrently', sql: [sql], transaction: false })),
          ...(nn || attachOld.length ? [{ label: `NOT NULL and UNIQUE on ${x.old}`, sql: [...(nn ? nn.validate.sql : []), ...attachOld], transaction: true }] : []),
        ]
      : [],
    verify: [readers(t, x.old), longTransactions(), columnExists(t, x.old, false)],
    checklist: [`the application works with ${x.name} as ${x.t2} in production (no rollback to the old type needed any more)`, 'a recent backup exists'],
    notes: [],
  };
  add(c, 'contract', step);
}

export type { TableRef };
