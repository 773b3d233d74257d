/**
 * Sequelize `queryInterface` calls → the statements Sequelize v6 sends to PostgreSQL
 * (src/dialects/abstract/query-interface.js, src/dialects/postgres/query-interface.js and
 * query-generator.js of sequelize v6, which sequelize-cli and umzug drive):
 *
 *   createTable      [DO 'BEGIN CREATE TYPE … ENUM …' per ENUM column]; CREATE TABLE IF NOT EXISTS "t" (…)
 *   addColumn        ALTER TABLE "public"."t" ADD COLUMN "c" <type> [NOT NULL] [DEFAULT …] [UNIQUE] [REFERENCES …]
 *                    (one query string, after the DO block that creates an ENUM type)
 *   changeColumn     one query string: ALTER COLUMN … SET/DROP NOT NULL; SET/DROP DEFAULT; [ADD UNIQUE];
 *                    ALTER COLUMN … TYPE … (or ADD FOREIGN KEY …) — an implicit transaction
 *   renameColumn     ALTER TABLE "t" RENAME COLUMN "a" TO "b" (after a describeTable SELECT)
 *   removeColumn     ALTER TABLE "public"."t" DROP COLUMN "c"
 *   addIndex         CREATE [UNIQUE] INDEX [CONCURRENTLY] "t_a_b" ON "t" [USING …] (…) [WHERE …]
 *   removeIndex      DROP INDEX [CONCURRENTLY] IF EXISTS "t_a_b"
 *   addConstraint    ALTER TABLE "t" ADD CONSTRAINT "t_a_uk" UNIQUE|CHECK|PRIMARY KEY|FOREIGN KEY …
 *   removeConstraint ALTER TABLE "t" DROP CONSTRAINT "name"
 *   renameTable      ALTER TABLE "a" RENAME TO "b"
 *   dropTable        DROP TABLE IF EXISTS "t" [CASCADE]
 *   bulkUpdate       UPDATE "t" SET "a"=$1 … [WHERE …]
 *   bulkDelete       DELETE FROM "t" [WHERE …] (TRUNCATE with `truncate: true`)
 *   bulkInsert       INSERT INTO "t" ("a",…) VALUES ($1,…),…
 *
 * Default names follow Sequelize: indexes `underscore(<table>_<fields>)` (inflection's
 * underscore: `userId` → `user_id`), constraints `<table>_<fields>_uk|_ck|_pk`,
 * `<table>_<fields>_<refTable>_fk`, ENUM types `enum_<table>_<column>`. Sequelize sends no
 * transaction of its own: a call joins one only with `{ transaction: t }` in its options.
 */
import { snippet, unwrap, type Node } from '../ast.js';
import { setOption } from './edits.js';
import type { BuilderEnv, BuilderOp, Translator } from './types.js';
import { bool, lastName, literal, num, obj, optStr, str, strs, plainValue, Untranslatable, type Value } from './values.js';

/** Calls on queryInterface that read and never change the schema. */
const READ_ONLY = new Set(['describeTable', 'showIndex', 'tableExists', 'showAllTables', 'showAllSchemas', 'getForeignKeysForTables', 'getForeignKeyReferencesForTable', 'showConstraint', 'select', 'rawSelect', 'databaseVersion', 'quoteIdentifier', 'quoteIdentifiers', 'quoteTable', 'escape', 'sequelize', 'assertTableHasColumn', 'getQueryInterface']);

/** Which argument holds the query options (`{ transaction }`), per operation. */
const OPTIONS_ARG: Record<string, number> = {
  createTable: 2,
  addColumn: 3,
  changeColumn: 3,
  renameColumn: 3,
  removeColumn: 2,
  removeIndex: 2,
  addConstraint: 1,
  removeConstraint: 2,
  renameTable: 2,
  dropTable: 1,
  bulkUpdate: 3,
  bulkDelete: 2,
  bulkInsert: 2,
};

export const translateSequelize: Translator = (call, env) => {
  const path = env.path(call.callee as Node);
  if (!path?.startsWith('$0.') || path.split('.').length !== 2) return undefined;
  const operation = path.slice(3);
  if (READ_ONLY.has(operation)) return undefined;
  const args = call.arguments as Node[];
  const optionsNode = operation === 'addIndex' ? (args[1] && unwrap(args[1]).type === 'ArrayExpression' ? args[2] : args[1]) : args[OPTIONS_ARG[operation] ?? -1];
  const op: BuilderOp = { operation, callee: `queryInterface.${operation}`, node: call, tx: env.sequelizeTx(optionsNode) };
  const t = new Sequelize(env);
  try {
    const v = args.map((a) => env.value(a));
    switch (operation) {
      case 'createTable':
        Object.assign(op, t.createTable(v[0], v[1], v[2]));
        break;
      case 'addColumn':
        Object.assign(op, t.addColumn(v[0], str(v[1], 'the column name', env.text), v[2]));
        break;
      case 'changeColumn':
        Object.assign(op, t.changeColumn(v[0], str(v[1], 'the column name', env.text), v[2]));
        break;
      case 'renameColumn':
        op.statements = [`ALTER TABLE ${t.quoteTable(v[0])} RENAME COLUMN ${q(str(v[1], 'the column name', env.text))} TO ${q(str(v[2], 'the new column name', env.text))};`];
        break;
      case 'removeColumn':
        op.statements = [`ALTER TABLE ${t.tableDetails(v[0])} DROP COLUMN ${q(str(v[1], 'the column name', env.text))};`];
        break;
      case 'addIndex': {
        op.statements = [t.addIndex(v[0], v[1], v[2])];
        const options = v[1]?.t === 'arr' ? args[2] : args[1];
        const fix = setOption(options, args[1] ?? args[0], 'concurrently', 'true');
        if (fix) op.fixes = { 'require-concurrent-index': fix };
        break;
      }
      case 'removeIndex': {
        const table = str(v[0], 'the table name', env.text);
        const nameOrFields = v[1];
        const name = nameOrFields?.t === 'arr' ? underscore(`${table}_${strs(nameOrFields, 'an index field', env.text).join('_')}`) : str(nameOrFields, 'the index name', env.text);
        const o = obj(v[2], 'the options', env.text);
        op.statements = [['DROP INDEX', bool(o.get('concurrently'), 'concurrently', env.text) && 'CONCURRENTLY', `IF EXISTS ${qs(name)}`].filter(Boolean).join(' ')];
        const fix = setOption(args[2], args[1] ?? args[0], 'concurrently', 'true');
        if (fix) op.fixes = { 'require-concurrent-index-drop': fix };
        break;
      }
      case 'addConstraint':
        op.statements = [t.addConstraint(v[0], v[1])];
        break;
      case 'removeConstraint':
        op.statements = [`ALTER TABLE ${t.quoteTableQi(v[0])} DROP CONSTRAINT ${qs(str(v[1], 'the constraint name', env.text))}`];
        break;
      case 'renameTable':
        op.statements = [`ALTER TABLE ${t.quoteTable(v[0])} RENAME TO ${t.quoteTable(v[1])};`];
        break;
      case 'dropTable': {
        const o = obj(v[1], 'the options', env.text);
        const cascade = bool(o.get('cascade'), 'cascade', env.text) || bool(o.get('force'), 'force', env.text);
        op.statements = [`DROP TABLE IF EXISTS ${t.quoteTable(v[0])}${cascade ? ' CASCADE' : ''};`];
        break;
      }
      case 'bulkUpdate':
        op.statements = [t.update(v[0], v[1], v[2])];
        break;
      case 'bulkDelete': {
        const o = obj(v[2], 'the options', env.text);
        if (bool(o.get('truncate'), 'truncate', env.text)) {
          op.statements = [`TRUNCATE ${t.quoteTable(v[0])}${bool(o.get('restartIdentity'), 'restartIdentity', env.text) ? ' RESTART IDENTITY' : ''}${bool(o.get('cascade'), 'cascade', env.text) ? ' CASCADE' : ''}`];
        } else {
          const where = t.where(v[1]);
          op.statements = [`DELETE FROM ${t.quoteTable(v[0])}${where ? ` WHERE ${where}` : ''}`];
        }
        break;
      }
      case 'bulkInsert':
        op.statements = [t.insert(v[0], v[1])];
        break;
      default:
        throw new Untranslatable(`queryInterface.${operation}() is not translated by godwit`);
    }
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    op.reason = e.reason;
    delete op.statements;
    const table = args[0] ? env.value(args[0]) : undefined;
    if (operation === 'createTable' && table?.t === 'str') op.creates = [{ kind: 'table', name: q(table.v) }];
  }
  return op;
};

/** A PostgreSQL identifier as Sequelize quotes it (quotes inside the name are dropped). */
function q(s: string): string {
  return `"${s.replace(/"/g, '')}"`;
}

/** quoteIdentifiers: `a.b` → `"a"."b"` (`a.b.c` → `"a->b"."c"`). */
function qs(s: string): string {
  if (!s.includes('.')) return q(s);
  const parts = s.split('.');
  return `${q(parts.slice(0, -1).join('->'))}.${q(parts[parts.length - 1])}`;
}

/** inflection.underscore (Sequelize's Utils.underscore): `_` before each capital, leading `_` dropped, lower case. */
export function underscore(s: string): string {
  return s
    .split('::')
    .map((p) => p.replace(/([A-Z])/g, '_$1').replace(/^_/, ''))
    .join('/')
    .toLowerCase();
}

interface Column {
  name: string;
  /** attributeToSQL: type and modifiers (NOT NULL, DEFAULT, UNIQUE, PRIMARY KEY, REFERENCES) */
  sql: string;
  enumValues?: string[];
  comment?: string;
}

class Sequelize {
  constructor(private readonly env: BuilderEnv) {}

  private get text(): string {
    return this.env.text;
  }

  /** quoteTable: a string is one identifier; `{ tableName, schema }` is qualified. */
  quoteTable(v: Value | undefined): string {
    if (v?.t === 'obj') {
      const schema = optStr(v.props.get('schema'), 'the schema', this.text);
      const name = str(v.props.get('tableName'), 'the table name', this.text);
      return schema ? `${q(schema)}.${q(name)}` : q(name);
    }
    return q(str(v, 'the table name', this.text));
  }

  /** addIndex/addConstraint/removeConstraint: a string goes through quoteIdentifiers. */
  quoteTableQi(v: Value | undefined): string {
    return v?.t === 'obj' ? this.quoteTable(v) : qs(str(v, 'the table name', this.text));
  }

  /** quoteTable(extractTableDetails(t)): the schema defaults to public. */
  tableDetails(v: Value | undefined): string {
    const schema = v?.t === 'obj' ? (optStr(v.props.get('schema'), 'the schema', this.text) ?? 'public') : 'public';
    return `${q(schema)}.${q(this.tableName(v))}`;
  }

  tableName(v: Value | undefined): string {
    return v?.t === 'obj' ? str(v.props.get('tableName'), 'the table name', this.text) : str(v, 'the table name', this.text);
  }

  private schemaOf(v: Value | undefined): string {
    return v?.t === 'obj' ? (optStr(v.props.get('schema'), 'the schema', this.text) ?? 'public') : 'public';
  }

  /** pgEnumName: `"public"."enum_<table>_<column>"` (schema from extractTableDetails). */
  enumName(table: Value | undefined, column: string): string {
    return `${q(this.schemaOf(table))}.${q(`enum_${this.tableName(table)}_${column}`)}`;
  }

  /** pgEnum: the DO block that creates an ENUM type unless it exists. */
  enumDo(table: Value | undefined, column: string, values: string[]): string {
    const body = `BEGIN CREATE TYPE ${this.enumName(table, column)} AS ENUM(${values.map(literal).join(', ')}); EXCEPTION WHEN duplicate_object THEN null; END`;
    return `DO ${literal(body)};`;
  }

  /** A data type (`Sequelize.STRING(255)`, `DataTypes.ENUM('a')`, `'VARCHAR(20)'`) → its SQL, and ENUM values. */
  dataType(v: Value | undefined, what: string): { sql: string; enumValues?: string[]; enumArray?: boolean } {
    if (v?.t === 'str') return { sql: v.v };
    const ref = v?.t === 'ref' ? { name: lastName(v.path), args: undefined as Value[] | undefined, path: v.path } : v?.t === 'call' ? { name: lastName(v.path.replace(/^new:/, '')), args: v.args, path: v.path.replace(/^new:/, '') } : undefined;
    if (!ref || !isDataTypes(ref.path)) throw new Untranslatable(`${what}: ${v ? snippetOf(v, this.text) : 'missing'} is not a Sequelize data type godwit reads`);
    const args = ref.args ?? [];
    const n = (i: number): number | undefined => num(args[i], `${ref.name} length`, this.text);
    switch (ref.name) {
      case 'STRING': {
        const len = args[0]?.t === 'obj' ? num(args[0].props.get('length'), 'the length', this.text) : n(0);
        return { sql: `VARCHAR(${len || 255})` };
      }
      case 'CHAR':
        return { sql: `CHAR(${n(0) || 255})` };
      case 'TEXT':
        return { sql: 'TEXT' };
      case 'CITEXT':
      case 'UUID':
      case 'JSON':
      case 'JSONB':
      case 'BOOLEAN':
      case 'TIME':
      case 'INET':
      case 'CIDR':
      case 'MACADDR':
      case 'TSVECTOR':
      case 'HSTORE':
      case 'SMALLINT':
      case 'INTEGER':
      case 'BIGINT':
      case 'REAL':
        return { sql: ref.name };
      case 'DOUBLE':
        return { sql: 'DOUBLE PRECISION' };
      case 'FLOAT': {
        const len = n(0);
        return { sql: len && args.length < 2 ? `FLOAT(${len})` : 'FLOAT' };
      }
      case 'DECIMAL':
      case 'NUMERIC': {
        const p = n(0);
        const s = n(1);
        return { sql: p ? `DECIMAL(${[p, s].filter((x) => x).join(',')})` : 'DECIMAL' };
      }
      case 'DATE':
        return { sql: 'TIMESTAMP WITH TIME ZONE' };
      case 'DATEONLY':
        return { sql: 'DATE' };
      case 'BLOB':
        return { sql: 'BYTEA' };
      case 'ARRAY': {
        const inner = this.dataType(args[0], what);
        if (inner.enumValues) return { sql: 'ENUM[]', enumValues: inner.enumValues, enumArray: true };
        return { sql: `${inner.sql}[]` };
      }
      case 'ENUM': {
        if (!ref.args) return { sql: 'ENUM', enumValues: [] };
        const values = args.length === 1 && args[0].t === 'arr' ? strs(args[0], 'an ENUM value', this.text) : args.length === 1 && args[0].t === 'obj' ? strs(args[0].props.get('values'), 'an ENUM value', this.text) : args.map((a) => str(a, 'an ENUM value', this.text));
        return { sql: 'ENUM', enumValues: values };
      }
      default:
        throw new Untranslatable(`${what}: Sequelize.${ref.name} is not translated by godwit`);
    }
  }

  /** normalizeAttribute + attributeToSQL for one column. */
  column(key: string, attribute: Value | undefined, table: Value | undefined, context: 'createTable' | 'addColumn' | 'changeColumn'): Column {
    const a = attribute?.t === 'obj' ? attribute.props : undefined;
    const typeValue = a ? a.get('type') : attribute;
    const type = this.dataType(typeValue, `the type of "${key}"`);
    const name = a && a.get('field') ? str(a.get('field'), 'the field name', this.text) : key;
    let enumValues = type.enumValues;
    if (enumValues) {
      const values = a?.get('values');
      if (values && values.t !== 'undef') enumValues = strs(values, 'an ENUM value', this.text);
      if (!enumValues.length) throw new Untranslatable(`the ENUM of "${key}" has no values`);
    }
    let sql = enumValues ? `ENUM(${enumValues.map(literal).join(', ')})${type.enumArray ? '[]' : ''}` : type.sql;
    // changeColumn with a bare data type: { type, allowNull: true }
    const allowNull = a ? a.get('allowNull') : context === 'changeColumn' ? ({ t: 'bool', v: true } as Value) : undefined;
    if (allowNull && allowNull.t !== 'undef' && !bool(allowNull, 'allowNull', this.text)) sql += ' NOT NULL';
    if (a && bool(a.get('autoIncrement'), 'autoIncrement', this.text)) sql += bool(a.get('autoIncrementIdentity'), 'autoIncrementIdentity', this.text) ? ' GENERATED BY DEFAULT AS IDENTITY' : ' SERIAL';
    const def = a?.get('defaultValue');
    if (def && def.t !== 'undef') {
      const d = this.defaultValue(def, type.sql);
      if (d !== undefined) sql += ` DEFAULT ${d}`;
    }
    if (a && a.get('unique')?.t === 'bool' && bool(a.get('unique'), 'unique', this.text)) sql += ' UNIQUE';
    else if (a && a.get('unique') && !['bool', 'undef'].includes(a.get('unique')!.t)) {
      // `unique: 'name'` makes a unique key of createTable (uniqueKeys), not a column constraint
      if (context !== 'createTable') str(a.get('unique'), 'unique', this.text);
    }
    if (a && bool(a.get('primaryKey'), 'primaryKey', this.text)) sql += ' PRIMARY KEY';
    const refs = a?.get('references');
    if (refs && refs.t !== 'undef' && refs.t !== 'null') {
      const r = obj(refs, 'references', this.text);
      const model = r.get('model');
      const refTable = model?.t === 'obj' ? this.quoteTable(model) : q(str(model, 'references.model', this.text));
      const refKey = r.get('key') ? qs(str(r.get('key'), 'references.key', this.text)) : q('id');
      sql += ` REFERENCES ${refTable} (${refKey})`;
      const onDelete = optStr(a!.get('onDelete'), 'onDelete', this.text);
      const onUpdate = optStr(a!.get('onUpdate'), 'onUpdate', this.text);
      if (onDelete) sql += ` ON DELETE ${onDelete.toUpperCase()}`;
      if (onUpdate) sql += ` ON UPDATE ${onUpdate.toUpperCase()}`;
      if (r.get('deferrable') && r.get('deferrable')!.t !== 'undef') throw new Untranslatable('references.deferrable is not translated by godwit');
    }
    // (Sequelize appends `; COMMENT ON COLUMN …` to the definition, so it is sent last, in the same query)
    const comment = a ? optStr(a.get('comment'), 'the comment', this.text) : undefined;
    return { name, sql, enumValues, comment };
  }

  /** escape(defaultValue, field): undefined when Sequelize leaves the default to the client (NOW, UUIDV4, a function). */
  defaultValue(v: Value, typeSql: string): string | undefined {
    switch (v.t) {
      case 'null':
        return 'NULL';
      case 'bool':
        return String(v.v);
      case 'num':
        return String(v.v);
      case 'str':
        return /^(JSON|JSONB)$/.test(typeSql) ? literal(JSON.stringify(v.v)) : literal(v.v.replace(/\0/g, '\\0'));
      case 'ref': {
        const n = lastName(v.path);
        if ((n === 'NOW' || n === 'UUIDV1' || n === 'UUIDV4') && isDataTypes(v.path)) return undefined;
        break;
      }
      case 'call': {
        const n = lastName(v.path.replace(/^new:/, ''));
        if (v.path.startsWith('new:') && (n === 'NOW' || n === 'UUIDV1' || n === 'UUIDV4')) return undefined;
        const m = this.method(v);
        if (m !== undefined) return m;
        break;
      }
      case 'fn':
        return undefined;
      case 'obj':
      case 'arr':
        if (/^JSONB?$/.test(typeSql)) return literal(JSON.stringify(plainValue(v, this.text)));
        if (v.t === 'arr' && typeSql.endsWith('[]')) {
          return `ARRAY[${v.items.map((x) => this.defaultValue(x, typeSql.slice(0, -2)) ?? 'NULL').join(',')}]::${typeSql}`;
        }
        break;
    }
    throw new Untranslatable(`the default value \`${snippetOf(v, this.text)}\` is not translated by godwit`);
  }

  /** Sequelize.fn / col / literal / cast → SQL (handleSequelizeMethod), or undefined. */
  method(v: Value): string | undefined {
    if (v.t !== 'call') return undefined;
    const n = lastName(v.path);
    const owner = v.path.slice(0, v.path.length - n.length - 1);
    if (!isSequelizeRoot(owner)) return undefined;
    switch (n) {
      case 'literal':
        return str(v.args[0], 'Sequelize.literal()', this.text);
      case 'col':
        return qs(str(v.args[0], 'Sequelize.col()', this.text));
      case 'fn': {
        const fn = str(v.args[0], 'Sequelize.fn()', this.text);
        const args = v.args.slice(1).map((a) => this.method(a) ?? this.defaultValue(a, ''));
        return `${fn}(${args.join(', ')})`;
      }
      default:
        return undefined;
    }
  }

  createTable(table: Value | undefined, attributes: Value | undefined, options: Value | undefined): Partial<BuilderOp> {
    const attrs = obj(attributes, 'the attributes', this.text);
    const o = obj(options, 'the options', this.text);
    const columns = [...attrs].map(([key, a]) => this.column(key, a, table, 'createTable'));
    const statements: string[] = [];
    const queries: number[] = [];
    for (const c of columns) {
      if (c.enumValues) {
        statements.push(this.enumDo(table, c.name, c.enumValues));
        queries.push(1);
      }
    }
    const quoted = this.quoteTable(table);
    const defs: string[] = [];
    const pks: string[] = [];
    for (const c of columns) {
      let sql = c.sql;
      if (sql.includes('PRIMARY KEY')) {
        pks.push(q(c.name));
        sql = sql.replace('PRIMARY KEY', '');
      }
      sql = serial(sql);
      if (c.enumValues) sql = sql.replace(/^ENUM\(.+?\)(?=\[\]| |$)/, this.enumName(table, c.name));
      defs.push(`${q(c.name)} ${sql}`);
    }
    let clause = defs.join(', ');
    const uniqueKeys = o.get('uniqueKeys');
    if (uniqueKeys && uniqueKeys.t !== 'undef') {
      for (const [, uk] of obj(uniqueKeys, 'uniqueKeys', this.text)) {
        const fields = strs(obj(uk, 'a unique key', this.text).get('fields'), 'a unique key field', this.text);
        clause += `, UNIQUE (${fields.map(q).join(', ')})`;
      }
    }
    if (pks.length) clause += `, PRIMARY KEY (${pks.join(',')})`;
    const parts = [`CREATE TABLE IF NOT EXISTS ${quoted} (${clause})`];
    const tableComment = optStr(o.get('comment'), 'the table comment', this.text);
    if (tableComment) parts.push(`COMMENT ON TABLE ${quoted} IS ${literal(tableComment)}`);
    for (const c of columns) if (c.comment) parts.push(this.comment(table, c.name, c.comment));
    statements.push(...parts);
    queries.push(parts.length);
    return { statements, queries };
  }

  private comment(table: Value | undefined, column: string, text: string): string {
    return `COMMENT ON COLUMN ${this.quoteTable(table)}.${q(column)} IS ${literal(text)}`;
  }

  addColumn(table: Value | undefined, key: string, attribute: Value | undefined): Partial<BuilderOp> {
    const c = this.column(key, attribute, table, 'addColumn');
    let definition = serial(c.sql.replace('PRIMARY KEY', ''));
    const statements: string[] = [];
    if (c.enumValues) {
      statements.push(this.enumDo(table, key, c.enumValues));
      definition = definition.replace(/^ENUM\(.+?\)(?=\[\]| |;|$)/, this.enumName(table, key));
    }
    statements.push(`ALTER TABLE ${this.tableDetails(table)} ADD COLUMN ${q(key)} ${definition}`);
    if (c.comment) statements.push(this.comment(table, key, c.comment));
    return { statements, queries: [statements.length] };
  }

  /** changeColumnQuery: one query string of several ALTERs. */
  changeColumn(table: Value | undefined, key: string, attribute: Value | undefined): Partial<BuilderOp> {
    const c = this.column(key, attribute, table, 'changeColumn');
    const quoted = this.quoteTable(table);
    const query = (sub: string): string => `ALTER TABLE ${quoted} ALTER COLUMN ${sub}`;
    let definition = serial(c.sql.replace('PRIMARY KEY', ''));
    if (c.enumValues) definition = definition.replace(/^ENUM\(.+?\)(?=\[\]| |;|$)/, this.enumName(table, key));
    const out: string[] = [];
    if (definition.includes('NOT NULL')) {
      out.push(query(`${q(key)} SET NOT NULL`));
      definition = definition.replace('NOT NULL', '').trim();
    } else if (!definition.includes('REFERENCES')) {
      out.push(query(`${q(key)} DROP NOT NULL`));
    }
    if (definition.includes('DEFAULT')) {
      const m = /DEFAULT ([^;]+)/.exec(definition)!;
      out.push(query(`${q(key)} SET DEFAULT ${m[1]}`));
      definition = definition.replace(/(DEFAULT[^;]+)/, '').trim();
    } else if (!definition.includes('REFERENCES')) {
      out.push(query(`${q(key)} DROP DEFAULT`));
    }
    if (c.enumValues) {
      out.push(this.enumDo(table, key, c.enumValues).slice(0, -1));
      definition += ` USING (${q(key)}::${this.enumName(table, key)})`;
    }
    if (/UNIQUE;*$/.test(definition)) {
      definition = definition.replace(/UNIQUE;*$/, '');
      out.push(query(`ADD UNIQUE (${q(key)})`).replace('ALTER COLUMN', ''));
    }
    if (definition.includes('REFERENCES')) {
      definition = definition.replace(/.+?(?=REFERENCES)/, '');
      out.push(query(`ADD FOREIGN KEY (${q(key)}) ${definition}`).replace('ALTER COLUMN', ''));
    } else {
      out.push(query(`${q(key)} TYPE ${definition}`));
    }
    if (c.comment) out.push(this.comment(table, key, c.comment));
    return { statements: out, queries: [out.length] };
  }

  addIndex(table: Value | undefined, fieldsOrOptions: Value | undefined, options: Value | undefined): string {
    const o = fieldsOrOptions?.t === 'arr' ? obj(options, 'the index options', this.text) : obj(fieldsOrOptions, 'the index options', this.text);
    const fieldsValue = fieldsOrOptions?.t === 'arr' ? fieldsOrOptions : o.get('fields');
    if (!fieldsValue || fieldsValue.t !== 'arr') throw new Untranslatable(`the index fields: ${fieldsValue ? snippetOf(fieldsValue, this.text) : 'missing'}`);
    const rawTable = table?.t === 'obj' ? this.tableName(table) : str(table, 'the table name', this.text);
    const prefix = rawTable.replace(/\./g, '_').replace(/("|')/g, '');
    const operator = optStr(o.get('operator'), 'operator', this.text);
    const names: string[] = [];
    const fieldsSql = fieldsValue.items.map((f) => {
      const m = this.method(f);
      if (m !== undefined) {
        names.push('');
        return m;
      }
      const fo = f.t === 'str' ? new Map<string, Value>([['name', f]]) : obj(f, 'an index field', this.text);
      const name = str(fo.get('attribute') ?? fo.get('name'), 'an index field name', this.text);
      names.push(name);
      let sql = q(name);
      const collate = optStr(fo.get('collate'), 'collate', this.text);
      if (collate) sql += ` COLLATE ${q(collate)}`;
      const op = optStr(fo.get('operator'), 'operator', this.text) ?? operator;
      if (op) sql += ` ${op}`;
      const order = optStr(fo.get('order'), 'order', this.text);
      if (order) sql += ` ${order}`;
      return sql;
    });
    const explicit = o.has('name') ? str(o.get('name'), 'the index name', this.text) : undefined;
    if (explicit === undefined && names.some((n) => !n)) throw new Untranslatable('an index on an expression needs a name');
    const name = explicit ?? underscore(`${prefix}_${names.join('_')}`);
    const type = optStr(o.get('type'), 'type', this.text);
    const unique = bool(o.get('unique'), 'unique', this.text) || type?.toLowerCase() === 'unique';
    const where = o.get('where') && o.get('where')!.t !== 'undef' ? this.where(o.get('where')) : undefined;
    const using = optStr(o.get('using'), 'using', this.text);
    const quotedTable = table?.t === 'obj' ? this.quoteTable(table) : qs(rawTable);
    return [
      'CREATE',
      unique ? 'UNIQUE' : '',
      'INDEX',
      bool(o.get('concurrently'), 'concurrently', this.text) ? 'CONCURRENTLY' : '',
      qs(name),
      `ON ${quotedTable}`,
      using ? `USING ${using}` : '',
      `(${fieldsSql.join(', ')})`,
      where ? `WHERE ${where}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  addConstraint(table: Value | undefined, options: Value | undefined): string {
    const o = obj(options, 'the constraint options', this.text);
    const quotedTable = this.quoteTableQi(table);
    const fields = o.get('fields');
    if (!fields || fields.t !== 'arr') throw new Untranslatable(`the constraint fields: ${fields ? snippetOf(fields, this.text) : 'missing'}`);
    const cols = fields.items.map((f) => (f.t === 'str' ? q(f.v) : q(str(obj(f, 'a field', this.text).get('attribute') ?? obj(f, 'a field', this.text).get('name'), 'a field name', this.text))));
    const colsList = cols.join(', ');
    const colsName = cols.join('_');
    const named = (suffix: string): string => q(optStr(o.get('name'), 'the constraint name', this.text) ?? `${quotedTable}_${colsName}_${suffix}`);
    const type = str(o.get('type'), 'the constraint type', this.text).toUpperCase();
    let snippet: string;
    switch (type) {
      case 'UNIQUE':
        snippet = `CONSTRAINT ${named('uk')} UNIQUE (${colsList})`;
        break;
      case 'CHECK':
        snippet = `CONSTRAINT ${named('ck')} CHECK (${this.where(o.get('where'))})`;
        break;
      case 'PRIMARY KEY':
        snippet = `CONSTRAINT ${named('pk')} PRIMARY KEY (${colsList})`;
        break;
      case 'FOREIGN KEY': {
        const r = obj(o.get('references'), 'references', this.text);
        const refTable = r.get('table');
        const refName = refTable?.t === 'obj' ? this.tableName(refTable) : str(refTable, 'references.table', this.text);
        const refCols = r.get('field') && r.get('field')!.t !== 'undef' ? q(str(r.get('field'), 'references.field', this.text)) : strs(r.get('fields'), 'references.fields', this.text).map(q).join(', ');
        snippet = `CONSTRAINT ${named(`${refName}_fk`)} FOREIGN KEY (${colsList}) REFERENCES ${this.quoteTable(refTable)} (${refCols})`;
        const onUpdate = optStr(o.get('onUpdate'), 'onUpdate', this.text);
        const onDelete = optStr(o.get('onDelete'), 'onDelete', this.text);
        if (onUpdate) snippet += ` ON UPDATE ${onUpdate.toUpperCase()}`;
        if (onDelete) snippet += ` ON DELETE ${onDelete.toUpperCase()}`;
        break;
      }
      default:
        throw new Untranslatable(`the constraint type \`${type}\` is not translated by godwit`);
    }
    if (o.get('deferrable') && o.get('deferrable')!.t !== 'undef') throw new Untranslatable('deferrable is not translated by godwit');
    return `ALTER TABLE ${quotedTable} ADD ${snippet};`;
  }

  /** A where object (whereItemsQuery): `{ deletedAt: null }` → `"deletedAt" IS NULL`. */
  where(v: Value | undefined): string {
    if (!v || v.t === 'undef' || v.t === 'null') return '';
    const o = obj(v, 'the where clause', this.text);
    const items: string[] = [];
    for (const [key, value] of o) {
      if (key.startsWith('[')) throw new Untranslatable(`the where operator ${key} is not translated by godwit`);
      items.push(this.whereItem(q(key), value));
    }
    return items.join(' AND ');
  }

  private whereItem(col: string, v: Value): string {
    switch (v.t) {
      case 'null':
        return `${col} IS NULL`;
      case 'str':
        return `${col} = ${literal(v.v)}`;
      case 'num':
      case 'bool':
        return `${col} = ${v.v}`;
      case 'arr':
        return `${col} IN (${v.items.map((x) => this.defaultValue(x, '')).join(', ')})`;
      case 'obj': {
        const parts: string[] = [];
        for (const [k, x] of v.props) {
          const op = /^\[(.*)\]$/.exec(k)?.[1];
          const name = op ? lastName(op) : undefined;
          if (!op || !/(^|\.)Op\.\w+$/.test(op)) throw new Untranslatable(`the where clause \`${k}\` is not translated by godwit`);
          if (name === 'is' || name === 'eq') parts.push(x.t === 'null' ? `${col} IS NULL` : `${col} ${name === 'is' ? 'IS' : '='} ${this.defaultValue(x, '')}`);
          else if (name === 'ne' || name === 'not') parts.push(x.t === 'null' ? `${col} IS NOT NULL` : `${col} ${name === 'ne' ? '!=' : 'IS NOT'} ${this.defaultValue(x, '')}`);
          else if (name === 'in' && x.t === 'arr') parts.push(`${col} IN (${x.items.map((y) => this.defaultValue(y, '')).join(', ')})`);
          else throw new Untranslatable(`the where operator Op.${name} is not translated by godwit`);
        }
        return parts.join(' AND ');
      }
      default:
        throw new Untranslatable(`the where value \`${snippetOf(v, this.text)}\` is not translated by godwit`);
    }
  }

  update(table: Value | undefined, values: Value | undefined, where: Value | undefined): string {
    const vals = obj(values, 'the values', this.text);
    let n = 0;
    const sets = [...vals.keys()].map((k) => `${q(k)}=$${++n}`);
    if (!sets.length) throw new Untranslatable('bulkUpdate sets no column');
    const w = this.where(where);
    return `UPDATE ${this.quoteTable(table)} SET ${sets.join(',')}${w ? ` WHERE ${w}` : ''}`;
  }

  insert(table: Value | undefined, rows: Value | undefined): string {
    if (!rows || rows.t !== 'arr' || rows.items.length === 0) throw new Untranslatable(`the rows: ${rows ? snippetOf(rows, this.text) : 'missing'}`);
    const keys = new Set<string>();
    for (const r of rows.items) for (const k of obj(r, 'a row', this.text).keys()) keys.add(k);
    let n = 0;
    const tuples = rows.items.map(() => `(${[...keys].map(() => `$${++n}`).join(',')})`);
    return `INSERT INTO ${this.quoteTable(table)} (${[...keys].map(q).join(',')}) VALUES ${tuples.join(',')};`;
  }
}

/** dataTypeMapping's SERIAL handling: `INTEGER SERIAL` → `SERIAL`, `BIGINT SERIAL` → `BIGSERIAL` (NOT NULL dropped). */
function serial(type: string): string {
  if (!type.includes('SERIAL')) return type;
  let t = type;
  if (t.includes('BIGINT')) t = t.replace('SERIAL', 'BIGSERIAL').replace('BIGINT', '');
  else if (t.includes('SMALLINT')) t = t.replace('SERIAL', 'SMALLSERIAL').replace('SMALLINT', '');
  else t = t.replace('INTEGER', '');
  return t.replace('NOT NULL', '');
}

/** `Sequelize.X`, `DataTypes.X`, `Sequelize.DataTypes.X`, the up() parameter `$1.X`, names from 'sequelize'. */
function isDataTypes(path: string): boolean {
  const owner = path.slice(0, path.lastIndexOf('.'));
  return isSequelizeRoot(owner);
}

function isSequelizeRoot(owner: string): boolean {
  return /^(\$1|Sequelize|DataTypes|require\(\)|sequelize)(\.DataTypes)?$/.test(owner) || /(^|\.)(Sequelize|DataTypes)$/.test(owner) || owner === '$0.sequelize' || owner === '$0.sequelize.Sequelize';
}

function snippetOf(v: Value, text: string): string {
  return snippet(text, v.node as Node, 40);
}


