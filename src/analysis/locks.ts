/**
 * The lock table: for every statement kind the rules touch, which relation locks it takes,
 * what they block, and for how long. This file is the single source of these facts; rules
 * read them through `ctx.lockOf(stmt)`, and the trace suite checks them against a real
 * PostgreSQL.
 *
 * Version-dependent facts:
 *  - PG 11: ADD COLUMN with a non-volatile DEFAULT is catalog-only (before: rewrite).
 *  - PG 12: SET NOT NULL skips the scan when a validated CHECK (col IS NOT NULL) exists;
 *           REINDEX CONCURRENTLY; ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent;
 *           ALTER INDEX … RENAME takes SHARE UPDATE EXCLUSIVE (before: ACCESS EXCLUSIVE).
 *  - PG 14: DETACH PARTITION CONCURRENTLY.
 *  - PG 18: virtual generated columns (the default kind) do not rewrite; NOT NULL … NOT VALID.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { Catalog } from './catalog.js';
import { displayName, nameListToRange, qualify, type RangeVarLike } from './names.js';
import { blockedBy, lockStrength, type Duration, type Lock, type LockMode } from './lock-types.js';
import { isVolatile } from './volatility.js';
import { isBinaryCoercible, typeFromNode } from './types.js';
import { booleanOption } from './concurrent-ops.js';

export interface LockContext {
  pgVersion: number;
  catalog?: Catalog;
}

/** One effect of a statement (or of one ALTER TABLE subcommand) on one relation. */
export interface LockEffect {
  table: string;
  mode: LockMode;
  duration: Duration;
  /** why, in a few words: "index build", "validation scan", "table rewrite", … */
  reason?: string;
}

const DURATION_RANK: Record<Duration, number> = { instant: 0, scan: 1, long: 2, rewrite: 3 };

/** Combine effects per relation: strongest mode, longest duration. */
export function mergeEffects(effects: LockEffect[]): Lock[] {
  const byTable = new Map<string, LockEffect>();
  for (const e of effects) {
    const prev = byTable.get(e.table);
    if (!prev) {
      byTable.set(e.table, { ...e });
      continue;
    }
    if (lockStrength(e.mode) > lockStrength(prev.mode)) prev.mode = e.mode;
    if (DURATION_RANK[e.duration] > DURATION_RANK[prev.duration]) {
      prev.duration = e.duration;
      prev.reason = e.reason;
    }
  }
  return [...byTable.values()].map((e) => ({ table: e.table, mode: e.mode, blocks: blockedBy(e.mode), duration: e.duration }));
}

/** The locks a statement takes, one entry per relation. */
export function locksOf(stmt: Statement, ctx: LockContext): Lock[] {
  const locks = mergeEffects(statementEffects(stmt, ctx));
  // UPDATE/DELETE: ROW EXCLUSIVE conflicts with no reads or writes at table level, but the
  // row locks they take are held until commit and block every writer of those rows
  if (stmt.kind === 'UpdateStmt' || stmt.kind === 'DeleteStmt') for (const l of locks) l.blocks = ['writes'];
  return locks;
}

/** The single most important lock of a statement (strongest mode, then longest). */
export function primaryLock(locks: Lock[]): Lock | undefined {
  let best: Lock | undefined;
  for (const l of locks) {
    if (!best) best = l;
    else if (lockStrength(l.mode) > lockStrength(best.mode)) best = l;
    else if (l.mode === best.mode && DURATION_RANK[l.duration] > DURATION_RANK[best.duration]) best = l;
  }
  return best;
}

export function statementEffects(stmt: Statement, ctx: LockContext): LockEffect[] {
  const b = stmt.body;
  switch (stmt.kind) {
    case 'IndexStmt':
      return [{ table: displayName(b.relation), mode: b.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE', duration: 'long', reason: 'index build' }];
    case 'AlterTableStmt':
      return alterTableEffects(b, ctx);
    case 'RenameStmt':
      return renameEffects(b, ctx);
    case 'AlterObjectSchemaStmt':
      // ALTER TABLE/VIEW/MATERIALIZED VIEW/FOREIGN TABLE … SET SCHEMA: catalog-only under ACCESS EXCLUSIVE
      return b.relation && ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(b.objectType)
        ? [{ table: displayName(b.relation), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'set schema' }]
        : [];
    case 'DropStmt':
      return dropEffects(b, ctx);
    case 'TruncateStmt': {
      const out: LockEffect[] = (b.relations ?? []).map((r: any) => ({ table: displayName(r.RangeVar), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'truncate' }));
      // CASCADE truncates (and locks) every table that references these through a foreign key, transitively
      if (b.behavior === 'DROP_CASCADE' && ctx.catalog) {
        const keys = (b.relations ?? []).map((r: any) => ctx.catalog!.key(r.RangeVar ?? {}));
        for (const key of referencingTables(ctx.catalog, keys, true)) out.push({ table: displayName(splitKey(key)), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'truncate cascade' });
      }
      return out;
    }
    case 'ReindexStmt': {
      const concurrent = hasOption(b.params, 'concurrently');
      const target = b.relation ? displayName(b.relation) : String(b.name ?? '?');
      const out: LockEffect[] = [{ table: target, mode: concurrent ? 'SHARE UPDATE EXCLUSIVE' : b.kind === 'REINDEX_OBJECT_INDEX' ? 'ACCESS EXCLUSIVE' : 'SHARE', duration: 'long', reason: 'index rebuild' }];
      // REINDEX INDEX also locks the index's table: SHARE (writes wait), or SHARE UPDATE EXCLUSIVE when CONCURRENTLY
      const idx = b.kind === 'REINDEX_OBJECT_INDEX' && b.relation ? ctx.catalog?.index(b.relation) : undefined;
      if (idx) out.push({ table: displayName(splitKey(idx.table)), mode: concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE', duration: 'long', reason: 'index rebuild' });
      return out;
    }
    case 'RefreshMatViewStmt':
      return [{ table: displayName(b.relation), mode: b.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE', duration: 'long', reason: 'refresh' }];
    case 'VacuumStmt': {
      const full = hasOption(b.options, 'full');
      const rels = (b.rels ?? []).map((r: any) => displayName(r.VacuumRelation?.relation));
      const targets = rels.length ? rels : ['(every table)'];
      if (full) return targets.map((t: string) => ({ table: t, mode: 'ACCESS EXCLUSIVE', duration: 'rewrite', reason: 'VACUUM FULL' }));
      return targets.map((t: string) => ({ table: t, mode: 'SHARE UPDATE EXCLUSIVE', duration: 'long', reason: b.is_vacuumcmd ? 'vacuum' : 'analyze' }));
    }
    case 'ClusterStmt':
      return [{ table: b.relation ? displayName(b.relation) : '(every clustered table)', mode: 'ACCESS EXCLUSIVE', duration: 'rewrite', reason: 'CLUSTER' }];
    case 'UpdateStmt':
    case 'DeleteStmt':
      return [{ table: displayName(b.relation), mode: 'ROW EXCLUSIVE', duration: 'long', reason: 'row locks' }];
    case 'InsertStmt':
      return [{ table: displayName(b.relation), mode: 'ROW EXCLUSIVE', duration: b.selectStmt?.SelectStmt?.fromClause ? 'long' : 'instant', reason: 'insert' }];
    case 'CreateTrigStmt':
      return [{ table: displayName(b.relation), mode: 'SHARE ROW EXCLUSIVE', duration: 'instant', reason: 'trigger' }];
    case 'CreateStmt': {
      const out: LockEffect[] = [];
      for (const ref of referencedTables(b.tableElts)) out.push({ table: ref, mode: 'SHARE ROW EXCLUSIVE', duration: 'instant', reason: 'foreign key' });
      for (const p of b.inhRelations ?? []) if (b.partbound) out.push({ table: displayName(p.RangeVar), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'partition' });
      return out;
    }
    case 'LockStmt': {
      const mode = LOCK_STMT_MODES[b.mode] ?? 'ACCESS EXCLUSIVE';
      return (b.relations ?? []).map((r: any) => ({ table: displayName(r.RangeVar), mode, duration: 'long', reason: 'LOCK TABLE' }));
    }
    case 'CreateDomainStmt':
      return [];
    case 'CommentStmt': {
      // COMMENT ON a relation or one of its columns: SHARE UPDATE EXCLUSIVE on the relation (DDL
      // waits; reads and writes go on); on a constraint / trigger / policy / rule: ACCESS SHARE
      const items: string[] = (b.object?.List?.items ?? []).map((n: any) => n?.String?.sval ?? '');
      const own = ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE', 'OBJECT_INDEX', 'OBJECT_SEQUENCE', 'OBJECT_COLUMN'].includes(b.objtype);
      const sub = ['OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE'].includes(b.objtype);
      const parts = b.objtype === 'OBJECT_COLUMN' || sub ? items.slice(0, -1) : own ? items : [];
      return parts.length ? [{ table: parts.join('.'), mode: own ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS SHARE', duration: 'instant', reason: 'comment' }] : [];
    }
    case 'AlterDomainStmt':
      if (b.subtype === 'C' && !b.def?.Constraint?.skip_validation) {
        return [{ table: `columns of domain ${nameListToRange(b.typeName).relname}`, mode: 'SHARE', duration: 'scan', reason: 'domain validation' }];
      }
      if (b.subtype === 'O') {
        // ALTER DOMAIN … SET NOT NULL scans every column of the domain (validateDomainNotNullConstraint, ShareLock)
        return [{ table: `columns of domain ${nameListToRange(b.typeName).relname}`, mode: 'SHARE', duration: 'scan', reason: 'domain NOT NULL validation' }];
      }
      return [];
    default:
      return [];
  }
}

const LOCK_STMT_MODES: Record<number, LockMode> = {
  1: 'ACCESS SHARE',
  2: 'ROW SHARE',
  3: 'ROW EXCLUSIVE',
  4: 'SHARE UPDATE EXCLUSIVE',
  5: 'SHARE',
  6: 'SHARE ROW EXCLUSIVE',
  7: 'EXCLUSIVE',
  8: 'ACCESS EXCLUSIVE',
};

function hasOption(list: any[] | undefined, name: string): boolean {
  // `(CONCURRENTLY false)` / `(FULL off)` / `(FULL 0)` parse as String/Integer args, not Boolean
  return booleanOption(list, name) === true;
}

function referencedTables(elts: any[] | undefined): string[] {
  const out: string[] = [];
  for (const el of elts ?? []) {
    const cons = el.ColumnDef ? el.ColumnDef.constraints ?? [] : el.Constraint ? [el] : [];
    for (const c of cons) if (c.Constraint?.contype === 'CONSTR_FOREIGN' && c.Constraint.pktable) out.push(displayName(c.Constraint.pktable));
  }
  return out;
}

/** Effects of one ALTER TABLE subcommand on its table (and referenced tables). */
export function alterCmdEffects(rel: RangeVarLike, cmd: any, ctx: LockContext): LockEffect[] {
  const table = displayName(rel);
  const AE = 'ACCESS EXCLUSIVE' as const;
  const v = ctx.pgVersion;
  const t = ctx.catalog?.table(rel);
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = cmd.def?.ColumnDef ?? {};
      const out: LockEffect[] = [{ table, mode: AE, duration: addColumnRewrites(def, v) ? 'rewrite' : 'instant', reason: addColumnRewrites(def, v) ? 'table rewrite' : undefined }];
      for (const c of def.constraints ?? []) {
        const con = c.Constraint;
        if (con?.contype === 'CONSTR_FOREIGN' && con.pktable) out.push({ table: displayName(con.pktable), mode: 'SHARE ROW EXCLUSIVE', duration: 'instant', reason: 'foreign key' });
        if (con?.contype === 'CONSTR_CHECK' && !con.skip_validation) out.push({ table, mode: AE, duration: 'scan', reason: 'validation scan' });
        if (con?.contype === 'CONSTR_UNIQUE' || con?.contype === 'CONSTR_PRIMARY') out.push({ table, mode: AE, duration: 'long', reason: 'index build' });
      }
      return out;
    }
    case 'AT_AlterColumnType': {
      const col = t?.columns.get(cmd.name);
      const to = cmd.def?.ColumnDef?.typeName ? typeFromNode(cmd.def.ColumnDef.typeName) : undefined;
      // USING that is just the column (or the column cast to the new type) is no transformation
      const using = cmd.def?.ColumnDef?.raw_default;
      const plain = !using || isPlainColumn(using, cmd.name, cmd.def?.ColumnDef?.typeName);
      const coercible = !!(col && to && plain && isBinaryCoercible(col.type, to));
      return [{ table, mode: AE, duration: coercible ? 'instant' : 'rewrite', reason: coercible ? 'binary-coercible' : 'table rewrite' }];
    }
    case 'AT_SetNotNull':
      return [{ table, mode: AE, duration: notNullProven(t, cmd.name, v) ? 'instant' : 'scan', reason: 'NOT NULL scan' }];
    case 'AT_AddConstraint': {
      const con = cmd.def?.Constraint ?? {};
      const notValid = !!con.skip_validation;
      switch (con.contype) {
        case 'CONSTR_FOREIGN': {
          // validation reads the rows of the constrained table: a table created earlier in this
          // migration has none (unless CREATE TABLE … AS or an INSERT filled it), so neither lock
          // is held through a scan
          const scans = !notValid && (t?.origin !== 'file' || !!t.filled);
          const out: LockEffect[] = [{ table, mode: 'SHARE ROW EXCLUSIVE', duration: scans ? 'scan' : 'instant', reason: 'foreign key validation' }];
          if (con.pktable) out.push({ table: displayName(con.pktable), mode: 'SHARE ROW EXCLUSIVE', duration: scans ? 'scan' : 'instant', reason: 'foreign key validation' });
          return out;
        }
        case 'CONSTR_CHECK':
          return [{ table, mode: AE, duration: notValid ? 'instant' : 'scan', reason: 'validation scan' }];
        case 'CONSTR_NOTNULL':
          return [{ table, mode: AE, duration: notValid || notNullProven(t, con.keys?.[0]?.String?.sval, v) ? 'instant' : 'scan', reason: 'NOT NULL scan' }];
        case 'CONSTR_UNIQUE':
        case 'CONSTR_PRIMARY':
          if (con.indexname) {
            // USING INDEX: catalog-only, but a primary key must also prove its columns NOT NULL
            const idx = ctx.catalog?.index({ schemaname: rel.schemaname, relname: con.indexname });
            const nullable = con.contype === 'CONSTR_PRIMARY' && (!idx || !t || idx.columns.some((c) => !t.columns.get(c)?.notNull));
            return [{ table, mode: AE, duration: nullable ? 'scan' : 'instant', reason: nullable ? 'NOT NULL scan' : undefined }];
          }
          return [{ table, mode: AE, duration: 'long', reason: 'index build' }];
        case 'CONSTR_EXCLUSION':
          return [{ table, mode: AE, duration: 'long', reason: 'index build' }];
        default:
          return [{ table, mode: AE, duration: 'instant' }];
      }
    }
    case 'AT_ValidateConstraint': {
      const out: LockEffect[] = [{ table, mode: 'SHARE UPDATE EXCLUSIVE', duration: 'scan', reason: 'validation scan' }];
      return out;
    }
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      // already in that state: PostgreSQL does nothing (no rewrite)
      if (t && t.unlogged !== undefined && t.unlogged === (cmd.subtype === 'AT_SetUnLogged')) return [{ table, mode: AE, duration: 'instant' }];
      return [{ table, mode: AE, duration: 'rewrite', reason: 'table rewrite' }];
    case 'AT_SetTableSpace':
    case 'AT_SetAccessMethod':
      return [{ table, mode: AE, duration: 'rewrite', reason: 'table rewrite' }];
    case 'AT_SetExpression':
      return [{ table, mode: AE, duration: 'rewrite', reason: 'table rewrite' }];
    case 'AT_DropExpression':
      // a stored generated column becomes a plain column keeping its data: catalog-only
      return [{ table, mode: AE, duration: 'instant' }];
    case 'AT_DetachPartition': {
      const concurrent = !!cmd.def?.PartitionCmd?.concurrent && v >= 14;
      const part = cmd.def?.PartitionCmd?.name;
      const out: LockEffect[] = [{ table, mode: concurrent ? 'SHARE UPDATE EXCLUSIVE' : AE, duration: 'instant' }];
      if (part) out.push({ table: displayName(part), mode: AE, duration: 'instant' });
      return out;
    }
    case 'AT_DetachPartitionFinalize':
      return [{ table, mode: 'SHARE UPDATE EXCLUSIVE', duration: 'instant' }];
    case 'AT_AttachPartition': {
      const part = cmd.def?.PartitionCmd?.name;
      const out: LockEffect[] = [{ table, mode: v >= 12 ? 'SHARE UPDATE EXCLUSIVE' : AE, duration: 'instant' }];
      if (part) out.push({ table: displayName(part), mode: AE, duration: 'scan', reason: 'partition constraint scan' });
      return out;
    }
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
      return [{ table, mode: 'SHARE UPDATE EXCLUSIVE', duration: 'instant' }];
    case 'AT_DropColumn': {
      // a foreign key on the column goes with it, and so do its triggers on the referenced table
      const out: LockEffect[] = [{ table, mode: AE, duration: 'instant' }];
      for (const con of t?.constraints.values() ?? []) {
        if (con.kind === 'foreign' && con.references && con.columns.includes(cmd.name) && con.references !== ctx.catalog?.key(rel)) {
          out.push({ table: displayName(splitKey(con.references)), mode: AE, duration: 'instant', reason: 'foreign key triggers' });
        }
      }
      return out;
    }
    case 'AT_AddInherit': {
      // INHERIT parent: the parent is locked SHARE UPDATE EXCLUSIVE (its DDL waits, its traffic goes on)
      const parent = cmd.def?.RangeVar;
      const out: LockEffect[] = [{ table, mode: AE, duration: 'instant' }];
      if (parent) out.push({ table: displayName(parent), mode: 'SHARE UPDATE EXCLUSIVE', duration: 'instant', reason: 'inheritance' });
      return out;
    }
    case 'AT_DropConstraint': {
      // dropping a foreign key also drops its triggers on the referenced table: ACCESS EXCLUSIVE there too
      const con = cmd.name ? t?.constraints.get(cmd.name) : undefined;
      const out: LockEffect[] = [{ table, mode: AE, duration: 'instant' }];
      if (con?.kind === 'foreign' && con.references && con.references !== ctx.catalog?.key(rel)) out.push({ table: displayName(splitKey(con.references)), mode: AE, duration: 'instant', reason: 'foreign key triggers' });
      return out;
    }
    case 'AT_EnableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
    case 'AT_DisableTrig':
    case 'AT_EnableTrigAll':
    case 'AT_DisableTrigAll':
    case 'AT_EnableTrigUser':
    case 'AT_DisableTrigUser':
      return [{ table, mode: 'SHARE ROW EXCLUSIVE', duration: 'instant' }];
    default:
      // everything else ALTER TABLE does (DROP COLUMN, SET/DROP DEFAULT, DROP NOT NULL,
      // DROP CONSTRAINT, identity, owner, RLS, …) is catalog-only under ACCESS EXCLUSIVE
      return [{ table, mode: AE, duration: 'instant' }];
  }
}

function alterTableEffects(b: any, ctx: LockContext): LockEffect[] {
  const rel: RangeVarLike = b.relation ?? {};
  if (b.objtype === 'OBJECT_INDEX') {
    // ALTER INDEX … SET/RESET (storage parameters such as fillfactor) takes SHARE UPDATE EXCLUSIVE;
    // ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on this (parent) index, ACCESS EXCLUSIVE on the
    // attached one; SET TABLESPACE copies the index; the rest is catalog-only under ACCESS EXCLUSIVE
    const index = displayName(rel);
    return (b.cmds ?? []).flatMap((c: any): LockEffect[] => {
      const sub = c.AlterTableCmd?.subtype;
      if (sub === 'AT_SetTableSpace') return [{ table: index, mode: 'ACCESS EXCLUSIVE', duration: 'rewrite', reason: 'index copy' }];
      if (sub === 'AT_SetRelOptions' || sub === 'AT_ResetRelOptions') return [{ table: index, mode: 'SHARE UPDATE EXCLUSIVE', duration: 'instant' }];
      if (sub === 'AT_AttachPartition') {
        const part = c.AlterTableCmd.def?.PartitionCmd?.name;
        const out: LockEffect[] = [{ table: index, mode: 'SHARE UPDATE EXCLUSIVE', duration: 'instant' }];
        if (part) out.push({ table: displayName(part), mode: 'ACCESS EXCLUSIVE', duration: 'instant' });
        return out;
      }
      return [{ table: index, mode: 'ACCESS EXCLUSIVE', duration: 'instant' }];
    });
  }
  return (b.cmds ?? []).flatMap((c: any) => (c.AlterTableCmd ? alterCmdEffects(rel, c.AlterTableCmd, ctx) : []));
}

function renameEffects(b: any, ctx: LockContext): LockEffect[] {
  const rel = b.relation;
  switch (b.renameType) {
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_COLUMN':
    case 'OBJECT_TABCONSTRAINT':
    case 'OBJECT_FOREIGN_TABLE':
      return rel ? [{ table: displayName(rel), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'rename' }] : [];
    case 'OBJECT_INDEX': {
      // the lock is on the index itself (its table is not locked); PG 12 lowered it from
      // ACCESS EXCLUSIVE (which blocked every query that plans with the index) to SHARE UPDATE EXCLUSIVE
      const mode: LockMode = ctx.pgVersion >= 12 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
      return rel ? [{ table: displayName(rel), mode, duration: 'instant', reason: 'rename' }] : [];
    }
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE':
      return rel ? [{ table: displayName(rel), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'rename' }] : [];
    default:
      return [];
  }
}

function dropEffects(b: any, ctx: LockContext): LockEffect[] {
  const out: LockEffect[] = [];
  for (const o of b.objects ?? []) {
    const items = o.List?.items;
    const range = items ? nameListToRange(items) : undefined;
    switch (b.removeType) {
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_FOREIGN_TABLE':
        if (range) {
          out.push({ table: displayName(range), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'drop' });
          // its foreign keys' triggers live on the referenced tables: ACCESS EXCLUSIVE there too; with
          // CASCADE, the referencing tables lose their foreign keys (ACCESS EXCLUSIVE on each)
          const catalog = ctx.catalog;
          const t = catalog?.table(range);
          if (catalog && t) {
            const key = catalog.key(range);
            const related = new Set<string>();
            for (const con of t.constraints.values()) if (con.kind === 'foreign' && con.references && con.references !== key) related.add(con.references);
            if (b.behavior === 'DROP_CASCADE') for (const k of referencingTables(catalog, [key], false)) related.add(k);
            for (const k of related) out.push({ table: displayName(splitKey(k)), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'foreign key triggers' });
          }
        }
        break;
      case 'OBJECT_INDEX': {
        if (!range) break;
        const idx = ctx.catalog?.index(range);
        const table = idx ? displayName(splitKey(idx.table)) : displayName(range);
        out.push({ table, mode: b.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'drop index' });
        break;
      }
      case 'OBJECT_TRIGGER':
      case 'OBJECT_POLICY':
      case 'OBJECT_RULE': {
        // the last name is the object, the rest is its table
        const parts = (items ?? []).map((n: any) => n.String?.sval);
        parts.pop();
        if (parts.length) out.push({ table: parts.join('.'), mode: 'ACCESS EXCLUSIVE', duration: 'instant', reason: 'drop' });
        break;
      }
    }
  }
  return out;
}

/** `col` or `col::<target type>` (PostgreSQL sees no transformation in either). */
function isPlainColumn(expr: any, column: string, target: any): boolean {
  const isCol = (e: any): boolean => {
    const f = e?.ColumnRef?.fields;
    return Array.isArray(f) && f.length === 1 && f[0]?.String?.sval === column;
  };
  if (isCol(expr)) return true;
  const cast = expr?.TypeCast;
  if (!cast || !isCol(cast.arg) || !target) return false;
  const a = typeFromNode(cast.typeName);
  const b = typeFromNode(target);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Tables with a foreign key to one of `keys` (qualified), not those themselves; `transitive`: and so on. */
function referencingTables(catalog: Catalog, keys: string[], transitive: boolean): string[] {
  const found = new Set<string>(keys);
  const out: string[] = [];
  let frontier = keys;
  while (frontier.length) {
    const next: string[] = [];
    for (const [k, t] of catalog.tables) {
      if (found.has(k)) continue;
      for (const con of t.constraints.values()) {
        if (con.kind === 'foreign' && con.references && frontier.includes(con.references)) {
          found.add(k);
          out.push(k);
          next.push(k);
          break;
        }
      }
    }
    frontier = transitive ? next : [];
  }
  return out;
}

function splitKey(key: string): RangeVarLike {
  const i = key.indexOf('.');
  const schema = key.slice(0, i);
  return schema === 'public' ? { relname: key.slice(i + 1) } : { schemaname: schema, relname: key.slice(i + 1) };
}

/** Does ADD COLUMN rewrite the table? */
export function addColumnRewrites(def: any, pgVersion: number): boolean {
  const type = def.typeName ? typeFromNode(def.typeName) : undefined;
  if (type?.serial) return true;
  for (const c of def.constraints ?? []) {
    const con = c.Constraint;
    if (!con) continue;
    if (con.contype === 'CONSTR_IDENTITY') return true;
    if (con.contype === 'CONSTR_GENERATED') {
      // PG 18: VIRTUAL is the default kind and computes on read
      const stored = con.generated_kind === 's' || pgVersion < 18;
      if (stored) return true;
    }
    if (con.contype === 'CONSTR_DEFAULT') {
      if (pgVersion < 11) return true;
      if (isVolatile(con.raw_expr)) return true;
    }
  }
  if (def.raw_default && (pgVersion < 11 || isVolatile(def.raw_default))) return true;
  return false;
}

/** SET NOT NULL can skip its scan: a validated CHECK (col IS NOT NULL) on PG >= 12, or a validated NOT NULL constraint on PG >= 18. */
export function notNullProven(t: ReturnType<Catalog['table']>, column: string | undefined, pgVersion: number): boolean {
  if (!t || !column) return false;
  if (t.columns.get(column)?.notNull) return true;
  for (const con of t.constraints.values()) {
    if (!con.validated) continue;
    if (pgVersion >= 12 && con.kind === 'check' && con.provesNotNull.includes(column)) return true;
    if (pgVersion >= 18 && con.kind === 'notnull' && con.columns.includes(column)) return true;
  }
  return false;
}

export { qualify };
