/**
 * SQLAlchemy's PostgreSQL DDL, as its PostgreSQL dialect compiles it (sqlalchemy
 * lib/sqlalchemy/dialects/postgresql/base.py PGDDLCompiler/PGTypeCompiler, sql/compiler.py
 * GenericTypeCompiler/DDLCompiler/IdentifierPreparer): types, identifier quoting, server
 * defaults, column specifications, CREATE TABLE, constraints and indexes. Alembic (alembic.ts)
 * compiles its operations through these.
 */
import { str, num, bool, items, type PyValue } from '../python/values.js';
import { snippetOf } from '../python/parse.js';

/** sqlalchemy.dialects.postgresql RESERVED_WORDS: names SQLAlchemy quotes. */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date ' +
    'current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from ' +
    'grant group having in initially intersect into leading limit localtime localtimestamp new not null of off offset old on only or order ' +
    'placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when ' +
    'where window with authorization between binary cross current_schema freeze full ilike inner is isnull join left like natural notnull ' +
    'outer over overlaps right similar verbose'
  ).split(' '),
);

/** IdentifierPreparer.quote: quoted when reserved, not all legal characters, starting with a digit or `$`, or not lower case. */
export function quoteIdent(name: string): string {
  const needs = RESERVED.has(name.toLowerCase()) || /^[0-9$]/.test(name) || !/^[A-Za-z0-9_$]+$/.test(name) || name.toLowerCase() !== name;
  return needs ? `"${name.replace(/"/g, '""')}"` : name;
}

/** `schema.table` with each part quoted as needed. */
export function quoteTable(name: string, schema?: string): string {
  return schema ? `${schema.split('.').map(quoteIdent).join('.')}.${quoteIdent(name)}` : quoteIdent(name);
}

/** A SQL string literal (String().literal_processor on PostgreSQL: quotes doubled). */
export function sqlLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The last part of a dotted path (`sqlalchemy.dialects.postgresql.JSONB` → `JSONB`). */
export function leaf(path: string | undefined): string {
  return path ? path.slice(path.lastIndexOf('.') + 1) : '';
}

/** A type that could not be read: named by its Python expression as a quoted identifier (PostgreSQL's grammar accepts it as a type name). */
export function unknownType(src: string, v: PyValue): string {
  return `"${snippetOf(src, v.node, 50).replace(/"/g, '""')}"`;
}

export interface SaType {
  sql: string;
  /** a native ENUM type: CREATE TYPE before the table (create_table), name and labels */
  enum?: { name: string; labels: string[] | undefined; create: boolean };
  /** the type could not be read (its Python expression stands for it) */
  unknown?: boolean;
  integer?: 'small' | 'int' | 'big';
}

const PLAIN: Record<string, string> = {
  Integer: 'INTEGER', INTEGER: 'INTEGER', INT: 'INTEGER', SmallInteger: 'SMALLINT', SMALLINT: 'SMALLINT', BigInteger: 'BIGINT', BIGINT: 'BIGINT',
  Text: 'TEXT', TEXT: 'TEXT', UnicodeText: 'TEXT', CLOB: 'CLOB', Boolean: 'BOOLEAN', BOOLEAN: 'BOOLEAN', Date: 'DATE', DATE: 'DATE',
  LargeBinary: 'BYTEA', BYTEA: 'BYTEA', PickleType: 'BYTEA', BLOB: 'BLOB', JSON: 'JSON', JSONB: 'JSONB', HSTORE: 'HSTORE', Uuid: 'UUID', UUID: 'UUID',
  INET: 'INET', CIDR: 'CIDR', MACADDR: 'MACADDR', MACADDR8: 'MACADDR8', MONEY: 'MONEY', OID: 'OID', REGCLASS: 'REGCLASS', REGCONFIG: 'REGCONFIG',
  TSVECTOR: 'TSVECTOR', TSQUERY: 'TSQUERY', CITEXT: 'CITEXT', REAL: 'REAL', Double: 'DOUBLE PRECISION', DOUBLE_PRECISION: 'DOUBLE PRECISION',
  DOUBLE: 'DOUBLE', INT4RANGE: 'INT4RANGE', INT8RANGE: 'INT8RANGE', NUMRANGE: 'NUMRANGE', DATERANGE: 'DATERANGE', TSRANGE: 'TSRANGE',
  TSTZRANGE: 'TSTZRANGE', INT4MULTIRANGE: 'INT4MULTIRANGE', INT8MULTIRANGE: 'INT8MULTIRANGE', NUMMULTIRANGE: 'NUMMULTIRANGE',
  DATEMULTIRANGE: 'DATEMULTIRANGE', TSMULTIRANGE: 'TSMULTIRANGE', TSTZMULTIRANGE: 'TSTZMULTIRANGE', JSONPATH: 'JSONPATH',
};

const INTEGER_KIND: Record<string, SaType['integer']> = { Integer: 'int', INTEGER: 'int', INT: 'int', SmallInteger: 'small', SMALLINT: 'small', BigInteger: 'big', BIGINT: 'big' };

/** Is this value a SQLAlchemy type (a class or an instance)? */
export function isTypeValue(v: PyValue | undefined): boolean {
  if (!v) return false;
  const name = v.kind === 'call' ? leaf(v.fn) : v.kind === 'name' ? leaf(v.path) : '';
  return name in PLAIN || ['String', 'VARCHAR', 'Unicode', 'NVARCHAR', 'CHAR', 'NCHAR', 'Numeric', 'NUMERIC', 'DECIMAL', 'Float', 'FLOAT', 'DateTime', 'TIMESTAMP', 'DATETIME', 'Time', 'TIME', 'Interval', 'INTERVAL', 'ARRAY', 'Enum', 'ENUM', 'BIT', 'TypeDecorator'].includes(name);
}

/** A SQLAlchemy type expression (`sa.String(80)`, `sa.Integer`, `JSONB(astext_type=sa.Text())` …) as PostgreSQL spells it. */
export function pgType(src: string, v: PyValue): SaType {
  const call = v.kind === 'call' ? v : undefined;
  const name = call ? leaf(call.fn) : v.kind === 'name' ? leaf(v.path) : '';
  const a = (i: number, k: string): PyValue | undefined => (call ? (call.kwargs.get(k) ?? call.args[i]) : undefined);
  if (call && !call.fn) return { sql: unknownType(src, v), unknown: true };
  if (name in PLAIN) return { sql: PLAIN[name], ...(INTEGER_KIND[name] ? { integer: INTEGER_KIND[name] } : {}) };
  const collate = (t: string): string => {
    const c = str(a(-1, 'collation'));
    return c ? `${t} COLLATE ${quoteIdent(c)}` : t;
  };
  switch (name) {
    case 'String':
    case 'VARCHAR':
    case 'Unicode':
    case 'NVARCHAR': {
      const n = num(a(0, 'length'));
      return { sql: collate(`${name === 'NVARCHAR' ? 'NVARCHAR' : 'VARCHAR'}${n ? `(${n})` : ''}`) };
    }
    case 'CHAR':
    case 'NCHAR': {
      const n = num(a(0, 'length'));
      return { sql: collate(`${name}${n ? `(${n})` : ''}`) };
    }
    case 'Numeric':
    case 'NUMERIC':
    case 'DECIMAL': {
      const kw = name === 'DECIMAL' ? 'DECIMAL' : 'NUMERIC';
      const p = num(a(0, 'precision'));
      const s = num(a(1, 'scale'));
      return { sql: p === undefined ? kw : s === undefined ? `${kw}(${p})` : `${kw}(${p}, ${s})` };
    }
    case 'Float':
    case 'FLOAT': {
      const p = num(a(0, 'precision'));
      return { sql: p ? `FLOAT(${p})` : 'FLOAT' };
    }
    case 'DATETIME':
      return { sql: 'DATETIME' }; // GenericTypeCompiler.visit_DATETIME (PostgreSQL has no such type)
    case 'DateTime':
    case 'TIMESTAMP':
    case 'Time':
    case 'TIME': {
      const base = name === 'Time' || name === 'TIME' ? 'TIME' : 'TIMESTAMP';
      const tz = bool(a(0, 'timezone')) === true;
      const p = name === 'TIMESTAMP' || name === 'TIME' ? num(a(1, 'precision')) : undefined;
      return { sql: `${base}${p !== undefined ? `(${p})` : ''} ${tz ? 'WITH' : 'WITHOUT'} TIME ZONE` };
    }
    case 'Interval':
    case 'INTERVAL': {
      const fields = name === 'INTERVAL' ? str(a(1, 'fields')) : str(a(-1, 'fields'));
      const p = name === 'INTERVAL' ? num(a(0, 'precision')) : num(a(-1, 'second_precision'));
      return { sql: `INTERVAL${fields ? ` ${fields}` : ''}${p !== undefined ? ` (${p})` : ''}` };
    }
    case 'BIT': {
      const n = num(a(0, 'length'));
      const varying = bool(a(1, 'varying')) === true;
      return { sql: varying ? `BIT VARYING${n !== undefined ? `(${n})` : ''}` : `BIT(${n ?? 1})` };
    }
    case 'ARRAY': {
      const item = a(0, 'item_type');
      const inner = item ? pgType(src, item) : { sql: unknownType(src, v), unknown: true };
      const dims = num(a(-1, 'dimensions')) ?? 1;
      const m = / COLLATE .*$/.exec(inner.sql);
      const base = m ? inner.sql.slice(0, m.index) : inner.sql;
      return { ...inner, sql: `${base}${'[]'.repeat(dims)}${m ? m[0] : ''}`, enum: inner.enum };
    }
    case 'Enum':
    case 'ENUM': {
      const labels = call ? call.args.map((x) => str(x)) : [];
      const known = labels.every((l): l is string => l !== undefined) ? (labels as string[]) : undefined;
      const native = bool(call?.kwargs.get('native_enum')) !== false;
      const enumName = str(call?.kwargs.get('name')) ?? (call?.args.length === 1 && call.args[0].kind === 'name' ? leaf(call.args[0].path).toLowerCase() : undefined);
      if (!native) {
        const len = known ? Math.max(0, ...known.map((l) => l.length)) : undefined;
        return { sql: len ? `VARCHAR(${num(call?.kwargs.get('length')) ?? len})` : 'VARCHAR' };
      }
      if (!enumName) return { sql: unknownType(src, v), unknown: true };
      const create = bool(call?.kwargs.get('create_type')) !== false;
      return { sql: quoteIdent(enumName), enum: { name: enumName, labels: call?.args.length === 1 && call.args[0].kind === 'name' ? undefined : known, create } };
    }
    default:
      return { sql: unknownType(src, v), unknown: true };
  }
}

/**
 * A server default as DDL (DDLCompiler.get_column_default_string): a string → a quoted
 * literal, `sa.text('now()')` → its text, `sa.func.now()` → `now()`, `sa.false()` → `false`.
 * Undefined when it cannot be read.
 */
export function serverDefault(src: string, v: PyValue): string | undefined {
  const s = str(v);
  if (s !== undefined) return sqlLiteral(s);
  return sqlExpression(src, v);
}

const ANSI_FUNCTIONS = new Set(['current_date', 'current_time', 'current_timestamp', 'current_user', 'localtime', 'localtimestamp', 'session_user', 'user', 'current_role', 'current_schema']);

/** A SQLAlchemy SQL expression compiled with literal binds: `text()`, `func.x()`, `true()`, `null()`, `literal()`, `literal_column()`, numbers. */
export function sqlExpression(src: string, v: PyValue): string | undefined {
  if (v.kind === 'num') return v.text;
  if (v.kind === 'bool') return v.value ? 'true' : 'false';
  if (v.kind === 'none') return 'NULL';
  if (v.kind !== 'call') return undefined;
  const fn = v.fn ?? '';
  const name = leaf(fn);
  if ((name === 'text' || name === 'literal_column') && v.args.length >= 1) return str(v.args[0]);
  if (name === 'true' || name === 'false') return name;
  if (name === 'null') return 'NULL';
  if (name === 'literal' && v.args.length >= 1) {
    const s = str(v.args[0]);
    return s !== undefined ? sqlLiteral(s) : sqlExpression(src, v.args[0]);
  }
  if (name === 'cast' && v.args.length === 2) {
    const inner = serverDefault(src, v.args[0]);
    const t = pgType(src, v.args[1]);
    return inner !== undefined && !t.unknown ? `CAST(${inner} AS ${t.sql})` : undefined;
  }
  const m = /(^|\.)func\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(fn);
  if (m) {
    const f = m[2];
    if (ANSI_FUNCTIONS.has(f.toLowerCase()) && v.args.length === 0) return f.toUpperCase();
    const args = v.args.map((x) => serverDefault(src, x));
    if (args.some((x) => x === undefined) || v.kwargs.size || v.spread) return undefined;
    return `${f}(${args.join(', ')})`;
  }
  return undefined;
}

/** A foreign key of a column (`sa.ForeignKey('users.id', ondelete='CASCADE')`) or of a table (`sa.ForeignKeyConstraint`). */
export interface SaForeignKey {
  name?: string;
  columns: string[];
  refTable: string;
  refSchema?: string;
  refColumns: string[];
  ondelete?: string;
  onupdate?: string;
  deferrable?: boolean;
  initially?: string;
  match?: string;
  notValid?: boolean;
}

/** `ON DELETE … ON UPDATE … DEFERRABLE INITIALLY …` (define_constraint_cascades, define_constraint_deferrability). */
export function fkTail(fk: SaForeignKey): string {
  let s = '';
  if (fk.match) s += ` MATCH ${fk.match}`;
  if (fk.ondelete) s += ` ON DELETE ${fk.ondelete}`;
  if (fk.onupdate) s += ` ON UPDATE ${fk.onupdate}`;
  if (fk.deferrable !== undefined) s += fk.deferrable ? ' DEFERRABLE' : ' NOT DEFERRABLE';
  if (fk.initially) s += ` INITIALLY ${fk.initially}`;
  if (fk.notValid) s += ' NOT VALID';
  return s;
}

/** `[CONSTRAINT name ]FOREIGN KEY(a) REFERENCES t (id)…` (visit_foreign_key_constraint). */
export function fkClause(fk: SaForeignKey): string {
  return `${fk.name ? `CONSTRAINT ${quoteIdent(fk.name)} ` : ''}FOREIGN KEY(${fk.columns.map(quoteIdent).join(', ')}) REFERENCES ${quoteTable(fk.refTable, fk.refSchema)} (${fk.refColumns.map(quoteIdent).join(', ')})${fkTail(fk)}`;
}

/** `'users.id'` / `'public.users.id'` → table, schema, column. */
export function splitColumnRef(ref: string): { table: string; schema?: string; column: string } | undefined {
  const parts = ref.split('.');
  if (parts.length < 2) return undefined;
  const column = parts.pop()!;
  const table = parts.pop()!;
  return { table, schema: parts.length ? parts.join('.') : undefined, column };
}

/** The strings of a list value (column names), undefined when any is not a constant string. */
export function stringList(v: PyValue | undefined): string[] | undefined {
  if (!v) return undefined;
  const s = str(v);
  if (s !== undefined) return [s];
  const list = items(v);
  if (!list) return undefined;
  const out = list.map((x) => str(x) ?? (x.kind === 'call' && leaf(x.fn) === 'column' ? str(x.args[0]) : undefined));
  return out.every((x): x is string => x !== undefined) ? out : undefined;
}


type CallValue = Extract<PyValue, { kind: 'call' }>;

/**
 * A SQLAlchemy Core statement built on a table of the file (`t = sa.table('queries', …)`):
 * `t.update().where(t.c.id == x).values(schedule=None)`, `t.insert().values(…)`,
 * `t.delete().where(…)`, `sa.update(t)…`, compiled the way SQLAlchemy writes it for
 * PostgreSQL with its values as bind parameters (`$1`). `'select'` for a read; a reason when the
 * statement cannot be read; undefined when the value is not a Core statement.
 */
export function coreStatement(src: string, v: PyValue): string | 'select' | { reason: string } | undefined {
  const chain: CallValue[] = [];
  let cur: PyValue | undefined = v;
  while (cur?.kind === 'call' && cur.object) {
    chain.unshift(cur);
    cur = cur.object;
  }
  let kind: string | undefined;
  let table: string | undefined;
  const fnName = cur?.kind === 'call' ? leaf(cur.fn) : '';
  if (cur?.kind === 'call' && ['update', 'insert', 'delete', 'select'].includes(fnName) && cur.fn?.startsWith('sqlalchemy')) {
    kind = fnName;
    table = tableName(cur.args[0]);
    if (kind === 'select') return 'select';
  } else {
    table = cur ? tableName(cur) : undefined;
    const first = chain.shift();
    kind = first?.method;
    if (kind === 'select' || chain.some((c) => c.method === 'select')) return table !== undefined || kind === 'select' ? 'select' : undefined;
  }
  if (!kind || !['update', 'insert', 'delete'].includes(kind)) return undefined;
  if (table === undefined) return { reason: `the table of the SQLAlchemy Core ${kind}() cannot be read statically` };
  let n = 0;
  const param = (): string => `$${++n}`;
  const sets: string[] = [];
  const wheres: string[] = [];
  for (const c of chain) {
    if (c.method === 'values') {
      const d = c.args[0];
      if (d?.kind === 'dict') for (const [k] of d.entries) sets.push(str(k) ?? String(++n));
      else if (c.args.length) return { reason: `the values of the SQLAlchemy Core ${kind}() cannot be read statically` };
      for (const k of c.kwargs.keys()) sets.push(k);
    } else if (c.method === 'where' || c.method === 'filter') {
      for (const w of c.args) wheres.push(whereSql(src, w.node, table, param));
    } else if (c.method === 'returning' || c.method === 'execution_options') {
      // no effect on what the statement changes
    } else {
      return { reason: `\`.${c.method}()\` of the SQLAlchemy Core ${kind}() is not read by godwit` };
    }
  }
  const t = quoteIdent(table);
  const where = wheres.length ? ` WHERE ${wheres.join(' AND ')}` : '';
  if (kind === 'update') return sets.length ? `UPDATE ${t} SET ${sets.map((s) => `${quoteIdent(s)}=${param()}`).join(', ')}${where}` : { reason: 'the SQLAlchemy Core update() sets no values godwit can read' };
  if (kind === 'delete') return `DELETE FROM ${t}${where}`;
  return `INSERT INTO ${t} (${sets.map(quoteIdent).join(', ')}) VALUES (${sets.map(() => param()).join(', ')})`;
}

/** `sa.table('name', …)`, `sa.Table('name', metadata, …)`, `op.create_table('name', …)`. */
function tableName(v: PyValue | undefined): string | undefined {
  if (v?.kind !== 'call') return undefined;
  const f = leaf(v.fn) || v.method || '';
  return ['table', 'Table', 'create_table', 'TableClause'].includes(f) ? str(v.args[0]) : undefined;
}

/** A where clause as SQLAlchemy writes it: `t.c.col == x` → `t.col = $1`; `and_(…)`/`&` → AND. Unknown parts become a placeholder column. */
function whereSql(src: string, n: import('../python/parse.js').PyNode, table: string, param: () => string): string {
  const text = (x: import('../python/parse.js').PyNode): string => src.slice(x.start, x.end);
  if (n.type === 'parenthesized_expression') return `(${whereSql(src, n.children.find((c) => c.named)!, table, param)})`;
  if (n.type === 'comparison_operator') {
    const [l, r] = n.children.filter((c) => c.named);
    const ops = n.children.filter((c) => !c.named).map(text);
    const col = l?.type === 'attribute' && l.children.find((c) => c.field === 'object')?.type === 'attribute' && text(l.children.find((c) => c.field === 'object')!).endsWith('.c') ? text(l.children.find((c) => c.field === 'attribute')!) : undefined;
    const map: Record<string, string> = { '==': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
    if (col && r && ops.length === 1 && map[ops[0]]) return r.type === 'none' ? `${quoteIdent(table)}.${quoteIdent(col)} IS ${ops[0] === '==' ? '' : 'NOT '}NULL` : `${quoteIdent(table)}.${quoteIdent(col)} ${map[ops[0]]} ${param()}`;
  }
  if (n.type === 'binary_operator' && ['&', '|'].includes(text(n.children.find((c) => c.field === 'operator')!))) {
    const l = n.children.find((c) => c.field === 'left')!;
    const r = n.children.find((c) => c.field === 'right')!;
    return `${whereSql(src, l, table, param)} ${text(n.children.find((c) => c.field === 'operator')!) === '&' ? 'AND' : 'OR'} ${whereSql(src, r, table, param)}`;
  }
  return '__godwit_where__';
}
