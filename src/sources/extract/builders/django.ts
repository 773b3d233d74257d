/**
 * Django migration operations → the PostgreSQL statements Django's schema editor sends for them
 * (django/db/backends/base/schema.py BaseDatabaseSchemaEditor, backends/postgresql/schema.py and
 * base.py data_types, db/migrations/operations/, contrib/postgres/operations.py; Django ≥ 4.1,
 * identity columns).
 *
 * The operations need the project's model state — an AlterField compares the field with its
 * earlier definition, a RemoveField of a ForeignKey drops its constraint, an AddIndex names the
 * columns of the model's fields — so a DjangoState is carried across the migrations of a root
 * in Django's order (history). Names are Django's own: tables `<app_label>_<model>` unless
 * `db_table`, index/constraint names with `_create_index_name`'s md5 digest.
 */
import { createHash } from 'node:crypto';
import type { PyNode } from '../python/parse.js';
import { arg, bool, jsonOf, num, str, type PyValue } from '../python/values.js';

type Call = Extract<PyValue, { kind: 'call' }>;

const MAX_NAME = 63;

/** django.utils.hashable names_digest: md5 over the names, hex, first `length` characters. */
export function namesDigest(args: string[], length: number): string {
  const h = createHash('md5');
  for (const a of args) h.update(Buffer.from(a, 'utf8'));
  return h.digest('hex').slice(0, length);
}

/** BaseDatabaseSchemaEditor._create_index_name. */
export function createIndexName(table: string, columns: string[], suffix = ''): string {
  let hashSuffix = `${namesDigest([table, ...columns], 8)}${suffix}`;
  let name = `${table}_${columns.join('_')}_${hashSuffix}`;
  if ([...name].length <= MAX_NAME) return name;
  if (hashSuffix.length > MAX_NAME / 3) hashSuffix = hashSuffix.slice(0, Math.floor(MAX_NAME / 3));
  const other = Math.floor((MAX_NAME - hashSuffix.length) / 2) - 1;
  name = `${table.slice(0, other)}_${columns.join('_').slice(0, other)}_${hashSuffix}`;
  if (name[0] === '_' || /^[0-9]/.test(name)) name = `D${name.slice(0, -1)}`;
  return name;
}

/** django.db.backends.utils.truncate_name (table names of models and M2M tables). */
export function truncateName(name: string, length = MAX_NAME): string {
  if ([...name].length <= length) return name;
  const hash = namesDigest([name], 4);
  return `${name.slice(0, length - 4)}${hash}`;
}

/** quote_name on PostgreSQL: always double-quoted. */
export function q(name: string): string {
  return name.startsWith('"') && name.endsWith('"') ? name : `"${name}"`;
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** PostgreSQL's name for an unnamed UNIQUE column constraint (`<table>_<column>_key`). */
function pgUniqueName(table: string, column: string): string {
  return `${table}_${column}_key`.slice(0, MAX_NAME);
}

/* ------------------------------------------------------------------ state */

export interface DjangoField {
  name: string;
  /** the field class name (`CharField`, `ForeignKey` …) */
  cls: string;
  /** the definition's keyword arguments (and positional ones under their names), for AlterField comparisons */
  attrs: Map<string, PyValue>;
  column: string;
  dbType: string | undefined;
  null: boolean;
  unique: boolean;
  primaryKey: boolean;
  dbIndex: boolean;
  /** the SQL of the effective default (Django sends it as a parameter), undefined: none */
  defaultSql?: string;
  /**
   * the default is a callable (makemigrations writes a reference for those, a literal for
   * constants): Django calls it for each effective_default(), so an old and a new default
   * never compare equal
   */
  defaultCallable?: boolean;
  /** a `CHECK` Django adds for the type (Positive*Field) */
  check?: string;
  /** ForeignKey / OneToOneField: the target model key (`app.model`) and field */
  remote?: { model: string; toField?: string; dbConstraint: boolean };
  /** ManyToManyField (no column; an auto-created through table unless `through`) */
  m2m?: { model: string; through?: string; dbTable?: string };
  /** names of what Django created for the field, as it named them then */
  names: { fk?: string; index?: string; like?: string; unique?: string; check?: string };
}

export interface DjangoModel {
  app: string;
  /** the model name as written (`Check`) */
  name: string;
  table: string;
  fields: DjangoField[];
  uniqueTogether: string[][];
  indexTogether: string[][];
  /** indexes and constraints by name: what RemoveIndex/RemoveConstraint drop */
  indexes: Map<string, { kind: 'index' }>;
  constraints: Map<string, { kind: 'check' | 'unique' | 'unique-index' }>;
  managed: boolean;
  proxy: boolean;
}

/** The models of a Django project at one point of its migration history. */
export class DjangoState {
  readonly models = new Map<string, DjangoModel>();

  clone(): DjangoState {
    const s = new DjangoState();
    for (const [k, m] of this.models) {
      s.models.set(k, {
        ...m,
        fields: m.fields.map((f) => ({ ...f, names: { ...f.names } })),
        uniqueTogether: m.uniqueTogether.map((x) => [...x]),
        indexTogether: m.indexTogether.map((x) => [...x]),
        indexes: new Map(m.indexes),
        constraints: new Map(m.constraints),
      });
    }
    return s;
  }

  get(key: string): DjangoModel | undefined {
    return this.models.get(key.toLowerCase());
  }
}

/** Models of Django's own apps that projects point at (settings.AUTH_USER_MODEL …), as their migrations create them. */
const CONTRIB: Record<string, { table: string; pk: string }> = {
  'auth.user': { table: 'auth_user', pk: 'integer' },
  'auth.group': { table: 'auth_group', pk: 'integer' },
  'auth.permission': { table: 'auth_permission', pk: 'integer' },
  'contenttypes.contenttype': { table: 'django_content_type', pk: 'integer' },
  'sites.site': { table: 'django_site', pk: 'integer' },
  'sessions.session': { table: 'django_session', pk: 'varchar(40)' },
};

/* ------------------------------------------------------------ field types */

/** backends/postgresql/base.py DatabaseWrapper.data_types (Django ≥ 4.1) and contrib.postgres fields. */
const DATA_TYPES: Record<string, string | ((f: FieldArgs) => string)> = {
  AutoField: 'integer',
  BigAutoField: 'bigint',
  BinaryField: 'bytea',
  BooleanField: 'boolean',
  NullBooleanField: 'boolean',
  CharField: (f) => (f.maxLength === undefined ? 'varchar' : `varchar(${f.maxLength})`),
  DateField: 'date',
  DateTimeField: 'timestamp with time zone',
  DecimalField: (f) => `numeric(${f.maxDigits}, ${f.decimalPlaces})`,
  DurationField: 'interval',
  FileField: (f) => `varchar(${f.maxLength ?? 100})`,
  ImageField: (f) => `varchar(${f.maxLength ?? 100})`,
  FilePathField: (f) => `varchar(${f.maxLength ?? 100})`,
  FloatField: 'double precision',
  IntegerField: 'integer',
  BigIntegerField: 'bigint',
  IPAddressField: 'inet',
  GenericIPAddressField: 'inet',
  JSONField: 'jsonb',
  PositiveBigIntegerField: 'bigint',
  PositiveIntegerField: 'integer',
  PositiveSmallIntegerField: 'smallint',
  SlugField: (f) => `varchar(${f.maxLength ?? 50})`,
  SmallAutoField: 'smallint',
  SmallIntegerField: 'smallint',
  TextField: 'text',
  TimeField: 'time',
  UUIDField: 'uuid',
  EmailField: (f) => `varchar(${f.maxLength ?? 254})`,
  URLField: (f) => `varchar(${f.maxLength ?? 200})`,
  CommaSeparatedIntegerField: (f) => `varchar(${f.maxLength})`,
  HStoreField: 'hstore',
  CICharField: 'citext',
  CIEmailField: 'citext',
  CITextField: 'citext',
  IntegerRangeField: 'int4range',
  BigIntegerRangeField: 'int8range',
  DecimalRangeField: 'numrange',
  DateTimeRangeField: 'tstzrange',
  DateRangeField: 'daterange',
  SearchVectorField: 'tsvector',
};

/** data_types templates before formatting (schema.py _field_data_type: a USING cast is added when these differ). */
const TEMPLATE: Record<string, string> = { CharField: 'varchar(%(max_length)s)', SlugField: 'varchar(%(max_length)s)', EmailField: 'varchar(%(max_length)s)', URLField: 'varchar(%(max_length)s)', FileField: 'varchar(%(max_length)s)', ImageField: 'varchar(%(max_length)s)', FilePathField: 'varchar(%(max_length)s)', DecimalField: 'numeric(%(max_digits)s, %(decimal_places)s)' };

const AUTO = new Set(['AutoField', 'BigAutoField', 'SmallAutoField']);
const POSITIVE = new Set(['PositiveIntegerField', 'PositiveSmallIntegerField', 'PositiveBigIntegerField']);
/** Field.empty_strings_allowed is False for these (an empty default is not used for them). */
const NO_EMPTY_STRINGS = new Set(['AutoField', 'BigAutoField', 'SmallAutoField', 'BooleanField', 'NullBooleanField', 'DateField', 'DateTimeField', 'TimeField', 'DecimalField', 'DurationField', 'FloatField', 'IntegerField', 'BigIntegerField', 'SmallIntegerField', 'PositiveIntegerField', 'PositiveSmallIntegerField', 'PositiveBigIntegerField', 'GenericIPAddressField', 'IPAddressField', 'JSONField', 'UUIDField', 'ForeignKey', 'OneToOneField', 'ArrayField', 'HStoreField']);
const NON_DB_ATTRS = new Set(['blank', 'choices', 'editable', 'error_messages', 'help_text', 'limit_choices_to', 'on_delete', 'related_name', 'related_query_name', 'validators', 'verbose_name', 'db_comment', 'serialize', 'auto_created', 'form_class']);

interface FieldArgs {
  maxLength?: number;
  maxDigits?: number;
  decimalPlaces?: number;
}

function leaf(path: string | undefined): string {
  return path ? path.slice(path.lastIndexOf('.') + 1) : '';
}

/** The model key (`app.model`, lower case) a relation points at: `"api.Check"`, `"Check"` (same app), settings.AUTH_USER_MODEL. */
function modelKey(v: PyValue | undefined, app: string): string | undefined {
  if (!v) return undefined;
  const s = str(v);
  if (s !== undefined) return (s.includes('.') ? s : `${app}.${s}`).toLowerCase();
  if (v.kind === 'name' && v.path.endsWith('settings.AUTH_USER_MODEL')) return 'auth.user';
  return undefined;
}

export interface FieldProblem {
  reason: string;
}

/** Read a field definition (`models.CharField(max_length=100, null=True)`) in the context of its model. */
export function readField(src: string, state: DjangoState, app: string, table: string, name: string, v: PyValue): DjangoField | FieldProblem {
  if (v.kind !== 'call' || !v.fn) return { reason: `the field \`${name}\` is not a field class godwit can read` };
  if (v.spread) return { reason: `the arguments of the field \`${name}\` are unpacked at run time` };
  const cls = leaf(v.fn);
  const attrs = new Map(v.kwargs);
  const kw = (k: string): PyValue | undefined => v.kwargs.get(k);
  const f: DjangoField = {
    name,
    cls,
    attrs,
    column: str(kw('db_column')) ?? name,
    dbType: undefined,
    null: bool(kw('null')) === true,
    unique: bool(kw('unique')) === true,
    primaryKey: bool(kw('primary_key')) === true,
    dbIndex: bool(kw('db_index')) === true,
    names: {},
  };
  if (cls === 'ForeignKey' || cls === 'OneToOneField') {
    const to = modelKey(v.args[0] ?? kw('to'), app);
    if (!to) return { reason: `the model \`${name}\` points to cannot be read statically` };
    if (v.args[0]) attrs.set('to', v.args[0]);
    f.remote = { model: to, toField: str(kw('to_field')), dbConstraint: bool(kw('db_constraint')) !== false };
    f.column = str(kw('db_column')) ?? `${name}_id`;
    f.dbType = relatedType(state, to, f.remote.toField);
    if (cls === 'OneToOneField') f.unique = true;
    f.dbIndex = bool(kw('db_index')) !== false;
  } else if (cls === 'ManyToManyField') {
    const to = modelKey(v.args[0] ?? kw('to'), app);
    if (!to) return { reason: `the model \`${name}\` points to cannot be read statically` };
    f.m2m = { model: to, through: str(kw('through')) ? modelKey(kw('through'), app) : undefined, dbTable: str(kw('db_table')) };
    f.column = '';
  } else if (cls === 'ArrayField') {
    const base = v.args[0] ?? kw('base_field');
    const inner = base ? readField(src, state, app, table, name, base) : undefined;
    if (!inner || 'reason' in inner || !inner.dbType) return { reason: `the base field of \`${name}\` cannot be read statically` };
    const size = num(kw('size'));
    f.dbType = `${inner.dbType}[${size ?? ''}]`;
  } else {
    const t = DATA_TYPES[cls];
    if (t === undefined) return { reason: `\`${v.fn}\` is not a field type godwit knows` };
    const fa: FieldArgs = { maxLength: num(kw('max_length')), maxDigits: num(kw('max_digits')), decimalPlaces: num(kw('decimal_places')) };
    if ((cls === 'CharField' && kw('max_length') && fa.maxLength === undefined) || (cls === 'DecimalField' && (fa.maxDigits === undefined || fa.decimalPlaces === undefined))) {
      return { reason: `the size of the field \`${name}\` cannot be read statically` };
    }
    f.dbType = typeof t === 'function' ? t(fa) : t;
    if (cls === 'SlugField' || cls === 'FileField' || cls === 'ImageField') f.dbIndex = cls === 'SlugField' ? bool(kw('db_index')) !== false : f.dbIndex;
  }
  if (POSITIVE.has(cls)) f.check = `"${f.column}" >= 0`;
  if (f.primaryKey) f.null = false;
  const d = effectiveDefault(f, v);
  if (d && 'reason' in d) return d;
  if (d) f.defaultSql = d.sql;
  const dv = v.kwargs.get('default');
  if (dv && (dv.kind === 'name' || dv.kind === 'attr')) f.defaultCallable = true;
  return f;
}

/** The column type of a relation: the target field's rel_db_type (an AutoField becomes a plain integer). */
function relatedType(state: DjangoState, model: string, toField?: string): string | undefined {
  const m = state.get(model);
  if (!m) return CONTRIB[model]?.pk ?? undefined;
  const target = toField ? m.fields.find((x) => x.name === toField) : (m.fields.find((x) => x.primaryKey) ?? m.fields.find((x) => x.name === 'id'));
  if (!target) return 'integer';
  if (target.cls === 'AutoField') return 'integer';
  if (target.cls === 'BigAutoField') return 'bigint';
  if (target.cls === 'SmallAutoField') return 'smallint';
  return target.dbType;
}

/**
 * schema_editor.effective_default(field): the default (a callable is called at migrate time: its
 * value is one constant, written here as a constant of the column's type), `''` for a NOT NULL
 * blank string field, now() for auto_now(_add) — the SQL of that value as psycopg sends it.
 */
function effectiveDefault(f: DjangoField, v: Call): { sql: string } | FieldProblem | undefined {
  const d = v.kwargs.get('default');
  if (d && !(d.kind === 'name' && leaf(d.path) === 'NOT_PROVIDED')) {
    const sql = valueSql(d, f);
    if (sql === undefined) return { reason: `the default of the field \`${f.name}\` cannot be read statically` };
    return { sql };
  }
  if (!f.null && bool(v.kwargs.get('blank')) === true && !NO_EMPTY_STRINGS.has(f.cls) && !f.remote && !f.m2m) return { sql: f.cls === 'BinaryField' ? "'\\x'::bytea" : "''" };
  if (bool(v.kwargs.get('auto_now')) || bool(v.kwargs.get('auto_now_add'))) return { sql: f.cls === 'DateField' ? "'2000-01-01'::date" : f.cls === 'TimeField' ? "'00:00:00'::time" : "'2000-01-01T00:00:00+00:00'::timestamptz" };
  return undefined;
}

/** A Python value as psycopg adapts it for a column (`%s` parameters of Django's statements). */
function valueSql(v: PyValue, f: DjangoField): string | undefined {
  switch (v.kind) {
    case 'str':
      return v.b.placeholders.length ? undefined : f.cls === 'JSONField' ? `${literal(JSON.stringify(v.b.text))}::jsonb` : literal(v.b.text);
    case 'num':
      return f.cls === 'JSONField' ? `'${v.text}'::jsonb` : v.text;
    case 'bool':
      return f.cls === 'JSONField' ? `'${v.value}'::jsonb` : v.value ? 'true' : 'false';
    case 'none':
      return 'NULL';
    case 'seq':
    case 'dict': {
      const json = jsonOf(v);
      return json === undefined ? undefined : `${literal(JSON.stringify(json))}::jsonb`;
    }
    case 'name': {
      // a callable: Django calls it once; its value stands for every existing row
      const n = leaf(v.path);
      if (n === 'dict') return "'{}'::jsonb";
      if (n === 'list') return "'[]'::jsonb";
      if (n === 'uuid4' || n === 'uuid1') return "'00000000-0000-0000-0000-000000000000'::uuid";
      if (n === 'now' || n === 'utcnow') return "'2000-01-01T00:00:00+00:00'::timestamptz";
      if (n === 'today') return "'2000-01-01'::date";
      return typed(f);
    }
    case 'call': {
      const n = leaf(v.fn);
      return n === 'timedelta' ? intervalOf(v) : typed(f);
    }
    case 'attr':
      return typed(f);
    default:
      return undefined;
  }
}

/** datetime.timedelta(…) as psycopg adapts it: `'<days> days <seconds>.<micro> seconds'::interval`. */
function intervalOf(v: Call): string | undefined {
  const unit: Record<string, number> = { days: 86400, seconds: 1, microseconds: 1e-6, milliseconds: 1e-3, minutes: 60, hours: 3600, weeks: 604800 };
  const order = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];
  let total = 0;
  for (let i = 0; i < v.args.length; i++) {
    const n = num(v.args[i]);
    if (n === undefined) return "'00:00:00'::interval";
    total += n * unit[order[i]];
  }
  for (const [k, x] of v.kwargs) {
    const n = num(x);
    if (n === undefined || !(k in unit)) return "'00:00:00'::interval";
    total += n * unit[k];
  }
  const days = Math.floor(total / 86400);
  const secs = total - days * 86400;
  return `'${days} days ${secs.toFixed(6)} seconds'::interval`;
}

/** A constant of the column's type, for a default computed in Python at migrate time. */
function typed(f: DjangoField): string | undefined {
  const t = f.dbType ?? '';
  if (t.startsWith('varchar') || t === 'text' || t === 'citext') return "''";
  if (/^(integer|bigint|smallint|numeric|double)/.test(t)) return '0';
  if (t === 'boolean') return 'false';
  if (t === 'uuid') return "'00000000-0000-0000-0000-000000000000'::uuid";
  if (t.startsWith('timestamp')) return "'2000-01-01T00:00:00+00:00'::timestamptz";
  if (t === 'date') return "'2000-01-01'::date";
  if (t === 'interval') return "'00:00:00'::interval";
  if (t === 'jsonb') return "'{}'::jsonb";
  return undefined;
}

/* ------------------------------------------------------- statement pieces */

/** column_sql + db_type_suffix + the type's CHECK: `"c" integer NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY`. */
function columnDefinition(f: DjangoField, includeDefault: boolean): string {
  let s = `${q(f.column)} ${f.dbType}`;
  if (includeDefault && f.defaultSql !== undefined && f.defaultSql !== 'NULL') s += ` DEFAULT ${f.defaultSql}`;
  s += f.null ? ' NULL' : ' NOT NULL';
  if (f.primaryKey) s += ' PRIMARY KEY';
  else if (f.unique) s += ' UNIQUE';
  return s;
}

function withSuffix(f: DjangoField, def: string): string {
  let s = def;
  if (f.check) s += ` CHECK (${f.check})`;
  if (AUTO.has(f.cls)) s += ' GENERATED BY DEFAULT AS IDENTITY';
  return s;
}

function fkName(model: DjangoModel, f: DjangoField, target: { table: string; column: string }): string {
  return createIndexName(model.table, [f.column], `_fk_${target.table}_${target.column}`);
}

function target(state: DjangoState, f: DjangoField): { table: string; column: string } {
  const key = f.remote!.model;
  const m = state.get(key);
  if (m) {
    const tf = f.remote!.toField ? m.fields.find((x) => x.name === f.remote!.toField) : (m.fields.find((x) => x.primaryKey) ?? m.fields.find((x) => x.name === 'id'));
    return { table: m.table, column: tf?.column ?? 'id' };
  }
  const c = CONTRIB[key];
  if (c) return { table: c.table, column: f.remote!.toField ?? 'id' };
  const [app, model] = key.split('.');
  return { table: truncateName(`${app}_${model}`), column: f.remote!.toField ?? 'id' };
}

function createFkSql(state: DjangoState, model: DjangoModel, f: DjangoField): string {
  const t = target(state, f);
  const name = fkName(model, f, t);
  f.names.fk = name;
  return `ALTER TABLE ${q(model.table)} ADD CONSTRAINT ${q(name)} FOREIGN KEY (${q(f.column)}) REFERENCES ${q(t.table)} (${q(t.column)}) DEFERRABLE INITIALLY DEFERRED`;
}

function createIndexSql(table: string, name: string, columns: string[], opts: { opclasses?: string[]; suffixes?: string[]; unique?: boolean; concurrently?: boolean; using?: string; condition?: string; include?: string[] } = {}): string {
  const cols = columns.map((c, i) => `${q(c)}${opts.opclasses?.[i] ? ` ${opts.opclasses[i]}` : ''}${opts.suffixes?.[i] ? ` ${opts.suffixes[i]}` : ''}`).join(', ');
  const include = opts.include?.length ? ` INCLUDE (${opts.include.map(q).join(', ')})` : '';
  const where = opts.condition ? ` WHERE ${opts.condition}` : '';
  return `CREATE ${opts.unique ? 'UNIQUE ' : ''}INDEX ${opts.concurrently ? 'CONCURRENTLY ' : ''}${q(name)} ON ${q(table)}${opts.using ? ` USING ${opts.using}` : ''} (${cols})${include}${where}`;
}

/** _field_indexes_sql (+ PostgreSQL's `_like` index for varchar/text columns). */
function fieldIndexes(model: DjangoModel, f: DjangoField): string[] {
  const out: string[] = [];
  if (f.dbIndex && !f.unique && f.column) {
    f.names.index = createIndexName(model.table, [f.column]);
    out.push(createIndexSql(model.table, f.names.index, [f.column]));
  }
  const like = likeIndex(model, f);
  if (like) out.push(like);
  return out;
}

function likeIndex(model: DjangoModel, f: DjangoField): string | undefined {
  if (!f.dbType || !(f.dbIndex || f.unique) || f.dbType.includes('[')) return undefined;
  const op = f.dbType.startsWith('varchar') ? 'varchar_pattern_ops' : f.dbType.startsWith('text') ? 'text_pattern_ops' : undefined;
  if (!op) return undefined;
  f.names.like = createIndexName(model.table, [f.column], '_like');
  return createIndexSql(model.table, f.names.like, [f.column], { opclasses: [op] });
}

function dropIndex(name: string, concurrently = false): string {
  return `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF EXISTS ${q(name)}`;
}

/** PostgreSQL's sql_delete_fk: the deferred checks run first so the constraint can go in the same transaction. */
function dropFk(table: string, name: string): string[] {
  return [`SET CONSTRAINTS ${q(name)} IMMEDIATE`, `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(name)}`];
}

/* ------------------------------------------------------------- operations */

/** What one operation sends: statements now, and statements Django defers to the end of the migration. */
export interface DjangoResult {
  statements: string[];
  deferred: Array<{ sql: string; table: string; columns: string[] }>;
  /** a table (or a column of it) the operation drops: Django discards deferred statements that reference it */
  drop?: { table: string; column?: string };
}

export type DjangoTranslation =
  | ({ kind: 'builder' } & DjangoResult)
  | { kind: 'sql'; values: Array<Extract<PyValue, { kind: 'str' }>>; stateOps?: PyValue }
  | { kind: 'dynamic'; reason: string; node: PyNode }
  | { kind: 'none' };

/** The Django operations godwit translates (django.db.migrations and django.contrib.postgres.operations). */
export const DJANGO_OPERATIONS = new Set([
  'CreateModel',
  'DeleteModel',
  'RenameModel',
  'AlterModelTable',
  'AlterModelOptions',
  'AlterModelManagers',
  'AlterUniqueTogether',
  'AlterIndexTogether',
  'AlterOrderWithRespectTo',
  'AddField',
  'RemoveField',
  'AlterField',
  'RenameField',
  'AddIndex',
  'RemoveIndex',
  'RenameIndex',
  'AddConstraint',
  'RemoveConstraint',
  'RunSQL',
  'RunPython',
  'SeparateDatabaseAndState',
  'AddIndexConcurrently',
  'RemoveIndexConcurrently',
  'AddConstraintNotValid',
  'ValidateConstraint',
  'CreateExtension',
  'BtreeGinExtension',
  'BtreeGistExtension',
  'CITextExtension',
  'CryptoExtension',
  'HStoreExtension',
  'TrigramExtension',
  'UnaccentExtension',
  'CreateCollation',
  'RemoveCollation',
]);

export interface DjangoContext {
  src: string;
  app: string;
  state: DjangoState;
  /** evaluate a sub-expression (the operands of `Q(…) & Q(…)`) */
  evaluate: (node: PyNode) => PyValue;
  /** run the operation on the state only (SeparateDatabaseAndState state_operations) */
  stateOnly?: boolean;
}

const dyn = (reason: string, node: PyNode): DjangoTranslation => ({ kind: 'dynamic', reason, node });

function modelOf(ctx: DjangoContext, v: PyValue | undefined, node: PyNode): DjangoModel | DjangoTranslation {
  const n = str(v);
  if (n === undefined) return dyn('the model name cannot be read statically', v?.node ?? node);
  const m = ctx.state.get(`${ctx.app}.${n}`);
  if (!m) return dyn(`the model ${ctx.app}.${n} is not created by an earlier migration godwit has read`, v?.node ?? node);
  return m;
}

function isModel(x: DjangoModel | DjangoTranslation): x is DjangoModel {
  return 'table' in x;
}

function result(statements: string[], deferred: DjangoResult['deferred'] = []): DjangoTranslation {
  return { kind: 'builder', statements, deferred };
}

/** Translate one operation and apply it to the state. */
export function translateDjango(op: string, call: Call, ctx: DjangoContext): DjangoTranslation {
  if (call.spread) return dyn(`the arguments of this ${op}() are unpacked at run time`, call.node);
  const { src, state, app } = ctx;
  const a = (i: number, k: string): PyValue | undefined => arg(call, i, k);
  switch (op) {
    case 'CreateModel': {
      const name = str(a(0, 'name'));
      if (name === undefined) return dyn('the model name cannot be read statically', call.node);
      const options = a(2, 'options');
      const opt = (k: string): PyValue | undefined => (options?.kind === 'dict' ? options.entries.find(([key]) => str(key) === k)?.[1] : undefined);
      const dbTable = str(opt('db_table'));
      const model: DjangoModel = {
        app,
        name,
        table: dbTable ?? truncateName(`${app}_${name.toLowerCase()}`),
        fields: [],
        uniqueTogether: togetherList(opt('unique_together')),
        indexTogether: togetherList(opt('index_together')),
        indexes: new Map(),
        constraints: new Map(),
        managed: bool(opt('managed')) !== false,
        proxy: bool(opt('proxy')) === true,
      };
      const fields = a(1, 'fields');
      if (fields?.kind !== 'seq') return dyn('the fields of the model cannot be read statically', fields?.node ?? call.node);
      for (const pair of fields.items) {
        const fname = pair.kind === 'seq' ? str(pair.items[0]) : undefined;
        if (pair.kind !== 'seq' || fname === undefined || !pair.items[1]) return dyn('a field of the model cannot be read statically', pair.node);
        // a model may point at itself
        state.models.set(`${app}.${name}`.toLowerCase(), model);
        const f = readField(src, state, app, model.table, fname, pair.items[1]);
        if ('reason' in f) {
          state.models.delete(`${app}.${name}`.toLowerCase());
          return dyn(f.reason, pair.node);
        }
        model.fields.push(f);
      }
      state.models.set(`${app}.${name}`.toLowerCase(), model);
      if (!model.managed || model.proxy || ctx.stateOnly) {
        readModelOptions(ctx, model, opt('indexes'), opt('constraints'));
        return result([]);
      }
      const out = createModelSql(ctx, model);
      const extra = readModelOptions(ctx, model, opt('indexes'), opt('constraints'));
      if ('kind' in extra) return extra;
      out.deferred.push(...extra.deferred);
      if (extra.inline.length) out.statements[0] = out.statements[0].replace(/\)$/, `, ${extra.inline.join(', ')})`);
      return result(out.statements, out.deferred);
    }
    case 'DeleteModel': {
      const m = modelOf(ctx, a(0, 'name'), call.node);
      if (!isModel(m)) return m;
      state.models.delete(`${m.app}.${m.name}`.toLowerCase());
      if (ctx.stateOnly || !m.managed || m.proxy) return result([]);
      const out: string[] = [];
      for (const f of m.fields) if (f.m2m && !f.m2m.through) out.push(`DROP TABLE ${q(m2mTable(m, f))} CASCADE`);
      out.push(`DROP TABLE ${q(m.table)} CASCADE`);
      return { kind: 'builder', statements: out, deferred: [], drop: { table: m.table } };
    }
    case 'RenameModel': {
      const m = modelOf(ctx, a(0, 'old_name'), call.node);
      if (!isModel(m)) return m;
      const newName = str(a(1, 'new_name'));
      if (newName === undefined) return dyn('the new model name cannot be read statically', call.node);
      state.models.delete(`${m.app}.${m.name}`.toLowerCase());
      const oldKey = `${m.app}.${m.name}`.toLowerCase();
      const oldTable = m.table;
      const explicit = oldTable !== truncateName(`${m.app}_${m.name.toLowerCase()}`);
      m.name = newName;
      if (!explicit) m.table = truncateName(`${m.app}_${newName.toLowerCase()}`);
      state.models.set(`${m.app}.${newName}`.toLowerCase(), m);
      for (const other of state.models.values()) for (const f of other.fields) {
        if (f.remote?.model === oldKey) f.remote.model = `${m.app}.${newName}`.toLowerCase();
        if (f.m2m?.model === oldKey) f.m2m.model = `${m.app}.${newName}`.toLowerCase();
      }
      if (ctx.stateOnly || m.table === oldTable) return result([]);
      return result([`ALTER TABLE ${q(oldTable)} RENAME TO ${q(m.table)}`]);
    }
    case 'AlterModelTable': {
      const m = modelOf(ctx, a(0, 'name'), call.node);
      if (!isModel(m)) return m;
      const t = a(1, 'table');
      const newTable = t?.kind === 'none' ? truncateName(`${m.app}_${m.name.toLowerCase()}`) : str(t);
      if (newTable === undefined) return dyn('the table name cannot be read statically', t?.node ?? call.node);
      const old = m.table;
      m.table = newTable;
      return ctx.stateOnly || old === newTable ? result([]) : result([`ALTER TABLE ${q(old)} RENAME TO ${q(newTable)}`]);
    }
    case 'AlterModelOptions':
    case 'AlterModelManagers':
    case 'AlterOrderWithRespectTo':
      return result([]);
    case 'AlterUniqueTogether':
    case 'AlterIndexTogether': {
      const m = modelOf(ctx, a(0, 'name'), call.node);
      if (!isModel(m)) return m;
      const key = op === 'AlterUniqueTogether' ? 'unique_together' : 'index_together';
      const next = togetherList(a(1, key));
      const prev = op === 'AlterUniqueTogether' ? m.uniqueTogether : m.indexTogether;
      const same = (x: string[], y: string[]): boolean => x.length === y.length && x.every((s, i) => s === y[i]);
      const out: string[] = [];
      const cols = (names: string[]): string[] => names.map((n) => m.fields.find((f) => f.name === n)?.column ?? n);
      for (const old of prev) {
        if (next.some((n) => same(n, old))) continue;
        const name = createIndexName(m.table, cols(old), op === 'AlterUniqueTogether' ? '_uniq' : '_idx');
        out.push(op === 'AlterUniqueTogether' ? `ALTER TABLE ${q(m.table)} DROP CONSTRAINT ${q(name)}` : dropIndex(name));
      }
      for (const n of next) {
        if (prev.some((o) => same(o, n))) continue;
        const c = cols(n);
        out.push(op === 'AlterUniqueTogether' ? `ALTER TABLE ${q(m.table)} ADD CONSTRAINT ${q(createIndexName(m.table, c, '_uniq'))} UNIQUE (${c.map(q).join(', ')})` : createIndexSql(m.table, createIndexName(m.table, c, '_idx'), c));
      }
      if (op === 'AlterUniqueTogether') m.uniqueTogether = next;
      else m.indexTogether = next;
      return result(ctx.stateOnly ? [] : out);
    }
    case 'AddField': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const name = str(a(1, 'name'));
      const fv = a(2, 'field');
      if (name === undefined || !fv) return dyn('the field cannot be read statically', call.node);
      const f = readField(src, state, app, m.table, name, fv);
      if ('reason' in f) return dyn(f.reason, fv.node);
      const preserve = bool(call.kwargs.get('preserve_default')) !== false;
      m.fields.push(f);
      if (ctx.stateOnly) return result([]);
      const r = addFieldSql(ctx, m, f);
      if (!preserve) {
        // the default was only for the existing rows: the state keeps the field without it
        f.attrs.delete('default');
        f.defaultSql = undefined;
        f.defaultCallable = undefined;
      }
      return r;
    }
    case 'RemoveField': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const name = str(a(1, 'name'));
      const f = m.fields.find((x) => x.name === name);
      if (!f) return dyn(`the field ${m.name}.${name ?? '?'} is not in the model state godwit read from earlier migrations`, call.node);
      m.fields = m.fields.filter((x) => x !== f);
      if (ctx.stateOnly) return result([]);
      if (f.m2m) return f.m2m.through ? result([]) : result([`DROP TABLE ${q(m2mTable(m, f))} CASCADE`]);
      const out: string[] = [];
      if (f.remote && f.remote.dbConstraint) out.push(...dropFk(m.table, f.names.fk ?? fkName(m, f, target(state, f))));
      out.push(`ALTER TABLE ${q(m.table)} DROP COLUMN ${q(f.column)} CASCADE`);
      return { kind: 'builder', statements: out, deferred: [], drop: { table: m.table, column: f.column } };
    }
    case 'AlterField': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const name = str(a(1, 'name'));
      const fv = a(2, 'field');
      const old = m.fields.find((x) => x.name === name);
      if (!old || !fv || name === undefined) return dyn(`the field ${m.name}.${name ?? '?'} is not in the model state godwit read from earlier migrations`, call.node);
      const f = readField(src, state, app, m.table, name, fv);
      if ('reason' in f) return dyn(f.reason, fv.node);
      f.names = { ...old.names };
      const preserve = bool(call.kwargs.get('preserve_default')) !== false;
      m.fields = m.fields.map((x) => (x === old ? f : x));
      if (ctx.stateOnly || old.m2m || f.m2m) return result([]);
      const r = alterFieldSql(ctx, m, old, f);
      if (!preserve) {
        f.attrs.delete('default');
        f.defaultSql = undefined;
        f.defaultCallable = undefined;
      }
      return r;
    }
    case 'RenameField': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const oldName = str(a(1, 'old_name'));
      const newName = str(a(2, 'new_name'));
      const f = m.fields.find((x) => x.name === oldName);
      if (!f || newName === undefined) return dyn(`the field ${m.name}.${oldName ?? '?'} is not in the model state godwit read from earlier migrations`, call.node);
      const oldColumn = f.column;
      f.name = newName;
      if (!f.attrs.get('db_column') && !f.m2m) f.column = f.remote ? `${newName}_id` : newName;
      for (const list of [m.uniqueTogether, m.indexTogether]) for (const t of list) for (let i = 0; i < t.length; i++) if (t[i] === oldName) t[i] = newName;
      if (ctx.stateOnly || f.column === oldColumn || f.m2m) return result([]);
      return result([`ALTER TABLE ${q(m.table)} RENAME COLUMN ${q(oldColumn)} TO ${q(f.column)}`]);
    }
    case 'AddIndex':
    case 'AddIndexConcurrently': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const idx = indexSql(ctx, m, a(1, 'index'), op === 'AddIndexConcurrently', call.node);
      if (typeof idx !== 'string') return idx;
      return result(ctx.stateOnly ? [] : [idx]);
    }
    case 'RemoveIndex':
    case 'RemoveIndexConcurrently': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const name = str(a(1, 'name'));
      if (name === undefined) return dyn('the index name cannot be read statically', call.node);
      m.indexes.delete(name);
      return result(ctx.stateOnly ? [] : [dropIndex(name, op === 'RemoveIndexConcurrently')]);
    }
    case 'RenameIndex': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const newName = str(a(1, 'new_name'));
      const oldName = str(call.kwargs.get('old_name'));
      if (!newName || !oldName) return dyn('RenameIndex with old_fields (an unnamed index) is not translated', call.node);
      m.indexes.delete(oldName);
      m.indexes.set(newName, { kind: 'index' });
      return result(ctx.stateOnly ? [] : [`ALTER INDEX ${q(oldName)} RENAME TO ${q(newName)}`]);
    }
    case 'AddConstraint':
    case 'AddConstraintNotValid': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const c = constraintSql(ctx, m, a(1, 'constraint'), 'alter', call.node);
      if (typeof c !== 'string') return c;
      if (op === 'AddConstraintNotValid' && !/ CHECK \(/.test(c)) return dyn('AddConstraintNotValid supports only CheckConstraint', call.node);
      return result(ctx.stateOnly ? [] : [op === 'AddConstraintNotValid' ? `${c} NOT VALID` : c]);
    }
    case 'RemoveConstraint': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const name = str(a(1, 'name'));
      if (name === undefined) return dyn('the constraint name cannot be read statically', call.node);
      const kind = m.constraints.get(name)?.kind;
      m.constraints.delete(name);
      if (ctx.stateOnly) return result([]);
      return result([kind === 'unique-index' ? dropIndex(name) : `ALTER TABLE ${q(m.table)} DROP CONSTRAINT ${q(name)}`]);
    }
    case 'ValidateConstraint': {
      const m = modelOf(ctx, a(0, 'model_name'), call.node);
      if (!isModel(m)) return m;
      const name = str(a(1, 'name'));
      if (name === undefined) return dyn('the constraint name cannot be read statically', call.node);
      return result(ctx.stateOnly ? [] : [`ALTER TABLE ${q(m.table)} VALIDATE CONSTRAINT ${q(name)}`]);
    }
    case 'CreateExtension':
    case 'BtreeGinExtension':
    case 'BtreeGistExtension':
    case 'CITextExtension':
    case 'CryptoExtension':
    case 'HStoreExtension':
    case 'TrigramExtension':
    case 'UnaccentExtension': {
      const names: Record<string, string> = { BtreeGinExtension: 'btree_gin', BtreeGistExtension: 'btree_gist', CITextExtension: 'citext', CryptoExtension: 'pgcrypto', HStoreExtension: 'hstore', TrigramExtension: 'pg_trgm', UnaccentExtension: 'unaccent' };
      const ext = names[op] ?? str(a(0, 'name'));
      if (!ext) return dyn('the extension name cannot be read statically', call.node);
      return result(ctx.stateOnly ? [] : [`CREATE EXTENSION IF NOT EXISTS ${q(ext)}`]);
    }
    case 'CreateCollation':
    case 'RemoveCollation':
      return dyn(`${op} is not translated`, call.node);
    case 'RunSQL': {
      const sql = a(0, 'sql');
      if (ctx.stateOnly) return result([]);
      if (!sql) return dyn('the SQL of RunSQL is missing', call.node);
      const list = sql.kind === 'seq' ? sql.items : [sql];
      const values: Array<Extract<PyValue, { kind: 'str' }>> = [];
      for (const item of list) {
        const s = item.kind === 'seq' ? item.items[0] : item;
        if (s?.kind === 'name' && leaf(s.path) === 'noop') continue;
        if (s?.kind !== 'str' || !s.b.hasStaticSql()) return dyn(`the SQL \`${src.slice((s ?? item).node.start, (s ?? item).node.end).slice(0, 60)}\` of RunSQL cannot be read statically`, (s ?? item).node);
        values.push(s);
      }
      return { kind: 'sql', values, stateOps: call.kwargs.get('state_operations') };
    }
    case 'RunPython': {
      // RunPython(RunPython.noop) runs nothing
      const code = a(0, 'code');
      if (ctx.stateOnly || (code?.kind === 'name' && leaf(code.path) === 'noop')) return result([]);
      return dyn('RunPython runs Python code godwit cannot see (a data migration: review what it does and how long it holds its locks)', call.node);
    }
    default:
      return { kind: 'none' };
  }
}

function togetherList(v: PyValue | undefined): string[][] {
  if (!v || v.kind !== 'seq') return [];
  const list = v.items.length && v.items.every((x) => x.kind === 'str') ? [v] : v.items;
  return list
    .map((t) => (t.kind === 'seq' ? t.items.map((x) => str(x)) : []))
    .filter((t): t is string[] => t.length > 0 && t.every((x) => x !== undefined));
}

function m2mTable(m: DjangoModel, f: DjangoField): string {
  return f.m2m?.dbTable ?? truncateName(`${m.table}_${f.name}`);
}

/** create_model: CREATE TABLE, then (deferred) FK constraints, field indexes, unique_together, auto-created M2M tables. */
function createModelSql(ctx: DjangoContext, m: DjangoModel): DjangoResult {
  const cols: string[] = [];
  const deferred: DjangoResult['deferred'] = [];
  for (const u of m.uniqueTogether) {
    const c = u.map((n) => m.fields.find((f) => f.name === n)?.column ?? n);
    deferred.push({ sql: `ALTER TABLE ${q(m.table)} ADD CONSTRAINT ${q(createIndexName(m.table, c, '_uniq'))} UNIQUE (${c.map(q).join(', ')})`, table: m.table, columns: c });
  }
  for (const f of m.fields) {
    if (f.m2m) continue;
    cols.push(withSuffix(f, columnDefinition(f, false)));
    if (f.remote && f.remote.dbConstraint) deferred.push({ sql: createFkSql(ctx.state, m, f), table: m.table, columns: [f.column] });
    if (f.unique && !f.primaryKey) f.names.unique = pgUniqueName(m.table, f.column);
  }
  const statements = [`CREATE TABLE ${q(m.table)} (${cols.join(', ')})`];
  for (const f of m.fields) if (!f.m2m) for (const s of fieldIndexes(m, f)) deferred.push({ sql: s, table: m.table, columns: [f.column] });
  for (const it of m.indexTogether) {
    const c = it.map((n) => m.fields.find((f) => f.name === n)?.column ?? n);
    deferred.push({ sql: createIndexSql(m.table, createIndexName(m.table, c, '_idx'), c), table: m.table, columns: c });
  }
  for (const f of m.fields) {
    if (!f.m2m || f.m2m.through) continue;
    const r = m2mSql(ctx, m, f);
    statements.push(...r.statements);
    deferred.push(...r.deferred);
  }
  return { statements, deferred };
}

/** The auto-created through table of a ManyToManyField (create_many_to_many_intermediary_model). */
function m2mSql(ctx: DjangoContext, m: DjangoModel, f: DjangoField): DjangoResult {
  const table = m2mTable(m, f);
  const to = ctx.state.get(f.m2m!.model);
  const toName = (to?.name ?? f.m2m!.model.split('.')[1]).toLowerCase();
  const fromName = m.name.toLowerCase();
  const self = toName === fromName && (to ? to === m : true);
  const fromCol = self ? `from_${fromName}` : fromName;
  const toCol = self ? `to_${toName}` : toName;
  const pk = m.fields.find((x) => x.primaryKey);
  const idCls = pk?.cls === 'BigAutoField' ? 'BigAutoField' : 'AutoField';
  const through: DjangoModel = { app: m.app, name: `${m.name}_${f.name}`, table, fields: [], uniqueTogether: [[fromCol, toCol]], indexTogether: [], indexes: new Map(), constraints: new Map(), managed: true, proxy: false };
  const mk = (name: string, model: string): DjangoField => ({ name, cls: 'ForeignKey', attrs: new Map(), column: `${name}_id`, dbType: relatedType(ctx.state, model), null: false, unique: false, primaryKey: false, dbIndex: true, remote: { model, dbConstraint: true }, names: {} });
  through.fields.push({ name: 'id', cls: idCls, attrs: new Map(), column: 'id', dbType: idCls === 'BigAutoField' ? 'bigint' : 'integer', null: false, unique: false, primaryKey: true, dbIndex: false, names: {} });
  through.fields.push(mk(fromCol, `${m.app}.${m.name}`.toLowerCase()), mk(toCol, f.m2m!.model));
  return createModelSql(ctx, through);
}

/** add_field: ADD COLUMN (DEFAULT for the existing rows, inline FK), DROP DEFAULT, deferred indexes. */
function addFieldSql(ctx: DjangoContext, m: DjangoModel, f: DjangoField): DjangoTranslation {
  if (f.m2m) {
    if (f.m2m.through) return result([]);
    const r = m2mSql(ctx, m, f);
    return result(r.statements, r.deferred);
  }
  let def = withSuffix(f, columnDefinition(f, true));
  const out: string[] = [];
  let setImmediate: string | undefined;
  if (f.remote && f.remote.dbConstraint) {
    const t = target(ctx.state, f);
    const name = fkName(m, f, t);
    f.names.fk = name;
    def += ` CONSTRAINT ${q(name)} REFERENCES ${q(t.table)}(${q(t.column)}) DEFERRABLE INITIALLY DEFERRED`;
    setImmediate = `SET CONSTRAINTS ${q(name)} IMMEDIATE`;
  }
  if (f.unique && !f.primaryKey) f.names.unique = pgUniqueName(m.table, f.column);
  out.push(`ALTER TABLE ${q(m.table)} ADD COLUMN ${def}`);
  if (setImmediate) out.push(setImmediate);
  if (f.defaultSql !== undefined && f.defaultSql !== 'NULL') out.push(`ALTER TABLE ${q(m.table)} ALTER COLUMN ${q(f.column)} DROP DEFAULT`);
  const deferred = fieldIndexes(m, f).map((sql) => ({ sql, table: m.table, columns: [f.column] }));
  return result(out, deferred);
}

/** Compare two field definitions on what reaches the database (_field_should_be_altered). */
function dbAttrsEqual(a: DjangoField, b: DjangoField, src: string): boolean {
  if (a.cls !== b.cls || a.column !== b.column) return false;
  const keys = new Set([...a.attrs.keys(), ...b.attrs.keys()].filter((k) => !NON_DB_ATTRS.has(k)));
  for (const k of keys) {
    const x = a.attrs.get(k);
    const y = b.attrs.get(k);
    if (!x || !y) return false;
    if (k === 'to') {
      if (a.remote?.model !== b.remote?.model) return false;
      continue;
    }
    if (src.slice(x.node.start, x.node.end).replace(/\s+/g, '') !== src.slice(y.node.start, y.node.end).replace(/\s+/g, '')) return false;
  }
  return true;
}

/** _alter_field for PostgreSQL, in Django's order. */
function alterFieldSql(ctx: DjangoContext, m: DjangoModel, old: DjangoField, f: DjangoField): DjangoTranslation {
  const t = q(m.table);
  const out: string[] = [];
  // _field_should_be_altered: nothing when only attributes that do not reach the database change
  const changed = !dbAttrsEqual(old, f, ctx.src);
  if (!changed) return result([]);
  // drop FK constraints; they are made again below
  let fksDropped = false;
  if (old.remote && old.remote.dbConstraint && changed) {
    out.push(...dropFk(m.table, old.names.fk ?? fkName(m, old, target(ctx.state, old))));
    fksDropped = true;
    f.names.fk = undefined;
  }
  // unique removed
  if (old.unique && !old.primaryKey && (!f.unique || f.primaryKey)) {
    out.push(`ALTER TABLE ${t} DROP CONSTRAINT ${q(old.names.unique ?? pgUniqueName(m.table, old.column))}`);
    f.names.unique = undefined;
  }
  // index removed
  if (old.dbIndex && !old.unique && (!f.dbIndex || f.unique)) {
    out.push(dropIndex(old.names.index ?? createIndexName(m.table, [old.column])));
    f.names.index = undefined;
  }
  // PostgreSQL: the `_like` index goes when the column stops being varchar/text
  const oldType = old.dbType ?? '';
  const newType = f.dbType ?? '';
  const likeGone = (old.dbIndex || old.unique) && ((oldType.startsWith('varchar') && !newType.startsWith('varchar')) || (oldType.startsWith('text') && !newType.startsWith('text')) || (oldType.startsWith('citext') && !newType.startsWith('citext')));
  if (likeGone) {
    out.push(dropIndex(old.names.like ?? createIndexName(m.table, [old.column], '_like')));
    f.names.like = undefined;
  }
  // check constraint changed
  if (old.check && old.check !== f.check) {
    out.push(`ALTER TABLE ${t} DROP CONSTRAINT ${q(old.names.check ?? `${m.table}_${old.column}_check`)}`);
    f.names.check = undefined;
  }
  if (old.column !== f.column) out.push(`ALTER TABLE ${t} RENAME COLUMN ${q(old.column)} TO ${q(f.column)}`);
  const actions: string[] = [];
  const nullActions: string[] = [];
  const postActions: string[] = [];
  if (oldType !== newType) {
    const using = (TEMPLATE[old.cls] ?? DATA_TYPES[old.cls]) !== (TEMPLATE[f.cls] ?? DATA_TYPES[f.cls]) || old.remote?.model !== f.remote?.model ? ` USING ${q(f.column)}::${newType}` : '';
    actions.push(`ALTER COLUMN ${q(f.column)} TYPE ${newType}${using}`);
    if (AUTO.has(f.cls) && !AUTO.has(old.cls)) postActions.push(`ALTER TABLE ${t} ALTER COLUMN ${q(f.column)} ADD GENERATED BY DEFAULT AS IDENTITY`);
    if (AUTO.has(old.cls) && !AUTO.has(f.cls)) postActions.push(`ALTER TABLE ${t} ALTER COLUMN ${q(f.column)} DROP IDENTITY IF EXISTS`);
  }
  let needsDbDefault = false;
  if ((old.defaultSql !== f.defaultSql || f.defaultCallable) && f.defaultSql !== undefined && f.defaultSql !== 'NULL') {
    needsDbDefault = true;
    actions.push(`ALTER COLUMN ${q(f.column)} SET DEFAULT ${f.defaultSql}`);
  }
  if (old.null !== f.null) nullActions.push(`ALTER COLUMN ${q(f.column)} ${f.null ? 'DROP NOT NULL' : 'SET NOT NULL'}`);
  const fourWay = f.attrs.has('default') && old.null && !f.null;
  if (actions.length || nullActions.length) {
    const all = fourWay ? actions : [...actions, ...nullActions];
    if (all.length) out.push(`ALTER TABLE ${t} ${all.join(', ')}`);
    if (fourWay) {
      out.push(`UPDATE ${t} SET ${q(f.column)} = ${f.defaultSql} WHERE ${q(f.column)} IS NULL`, 'SET CONSTRAINTS ALL IMMEDIATE');
      for (const n of nullActions) out.push(`ALTER TABLE ${t} ${n}`);
    }
  }
  out.push(...postActions);
  // unique added
  if ((!old.unique && f.unique) || (old.primaryKey && !f.primaryKey && f.unique)) {
    f.names.unique = createIndexName(m.table, [f.column], '_uniq');
    out.push(`ALTER TABLE ${t} ADD CONSTRAINT ${q(f.names.unique)} UNIQUE (${q(f.column)})`);
  }
  // index added
  if ((!old.dbIndex || old.unique) && f.dbIndex && !f.unique) {
    f.names.index = createIndexName(m.table, [f.column]);
    out.push(createIndexSql(m.table, f.names.index, [f.column]));
  }
  // PostgreSQL's `_like` index added / removed
  if ((!(old.dbIndex || old.unique) && f.dbIndex) || (!old.unique && f.unique) || (likeGone === false && oldType !== newType && (f.dbIndex || f.unique) && !(oldType.startsWith('varchar') || oldType.startsWith('text')))) {
    const like = likeIndex(m, f);
    if (like) out.push(like);
  }
  if (old.unique && !(f.dbIndex || f.unique) && !likeGone && (oldType.startsWith('varchar') || oldType.startsWith('text'))) {
    out.push(dropIndex(old.names.like ?? createIndexName(m.table, [old.column], '_like')));
    f.names.like = undefined;
  }
  // FK made again (or added)
  if (f.remote && f.remote.dbConstraint && (fksDropped || !old.remote || !old.remote.dbConstraint)) out.push(createFkSql(ctx.state, m, f));
  // check added
  if (f.check && old.check !== f.check) {
    f.names.check = createIndexName(m.table, [f.column], '_check');
    out.push(`ALTER TABLE ${t} ADD CONSTRAINT ${q(f.names.check)} CHECK (${f.check})`);
  }
  if (needsDbDefault) out.push(`ALTER TABLE ${t} ALTER COLUMN ${q(f.column)} DROP DEFAULT`);
  return result(out);
}

/** The columns of fields named in an index or constraint (`-field` for DESC). */
function fieldColumns(m: DjangoModel, names: PyValue | undefined): Array<{ column: string; desc: boolean }> | undefined {
  if (!names || names.kind !== 'seq') return undefined;
  const out: Array<{ column: string; desc: boolean }> = [];
  for (const n of names.items) {
    const s = str(n);
    if (s === undefined) return undefined;
    const desc = s.startsWith('-');
    const name = desc ? s.slice(1) : s;
    // a field name or its attname (`project_id` for the ForeignKey `project`: Options.get_field accepts both)
    const f = m.fields.find((x) => x.name === name) ?? m.fields.find((x) => x.remote && x.column === name);
    if (!f) return undefined;
    out.push({ column: f.column, desc });
  }
  return out;
}

/** models.Index(...) (and contrib.postgres GinIndex, GistIndex, BrinIndex, HashIndex …) → CREATE INDEX. */
function indexSql(ctx: DjangoContext, m: DjangoModel, v: PyValue | undefined, concurrently: boolean, at: PyNode): string | DjangoTranslation {
  if (v?.kind !== 'call' || !v.fn) return dyn('the index cannot be read statically', v?.node ?? at);
  const name = str(v.kwargs.get('name'));
  const cols = fieldColumns(m, v.kwargs.get('fields'));
  if (!name) return dyn('the index has no name godwit can read', v.node);
  if (!cols || v.args.length) return dyn('the index uses expressions or fields godwit cannot read', v.node);
  const cls = leaf(v.fn);
  const using: Record<string, string> = { GinIndex: 'gin', GistIndex: 'gist', BrinIndex: 'brin', HashIndex: 'hash', SpGistIndex: 'spgist', BloomIndex: 'bloom', BTreeIndex: 'btree' };
  if (cls !== 'Index' && !using[cls]) return dyn(`\`${v.fn}\` is not an index class godwit knows`, v.node);
  const condition = v.kwargs.get('condition');
  let where: string | undefined;
  if (condition) {
    where = qSql(ctx, m, condition);
    if (where === undefined) return dyn('the condition of the index is a Q expression godwit does not compile', condition.node);
  }
  const opclasses = v.kwargs.get('opclasses');
  const ops = opclasses?.kind === 'seq' ? opclasses.items.map((x) => str(x) ?? '') : undefined;
  const include = v.kwargs.get('include');
  const inc = include?.kind === 'seq' ? include.items.map((x) => str(x)).map((n) => m.fields.find((f) => f.name === n)?.column ?? n ?? '') : undefined;
  m.indexes.set(name, { kind: 'index' });
  return createIndexSql(m.table, name, cols.map((c) => c.column), { suffixes: cols.map((c) => (c.desc ? 'DESC' : '')), opclasses: ops, concurrently, using: using[cls], condition: where, include: inc });
}

/** models.UniqueConstraint / models.CheckConstraint: `ADD CONSTRAINT …` (or a unique index, for conditional ones). */
function constraintSql(ctx: DjangoContext, m: DjangoModel, v: PyValue | undefined, mode: 'alter' | 'inline', at: PyNode): string | DjangoTranslation {
  if (v?.kind !== 'call' || !v.fn) return dyn('the constraint cannot be read statically', v?.node ?? at);
  const cls = leaf(v.fn);
  const name = str(v.kwargs.get('name'));
  if (!name) return dyn('the constraint has no name godwit can read', v.node);
  const t = q(m.table);
  if (cls === 'CheckConstraint') {
    const cond = v.kwargs.get('condition') ?? v.kwargs.get('check');
    const c = cond ? qSql(ctx, m, cond) : undefined;
    if (c === undefined) return dyn('the check is a Q expression godwit does not compile', cond?.node ?? v.node);
    m.constraints.set(name, { kind: 'check' });
    return mode === 'alter' ? `ALTER TABLE ${t} ADD CONSTRAINT ${q(name)} CHECK (${c})` : `CONSTRAINT ${q(name)} CHECK (${c})`;
  }
  if (cls === 'UniqueConstraint') {
    const cols = fieldColumns(m, v.kwargs.get('fields'));
    if (!cols || v.args.length) return dyn('the unique constraint uses expressions or fields godwit cannot read', v.node);
    const condition = v.kwargs.get('condition');
    const deferrable = v.kwargs.get('deferrable');
    const defer = deferrable ? (leaf(deferrable.kind === 'name' ? deferrable.path : '') === 'DEFERRED' ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE INITIALLY IMMEDIATE') : '';
    const nd = bool(v.kwargs.get('nulls_distinct'));
    const ndSql = nd === false ? ' NULLS NOT DISTINCT' : nd === true ? ' NULLS DISTINCT' : '';
    if (condition || v.kwargs.get('include') || v.kwargs.get('opclasses')) {
      const where = condition ? qSql(ctx, m, condition) : undefined;
      if (condition && where === undefined) return dyn('the condition of the constraint is a Q expression godwit does not compile', condition.node);
      m.constraints.set(name, { kind: 'unique-index' });
      return createIndexSql(m.table, name, cols.map((c) => c.column), { unique: true, condition: where });
    }
    m.constraints.set(name, { kind: 'unique' });
    const body = `UNIQUE${ndSql} (${cols.map((c) => q(c.column)).join(', ')})${defer}`;
    return mode === 'alter' ? `ALTER TABLE ${t} ADD CONSTRAINT ${q(name)} ${body}` : `CONSTRAINT ${q(name)} ${body}`;
  }
  return dyn(`\`${v.fn}\` is not a constraint class godwit knows`, v.node);
}

/** Meta.indexes / Meta.constraints of a CreateModel: constraints go inside CREATE TABLE, indexes are deferred. */
function readModelOptions(ctx: DjangoContext, m: DjangoModel, indexes: PyValue | undefined, constraints: PyValue | undefined): { inline: string[]; deferred: DjangoResult['deferred'] } | DjangoTranslation {
  const inline: string[] = [];
  const deferred: DjangoResult['deferred'] = [];
  for (const iv of indexes?.kind === 'seq' ? indexes.items : []) {
    const s = indexSql(ctx, m, iv, false, iv.node);
    if (typeof s !== 'string') return s;
    deferred.push({ sql: s, table: m.table, columns: [] });
  }
  for (const cv of constraints?.kind === 'seq' ? constraints.items : []) {
    const s = constraintSql(ctx, m, cv, 'inline', cv.node);
    if (typeof s !== 'string') return s;
    if (s.startsWith('CREATE')) deferred.push({ sql: s, table: m.table, columns: [] });
    else inline.push(s);
  }
  return { inline, deferred };
}

/**
 * A Q object (`models.Q(age__gte=0) & models.Q(...)`) compiled the way Django's WHERE compiler
 * writes it for a CHECK or an index condition: exact, gt, gte, lt, lte, in, isnull, with
 * AND/OR/NOT. Undefined for anything else (F expressions, functions, joins).
 */
function qSql(ctx: DjangoContext, m: DjangoModel, v: PyValue, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  if (v.kind === 'call' && leaf(v.fn) === 'Q') {
    const parts: string[] = [];
    for (const c of v.args) {
      const s = qSql(ctx, m, c, depth + 1);
      if (s === undefined) return undefined;
      parts.push(s);
    }
    const lookups = [...v.kwargs.entries()].filter(([k]) => k !== '_connector' && k !== '_negated').sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    for (const [k, val] of lookups) {
      const s = lookupSql(m, k, val);
      if (s === undefined) return undefined;
      parts.push(s);
    }
    const conn = str(v.kwargs.get('_connector')) === 'OR' ? ' OR ' : ' AND ';
    const body = parts.length > 1 ? `(${parts.join(conn)})` : parts[0];
    return bool(v.kwargs.get('_negated')) ? `NOT (${body})` : body;
  }
  const node = v.node;
  if (node.type === 'binary_operator') {
    const l = node.children.find((c) => c.field === 'left');
    const r = node.children.find((c) => c.field === 'right');
    const opNode = node.children.find((c) => c.field === 'operator');
    const op = opNode ? ctx.src.slice(opNode.start, opNode.end) : '';
    if (!l || !r || (op !== '&' && op !== '|')) return undefined;
    // Q(a) & Q(b): one node with both children (same-connector nodes are squashed)
    const flat: string[] = [];
    for (const side of [l, r]) {
      const sv = ctx.evaluate(side);
      const s = qSql(ctx, m, sv, depth + 1);
      if (s === undefined) return undefined;
      const inner = side.type === 'binary_operator' && ctx.src.slice(side.children.find((c) => c.field === 'operator')!.start, side.children.find((c) => c.field === 'operator')!.end) === op && s.startsWith('(') ? s.slice(1, -1) : s;
      flat.push(inner);
    }
    return `(${flat.join(op === '&' ? ' AND ' : ' OR ')})`;
  }
  if (node.type === 'unary_operator' && ctx.src[node.start] === '~') {
    const arg = node.children.find((c) => c.field === 'argument');
    const s = arg ? qSql(ctx, m, ctx.evaluate(arg), depth + 1) : undefined;
    return s === undefined ? undefined : `NOT (${s.startsWith('(') && s.endsWith(')') ? s.slice(1, -1) : s})`;
  }
  return undefined;
}

function lookupSql(m: DjangoModel, key: string, val: PyValue): string | undefined {
  const parts = key.split('__');
  const lookup = parts.length > 1 && ['exact', 'iexact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull'].includes(parts[parts.length - 1]) ? parts.pop()! : 'exact';
  if (parts.length !== 1) return undefined;
  const f = m.fields.find((x) => x.name === parts[0] || x.column === parts[0]);
  if (!f) return undefined;
  const col = q(f.column);
  const lit = (x: PyValue): string | undefined => (x.kind === 'str' && !x.b.placeholders.length ? literal(x.b.text) : x.kind === 'num' ? x.text : x.kind === 'bool' ? (x.value ? 'true' : 'false') : undefined);
  switch (lookup) {
    case 'isnull':
      return bool(val) ? `${col} IS NULL` : `${col} IS NOT NULL`;
    case 'in': {
      if (val.kind !== 'seq') return undefined;
      const items = val.items.map(lit);
      return items.some((x) => x === undefined) ? undefined : `${col} IN (${items.join(', ')})`;
    }
    case 'exact': {
      if (val.kind === 'none') return `${col} IS NULL`;
      const l = lit(val);
      return l === undefined ? undefined : `${col} = ${l}`;
    }
    default: {
      const ops: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };
      const l = lit(val);
      return l === undefined || !ops[lookup] ? undefined : `${col} ${ops[lookup]} ${l}`;
    }
  }
}
