/**
 * node-pg-migrate `pgm.*` calls → the statements node-pg-migrate sends (src/operations/ of
 * salsita/node-pg-migrate; identifiers quoted with `"…"`, not decamelized — the default):
 *
 *   createTable              CREATE TABLE "t" ("id" serial PRIMARY KEY, …) [+ COMMENT ON … in the same step]
 *   dropTable                DROP TABLE [IF EXISTS] "t" [CASCADE]
 *   renameTable              ALTER TABLE "a" RENAME TO "b"
 *   addColumns / addColumn   ALTER TABLE "t" ADD "c" <type> …, ADD …
 *   dropColumns / dropColumn ALTER TABLE "t" DROP "c", …
 *   alterColumn              ALTER TABLE "t" ALTER "c" SET DEFAULT …, ALTER "c" SET DATA TYPE …, ALTER "c" SET NOT NULL
 *   renameColumn             ALTER TABLE "t" RENAME "a" TO "b"
 *   addConstraint            ALTER TABLE "t" ADD CONSTRAINT "t_fk_c" FOREIGN KEY … / CHECK … / UNIQUE …
 *   dropConstraint           ALTER TABLE "t" DROP CONSTRAINT "name"
 *   createIndex / addIndex   CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] "t_c_index" ON "t" (…)
 *   dropIndex                DROP INDEX [CONCURRENTLY] [IF EXISTS] "t_c_index"
 *   renameIndex, createExtension, createSchema, createType (enum), addTypeValue, alterTable
 *
 * Each call is one step (one query string) queued until `up()` returns, in order with
 * `pgm.sql()`; node-pg-migrate's transaction (or `pgm.noTransaction()`) wraps the steps.
 */
import { setOption } from './edits.js';
import type { BuilderOp, Translator } from './types.js';
import { bool, ident, obj, optStr, str, strs, Untranslatable, type Value } from './values.js';
import { snippet, type Node } from '../ast.js';

const NOT_OPS = new Set(['sql', 'noTransaction', 'func', 'db', 'decamelize', 'isUsingTransaction', 'getSql', 'getSqlSteps', 'enableReverseMode', 'refreshMaterializedView']);

export const translateNodePgMigrate: Translator = (call, env) => {
  const path = env.path(call.callee as Node);
  if (!path?.startsWith('$0.') || path.split('.').length !== 2) return undefined;
  const operation = path.slice(3);
  if (NOT_OPS.has(operation)) return undefined;
  const args = call.arguments as Node[];
  const op: BuilderOp = { operation, callee: `pgm.${operation}`, node: call, queued: true };
  const text = env.text;
  const lit = (v: Value | undefined, what: string): string => name(v, what, text);
  try {
    const v = args.map((a) => env.value(a));
    const o = (i: number): Map<string, Value> => obj(v[i], 'the options', text);
    let step: string | string[];
    switch (operation) {
      case 'createTable': {
        const options = o(2);
        const { lines, comments, pk } = columns(v[0], v[1], text);
        const constraints = options.get('constraints') && options.get('constraints')!.t !== 'undef' ? obj(options.get('constraints'), 'constraints', text) : new Map<string, Value>();
        if (pk.length > 1) constraints.set('primaryKey', { t: 'arr', items: pk.map((p) => ({ t: 'str', v: p, node: call })), node: call });
        const c = constraintLines(v[0], constraints, null, text);
        const like = options.get('like');
        if (like && like.t !== 'undef') throw new Untranslatable('createTable `like` is not translated by godwit');
        for (const k of options.keys()) if (!['temporary', 'ifNotExists', 'constraints', 'comment', 'unlogged', 'inherits'].includes(k)) throw new Untranslatable(`createTable option \`${k}\` is not translated by godwit`);
        const temporary = bool(options.get('temporary'), 'temporary', text) ? ' TEMPORARY' : '';
        const unlogged = bool(options.get('unlogged'), 'unlogged', text) ? ' UNLOGGED' : '';
        const ifNotExists = bool(options.get('ifNotExists'), 'ifNotExists', text) ? ' IF NOT EXISTS' : '';
        const inherits = optStr(options.get('inherits'), 'inherits', text);
        const sql = [`CREATE${temporary}${unlogged} TABLE${ifNotExists} ${lit(v[0], 'the table name')} (${[...lines, ...c.lines].join(', ')})${inherits ? ` INHERITS (${ident(inherits)})` : ''}`];
        sql.push(...comments, ...c.comments);
        const tableComment = options.get('comment');
        if (tableComment && tableComment.t !== 'undef') sql.push(comment('TABLE', lit(v[0], 'the table name'), tableComment, text));
        step = sql;
        break;
      }
      case 'dropTable': {
        const options = o(1);
        step = `DROP TABLE${bool(options.get('ifExists'), 'ifExists', text) ? ' IF EXISTS' : ''} ${lit(v[0], 'the table name')}${bool(options.get('cascade'), 'cascade', text) ? ' CASCADE' : ''}`;
        break;
      }
      case 'renameTable':
        step = `ALTER TABLE ${lit(v[0], 'the table name')} RENAME TO ${lit(v[1], 'the new table name')}`;
        break;
      case 'addColumns':
      case 'addColumn': {
        const options = o(2);
        const ifNotExists = bool(options.get('ifNotExists'), 'ifNotExists', text) ? 'IF NOT EXISTS ' : '';
        const { lines, comments } = columns(v[0], v[1], text);
        step = [`ALTER TABLE ${lit(v[0], 'the table name')} ${lines.map((l) => `ADD ${ifNotExists}${l}`).join(', ')}`, ...comments];
        break;
      }
      case 'dropColumns':
      case 'dropColumn': {
        const options = o(2);
        const cols = v[1]?.t === 'obj' ? [...v[1].props.keys()] : strs(v[1], 'the column name', text);
        const ifExists = bool(options.get('ifExists'), 'ifExists', text) ? 'IF EXISTS ' : '';
        const cascade = bool(options.get('cascade'), 'cascade', text) ? ' CASCADE' : '';
        step = `ALTER TABLE ${lit(v[0], 'the table name')} ${cols.map((c) => `DROP ${ifExists}${ident(c)}${cascade}`).join(', ')}`;
        break;
      }
      case 'alterColumn':
        step = alterColumn(v[0], str(v[1], 'the column name', text), o(2), text);
        break;
      case 'renameColumn':
        step = `ALTER TABLE ${lit(v[0], 'the table name')} RENAME ${ident(str(v[1], 'the column name', text))} TO ${ident(str(v[2], 'the new column name', text))}`;
        break;
      case 'addConstraint':
      case 'createConstraint': {
        const cname = v[1]?.t === 'null' || v[1]?.t === 'undef' ? null : str(v[1], 'the constraint name', text);
        if (v[2]?.t === 'str') {
          step = `ALTER TABLE ${lit(v[0], 'the table name')} ADD ${cname ? `CONSTRAINT ${ident(cname)} ` : ''}${v[2].v}`;
        } else {
          const c = constraintLines(v[0], o(2), cname, text);
          if (!c.lines.length) throw new Untranslatable('addConstraint has no constraint');
          step = [`ALTER TABLE ${lit(v[0], 'the table name')} ${c.lines.map((l) => `ADD ${l}`).join(', ')}`, ...c.comments];
        }
        break;
      }
      case 'dropConstraint': {
        const options = o(2);
        const ifTable = bool(options.get('ifTableExists'), 'ifTableExists', text) ? 'ALTER TABLE IF EXISTS' : 'ALTER TABLE';
        step = `${ifTable} ${lit(v[0], 'the table name')} DROP CONSTRAINT${bool(options.get('ifExists'), 'ifExists', text) ? ' IF EXISTS' : ''} ${ident(str(v[1], 'the constraint name', text))}${bool(options.get('cascade'), 'cascade', text) ? ' CASCADE' : ''}`;
        break;
      }
      case 'createIndex':
      case 'addIndex': {
        step = createIndex(v[0], v[1], o(2), text);
        const fix = setOption(args[2], args[1] ?? args[0], 'concurrently', 'true');
        if (fix) op.fixes = { 'require-concurrent-index': fix };
        break;
      }
      case 'dropIndex': {
        const options = o(2);
        const idx = indexName(v[0], v[1], options, text);
        step = `DROP INDEX${bool(options.get('concurrently'), 'concurrently', text) ? ' CONCURRENTLY' : ''}${bool(options.get('ifExists'), 'ifExists', text) ? ' IF EXISTS' : ''} ${idx}${bool(options.get('cascade'), 'cascade', text) ? ' CASCADE' : ''}`;
        const fix = setOption(args[2], args[1] ?? args[0], 'concurrently', 'true');
        if (fix) op.fixes = { 'require-concurrent-index-drop': fix };
        break;
      }
      case 'renameIndex':
        step = `ALTER INDEX ${lit(v[0], 'the index name')} RENAME TO ${lit(v[1], 'the new index name')}`;
        break;
      case 'createExtension':
      case 'addExtension': {
        const options = o(1);
        const schema = optStr(options.get('schema'), 'schema', text);
        step = strs(v[0], 'the extension', text).map((e) => `CREATE EXTENSION${bool(options.get('ifNotExists'), 'ifNotExists', text) ? ' IF NOT EXISTS' : ''} ${ident(e)}${schema ? ` SCHEMA ${ident(schema)}` : ''}`);
        break;
      }
      case 'createSchema': {
        const options = o(1);
        const auth = optStr(options.get('authorization'), 'authorization', text);
        step = `CREATE SCHEMA${bool(options.get('ifNotExists'), 'ifNotExists', text) ? ' IF NOT EXISTS' : ''} ${ident(str(v[0], 'the schema name', text))}${auth ? ` AUTHORIZATION ${auth}` : ''}`;
        break;
      }
      case 'createType': {
        if (v[1]?.t !== 'arr') throw new Untranslatable('createType of a composite type is not translated by godwit');
        step = `CREATE TYPE ${lit(v[0], 'the type name')} AS ENUM (${v[1].items.map((x) => escapeValue(x, text)).join(', ')})`;
        break;
      }
      case 'addTypeValue': {
        const options = o(2);
        const before = options.get('before');
        const after = options.get('after');
        step = `ALTER TYPE ${lit(v[0], 'the type name')} ADD VALUE${bool(options.get('ifNotExists'), 'ifNotExists', text) ? ' IF NOT EXISTS' : ''} ${escapeValue(v[1], text)}${before && before.t !== 'undef' ? ` BEFORE ${escapeValue(before, text)}` : ''}${after && after.t !== 'undef' ? ` AFTER ${escapeValue(after, text)}` : ''}`;
        break;
      }
      case 'alterTable': {
        const options = o(1);
        const parts: string[] = [];
        const level = optStr(options.get('levelSecurity'), 'levelSecurity', text);
        if (level) parts.push(`${level} ROW LEVEL SECURITY`);
        const unlogged = options.get('unlogged');
        if (unlogged?.t === 'bool') parts.push(unlogged.v ? 'SET UNLOGGED' : 'SET LOGGED');
        if (!parts.length) throw new Untranslatable('alterTable has no option godwit translates');
        step = `ALTER TABLE ${lit(v[0], 'the table name')} ${parts.join(', ')}`;
        break;
      }
      default:
        throw new Untranslatable(`pgm.${operation}() is not translated by godwit`);
    }
    // each step is one query string; createExtension of several extensions is several steps
    if (operation === 'createExtension' || operation === 'addExtension') {
      op.statements = step as string[];
      op.queries = (step as string[]).map(() => 1);
    } else {
      op.statements = Array.isArray(step) ? step : [step];
      op.queries = [op.statements.length];
    }
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    op.reason = e.reason;
    delete op.fixes;
    const table = args[0] ? env.value(args[0]) : undefined;
    if (operation === 'createTable' && table?.t === 'str') op.creates = [{ kind: 'table', name: ident(table.v) }];
  }
  return op;
};

/** mOptions.literal: a table name (`{ schema, name }` qualified), a PgLiteral as it is. */
function name(v: Value | undefined, what: string, text: string): string {
  if (v?.t === 'obj') {
    const schema = optStr(v.props.get('schema'), `${what} schema`, text);
    const n = str(v.props.get('name'), what, text);
    return schema ? `${ident(schema)}.${ident(n)}` : ident(n);
  }
  const f = func(v);
  if (f !== undefined) return f;
  return ident(str(v, what, text));
}

/** `pgm.func('now()')` / `PgLiteral.create('x')`: the SQL text, as it is. */
function func(v: Value | undefined): string | undefined {
  if (v?.t !== 'call' || v.args[0]?.t !== 'str') return undefined;
  if (v.path === '$0.func' || v.path.endsWith('PgLiteral.create') || v.path === 'new:PgLiteral') return v.args[0].v;
  return undefined;
}

/** escapeValue: strings dollar-quoted (`$pga$…$pga$`), pgm.func() as it is, arrays as ARRAY[…]. */
function escapeValue(v: Value | undefined, text: string): string {
  if (!v) throw new Untranslatable('a value is missing');
  const f = func(v);
  if (f !== undefined) return f;
  switch (v.t) {
    case 'null':
      return 'NULL';
    case 'bool':
    case 'num':
      return String(v.v);
    case 'str': {
      let id = 'a';
      for (let i = 0; v.v.includes(`$pg${id}$`); i++) id = String.fromCharCode(98 + i);
      return `$pg${id}$${v.v}$pg${id}$`;
    }
    case 'arr':
      return `ARRAY[${v.items.map((x) => (x.t === 'arr' ? escapeValue(x, text).slice(5) : escapeValue(x, text))).join(',')}]`;
    default:
      throw new Untranslatable(`the value \`${snippet(text, v.node as Node, 40)}\` is not read by godwit`);
  }
}

const TYPE_ADAPTERS: Record<string, string> = { int: 'integer', string: 'text', float: 'real', double: 'double precision', datetime: 'timestamp', bool: 'boolean' };

/** parseColumns: column definitions (`{ id: 'id', name: { type: 'text', notNull: true } }`). */
function columns(table: Value | undefined, defs: Value | undefined, text: string): { lines: string[]; comments: string[]; pk: string[] } {
  const cols = obj(defs, 'the columns', text);
  const entries = [...cols].map(([col, d]) => {
    let def: Map<string, Value>;
    if (d.t === 'str') def = new Map([['type', d]]);
    else def = obj(d, `the column "${col}"`, text);
    // the `id` shorthand: serial primary key
    if (def.get('type')?.t === 'str' && (def.get('type') as { v: string }).v === 'id') {
      def = new Map([...def, ['type', { t: 'str', v: 'serial', node: d.node } as Value], ['primaryKey', def.get('primaryKey') ?? ({ t: 'bool', v: true, node: d.node } as Value)]]);
    }
    return [col, def] as const;
  });
  const pk = entries.filter(([, d]) => bool(d.get('primaryKey'), 'primaryKey', text)).map(([c]) => c);
  const multiplePk = pk.length > 1;
  const comments: string[] = [];
  const lines = entries.map(([col, d]) => {
    for (const k of d.keys()) {
      if (!['type', 'array', 'collation', 'default', 'unique', 'primaryKey', 'notNull', 'check', 'references', 'referencesConstraintName', 'onDelete', 'onUpdate', 'match', 'deferrable', 'deferred', 'comment', 'expressionGenerated'].includes(k)) {
        throw new Untranslatable(`column option \`${k}\` of "${col}" is not translated by godwit`);
      }
    }
    const typeValue = d.get('type');
    const rawType = typeValue?.t === 'obj' ? name(typeValue, 'the type', text) : str(typeValue, `the type of "${col}"`, text);
    const baseType = TYPE_ADAPTERS[rawType] ?? rawType;
    const parts: string[] = [];
    const collation = optStr(d.get('collation'), 'collation', text);
    if (collation) parts.push(`COLLATE ${collation}`);
    const def = d.get('default');
    if (def && def.t !== 'undef') parts.push(`DEFAULT ${escapeValue(def, text)}`);
    if (bool(d.get('unique'), 'unique', text)) parts.push('UNIQUE');
    if (!multiplePk && bool(d.get('primaryKey'), 'primaryKey', text)) parts.push('PRIMARY KEY');
    if (bool(d.get('notNull'), 'notNull', text)) parts.push('NOT NULL');
    const check = optStr(d.get('check'), 'check', text);
    if (check) parts.push(`CHECK (${check})`);
    const refs = d.get('references');
    if (refs && refs.t !== 'undef') {
      const cname = optStr(d.get('referencesConstraintName'), 'referencesConstraintName', text);
      parts.push(`${cname ? `CONSTRAINT ${ident(cname)} ` : ''}${references(d, text)}`);
    }
    if (bool(d.get('deferrable'), 'deferrable', text)) parts.push(`DEFERRABLE INITIALLY ${bool(d.get('deferred'), 'deferred', text) ? 'DEFERRED' : 'IMMEDIATE'}`);
    const gen = optStr(d.get('expressionGenerated'), 'expressionGenerated', text);
    if (gen) parts.push(`GENERATED ALWAYS AS (${gen}) STORED`);
    const array = d.get('array');
    const type = array?.t === 'bool' && array.v ? `${baseType} ARRAY` : array?.t === 'num' ? `${baseType} ARRAY[${array.v}]` : baseType;
    const c = d.get('comment');
    if (c && c.t !== 'undef') comments.push(comment('COLUMN', `${name(table, 'the table name', text)}.${ident(col)}`, c, text));
    return `${ident(col)} ${type}${parts.length ? ` ${parts.join(' ')}` : ''}`;
  });
  return { lines, comments, pk: multiplePk ? pk : [] };
}

function references(d: Map<string, Value>, text: string): string {
  const r = d.get('references')!;
  const clauses = [r.t === 'str' && (r.v.startsWith('"') || r.v.endsWith(')')) ? `REFERENCES ${r.v}` : `REFERENCES ${name(r, 'references', text)}`];
  const match = optStr(d.get('match'), 'match', text);
  const onDelete = optStr(d.get('onDelete'), 'onDelete', text);
  const onUpdate = optStr(d.get('onUpdate'), 'onUpdate', text);
  if (match) clauses.push(`MATCH ${match}`);
  if (onDelete) clauses.push(`ON DELETE ${onDelete}`);
  if (onUpdate) clauses.push(`ON UPDATE ${onUpdate}`);
  return clauses.join(' ');
}

/** parseConstraints: check, unique, primaryKey, foreignKeys, exclude. */
function constraintLines(table: Value | undefined, c: Map<string, Value>, optionName: string | null, text: string): { lines: string[]; comments: string[] } {
  const t = table?.t === 'obj' ? str(table.props.get('name'), 'the table name', text) : str(table, 'the table name', text);
  const lines: string[] = [];
  const comments: string[] = [];
  for (const k of c.keys()) if (!['check', 'unique', 'primaryKey', 'foreignKeys', 'exclude', 'deferrable', 'deferred', 'comment'].includes(k)) throw new Untranslatable(`constraint option \`${k}\` is not translated by godwit`);
  const check = c.get('check');
  if (check && check.t !== 'undef') {
    if (check.t === 'arr') check.items.forEach((ch, i) => lines.push(`CONSTRAINT ${ident(optionName || `${t}_chck_${i + 1}`)} CHECK (${str(ch, 'check', text)})`));
    else lines.push(`CONSTRAINT ${ident(optionName || `${t}_chck`)} CHECK (${str(check, 'check', text)})`);
  }
  const unique = c.get('unique');
  if (unique && unique.t !== 'undef') {
    const arr = unique.t === 'arr' ? unique.items : [unique];
    const sets = arr.some((u) => u.t === 'arr') ? arr.map((u) => strs(u, 'unique', text)) : [arr.map((u) => str(u, 'unique', text))];
    for (const cols of sets) lines.push(`CONSTRAINT ${ident(optionName || `${t}_uniq_${cols.join('_')}`)} UNIQUE (${cols.map(ident).join(', ')})`);
  }
  const pk = c.get('primaryKey');
  if (pk && pk.t !== 'undef') lines.push(`CONSTRAINT ${ident(optionName || `${t}_pkey`)} PRIMARY KEY (${strs(pk, 'primaryKey', text).map(ident).join(', ')})`);
  const fks = c.get('foreignKeys');
  if (fks && fks.t !== 'undef') {
    for (const fk of fks.t === 'arr' ? fks.items : [fks]) {
      const f = obj(fk, 'a foreign key', text);
      const cols = strs(f.get('columns'), 'foreign key columns', text);
      const cname = optStr(f.get('referencesConstraintName'), 'referencesConstraintName', text) || optionName || `${t}_fk_${cols.join('_')}`;
      lines.push(`CONSTRAINT ${ident(cname)} FOREIGN KEY (${cols.map(ident).join(', ')}) ${references(f, text)}`);
    }
  }
  const exclude = optStr(c.get('exclude'), 'exclude', text);
  if (exclude) lines.push(`CONSTRAINT ${ident(optionName || `${t}_excl`)} EXCLUDE ${exclude}`);
  if (bool(c.get('deferrable'), 'deferrable', text)) {
    const d = `DEFERRABLE INITIALLY ${bool(c.get('deferred'), 'deferred', text) ? 'DEFERRED' : 'IMMEDIATE'}`;
    for (let i = 0; i < lines.length; i++) lines[i] += ` ${d}`;
  }
  const cm = c.get('comment');
  if (cm && cm.t !== 'undef') {
    if (!optionName) throw new Untranslatable('a constraint comment needs a constraint name');
    comments.push(comment(`CONSTRAINT ${ident(optionName)} ON`, name(table, 'the table name', text), cm, text));
  }
  return { lines, comments };
}

function comment(kind: string, target: string, v: Value, text: string): string {
  const c = v.t === 'null' ? 'NULL' : escapeValue({ t: 'str', v: str(v, 'the comment', text), node: v.node }, text);
  return `COMMENT ON ${kind} ${target} IS ${c}`;
}

function alterColumn(table: Value | undefined, column: string, o: Map<string, Value>, text: string): string[] {
  for (const k of o.keys()) if (!['type', 'default', 'notNull', 'allowNull', 'collation', 'using', 'comment'].includes(k)) throw new Untranslatable(`alterColumn option \`${k}\` is not translated by godwit`);
  const actions: string[] = [];
  const def = o.get('default');
  if (def?.t === 'null') actions.push('DROP DEFAULT');
  else if (def && def.t !== 'undef') actions.push(`SET DEFAULT ${escapeValue(def, text)}`);
  const type = optStr(o.get('type'), 'type', text);
  if (type) {
    const collation = optStr(o.get('collation'), 'collation', text);
    const using = optStr(o.get('using'), 'using', text);
    actions.push(`SET DATA TYPE ${TYPE_ADAPTERS[type] ?? type}${collation ? ` COLLATE ${collation}` : ''}${using ? ` USING ${using}` : ''}`);
  }
  const notNull = o.get('notNull');
  if (notNull && bool(notNull, 'notNull', text)) actions.push('SET NOT NULL');
  else if ((notNull?.t === 'bool' && !notNull.v) || bool(o.get('allowNull'), 'allowNull', text)) actions.push('DROP NOT NULL');
  const out: string[] = [];
  const t = name(table, 'the table name', text);
  if (actions.length) out.push(`ALTER TABLE ${t} ${actions.map((a) => `ALTER ${ident(column)} ${a}`).join(', ')}`);
  const c = o.get('comment');
  if (c && c.t !== 'undef') out.push(comment('COLUMN', `${t}.${ident(column)}`, c, text));
  if (!out.length) throw new Untranslatable('alterColumn changes nothing godwit translates');
  return out;
}

/** generateIndexName: `<table>_<columns>[_unique]_index`, schema-qualified for `{ schema, name }`. */
function indexName(table: Value | undefined, columnsValue: Value | undefined, o: Map<string, Value>, text: string): string {
  const explicit = optStr(o.get('name'), 'the index name', text);
  const schema = table?.t === 'obj' ? optStr(table.props.get('schema'), 'the schema', text) : undefined;
  const qualify = (n: string): string => (schema ? `${ident(schema)}.${ident(n)}` : ident(n));
  if (explicit) return qualify(explicit);
  const t = table?.t === 'obj' ? str(table.props.get('name'), 'the table name', text) : str(table, 'the table name', text);
  const cols = (columnsValue?.t === 'arr' ? columnsValue.items : [columnsValue]).map((c) => {
    if (c?.t === 'obj') return str(c.props.get('name'), 'an index column', text);
    if (func(c) !== undefined) throw new Untranslatable('an index on a pgm.func() expression needs a name');
    return str(c, 'an index column', text);
  });
  return qualify(`${t}_${cols.join('_')}${bool(o.get('unique'), 'unique', text) ? '_unique' : ''}_index`);
}

function columnString(c: string): string {
  if (!/[^\w".]/.test(c)) return ident(c);
  return /\)$/.test(c) ? c : `(${c})`;
}

function createIndex(table: Value | undefined, columnsValue: Value | undefined, o: Map<string, Value>, text: string): string {
  for (const k of o.keys()) if (!['name', 'unique', 'where', 'concurrently', 'ifNotExists', 'method', 'include', 'nulls'].includes(k)) throw new Untranslatable(`createIndex option \`${k}\` is not translated by godwit`);
  const cols = (columnsValue?.t === 'arr' ? columnsValue.items : [columnsValue]).map((c) => {
    const f = func(c);
    if (f !== undefined) return f;
    if (c?.t === 'obj') {
      const n = str(c.props.get('name'), 'an index column', text);
      const opclass = c.props.get('opclass');
      const sort = optStr(c.props.get('sort'), 'sort', text);
      return [columnString(expression(n)), opclass && opclass.t !== 'undef' ? name(opclass, 'opclass', text) : undefined, sort].filter(Boolean).join(' ');
    }
    return columnString(expression(str(c, 'an index column', text)));
  });
  const unique = bool(o.get('unique'), 'unique', text);
  const method = optStr(o.get('method'), 'method', text);
  const where = optStr(o.get('where'), 'where', text);
  const include = o.get('include');
  const nulls = optStr(o.get('nulls'), 'nulls', text);
  return `CREATE${unique ? ' UNIQUE' : ''} INDEX${bool(o.get('concurrently'), 'concurrently', text) ? ' CONCURRENTLY' : ''}${bool(o.get('ifNotExists'), 'ifNotExists', text) ? ' IF NOT EXISTS' : ''} ${indexName(table, columnsValue, o, text)} ON ${name(table, 'the table name', text)}${method ? ` USING ${method}` : ''} (${cols.join(', ')})${include && include.t !== 'undef' ? ` INCLUDE (${strs(include, 'include', text).map(ident).join(', ')})` : ''}${nulls ? ` NULLS ${nulls.toUpperCase()}` : ''}${where ? ` WHERE ${where}` : ''}`;
}

/** createSchemalize without quoting: an expression (`lower(email)`) is wrapped in parentheses. */
function expression(c: string): string {
  const isExpr = /(->>|->|#>>|#>|@\?|@@|@>|<@|\?\||\?&|\?|#-|\|\||::)/.test(c) || /^[\w.]+\(/.test(c) || /\s+[+*/-]\s+/.test(c) || (/[=<>!]+/.test(c) && /[a-zA-Z0-9]/.test(c));
  return isExpr ? `(${c})` : c;
}

