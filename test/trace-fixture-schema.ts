/**
 * A minimal schema for a rule fixture, synthesized from the fixture's own AST, so that its
 * statements can run in a real PostgreSQL: every relation, column, index, constraint, enum,
 * domain, view and trigger the fixture uses but does not create itself. Tables are empty
 * (lock modes and rewrites do not depend on the data, and empty tables let NOT NULL and type
 * changes succeed). Column types are guessed from how the fixture uses a column (the target
 * of ALTER … TYPE, a foreign key, the name); a wrong guess makes the statement fail, which
 * the suite counts as "not traced", never as a disagreement.
 *
 * The synthesized SQL is replayed as the fixture's history into both the engine and godwit's
 * static catalog, so the two sides compare the same schema.
 */
import type { ParsedFile, Statement } from '../src/dialects/postgresql/types.js';

interface ColumnNeed {
  type: string;
  notNull?: boolean;
  identity?: boolean;
  generated?: boolean;
}

interface TableNeed {
  schema?: string;
  name: string;
  unlogged?: boolean;
  kind: 'table' | 'view' | 'matview' | 'partitioned';
  columns: Map<string, ColumnNeed>;
  /** columns that must be unique (referenced by a foreign key) */
  unique: Set<string>;
}

interface Needs {
  schemas: Set<string>;
  tables: Map<string, TableNeed>;
  indexes: Map<string, { table: string; column: string; unique: boolean }>;
  constraints: Map<string, { table: string; name: string }>;
  enums: Map<string, Set<string>>;
  domains: Set<string>;
  sequences: Set<string>;
  triggers: Map<string, { table: string; name: string }>;
  policies: Map<string, { table: string; name: string }>;
  rules: Map<string, { table: string; name: string }>;
  functions: Set<string>;
  /** objects the fixture creates itself: never synthesized */
  created: Set<string>;
  createdColumns: Set<string>;
}

const q = (name: string): string => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
const relKey = (r: { schemaname?: string; relname?: string }): string => (r.schemaname ? `${r.schemaname}.${r.relname}` : String(r.relname));
const qualified = (key: string): string => key.split('.').map(q).join('.');
const names = (list: any[] | undefined): string[] => (list ?? []).map((n: any) => n?.String?.sval ?? '').filter(Boolean);
const SYSTEM = /^(pg_catalog\.|information_schema\.|pg_)/;

function guessType(column: string): string {
  if (column === 'id' || column.endsWith('_id') || column.endsWith('_ids')) return column.endsWith('_ids') ? 'bigint[]' : 'bigint';
  if (/(_at|_on|_time|_date)$/.test(column) || column === 'created' || column === 'updated') return 'timestamptz';
  if (/^(is_|has_)/.test(column) || ['active', 'enabled', 'deleted', 'verified'].includes(column)) return 'boolean';
  if (['amount', 'total', 'price', 'count', 'qty', 'quantity', 'balance', 'score', 'age', 'position', 'rank', 'version', 'attempts', 'size'].includes(column)) return 'integer';
  if (['payload', 'data', 'metadata', 'settings', 'attrs', 'properties', 'meta'].includes(column)) return 'json';
  return 'text';
}

/** The starting type for a column that an ALTER … TYPE changes to `target`. */
function typeBefore(target: string[], column: string): string {
  const t = target[target.length - 1] ?? '';
  if (['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'integer', 'bigint', 'smallint'].includes(t)) return 'integer';
  if (['json', 'jsonb'].includes(t)) return 'json';
  if (['timestamptz', 'timestamp', 'date'].includes(t)) return 'timestamp';
  if (t === 'bool') return 'boolean';
  if (t === 'uuid') return 'text';
  return guessType(column) === 'integer' ? 'integer' : 'text';
}

function table(n: Needs, key: string, kind: TableNeed['kind'] = 'table'): TableNeed | undefined {
  if (SYSTEM.test(key) || n.created.has(key)) return undefined;
  let t = n.tables.get(key);
  if (!t) {
    const [schema, name] = key.includes('.') ? key.split('.', 2) : [undefined, key];
    if (schema) n.schemas.add(schema);
    t = { schema, name, kind, columns: new Map(), unique: new Set() };
    n.tables.set(key, t);
  } else if (kind !== 'table' && t.kind === 'table') {
    t.kind = kind;
  }
  return t;
}

const SYSTEM_COLUMNS = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']);

function column(n: Needs, key: string, col: string | undefined, need: Partial<ColumnNeed> = {}): void {
  if (!col || SYSTEM_COLUMNS.has(col) || n.createdColumns.has(`${key}.${col}`)) return;
  const t = table(n, key);
  if (!t) return;
  const prev = t.columns.get(col);
  t.columns.set(col, { type: need.type ?? prev?.type ?? guessType(col), notNull: need.notNull || prev?.notNull, identity: need.identity || prev?.identity, generated: need.generated || prev?.generated });
}

/** Column names referenced in an expression (the last field of each ColumnRef). */
function columnRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const x of node) columnRefs(x, out);
    return out;
  }
  if (!node || typeof node !== 'object') return out;
  const o = node as Record<string, any>;
  if (o.ColumnRef) {
    const f = names(o.ColumnRef.fields);
    if (f.length) out.push(f[f.length - 1]);
  }
  for (const k in o) if (k !== 'ColumnRef' && o[k] && typeof o[k] === 'object') columnRefs(o[k], out);
  return out;
}

/** RangeVars of a FROM clause / anywhere (for DML and queries). */
function rangeVars(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const x of node) rangeVars(x, out);
    return out;
  }
  if (!node || typeof node !== 'object') return out;
  const o = node as Record<string, any>;
  if (o.RangeVar?.relname) out.push(relKey(o.RangeVar));
  for (const k in o) if (o[k] && typeof o[k] === 'object') rangeVars(o[k], out);
  return out;
}

function markCreated(n: Needs, s: Statement): void {
  const b = s.body;
  switch (s.kind) {
    case 'CreateStmt':
      if (b.relation) {
        const key = relKey(b.relation);
        n.created.add(key);
        for (const el of b.tableElts ?? []) {
          if (el.ColumnDef) n.createdColumns.add(`${key}.${el.ColumnDef.colname}`);
          // named constraints of the table (a history's FOREIGN KEY … the fixture drops)
          const named = el.Constraint ? [el.Constraint] : (el.ColumnDef?.constraints ?? []).map((c: any) => c.Constraint);
          for (const con of named) if (con?.conname) n.created.add(`constraint:${key}.${con.conname}`);
        }
      }
      break;
    case 'CreateTableAsStmt':
      if (b.into?.rel) n.created.add(relKey(b.into.rel));
      break;
    case 'ViewStmt':
      if (b.view) n.created.add(relKey(b.view));
      break;
    case 'IndexStmt':
      if (b.idxname) n.created.add(b.relation?.schemaname ? `${b.relation.schemaname}.${b.idxname}` : b.idxname);
      break;
    case 'CreateSeqStmt':
      if (b.sequence) n.created.add(relKey(b.sequence));
      break;
    case 'CreateEnumStmt':
      n.created.add(names(b.typeName).join('.'));
      break;
    case 'CreateDomainStmt':
      n.created.add(names(b.domainname).join('.'));
      break;
    case 'CompositeTypeStmt':
      if (b.typevar) n.created.add(relKey(b.typevar));
      break;
    case 'CreateSchemaStmt':
      if (b.schemaname) n.created.add(`schema:${b.schemaname}`);
      break;
    case 'AlterTableStmt':
      for (const c of b.cmds ?? []) {
        const cmd = c.AlterTableCmd;
        if (cmd?.subtype === 'AT_AddColumn' && cmd.def?.ColumnDef) n.createdColumns.add(`${relKey(b.relation ?? {})}.${cmd.def.ColumnDef.colname}`);
        if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.conname) n.created.add(`constraint:${relKey(b.relation ?? {})}.${cmd.def.Constraint.conname}`);
      }
      break;
    case 'RenameStmt':
      // the new name is created by the rename
      if (b.renameType === 'OBJECT_COLUMN' && b.relation && b.newname) n.createdColumns.add(`${relKey(b.relation)}.${b.newname}`);
      break;
  }
}

function need(n: Needs, s: Statement): void {
  const b = s.body;
  switch (s.kind) {
    case 'AlterTableStmt': {
      const key = relKey(b.relation ?? {});
      if (b.objtype === 'OBJECT_INDEX') {
        index(n, key);
        for (const c of b.cmds ?? []) {
          const pc = c.AlterTableCmd?.def?.PartitionCmd;
          if (pc?.name) index(n, relKey(pc.name));
        }
        return;
      }
      if (b.objtype === 'OBJECT_VIEW') return void table(n, key, 'view');
      if (b.objtype === 'OBJECT_MATVIEW') return void table(n, key, 'matview');
      if (b.objtype === 'OBJECT_SEQUENCE') return void (n.created.has(key) || n.sequences.add(key));
      table(n, key);
      for (const c of b.cmds ?? []) alterCmd(n, key, c.AlterTableCmd ?? {});
      return;
    }
    case 'RenameStmt': {
      const key = b.relation ? relKey(b.relation) : '';
      switch (b.renameType) {
        case 'OBJECT_INDEX':
          return index(n, key);
        case 'OBJECT_VIEW':
          return void table(n, key, 'view');
        case 'OBJECT_MATVIEW':
          return void table(n, key, 'matview');
        case 'OBJECT_COLUMN':
          return column(n, key, b.subname);
        case 'OBJECT_TABCONSTRAINT':
          table(n, key);
          return constraint(n, key, b.subname);
        case 'OBJECT_TRIGGER':
          table(n, key);
          return trigger(n, key, b.subname);
        case 'OBJECT_POLICY':
          table(n, key);
          if (b.subname && !n.created.has(`policy:${b.subname}`)) n.policies.set(`${key}.${b.subname}`, { table: key, name: b.subname });
          return;
        case 'OBJECT_RULE':
          table(n, key);
          if (b.subname) n.rules.set(`${key}.${b.subname}`, { table: key, name: b.subname });
          return;
        case 'OBJECT_TABLE':
          return void table(n, key);
        case 'OBJECT_TYPE': {
          const t = names(b.object?.List?.items).join('.');
          if (t && !n.created.has(t)) n.enums.set(t, n.enums.get(t) ?? new Set());
          return;
        }
      }
      return;
    }
    case 'IndexStmt': {
      const key = relKey(b.relation ?? {});
      table(n, key);
      for (const p of b.indexParams ?? []) {
        if (p.IndexElem?.name) column(n, key, p.IndexElem.name);
        else for (const c of columnRefs(p.IndexElem?.expr)) column(n, key, c);
      }
      for (const c of columnRefs(b.whereClause)) column(n, key, c);
      return;
    }
    case 'ReindexStmt':
      if (b.kind === 'REINDEX_OBJECT_INDEX' && b.relation) index(n, relKey(b.relation));
      else if (b.kind === 'REINDEX_OBJECT_TABLE' && b.relation) table(n, relKey(b.relation));
      else if (b.kind === 'REINDEX_OBJECT_SCHEMA' && b.name) n.schemas.add(b.name);
      return;
    case 'RefreshMatViewStmt':
      if (b.relation) table(n, relKey(b.relation), 'matview');
      return;
    case 'ClusterStmt':
      if (b.relation) {
        const key = relKey(b.relation);
        table(n, key);
        if (b.indexname) index(n, b.relation.schemaname ? `${b.relation.schemaname}.${b.indexname}` : b.indexname, key);
      }
      return;
    case 'DropStmt':
      for (const o of b.objects ?? []) {
        const parts = o.List ? names(o.List.items) : o.String ? [o.String.sval] : o.TypeName ? names(o.TypeName.names) : [];
        const key = parts.join('.');
        switch (b.removeType) {
          case 'OBJECT_TABLE':
            table(n, key);
            break;
          case 'OBJECT_VIEW':
            table(n, key, 'view');
            break;
          case 'OBJECT_MATVIEW':
            table(n, key, 'matview');
            break;
          case 'OBJECT_INDEX':
            index(n, key);
            break;
          case 'OBJECT_SEQUENCE':
            if (!n.created.has(key)) n.sequences.add(key);
            break;
          case 'OBJECT_SCHEMA':
            if (!n.created.has(`schema:${key}`)) n.schemas.add(key);
            break;
          case 'OBJECT_TYPE':
            if (!n.created.has(key)) n.enums.set(key, n.enums.get(key) ?? new Set());
            break;
          case 'OBJECT_DOMAIN':
            if (!n.created.has(key)) n.domains.add(key);
            break;
          case 'OBJECT_TRIGGER':
          case 'OBJECT_POLICY':
          case 'OBJECT_RULE': {
            const name = parts.pop()!;
            const t = parts.join('.');
            table(n, t);
            if (b.removeType === 'OBJECT_TRIGGER') trigger(n, t, name);
            else if (b.removeType === 'OBJECT_POLICY') n.policies.set(`${t}.${name}`, { table: t, name });
            else n.rules.set(`${t}.${name}`, { table: t, name });
            break;
          }
        }
      }
      return;
    case 'AlterEnumStmt': {
      const key = names(b.typeName).join('.');
      if (n.created.has(key)) return;
      const vals = n.enums.get(key) ?? new Set<string>();
      if (b.newValNeighbor) vals.add(b.newValNeighbor);
      if (b.oldVal) vals.add(b.oldVal);
      n.enums.set(key, vals);
      if (key.includes('.')) n.schemas.add(key.split('.')[0]);
      return;
    }
    case 'AlterDomainStmt': {
      const key = names(b.typeName).join('.');
      if (!n.created.has(key)) n.domains.add(key);
      return;
    }
    case 'AlterSeqStmt':
      if (b.sequence && !n.created.has(relKey(b.sequence))) n.sequences.add(relKey(b.sequence));
      return;
    case 'CreateTrigStmt':
      if (b.relation) table(n, relKey(b.relation));
      if (b.funcname) n.functions.add(names(b.funcname).join('.'));
      return;
    case 'CreateStmt':
      for (const el of b.tableElts ?? []) {
        const cons = el.ColumnDef ? el.ColumnDef.constraints ?? [] : el.Constraint ? [el] : [];
        for (const c of cons) if (c.Constraint?.contype === 'CONSTR_FOREIGN') references(n, c.Constraint, el.ColumnDef?.colname);
      }
      for (const p of b.inhRelations ?? []) {
        if (!p.RangeVar) continue;
        const t = table(n, relKey(p.RangeVar), b.partbound ? 'partitioned' : 'table');
        if (t && b.partbound) t.columns.set('created_at', { type: 'timestamptz' });
      }
      return;
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'InsertStmt': {
      const key = relKey(b.relation ?? {});
      table(n, key);
      for (const t of b.targetList ?? []) if (t.ResTarget?.name) column(n, key, t.ResTarget.name);
      for (const t of b.cols ?? []) if (t.ResTarget?.name) column(n, key, t.ResTarget.name);
      const from = rangeVars(b.fromClause ?? b.usingClause ?? []);
      const refs = columnRefs([b.whereClause, b.targetList, b.returningList]);
      if (from.length === 0) for (const c of refs) column(n, key, c);
      for (const f of rangeVars(b.selectStmt ?? [])) table(n, f);
      for (const f of from) table(n, f);
      return;
    }
    case 'LockStmt':
    case 'TruncateStmt':
    case 'VacuumStmt':
      for (const r of rangeVars(b.relations ?? b.rels ?? [])) table(n, r);
      for (const r of b.rels ?? []) if (r.VacuumRelation?.relation) table(n, relKey(r.VacuumRelation.relation));
      return;
    case 'CommentStmt':
    case 'GrantStmt':
      return;
    default: {
      // queries: every table in FROM; columns when there is exactly one
      const from = rangeVars(b);
      for (const f of from) table(n, f);
      if (from.length === 1 && (s.kind === 'SelectStmt' || s.kind === 'CreateTableAsStmt' || s.kind === 'ViewStmt')) {
        for (const c of columnRefs(b)) if (c !== '*') column(n, from[0], c);
      }
    }
  }
}

function alterCmd(n: Needs, key: string, cmd: any): void {
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = cmd.def?.ColumnDef;
      for (const c of def?.constraints ?? []) if (c.Constraint?.contype === 'CONSTR_FOREIGN') references(n, c.Constraint, def.colname);
      return;
    }
    case 'AT_AlterColumnType': {
      const target = names(cmd.def?.ColumnDef?.typeName?.names);
      if (cmd.def?.ColumnDef?.raw_default) column(n, key, cmd.name, { type: 'text' });
      else column(n, key, cmd.name, { type: typeBefore(target, cmd.name) });
      for (const c of columnRefs(cmd.def?.ColumnDef?.raw_default)) column(n, key, c);
      return;
    }
    case 'AT_AddIdentity':
    case 'AT_SetIdentity':
      return column(n, key, cmd.name, { type: 'bigint', notNull: true, identity: cmd.subtype === 'AT_SetIdentity' });
    case 'AT_DropIdentity':
      return column(n, key, cmd.name, { type: 'bigint', notNull: true, identity: true });
    case 'AT_DropExpression':
    case 'AT_SetExpression':
      return column(n, key, cmd.name, { type: 'integer', generated: true });
    case 'AT_SetNotNull':
    case 'AT_DropNotNull':
    case 'AT_ColumnDefault':
    case 'AT_DropColumn':
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
    case 'AT_SetStorage':
    case 'AT_SetCompression':
      column(n, key, cmd.name, cmd.subtype === 'AT_DropNotNull' ? { notNull: true } : {});
      for (const c of columnRefs(cmd.def)) column(n, key, c);
      return;
    case 'AT_AddConstraint': {
      const con = cmd.def?.Constraint ?? {};
      for (const k of names(con.keys)) column(n, key, k);
      for (const k of names(con.fk_attrs)) column(n, key, k);
      for (const c of columnRefs(con.raw_expr)) column(n, key, c);
      for (const e of con.exclusions ?? []) for (const c of columnRefs(e)) column(n, key, c);
      for (const e of con.exclusions ?? []) if (e.List?.items?.[0]?.IndexElem?.name) column(n, key, e.List.items[0].IndexElem.name);
      if (con.contype === 'CONSTR_FOREIGN') references(n, con);
      if (con.indexname) {
        const cols = names(con.keys);
        const col = cols[0] ?? 'id';
        column(n, key, col, con.contype === 'CONSTR_PRIMARY' ? { notNull: true } : {});
        index(n, key.includes('.') ? `${key.split('.')[0]}.${con.indexname}` : con.indexname, key, col, true);
      }
      return;
    }
    case 'AT_ValidateConstraint':
    case 'AT_DropConstraint':
    case 'AT_AlterConstraint':
      if (cmd.subtype === 'AT_DropConstraint' && cmd.missing_ok) return;
      return constraint(n, key, cmd.name ?? cmd.def?.ATAlterConstraint?.conname ?? cmd.def?.Constraint?.conname);
    case 'AT_ClusterOn':
      return index(n, cmd.name, key);
    case 'AT_EnableTrig':
    case 'AT_DisableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
      return trigger(n, key, cmd.name);
    case 'AT_AttachPartition':
    case 'AT_DetachPartition': {
      const t = table(n, key, 'partitioned');
      if (t) t.columns.set('created_at', { type: 'timestamptz', notNull: true });
      const part = cmd.def?.PartitionCmd?.name;
      if (part) {
        const p = table(n, relKey(part));
        if (p) {
          p.columns.set('created_at', { type: 'timestamptz', notNull: true });
          if (cmd.subtype === 'AT_DetachPartition') (p as TableNeed & { partitionOf?: string }).partitionOf = key;
        }
      }
      return;
    }
    case 'AT_SetLogged': {
      const t = table(n, key);
      if (t) t.unlogged = true;
      return;
    }
    case 'AT_AddInherit':
    case 'AT_DropInherit':
      if (cmd.def?.RangeVar) table(n, relKey(cmd.def.RangeVar));
      return;
  }
}

function references(n: Needs, con: any, column?: string): void {
  if (!con.pktable) return;
  const key = relKey(con.pktable);
  const cols = names(con.pk_attrs);
  const pk = cols.length ? cols : ['id'];
  const t = table(n, key);
  if (!t) return;
  for (const c of pk) {
    if (!t.columns.has(c)) t.columns.set(c, { type: 'bigint' });
    t.columns.set(c, { ...t.columns.get(c)!, type: t.columns.get(c)!.type === 'text' ? 'text' : 'bigint' });
  }
  t.unique.add(pk.join(','));
  void column;
}

function index(n: Needs, key: string, onTable?: string, col?: string, unique = false): void {
  if (!key || n.created.has(key) || n.indexes.has(key)) return;
  // the table: given, or the longest known table whose name prefixes the index name
  let t = onTable;
  if (!t) {
    const bare = key.includes('.') ? key.split('.')[1] : key;
    const schema = key.includes('.') ? key.split('.')[0] + '.' : '';
    const known = [...n.tables.keys(), ...n.created].filter((k) => !k.includes(':'));
    t = known.filter((k) => (schema ? k.startsWith(schema) : !k.includes('.')) && bare.startsWith((k.includes('.') ? k.split('.')[1] : k) + '_')).sort((a, b) => b.length - a.length)[0];
    if (!t) t = `${schema}${bare.replace(/_(idx|key|pkey|index)$/, '')}_t`;
  }
  const bareTable = t.includes('.') ? t.split('.')[1] : t;
  const bareIndex = key.includes('.') ? key.split('.')[1] : key;
  const guess = bareIndex.startsWith(bareTable + '_') ? bareIndex.slice(bareTable.length + 1).replace(/_(idx|key|index)$/, '') : '';
  const c = col ?? (guess && /^[a-z_][a-z0-9_]*$/.test(guess) ? guess : 'id');
  if (!n.created.has(t)) column(n, t, c);
  n.indexes.set(key, { table: t, column: c, unique });
}

function constraint(n: Needs, key: string, name: string | undefined): void {
  if (!name || n.created.has(`constraint:${key}.${name}`)) return;
  n.constraints.set(`${key}.${name}`, { table: key, name });
}

function trigger(n: Needs, key: string, name: string | undefined): void {
  if (!name) return;
  n.triggers.set(`${key}.${name}`, { table: key, name });
}

/** SQL that creates what the fixture needs (empty string: nothing). */
export function synthesizeSchema(parsed: ParsedFile, history?: ParsedFile): string {
  const n: Needs = {
    schemas: new Set(),
    tables: new Map(),
    indexes: new Map(),
    constraints: new Map(),
    enums: new Map(),
    domains: new Set(),
    sequences: new Set(),
    triggers: new Map(),
    policies: new Map(),
    rules: new Map(),
    functions: new Set(),
    created: new Set(),
    createdColumns: new Set(),
  };
  const all: Statement[] = [];
  for (const s of parsed.statements) {
    if (s.kind === 'SyntaxError') continue;
    all.push(s);
    for (const c of s.children ?? []) all.push(c);
  }
  for (const s of history?.statements ?? []) markCreated(n, s);
  for (const s of all) markCreated(n, s);
  for (const s of all) need(n, s);

  // schemas of the objects the fixture creates
  for (const c of n.created) {
    const m = /^(?:[a-z]+:)?([^.]+)\.[^.]+$/.exec(c);
    if (m && !c.startsWith('constraint:') && !c.startsWith('schema:')) n.schemas.add(m[1]);
  }
  const out: string[] = [];
  for (const s of n.schemas) if (s !== 'public' && !n.created.has(`schema:${s}`)) out.push(`CREATE SCHEMA IF NOT EXISTS ${q(s)};`);
  for (const [e, vals] of n.enums) {
    if (e.includes('.')) out.push(`CREATE SCHEMA IF NOT EXISTS ${q(e.split('.')[0])};`);
    const v = vals.size ? [...vals] : ['a'];
    out.push(`CREATE TYPE ${qualified(e)} AS ENUM (${v.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')});`);
  }
  for (const d of n.domains) out.push(`CREATE DOMAIN ${qualified(d)} AS integer;`);
  for (const s of n.sequences) out.push(`CREATE SEQUENCE ${qualified(s)};`);
  const needsTriggerFn = n.triggers.size > 0 || n.functions.size > 0;
  if (needsTriggerFn) out.push(`CREATE OR REPLACE FUNCTION public.godwit_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;`);
  for (const f of n.functions) if (f !== 'godwit_noop' && !f.startsWith('pg_')) out.push(`CREATE OR REPLACE FUNCTION ${qualified(f)}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;`);

  // tables (plain first: views and materialized views may read nothing), then partitions
  const tables = [...n.tables.entries()].filter(([k]) => !n.created.has(k));
  for (const [key, t] of tables) {
    if (t.kind === 'view' || t.kind === 'matview') continue;
    const cols = [...t.columns.entries()];
    if (!cols.some(([c]) => c === 'id')) cols.unshift(['id', { type: 'bigint' }]);
    const defs = cols.map(([c, col]) => {
      if (col.generated) return `${q(c)} integer GENERATED ALWAYS AS (1) STORED`;
      if (col.identity) return `${q(c)} bigint GENERATED BY DEFAULT AS IDENTITY`;
      return `${q(c)} ${col.type}${col.notNull ? ' NOT NULL' : ''}`;
    });
    for (const u of t.unique) defs.push(`UNIQUE (${u.split(',').map(q).join(', ')})`);
    const partitionOf = (t as TableNeed & { partitionOf?: string }).partitionOf;
    if (t.kind === 'partitioned') {
      if (!t.columns.has('created_at')) defs.push('created_at timestamptz NOT NULL');
      out.push(`CREATE TABLE ${qualified(key)} (${defs.join(', ')}) PARTITION BY RANGE (created_at);`);
    } else if (partitionOf) {
      out.push(`CREATE TABLE ${qualified(key)} (${defs.join(', ')});`);
    } else {
      out.push(`CREATE ${t.unlogged ? 'UNLOGGED ' : ''}TABLE ${qualified(key)} (${defs.join(', ')});`);
    }
  }
  for (const [key, t] of tables) {
    const partitionOf = (t as TableNeed & { partitionOf?: string }).partitionOf;
    if (partitionOf) out.push(`ALTER TABLE ${qualified(partitionOf)} ATTACH PARTITION ${qualified(key)} FOR VALUES FROM ('2000-01-01') TO ('2100-01-01');`);
  }
  for (const [key, i] of n.indexes) {
    const schema = key.includes('.') ? key.split('.')[0] : undefined;
    const bare = key.includes('.') ? key.split('.')[1] : key;
    if (schema && i.table.includes('.') && i.table.split('.')[0] !== schema) continue;
    if (!n.tables.has(i.table) && !n.created.has(i.table)) table(n, i.table);
    out.push(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${q(bare)} ON ${qualified(i.table)} (${q(i.column)});`);
  }
  for (const c of n.constraints.values()) out.push(`ALTER TABLE ${qualified(c.table)} ADD CONSTRAINT ${q(c.name)} CHECK (true) NOT VALID;`);
  for (const t of n.triggers.values()) out.push(`CREATE TRIGGER ${q(t.name)} BEFORE UPDATE ON ${qualified(t.table)} FOR EACH ROW EXECUTE FUNCTION public.godwit_noop();`);
  for (const p of n.policies.values()) out.push(`CREATE POLICY ${q(p.name)} ON ${qualified(p.table)} USING (true);`);
  for (const r of n.rules.values()) out.push(`CREATE RULE ${q(r.name)} AS ON DELETE TO ${qualified(r.table)} DO ALSO NOTHING;`);
  for (const [key, t] of tables) {
    if (t.kind !== 'view' && t.kind !== 'matview') continue;
    const cols = [...t.columns.keys()];
    const select = `SELECT 1::bigint AS id${cols.filter((c) => c !== 'id').map((c) => `, NULL::text AS ${q(c)}`).join('')}`;
    if (t.kind === 'view') out.push(`CREATE VIEW ${qualified(key)} AS ${select};`);
    else out.push(`CREATE MATERIALIZED VIEW ${qualified(key)} AS ${select};`, `CREATE UNIQUE INDEX ON ${qualified(key)} (id);`);
  }
  return out.join('\n');
}
