/**
 * Kysely `db.schema` builder chains (and the data queries `updateTable`/`deleteFrom`/
 * `insertInto`) ending in `.execute()` → the statement Kysely's PostgreSQL compiler sends
 * (src/query-compiler/default-query-compiler.ts and src/schema/ of kysely-org/kysely):
 *
 *   createTable('t').addColumn('id', 'serial', (c) => c.primaryKey())…   create table "t" ("id" serial primary key, …, constraint …)
 *   alterTable('t').addColumn(…).dropColumn(…)…   alter table "t" add column …, drop column …   (one statement)
 *     .alterColumn('c', (c) => c.setDataType('text') | setNotNull() | dropNotNull() | setDefault(v) | dropDefault())
 *     .renameColumn · renameTo · addForeignKeyConstraint · addUniqueConstraint · addCheckConstraint ·
 *     addPrimaryKeyConstraint · dropConstraint · renameConstraint
 *   createIndex('i').on('t').column(s)(…)/expression(sql`…`)[.unique().using(…).where(…)]   create index "i" on "t" (…)
 *   dropIndex · dropTable · createView(…).as(sql`…`) · dropView · createType(…).asEnum([…]) · dropType ·
 *   createSchema · dropSchema · refreshMaterializedView
 *
 * Kysely has no CONCURRENTLY for indexes. Values are immediate in DDL (`default 'x'`, `false`);
 * `sql` tags are spliced. Each chain is one query; the Migrator's transaction wraps them.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { snippet, unwrap, type Node } from '../ast.js';
import { flatten, type Link } from './chain.js';
import type { BuilderEnv, BuilderOp, Translator } from './types.js';
import { ident, literal, str, strs, Untranslatable, type Value } from './values.js';

const EXECUTE = new Set(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow']);
const DATA_OPS = new Set(['updateTable', 'deleteFrom', 'insertInto', 'replaceInto', 'mergeInto']);

export const translateKysely: Translator = (call, env) => {
  const chain = flatten(call);
  if (!chain || !EXECUTE.has(chain.links[chain.links.length - 1].name)) return undefined;
  let { root, links } = chain;
  // `const b = db.schema.createTable(…)…; await b.execute()`
  const r = unwrap(root);
  if (r.type === 'Identifier') {
    const init = constInit(r, env);
    const inner = init && unwrap(init).type === 'CallExpression' ? flatten(unwrap(init) as TSESTree.CallExpression) : undefined;
    if (inner) {
      root = inner.root;
      links = [...inner.links, ...links];
    }
  }
  links = links.slice(0, -1);
  const rootPath = env.path(root);
  let schema: string | undefined;
  while (links[0]?.name === 'withSchema') {
    schema = str(env.value(links[0].args[0]), 'the schema', env.text);
    links = links.slice(1);
  }
  const first = links[0];
  if (!first) return undefined;
  // any db.schema chain that is executed is a migration operation (translated, or reported)
  const isSchema = rootPath === '$0.schema';
  const isData = rootPath === '$0' && DATA_OPS.has(first.name);
  if (!isSchema && !isData) return undefined;
  const operation = first.name;
  const op: BuilderOp = { operation, callee: `${isSchema ? 'db.schema' : 'db'}.${operation}`, node: call, tx: env.txOf(root) };
  try {
    const k = new Kysely(env, schema);
    op.statements = [isSchema ? k.schemaOp(links) : k.dataOp(links)];
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    op.reason = e.reason;
    const name = env.value(first.args[0]);
    if (isSchema && name.t === 'str' && (first.name === 'createTable' || first.name === 'createView')) {
      const kind = first.name === 'createTable' ? 'table' : links.some((l) => l.name === 'materialized') ? 'materialized view' : 'view';
      op.creates = [{ kind, name: new Kysely(env, schema).table(name) }];
    }
  }
  return op;
};

function constInit(id: TSESTree.Identifier, env: BuilderEnv): Node | undefined {
  const v = env.value(id);
  return v.t === 'call' ? (v.node as Node) : undefined;
}

class Kysely {
  constructor(
    private readonly env: BuilderEnv,
    private readonly schema: string | undefined,
  ) {}

  private get text(): string {
    return this.env.text;
  }

  private vals(l: Link): Value[] {
    return l.args.map((a) => this.env.value(a));
  }

  /** parseTable: `'s.t'` → `"s"."t"`; withSchema() qualifies an unqualified name. */
  table(v: Value | undefined): string {
    const name = str(v, 'the table name', this.text);
    const parts = name.includes('.') ? name.split('.') : this.schema ? [this.schema, name] : [name];
    return parts.map((p) => ident(p.trim())).join('.');
  }

  /** A column reference `'a'`, `'t.a'`, `'a desc'` (order by in indexes). */
  column(v: Value | undefined, order = false): string {
    const s = str(v, 'a column', this.text).trim();
    const m = order ? /^(.*?)\s+(asc|desc)$/i.exec(s) : null;
    const ref = (m ? m[1] : s).split('.').map((p) => ident(p.trim())).join('.');
    return m ? `${ref} ${m[2].toLowerCase()}` : ref;
  }

  /** A data type string (`'varchar(255)'`) or sql`…`. */
  dataType(v: Value | undefined): string {
    if (v?.t === 'sql') return v.text;
    return str(v, 'the data type', this.text);
  }

  /** Immediate values in DDL: `'x'`, `0`, `true`, `null`, sql`now()`. */
  immediate(v: Value | undefined): string {
    if (!v) throw new Untranslatable('a value is missing');
    switch (v.t) {
      case 'sql':
        return v.text;
      case 'str':
        return literal(v.v);
      case 'num':
      case 'bool':
        return String(v.v);
      case 'null':
        return 'null';
      default:
        throw new Untranslatable(`the value \`${snippet(this.text, v.node as Node, 40)}\`: ${v.t === 'unknown' ? v.why : 'not read by godwit'}`);
    }
  }

  /** An expression argument: sql`…` (or a literal string in a few builders). */
  expression(v: Value | undefined, what: string): string {
    if (v?.t === 'sql') return v.text;
    throw new Untranslatable(`${what}: ${v?.t === 'unknown' ? v.why : v ? `\`${snippet(this.text, v.node as Node, 40)}\` is not a sql\`…\` godwit reads` : 'missing'}`);
  }

  /** A column-definition callback `(col) => col.notNull().defaultTo(…)…` applied to a column. */
  columnDefinition(name: string, type: string, build: Value | undefined): string {
    const mods = { ifNotExists: false, generated: '', identity: false, defaultTo: '', notNull: false, unique: false, nullsNotDistinct: false, primaryKey: false, references: '', onDelete: '', onUpdate: '', check: '', front: [] as string[], end: [] as string[] };
    for (const l of this.callbackChain(build, 'the column callback')) {
      const a = this.vals(l);
      switch (l.name) {
        case 'primaryKey':
          mods.primaryKey = true;
          break;
        case 'notNull':
          mods.notNull = true;
          break;
        case 'unique':
          mods.unique = true;
          break;
        case 'nullsNotDistinct':
          mods.nullsNotDistinct = true;
          break;
        case 'defaultTo':
          mods.defaultTo = this.immediate(a[0]);
          break;
        case 'references': {
          const ref = str(a[0], 'references()', this.text).split('.');
          if (ref.length < 2) throw new Untranslatable('references() needs `table.column`');
          const col = ref.pop()!;
          mods.references = `references ${ref.map(ident).join('.')} (${ident(col)})`;
          break;
        }
        case 'onDelete':
          mods.onDelete = str(a[0], 'onDelete()', this.text);
          break;
        case 'onUpdate':
          mods.onUpdate = str(a[0], 'onUpdate()', this.text);
          break;
        case 'check':
          mods.check = `check (${this.expression(a[0], 'check()')})`;
          break;
        case 'generatedAlwaysAs':
          mods.generated = `generated always as (${this.expression(a[0], 'generatedAlwaysAs()')})`;
          break;
        case 'generatedAlwaysAsIdentity':
          mods.generated = 'generated always as identity';
          break;
        case 'generatedByDefaultAsIdentity':
          mods.generated = 'generated by default as identity';
          break;
        case 'stored':
          mods.generated += ' stored';
          break;
        case 'identity':
          mods.identity = true;
          break;
        case 'ifNotExists':
          mods.ifNotExists = true;
          break;
        case 'modifyFront':
          mods.front.push(this.expression(a[0], 'modifyFront()'));
          break;
        case 'modifyEnd':
          mods.end.push(this.expression(a[0], 'modifyEnd()'));
          break;
        default:
          throw new Untranslatable(`.${l.name}() on a column is not translated by godwit`);
      }
    }
    let sql = `${mods.ifNotExists ? 'if not exists ' : ''}${ident(name)} ${type}`;
    if (mods.front.length) sql += ` ${mods.front.join(' ')}`;
    if (mods.generated) sql += ` ${mods.generated}`;
    if (mods.identity) sql += ' identity';
    if (mods.defaultTo) sql += ` default ${mods.defaultTo}`;
    if (mods.notNull) sql += ' not null';
    if (mods.unique) sql += ' unique';
    if (mods.nullsNotDistinct) sql += ' nulls not distinct';
    if (mods.primaryKey) sql += ' primary key';
    if (mods.references) sql += ` ${mods.references}${mods.onDelete ? ` on delete ${mods.onDelete}` : ''}${mods.onUpdate ? ` on update ${mods.onUpdate}` : ''}`;
    if (mods.check) sql += ` ${mods.check}`;
    if (mods.end.length) sql += ` ${mods.end.join(' ')}`;
    return sql;
  }

  /** The method calls a builder callback `(b) => b.x().y()` makes on its parameter (none without one). */
  callbackChain(v: Value | undefined, what: string): Link[] {
    if (!v || v.t === 'undef') return [];
    if (v.t !== 'fn') throw new Untranslatable(`${what}: ${v.t === 'unknown' ? v.why : 'not a function godwit reads'}`);
    const fn = v.node;
    const param = fn.params[0]?.type === 'Identifier' ? fn.params[0].name : undefined;
    let body: Node | undefined = fn.body as Node;
    if (body.type === 'BlockStatement') {
      const ret = body.body.length === 1 && body.body[0].type === 'ReturnStatement' ? body.body[0].argument : undefined;
      body = ret ?? undefined;
      if (!body) throw new Untranslatable(`${what} is not a single \`return\` godwit reads`);
    }
    const e = unwrap(body);
    if (e.type === 'Identifier' && e.name === param) return [];
    const chain = e.type === 'CallExpression' ? flatten(e) : undefined;
    const root = chain ? unwrap(chain.root) : undefined;
    if (!chain || root?.type !== 'Identifier' || root.name !== param) throw new Untranslatable(`${what} \`${snippet(this.text, e, 40)}\` is not a builder chain godwit reads`);
    return chain.links;
  }

  /** A table-level constraint: `constraint "n" unique ("a")`, `… foreign key (…) references "t" (…)`. */
  constraint(l: Link): string {
    const a = this.vals(l);
    const name = ident(str(a[0], 'the constraint name', this.text));
    switch (l.name) {
      case 'addPrimaryKeyConstraint':
        return `constraint ${name} primary key (${strs(a[1], 'a column', this.text).map((c) => ident(c)).join(', ')})${this.deferrable(a[2])}`;
      case 'addUniqueConstraint': {
        let nnd = '';
        const build = this.callbackChain(a[2], 'the constraint callback');
        for (const b of build) {
          if (b.name === 'nullsNotDistinct') nnd = ' nulls not distinct';
          else if (!['deferrable', 'notDeferrable', 'initiallyDeferred', 'initiallyImmediate'].includes(b.name)) throw new Untranslatable(`.${b.name}() on a unique constraint is not translated by godwit`);
        }
        return `constraint ${name} unique${nnd} (${strs(a[1], 'a column', this.text).map((c) => ident(c)).join(', ')})${this.deferrable(a[2], build)}`;
      }
      case 'addCheckConstraint':
        return `constraint ${name} check (${this.expression(a[1], 'the check expression')})`;
      case 'addForeignKeyConstraint': {
        const cols = strs(a[1], 'a column', this.text).map((c) => ident(c)).join(', ');
        const refCols = strs(a[3], 'a referenced column', this.text).map((c) => ident(c)).join(', ');
        let sql = `constraint ${name} foreign key (${cols}) references ${this.table(a[2])} (${refCols})`;
        const build = this.callbackChain(a[4], 'the foreign key callback');
        for (const b of build) {
          const x = this.vals(b);
          if (b.name === 'onDelete') sql += ` on delete ${str(x[0], 'onDelete()', this.text)}`;
          else if (b.name === 'onUpdate') sql += ` on update ${str(x[0], 'onUpdate()', this.text)}`;
        }
        return sql + this.deferrable(a[4], build);
      }
      default:
        throw new Untranslatable(`.${l.name}() is not translated by godwit`);
    }
  }

  private deferrable(v: Value | undefined, links = this.callbackChain(v, 'the constraint callback')): string {
    let out = '';
    for (const b of links) {
      if (b.name === 'deferrable') out += ' deferrable';
      else if (b.name === 'notDeferrable') out += ' not deferrable';
      else if (b.name === 'initiallyDeferred') out += ' initially deferred';
      else if (b.name === 'initiallyImmediate') out += ' initially immediate';
      else if (!['onDelete', 'onUpdate', 'nullsNotDistinct'].includes(b.name)) throw new Untranslatable(`.${b.name}() on a constraint is not translated by godwit`);
    }
    return out;
  }

  schemaOp(links: Link[]): string {
    const [first, ...rest] = links;
    const a = this.vals(first);
    switch (first.name) {
      case 'createTable': {
        let temporary = false;
        let ifNotExists = false;
        const items: string[] = [];
        const constraints: string[] = [];
        const end: string[] = [];
        const front: string[] = [];
        for (const l of rest) {
          const x = this.vals(l);
          if (l.name === 'addColumn') items.push(this.columnDefinition(str(x[0], 'the column name', this.text), this.dataType(x[1]), x[2]));
          else if (l.name.startsWith('add') && l.name.endsWith('Constraint')) constraints.push(this.constraint(l));
          else if (l.name === 'temporary') temporary = true;
          else if (l.name === 'ifNotExists') ifNotExists = true;
          else if (l.name === 'modifyEnd') end.push(this.expression(x[0], 'modifyEnd()'));
          else if (l.name === 'modifyFront') front.push(this.expression(x[0], 'modifyFront()'));
          else throw new Untranslatable(`createTable(…).${l.name}() is not translated by godwit`);
        }
        return `create ${front.length ? `${front.join(' ')} ` : ''}${temporary ? 'temporary ' : ''}table ${ifNotExists ? 'if not exists ' : ''}${this.table(a[0])} (${[...items, ...constraints].join(', ')})${end.length ? ` ${end.join(' ')}` : ''}`;
      }
      case 'alterTable': {
        const table = this.table(a[0]);
        const alterations: string[] = [];
        let single: string | undefined;
        for (const l of rest) {
          const x = this.vals(l);
          switch (l.name) {
            case 'addColumn':
              alterations.push(`add column ${this.columnDefinition(str(x[0], 'the column name', this.text), this.dataType(x[1]), x[2])}`);
              break;
            case 'dropColumn':
              alterations.push(`drop column ${ident(str(x[0], 'the column name', this.text))}`);
              break;
            case 'renameColumn':
              alterations.push(`rename column ${ident(str(x[0], 'the column name', this.text))} to ${ident(str(x[1], 'the new column name', this.text))}`);
              break;
            case 'alterColumn':
              alterations.push(...this.alterColumn(str(x[0], 'the column name', this.text), x[1]));
              break;
            case 'renameTo':
              single = `rename to ${this.table(x[0])}`;
              break;
            case 'setSchema':
              single = `set schema ${ident(str(x[0], 'the schema', this.text))}`;
              break;
            case 'addPrimaryKeyConstraint':
            case 'addUniqueConstraint':
            case 'addCheckConstraint':
            case 'addForeignKeyConstraint':
              single = `add ${this.constraint(l)}`;
              break;
            case 'dropConstraint':
              single = `drop constraint ${ident(str(x[0], 'the constraint name', this.text))}`;
              break;
            case 'renameConstraint':
              single = `rename constraint ${ident(str(x[0], 'the constraint name', this.text))} to ${ident(str(x[1], 'the new constraint name', this.text))}`;
              break;
            case 'ifExists':
              if (!single?.startsWith('drop constraint ')) throw new Untranslatable('.ifExists() here is not translated by godwit');
              single = single.replace('drop constraint ', 'drop constraint if exists ');
              break;
            case 'cascade':
            case 'restrict':
              if (!single?.startsWith('drop constraint ')) throw new Untranslatable(`.${l.name}() here is not translated by godwit`);
              single += ` ${l.name}`;
              break;
            case 'onDelete':
            case 'onUpdate':
              if (!single?.includes(' foreign key ')) throw new Untranslatable(`.${l.name}() here is not translated by godwit`);
              single += ` ${l.name === 'onDelete' ? 'on delete' : 'on update'} ${str(x[0], `${l.name}()`, this.text)}`;
              break;
            case 'deferrable':
            case 'notDeferrable':
            case 'initiallyDeferred':
            case 'initiallyImmediate':
              single += ` ${l.name.replace(/([A-Z])/g, ' $1').toLowerCase()}`;
              break;
            default:
              throw new Untranslatable(`alterTable(…).${l.name}() is not translated by godwit`);
          }
        }
        if (single && alterations.length) throw new Untranslatable('alterTable mixes a constraint change with column changes');
        if (!single && !alterations.length) throw new Untranslatable('alterTable changes nothing godwit translates');
        return `alter table ${table} ${single ?? alterations.join(', ')}`;
      }
      case 'createIndex': {
        let unique = false;
        let ifNotExists = false;
        let table: string | undefined;
        let using: string | undefined;
        let nnd = false;
        const columns: string[] = [];
        let where = '';
        for (const l of rest) {
          const x = this.vals(l);
          switch (l.name) {
            case 'on':
              table = this.table(x[0]);
              break;
            case 'unique':
              unique = true;
              break;
            case 'ifNotExists':
              ifNotExists = true;
              break;
            case 'nullsNotDistinct':
              nnd = true;
              break;
            case 'using':
              using = str(x[0], 'using()', this.text);
              break;
            case 'column':
              columns.push(this.column(x[0], true));
              break;
            case 'columns':
              for (const c of x[0]?.t === 'arr' ? x[0].items : [x[0]]) columns.push(this.column(c, true));
              break;
            case 'expression':
              columns.push(this.expression(x[0], 'expression()'));
              break;
            case 'where':
              where = where ? `${where} and ${this.where(l, x)}` : this.where(l, x);
              break;
            default:
              throw new Untranslatable(`createIndex(…).${l.name}() is not translated by godwit`);
          }
        }
        return `create ${unique ? 'unique ' : ''}index ${ifNotExists ? 'if not exists ' : ''}${ident(str(a[0], 'the index name', this.text))}${table ? ` on ${table}` : ''}${using ? ` using ${using}` : ''}${columns.length ? ` (${columns.join(', ')})` : ''}${nnd ? ' nulls not distinct' : ''}${where ? ` where ${where}` : ''}`;
      }
      case 'dropIndex':
      case 'dropTable':
      case 'dropView':
      case 'dropType':
      case 'dropSchema': {
        let ifExists = false;
        let cascade = false;
        let materialized = false;
        for (const l of rest) {
          if (l.name === 'ifExists') ifExists = true;
          else if (l.name === 'cascade') cascade = true;
          else if (l.name === 'materialized' && first.name === 'dropView') materialized = true;
          else throw new Untranslatable(`${first.name}(…).${l.name}() is not translated by godwit`);
        }
        const what = { dropIndex: 'index', dropTable: 'table', dropView: materialized ? 'materialized view' : 'view', dropType: 'type', dropSchema: 'schema' }[first.name];
        const target = first.name === 'dropTable' || first.name === 'dropView' ? this.table(a[0]) : ident(str(a[0], 'the name', this.text));
        return `drop ${what} ${ifExists ? 'if exists ' : ''}${target}${cascade ? ' cascade' : ''}`;
      }
      case 'createView': {
        let orReplace = false;
        let temporary = false;
        let materialized = false;
        let ifNotExists = false;
        let as: string | undefined;
        for (const l of rest) {
          const x = this.vals(l);
          if (l.name === 'orReplace') orReplace = true;
          else if (l.name === 'temporary') temporary = true;
          else if (l.name === 'materialized') materialized = true;
          else if (l.name === 'ifNotExists') ifNotExists = true;
          else if (l.name === 'as') as = this.expression(x[0], "the view's query (a query builder is not translated)");
          else throw new Untranslatable(`createView(…).${l.name}() is not translated by godwit`);
        }
        if (as === undefined) throw new Untranslatable('createView without as()');
        return `create ${orReplace ? 'or replace ' : ''}${temporary ? 'temporary ' : ''}${materialized ? 'materialized ' : ''}view ${ifNotExists ? 'if not exists ' : ''}${this.table(a[0])} as ${as}`;
      }
      case 'createType': {
        const asEnum = rest.find((l) => l.name === 'asEnum');
        if (!asEnum || rest.length !== 1) throw new Untranslatable('createType(…) other than .asEnum([…]) is not translated by godwit');
        return `create type ${this.table(a[0])} as enum (${strs(this.vals(asEnum)[0], 'an enum value', this.text).map(literal).join(', ')})`;
      }
      case 'createSchema': {
        if (rest.some((l) => l.name !== 'ifNotExists')) throw new Untranslatable('createSchema(…) options are not translated by godwit');
        return `create schema ${rest.length ? 'if not exists ' : ''}${ident(str(a[0], 'the schema', this.text))}`;
      }
      case 'refreshMaterializedView': {
        let concurrently = false;
        let withNoData = false;
        for (const l of rest) {
          if (l.name === 'concurrently') concurrently = true;
          else if (l.name === 'withNoData') withNoData = true;
          else if (l.name !== 'withData') throw new Untranslatable(`refreshMaterializedView(…).${l.name}() is not translated by godwit`);
        }
        return `refresh materialized view ${concurrently ? 'concurrently ' : ''}${this.table(a[0])}${withNoData ? ' with no data' : ''}`;
      }
      default:
        throw new Untranslatable(`db.schema.${first.name}() is not translated by godwit`);
    }
  }

  private alterColumn(name: string, build: Value | undefined): string[] {
    const out: string[] = [];
    const col = `alter column ${ident(name)} `;
    for (const l of this.callbackChain(build, 'the alterColumn callback')) {
      const x = this.vals(l);
      switch (l.name) {
        case 'setDataType':
          out.push(`${col}type ${this.dataType(x[0])}`);
          break;
        case 'setDefault':
          out.push(`${col}set default ${this.immediate(x[0])}`);
          break;
        case 'dropDefault':
          out.push(`${col}drop default`);
          break;
        case 'setNotNull':
          out.push(`${col}set not null`);
          break;
        case 'dropNotNull':
          out.push(`${col}drop not null`);
          break;
        default:
          throw new Untranslatable(`alterColumn(…, (col) => col.${l.name}()) is not translated by godwit`);
      }
    }
    if (out.length !== 1) throw new Untranslatable('an alterColumn callback makes one change in Kysely');
    return out;
  }

  /** `.where('col', '=', value)` / `.where(sql\`…\`)` (values immediate in DDL). */
  private where(l: Link, x: Value[]): string {
    if (x.length === 1) return this.expression(x[0], 'where()');
    if (x.length !== 3) throw new Untranslatable('where() other than (column, operator, value) or sql`…` is not translated by godwit');
    const op = str(x[1], 'the where operator', this.text).toLowerCase();
    if (!/^(=|<>|!=|<|<=|>|>=|is|is not|like|not like|ilike|in|not in)$/.test(op)) throw new Untranslatable(`the where operator \`${op}\` is not translated by godwit`);
    const rhs = x[2].t === 'arr' ? `(${x[2].items.map((v) => this.immediate(v)).join(', ')})` : this.immediate(x[2]);
    return `${this.column(x[0])} ${op} ${rhs}`;
  }

  /** updateTable / deleteFrom / insertInto with plain values (bind parameters) and simple where clauses. */
  dataOp(links: Link[]): string {
    const [first, ...rest] = links;
    const table = this.table(this.vals(first)[0]);
    let n = 0;
    const where: string[] = [];
    const whereOf = (l: Link): string => {
      const x = this.vals(l);
      if (x.length !== 3) throw new Untranslatable('where() other than (column, operator, value) is not translated by godwit');
      const op = str(x[1], 'the where operator', this.text).toLowerCase();
      const rhs = x[2].t === 'null' ? 'null' : x[2].t === 'sql' ? x[2].text : x[2].t === 'unknown' || x[2].t === 'fn' || x[2].t === 'call' ? (() => { throw new Untranslatable(`the where value: ${x[2].t === 'unknown' ? x[2].why : 'a query builder'}`); })() : `$${++n}`;
      return `${this.column(x[0])} ${op} ${rhs}`;
    };
    switch (first.name) {
      case 'updateTable': {
        const sets: string[] = [];
        for (const l of rest) {
          const x = this.vals(l);
          if (l.name === 'set') {
            if (x[0]?.t !== 'obj') throw new Untranslatable('set() other than an object is not translated by godwit');
            for (const [k, v] of x[0].props) sets.push(`${ident(k)} = ${v.t === 'sql' ? v.text : `$${++n}`}`);
          } else if (l.name === 'where') where.push(whereOf(l));
          else throw new Untranslatable(`updateTable(…).${l.name}() is not translated by godwit`);
        }
        return `update ${table} set ${sets.join(', ')}${where.length ? ` where ${where.join(' and ')}` : ''}`;
      }
      case 'deleteFrom':
        for (const l of rest) {
          if (l.name === 'where') where.push(whereOf(l));
          else throw new Untranslatable(`deleteFrom(…).${l.name}() is not translated by godwit`);
        }
        return `delete from ${table}${where.length ? ` where ${where.join(' and ')}` : ''}`;
      case 'insertInto': {
        let cols: string[] = [];
        let values = '';
        for (const l of rest) {
          const x = this.vals(l);
          if (l.name === 'values') {
            const rows = x[0]?.t === 'arr' ? x[0].items : [x[0]];
            const keys = new Set<string>();
            for (const r of rows) {
              if (r?.t !== 'obj') throw new Untranslatable('values() other than objects is not translated by godwit');
              for (const k of r.props.keys()) keys.add(k);
            }
            cols = [...keys];
            values = ` values ${rows.map(() => `(${cols.map(() => `$${++n}`).join(', ')})`).join(', ')}`;
          } else throw new Untranslatable(`insertInto(…).${l.name}() is not translated by godwit`);
        }
        if (!values) throw new Untranslatable('insertInto() without values() is not translated by godwit');
        return `insert into ${table} (${cols.map(ident).join(', ')})${values}`;
      }
      default:
        throw new Untranslatable(`db.${first.name}() is not translated by godwit`);
    }
  }
}

