/**
 * Knex schema builder calls → the statements Knex's PostgreSQL compilers send
 * (lib/schema/{builder,tablebuilder,columnbuilder,tablecompiler,columncompiler}.js and
 * lib/dialects/postgres/schema/pg-{compiler,tablecompiler,columncompiler}.js of knex/knex):
 *
 *   knex.schema.createTable('t', (t) => { … })   create table "t" ("id" serial primary key, "email" varchar(255) not null, …);
 *                                                then, in call order: create index "t_a_index" on "t" ("a") ·
 *                                                alter table "t" add constraint "t_a_unique" unique ("a") ·
 *                                                alter table "t" add constraint "t_a_foreign" foreign key ("a") references …
 *   knex.schema.alterTable / table('t', (t) => { … })
 *                                                alter table "t" add column "a" …, add column "b" …;
 *                                                per `.alter()` column: drop default; [drop not null]; type … using (…);
 *                                                [set default …]; [set not null]; then the index/unique/foreign/
 *                                                renameColumn (`rename "a" to "b"`)/dropColumn/setNullable/dropNullable/
 *                                                dropIndex/dropUnique/dropForeign/primary statements in call order
 *   dropTable · dropTableIfExists · renameTable · createSchema(IfNotExists) · createExtension(IfNotExists) · raw
 *
 * Index and constraint names default to `<table>_<columns>_index|unique|foreign`, the primary
 * key to `<table>_pkey`. Knex has no CONCURRENTLY for indexes. Each statement is its own query;
 * the migration's transaction (`config.transaction`) wraps them.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isExecuted, snippet, unwrap, type Node } from '../ast.js';
import { flatten, type Link } from './chain.js';
import type { BuilderEnv, BuilderOp, Translator } from './types.js';
import { bool, num, obj, optStr, str, strs, plainValue, Untranslatable, type Value } from './values.js';

/** Chain methods that only read or configure (a chain of only these is not an operation). */
const NOT_OPS = new Set(['hasTable', 'hasColumn', 'withSchema', 'then', 'catch', 'finally', 'asCallback', 'transacting', 'connection', 'debug', 'queryContext', 'toString', 'toSQL', 'toQuery', 'generateDdlCommands']);
const EXECUTORS = new Set(['then', 'catch', 'finally', 'asCallback']);

export const translateKnex: Translator = (call, env) => {
  const chain = flatten(call);
  if (!chain) return undefined;
  const rootPath = env.path(chain.root);
  if (rootPath === '$0()' || rootPath === '$0.table()' || rootPath === '$0.from()' || rootPath === '$0.into()' || rootPath === '$0.queryBuilder()') return dataQuery(call, chain.root, chain.links, env);
  if (rootPath !== '$0.schema') return undefined;
  let links = chain.links;
  while (links.length && EXECUTORS.has(links[links.length - 1].name)) links = links.slice(0, -1);
  if (!links.some((l) => !NOT_OPS.has(l.name) && l.name !== 'raw')) return undefined; // only raw (calls.ts reads it) or reads
  if (!isExecuted(call)) return undefined;
  const ops = links.filter((l) => !NOT_OPS.has(l.name));
  const operation = ops.map((l) => l.name).join('.');
  const op: BuilderOp = { operation, callee: `knex.schema.${operation}`, node: call, tx: env.txOf(chain.root) };
  try {
    const statements: string[] = [];
    let schema: string | undefined;
    for (const l of links) {
      if (l.name === 'withSchema') {
        schema = optStr(env.value(l.args[0]), 'the schema', env.text);
        continue;
      }
      if (NOT_OPS.has(l.name)) continue;
      statements.push(...schemaOp(l, schema, env));
    }
    op.statements = statements;
    const suggestion = rawSuggestion(call, chain.root, statements, env);
    if (suggestion) op.suggestions = { 'require-concurrent-index': suggestion };
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    op.reason = e.reason;
    op.creates = links.flatMap((l) => {
      const v = l.name.startsWith('createTable') ? env.value(l.args[0]) : undefined;
      return v?.t === 'str' ? [{ kind: 'table' as const, name: wrap(v.v) }] : [];
    });
  }
  return op;
};


/** Knex's wrap: `"a"."b"` (split on dots, quotes doubled). */
export function wrap(name: string): string {
  return name
    .split('.')
    .map((p) => `"${p.trim().replace(/"/g, '""')}"`)
    .join('.');
}

/** _escapeBinding for strings: quotes doubled, `E'…'` when there is a backslash. */
function escapeString(s: string): string {
  const body = s.replace(/'/g, "''").replace(/\\/g, '\\\\');
  return s.includes('\\') ? `E'${body}'` : `'${body}'`;
}

function schemaOp(l: Link, schema: string | undefined, env: BuilderEnv): string[] {
  const v = l.args.map((a) => env.value(a));
  const text = env.text;
  const qualified = (name: string): string => wrap(schema ? `${schema}.${name}` : name);
  switch (l.name) {
    case 'createTable':
    case 'createTableIfNotExists':
      return new TableCompiler(env, str(v[0], 'the table name', text), schema, l.name === 'createTable' ? 'create' : 'createIfNot').compile(v[1]);
    case 'table':
    case 'alterTable':
      return new TableCompiler(env, str(v[0], 'the table name', text), schema, 'alter').compile(v[1]);
    case 'dropTable':
      return [`drop table ${qualified(str(v[0], 'the table name', text))}`];
    case 'dropTableIfExists':
      return [`drop table if exists ${qualified(str(v[0], 'the table name', text))}`];
    case 'renameTable':
      return [`alter table ${qualified(str(v[0], 'the table name', text))} rename to ${wrap(str(v[1], 'the new table name', text))}`];
    case 'createSchema':
    case 'createSchemaIfNotExists':
      return [`create schema ${l.name.endsWith('IfNotExists') ? 'if not exists ' : ''}${wrap(str(v[0], 'the schema', text))}`];
    case 'dropSchema':
    case 'dropSchemaIfExists':
      return [`drop schema ${l.name.endsWith('IfExists') ? 'if exists ' : ''}${wrap(str(v[0], 'the schema', text))}${bool(v[1], 'cascade', text) ? ' cascade' : ''}`];
    case 'createExtension':
    case 'createExtensionIfNotExists':
      return [`create extension ${l.name.endsWith('IfNotExists') ? 'if not exists ' : ''}${wrap(str(v[0], 'the extension', text))}`];
    case 'raw': {
      const sql = v[0];
      if (sql?.t !== 'str') throw new Untranslatable(`the SQL of .raw(): ${sql?.t === 'unknown' ? sql.why : 'not a string'}`);
      if (l.args.length > 1) throw new Untranslatable('.raw() with bindings is not translated by godwit');
      return [sql.v];
    }
    default:
      throw new Untranslatable(`knex.schema.${l.name}() is not translated by godwit`);
  }
}

interface ColumnBuilder {
  type: string;
  args: Value[];
  method: 'add' | 'alter';
  alterNullable: boolean;
  alterType: boolean;
  modifiers: Map<string, Value[]>;
  node: Node;
}

type Statement = { grouping: 'columns'; builder: ColumnBuilder } | { grouping: 'alterTable'; method: string; args: Value[] } | { grouping: 'checks'; args: Value[] };

const COLUMN_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'bigInteger', 'biginteger', 'decimal', 'float', 'double', 'boolean', 'bool', 'date', 'datetime', 'dateTime', 'timestamp', 'time', 'geometry', 'geography', 'point', 'varchar', 'string', 'text', 'binary', 'json', 'jsonb', 'uuid', 'enum', 'enu', 'specificType', 'increments', 'bigincrements', 'bigIncrements']);
const COLUMN_ALIAS: Record<string, string> = { float: 'floating', enum: 'enu', boolean: 'bool', string: 'varchar', bigint: 'bigInteger' };
const MODIFIERS = new Set(['default', 'defaultsTo', 'defaultTo', 'unsigned', 'nullable', 'first', 'after', 'comment', 'collate']);

/** TableBuilder + TableCompiler_PG for one createTable/alterTable call. */
class TableCompiler {
  private readonly statements: Statement[] = [];
  private readonly single = new Map<string, Value>();
  private readonly sequence: string[] = [];
  private readonly text: string;

  constructor(
    private readonly env: BuilderEnv,
    private readonly tableNameRaw: string,
    private readonly schema: string | undefined,
    private readonly method: 'create' | 'createIfNot' | 'alter',
  ) {
    this.text = env.text;
  }

  tableName(): string {
    return wrap(this.schema ? `${this.schema}.${this.tableNameRaw}` : this.tableNameRaw);
  }

  /** Run the callback's statements (the TableBuilder calls) and compile. */
  compile(fnValue: Value | undefined): string[] {
    if (fnValue?.t !== 'fn') throw new Untranslatable(`the table callback: ${fnValue?.t === 'unknown' ? fnValue.why : 'not a function godwit reads'}`);
    const fn = fnValue.node;
    const p0 = fn.params[0];
    const param = p0?.type === 'Identifier' ? p0.name : undefined;
    const body = fn.body.type === 'BlockStatement' ? fn.body.body : [{ type: 'ExpressionStatement', expression: fn.body } as TSESTree.ExpressionStatement];
    for (const st of body) {
      if (st.type !== 'ExpressionStatement') throw new Untranslatable(`the table callback has a \`${snippet(this.text, st as Node, 30)}\` statement godwit does not follow`);
      const e = unwrap(st.expression as Node);
      if (e.type !== 'CallExpression') throw new Untranslatable(`\`${snippet(this.text, e, 40)}\` in the table callback is not a table builder call`);
      const chain = flatten(e);
      const root = chain ? unwrap(chain.root) : undefined;
      if (!chain || root?.type !== 'Identifier' || (root.name !== param && root.type !== 'Identifier') || (param && root.name !== param)) {
        throw new Untranslatable(`\`${snippet(this.text, e, 40)}\` in the table callback is not a table builder call`);
      }
      this.runChain(chain.links);
    }
    switch (this.method) {
      case 'create':
      case 'createIfNot':
        this.create(this.method === 'createIfNot');
        break;
      case 'alter':
        this.alter();
        break;
    }
    return this.sequence;
  }

  private vals(l: Link): Value[] {
    return l.args.map((a) => this.env.value(a));
  }

  /** `t.string('a').notNullable().unique()`: a column builder and what it pushes on the table. */
  private runChain(links: Link[]): void {
    const [first, ...rest] = links;
    if (COLUMN_TYPES.has(first.name)) {
      const type = COLUMN_ALIAS[first.name] ?? first.name;
      const col: ColumnBuilder = { type, args: this.vals(first), method: 'add', alterNullable: true, alterType: true, modifiers: new Map(), node: first.call };
      this.statements.push({ grouping: 'columns', builder: col });
      let foreign: Record<string, Value> | undefined;
      let foreignAt = -1;
      for (const l of rest) {
        const a = this.vals(l);
        if (MODIFIERS.has(l.name)) col.modifiers.set(l.name === 'default' || l.name === 'defaultsTo' ? 'defaultTo' : l.name, a);
        else if (l.name === 'notNullable' || l.name === 'notNull') col.modifiers.set('nullable', [{ t: 'bool', v: false, node: l.call }]);
        else if (['index', 'primary', 'unique'].includes(l.name)) {
          if (!col.type.toLowerCase().includes('increments')) this.statements.push({ grouping: 'alterTable', method: l.name, args: [col.args[0], ...a] });
        } else if (l.name === 'references') {
          // column.references(…) is table.foreign(column).references(…)
          foreign = { column: col.args[0] };
          this.references(foreign, a[0], l);
          foreignAt = this.statements.push({ grouping: 'alterTable', method: 'foreign', args: [this.foreignValue(foreign, l.call)] }) - 1;
        } else if (foreign && ['inTable', 'on', 'onDelete', 'onUpdate', 'withKeyName', 'deferrable'].includes(l.name)) {
          this.foreignModifier(foreign, l.name, a[0], l);
          this.statements[foreignAt] = { grouping: 'alterTable', method: 'foreign', args: [this.foreignValue(foreign, l.call)] };
        } else if (l.name === 'alter') {
          if (this.method !== 'alter') throw new Untranslatable('.alter() outside alterTable');
          const o = obj(a[0], '.alter() options', this.text);
          col.method = 'alter';
          col.alterNullable = o.has('alterNullable') ? bool(o.get('alterNullable'), 'alterNullable', this.text) : true;
          col.alterType = o.has('alterType') ? bool(o.get('alterType'), 'alterType', this.text) : true;
        } else if (l.name.startsWith('check')) throw new Untranslatable(`.${l.name}() is not translated by godwit`);
        else throw new Untranslatable(`.${l.name}() on a column is not translated by godwit`);
      }
      return;
    }
    if (rest.length && first.name !== 'foreign') throw new Untranslatable(`\`.${first.name}(…).${rest[0].name}()\` is not translated by godwit`);
    const a = this.vals(first);
    switch (first.name) {
      case 'index':
      case 'primary':
      case 'unique':
      case 'dropPrimary':
      case 'dropPrimaryIfExists':
      case 'dropUnique':
      case 'dropUniqueIfExists':
      case 'dropIndex':
      case 'dropForeign':
      case 'dropForeignIfExists':
        this.statements.push({ grouping: 'alterTable', method: first.name, args: a });
        return;
      case 'renameColumn':
      case 'setNullable':
      case 'dropNullable':
      case 'dropColumn':
      case 'dropColumns':
        if (this.method !== 'alter') throw new Untranslatable(`.${first.name}() outside alterTable`);
        this.statements.push({ grouping: 'alterTable', method: first.name === 'dropColumns' ? 'dropColumn' : first.name, args: a });
        return;
      case 'dropTimestamps':
        this.statements.push({ grouping: 'alterTable', method: 'dropColumn', args: [{ t: 'arr', items: (bool(a[0], 'camelCase', this.text) ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at']).map((s) => ({ t: 'str', v: s, node: first.call })), node: first.call } as Value] });
        return;
      case 'timestamps': {
        let [useTimestamps, defaultToNow, camel] = a;
        if (useTimestamps?.t === 'obj') [useTimestamps, defaultToNow, camel] = ['useTimestamps', 'defaultToNow', 'useCamelCase'].map((k) => (useTimestamps as { props: Map<string, Value> }).props.get(k)!);
        const type = bool(useTimestamps, 'useTimestamps', this.text) ? 'timestamp' : 'datetime';
        for (const name of bool(camel, 'useCamelCase', this.text) ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at']) {
          const col: ColumnBuilder = { type, args: [{ t: 'str', v: name, node: first.call }], method: 'add', alterNullable: true, alterType: true, modifiers: new Map(), node: first.call };
          if (bool(defaultToNow, 'defaultToNow', this.text)) {
            col.modifiers.set('nullable', [{ t: 'bool', v: false, node: first.call }]);
            col.modifiers.set('defaultTo', [{ t: 'sql', text: 'CURRENT_TIMESTAMP', node: first.call }]);
          }
          this.statements.push({ grouping: 'columns', builder: col });
        }
        return;
      }
      case 'foreign': {
        const foreign: Record<string, Value> = { column: a[0] };
        if (a[1] && a[1].t !== 'undef') foreign.keyName = a[1];
        for (const l of rest) {
          const x = this.vals(l)[0];
          if (l.name === 'references') this.references(foreign, x, l);
          else this.foreignModifier(foreign, l.name, x, l);
        }
        this.statements.push({ grouping: 'alterTable', method: 'foreign', args: [this.foreignValue(foreign, first.call)] });
        return;
      }
      case 'comment':
        this.single.set('comment', a[0]);
        return;
      case 'inherits':
        this.single.set('inherits', a[0]);
        return;
      case 'check':
        this.statements.push(this.method === 'alter' ? { grouping: 'alterTable', method: 'check', args: a } : { grouping: 'checks', args: a });
        return;
      default:
        throw new Untranslatable(`table.${first.name}() is not translated by godwit`);
    }
  }

  private references(foreign: Record<string, Value>, v: Value | undefined, l: Link): void {
    const s = str(v, 'references()', this.text);
    const pieces = s.split('.');
    if (pieces.length === 1) foreign.references = v!;
    else {
      foreign.inTable = { t: 'str', v: pieces[0], node: l.call };
      foreign.references = { t: 'str', v: pieces[1], node: l.call };
    }
  }

  private foreignModifier(foreign: Record<string, Value>, name: string, v: Value | undefined, l: Link): void {
    const key = name === 'on' ? 'inTable' : name === 'withKeyName' ? 'keyName' : name;
    if (!['inTable', 'onDelete', 'onUpdate', 'keyName', 'deferrable'].includes(key)) throw new Untranslatable(`.${l.name}() on a foreign key is not translated by godwit`);
    foreign[key] = v ?? { t: 'undef', node: l.call };
  }

  private foreignValue(foreign: Record<string, Value>, node: Node): Value {
    return { t: 'obj', props: new Map(Object.entries(foreign)), node } as Value;
  }

  private columnize(v: Value | undefined): string {
    return strs(v, 'a column', this.text).map(wrap).join(', ');
  }

  private indexCommand(type: string, columns: Value | undefined): string {
    const cols = columns === undefined || columns.t === 'undef' ? [] : strs(columns, 'a column', this.text);
    return wrap(`${this.tableNameRaw.replace(/\.|-/g, '_')}_${cols.join('_')}_${type}`.toLowerCase());
  }

  private named(v: Value | undefined, fallback: () => string): string {
    const n = v && v.t !== 'undef' && v.t !== 'null' ? str(v, 'the name', this.text) : undefined;
    return n ? wrap(n) : fallback();
  }

  private canAddPrimaryKey(options: Value | undefined): boolean {
    const pk = options?.t === 'obj' ? options.props.get('primaryKey') : undefined;
    const primaryKey = pk === undefined ? true : bool(pk, 'primaryKey', this.text);
    return primaryKey && !this.statements.some((s) => s.grouping === 'alterTable' && s.method === 'primary');
  }

  /** ColumnCompiler_PG: `"name" type modifiers`, and the queries a column adds (comments). */
  private column(c: ColumnBuilder): { sql: string; type: string; additional: string[] } {
    const type = this.columnType(c);
    const name = c.args[0] && c.args[0].t !== 'undef' ? str(c.args[0], 'the column name', this.text) : c.type.toLowerCase().includes('increments') ? 'id' : str(c.args[0], 'the column name', this.text);
    const mods: string[] = [];
    const additional: string[] = [];
    const increments = c.type.toLowerCase().includes('increments');
    for (const m of ['nullable', 'defaultTo', 'comment']) {
      const a = c.modifiers.get(m);
      if (!a || (increments && m !== 'comment')) continue;
      if (m === 'nullable') mods.push(a[0]?.t === 'bool' && a[0].v === false ? 'not null' : 'null');
      else if (m === 'defaultTo') mods.push(`default ${this.formatDefault(a[0], c.type.toLowerCase())}`);
      else {
        const cm = a[0] && a[0].t !== 'undef' && a[0].t !== 'null' ? str(a[0], 'the comment', this.text) : '';
        additional.push(`comment on column ${this.tableName()}.${wrap(name)} is ${cm ? `'${cm.replace(/(?<!')'(?!')/g, "''")}'` : 'NULL'}`);
      }
    }
    for (const m of c.modifiers.keys()) if (!['nullable', 'defaultTo', 'comment', 'unsigned', 'first', 'after'].includes(m)) throw new Untranslatable(`.${m}() is not translated by godwit`);
    return { sql: `${wrap(name)} ${type}${mods.length ? ` ${mods.join(' ')}` : ''}`, type, additional };
  }

  private columnType(c: ColumnBuilder): string {
    const a = c.args.slice(1);
    const n = (i: number, d?: number): number | undefined => num(a[i], 'a length', this.text) ?? d;
    switch (c.type.toLowerCase()) {
      case 'increments':
        return `serial${this.canAddPrimaryKey(a[0]) ? ' primary key' : ''}`;
      case 'bigincrements':
        return `bigserial${this.canAddPrimaryKey(a[0]) ? ' primary key' : ''}`;
      case 'integer':
      case 'int':
      case 'mediumint':
        return 'integer';
      case 'smallint':
      case 'tinyint':
        return 'smallint';
      case 'biginteger':
        return 'bigint';
      case 'text':
        return 'text';
      case 'varchar':
        return `varchar(${n(0) ?? 255})`;
      case 'floating':
        return 'real';
      case 'double':
        return 'double precision';
      case 'decimal':
        return a[0]?.t === 'null' ? 'decimal' : `decimal(${n(0) ?? 8}, ${n(1) ?? 2})`;
      case 'bool':
        return 'boolean';
      case 'date':
        return 'date';
      case 'time':
        return 'time';
      case 'datetime':
      case 'timestamp': {
        let useTz: boolean;
        let precision: number | undefined;
        if (a[0]?.t === 'obj') {
          const o = a[0].props;
          useTz = o.has('useTz') ? bool(o.get('useTz'), 'useTz', this.text) : true;
          precision = num(o.get('precision'), 'precision', this.text);
        } else {
          useTz = !bool(a[0], 'withoutTz', this.text);
          precision = n(1);
        }
        return `${useTz ? 'timestamptz' : 'timestamp'}${precision !== undefined ? `(${precision})` : ''}`;
      }
      case 'binary':
        return 'bytea';
      case 'json':
        return 'json';
      case 'jsonb':
        return 'jsonb';
      case 'uuid': {
        const pk = a[0]?.t === 'obj' ? bool(a[0].props.get('primaryKey'), 'primaryKey', this.text) : false;
        return `uuid${pk && this.canAddPrimaryKey(a[0]) ? ' primary key' : ''}`;
      }
      case 'geometry':
      case 'geography':
      case 'point':
        return c.type.toLowerCase();
      case 'specifictype':
        return str(a[0], 'the specific type', this.text);
      case 'enu': {
        const values = strs(a[0], 'the enum values', this.text);
        const o = obj(a[1], 'the enum options', this.text);
        if (bool(o.get('useNative'), 'useNative', this.text)) {
          const schema = optStr(o.get('schemaName'), 'schemaName', this.text) ?? this.schema;
          const enumName = `${schema ? `"${schema}".` : ''}"${str(o.get('enumName'), 'enumName', this.text)}"`;
          if (!bool(o.get('existingType'), 'existingType', this.text)) this.sequence.unshift(`create type ${enumName} as enum ('${values.join("', '")}')`);
          return enumName;
        }
        return `text check (${wrap(str(c.args[0], 'the column name', this.text))} in ('${values.join("', '")}'))`;
      }
      default:
        throw new Untranslatable(`the column type .${c.type}() is not translated by godwit`);
    }
  }

  /** formatDefault: raw SQL as it is, booleans as '1'/'0', JSON objects as '{…}', everything else as a string literal. */
  private formatDefault(v: Value | undefined, type: string): string {
    if (!v || v.t === 'undef') return '';
    if (v.t === 'null') return 'null';
    if (v.t === 'sql') return v.text;
    if (v.t === 'call') {
      const last = v.path.slice(v.path.lastIndexOf('.') + 1);
      if ((v.path === '$0.raw' || v.path.endsWith('.raw')) && v.args[0]?.t === 'str' && v.args.length === 1) return v.args[0].v;
      if (v.path === '$0.fn.now' || v.path.endsWith('.fn.now')) return v.args[0] && v.args[0].t !== 'undef' ? `CURRENT_TIMESTAMP(${num(v.args[0], 'precision', this.text)})` : 'CURRENT_TIMESTAMP';
      if (last === 'uuid' && v.path.endsWith('.fn.uuid')) return 'gen_random_uuid()';
      throw new Untranslatable(`the default \`${snippet(this.text, v.node as Node, 40)}\` is not translated by godwit`);
    }
    if (type === 'bool') {
      const truthy = v.t === 'str' ? v.v !== 'false' && v.v !== '' : v.t === 'num' ? v.v !== 0 : v.t === 'bool' ? v.v : undefined;
      if (truthy === undefined) throw new Untranslatable(`the default \`${snippet(this.text, v.node as Node, 40)}\` is not translated by godwit`);
      return `'${truthy ? 1 : 0}'`;
    }
    if ((type === 'json' || type === 'jsonb') && (v.t === 'obj' || v.t === 'arr')) return `'${JSON.stringify(plainValue(v, this.text))}'`;
    if (v.t === 'str' || v.t === 'num' || v.t === 'bool') return escapeString(String(v.v));
    throw new Untranslatable(`the default \`${snippet(this.text, v.node as Node, 40)}\` is not translated by godwit`);
  }

  private primaryKeys(): string {
    const pk = this.statements.find((s): s is Extract<Statement, { grouping: 'alterTable' }> => s.grouping === 'alterTable' && s.method === 'primary');
    if (!pk || !pk.args.length) return '';
    let name: Value | undefined = pk.args[1];
    let deferrable: string | undefined;
    if (name?.t === 'obj') {
      deferrable = optStr(name.props.get('deferrable'), 'deferrable', this.text);
      name = name.props.get('constraintName');
    }
    const constraint = this.named(name, () => wrap(`${this.tableNameRaw}_pkey`));
    return `, constraint ${constraint} primary key (${this.columnize(pk.args[0])})${deferrable ? ` deferrable initially ${deferrable}` : ''}`;
  }

  private create(ifNot: boolean): void {
    const columns = this.statements.filter((s): s is Extract<Statement, { grouping: 'columns' }> => s.grouping === 'columns').map((s) => this.column(s.builder));
    const checks = this.statements.filter((s): s is Extract<Statement, { grouping: 'checks' }> => s.grouping === 'checks');
    const checkSql = checks.length ? `, ${checks.map((c) => `${c.args[2] && c.args[2].t !== 'undef' ? `constraint ${str(c.args[2], 'the check name', this.text)} ` : ''}check (${this.raw(c.args)})`).join(', ')}` : '';
    let sql = `create table ${ifNot ? 'if not exists ' : ''}${this.tableName()} (${columns.map((c) => c.sql).join(', ')}${this.primaryKeys()}${checkSql})`;
    const inherits = this.single.get('inherits');
    if (inherits) sql += ` inherits (${wrap(str(inherits, 'inherits', this.text))})`;
    this.sequence.push(sql);
    const comment = this.single.get('comment');
    if (comment) this.sequence.push(`comment on table ${this.tableName()} is '${str(comment, 'the comment', this.text)}'`);
    for (const c of columns) this.sequence.push(...c.additional);
    this.alterTable();
  }

  private alter(): void {
    const cols = this.statements.filter((s): s is Extract<Statement, { grouping: 'columns' }> => s.grouping === 'columns');
    const adds = cols.filter((s) => s.builder.method === 'add').map((s) => this.column(s.builder));
    const alters = cols.filter((s) => s.builder.method === 'alter');
    if (adds.length) this.sequence.push(`alter table ${this.tableName()} ${adds.map((c) => `add column ${c.sql}`).join(', ')}`);
    const compiled = alters.map((s) => ({ b: s.builder, c: this.column(s.builder) }));
    for (const { b, c } of compiled) {
      const t = this.tableName();
      const name = wrap(str(b.args[0], 'the column name', this.text));
      const prefix = `alter table ${t} alter column ${name}`;
      this.sequence.push(`${prefix} drop default`);
      if (b.alterNullable) this.sequence.push(`${prefix} drop not null`);
      if (b.alterType) this.sequence.push(`${prefix} type ${c.type} using (${name}${b.type === 'enu' ? '::text::' : '::'}${c.type})`);
      const def = b.modifiers.get('defaultTo');
      if (def) this.sequence.push(`${prefix} set default ${this.formatDefault(def[0], b.type.toLowerCase())}`);
      const nullable = b.modifiers.get('nullable');
      if (b.alterNullable && nullable?.[0]?.t === 'bool' && nullable[0].v === false) this.sequence.push(`${prefix} set not null`);
    }
    for (const c of adds) this.sequence.push(...c.additional);
    for (const { c } of compiled) this.sequence.push(...c.additional);
    this.alterTable();
    const comment = this.single.get('comment');
    if (comment) this.sequence.push(`comment on table ${this.tableName()} is '${str(comment, 'the comment', this.text)}'`);
  }

  private raw(args: Value[]): string {
    const pred = args[0];
    if (pred?.t === 'str') {
      if (args[1] && args[1].t !== 'undef' && args[1].t !== 'null') throw new Untranslatable('a check with bindings is not translated by godwit');
      return pred.v;
    }
    if (pred?.t === 'call' && pred.path.endsWith('.raw') && pred.args[0]?.t === 'str') return pred.args[0].v;
    throw new Untranslatable(`the check \`${pred ? snippet(this.text, pred.node as Node, 40) : ''}\` is not translated by godwit`);
  }

  /** The alterTable statements, in call order (TableCompiler.alterTable). */
  private alterTable(): void {
    const t = this.tableName();
    let checks = 0;
    for (const s of this.statements) {
      if (s.grouping !== 'alterTable') continue;
      const a = s.args;
      switch (s.method) {
        case 'index': {
          const name = this.named(a[1], () => this.indexCommand('index', a[0]));
          let using: string | undefined;
          let unique = false;
          if (a[2]?.t === 'str') using = a[2].v;
          else if (a[2]?.t === 'obj') {
            const o = a[2].props;
            const it = optStr(o.get('indexType'), 'indexType', this.text);
            unique = it?.toLowerCase() === 'unique';
            using = optStr(o.get('storageEngineIndexType'), 'storageEngineIndexType', this.text);
            if (o.get('predicate') && o.get('predicate')!.t !== 'undef') throw new Untranslatable('an index predicate (a query builder) is not translated by godwit');
          }
          this.sequence.push(`create${unique ? ' unique' : ''} index ${name} on ${t}${using ? ` using ${using}` : ''} (${this.columnize(a[0])})`);
          break;
        }
        case 'unique': {
          let indexName: Value | undefined = a[1];
          let deferrable: string | undefined;
          let useConstraint = true;
          if (indexName?.t === 'obj') {
            const o = indexName.props;
            deferrable = optStr(o.get('deferrable'), 'deferrable', this.text);
            if (o.get('predicate') && o.get('predicate')!.t !== 'undef') throw new Untranslatable('a unique predicate (a query builder) is not translated by godwit');
            useConstraint = o.has('useConstraint') ? bool(o.get('useConstraint'), 'useConstraint', this.text) : true;
            indexName = o.get('indexName');
          }
          const name = this.named(indexName, () => this.indexCommand('unique', a[0]));
          if (useConstraint) this.sequence.push(`alter table ${t} add constraint ${name} unique (${this.columnize(a[0])})${deferrable ? ` deferrable initially ${deferrable}` : ''}`);
          else this.sequence.push(`create unique index ${name} on ${t} (${this.columnize(a[0])})`);
          break;
        }
        case 'foreign': {
          const f = obj(a[0], 'the foreign key', this.text);
          const inTable = f.get('inTable');
          if (!inTable || !f.get('references')) throw new Untranslatable('a foreign key without references()/inTable() is not translated by godwit');
          const keyName = this.named(f.get('keyName'), () => this.indexCommand('foreign', f.get('column')));
          const onUpdate = optStr(f.get('onUpdate'), 'onUpdate', this.text);
          const onDelete = optStr(f.get('onDelete'), 'onDelete', this.text);
          const deferrable = optStr(f.get('deferrable'), 'deferrable', this.text);
          this.sequence.push(
            `alter table ${t} add constraint ${keyName} foreign key (${this.columnize(f.get('column'))}) references ${wrap(str(inTable, 'inTable()', this.text))} (${this.columnize(f.get('references'))})${onUpdate ? ` on update ${onUpdate}` : ''}${onDelete ? ` on delete ${onDelete}` : ''}${deferrable ? ` deferrable initially ${deferrable.toLowerCase()} ` : ''}`,
          );
          break;
        }
        case 'primary':
          if (this.method === 'alter') {
            let name: Value | undefined = a[1];
            let deferrable: string | undefined;
            if (name?.t === 'obj') {
              deferrable = optStr(name.props.get('deferrable'), 'deferrable', this.text);
              name = name.props.get('constraintName');
            }
            this.sequence.push(`alter table ${t} add constraint ${this.named(name, () => wrap(`${this.tableNameRaw}_pkey`))} primary key (${this.columnize(a[0])})${deferrable ? ` deferrable initially ${deferrable}` : ''}`);
          }
          break;
        case 'renameColumn':
          this.sequence.push(`alter table ${t} rename ${wrap(str(a[0], 'the column name', this.text))} to ${wrap(str(a[1], 'the new column name', this.text))}`);
          break;
        case 'dropColumn': {
          const cols = a.length === 1 && a[0].t === 'arr' ? strs(a[0], 'a column', this.text) : a.map((x) => str(x, 'a column', this.text));
          this.sequence.push(`alter table ${t} ${cols.map((c) => `drop column ${wrap(c)}`).join(', ')}`);
          break;
        }
        case 'setNullable':
        case 'dropNullable':
          this.sequence.push(`alter table ${t} alter column ${wrap(str(a[0], 'the column name', this.text))} ${s.method === 'setNullable' ? 'drop not null' : 'set not null'}`);
          break;
        case 'dropIndex': {
          const name = this.named(a[1], () => this.indexCommand('index', a[0]));
          this.sequence.push(`drop index ${this.schema ? `${wrap(this.schema)}.` : ''}${name}`);
          break;
        }
        case 'dropUnique':
        case 'dropUniqueIfExists':
        case 'dropForeign':
        case 'dropForeignIfExists': {
          const name = this.named(a[1], () => this.indexCommand(s.method.startsWith('dropUnique') ? 'unique' : 'foreign', a[0]));
          this.sequence.push(`alter table ${t} drop constraint ${s.method.endsWith('IfExists') ? 'if exists ' : ''}${name}`);
          break;
        }
        case 'dropPrimary':
        case 'dropPrimaryIfExists':
          this.sequence.push(`alter table ${t} drop constraint ${s.method.endsWith('IfExists') ? 'if exists ' : ''}${this.named(a[0], () => wrap(`${this.tableNameRaw}_pkey`))}`);
          break;
        case 'check': {
          const name = a[2] && a[2].t !== 'undef' ? str(a[2], 'the check name', this.text) : `${t}_${++checks}`;
          this.sequence.push(`alter table ${t} add constraint ${name} check(${this.raw(a)})`);
          break;
        }
        default:
          throw new Untranslatable(`table.${s.method}() is not translated by godwit`);
      }
    }
  }
}


/**
 * Knex has no CONCURRENTLY: where the call builds exactly one index (and runs outside a
 * transaction — lint.ts offers it only where the SQL rule offers its fix), suggest replacing
 * the whole call with `knex.raw('CREATE INDEX CONCURRENTLY …')`.
 */
function rawSuggestion(call: TSESTree.CallExpression, root: Node, statements: string[], env: BuilderEnv): { desc: string; fix: { range: [number, number]; text: string } } | undefined {
  if (statements.length !== 1 || !/^create (unique )?index /.test(statements[0])) return undefined;
  const r = unwrap(root);
  if (r.type !== 'MemberExpression') return undefined;
  const knex = env.text.slice(r.object.range[0], r.object.range[1]);
  const sql = statements[0].replace(/^create (unique )?index /, (m) => `${m}concurrently `).replace(/^create (unique )?index concurrently /i, (m) => m.toUpperCase()).replace(/ on /, ' ON ');
  return { desc: 'Build the index with knex.raw(…) and CONCURRENTLY (Knex has no option for it)', fix: { range: [call.range[0], call.range[1]], text: `${knex}.raw(${JSON.stringify(sql)})` } };
}

const DATA_WRITES = new Set(['update', 'del', 'delete', 'insert', 'truncate', 'increment', 'decrement', 'upsert']);

/**
 * A Knex query that writes data, `knex('users').where('active', false).update({ … })`: an
 * operation of the migration (a backfill, a delete) sent as Knex's PostgreSQL query compiler
 * builds it (values as bind parameters). Read-only queries (select, first, pluck) are not.
 */
function dataQuery(call: TSESTree.CallExpression, root: Node, links: Link[], env: BuilderEnv): BuilderOp | undefined {
  const r = unwrap(root) as TSESTree.CallExpression;
  let chain = links;
  while (chain.length && EXECUTORS.has(chain[chain.length - 1].name)) chain = chain.slice(0, -1);
  const write = chain.find((l) => DATA_WRITES.has(l.name));
  if (!write || !isExecuted(call)) return undefined;
  const op: BuilderOp = { operation: write.name, callee: `knex(…).${write.name}`, node: call, tx: env.txOf(root) };
  const text = env.text;
  try {
    const table = wrap(str(env.value(r.arguments[0] as Node), 'the table name', text));
    let n = 0;
    const param = (): string => `$${++n}`;
    const where: string[] = [];
    let sql: string | undefined;
    for (const l of chain) {
      const a = l.args.map((x) => env.value(x));
      switch (l.name) {
        case 'where':
        case 'andWhere':
          if (a.length === 1 && a[0].t === 'obj') for (const [k, v] of a[0].props) where.push(v.t === 'null' ? `${wrap(k)} is null` : `${wrap(k)} = ${param()}`);
          else if (a.length === 2) where.push(a[1].t === 'null' ? `${wrap(str(a[0], 'a column', text))} is null` : `${wrap(str(a[0], 'a column', text))} = ${param()}`);
          else if (a.length === 3) where.push(`${wrap(str(a[0], 'a column', text))} ${str(a[1], 'an operator', text)} ${param()}`);
          else throw new Untranslatable(`.${l.name}() with a callback or a raw clause is not translated by godwit`);
          break;
        case 'whereNull':
        case 'whereNotNull':
          where.push(`${wrap(str(a[0], 'a column', text))} is ${l.name === 'whereNull' ? '' : 'not '}null`);
          break;
        case 'whereIn':
        case 'whereNotIn': {
          const items = a[1]?.t === 'arr' ? a[1].items : undefined;
          if (!items) throw new Untranslatable(`.${l.name}() with a subquery or a value from elsewhere is not translated by godwit`);
          where.push(`${wrap(str(a[0], 'a column', text))} ${l.name === 'whereIn' ? 'in' : 'not in'} (${items.map(() => param()).join(', ')})`);
          break;
        }
        case 'update': {
          const values = a[0]?.t === 'obj' ? [...a[0].props.keys()] : a.length === 2 ? [str(a[0], 'a column', text)] : undefined;
          if (!values?.length) throw new Untranslatable(`.update() with ${a[0]?.t === 'unknown' ? a[0].why : 'values from elsewhere'} is not translated by godwit`);
          sql = `update ${table} set ${values.map((k) => `${wrap(k)} = ${param()}`).join(', ')}`;
          break;
        }
        case 'del':
        case 'delete':
          sql = `delete from ${table}`;
          break;
        case 'truncate':
          sql = `truncate ${table} restart identity`;
          break;
        case 'insert': {
          const rows = a[0]?.t === 'arr' ? a[0].items : [a[0]];
          const keys = new Set<string>();
          for (const row of rows) {
            if (row?.t !== 'obj') throw new Untranslatable(`.insert() of ${row?.t === 'unknown' ? row.why : 'rows from elsewhere'} is not translated by godwit`);
            for (const k of row.props.keys()) keys.add(k);
          }
          const cols = [...keys].sort();
          sql = `insert into ${table} (${cols.map(wrap).join(', ')}) values ${rows.map(() => `(${cols.map(() => param()).join(', ')})`).join(', ')}`;
          break;
        }
        case 'returning':
        case 'onConflict':
        case 'ignore':
        case 'merge':
        case 'transacting':
        case 'timeout':
          if (l.name !== 'returning' && l.name !== 'transacting') throw new Untranslatable(`.${l.name}() is not translated by godwit`);
          break;
        default:
          throw new Untranslatable(`.${l.name}() in a Knex query is not translated by godwit`);
      }
    }
    op.statements = [sql! + (where.length && write.name !== 'insert' && write.name !== 'truncate' ? ` where ${where.join(' and ')}` : '')];
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    op.reason = e.reason;
  }
  return op;
}
