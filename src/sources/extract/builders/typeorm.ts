/**
 * TypeORM `QueryRunner` schema calls → the statements TypeORM's PostgresQueryRunner sends
 * (src/driver/postgres/PostgresQueryRunner.ts; default names from DefaultNamingStrategy:
 * `IDX_`/`FK_`/`UQ_`/`PK_`/`CHK_` + a SHA-1 of `<table>_<sorted columns>`):
 *
 *   createTable(new Table({…}))          [CREATE TYPE … AS ENUM]; CREATE TABLE "t" (…, CONSTRAINT "PK_…" PRIMARY KEY (…));
 *                                        CREATE INDEX … per index (foreign keys inside CREATE TABLE)
 *   dropTable, renameTable               DROP TABLE "t" · ALTER TABLE "a" RENAME TO "b"
 *   addColumn(s)                         ALTER TABLE "t" ADD "c" <type> NOT NULL … [+ UNIQUE, PRIMARY KEY, COMMENT]
 *   changeColumn(s)(t, oldTableColumn, newTableColumn)   DROP + ADD when the type or length changes ("to
 *                                        avoid data conversion"), else ALTER COLUMN … TYPE/SET NOT NULL/DEFAULT …
 *   renameColumn                         ALTER TABLE "t" RENAME COLUMN "a" TO "b"
 *   dropColumn(s)                        ALTER TABLE "t" DROP COLUMN "c"
 *   createIndex / dropIndex (TableIndex) CREATE [UNIQUE ]INDEX[ CONCURRENTLY] "IDX_…" ON "t" (…) · DROP INDEX [CONCURRENTLY ]"…"
 *   createForeignKey(s), createUniqueConstraint(s), createCheckConstraint(s), createPrimaryKey,
 *   drop…Constraint, dropForeignKey, dropPrimaryKey, clearTable, createSchema
 *
 * TypeORM reads the live table for a name given as a string where it needs the old column
 * (changeColumn with a column name): that cannot be known statically, so such a call is not
 * translated (dynamic-sql). Statements TypeORM derives from the live table besides the main
 * one (renaming a default-named primary key or sequence on renameTable/renameColumn, dropping a
 * dropped column's own indexes first) are not modelled: the main statement takes the lock.
 * Every statement is its own query; TypeORM's transaction (migrationsTransactionMode) wraps them.
 */
import { createHash } from 'node:crypto';
import { setOption } from './edits.js';
import type { BuilderEnv, BuilderOp, Translator } from './types.js';
import { bool, ident, num, obj, optStr, str, strs, Untranslatable, type Value } from './values.js';
import { snippet, type Node } from '../ast.js';

const READ_ONLY = new Set(['query', 'sql', 'startTransaction', 'commitTransaction', 'rollbackTransaction', 'connect', 'release', 'hasTable', 'hasColumn', 'hasSchema', 'hasDatabase', 'getTable', 'getTables', 'getView', 'getViews', 'getCurrentSchema', 'getCurrentDatabase', 'getDatabases', 'getSchemas', 'getReplicationMode', 'manager', 'stream', 'isTransactionActive', 'clearSqlMemory', 'getMemorySql', 'enableSqlMemory', 'disableSqlMemory', 'executeMemoryUpSql', 'executeMemoryDownSql', 'getVersion']);

interface TableInfo {
  /** `"t"` or `"s"."t"` */
  path: string;
  /** the name without schema (for default names) */
  name: string;
  def?: Map<string, Value>;
}

export const translateTypeorm: Translator = (call, env) => {
  const path = env.path(call.callee as Node);
  if (!path?.startsWith('$0.') || path.split('.').length !== 2) return undefined;
  const operation = path.slice(3);
  if (READ_ONLY.has(operation)) return undefined;
  const args = call.arguments as Node[];
  const op: BuilderOp = { operation, callee: `queryRunner.${operation}`, node: call };
  const t = new TypeOrm(env);
  try {
    const v = args.map((a) => env.value(a));
    const statements: string[] = [];
    switch (operation) {
      case 'createTable':
        statements.push(...t.createTable(v[0], v[2], v[3]));
        break;
      case 'dropTable':
        statements.push(`DROP TABLE ${t.table(v[0]).path}`);
        break;
      case 'renameTable':
        statements.push(`ALTER TABLE ${t.table(v[0]).path} RENAME TO ${ident(str(v[1], 'the new table name', env.text))}`);
        break;
      case 'addColumn':
        statements.push(...t.addColumn(t.table(v[0]), t.column(v[1])));
        break;
      case 'addColumns':
        for (const c of t.list(v[1], 'the columns')) statements.push(...t.addColumn(t.table(v[0]), t.column(c)));
        break;
      case 'changeColumn':
        statements.push(...t.changeColumn(t.table(v[0]), v[1], v[2]));
        break;
      case 'changeColumns':
        for (const c of t.list(v[1], 'the column changes')) {
          const o = obj(c, 'a column change', env.text);
          statements.push(...t.changeColumn(t.table(v[0]), o.get('oldColumn'), o.get('newColumn')));
        }
        break;
      case 'renameColumn': {
        const table = t.table(v[0]);
        const from = t.columnName(v[1]);
        const to = t.columnName(v[2]);
        statements.push(`ALTER TABLE ${table.path} RENAME COLUMN ${ident(from)} TO ${ident(to)}`);
        break;
      }
      case 'dropColumn':
        statements.push(`ALTER TABLE ${t.table(v[0]).path} DROP COLUMN ${ident(t.columnName(v[1]))}`);
        break;
      case 'dropColumns':
        for (const c of t.list(v[1], 'the columns')) statements.push(`ALTER TABLE ${t.table(v[0]).path} DROP COLUMN ${ident(t.columnName(c))}`);
        break;
      case 'createIndex':
      case 'createIndices': {
        const table = t.table(v[0]);
        const list = operation === 'createIndex' ? [v[1]] : t.list(v[1], 'the indices');
        for (const i of list) statements.push(t.createIndex(table, t.tableObject(i, 'TableIndex', 'the index')));
        const def = v[1]?.t === 'call' && v[1].args[0]?.t === 'obj' ? v[1].args[0].node : undefined;
        const fix = operation === 'createIndex' && def ? setOption(def, def, 'isConcurrent', 'true') : undefined;
        if (fix) op.fixes = { 'require-concurrent-index': fix };
        break;
      }
      case 'dropIndex':
      case 'dropIndices': {
        const table = t.table(v[0]);
        for (const i of operation === 'dropIndex' ? [v[1]] : t.list(v[1], 'the indices')) {
          if (i?.t === 'str') statements.push(`DROP INDEX ${t.schemaPrefix(table)}${ident(i.v)}`);
          else {
            const idx = t.tableObject(i, 'TableIndex', 'the index');
            const name = optStr(idx.get('name'), 'the index name', env.text) ?? t.hashName('IDX_', table, strs(idx.get('columnNames'), 'the index columns', env.text), optStr(idx.get('where'), 'where', env.text), 26);
            statements.push(`DROP INDEX ${bool(idx.get('isConcurrent'), 'isConcurrent', env.text) ? 'CONCURRENTLY ' : ''}${t.schemaPrefix(table)}${ident(name)}`);
          }
        }
        break;
      }
      case 'createForeignKey':
      case 'createForeignKeys': {
        const table = t.table(v[0]);
        for (const f of operation === 'createForeignKey' ? [v[1]] : t.list(v[1], 'the foreign keys')) statements.push(t.foreignKey(table, t.tableObject(f, 'TableForeignKey', 'the foreign key'), true));
        break;
      }
      case 'createUniqueConstraint':
      case 'createUniqueConstraints': {
        const table = t.table(v[0]);
        for (const u of operation === 'createUniqueConstraint' ? [v[1]] : t.list(v[1], 'the unique constraints')) {
          const o = t.tableObject(u, 'TableUnique', 'the unique constraint');
          const cols = strs(o.get('columnNames'), 'the unique columns', env.text);
          const name = optStr(o.get('name'), 'the constraint name', env.text) ?? t.hashName('UQ_', table, cols, undefined, 27);
          statements.push(`ALTER TABLE ${table.path} ADD CONSTRAINT ${ident(name)} UNIQUE (${cols.map(ident).join(', ')})${t.deferrable(o)}`);
        }
        break;
      }
      case 'createCheckConstraint':
      case 'createCheckConstraints': {
        const table = t.table(v[0]);
        for (const c of operation === 'createCheckConstraint' ? [v[1]] : t.list(v[1], 'the check constraints')) {
          const o = t.tableObject(c, 'TableCheck', 'the check constraint');
          const expr = str(o.get('expression'), 'the check expression', env.text);
          const name = optStr(o.get('name'), 'the constraint name', env.text) ?? `CHK_${sha1(`${table.name.replace('.', '_')}_${expr}`).slice(0, 26)}`;
          statements.push(`ALTER TABLE ${table.path} ADD CONSTRAINT ${ident(name)} CHECK (${expr})`);
        }
        break;
      }
      case 'createPrimaryKey': {
        const table = t.table(v[0]);
        const cols = strs(v[1], 'the primary key columns', env.text);
        const name = optStr(v[2], 'the constraint name', env.text) ?? t.hashName('PK_', table, cols, undefined, 27);
        statements.push(`ALTER TABLE ${table.path} ADD CONSTRAINT ${ident(name)} PRIMARY KEY (${cols.map(ident).join(', ')})`);
        break;
      }
      case 'dropForeignKey':
      case 'dropUniqueConstraint':
      case 'dropCheckConstraint':
      case 'dropExclusionConstraint': {
        const table = t.table(v[0]);
        const name = v[1]?.t === 'str' ? v[1].v : str(t.tableObject(v[1], '', 'the constraint').get('name'), 'the constraint name', env.text);
        statements.push(`ALTER TABLE ${table.path} DROP CONSTRAINT ${ident(name)}`);
        break;
      }
      case 'clearTable':
        statements.push(`TRUNCATE TABLE ${t.table(v[0]).path}`);
        break;
      case 'createSchema':
        statements.push(`CREATE SCHEMA${bool(v[1], 'ifNotExists', env.text) ? ' IF NOT EXISTS' : ''} ${ident(str(v[0], 'the schema', env.text))}`);
        break;
      default:
        throw new Untranslatable(`queryRunner.${operation}() is not translated by godwit`);
    }
    op.statements = statements;
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    op.reason = e.reason;
    delete op.fixes;
    if (operation === 'createTable') {
      try {
        op.creates = [{ kind: 'table', name: t.table(env.value(args[0])).path }];
      } catch {
        // the name is not static either
      }
    }
  }
  return op;
};

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

class TypeOrm {
  constructor(private readonly env: BuilderEnv) {}

  private get text(): string {
    return this.env.text;
  }

  /** `'t'`, `'s.t'` or `new Table({ name, … })`: escapePath (schema public is the search schema, left out). */
  table(v: Value | undefined): TableInfo {
    let full: string;
    let def: Map<string, Value> | undefined;
    if (v?.t === 'str') full = v.v;
    else {
      def = this.tableObject(v, 'Table', 'the table');
      full = str(def.get('name'), 'the table name', this.text);
      const schema = optStr(def.get('schema'), 'the schema', this.text);
      if (schema && !full.includes('.')) full = `${schema}.${full}`;
    }
    const parts = full.split('.');
    const name = parts[parts.length - 1];
    const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    return { path: schema && schema !== 'public' ? `${ident(schema)}.${ident(name)}` : ident(name), name, def };
  }

  schemaPrefix(t: TableInfo): string {
    return t.path.includes('.') ? t.path.slice(0, t.path.indexOf('.') + 1) : '';
  }

  /** The options of `new <Class>({ … })` or a plain object. */
  tableObject(v: Value | undefined, cls: string, what: string): Map<string, Value> {
    if (v?.t === 'call' && v.path.startsWith('new:') && (!cls || v.path.endsWith(cls))) return obj(v.args[0], what, this.text);
    if (v?.t === 'obj') return v.props;
    throw new Untranslatable(`${what}: ${v ? (v.t === 'unknown' ? v.why : `\`${snippet(this.text, v.node as Node, 40)}\` is not a \`new ${cls}({ … })\` godwit reads`) : 'missing'}`);
  }

  list(v: Value | undefined, what: string): Value[] {
    if (v?.t === 'arr') return v.items;
    throw new Untranslatable(`${what}: ${v?.t === 'unknown' ? v.why : 'not an array godwit reads'}`);
  }

  column(v: Value | undefined): Map<string, Value> {
    return this.tableObject(v, 'TableColumn', 'the column');
  }

  columnName(v: Value | undefined): string {
    if (v?.t === 'str') return v.v;
    return str(this.column(v).get('name'), 'the column name', this.text);
  }

  hashName(prefix: string, table: TableInfo, columns: string[], where: string | undefined, len: number): string {
    const key = `${table.name.replace('.', '_')}_${[...columns].sort().join('_')}${where ? `_${where}` : ''}`;
    return prefix + sha1(key).slice(0, len);
  }

  deferrable(o: Map<string, Value>): string {
    const d = optStr(o.get('deferrable'), 'deferrable', this.text);
    return d ? ` DEFERRABLE ${d}` : '';
  }

  /** createFullType: `varchar(255)`, `numeric(10,2)`, `timestamp with time zone` → `TIMESTAMP WITH TIME ZONE`, `… array`. */
  fullType(c: Map<string, Value>): string {
    const type = str(c.get('type'), 'the column type', this.text);
    const length = c.get('length');
    const len = length && length.t !== 'undef' ? (length.t === 'num' ? String(length.v) : str(length, 'length', this.text)) : '';
    const precision = num(c.get('precision'), 'precision', this.text);
    const scale = num(c.get('scale'), 'scale', this.text);
    let full = type;
    if (len) full += `(${len})`;
    else if (precision !== undefined && scale !== undefined) full += `(${precision},${scale})`;
    else if (precision !== undefined) full += `(${precision})`;
    const p = precision !== undefined ? `(${precision})` : '';
    if (type === 'time without time zone') full = `TIME${p}`;
    else if (type === 'time with time zone') full = `TIME${p} WITH TIME ZONE`;
    else if (type === 'timestamp without time zone') full = `TIMESTAMP${p}`;
    else if (type === 'timestamp with time zone') full = `TIMESTAMP${p} WITH TIME ZONE`;
    if (bool(c.get('isArray'), 'isArray', this.text)) full += ' array';
    return full;
  }

  enumName(table: TableInfo, c: Map<string, Value>): string {
    const name = str(c.get('name'), 'the column name', this.text);
    const e = optStr(c.get('enumName'), 'enumName', this.text) ?? `${table.name}_${name.toLowerCase()}_enum`;
    const schema = this.schemaPrefix(table);
    return `${schema}${ident(e)}`;
  }

  isEnum(c: Map<string, Value>): boolean {
    const type = c.get('type');
    return type?.t === 'str' && (type.v === 'enum' || type.v === 'simple-enum');
  }

  /** createEnumTypeSql. */
  enumType(table: TableInfo, c: Map<string, Value>): string {
    const values = strs(c.get('enum'), 'the enum values', this.text);
    return `CREATE TYPE ${this.enumName(table, c)} AS ENUM(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;
  }

  /** buildCreateColumnSql. */
  columnSql(table: TableInfo, c: Map<string, Value>): string {
    const name = str(c.get('name'), 'the column name', this.text);
    for (const k of c.keys()) {
      if (!['name', 'type', 'length', 'precision', 'scale', 'default', 'isNullable', 'isGenerated', 'generationStrategy', 'generatedIdentity', 'isPrimary', 'isUnique', 'isArray', 'comment', 'enum', 'enumName', 'primaryKeyConstraintName', 'collation', 'charset', 'unsigned', 'zerofill', 'width', 'onUpdate', 'foreignKeyConstraintName'].includes(k)) {
        throw new Untranslatable(`TableColumn option \`${k}\` is not translated by godwit`);
      }
    }
    let sql = ident(name);
    const type = str(c.get('type'), 'the column type', this.text);
    const generated = bool(c.get('isGenerated'), 'isGenerated', this.text);
    const strategy = optStr(c.get('generationStrategy'), 'generationStrategy', this.text);
    if (generated && strategy !== 'uuid') {
      if (strategy === 'identity') sql += ` ${type} GENERATED ${optStr(c.get('generatedIdentity'), 'generatedIdentity', this.text) ?? 'BY DEFAULT'} AS IDENTITY`;
      else if (['integer', 'int', 'int4'].includes(type)) sql += ' SERIAL';
      else if (['smallint', 'int2'].includes(type)) sql += ' SMALLSERIAL';
      else if (['bigint', 'int8'].includes(type)) sql += ' BIGSERIAL';
    }
    if (this.isEnum(c)) sql += ` ${this.enumName(table, c)}${bool(c.get('isArray'), 'isArray', this.text) ? ' array' : ''}`;
    else if (!generated || type === 'uuid') sql += ` ${this.fullType(c)}`;
    const collation = optStr(c.get('collation'), 'collation', this.text);
    if (collation) sql += ` COLLATE "${collation}"`;
    if (c.get('isNullable')?.t !== 'bool' || !bool(c.get('isNullable'), 'isNullable', this.text)) {
      if (c.get('isNullable') && !['bool', 'undef'].includes(c.get('isNullable')!.t)) bool(c.get('isNullable'), 'isNullable', this.text);
      sql += ' NOT NULL';
    }
    const d = c.get('default');
    if (d && d.t !== 'undef' && d.t !== 'null') sql += ` DEFAULT ${d.t === 'str' ? d.v : d.t === 'num' || d.t === 'bool' ? String(d.v) : str(d, 'the default', this.text)}`;
    if (generated && strategy === 'uuid' && (!d || d.t === 'undef' || d.t === 'null')) sql += ' DEFAULT uuid_generate_v4()';
    return sql;
  }

  createTable(v: Value | undefined, createForeignKeys: Value | undefined, createIndices: Value | undefined): string[] {
    const table = this.table(v);
    const def = table.def;
    if (!def) throw new Untranslatable('createTable needs a `new Table({ … })`');
    for (const k of def.keys()) if (!['name', 'schema', 'columns', 'indices', 'foreignKeys', 'uniques', 'checks', 'comment', 'database'].includes(k)) throw new Untranslatable(`Table option \`${k}\` is not translated by godwit`);
    const columns = this.list(def.get('columns') ?? { t: 'arr', items: [], node: v!.node }, 'the columns').map((c) => this.column(c));
    const out: string[] = [];
    const enums = new Set<string>();
    for (const c of columns) {
      if (!this.isEnum(c)) continue;
      const e = this.enumName(table, c);
      if (!enums.has(e)) {
        enums.add(e);
        out.push(this.enumType(table, c));
      }
    }
    let sql = `CREATE TABLE ${table.path} (${columns.map((c) => this.columnSql(table, c)).join(', ')}`;
    const uniques = def.get('uniques') ? this.list(def.get('uniques'), 'the uniques').map((u) => this.tableObject(u, 'TableUnique', 'a unique')) : [];
    const uniqueCols = uniques.map((u) => strs(u.get('columnNames'), 'the unique columns', this.text));
    for (const c of columns) {
      if (!bool(c.get('isUnique'), 'isUnique', this.text)) continue;
      const n = str(c.get('name'), 'the column name', this.text);
      if (!uniqueCols.some((cols) => cols.length === 1 && cols[0] === n)) {
        uniques.push(new Map([['columnNames', { t: 'arr', items: [{ t: 'str', v: n, node: v!.node }], node: v!.node }]]));
        uniqueCols.push([n]);
      }
    }
    if (uniques.length) {
      sql += `, ${uniques
        .map((u, i) => `CONSTRAINT ${ident(optStr(u.get('name'), 'the unique name', this.text) ?? this.hashName('UQ_', table, uniqueCols[i], undefined, 27))} UNIQUE (${uniqueCols[i].map(ident).join(', ')})${this.deferrable(u)}`)
        .join(', ')}`;
    }
    const checks = def.get('checks') ? this.list(def.get('checks'), 'the checks').map((c) => this.tableObject(c, 'TableCheck', 'a check')) : [];
    if (checks.length) {
      sql += `, ${checks
        .map((c) => {
          const expr = str(c.get('expression'), 'the check expression', this.text);
          return `CONSTRAINT ${ident(optStr(c.get('name'), 'the check name', this.text) ?? `CHK_${sha1(`${table.name}_${expr}`).slice(0, 26)}`)} CHECK (${expr})`;
        })
        .join(', ')}`;
    }
    const fks = def.get('foreignKeys') ? this.list(def.get('foreignKeys'), 'the foreign keys').map((f) => this.tableObject(f, 'TableForeignKey', 'a foreign key')) : [];
    if (fks.length && (createForeignKeys === undefined || createForeignKeys.t === 'undef' || bool(createForeignKeys, 'createForeignKeys', this.text))) {
      sql += `, ${fks.map((f) => this.foreignKey(table, f, false)).join(', ')}`;
    }
    const pk = columns.filter((c) => bool(c.get('isPrimary'), 'isPrimary', this.text));
    if (pk.length) {
      const cols = pk.map((c) => str(c.get('name'), 'the column name', this.text));
      const name = optStr(pk[0].get('primaryKeyConstraintName'), 'primaryKeyConstraintName', this.text) ?? this.hashName('PK_', table, cols, undefined, 27);
      sql += `, CONSTRAINT ${ident(name)} PRIMARY KEY (${cols.map(ident).join(', ')})`;
    }
    sql += ')';
    out.push(sql);
    for (const c of columns) {
      const cm = optStr(c.get('comment'), 'the comment', this.text);
      if (cm) out.push(`COMMENT ON COLUMN ${table.path}.${ident(str(c.get('name'), 'the column name', this.text))} IS '${cm.replace(/'/g, "''")}'`);
    }
    if (createIndices === undefined || createIndices.t === 'undef' || bool(createIndices, 'createIndices', this.text)) {
      const indices = def.get('indices') ? this.list(def.get('indices'), 'the indices') : [];
      for (const i of indices) out.push(this.createIndex(table, this.tableObject(i, 'TableIndex', 'an index')));
    }
    const tc = optStr(def.get('comment'), 'the table comment', this.text);
    if (tc) out.push(`COMMENT ON TABLE ${table.path} IS '${tc.replace(/'/g, "''")}'`);
    return out;
  }

  createIndex(table: TableInfo, i: Map<string, Value>): string {
    for (const k of i.keys()) if (!['name', 'columnNames', 'isUnique', 'isSpatial', 'isConcurrent', 'isFulltext', 'isNullFiltered', 'where', 'type', 'parser'].includes(k)) throw new Untranslatable(`TableIndex option \`${k}\` is not translated by godwit`);
    const cols = strs(i.get('columnNames'), 'the index columns', this.text);
    const where = optStr(i.get('where'), 'where', this.text);
    const name = optStr(i.get('name'), 'the index name', this.text) ?? this.hashName('IDX_', table, cols, where, 26);
    const type = bool(i.get('isSpatial'), 'isSpatial', this.text) ? 'gist' : optStr(i.get('type'), 'type', this.text);
    return `CREATE ${bool(i.get('isUnique'), 'isUnique', this.text) ? 'UNIQUE ' : ''}INDEX${bool(i.get('isConcurrent'), 'isConcurrent', this.text) ? ' CONCURRENTLY' : ''} ${ident(name)} ON ${table.path} ${type ? `USING ${type}` : ''} (${cols.map(ident).join(', ')}) ${where ? `WHERE ${where}` : ''}`;
  }

  /** A foreign key: `CONSTRAINT "FK_…" FOREIGN KEY (…) REFERENCES "t"(…)`, as an ALTER TABLE or inside CREATE TABLE. */
  foreignKey(table: TableInfo, f: Map<string, Value>, alter: boolean): string {
    const cols = strs(f.get('columnNames'), 'the foreign key columns', this.text);
    const refCols = strs(f.get('referencedColumnNames'), 'the referenced columns', this.text);
    const refTable = str(f.get('referencedTableName'), 'the referenced table', this.text);
    const refSchema = optStr(f.get('referencedSchema'), 'the referenced schema', this.text);
    const ref = this.table({ t: 'str', v: refSchema && !refTable.includes('.') ? `${refSchema}.${refTable}` : refTable, node: f.get('referencedTableName')!.node });
    const name = optStr(f.get('name'), 'the foreign key name', this.text) ?? this.hashName('FK_', table, cols, undefined, 27);
    let sql = `CONSTRAINT ${ident(name)} FOREIGN KEY (${cols.map(ident).join(', ')}) REFERENCES ${ref.path}${alter ? '' : ' '}(${refCols.map(ident).join(alter ? ',' : ', ')})`;
    const onDelete = optStr(f.get('onDelete'), 'onDelete', this.text);
    const onUpdate = optStr(f.get('onUpdate'), 'onUpdate', this.text);
    if (onDelete) sql += ` ON DELETE ${onDelete}`;
    if (onUpdate) sql += ` ON UPDATE ${onUpdate}`;
    sql += this.deferrable(f);
    return alter ? `ALTER TABLE ${table.path} ADD ${sql}` : sql;
  }

  addColumn(table: TableInfo, c: Map<string, Value>): string[] {
    const out: string[] = [];
    const name = str(c.get('name'), 'the column name', this.text);
    if (this.isEnum(c)) out.push(this.enumType(table, c));
    out.push(`ALTER TABLE ${table.path} ADD ${this.columnSql(table, c)}`);
    if (bool(c.get('isPrimary'), 'isPrimary', this.text)) throw new Untranslatable('adding a primary-key column depends on the live table (TypeORM drops and recreates the primary key)');
    if (bool(c.get('isUnique'), 'isUnique', this.text)) out.push(`ALTER TABLE ${table.path} ADD CONSTRAINT ${ident(this.hashName('UQ_', table, [name], undefined, 27))} UNIQUE (${ident(name)})`);
    const cm = optStr(c.get('comment'), 'the comment', this.text);
    if (cm) out.push(`COMMENT ON COLUMN ${table.path}.${ident(name)} IS '${cm.replace(/'/g, "''")}'`);
    return out;
  }

  /** changeColumn with both columns given: recreate on a type change, else ALTER COLUMN … */
  changeColumn(table: TableInfo, oldValue: Value | undefined, newValue: Value | undefined): string[] {
    if (oldValue?.t === 'str') throw new Untranslatable(`TypeORM compares the new column with the live table's column "${oldValue.v}": pass the old column as a \`new TableColumn({ … })\`, or write the SQL with queryRunner.query()`);
    const a = this.column(oldValue);
    const b = this.column(newValue);
    const same = (k: string): boolean => JSON.stringify(simple(a.get(k))) === JSON.stringify(simple(b.get(k)));
    const out: string[] = [];
    const oldName = str(a.get('name'), 'the old column name', this.text);
    const newName = str(b.get('name'), 'the new column name', this.text);
    if (!same('type') || !same('length') || !same('isArray')) {
      // "To avoid data conversion, we just recreate column"
      out.push(`ALTER TABLE ${table.path} DROP COLUMN ${ident(oldName)}`);
      out.push(...this.addColumn(table, b));
      return out;
    }
    if (oldName !== newName) out.push(`ALTER TABLE ${table.path} RENAME COLUMN ${ident(oldName)} TO ${ident(newName)}`);
    const col = `ALTER TABLE ${table.path} ALTER COLUMN ${ident(newName)}`;
    if (!same('precision') || !same('scale')) out.push(`${col} TYPE ${this.fullType(b)}`);
    if (!same('default')) {
      const d = b.get('default');
      out.push(d && d.t !== 'undef' && d.t !== 'null' ? `${col} SET DEFAULT ${d.t === 'str' ? d.v : String(simple(d))}` : `${col} DROP DEFAULT`);
    }
    const nullable = (m: Map<string, Value>): boolean => bool(m.get('isNullable'), 'isNullable', this.text);
    if (nullable(a) !== nullable(b)) out.push(`${col} ${nullable(b) ? 'DROP NOT NULL' : 'SET NOT NULL'}`);
    if (!same('isUnique') && bool(b.get('isUnique'), 'isUnique', this.text)) out.push(`ALTER TABLE ${table.path} ADD CONSTRAINT ${ident(this.hashName('UQ_', table, [newName], undefined, 27))} UNIQUE (${ident(newName)})`);
    if (!same('comment')) {
      const cm = optStr(b.get('comment'), 'the comment', this.text);
      out.push(`COMMENT ON COLUMN ${table.path}.${ident(newName)} IS ${cm ? `'${cm.replace(/'/g, "''")}'` : 'NULL'}`);
    }
    for (const k of ['isPrimary', 'isGenerated', 'enum', 'collation']) if (!same(k)) throw new Untranslatable(`changeColumn of \`${k}\` is not translated by godwit`);
    return out;
  }
}

function simple(v: Value | undefined): unknown {
  if (!v || v.t === 'undef') return undefined;
  if (v.t === 'str' || v.t === 'num' || v.t === 'bool') return v.v;
  if (v.t === 'null') return null;
  if (v.t === 'arr') return v.items.map(simple);
  throw new Untranslatable(`\`${v.t}\` value is not compared by godwit`);
}
