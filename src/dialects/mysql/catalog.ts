/**
 * The MySQL schema catalog, replayed from the earlier migrations: tables with their columns
 * (type, length, character set, nullability, generated), indexes, foreign keys, CHECK
 * constraints and triggers, and the count of instant ADD/DROP COLUMNs since the table was last
 * rebuilt (MySQL allows 64 row versions). It answers what the online-DDL classifier needs: the
 * column's current length and character set (VARCHAR growth), whether a table has a FULLTEXT
 * index, a primary key, foreign keys or triggers (gh-ost / pt-osc preconditions).
 *
 * Names: MySQL compares column and index names case-insensitively; table names here too (as
 * lower_case_table_names=1 or 2 would) so that a migration that spells a table differently is
 * still recognised. A table the catalog never saw is unknown: callers take the conservative answer.
 */
import type { ColumnSpec, ColumnType, ForeignKeySpec, IndexKind, MysqlName, MysqlStatement } from './types.js';
import type { OnlineDdl } from './matrix.js';

export type Origin = 'history' | 'file';

export interface MysqlColumn {
  name: string;
  type: ColumnType;
  notNull: boolean;
  hasDefault: boolean;
  autoIncrement: boolean;
  generated?: 'STORED' | 'VIRTUAL';
  origin: Origin;
}

export interface MysqlIndex {
  name: string;
  kind: IndexKind;
  columns: string[];
}

export interface MysqlForeignKey {
  name: string;
  columns: string[];
  /** catalog key of the referenced table */
  references: string;
}

export interface MysqlTable {
  name: string;
  schema?: string;
  columns: Map<string, MysqlColumn>;
  /** by lower-case name; the primary key is `primary` */
  indexes: Map<string, MysqlIndex>;
  foreignKeys: Map<string, MysqlForeignKey>;
  checks: Set<string>;
  triggers: Set<string>;
  /** table default character set (lower case), if declared */
  charset?: string;
  rowFormat?: string;
  /** instant ADD/DROP COLUMN statements since creation or the last rebuild (MySQL: at most 64) */
  rowVersions: number;
  origin: Origin;
}

/** The character set of a column, as declared, inherited from the table, or the server default. */
export function columnCharset(type: ColumnType, table: MysqlTable | undefined): string {
  if (type.charset) return type.charset;
  if (type.collation) return type.collation.split('_')[0];
  return table?.charset ?? 'utf8mb4';
}

/** Bytes per character of a character set (its maximum length), for VARCHAR byte lengths. */
export function bytesPerChar(charset: string): number {
  const c = charset.toLowerCase();
  if (c === 'utf8mb4' || c === 'utf16' || c === 'utf16le' || c === 'utf32' || c === 'gb18030') return 4;
  if (c === 'utf8' || c === 'utf8mb3' || c === 'ujis' || c === 'eucjpms') return 3;
  if (c === 'ucs2' || c === 'gbk' || c === 'big5' || c === 'sjis' || c === 'cp932' || c === 'euckr' || c === 'gb2312') return 2;
  return 1;
}

/** The most bytes a VARCHAR/VARBINARY column holds (CHAR counts too), or undefined for other types. */
export function maxBytes(type: ColumnType, table: MysqlTable | undefined): number | undefined {
  if (type.length === undefined) return undefined;
  if (type.base === 'VARBINARY' || type.base === 'BINARY') return type.length;
  if (type.base !== 'VARCHAR' && type.base !== 'CHAR') return undefined;
  return type.length * bytesPerChar(columnCharset(type, table));
}

const lower = (s: string): string => s.toLowerCase();

export class MysqlCatalog {
  tables = new Map<string, MysqlTable>();
  /** where newly replayed objects come from */
  origin: Origin = 'file';

  key(name: MysqlName | string): string {
    if (typeof name === 'string') return lower(name);
    return name.schema ? `${lower(name.schema)}.${lower(name.name)}` : lower(name.name);
  }

  table(name: MysqlName | string | undefined): MysqlTable | undefined {
    if (!name) return undefined;
    const k = this.key(name);
    const t = this.tables.get(k);
    if (t || typeof name === 'string' || !name.schema) return t;
    // `db`.`t` and `t` are the same table when the migration runs in `db`
    return this.tables.get(lower(name.name));
  }

  clone(): MysqlCatalog {
    const c = new MysqlCatalog();
    c.origin = this.origin;
    this.tables.forEach((t, k) => {
      const columns = new Map<string, MysqlColumn>();
      t.columns.forEach((col, n) => columns.set(n, { ...col }));
      const indexes = new Map<string, MysqlIndex>();
      t.indexes.forEach((i, n) => indexes.set(n, { ...i, columns: [...i.columns] }));
      const foreignKeys = new Map<string, MysqlForeignKey>();
      t.foreignKeys.forEach((f, n) => foreignKeys.set(n, { ...f, columns: [...f.columns] }));
      c.tables.set(k, { ...t, columns, indexes, foreignKeys, checks: new Set(t.checks), triggers: new Set(t.triggers) });
    });
    return c;
  }

  /** Everything replayed so far is history (the next migration's "existing" tables). */
  sealAsHistory(): void {
    for (const t of this.tables.values()) {
      t.origin = 'history';
      for (const c of t.columns.values()) c.origin = 'history';
    }
  }

  /** Advance the catalog past a statement; `ddl` is its online-DDL result (ALTER TABLE), to count row versions. */
  apply(stmt: MysqlStatement, ddl?: OnlineDdl & { instantColumnChange?: boolean }): void {
    switch (stmt.kind) {
      case 'CreateTable':
        return this.createTable(stmt.body);
      case 'DropTable':
        for (const t of stmt.body.tables as MysqlName[]) this.tables.delete(this.key(t));
        return;
      case 'RenameTable':
        for (const p of stmt.body.pairs as Array<{ from: MysqlName; to: MysqlName }>) this.rename(p.from, p.to);
        return;
      case 'CreateIndex': {
        const t = this.table(stmt.body.table);
        if (t) addIndex(t, stmt.body.index);
        return;
      }
      case 'DropIndex': {
        const t = this.table(stmt.body.table);
        if (t) t.indexes.delete(lower(stmt.body.name));
        return;
      }
      case 'CreateTrigger': {
        const t = this.table(stmt.body.table);
        if (t) t.triggers.add(lower(stmt.body.name.name));
        return;
      }
      case 'DropTrigger': {
        const name = stmt.body.name ? lower(stmt.body.name.name) : '';
        for (const t of this.tables.values()) t.triggers.delete(name);
        return;
      }
      case 'AlterTable':
        return this.alter(stmt, ddl);
      default:
        return;
    }
  }

  private createTable(b: { table: MysqlName; columns: ColumnSpec[]; indexes: Array<{ name?: string; kind: IndexKind; columns: string[] }>; foreignKeys: ForeignKeySpec[]; like?: MysqlName; options: Record<string, string>; temporary: boolean }): void {
    if (b.temporary) return;
    const key = this.key(b.table);
    if (b.like) {
      const src = this.table(b.like);
      const copy = src ? this.clone().tables.get(this.key(b.like)) : undefined;
      this.tables.set(key, copy ? { ...copy, name: b.table.name, schema: b.table.schema, triggers: new Set(), foreignKeys: new Map(), origin: this.origin, rowVersions: 0 } : newTable(b.table, this.origin));
      return;
    }
    const t = newTable(b.table, this.origin);
    if (b.options.CHARSET) t.charset = lower(b.options.CHARSET);
    else if (b.options.COLLATE) t.charset = lower(b.options.COLLATE).split('_')[0];
    if (b.options.ROW_FORMAT) t.rowFormat = b.options.ROW_FORMAT.toUpperCase();
    for (const c of b.columns) {
      t.columns.set(lower(c.name), columnOf(c, this.origin));
      if (c.primaryKey) addIndex(t, { kind: 'primary', columns: [c.name] });
      if (c.unique) addIndex(t, { kind: 'unique', name: c.name, columns: [c.name] });
    }
    for (const i of b.indexes) addIndex(t, i);
    // a primary key's columns are NOT NULL
    const pk = t.indexes.get('primary');
    if (pk) for (const c of pk.columns) {
      const col = t.columns.get(lower(c));
      if (col) col.notNull = true;
    }
    for (const f of b.foreignKeys) addForeignKey(t, f, this, key);
    this.tables.set(key, t);
  }

  private rename(from: MysqlName, to: MysqlName): void {
    const t = this.table(from);
    if (!t) return;
    this.tables.delete(this.key(from));
    t.name = to.name;
    t.schema = to.schema;
    const nk = this.key(to);
    this.tables.set(nk, t);
    const old = this.key(from);
    for (const other of this.tables.values()) for (const f of other.foreignKeys.values()) if (f.references === old) f.references = nk;
  }

  private alter(stmt: MysqlStatement, ddl?: OnlineDdl & { instantColumnChange?: boolean }): void {
    const body = stmt.body;
    let t = this.table(body.table);
    if (!t) return;
    for (const op of body.ops as import('./types.js').AlterOp[]) {
      switch (op.kind) {
        case 'add-column':
          t.columns.set(lower(op.column.name), columnOf(op.column, this.origin));
          if (op.column.primaryKey) addIndex(t, { kind: 'primary', columns: [op.column.name] });
          if (op.column.unique) addIndex(t, { kind: 'unique', name: op.column.name, columns: [op.column.name] });
          break;
        case 'drop-column': {
          t.columns.delete(lower(op.column));
          for (const [k, i] of t.indexes) {
            i.columns = i.columns.filter((c) => lower(c) !== lower(op.column));
            if (!i.columns.length) t.indexes.delete(k);
          }
          break;
        }
        case 'modify-column': {
          const old = t.columns.get(lower(op.column));
          const col = columnOf(op.spec, old?.origin ?? this.origin);
          // (a MODIFY without NULL / NOT NULL makes the column nullable, as MySQL does)
          t.columns.delete(lower(op.column));
          t.columns.set(lower(op.spec.name), col);
          if (op.newName) renameColumnInKeys(t, op.column, op.newName);
          break;
        }
        case 'rename-column': {
          const col = t.columns.get(lower(op.column));
          if (col) {
            t.columns.delete(lower(op.column));
            col.name = op.newName;
            t.columns.set(lower(op.newName), col);
          }
          renameColumnInKeys(t, op.column, op.newName);
          break;
        }
        case 'set-default':
        case 'drop-default': {
          const col = t.columns.get(lower(op.column));
          if (col) col.hasDefault = op.kind === 'set-default';
          break;
        }
        case 'add-index':
          addIndex(t, op.index);
          break;
        case 'drop-index':
          t.indexes.delete(lower(op.name));
          break;
        case 'drop-primary-key':
          t.indexes.delete('primary');
          break;
        case 'add-foreign-key':
          addForeignKey(t, op.foreignKey, this, this.key(body.table));
          break;
        case 'drop-foreign-key':
          t.foreignKeys.delete(lower(op.name));
          break;
        case 'add-check':
          if (op.name) t.checks.add(lower(op.name));
          break;
        case 'drop-constraint': {
          const n = lower(op.name);
          t.foreignKeys.delete(n);
          t.checks.delete(n);
          if (!op.check) t.indexes.delete(n);
          break;
        }
        case 'rename-index': {
          const i = t.indexes.get(lower(op.name));
          if (i) {
            t.indexes.delete(lower(op.name));
            i.name = op.newName;
            t.indexes.set(lower(op.newName), i);
          }
          break;
        }
        case 'rename-table': {
          this.rename(body.table, op.newName);
          t = this.table(op.newName) ?? t;
          break;
        }
        case 'table-option':
          if (op.option === 'CHARSET') t.charset = lower(op.value);
          if (op.option === 'ROW_FORMAT') t.rowFormat = op.value.toUpperCase();
          break;
        case 'convert-charset':
          t.charset = lower(op.charset);
          for (const c of t.columns.values()) if (['VARCHAR', 'CHAR', 'TEXT', 'TINYTEXT', 'MEDIUMTEXT', 'LONGTEXT', 'ENUM', 'SET'].includes(c.type.base)) c.type = { ...c.type, charset: lower(op.charset), collation: undefined };
          break;
        default:
          break;
      }
    }
    if (ddl) {
      if (ddl.rebuilds) t.rowVersions = 0;
      else if (ddl.instantColumnChange) t.rowVersions++;
    }
  }
}

function newTable(name: MysqlName, origin: Origin): MysqlTable {
  const t: MysqlTable = { name: name.name, columns: new Map(), indexes: new Map(), foreignKeys: new Map(), checks: new Set(), triggers: new Set(), rowVersions: 0, origin };
  if (name.schema) t.schema = name.schema;
  return t;
}

function columnOf(c: ColumnSpec, origin: Origin): MysqlColumn {
  const col: MysqlColumn = { name: c.name, type: c.type, notNull: c.notNull === true || !!c.primaryKey, hasDefault: c.hasDefault, autoIncrement: c.autoIncrement, origin };
  if (c.generated) col.generated = c.generated;
  return col;
}

function addIndex(t: MysqlTable, i: { name?: string; kind: IndexKind; columns: string[] }): void {
  const name = i.kind === 'primary' ? 'PRIMARY' : i.name ?? i.columns[0] ?? `idx_${t.indexes.size + 1}`;
  t.indexes.set(lower(name), { name, kind: i.kind, columns: [...i.columns] });
}

function addForeignKey(t: MysqlTable, f: ForeignKeySpec, cat: MysqlCatalog, own: string): void {
  const name = f.name ?? `${t.name}_ibfk_${t.foreignKeys.size + 1}`;
  const ref = cat.key(f.references);
  t.foreignKeys.set(lower(name), { name, columns: [...f.columns], references: ref === cat.key(t.name) ? own : ref });
}

function renameColumnInKeys(t: MysqlTable, from: string, to: string): void {
  for (const i of t.indexes.values()) i.columns = i.columns.map((c) => (lower(c) === lower(from) ? to : c));
  for (const f of t.foreignKeys.values()) f.columns = f.columns.map((c) => (lower(c) === lower(from) ? to : c));
}

/** Tables whose foreign keys reference `key` (the children that pt-online-schema-change must handle). */
export function referencingTables(cat: MysqlCatalog, key: string): MysqlTable[] {
  const out: MysqlTable[] = [];
  for (const t of cat.tables.values()) for (const f of t.foreignKeys.values()) if (f.references === key && !out.includes(t)) out.push(t);
  return out;
}
