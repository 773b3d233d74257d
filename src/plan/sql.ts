/**
 * SQL builders shared by the planners: names, literals, the keyset batched backfill, the
 * dual-write and fill triggers, the NOT NULL sequence, index copies, verification queries.
 * Everything is written for one table and column with the names of the user's statement.
 */
import { createHash } from 'node:crypto';
import type { Catalog, ColumnInfo, IndexInfo, TableInfo } from '../analysis/catalog.js';
import type { RangeVarLike } from '../analysis/names.js';
import { quoteIdent, relationSql } from '../analysis/alter-subcommands.js';
import { typeToString, type ColumnType } from '../analysis/types.js';
import { parseSql } from '../dialects/postgresql/pg.js';
import { parseFile } from '../dialects/postgresql/parse.js';
import { mergeEffects, statementEffects, type LockEffect } from '../analysis/locks.js';
import { lockStrength, type LockMode } from '../analysis/lock-types.js';
import { displayName } from '../analysis/names.js';
import type { Step, Verification } from './types.js';

export { quoteIdent };

/** Settings every planner reads. */
export interface PlanContext {
  pgVersion: number;
  batchSize: number;
  pause: number;
  lockTimeout: string;
  lockRetries: number;
  /** the catalog as it stands before the statement */
  catalog: Catalog;
  fill: Record<string, string>;
}

/** A table as the statement names it. */
export interface TableRef {
  rel: RangeVarLike;
  /** as SQL: `users`, `app.users`, `"Users"` */
  sql: string;
  /** relname */
  name: string;
  /** the catalog's entry, when history knows the table */
  info?: TableInfo;
  /** the catalog key (`public.users`) */
  key: string;
}

export function tableRef(rel: RangeVarLike, catalog: Catalog): TableRef {
  return { rel, sql: relationSql(rel), name: String(rel.relname ?? '?'), info: catalog.table(rel), key: catalog.key(rel) };
}

/** A SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** `'users'::regclass` for a table (quoted identifiers kept inside the literal). */
export function regclass(t: TableRef | string): string {
  return `${lit(typeof t === 'string' ? t : t.sql)}::regclass`;
}

/** An identifier of at most 63 bytes: long names keep their start and get a short hash. */
export function ident(...parts: string[]): string {
  const s = parts.filter(Boolean).join('_');
  if (Buffer.byteLength(s, 'utf8') <= 63) return s;
  const hash = createHash('sha1').update(s).digest('hex').slice(0, 8);
  let head = s;
  while (Buffer.byteLength(head, 'utf8') > 54) head = head.slice(0, -1);
  return `${head}_${hash}`;
}

/** `name` in the table's schema, as SQL (for functions, indexes, sequences). */
export function inSchema(t: TableRef, name: string): string {
  return (t.rel.schemaname ? `${quoteIdent(t.rel.schemaname)}.` : '') + quoteIdent(name);
}

const SQL_TYPE_NAMES: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  bpchar: 'char', varbit: 'bit varying', timestamptz: 'timestamptz', timestamp: 'timestamp',
};

/** A catalog column type as SQL (`int4` → `integer`; serial → its integer type), or undefined when it cannot be spelled. */
export function typeSql(t: ColumnType): string | undefined {
  if (!t.name) return undefined;
  // interval typmods are a field bitmask, not something typeToString can spell
  if (t.name === 'interval' && t.mods.length) return undefined;
  if (t.name === 'interval' || t.name === 'time' || t.name === 'timetz') return typeToString({ ...t, serial: undefined });
  return typeToString({ ...t, serial: undefined, name: t.schema ? t.name : SQL_TYPE_NAMES[t.name] ?? t.name });
}

export function column(t: TableRef, name: string): ColumnInfo | undefined {
  return t.info?.columns.get(name);
}

/**
 * The key of a keyset loop: a single-column primary key, else a single-column unique
 * constraint or unique index on a NOT NULL column. Undefined when history does not tell.
 */
export function keyOf(t: TableRef, catalog: Catalog): string | undefined {
  const info = t.info;
  if (!info) return undefined;
  for (const con of info.constraints.values()) if (con.kind === 'primary' && con.columns.length === 1) return con.columns[0];
  const notNull = (c: string): boolean => !!info.columns.get(c)?.notNull;
  for (const con of info.constraints.values()) if (con.kind === 'unique' && con.columns.length === 1 && notNull(con.columns[0])) return con.columns[0];
  for (const i of catalog.indexes.values()) {
    if (i.table === t.key && i.unique && !i.partial && !i.expressions && i.columns.length === 1 && notNull(i.columns[0])) return i.columns[0];
  }
  return undefined;
}

/**
 * A read-only check that refuses a unit before it changes anything (a DO block that raises):
 * its scan runs before the unit takes its locks, under ACCESS SHARE, which no application
 * statement waits for. What it checks must also be enforced by the unit (a NOT VALID
 * constraint, validated later), since rows can change between the check and the locks.
 */
const REFUSAL = '-- refuse before changing anything (read only: it runs before the locks are taken)';

export function refusal(body: string): string {
  return doBlock(`${REFUSAL}\n${body}`);
}

export function isRefusal(sql: string): boolean {
  const [doLine, comment] = sql.split('\n', 2);
  return doLine.startsWith('DO $') && comment === REFUSAL;
}

/** ALTER TABLE … VALIDATE CONSTRAINT only: a scan under SHARE UPDATE EXCLUSIVE, which no application statement waits for. */
export function isValidate(sql: string): boolean {
  try {
    const [raw] = parseSql(sql);
    const cmds = (raw?.stmt as any)?.AlterTableStmt?.cmds ?? [];
    return cmds.length > 0 && cmds.every((c: any) => c?.AlterTableCmd?.subtype === 'AT_ValidateConstraint');
  } catch {
    return false;
  }
}

/**
 * The locks of a unit's statements that application statements wait for (SHARE and stronger
 * block writes, ACCESS EXCLUSIVE reads too), strongest mode per table, in the order the
 * statements take them — from godwit's lock table. Tables the unit itself creates or renames
 * into place cannot be locked before it runs and are left out.
 */
function blockingLocks(sql: string[], ctx: PlanContext): Array<{ table: string; mode: LockMode }> {
  const effects: LockEffect[] = [];
  const created = new Set<string>();
  for (const text of sql) {
    let stmts;
    try {
      stmts = parseFile('phase.sql', text).statements;
    } catch {
      continue;
    }
    for (const st of stmts) {
      if (st.kind === 'SyntaxError') continue;
      const b = st.body;
      if (st.kind === 'CreateStmt') created.add(displayName(b.relation));
      if (st.kind === 'ViewStmt') created.add(displayName(b.view));
      if (st.kind === 'CreateTableAsStmt') created.add(displayName(b.into?.rel));
      if (st.kind === 'RenameStmt' && b.renameType === 'OBJECT_TABLE' && b.newname) created.add(displayName({ schemaname: b.relation?.schemaname, relname: b.newname }));
      effects.push(...statementEffects(st, { pgVersion: ctx.pgVersion, catalog: ctx.catalog }).filter((e) => !created.has(e.table)));
    }
  }
  // LOCK TABLE takes tables and views: an index the lock table names is left to its statement
  const isIndex = (name: string): boolean => {
    const parts = name.split('.');
    return !!ctx.catalog.index(parts.length > 1 ? { schemaname: parts[0], relname: parts[1] } : { relname: parts[0] });
  };
  return mergeEffects(effects)
    .filter((l) => lockStrength(l.mode) >= lockStrength('SHARE') && !isIndex(l.table))
    .map((l) => ({ table: l.table, mode: l.mode }));
}

/**
 * One transactional unit (a phase, a rollback) under a short lock_timeout with bounded
 * retries. The locks the application would queue behind are taken first, by a DO block: when
 * one is not granted within lock_timeout (or a deadlock is detected), the attempt is rolled
 * back — releasing the locks it took, so the application waits at most lock_timeout per
 * attempt — and tried again after an exponential backoff with jitter, up to `lockRetries`
 * attempts; then it fails with PostgreSQL's own error. The statements follow as written, in the
 * same transaction, with the locks already held. `SET LOCAL` keeps the timeout to this
 * transaction (the runner's next migration may build an index CONCURRENTLY, which must not run
 * under it). VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE, a scan nobody waits for) and the
 * planner's read-only refusals (`refusal`) run first, before the timeout and the locks.
 */
export function lockGuarded(sql: string[], ctx: PlanContext): string[] {
  if (!ctx.lockTimeout || !sql.length) return sql;
  const first = (x: string): boolean => isValidate(x) || isRefusal(x);
  const validate = sql.filter(first);
  const rest = sql.filter((x) => !first(x));
  const locks = blockingLocks(rest, ctx);
  const timeout = [`SET LOCAL lock_timeout = ${lit(ctx.lockTimeout)}`];
  if (!locks.length || ctx.lockRetries <= 1) return [...validate, ...timeout, ...rest];
  const n = ctx.lockRetries;
  const exclusive = locks.filter((l) => l.mode === 'ACCESS EXCLUSIVE');
  // a second ACCESS EXCLUSIVE lock is the point of the unit (a view and its table swap names, a key and the
  // columns that reference it change together, a foreign key is dropped): catalog changes only, under lock_timeout
  const why = `-- godwit-ignore no-multi-table-exclusive-locks -- ${exclusive.map((l) => l.table).join(' and ')} change together (catalog only), under lock_timeout\n`;
  const body =
    `-- take the locks first: one not granted within lock_timeout rolls this attempt back (releasing the locks\n` +
    `-- it took) and, after a backoff with jitter, the next attempt tries again (at most ${n} attempts)\n` +
    `DECLARE\n  godwit_attempt int := 1;\nBEGIN\n  LOOP\n    BEGIN\n` +
    locks.map((l) => `      LOCK TABLE ${lockTarget(l.table)} IN ${l.mode} MODE;\n`).join('') +
    `      EXIT;\n    EXCEPTION WHEN lock_not_available OR deadlock_detected THEN\n` +
    `      IF godwit_attempt >= ${n} THEN\n        RAISE;\n      END IF;\n` +
    `      RAISE NOTICE 'godwit: lock not granted (attempt % of ${n}), trying again', godwit_attempt;\n` +
    `      PERFORM pg_sleep(least(5, 0.05 * 2 ^ godwit_attempt) * (0.5 + random()));\n` +
    `      godwit_attempt := godwit_attempt + 1;\n    END;\n  END LOOP;\nEND`;
  return [...validate, ...timeout, `${exclusive.length > 1 ? why : ''}${doBlock(body)}`, ...rest];
}

/** A relation of the lock table (`app.users`) as SQL. */
function lockTarget(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

/** A dollar-quote tag that does not occur in the body. */
function dollar(body: string): string {
  if (!body.includes('$$')) return '$$';
  for (let i = 0; ; i++) {
    const tag = `$godwit${i || ''}$`;
    if (!body.includes(tag)) return tag;
  }
}

export function doBlock(body: string): string {
  const d = dollar(body);
  return `DO ${d}\n${body}\n${d}`;
}

export interface BatchSpec {
  t: TableRef;
  /** key column of the keyset loop; undefined: batches of rows found by `needs` (by ctid) */
  key?: string;
  /** `UPDATE … SET <set>` or, with `delete`, a DELETE */
  set?: string;
  delete?: boolean;
  /** rows that still need the work; the loop's batches skip the others */
  needs: string;
  /** a RAISE EXCEPTION message that stops the loop before its first batch (a placeholder to edit) */
  guard?: string;
}

/**
 * The batched backfill: a keyset loop over the key, `batchSize` rows per transaction (COMMIT
 * after each batch, PostgreSQL >= 11 when the DO block runs outside a transaction block),
 * a pause between batches. Without a known key it walks batches of rows that still need the
 * work (by ctid), which ends because the work makes `needs` false. Before PostgreSQL 11 a DO
 * block cannot COMMIT: the result is one batch statement to repeat until it reports 0 rows.
 */
export interface Loop {
  sql: string;
  transaction: boolean;
  /** one batch per run: repeat it until it reports 0 rows (PostgreSQL < 11) */
  repeat?: boolean;
}

/** The step fields of a batch loop. */
export function loopStep(loop: Loop): { sql: string[]; transaction: boolean; repeat?: boolean } {
  return loop.repeat ? { sql: [loop.sql], transaction: loop.transaction, repeat: true } : { sql: [loop.sql], transaction: loop.transaction };
}

export function batchLoop(spec: BatchSpec, ctx: PlanContext): Loop {
  const { t, key } = spec;
  const n = ctx.batchSize;
  const action = (where: string): string =>
    spec.delete ? `DELETE FROM ${t.sql}\n     WHERE ${where}` : `UPDATE ${t.sql}\n       SET ${spec.set}\n     WHERE ${where}`;
  if (ctx.pgVersion < 11) {
    const k = key ? quoteIdent(key) : 'ctid';
    const sql =
      `-- PostgreSQL ${ctx.pgVersion} cannot COMMIT inside a DO block: run this statement again (psql: \\watch 1)\n` +
      `-- until it reports 0 rows, pausing between runs\n` +
      (spec.delete ? `DELETE FROM ${t.sql}\n WHERE ` : `UPDATE ${t.sql}\n   SET ${spec.set}\n WHERE `) +
      `${k} IN (SELECT ${k} FROM ${t.sql} WHERE ${spec.needs} ORDER BY ${k} LIMIT ${n})`;
    return { sql, transaction: true, repeat: true };
  }
  const pause = ctx.pause > 0 ? `\n    PERFORM pg_sleep(${ctx.pause});` : '';
  const guard = spec.guard ? `  RAISE EXCEPTION ${lit(spec.guard)};  -- delete this line once the value is set\n` : '';
  if (!key) {
    const body =
      `-- batches of ${n} rows, one transaction each; "${t.name}" has no single-column key godwit knows, so each batch\n` +
      `-- takes rows that still need it (the loop ends when none is left)\n` +
      `DECLARE\n  godwit_rows bigint;\nBEGIN\n${guard}  LOOP\n    ${action(`ctid = ANY (ARRAY(SELECT ctid FROM ${t.sql} WHERE ${spec.needs} LIMIT ${n}))`)};\n` +
      `    GET DIAGNOSTICS godwit_rows = ROW_COUNT;\n    EXIT WHEN godwit_rows = 0;\n    COMMIT;${pause}\n  END LOOP;\nEND`;
    return { sql: doBlock(body), transaction: false };
  }
  const k = quoteIdent(key);
  const type = `${t.sql}.${k}%TYPE`;
  const range = `${k} >= godwit_from AND ${k} <= godwit_to`;
  const body =
    `-- keyset batches of ${n} rows on ${key}, one transaction each (COMMIT: run it outside a transaction block)\n` +
    `DECLARE\n  godwit_from ${type};\n  godwit_to ${type};\nBEGIN\n${guard}` +
    `  SELECT ${k} INTO godwit_from FROM ${t.sql} ORDER BY ${k} LIMIT 1;\n` +
    `  WHILE godwit_from IS NOT NULL LOOP\n` +
    `    SELECT max_key INTO godwit_to FROM (SELECT ${k} AS max_key FROM ${t.sql} WHERE ${k} >= godwit_from ORDER BY ${k} LIMIT ${n}) AS batch ORDER BY max_key DESC LIMIT 1;\n` +
    `    ${action(`${range}\n       AND (${spec.needs})`)};\n` +
    `    COMMIT;${pause}\n` +
    `    SELECT ${k} INTO godwit_from FROM ${t.sql} WHERE ${k} > godwit_to ORDER BY ${k} LIMIT 1;\n` +
    `  END LOOP;\nEND`;
  return { sql: doBlock(body), transaction: false };
}

/** `EXECUTE FUNCTION` (PostgreSQL >= 11) or `EXECUTE PROCEDURE`. */
function execute(ctx: PlanContext): string {
  return ctx.pgVersion >= 11 ? 'EXECUTE FUNCTION' : 'EXECUTE PROCEDURE';
}

export interface TriggerNames {
  fn: string;
  trigger: string;
}

export function triggerNames(t: TableRef, what: string): TriggerNames {
  const n = ident('godwit', t.name, what);
  return { fn: n, trigger: n };
}

export function triggerSql(t: TableRef, names: TriggerNames, body: string, ctx: PlanContext, events = 'INSERT OR UPDATE'): string[] {
  const fn = inSchema(t, names.fn);
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollar(body)}\nBEGIN\n${body}\n  RETURN NEW;\nEND\n${dollar(body)}`,
    `CREATE TRIGGER ${quoteIdent(names.trigger)} BEFORE ${events} ON ${t.sql}\n  FOR EACH ROW ${execute(ctx)} ${fn}()`,
  ];
}

export function dropTriggerSql(t: TableRef, names: TriggerNames): string[] {
  return [`DROP TRIGGER IF EXISTS ${quoteIdent(names.trigger)} ON ${t.sql}`, `DROP FUNCTION IF EXISTS ${inSchema(t, names.fn)}()`];
}

/**
 * Dual write during a rename: a BEFORE trigger keeps `oldCol` and `newCol` equal whichever
 * name the writer used. A BEFORE trigger only edits the row being written, so it cannot
 * recurse. On UPDATE the column that changed wins; on INSERT the new name wins when it is set
 * (old code does not know it), otherwise it is filled from the old one — as is a row the
 * backfill has not reached yet.
 */
export function renameSyncTrigger(t: TableRef, oldCol: string, newCol: string, names: TriggerNames, ctx: PlanContext): string[] {
  const o = `NEW.${quoteIdent(oldCol)}`;
  const n = `NEW.${quoteIdent(newCol)}`;
  const body =
    `  IF TG_OP = 'UPDATE' AND ${n} IS DISTINCT FROM OLD.${quoteIdent(newCol)} THEN\n    ${o} := ${n};  -- written through the new name\n` +
    `  ELSIF TG_OP = 'UPDATE' AND ${o} IS DISTINCT FROM OLD.${quoteIdent(oldCol)} THEN\n    ${n} := ${o};  -- written through the old name\n` +
    `  ELSIF ${n} IS NULL THEN\n    ${n} := ${o};  -- old code's INSERT, or a row the backfill has not reached\n` +
    `  ELSE\n    ${o} := ${n};  -- new code's INSERT\n  END IF;`;
  return triggerSql(t, names, body, ctx);
}

/** A value computed from the row being written: a bare cast of one column, or an expression over the row. */
export function rowExpr(t: TableRef, expr: string, simpleColumn?: string): string {
  if (simpleColumn) return expr;
  return `(SELECT ${expr} FROM (SELECT NEW.*) AS ${quoteIdent(t.name)})`;
}

/** Keep `target` computed from the row on every write (a type change before the swap). */
export function computeTrigger(t: TableRef, target: string, valueExpr: string, names: TriggerNames, ctx: PlanContext): string[] {
  return triggerSql(t, names, `  NEW.${quoteIdent(target)} := ${valueExpr};`, ctx);
}

/** Fill `target` when a write leaves it NULL (new NOT NULL column, until the application sets it). */
export function fillTrigger(t: TableRef, target: string, valueExpr: string, names: TriggerNames, ctx: PlanContext): string[] {
  return triggerSql(t, names, `  IF NEW.${quoteIdent(target)} IS NULL THEN\n    NEW.${quoteIdent(target)} := ${valueExpr};\n  END IF;`, ctx);
}

/** The name of the helper constraint that proves a column NOT NULL (PostgreSQL's own name for a NOT NULL constraint). */
export function notNullName(t: TableRef, col: string): string {
  return ident(t.name, col, 'not_null');
}

/**
 * NOT NULL without a long ACCESS EXCLUSIVE scan, in two steps that must be separate
 * transactions. PostgreSQL >= 18: a NOT NULL constraint added NOT VALID, then validated.
 * 12–17: CHECK (col IS NOT NULL) NOT VALID, VALIDATE (SHARE UPDATE EXCLUSIVE), then SET NOT NULL
 * skips its scan and the CHECK is dropped. Before 12 SET NOT NULL always scans: the
 * validated CHECK stays as the enforcement.
 */
export function notNullSteps(t: TableRef, col: string, ctx: PlanContext): { constrain: Step; validate: Step } {
  const c = quoteIdent(col);
  const name = quoteIdent(notNullName(t, col));
  const alter = `ALTER TABLE ${t.sql}`;
  const nulls: Verification = { label: `no NULLs left in ${col} (expect 0)`, sql: `SELECT count(*) AS null_rows FROM ${t.sql} WHERE ${c} IS NULL`, before: true };
  const isNotNull: Verification = {
    label: `${col} is NOT NULL (expect true)`,
    sql: `SELECT attnotnull FROM pg_attribute WHERE attrelid = ${regclass(t)} AND attname = ${lit(col)}`,
  };
  if (ctx.pgVersion >= 18) {
    const add = `${alter} ADD CONSTRAINT ${name} NOT NULL ${c} NOT VALID`;
    return {
      constrain: { sql: [add], transaction: true, rollback: [`${alter} DROP CONSTRAINT IF EXISTS ${name}`] },
      validate: {
        sql: [`${alter} VALIDATE CONSTRAINT ${name}`],
        transaction: true,
        rollback: [`${alter} DROP CONSTRAINT ${name}`, add],
        verify: [nulls, isNotNull],
      },
    };
  }
  const add = `${alter} ADD CONSTRAINT ${name} CHECK (${c} IS NOT NULL) NOT VALID`;
  const constrain: Step = { sql: [add], transaction: true, rollback: [`${alter} DROP CONSTRAINT IF EXISTS ${name}`] };
  if (ctx.pgVersion < 12) {
    return {
      constrain,
      validate: {
        sql: [`${alter} VALIDATE CONSTRAINT ${name}`],
        transaction: true,
        rollback: [`${alter} DROP CONSTRAINT ${name}`, add],
        verify: [nulls, constraintValid(t, notNullName(t, col))],
        notes: [`PostgreSQL ${ctx.pgVersion}: SET NOT NULL would scan the table under ACCESS EXCLUSIVE even with the validated CHECK, so the CHECK stays as the enforcement`],
      },
    };
  }
  return {
    constrain,
    validate: {
      sql: [`${alter} VALIDATE CONSTRAINT ${name}`, `${alter} ALTER COLUMN ${c} SET NOT NULL`, `${alter} DROP CONSTRAINT ${name}`],
      transaction: true,
      rollback: [`${alter} ALTER COLUMN ${c} DROP NOT NULL`, add],
      verify: [nulls, isNotNull],
    },
  };
}

/** Can godwit write this index again from what the catalog knows (plain columns, no predicate)? */
export function copyableIndex(i: IndexInfo): boolean {
  return !i.partial && !i.expressions && i.columns.length > 0 && (!i.method || i.method === 'btree' || i.method === 'hash');
}

/** CREATE INDEX for an index the catalog knows, with columns renamed. */
export function indexSql(t: TableRef, i: IndexInfo, name: string, columns: string[], concurrently: boolean): string {
  const using = i.method && i.method !== 'btree' ? ` USING ${i.method}` : '';
  // an index lives in its table's schema: its name is never qualified
  return `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY IF NOT EXISTS ' : ''}${quoteIdent(name)} ON ${t.sql}${using} (${columns.map(quoteIdent).join(', ')})`;
}

/** The table's indexes the catalog knows that use a column. */
export function indexesOn(t: TableRef, catalog: Catalog, col: string): IndexInfo[] {
  return [...catalog.indexes.values()].filter((i) => i.table === t.key && i.columns.includes(col));
}

/** A name for the copy of an index on another column: the column's name swapped in, or a suffix. */
export function renamedIndexName(name: string, from: string, to: string): string {
  const parts = name.split('_');
  const fromParts = from.split('_');
  for (let i = 0; i + fromParts.length <= parts.length; i++) {
    if (parts.slice(i, i + fromParts.length).join('_') === from) {
      return ident([...parts.slice(0, i), to, ...parts.slice(i + fromParts.length)].join('_'));
    }
  }
  return ident(name, to);
}

// --- verification queries -------------------------------------------------------------

export function remaining(t: TableRef, needs: string, what: string): Verification {
  return { label: `${what} (expect 0)`, sql: `SELECT count(*) AS remaining FROM ${t.sql} WHERE ${needs}` };
}

export function indexValid(t: TableRef, name: string): Verification {
  return {
    label: `the index ${name} is valid and ready (expect true, true; if false: DROP INDEX CONCURRENTLY it and run the phase again)`,
    sql: `SELECT indisvalid, indisready FROM pg_index WHERE indexrelid = to_regclass(${lit(inSchema(t, name))})`,
  };
}

export function indexGone(t: TableRef, name: string): Verification {
  return { label: `the index ${name} is gone (expect NULL)`, sql: `SELECT to_regclass(${lit(inSchema(t, name))}) AS still_there` };
}

export function constraintValid(t: TableRef, name: string): Verification {
  return {
    label: `the constraint ${name} is validated (expect true)`,
    sql: `SELECT convalidated FROM pg_constraint WHERE conrelid = ${regclass(t)} AND conname = ${lit(name)}`,
  };
}

export function columnExists(t: TableRef, col: string, expect: boolean): Verification {
  return {
    label: `column ${col} ${expect ? 'exists' : 'is gone'} (expect ${expect ? 1 : 0})`,
    sql: `SELECT count(*) AS found FROM pg_attribute WHERE attrelid = ${regclass(t)} AND attname = ${lit(col)} AND NOT attisdropped`,
  };
}

export function triggerExists(t: TableRef, names: TriggerNames): Verification {
  return {
    label: `the trigger ${names.trigger} is in place (expect 1)`,
    sql: `SELECT count(*) AS found FROM pg_trigger WHERE tgrelid = ${regclass(t)} AND tgname = ${lit(names.trigger)}`,
  };
}

/** Queries in pg_stat_statements that still name a column (or a table) of this table. */
export function readers(t: TableRef, word: string, what = `column ${word}`): Verification {
  return {
    label: `no deployed code still uses ${what} (expect no rows from application roles since the switch; reset with pg_stat_statements_reset() after the deploy)`,
    sql:
      `SELECT calls, left(query, 200) AS query FROM pg_stat_statements\n` +
      ` WHERE query ~* ${lit(`\\m${word}\\M`)} AND query ~* ${lit(`\\m${t.name}\\M`)}\n ORDER BY calls DESC LIMIT 20`,
    requires: 'pg_stat_statements',
    before: true,
  };
}

/** Scans and writes of a table since the statistics were reset. */
export function tableActivity(t: TableRef): Verification {
  return {
    label: `nothing reads or writes ${t.name} any more (compare two readings a few minutes apart: the counters stay still)`,
    sql: `SELECT seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relid = ${regclass(t)}`,
    before: true,
  };
}

/** Replication lag while a backfill writes WAL (no rows without replicas). */
export function replicationLag(): Verification {
  return {
    label: 'replicas keep up (replay_lag stays small; pause the backfill if it grows)',
    sql:
      'SELECT application_name, client_addr, state, replay_lag,\n' +
      '       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS replay_lag_bytes\n  FROM pg_stat_replication',
  };
}

/** Long transactions that an ACCESS EXCLUSIVE lock would queue behind. */
export function longTransactions(): Verification {
  return {
    label: 'no long-running transaction the lock would wait for (expect no rows)',
    sql:
      "SELECT pid, now() - xact_start AS running_for, state, left(query, 80) AS query\n  FROM pg_stat_activity\n" +
      " WHERE xact_start < now() - interval '1 minute' AND pid <> pg_backend_pid()",
    before: true,
  };
}

/** The column names an expression reads (each ColumnRef's last field), each once. */
export function columnsRead(node: unknown): string[] {
  const out: string[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    const ref = (n as any).ColumnRef;
    if (ref) {
      const f = ref.fields ?? [];
      const name = f[f.length - 1]?.String?.sval;
      if (name && !out.includes(name)) out.push(name);
      return;
    }
    for (const v of Object.values(n as Record<string, unknown>)) visit(v);
  };
  visit(node);
  return out;
}
