/**
 * A static schema catalog, replayed statement by statement. Rules read it as it stood
 * *before* the statement they look at. Objects remember where they came from: `history`
 * (earlier migrations or a schema dump) or `file` (this migration, which is what makes a
 * table "new": it holds no production rows and no traffic yet).
 *
 * Unknown objects are tolerated everywhere: an ALTER of a table the catalog never saw
 * leaves the catalog unchanged and rules fall back to the conservative answer.
 */
import { qualify, nameListToRange, type RangeVarLike } from './names.js';
import { typeFromNode, type ColumnType } from './types.js';
import { constraintKind, defaultConstraintName, notNullColumns, type ConstraintKind } from './constraints.js';
import type { Statement } from '../dialects/postgresql/types.js';

export type Origin = 'history' | 'file';

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  notNull: boolean;
  hasDefault: boolean;
  origin: Origin;
}

export interface ConstraintInfo {
  name: string;
  kind: ConstraintKind;
  validated: boolean;
  /** columns for notnull/unique/primary/foreign */
  columns: string[];
  /** for CHECK: the columns this check proves NOT NULL (`col IS NOT NULL`) */
  provesNotNull: string[];
  origin: Origin;
  /** statement index in the current file that added it (for origin 'file') */
  addedAt?: number;
  /** for FOREIGN KEY: the qualified key of the referenced table (locks.ts: dropping the FK locks it) */
  references?: string;
  /** for FOREIGN KEY: the referenced table as written, its columns as written (empty: its primary key), and the clauses after REFERENCES */
  referenced?: { rel: RangeVarLike; columns: string[]; onDelete: string; onUpdate: string; deferrable: boolean; initiallyDeferred: boolean };
}

export interface TableInfo {
  schema: string;
  name: string;
  kind: 'table' | 'view' | 'matview';
  columns: Map<string, ColumnInfo>;
  constraints: Map<string, ConstraintInfo>;
  origin: Origin;
  /** transaction id in which it was created (origin 'file'), see TxInfo.id */
  createdInTx?: number | null;
  /** created with PARTITION BY */
  partitioned?: boolean;
  /** from CREATE [UNLOGGED] TABLE, then SET LOGGED/UNLOGGED (undefined: not known) */
  unlogged?: boolean;
  /**
   * A table created in this file that holds rows already: made by CREATE TABLE … AS (with data)
   * or filled by INSERT/COPY since. New, so no traffic, but validating or indexing it takes time.
   */
  filled?: boolean;
}

export interface IndexInfo {
  schema: string;
  name: string;
  table: string; // qualified key of its table
  unique: boolean;
  columns: string[];
  origin: Origin;
  /** has a WHERE clause (partial index) */
  partial?: boolean;
  /** has an expression key column (`lower(email)`), not listed in `columns` */
  expressions?: boolean;
  /** access method as written (`btree` when none was given) */
  method?: string;
}

export interface EnumInfo {
  schema: string;
  name: string;
  values: Map<string, { origin: Origin; addedAt?: number; tx?: number | null }>;
  origin: Origin;
}

export class Catalog {
  tables = new Map<string, TableInfo>();
  indexes = new Map<string, IndexInfo>();
  enums = new Map<string, EnumInfo>();
  schemas = new Set<string>(['public']);
  /** first schema of the search path: where unqualified new objects are created */
  searchPath = 'public';
  /** the search path: where unqualified names are looked up, in order (SET search_path, config `searchPath`) */
  lookupPath: string[] = ['public'];
  /** the runner's search path, which RESET search_path returns to */
  defaultPath: string[] = ['public'];
  /** where newly replayed objects come from */
  origin: Origin = 'file';
  /**
   * What the next sealAsHistory must visit: the objects replay created since the last seal (a
   * table also when it got a column or constraint, an enum when it got a value). null: not
   * known (a new or cloned catalog), everything. Sealing only these keeps lintRoot's
   * seal-after-every-file linear in the history instead of quadratic.
   */
  private unsealed: { tables: Set<TableInfo>; indexes: Set<IndexInfo>; enums: Set<EnumInfo> } | null = null;

  /**
   * The qualified key of a relation (or type) name: a qualified name as it is; an unqualified one
   * in the first schema of the search path that has an object of that name (relations share one
   * namespace per schema), else in the schema new objects go to.
   */
  key(rel: RangeVarLike | string): string {
    const name = typeof rel === 'string' ? (rel.includes('.') ? undefined : rel) : rel.schemaname ? undefined : rel.relname;
    if (name !== undefined && this.lookupPath.length > 1) {
      for (const schema of this.lookupPath) {
        const k = `${schema}.${name}`;
        if (this.tables.has(k) || this.indexes.has(k) || this.enums.has(k)) return k;
      }
    }
    return qualify(rel, this.searchPath);
  }

  /** Set the search path (SET search_path): lookups go through it, creations to its first schema. */
  setSearchPath(names: string[]): void {
    // `$user` (the default's first entry) names a per-role schema that migrations rarely have
    const path = names.filter((n) => n !== '' && n !== '$user');
    if (!path.length) return;
    this.lookupPath = path;
    this.searchPath = path[0];
  }

  /** The runner's search path (config `searchPath`): the path now, and what RESET returns to. */
  setDefaultSearchPath(names: string[]): void {
    this.setSearchPath(names);
    this.defaultPath = [...this.lookupPath];
  }

  table(rel: RangeVarLike | string): TableInfo | undefined {
    return this.tables.get(this.key(rel));
  }

  /**
   * An index by name. An unqualified name that is not on the search path but names exactly one
   * index of the catalog is that index: the migration ran, so the runner's search_path found it
   * (a schema set outside the migrations, e.g. by the runner's connection).
   */
  index(rel: RangeVarLike | string): IndexInfo | undefined {
    const found = this.indexes.get(this.key(rel));
    if (found) return found;
    const name = typeof rel === 'string' ? (rel.includes('.') ? undefined : rel) : rel.schemaname ? undefined : rel.relname;
    if (name === undefined) return undefined;
    let only: IndexInfo | undefined;
    for (const i of this.indexes.values()) {
      if (i.name !== name) continue;
      if (only) return undefined; // ambiguous
      only = i;
    }
    return only;
  }

  enumType(names: any[] | undefined): EnumInfo | undefined {
    return this.enums.get(this.key(nameListToRange(names)));
  }

  /** A deep copy: history is replayed once per root and each file starts from a copy. */
  clone(): Catalog {
    const c = new Catalog();
    c.searchPath = this.searchPath;
    c.lookupPath = this.lookupPath;
    c.defaultPath = this.defaultPath;
    c.origin = this.origin;
    c.schemas = new Set(this.schemas);
    // (forEach into new maps: no intermediate arrays; the ESLint plugin clones once or twice per file)
    this.tables.forEach((t, k) => {
      const columns = new Map<string, ColumnInfo>();
      t.columns.forEach((col, n) => columns.set(n, { ...col }));
      const constraints = new Map<string, ConstraintInfo>();
      t.constraints.forEach((con, n) => constraints.set(n, { ...con }));
      c.tables.set(k, { ...t, columns, constraints });
    });
    this.indexes.forEach((i, k) => c.indexes.set(k, { ...i }));
    this.enums.forEach((e, k) => c.enums.set(k, { ...e, values: new Map(e.values) }));
    // a copy of a sealed catalog is sealed too
    const u = this.unsealed;
    if (u && u.tables.size === 0 && u.indexes.size === 0 && u.enums.size === 0) c.unsealed = { tables: new Set(), indexes: new Set(), enums: new Set() };
    return c;
  }

  /** Mark everything as history (after replaying earlier migrations). */
  sealAsHistory(): void {
    this.origin = 'history';
    const u = this.unsealed;
    for (const t of u ? u.tables : this.tables.values()) {
      t.origin = 'history';
      delete t.createdInTx;
      for (const col of t.columns.values()) col.origin = 'history';
      for (const con of t.constraints.values()) { con.origin = 'history'; delete con.addedAt; }
    }
    for (const i of u ? u.indexes : this.indexes.values()) i.origin = 'history';
    for (const e of u ? u.enums : this.enums.values()) {
      e.origin = 'history';
      for (const [v] of e.values) e.values.set(v, { origin: 'history' });
    }
    this.unsealed = { tables: new Set(), indexes: new Set(), enums: new Set() };
  }

  /**
   * Replay one statement (and a DO block's inner statements, unless `children` is false: the
   * linter applies each of them right after visiting it, so a table the block creates is new for
   * the block's later statements).
   */
  apply(stmt: Statement, tx: number | null = null, children = true): void {
    if (children && stmt.children) for (const c of stmt.children) this.apply(c, tx);
    const b = stmt.body;
    switch (stmt.kind) {
      case 'CreateStmt':
        return this.createTable(b, stmt, tx);
      case 'CreateTableAsStmt': {
        const rel = b.into?.rel;
        if (rel) this.putTable(rel, b.objtype === 'OBJECT_MATVIEW' ? 'matview' : 'table', tx).filled = !b.into.skipData;
        return;
      }
      case 'InsertStmt':
      case 'CopyStmt': {
        // (COPY … TO reads; only COPY … FROM and INSERT fill the table)
        const t = b.relation && (stmt.kind === 'InsertStmt' || b.is_from) ? this.table(b.relation) : undefined;
        if (t && t.origin === 'file') t.filled = true;
        return;
      }
      case 'ViewStmt':
        if (b.view) this.putTable(b.view, 'view', tx);
        return;
      case 'AlterTableStmt':
        return this.alterTable(b, stmt);
      case 'RenameStmt':
        return this.rename(b);
      case 'AlterObjectSchemaStmt':
        return this.moveToSchema(b);
      case 'DropStmt':
        return this.drop(b);
      case 'IndexStmt':
        return this.createIndex(b);
      case 'CreateEnumStmt': {
        const r = nameListToRange(b.typeName);
        const values = new Map<string, { origin: Origin; addedAt?: number; tx?: number | null }>();
        for (const v of b.vals ?? []) values.set(v.String?.sval, { origin: this.origin, addedAt: stmt.index, tx });
        const created: EnumInfo = { schema: r.schemaname ?? this.searchPath, name: String(r.relname), values, origin: this.origin };
        this.enums.set(`${created.schema}.${created.name}`, created);
        this.unsealed?.enums.add(created);
        return;
      }
      case 'AlterEnumStmt': {
        const e = this.enumType(b.typeName);
        if (e && b.newVal && !b.oldVal) {
          e.values.set(b.newVal, { origin: this.origin, addedAt: stmt.index, tx });
          this.unsealed?.enums.add(e);
        }
        return;
      }
      case 'CreateSchemaStmt':
        if (b.schemaname) this.schemas.add(b.schemaname);
        return;
      case 'VariableSetStmt':
        if (b.name === 'search_path' && b.kind === 'VAR_SET_VALUE') {
          // new objects go to the first schema of the path; `$user` (the default's first entry)
          // names a per-role schema that migrations rarely have, so it is skipped
          const names: string[] = (b.args ?? []).map((a: any) => String(a?.A_Const?.sval?.sval ?? a?.String?.sval ?? '').replace(/^"|"$/g, ''));
          this.setSearchPath(names);
        } else if (b.name === 'search_path' && (b.kind === 'VAR_RESET' || b.kind === 'VAR_SET_DEFAULT')) {
          this.setSearchPath(this.defaultPath);
        }
        return;
    }
  }

  private putTable(rel: RangeVarLike, kind: TableInfo['kind'], tx: number | null): TableInfo {
    const t: TableInfo = {
      schema: rel.schemaname ?? this.searchPath,
      name: String(rel.relname),
      kind,
      columns: new Map(),
      constraints: new Map(),
      origin: this.origin,
      createdInTx: this.origin === 'file' ? tx : undefined,
    };
    this.tables.set(`${t.schema}.${t.name}`, t); // (created in the first schema of the path, whatever the path holds)
    this.unsealed?.tables.add(t);
    return t;
  }

  private createTable(b: any, stmt: Statement, tx: number | null): void {
    if (!b.relation) return;
    if (b.if_not_exists && this.tables.has(`${b.relation.schemaname ?? this.searchPath}.${b.relation.relname}`)) return;
    const t = this.putTable(b.relation, 'table', tx);
    if (b.partspec) t.partitioned = true;
    t.unlogged = b.relation.relpersistence === 'u';
    for (const el of b.tableElts ?? []) {
      if (el.ColumnDef) this.addColumn(t, el.ColumnDef, stmt);
      else if (el.Constraint) this.addConstraint(t, el.Constraint, stmt, true);
    }
  }

  private addColumn(t: TableInfo, def: any, stmt: Statement): void {
    const col: ColumnInfo = {
      name: def.colname,
      type: typeFromNode(def.typeName),
      notNull: false,
      hasDefault: !!def.raw_default,
      origin: this.origin,
    };
    if (col.type.serial) { col.notNull = true; col.hasDefault = true; }
    t.columns.set(col.name, col);
    this.unsealed?.tables.add(t);
    for (const c of def.constraints ?? []) {
      const con = c.Constraint;
      if (!con) continue;
      if (con.contype === 'CONSTR_NOTNULL' || con.contype === 'CONSTR_PRIMARY' || con.contype === 'CONSTR_IDENTITY') col.notNull = true;
      if (con.contype === 'CONSTR_DEFAULT' || con.contype === 'CONSTR_IDENTITY' || con.contype === 'CONSTR_GENERATED') col.hasDefault = true;
      if (con.contype !== 'CONSTR_NOTNULL' && con.contype !== 'CONSTR_DEFAULT') this.addConstraint(t, { ...con, keys: con.keys ?? [{ String: { sval: col.name } }] }, stmt, true, col.name);
    }
  }

  private addConstraint(t: TableInfo, con: any, stmt: Statement, inCreate: boolean, column?: string): void {
    const kind = constraintKind(con);
    if (!kind) return;
    const columns: string[] = (con.keys ?? con.fk_attrs ?? []).map((k: any) => k.String?.sval).filter(Boolean);
    const name = con.conname ?? defaultConstraintName(t.name, con, column);
    const info: ConstraintInfo = {
      name,
      kind,
      validated: inCreate ? true : !con.skip_validation,
      columns,
      provesNotNull: kind === 'check' ? notNullColumns(con.raw_expr) : [],
      origin: this.origin,
      addedAt: this.origin === 'file' ? stmt.index : undefined,
    };
    if (kind === 'foreign' && con.pktable) {
      info.references = this.key(con.pktable);
      info.referenced = {
        rel: { schemaname: con.pktable.schemaname, relname: con.pktable.relname },
        columns: (con.pk_attrs ?? []).map((k: any) => k.String?.sval).filter(Boolean),
        onDelete: con.fk_del_action ?? 'a',
        onUpdate: con.fk_upd_action ?? 'a',
        deferrable: !!con.deferrable,
        initiallyDeferred: !!con.initdeferred,
      };
    }
    t.constraints.set(name, info);
    this.unsealed?.tables.add(t);
    if (kind === 'primary' || (kind === 'notnull' && info.validated)) {
      for (const c of columns) { const col = t.columns.get(c); if (col) col.notNull = true; }
    }
  }

  private alterTable(b: any, stmt: Statement): void {
    const t = this.table(b.relation ?? {});
    if (!t) return;
    for (const c of b.cmds ?? []) {
      const cmd = c.AlterTableCmd;
      if (!cmd) continue;
      const col = cmd.name ? t.columns.get(cmd.name) : undefined;
      switch (cmd.subtype) {
        case 'AT_AddColumn':
          if (cmd.def?.ColumnDef && !(cmd.missing_ok && t.columns.has(cmd.def.ColumnDef.colname))) this.addColumn(t, cmd.def.ColumnDef, stmt);
          break;
        case 'AT_DropColumn':
          if (cmd.name) t.columns.delete(cmd.name);
          break;
        case 'AT_SetLogged':
        case 'AT_SetUnLogged':
          t.unlogged = cmd.subtype === 'AT_SetUnLogged';
          break;
        case 'AT_AlterColumnType':
          if (col && cmd.def?.ColumnDef?.typeName) col.type = typeFromNode(cmd.def.ColumnDef.typeName);
          break;
        case 'AT_SetNotNull':
          if (col) col.notNull = true;
          break;
        case 'AT_DropNotNull':
          if (col) col.notNull = false;
          break;
        case 'AT_ColumnDefault':
          if (col) col.hasDefault = !!cmd.def;
          break;
        case 'AT_AddConstraint':
          if (cmd.def?.Constraint) this.addConstraint(t, cmd.def.Constraint, stmt, false);
          break;
        case 'AT_ValidateConstraint': {
          const con = cmd.name ? t.constraints.get(cmd.name) : undefined;
          if (con) {
            con.validated = true;
            if (con.kind === 'notnull') for (const n of con.columns) { const cc = t.columns.get(n); if (cc) cc.notNull = true; }
          }
          break;
        }
        case 'AT_DropConstraint':
          if (cmd.name) t.constraints.delete(cmd.name);
          break;
      }
    }
  }

  private rename(b: any): void {
    if (b.renameType === 'OBJECT_TABLE' || b.renameType === 'OBJECT_VIEW' || b.renameType === 'OBJECT_MATVIEW') {
      const key = this.key(b.relation ?? {});
      const t = this.tables.get(key);
      if (!t || !b.newname) return;
      this.tables.delete(key);
      t.name = b.newname;
      this.tables.set(`${t.schema}.${t.name}`, t);
      for (const i of this.indexes.values()) if (i.table === key) i.table = `${t.schema}.${t.name}`;
      this.retargetReferences(key, `${t.schema}.${t.name}`);
    } else if (b.renameType === 'OBJECT_COLUMN') {
      const t = this.table(b.relation ?? {});
      const col = t?.columns.get(b.subname);
      if (!t || !col || !b.newname) return;
      t.columns.delete(b.subname);
      col.name = b.newname;
      t.columns.set(col.name, col);
      // constraints and indexes follow the column
      const follow = (list: string[]): string[] => list.map((c) => (c === b.subname ? b.newname : c));
      for (const con of t.constraints.values()) {
        con.columns = follow(con.columns);
        con.provesNotNull = follow(con.provesNotNull);
      }
      const key = `${t.schema}.${t.name}`;
      for (const i of this.indexes.values()) if (i.table === key) i.columns = follow(i.columns);
    } else if (b.renameType === 'OBJECT_INDEX') {
      const i = this.index(b.relation ?? {});
      if (!i || !b.newname) return;
      this.indexes.delete(`${i.schema}.${i.name}`);
      i.name = b.newname;
      this.indexes.set(`${i.schema}.${i.name}`, i);
    } else if (b.renameType === 'OBJECT_TABCONSTRAINT') {
      const t = this.table(b.relation ?? {});
      const con = t?.constraints.get(b.subname);
      if (!t || !con || !b.newname) return;
      t.constraints.delete(b.subname);
      con.name = b.newname;
      t.constraints.set(con.name, con);
    }
  }

  /** ALTER TABLE … SET SCHEMA: the table moves with its indexes. */
  private moveToSchema(b: any): void {
    if (!['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW'].includes(b.objectType) || !b.relation || !b.newschema) return;
    const key = this.key(b.relation);
    const t = this.tables.get(key);
    if (!t) return;
    this.tables.delete(key);
    t.schema = b.newschema;
    const moved = `${t.schema}.${t.name}`;
    this.tables.set(moved, t);
    this.retargetReferences(key, moved);
    for (const [k, i] of [...this.indexes]) {
      if (i.table !== key) continue;
      this.indexes.delete(k);
      i.table = moved;
      i.schema = t.schema;
      this.indexes.set(`${i.schema}.${i.name}`, i);
    }
  }

  /** Foreign keys follow their referenced table when it is renamed or moved. */
  private retargetReferences(from: string, to: string): void {
    // (forEach: no iterator results allocated for every constraint of the catalog, on every rename)
    this.tables.forEach((t) => t.constraints.forEach((con) => { if (con.references === from) con.references = to; }));
  }

  private drop(b: any): void {
    for (const o of b.objects ?? []) {
      const items = o.List?.items ?? (Array.isArray(o) ? o : undefined);
      const range = items ? nameListToRange(items) : undefined;
      switch (b.removeType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
          if (range) {
            const key = this.key(range);
            this.tables.delete(key);
            // (forEach: a for…of over the entries allocates a pair per index, on every DROP TABLE)
            this.indexes.forEach((i, k) => { if (i.table === key) this.indexes.delete(k); });
          }
          break;
        case 'OBJECT_INDEX': {
          const i = range ? this.index(range) : undefined;
          if (i) this.indexes.delete(`${i.schema}.${i.name}`);
          break;
        }
        case 'OBJECT_TYPE':
          if (o.TypeName) this.enums.delete(this.key(nameListToRange(o.TypeName.names)));
          break;
        case 'OBJECT_SCHEMA': {
          const s = o.String?.sval;
          if (s) {
            this.schemas.delete(s);
            for (const [k, t] of this.tables) if (t.schema === s) this.tables.delete(k);
            for (const [k, i] of this.indexes) if (i.schema === s) this.indexes.delete(k);
            for (const [k, e] of this.enums) if (e.schema === s) this.enums.delete(k);
          }
          break;
        }
      }
    }
  }

  private createIndex(b: any): void {
    if (!b.relation || !b.idxname) return;
    // an index lives in its table's schema
    const table = this.key(b.relation);
    const schema = b.relation.schemaname ?? this.tables.get(table)?.schema ?? this.searchPath;
    const index: IndexInfo = {
      schema,
      name: b.idxname,
      table,
      unique: !!b.unique,
      columns: (b.indexParams ?? []).map((p: any) => p.IndexElem?.name).filter(Boolean),
      origin: this.origin,
      partial: !!b.whereClause,
      expressions: (b.indexParams ?? []).some((p: any) => !p.IndexElem?.name),
      method: b.accessMethod ?? 'btree',
    };
    this.indexes.set(`${schema}.${b.idxname}`, index);
    this.unsealed?.indexes.add(index);
  }
}
