/**
 * Columns whose type a statement writes: the columns of CREATE TABLE, ALTER TABLE … ADD
 * COLUMN and ALTER TABLE … ALTER COLUMN … TYPE (new and existing tables alike). The type
 * hygiene rules (prefer-bigint, prefer-text, …) look only at these: a type named elsewhere
 * (a cast, a function signature, a composite type) is not a column being created.
 */
import type { RangeVarLike } from './names.js';
import type { Catalog } from './catalog.js';

export interface WrittenColumn {
  /** the column name */
  name: string;
  /** the TypeName node (has `names`, `typmods`, `arrayBounds`, `location`) */
  typeName: any;
  /** the ColumnDef node */
  def: any;
  table: RangeVarLike;
  how: 'create' | 'add' | 'alter-type';
  /** CREATE TABLE … PARTITION BY */
  partitioned: boolean;
  /** file-independent facts about the column's role, from this statement (and the catalog for ALTER TYPE) */
  primaryKey: boolean;
  foreignKey: boolean;
  identity: boolean;
  /** ALTER COLUMN … TYPE … USING expr: the expression was written for this exact type */
  using: boolean;
}

function keyNames(list: any[] | undefined): string[] {
  return (list ?? []).map((k: any) => k?.String?.sval).filter((s: unknown): s is string => typeof s === 'string');
}

function hasConstraint(def: any, contype: string): boolean {
  return (def?.constraints ?? []).some((c: any) => c?.Constraint?.contype === contype);
}

/** Columns written by a CreateStmt body. */
export function columnsOfCreate(b: any): WrittenColumn[] {
  const table: RangeVarLike = b.relation ?? {};
  const pk = new Set<string>();
  const fk = new Set<string>();
  for (const el of b.tableElts ?? []) {
    const con = el.Constraint;
    if (con?.contype === 'CONSTR_PRIMARY') keyNames(con.keys).forEach((k) => pk.add(k));
    if (con?.contype === 'CONSTR_FOREIGN') keyNames(con.fk_attrs).forEach((k) => fk.add(k));
  }
  const out: WrittenColumn[] = [];
  for (const el of b.tableElts ?? []) {
    const def = el.ColumnDef;
    if (!def?.typeName || !def.colname) continue;
    out.push({
      name: def.colname,
      typeName: def.typeName,
      def,
      table,
      how: 'create',
      partitioned: !!b.partspec,
      primaryKey: pk.has(def.colname) || hasConstraint(def, 'CONSTR_PRIMARY'),
      foreignKey: fk.has(def.colname) || hasConstraint(def, 'CONSTR_FOREIGN'),
      identity: hasConstraint(def, 'CONSTR_IDENTITY'),
      using: false,
    });
  }
  return out;
}

/** Columns written by an AlterTableStmt body (ADD COLUMN, ALTER COLUMN TYPE). */
export function columnsOfAlter(b: any, catalog?: Catalog): WrittenColumn[] {
  if (b.objtype && b.objtype !== 'OBJECT_TABLE') return [];
  const table: RangeVarLike = b.relation ?? {};
  const cmds = (b.cmds ?? []).map((c: any) => c.AlterTableCmd).filter(Boolean);
  const pk = new Set<string>();
  const fk = new Set<string>();
  for (const cmd of cmds) {
    const con = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
    if (con?.contype === 'CONSTR_PRIMARY') keyNames(con.keys).forEach((k) => pk.add(k));
    if (con?.contype === 'CONSTR_FOREIGN') keyNames(con.fk_attrs).forEach((k) => fk.add(k));
  }
  const known = catalog?.table(table);
  if (known) {
    for (const con of known.constraints.values()) {
      if (con.kind === 'primary') con.columns.forEach((c) => pk.add(c));
      if (con.kind === 'foreign') con.columns.forEach((c) => fk.add(c));
    }
  }
  const out: WrittenColumn[] = [];
  for (const cmd of cmds) {
    const def = cmd.def?.ColumnDef;
    if (!def?.typeName) continue;
    if (cmd.subtype === 'AT_AddColumn' && def.colname) {
      out.push({
        name: def.colname,
        typeName: def.typeName,
        def,
        table,
        how: 'add',
        partitioned: false,
        primaryKey: pk.has(def.colname) || hasConstraint(def, 'CONSTR_PRIMARY'),
        foreignKey: fk.has(def.colname) || hasConstraint(def, 'CONSTR_FOREIGN'),
        identity: hasConstraint(def, 'CONSTR_IDENTITY'),
        using: false,
      });
    } else if (cmd.subtype === 'AT_AlterColumnType' && cmd.name) {
      out.push({
        name: cmd.name,
        typeName: def.typeName,
        def,
        table,
        how: 'alter-type',
        partitioned: false,
        primaryKey: pk.has(cmd.name),
        foreignKey: fk.has(cmd.name),
        identity: false,
        using: !!def.raw_default,
      });
    }
  }
  return out;
}

/** The type's name parts as written in the tree, e.g. ['pg_catalog', 'varchar'] or ['serial']. */
export function typeNameParts(typeName: any): string[] {
  return (typeName?.names ?? []).map((n: any) => String(n?.String?.sval ?? ''));
}

/**
 * A built-in type by its internal name: `pg_catalog.<name>` (what the grammar produces for
 * SQL-standard spellings) or the bare name (e.g. `int4`, `json`, `"timestamp"`).
 */
export function isBuiltinType(typeName: any, ...names: string[]): boolean {
  const parts = typeNameParts(typeName);
  if (parts.length === 2 && parts[0] === 'pg_catalog') return names.includes(parts[1]);
  return parts.length === 1 && names.includes(parts[0]);
}

export function isArrayType(typeName: any): boolean {
  return (typeName?.arrayBounds?.length ?? 0) > 0;
}
