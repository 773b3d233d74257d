/**
 * Alembic operations → the PostgreSQL statements Alembic sends for them (alembic
 * operations/ops.py signatures, operations/toimpl.py, ddl/impl.py DefaultImpl, ddl/postgresql.py
 * PostgresqlImpl, ddl/base.py compilers), with SQLAlchemy's PostgreSQL DDL (sqlalchemy.ts).
 *
 *   op.create_index('ix_users_email', 'users', ['email'])  →  CREATE INDEX ix_users_email ON users (email)
 *   op.add_column('users', sa.Column('age', sa.Integer(), nullable=False))  →  ALTER TABLE users ADD COLUMN age INTEGER NOT NULL
 *
 * `batch_op.<operation>` inside `with op.batch_alter_table('t') as batch_op:` is the same
 * operation on `t`: on PostgreSQL Alembic does not recreate the table (recreate="auto"), it
 * runs each operation as an ALTER.
 */
import type { PyNode } from '../python/parse.js';
import { arg, bool, items, str, type PyValue } from '../python/values.js';
import { substitute, type MappedBuilder } from '../strings.js';
import {
  coreStatement,
  fkClause,
  leaf,
  pgType,
  quoteIdent,
  quoteTable,
  serverDefault,
  splitColumnRef,
  sqlExpression,
  sqlLiteral,
  stringList,
  type SaForeignKey,
  type SaType,
} from './sqlalchemy.js';

type Call = Extract<PyValue, { kind: 'call' }>;

export type Translation =
  | { kind: 'builder'; statements: string[] }
  /** SQL text: the value of the string argument (op.execute, conn.execute(text(…))) */
  | { kind: 'sql'; value: Extract<PyValue, { kind: 'str' }> }
  | { kind: 'dynamic'; reason: string; node: PyNode }
  /** an `op` helper that sends nothing (op.f, op.get_bind, op.get_context …) */
  | { kind: 'none' };

/** The operations Alembic's `op` (and a batch's `batch_op`) offers that send SQL. */
export const ALEMBIC_OPERATIONS = new Set([
  'add_column',
  'alter_column',
  'bulk_insert',
  'create_check_constraint',
  'create_exclude_constraint',
  'create_foreign_key',
  'create_index',
  'create_primary_key',
  'create_table',
  'create_table_comment',
  'create_unique_constraint',
  'drop_column',
  'drop_constraint',
  'drop_index',
  'drop_table',
  'drop_table_comment',
  'execute',
  'rename_table',
]);

/** Where a batch operation applies: the table of `op.batch_alter_table(...)`. */
export interface BatchTable {
  table: string;
  schema?: string;
}

export interface AlembicContext {
  src: string;
  batch?: BatchTable;
}

const dynamic = (reason: string, node: PyNode): Translation => ({ kind: 'dynamic', reason, node });
const builder = (...statements: string[]): Translation => ({ kind: 'builder', statements });

/** Translate one call of an Alembic operation (`op.<name>(…)`, or `batch_op.<name>(…)` with `ctx.batch`). */
export function translateAlembic(name: string, call: Call, ctx: AlembicContext): Translation {
  const { src } = ctx;
  if (call.spread) return dynamic(`the arguments of this ${name}() call are unpacked at run time (*args / **kwargs)`, call.node);
  const b = ctx.batch;
  // positional layout differs for batch operations: the table is implied
  const p = (plain: number, batched: number): number => (b ? batched : plain);
  const text = (i: number, k: string, what: string): string | PyValue => {
    const v = arg(call, i, k);
    const s = str(v);
    return s !== undefined ? s : (v ?? ({ kind: 'unknown', reason: `${what} is missing`, node: call.node } as PyValue));
  };
  const need = (v: string | PyValue, what: string): string | Translation => (typeof v === 'string' ? v : dynamic(`${what} \`${short(src, v)}\` ${whyNot(v)}`, v.node));
  const table = (i = 0, k = 'table_name'): string | Translation => (b ? b.table : need(text(i, k, 'the table name'), 'the table name'));
  const schema = (): string | undefined => (b ? b.schema : str(call.kwargs.get('schema')));

  switch (name) {
    case 'execute': {
      const v = arg(call, 0, 'sqltext');
      return sqlArgument(src, v, call);
    }
    case 'create_index': {
      const t = table(1);
      if (typeof t !== 'string') return t;
      const nameV = arg(call, 0, 'index_name');
      const idx = nameV?.kind === 'none' ? undefined : indexName(nameV);
      if (idx === null) return dynamic(`the index name \`${short(src, nameV!)}\` ${whyNot(nameV!)}`, nameV!.node);
      const cols = indexColumns(src, arg(call, p(2, 1), 'columns'));
      if (typeof cols !== 'string') return cols;
      return builder(createIndexSql(src, call, idx ?? defaultIndexName(t, cols), t, schema(), cols));
    }
    case 'drop_index': {
      const idx = need(text(0, 'index_name', 'the index name'), 'the index name');
      if (typeof idx !== 'string') return idx;
      const concurrently = bool(call.kwargs.get('postgresql_concurrently')) === true;
      const ifExists = bool(call.kwargs.get('if_exists')) === true;
      return builder(`DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${ifExists ? 'IF EXISTS ' : ''}${quoteTable(idx, schema())}`);
    }
    case 'add_column': {
      const t = table();
      if (typeof t !== 'string') return t;
      const colV = arg(call, p(1, 0), 'column');
      const col = colV ? parseColumn(src, colV) : undefined;
      if (!col || 'reason' in col) return dynamic(col?.reason ?? 'the column is missing', colV?.node ?? call.node);
      const ine = bool(call.kwargs.get('if_not_exists')) === true;
      const out = [`ALTER TABLE ${quoteTable(t, schema())} ADD COLUMN ${ine ? 'IF NOT EXISTS ' : ''}${columnSpec(col, false)}`];
      // toimpl.add_column: the column's constraints and indexes as separate statements
      for (const fk of col.foreignKeys) out.push(`ALTER TABLE ${quoteTable(t, schema())} ADD ${fkClause({ ...fk, columns: [col.name] })}`);
      if (col.unique && !col.index) out.push(`ALTER TABLE ${quoteTable(t, schema())} ADD UNIQUE (${quoteIdent(col.name)})`);
      if (col.index) out.push(`CREATE ${col.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(`ix_${t}_${col.name}`)} ON ${quoteTable(t, schema())} (${quoteIdent(col.name)})`);
      if (col.comment !== undefined) out.push(`COMMENT ON COLUMN ${quoteTable(t, schema())}.${quoteIdent(col.name)} IS ${sqlLiteral(col.comment)}`);
      return builder(...out);
    }
    case 'drop_column': {
      const t = table();
      if (typeof t !== 'string') return t;
      const c = need(text(p(1, 0), 'column_name', 'the column name'), 'the column name');
      if (typeof c !== 'string') return c;
      return builder(`ALTER TABLE ${quoteTable(t, schema())} DROP COLUMN ${bool(call.kwargs.get('if_exists')) ? 'IF EXISTS ' : ''}${quoteIdent(c)}`);
    }
    case 'alter_column': {
      const t = table();
      if (typeof t !== 'string') return t;
      const c = need(text(p(1, 0), 'column_name', 'the column name'), 'the column name');
      if (typeof c !== 'string') return c;
      const head = `ALTER TABLE ${quoteTable(t, schema())}`;
      const out: string[] = [];
      // PostgresqlImpl.alter_column: TYPE (with USING) first, then DefaultImpl: nullable, server_default, comment, name
      const typeV = call.kwargs.get('type_');
      if (typeV && typeV.kind !== 'none') {
        const ty = pgType(src, typeV);
        const using = call.kwargs.get('postgresql_using');
        const u = using ? (str(using) ?? sqlExpression(src, using)) : undefined;
        if (using && u === undefined) return dynamic(`postgresql_using \`${short(src, using)}\` ${whyNot(using)}`, using.node);
        out.push(`${head} ALTER COLUMN ${quoteIdent(c)} TYPE ${ty.sql}${u !== undefined ? ` USING ${u}` : ''}`);
      }
      const nullable = call.kwargs.get('nullable');
      if (nullable && nullable.kind !== 'none') {
        const nb = bool(nullable);
        if (nb === undefined) return dynamic(`nullable=\`${short(src, nullable)}\` ${whyNot(nullable)}`, nullable.node);
        out.push(`${head} ALTER COLUMN ${quoteIdent(c)} ${nb ? 'DROP NOT NULL' : 'SET NOT NULL'}`);
      }
      const def = call.kwargs.get('server_default');
      if (def && !(def.kind === 'bool' && !def.value)) {
        if (def.kind === 'none') out.push(`${head} ALTER COLUMN ${quoteIdent(c)} DROP DEFAULT`);
        else {
          const d = serverDefault(src, def);
          if (d === undefined) return dynamic(`server_default=\`${short(src, def)}\` ${whyNot(def)}`, def.node);
          out.push(`${head} ALTER COLUMN ${quoteIdent(c)} SET DEFAULT ${d}`);
        }
      }
      const comment = call.kwargs.get('comment');
      if (comment && !(comment.kind === 'bool' && !comment.value)) {
        const s = str(comment);
        out.push(`COMMENT ON COLUMN ${quoteTable(t, schema())}.${quoteIdent(c)} IS ${s === undefined ? 'NULL' : sqlLiteral(s)}`);
      }
      const rename = call.kwargs.get('new_column_name');
      if (rename && rename.kind !== 'none') {
        const n = str(rename);
        if (n === undefined) return dynamic(`new_column_name=\`${short(src, rename)}\` ${whyNot(rename)}`, rename.node);
        out.push(`${head} RENAME ${quoteIdent(c)} TO ${quoteIdent(n)}`);
      }
      return out.length ? builder(...out) : { kind: 'none' };
    }
    case 'create_foreign_key': {
      const t = table(1, 'source_table');
      if (typeof t !== 'string') return t;
      const nameV = arg(call, 0, 'constraint_name');
      const cname = nameV && nameV.kind !== 'none' ? indexName(nameV) : undefined;
      if (cname === null) return dynamic(`the constraint name \`${short(src, nameV!)}\` ${whyNot(nameV!)}`, nameV!.node);
      const ref = need(text(p(2, 1), 'referent_table', 'the referenced table'), 'the referenced table');
      if (typeof ref !== 'string') return ref;
      const local = stringList(arg(call, p(3, 2), 'local_cols'));
      const remote = stringList(arg(call, p(4, 3), 'remote_cols'));
      if (!local || !remote) return dynamic('the columns of the foreign key cannot be read statically', call.node);
      const fk: SaForeignKey = {
        name: cname ?? undefined,
        columns: local,
        refTable: ref,
        refSchema: str(call.kwargs.get('referent_schema')),
        refColumns: remote,
        ondelete: str(call.kwargs.get('ondelete')),
        onupdate: str(call.kwargs.get('onupdate')),
        deferrable: bool(call.kwargs.get('deferrable')),
        initially: str(call.kwargs.get('initially')),
        match: str(call.kwargs.get('match')),
        notValid: bool(call.kwargs.get('postgresql_not_valid')) === true,
      };
      return builder(`ALTER TABLE ${quoteTable(t, b ? b.schema : str(call.kwargs.get('source_schema')))} ADD ${fkClause(fk)}`);
    }
    case 'create_unique_constraint':
    case 'create_primary_key': {
      const t = table(1);
      if (typeof t !== 'string') return t;
      const nameV = arg(call, 0, 'constraint_name');
      const cname = nameV && nameV.kind !== 'none' ? indexName(nameV) : undefined;
      if (cname === null) return dynamic(`the constraint name \`${short(src, nameV!)}\` ${whyNot(nameV!)}`, nameV!.node);
      const cols = stringList(arg(call, p(2, 1), 'columns'));
      if (!cols) return dynamic('the columns cannot be read statically', call.node);
      const kind = name === 'create_primary_key' ? 'PRIMARY KEY' : 'UNIQUE';
      const defer = bool(call.kwargs.get('deferrable'));
      const initially = str(call.kwargs.get('initially'));
      const tail = `${defer !== undefined ? (defer ? ' DEFERRABLE' : ' NOT DEFERRABLE') : ''}${initially ? ` INITIALLY ${initially}` : ''}`;
      return builder(`ALTER TABLE ${quoteTable(t, schema())} ADD ${cname ? `CONSTRAINT ${quoteIdent(cname)} ` : ''}${kind} (${cols.map(quoteIdent).join(', ')})${tail}`);
    }
    case 'create_check_constraint': {
      const t = table(1);
      if (typeof t !== 'string') return t;
      const nameV = arg(call, 0, 'constraint_name');
      const cname = nameV && nameV.kind !== 'none' ? indexName(nameV) : undefined;
      if (cname === null) return dynamic(`the constraint name \`${short(src, nameV!)}\` ${whyNot(nameV!)}`, nameV!.node);
      const cond = arg(call, p(2, 1), 'condition');
      const c = cond ? (str(cond) ?? sqlExpression(src, cond)) : undefined;
      if (c === undefined) return dynamic(`the condition \`${cond ? short(src, cond) : ''}\` is a SQLAlchemy expression godwit does not compile`, cond?.node ?? call.node);
      const nv = bool(call.kwargs.get('postgresql_not_valid')) === true;
      return builder(`ALTER TABLE ${quoteTable(t, schema())} ADD ${cname ? `CONSTRAINT ${quoteIdent(cname)} ` : ''}CHECK (${c})${nv ? ' NOT VALID' : ''}`);
    }
    case 'drop_constraint': {
      const t = table(1);
      if (typeof t !== 'string') return t;
      const c = need(text(0, 'constraint_name', 'the constraint name'), 'the constraint name');
      if (typeof c !== 'string') return c;
      return builder(`ALTER TABLE ${quoteTable(t, schema())} DROP CONSTRAINT ${bool(call.kwargs.get('if_exists')) ? 'IF EXISTS ' : ''}${quoteIdent(c)}`);
    }
    case 'create_table':
      return createTable(src, call);
    case 'drop_table': {
      const t = table();
      if (typeof t !== 'string') return t;
      return builder(`DROP TABLE ${bool(call.kwargs.get('if_exists')) ? 'IF EXISTS ' : ''}${quoteTable(t, schema())}`);
    }
    case 'rename_table': {
      const from = need(text(0, 'old_table_name', 'the table name'), 'the table name');
      if (typeof from !== 'string') return from;
      const to = need(text(1, 'new_table_name', 'the new table name'), 'the new table name');
      if (typeof to !== 'string') return to;
      return builder(`ALTER TABLE ${quoteTable(from, schema())} RENAME TO ${quoteIdent(to)}`);
    }
    case 'create_table_comment':
    case 'drop_table_comment': {
      const t = table();
      if (typeof t !== 'string') return t;
      const c = name === 'drop_table_comment' ? undefined : str(arg(call, 1, 'comment'));
      return builder(`COMMENT ON TABLE ${quoteTable(t, schema())} IS ${c === undefined ? 'NULL' : sqlLiteral(c)}`);
    }
    case 'bulk_insert':
      return bulkInsert(src, call);
    case 'create_exclude_constraint':
      return dynamic('op.create_exclude_constraint() takes SQLAlchemy expressions godwit does not compile', call.node);
    default:
      return { kind: 'none' };
  }
}

/** The SQL of `op.execute(x)` / `conn.execute(x)`: a string, `sa.text("…")`, a Core statement, or something godwit cannot read. */
export function sqlArgument(src: string, v: PyValue | undefined, call: Call): Translation {
  if (!v) return dynamic('the SQL argument is missing', call.node);
  if (v.kind === 'str') return v.b.hasStaticSql() ? { kind: 'sql', value: v } : dynamic(`the SQL \`${short(src, v)}\` is computed at run time`, v.node);
  if (v.kind === 'call' && (leaf(v.fn) === 'text' || leaf(v.fn) === 'literal_column') && v.args[0]?.kind === 'str') {
    const inner = sqlArgument(src, v.args[0], call);
    // text(): `:name` binds are parameters SQLAlchemy fills in
    return inner.kind === 'sql' && leaf(v.fn) === 'text' ? { kind: 'sql', value: { ...inner.value, b: textBinds(inner.value.b) } } : inner;
  }
  if (v.kind === 'call' && v.method === 'execution_options' && v.object) return sqlArgument(src, v.object, call);
  const core = coreStatement(src, v);
  if (core === 'select') return { kind: 'none' };
  if (typeof core === 'string') return builder(core);
  if (core) return dynamic(core.reason, v.node);
  return dynamic(`\`${short(src, v)}\` ${whyNot(v)}`, v.node);
}

/** The SQL of an ORM session's `execute(…)`: the Session coerces a string to text(), so `:name` binds are parameters. */
export function sessionSqlArgument(src: string, v: PyValue | undefined, call: Call): Translation {
  const t = sqlArgument(src, v, call);
  return v?.kind === 'str' && t.kind === 'sql' ? { kind: 'sql', value: { ...t.value, b: textBinds(t.value.b) } } : t;
}

/** Is this Core expression a read (`table.select()…`)? Such `conn.execute()` calls send no DDL or DML. */
export function isCoreSelect(src: string, v: PyValue | undefined): boolean {
  return !!v && coreStatement(src, v) === 'select';
}

/**
 * SQLAlchemy's bind parameters in text(): `:name` not preceded by `:`, a word character or a
 * backslash, nor followed by `:` (sql/elements.py TextClause._bind_params_regex), read from the
 * SQL string; each becomes a placeholder.
 */
function textBinds(b: MappedBuilder): MappedBuilder {
  const t = b.text;
  const ranges: Array<{ start: number; end: number; shown: string; expr: string }> = [];
  const word = (c: string | undefined): boolean => !!c && /[\p{L}\p{N}_]/u.test(c);
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== ':' || t[i - 1] === ':' || t[i - 1] === '\\' || word(t[i - 1]) || !word(t[i + 1])) continue;
    let j = i + 1;
    while (j < t.length && word(t[j])) j++;
    if (t[j] === ':') continue;
    ranges.push({ start: i, end: j, shown: t.slice(i, j), expr: t.slice(i, j) });
    i = j - 1;
  }
  return substitute(b, ranges, 'SQLAlchemy');
}

function short(src: string, v: PyValue): string {
  const s = src.slice(v.node.start, v.node.end).replace(/\s+/g, ' ');
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

/** Why a value is not a usable constant, for `dynamic-sql` reasons. */
export function whyNot(v: PyValue): string {
  switch (v.kind) {
    case 'unknown':
      return `cannot be read statically (${v.reason})`;
    case 'name':
      return v.path.includes('.') ? `is read from \`${v.path}\` at run time` : `is not defined in this file`;
    case 'call':
      return 'is computed at run time';
    case 'str':
      return 'depends on values computed at run time';
    default:
      return 'is not a string';
  }
}

/** An index/constraint name: a string, `op.f('name')` (the name as given), None → undefined, else null. */
function indexName(v: PyValue | undefined): string | undefined | null {
  if (!v || v.kind === 'none') return undefined;
  const s = str(v);
  if (s !== undefined) return s;
  if (v.kind === 'call' && (leaf(v.fn) === 'f' || v.method === 'f' || leaf(v.fn) === 'conv') && v.args.length === 1) return str(v.args[0]) ?? null;
  return null;
}

/** SQLAlchemy's default index name (naming convention `ix_%(column_0_label)s`). */
function defaultIndexName(table: string, cols: string): string {
  return `ix_${table}_${cols.split(',')[0].trim().replace(/"/g, '')}`;
}

/** The column list of an index: names quoted, `sa.text('lower(email)')` as written. */
function indexColumns(src: string, v: PyValue | undefined): string | Translation {
  if (!v) return dynamic('the index columns are missing', { start: 0, end: 0 } as PyNode);
  const list = v.kind === 'seq' ? v.items : [v];
  const out: string[] = [];
  for (const c of list) {
    const s = str(c);
    if (s !== undefined) out.push(quoteIdent(s));
    else {
      const e = c.kind === 'call' && (leaf(c.fn) === 'desc' || leaf(c.fn) === 'asc') && c.args[0] ? [c.args[0], leaf(c.fn).toUpperCase()] : undefined;
      const inner = e ? e[0] as PyValue : c;
      const text = str(inner) !== undefined ? quoteIdent(str(inner)!) : sqlExpression(src, inner);
      if (text === undefined) return dynamic(`the index column \`${short(src, c)}\` ${whyNot(c)}`, c.node);
      out.push(e ? `${text} ${e[1] as string}` : text);
    }
  }
  return out.join(', ');
}

/** PGDDLCompiler.visit_create_index with the postgresql_* options. */
function createIndexSql(src: string, call: Call, name: string, table: string, schema: string | undefined, cols: string): string {
  const k = (n: string): PyValue | undefined => call.kwargs.get(n);
  let s = `CREATE ${bool(k('unique')) ? 'UNIQUE ' : ''}INDEX `;
  if (bool(k('postgresql_concurrently'))) s += 'CONCURRENTLY ';
  if (bool(k('if_not_exists'))) s += 'IF NOT EXISTS ';
  s += `${quoteIdent(name)} ON ${quoteTable(table, schema)} `;
  const using = str(k('postgresql_using'));
  if (using) s += `USING ${using.toLowerCase()} `;
  const ops = k('postgresql_ops');
  let colText = cols;
  if (ops?.kind === 'dict') {
    const map = new Map(ops.entries.map(([a, b]) => [str(a), str(b)]));
    colText = cols
      .split(', ')
      .map((c) => {
        const o = map.get(c.replace(/"/g, ''));
        return o ? `${c} ${o}` : c;
      })
      .join(', ');
  }
  s += `(${colText})`;
  const include = stringList(k('postgresql_include'));
  if (include?.length) s += ` INCLUDE (${include.map(quoteIdent).join(', ')})`;
  const nnd = bool(k('postgresql_nulls_not_distinct'));
  if (nnd === true) s += ' NULLS NOT DISTINCT';
  else if (nnd === false) s += ' NULLS DISTINCT';
  const w = k('postgresql_with');
  if (w?.kind === 'dict' && w.entries.length) {
    s += ` WITH (${w.entries.map(([a, b]) => `${str(a)} = ${b.kind === 'bool' ? String(b.value) : (str(b) ?? sqlExpression(src, b))}`).join(', ')})`;
  }
  const ts = str(k('postgresql_tablespace'));
  if (ts) s += ` TABLESPACE ${quoteIdent(ts)}`;
  const where = k('postgresql_where');
  if (where) {
    const wsql = str(where) ?? sqlExpression(src, where);
    if (wsql !== undefined) s += ` WHERE ${wsql}`;
  }
  return s;
}

export interface SaColumn {
  name: string;
  type: SaType;
  nullable: boolean;
  primaryKey: boolean;
  serverDefault?: string;
  unique: boolean;
  index: boolean;
  foreignKeys: Omit<SaForeignKey, 'columns'>[];
  autoincrement: boolean | 'auto';
  comment?: string;
  identity?: string;
  computed?: string;
  hasDefault: boolean;
}

/** `sa.Column('name', sa.Integer(), sa.ForeignKey('t.id'), nullable=False, server_default='0', …)`. */
export function parseColumn(src: string, v: PyValue): SaColumn | { reason: string } {
  if (v.kind !== 'call' || leaf(v.fn) !== 'Column') return { reason: `\`${short(src, v)}\` is not a sa.Column(…) godwit can read (${whyNot(v)})` };
  if (v.spread) return { reason: `the arguments of \`${short(src, v)}\` are unpacked at run time` };
  const args = [...v.args];
  const nameV = str(args[0]) !== undefined ? args.shift() : v.kwargs.get('name');
  const name = str(nameV);
  if (name === undefined) return { reason: `the column name of \`${short(src, v)}\` ${nameV ? whyNot(nameV) : 'is missing'}` };
  let type: SaType | undefined;
  const typeArg = args[0] && !(args[0].kind === 'call' && ['ForeignKey', 'Identity', 'Computed', 'Sequence'].includes(leaf(args[0].fn))) ? args.shift() : v.kwargs.get('type_');
  if (typeArg) type = pgType(src, typeArg);
  const foreignKeys: SaColumn['foreignKeys'] = [];
  let identity: string | undefined;
  let computed: string | undefined;
  for (const a of args) {
    if (a.kind !== 'call') continue;
    const f = leaf(a.fn);
    if (f === 'ForeignKey') {
      const ref = str(a.args[0] ?? a.kwargs.get('column'));
      const parts = ref ? splitColumnRef(ref) : undefined;
      if (!parts) return { reason: `the foreign key \`${short(src, a)}\` cannot be read statically` };
      foreignKeys.push({ name: str(a.kwargs.get('name')), refTable: parts.table, refSchema: parts.schema, refColumns: [parts.column], ondelete: str(a.kwargs.get('ondelete')), onupdate: str(a.kwargs.get('onupdate')), deferrable: bool(a.kwargs.get('deferrable')), initially: str(a.kwargs.get('initially')), match: str(a.kwargs.get('match')) });
    } else if (f === 'Identity') {
      const always = bool(a.kwargs.get('always')) === true;
      const opts: string[] = [];
      for (const [k, kw] of [['start', 'START WITH'], ['increment', 'INCREMENT BY'], ['minvalue', 'MINVALUE'], ['maxvalue', 'MAXVALUE'], ['cache', 'CACHE']] as const) {
        const x = a.kwargs.get(k);
        if (x?.kind === 'num') opts.push(`${kw} ${x.text}`);
      }
      if (bool(a.kwargs.get('cycle'))) opts.push('CYCLE');
      identity = `GENERATED ${always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${opts.length ? ` (${opts.join(' ')})` : ''}`;
    } else if (f === 'Computed') {
      const e = str(a.args[0]) ?? sqlExpression(src, a.args[0]);
      if (e === undefined) return { reason: `the computed expression \`${short(src, a)}\` cannot be read statically` };
      const persisted = bool(a.kwargs.get('persisted'));
      computed = `GENERATED ALWAYS AS (${e})${persisted === false ? '' : ' STORED'}`;
    }
  }
  if (!type) {
    // a ForeignKey column may leave out its type (it takes the referenced column's)
    type = { sql: `"<type of ${foreignKeys[0] ? `${foreignKeys[0].refTable}.${foreignKeys[0].refColumns[0]}` : name}>"`, unknown: true };
  }
  const primaryKey = bool(v.kwargs.get('primary_key')) === true;
  const nullableV = v.kwargs.get('nullable');
  const nullable = nullableV ? bool(nullableV) !== false : !primaryKey;
  const defV = v.kwargs.get('server_default');
  let sd: string | undefined;
  if (defV && defV.kind !== 'none') {
    if (defV.kind === 'call' && leaf(defV.fn) === 'FetchedValue') sd = undefined;
    else {
      sd = serverDefault(src, defV);
      if (sd === undefined) return { reason: `server_default=\`${short(src, defV)}\` ${whyNot(defV)}` };
    }
  }
  const auto = v.kwargs.get('autoincrement');
  return {
    name,
    type,
    nullable,
    primaryKey,
    serverDefault: sd,
    unique: bool(v.kwargs.get('unique')) === true,
    index: bool(v.kwargs.get('index')) === true,
    foreignKeys,
    autoincrement: auto ? (bool(auto) ?? 'auto') : 'auto',
    comment: str(v.kwargs.get('comment')),
    identity,
    computed,
    hasDefault: !!v.kwargs.get('default') && v.kwargs.get('default')!.kind !== 'none',
  };
}

/** PGDDLCompiler.get_column_specification. `serial`: the column is the table's autoincrement column. */
function columnSpec(c: SaColumn, serial: boolean): string {
  let s = quoteIdent(c.name);
  if (serial && !c.identity) s += c.type.integer === 'big' ? ' BIGSERIAL' : c.type.integer === 'small' ? ' SMALLSERIAL' : ' SERIAL';
  else {
    s += ` ${c.type.sql}`;
    if (c.serverDefault !== undefined) s += ` DEFAULT ${c.serverDefault}`;
  }
  if (c.computed) s += ` ${c.computed}`;
  if (c.identity) s += ` ${c.identity}`;
  if (!c.nullable && !c.identity) s += ' NOT NULL';
  else if (c.nullable && c.identity) s += ' NULL';
  return s;
}

/** Table._autoincrement_column: the single integer primary-key column without a foreign key (autoincrement="auto"), or marked autoincrement=True. */
function autoincrementColumn(cols: SaColumn[], pk: string[]): SaColumn | undefined {
  if (pk.length !== 1) return undefined;
  const c = cols.find((x) => x.name === pk[0]);
  if (!c || !c.type.integer || c.autoincrement === false || c.serverDefault !== undefined || c.hasDefault) return undefined;
  if (c.autoincrement === 'auto' && c.foreignKeys.length) return undefined;
  return c;
}

function createTable(src: string, call: Call): Translation {
  const nameV = call.args[0] ?? call.kwargs.get('table_name');
  const t = str(nameV);
  if (t === undefined) return dynamic(`the table name ${nameV ? `\`${short(src, nameV)}\` ${whyNot(nameV)}` : 'is missing'}`, nameV?.node ?? call.node);
  const schema = str(call.kwargs.get('schema'));
  const cols: SaColumn[] = [];
  const constraints: string[] = [];
  const after: string[] = [];
  const before: string[] = [];
  let pk: string[] = [];
  let pkName: string | undefined;
  const fks: SaForeignKey[] = [];
  for (const a of call.args.slice(1)) {
    if (a.kind !== 'call') return dynamic(`\`${short(src, a)}\` ${whyNot(a)}`, a.node);
    const f = leaf(a.fn);
    if (f === 'Column') {
      const c = parseColumn(src, a);
      if ('reason' in c) return dynamic(c.reason, a.node);
      cols.push(c);
      continue;
    }
    const cname = str(a.kwargs.get('name'));
    const named = cname ? `CONSTRAINT ${quoteIdent(cname)} ` : '';
    if (f === 'PrimaryKeyConstraint') {
      const list = a.args.map((x) => str(x));
      if (list.some((x) => x === undefined)) return dynamic(`the primary key \`${short(src, a)}\` cannot be read statically`, a.node);
      pk = list as string[];
      pkName = cname;
    } else if (f === 'UniqueConstraint') {
      const list = a.args.map((x) => str(x));
      if (list.some((x) => x === undefined)) return dynamic(`the unique constraint \`${short(src, a)}\` cannot be read statically`, a.node);
      const nnd = bool(a.kwargs.get('postgresql_nulls_not_distinct'));
      constraints.push(`${named}UNIQUE ${nnd === true ? 'NULLS NOT DISTINCT ' : ''}(${(list as string[]).map(quoteIdent).join(', ')})`);
    } else if (f === 'ForeignKeyConstraint') {
      const local = stringList(a.args[0] ?? a.kwargs.get('columns'));
      const refs = stringList(a.args[1] ?? a.kwargs.get('refcolumns'));
      const parts = refs?.map(splitColumnRef);
      if (!local || !parts || parts.some((x) => !x)) return dynamic(`the foreign key \`${short(src, a)}\` cannot be read statically`, a.node);
      fks.push({ name: cname, columns: local, refTable: parts[0]!.table, refSchema: parts[0]!.schema, refColumns: parts.map((x) => x!.column), ondelete: str(a.kwargs.get('ondelete')), onupdate: str(a.kwargs.get('onupdate')), deferrable: bool(a.kwargs.get('deferrable')), initially: str(a.kwargs.get('initially')), match: str(a.kwargs.get('match')) });
    } else if (f === 'CheckConstraint') {
      const e = str(a.args[0] ?? a.kwargs.get('sqltext')) ?? sqlExpression(src, a.args[0]);
      if (e === undefined) return dynamic(`the check constraint \`${short(src, a)}\` is a SQLAlchemy expression godwit does not compile`, a.node);
      constraints.push(`${named}CHECK (${e})`);
    } else if (f === 'Index') {
      const iname = str(a.args[0]);
      const icols = a.args.slice(1).map((x) => str(x));
      if (!iname || icols.some((x) => x === undefined)) return dynamic(`the index \`${short(src, a)}\` cannot be read statically`, a.node);
      after.push(`CREATE ${bool(a.kwargs.get('unique')) ? 'UNIQUE ' : ''}INDEX ${quoteIdent(iname)} ON ${quoteTable(t, schema)} (${(icols as string[]).map(quoteIdent).join(', ')})`);
    } else {
      return dynamic(`\`${short(src, a)}\` is not a column or constraint godwit reads`, a.node);
    }
  }
  if (pk.length === 0) pk = cols.filter((c) => c.primaryKey).map((c) => c.name);
  const serial = autoincrementColumn(cols, pk);
  for (const c of cols) {
    for (const fk of c.foreignKeys) fks.push({ ...fk, columns: [c.name] });
    if (c.unique && !c.index) constraints.push(`UNIQUE (${quoteIdent(c.name)})`);
    if (c.index) after.push(`CREATE ${c.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(`ix_${t}_${c.name}`)} ON ${quoteTable(t, schema)} (${quoteIdent(c.name)})`);
    if (c.type.enum?.create && c.type.enum.labels && !before.some((s) => s.includes(`TYPE ${quoteIdent(c.type.enum!.name)} AS`))) {
      before.push(`CREATE TYPE ${quoteIdent(c.type.enum.name)} AS ENUM (${c.type.enum.labels.map(sqlLiteral).join(', ')})`);
    }
    if (c.comment !== undefined) after.push(`COMMENT ON COLUMN ${quoteTable(t, schema)}.${quoteIdent(c.name)} IS ${sqlLiteral(c.comment)}`);
  }
  const body = cols.map((c) => columnSpec(c, c === serial));
  if (pk.length) body.push(`${pkName ? `CONSTRAINT ${quoteIdent(pkName)} ` : ''}PRIMARY KEY (${pk.map(quoteIdent).join(', ')})`);
  body.push(...constraints, ...fks.map(fkClause));
  const ine = bool(call.kwargs.get('if_not_exists')) === true;
  const comment = str(call.kwargs.get('comment'));
  if (comment !== undefined) after.push(`COMMENT ON TABLE ${quoteTable(t, schema)} IS ${sqlLiteral(comment)}`);
  return builder(...before, `CREATE TABLE ${ine ? 'IF NOT EXISTS ' : ''}${quoteTable(t, schema)} (\n\t${body.join(', \n\t')}\n)`, ...after);
}

/** op.bulk_insert(table, rows): one INSERT with the rows (executemany of the same statement). */
function bulkInsert(src: string, call: Call): Translation {
  const tv = arg(call, 0, 'table');
  const t = tv?.kind === 'call' && ['table', 'Table', 'create_table'].includes(leaf(tv.fn) || tv.method || '') ? str(tv.args[0]) : undefined;
  if (!t) return dynamic(`the table \`${tv ? short(src, tv) : ''}\` of op.bulk_insert() cannot be read statically`, tv?.node ?? call.node);
  const rows = items(arg(call, 1, 'rows'));
  if (!rows || rows.some((r) => r.kind !== 'dict')) return dynamic('the rows of op.bulk_insert() cannot be read statically', arg(call, 1, 'rows')?.node ?? call.node);
  const columns: string[] = [];
  for (const r of rows as Array<Extract<PyValue, { kind: 'dict' }>>) for (const [k] of r.entries) if (str(k) !== undefined && !columns.includes(str(k)!)) columns.push(str(k)!);
  if (!rows.length || !columns.length) return { kind: 'none' };
  const values = (rows as Array<Extract<PyValue, { kind: 'dict' }>>).map((r) => {
    const m = new Map(r.entries.map(([k, v]) => [str(k), v]));
    return `(${columns.map((c) => literalOf(src, m.get(c))).join(', ')})`;
  });
  return builder(`INSERT INTO ${quoteIdent(t)} (${columns.map(quoteIdent).join(', ')}) VALUES ${values.join(', ')}`);
}

function literalOf(src: string, v: PyValue | undefined): string {
  if (!v) return 'NULL';
  const s = str(v);
  if (s !== undefined) return sqlLiteral(s);
  return sqlExpression(src, v) ?? 'NULL';
}

