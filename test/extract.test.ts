/**
 * SQL inside JS/TS migrations (src/sources/extract): extraction per runner, the character map
 * back into the file (escapes, templates, CRLF, astral characters), the transaction model per
 * call, suppressions, fixes inside string literals, dynamic SQL, root detection and history, and
 * the real Sequelize corpus of outline/outline.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { initJsParser, extractMigration, lintJsMigration, isJsMigrationPath, type Fragment } from '../src/sources/extract/index.js';
import { KIND_CHAR, KIND_ESCAPE } from '../src/sources/extract/strings.js';
import { findRoots, rootOf } from '../src/sources/index.js';
import { lintProject, lintVirtualFile } from '../src/project.js';
import { applyEdits } from '../src/fix/apply.js';
import type { LintResult } from '../src/engine/types.js';

const fixtures = resolve(import.meta.dirname, '..', 'fixtures', 'extract');
const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus', 'outline+outline', 'server', 'migrations');

beforeAll(async () => {
  await initParser();
  await initJsParser();
});

/** 1-based line/column (UTF-16) of the first occurrence of `needle` (after `after`, if given). */
function at(text: string, needle: string, after = ''): { line: number; column: number } {
  const from = after ? text.indexOf(after) : 0;
  const i = text.indexOf(needle, from);
  if (i === -1) throw new Error(`not found: ${needle}`);
  const before = text.slice(0, i).split(/\r\n|\r|\n/);
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function rules(r: LintResult): string[] {
  return r.messages.map((m) => m.ruleId);
}

function fixture(tool: string, name: string): { path: string; text: string } {
  const path = join(fixtures, tool, name);
  return { path, text: readFileSync(path, 'utf8') };
}

/** Every plain character of a fragment is the file character it maps to. */
function expectExactMap(f: Fragment, text: string): void {
  for (let i = 0; i < f.sql.length; i++) {
    if (f.map.kind[i] === KIND_CHAR) {
      expect(text[f.map.rawStart[i]], `unit ${i} of ${JSON.stringify(f.sql)}`).toBe(f.sql[i]);
      expect(f.map.rawEnd[i]).toBe(f.map.rawStart[i] + 1);
    } else if (f.map.kind[i] === KIND_ESCAPE) {
      expect(['\\', '\r'].includes(text[f.map.rawStart[i]])).toBe(true);
    }
  }
}

describe('extraction per runner', () => {
  it('TypeORM: a class implementing MigrationInterface, queryRunner.query in up()', () => {
    const { path, text } = fixture('typeorm', '1700000000001-AddEmailIndex.ts');
    const m = extractMigration(path, text);
    expect(m.runner).toBe('typeorm');
    expect(m.className).toBe('AddEmailIndex1700000000001');
    expect(m.wrapped).toBe(true);
    expect(m.txReason).toContain('migrationsTransactionMode "all"');
    expect(m.fragments.map((f) => f.sql)).toEqual([
      "SET lock_timeout = '2s'",
      'CREATE INDEX users_email_idx\n      ON users (email)',
      "-- it's a note\nALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email <> '')",
    ]);
    expect(m.dynamic).toEqual([]);
    for (const f of m.fragments) expectExactMap(f, m.text);
  });

  it('TypeORM: `transaction = false` opts out; `down` is extracted only when asked', () => {
    const { path, text } = fixture('typeorm', '1700000000002-ConcurrentIndex.ts');
    const m = extractMigration(path, text);
    expect(m.wrapped).toBe(false);
    expect(m.transaction).toBe('none');
    expect(m.txReason).toMatch(/^`transaction = false` \(line 4\)/);
    expect(m.calls.map((c) => c.direction)).toEqual(['up']);
    const both = extractMigration(path, text, { includeDown: true });
    expect(both.fragments.map((f) => [f.direction, f.sql])).toEqual([
      ['up', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name)'],
      ['down', 'DROP INDEX CONCURRENTLY IF EXISTS users_name_idx'],
    ]);
  });

  it('Knex: exports.up(knex) with any parameter name; knex.raw used as a value is not a statement', () => {
    const { path, text } = fixture('knex', '20240102000000_add_email_index.js');
    const m = extractMigration(path, text);
    expect(m.runner).toBe('knex');
    expect(m.wrapped).toBe(true);
    expect(m.fragments.map((f) => [f.callee, f.sql])).toEqual([
      ['knex.raw', "SET lock_timeout = '2s'"],
      ['knex.schema.raw', 'CREATE INDEX users_email_idx ON users (email)'],
    ]);
    expect(m.builderCalls).toBe(1); // db.schema.alterTable
  });

  it('Knex: the JSDoc type import("knex") names the runner', () => {
    const { path, text } = fixture('knex', '20240101000000_create_users.js');
    expect(extractMigration(path, text).detectedBy).toBe("import from 'knex'");
  });

  it('Knex: `export const config = { transaction: false }`', () => {
    const { path, text } = fixture('knex', '20240103000000_concurrent_index.ts');
    const m = extractMigration(path, text);
    expect(m.runner).toBe('knex');
    expect(m.detectedBy).toBe("import from 'knex'");
    expect(m.wrapped).toBe(false);
    expect(m.txReason).toContain('config = { transaction: false }');
  });

  it('node-pg-migrate: pgm.sql, pgm.noTransaction()', () => {
    const a = fixture('node-pg-migrate', '1700000000001_orders-fk.js');
    const m = extractMigration(a.path, a.text);
    expect(m.runner).toBe('node-pg-migrate');
    expect(m.wrapped).toBe(true);
    expect(m.fragments.map((f) => f.callee)).toEqual(['pgm.sql', 'pgm.sql']);
    const b = fixture('node-pg-migrate', '1700000000002_concurrent-index.js');
    const n = extractMigration(b.path, b.text);
    expect(n.wrapped).toBe(false);
    expect(n.txReason).toMatch(/^`pgm\.noTransaction\(\)` \(line 2\)/);
  });

  it('MikroORM: execute() runs at once, addSql() after up() returns; isTransactional() false opts out', () => {
    const a = fixture('mikro-orm', 'Migration20240102000000.ts');
    const m = extractMigration(a.path, a.text);
    expect(m.runner).toBe('mikro-orm');
    expect(m.fragments.map((f) => f.callee)).toEqual(['this.execute', 'this.addSql']);
    const b = fixture('mikro-orm', 'Migration20240103000000.ts');
    const n = extractMigration(b.path, b.text);
    expect(n.wrapped).toBe(false);
    expect(n.txReason).toContain('isTransactional()');
  });

  it('Sequelize: queryInterface.sequelize.query; { transaction } joins the transaction of sequelize.transaction()', () => {
    const { path, text } = fixture('sequelize', '20240102000000-add-indexes.js');
    const m = extractMigration(path, text);
    expect(m.runner).toBe('sequelize');
    expect(m.wrapped).toBe(false);
    expect(m.fragments.map((f) => f.jsTransaction?.label ?? null)).toEqual([
      null,
      null,
      'the transaction `transaction` from sequelize.transaction() (line 11)',
      'the transaction `transaction` from sequelize.transaction() (line 11)',
    ]);
    const c = fixture('sequelize', '20240101000000-create-users.js');
    const n = extractMigration(c.path, c.text);
    expect(n.detectedBy).toBe("import from 'sequelize-cli'"); // the JSDoc type
    expect(n.builderCalls).toBe(1); // queryInterface.createTable
  });

  it('Kysely: sql`…`.execute(db), sql.table(), sql.raw(); interpolated values are bind parameters', () => {
    const a = fixture('kysely', '2024-01-01-create-users.ts');
    expect(extractMigration(a.path, a.text).fragments[0].sql).toBe('CREATE TABLE "users" (id bigint PRIMARY KEY, email text NOT NULL)');
    const b = fixture('kysely', '2024-01-02-add-column.ts');
    const m = extractMigration(b.path, b.text);
    expect(m.runner).toBe('kysely');
    expect(m.wrapped).toBe(true);
    expect(m.fragments.map((f) => f.sql)).toEqual([
      "SET lock_timeout = '2s'",
      'ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT $1',
      'ALTER TABLE users ALTER COLUMN email TYPE varchar(100)',
      "UPDATE users SET status = 'archived'",
    ]);
    expect(m.fragments[1].placeholders.map((p) => [p.text, p.expr])).toEqual([['$1', 'DEFAULT_STATUS']]);
  });

  it('dynamic SQL is reported with the reason, not dropped', () => {
    const { path, text } = fixture('typeorm', '1700000000004-Dynamic.ts');
    const m = extractMigration(path, text);
    expect(m.dynamic.map((d) => [d.expr, d.reason])).toEqual([
      ["buildBackfill('users')", "`buildBackfill('users')` is computed at run time"],
      ["buildBackfill('accounts')", "`buildBackfill('accounts')` is computed at run time"],
    ]);
    expect(m.fragments[0].placeholders.map((p) => [p.expr, p.text])).toEqual([['column', '__godwit_1__']]);
    const src = `exports.up = (knex) => knex.raw(sql.raw(x));\nimport { q } from './q';\nexports.down = (knex) => knex.raw(q);`;
    const n = extractMigration('x.js', src, { includeDown: true, runner: 'knex' });
    expect(n.dynamic.map((d) => d.reason)).toEqual(['`sql.raw(x)` is computed at run time', "`q` is imported from './q'"]);
  });

  it('Sequelize replacements (:name, ?) are placeholders, found by the scanner (not in strings, not :: casts)', () => {
    const src = [
      'module.exports = {',
      '  up: async (queryInterface) => {',
      '    await queryInterface.sequelize.query(',
      "      `UPDATE collections SET sort = :sort::jsonb, note = ':kept' WHERE id = :id`,",
      '      { replacements: { sort: JSON.stringify(x), id } },',
      '    );',
      "    await queryInterface.sequelize.query('DELETE FROM t WHERE a = ? AND b = ?', { replacements: [1, two] });",
      '  },',
      '};',
    ].join('\n');
    const m = extractMigration('x.js', src);
    expect(m.fragments.map((f) => f.sql)).toEqual([
      "UPDATE collections SET sort = __godwit_r1__::jsonb, note = ':kept' WHERE id = __godwit_r2__",
      'DELETE FROM t WHERE a = __godwit_r1__ AND b = __godwit_r2__',
    ]);
    expect(m.fragments[0].placeholders.map((p) => [p.shown, p.expr])).toEqual([[':sort', 'JSON.stringify(x)'], [':id', 'id']]);
    for (const f of m.fragments) expectExactMap(f, m.text);
    const r = lintJsMigration(src, 'x.js');
    expect(rules(r)).not.toContain('syntax-error'); // `:sort` and `?` are not SQL
    expect(lintJsMigration(src.replace(/replacements/g, 'other'), 'x.js').messages.filter((x) => x.ruleId === 'syntax-error')).toHaveLength(2);
  });

  it('constants of the module and `+` concatenation are read; parameters are placeholders', () => {
    const src = [
      "const T = 'users';",
      'const COL = `email`;',
      "const IDX = T + '_' + COL + '_idx';",
      'exports.up = async (knex, table) => {',
      "  await knex.raw('CREATE INDEX ' + IDX + ' ON ' + T + ` (${COL})`);",
      "  await knex.raw('ALTER TABLE ' + table + ' DROP COLUMN x');",
      '};',
    ].join('\n');
    const m = extractMigration('x.js', src);
    expect(m.fragments.map((f) => f.sql)).toEqual(['CREATE INDEX users_email_idx ON users (email)', 'ALTER TABLE __godwit_1__ DROP COLUMN x']);
    // `users` of IDX maps into the constant's literal on line 1
    const f = m.fragments[0];
    const i = f.sql.indexOf('users');
    expect(src.slice(f.map.rawStart[i], f.map.rawStart[i] + 5)).toBe('users');
    expect(f.map.rawStart[i]).toBe(src.indexOf("'users'") + 1);
    // `(${COL})`: the interpolated constant maps to the whole `${COL}`
    const j = f.sql.lastIndexOf('email');
    expect(src.slice(f.map.rawStart[j], f.map.rawEnd[j])).toBe('${COL}');
  });

  it('knex.transaction(trx => …) calls share the migration\'s own transaction when the runner does not wrap', () => {
    const src = [
      'exports.config = { transaction: false };',
      'exports.up = async (knex) => {',
      '  await knex.transaction(async (trx) => {',
      "    await trx.raw('ALTER TABLE t ADD COLUMN c int');",
      "    await trx.raw('CREATE INDEX CONCURRENTLY i ON t (c)');",
      '  });',
      "  await knex.raw('CREATE INDEX CONCURRENTLY j ON t (c)');",
      '};',
    ].join('\n');
    const m = extractMigration('x.js', src, { runner: 'knex' });
    expect(m.fragments.map((f) => f.jsTransaction?.label ?? null)).toEqual(['the transaction `trx` from knex.transaction() (line 3)', 'the transaction `trx` from knex.transaction() (line 3)', null]);
    const hits = lintJsMigration(src, 'x.js', { runner: 'knex' }).messages.filter((x) => x.ruleId === 'no-concurrently-in-transaction');
    expect(hits.map((x) => x.line)).toEqual([5]);
  });

  it('follows the runner object into helper functions and through aliases', () => {
    const src = [
      "async function addIndex(qi, name) { await qi.sequelize.query('CREATE INDEX ' + name + ' ON users (a)'); }",
      'module.exports = {',
      '  async up(queryInterface) {',
      '    const { sequelize } = queryInterface;',
      "    await sequelize.query('ALTER TABLE users ADD COLUMN a int');",
      "    await addIndex(queryInterface, 'users_a_idx');",
      '  },',
      '};',
    ].join('\n');
    const m = extractMigration('x.js', src);
    expect(m.runner).toBe('sequelize');
    expect(m.fragments.map((f) => f.sql)).toEqual(['ALTER TABLE users ADD COLUMN a int', 'CREATE INDEX __godwit_1__ ON users (a)']);
  });

  it('TypeORM queryRunner.sql`…` sends interpolations as parameters; Kysely CompiledQuery.raw; MikroORM addSql(knex.raw())', () => {
    const t = `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class A1700000000000 implements MigrationInterface {\n  async up(queryRunner: QueryRunner) { await queryRunner.sql\`UPDATE users SET role = \${role} WHERE id = \${id}\`; }\n  async down() {}\n}`;
    expect(extractMigration('a.ts', t).fragments.map((f) => f.sql)).toEqual(['UPDATE users SET role = $1 WHERE id = $2']);
    const k = "import { Kysely, CompiledQuery } from 'kysely';\nexport async function up(db: Kysely<any>) { await db.executeQuery(CompiledQuery.raw('CREATE INDEX i ON t (a)')); }";
    expect(extractMigration('b.ts', k).fragments.map((f) => [f.callee, f.sql])).toEqual([['db.executeQuery(CompiledQuery.raw(…))', 'CREATE INDEX i ON t (a)']]);
    const mo = "import { Migration } from '@mikro-orm/migrations';\nexport class Migration1 extends Migration { async up() { this.addSql(this.getKnex().raw('DROP TABLE t')); } }";
    expect(extractMigration('c.ts', mo).fragments.map((f) => f.sql)).toEqual(['DROP TABLE t']);
  });

  it('`down` is linted only with includeDown', () => {
    const { path, text } = fixture('typeorm', '1700000000001-AddEmailIndex.ts');
    expect(rules(lintJsMigration(text, path))).not.toContain('no-drop-table');
    const both = lintJsMigration(text, path, { includeDown: true });
    expect(both.messages.find((m) => m.ruleId === 'no-drop-table')).toMatchObject(at(text, 'DROP TABLE users'));
  });

  it('an AST from ESLint (espree, parents set by ESLint) gives the same extraction as typescript-estree', async () => {
    const espree = await import('espree');
    for (const [tool, name] of [['knex', '20240102000000_add_email_index.js'], ['sequelize', '20240102000000-add-indexes.js'], ['node-pg-migrate', '1700000000000_create-users.js']]) {
      const { path, text } = fixture(tool, name);
      const ast = espree.parse(text, { ecmaVersion: 'latest', sourceType: 'script', range: true, loc: true, comment: true });
      const a = extractMigration(path, text, { ast });
      const b = extractMigration(path + '.ts-estree', text);
      expect(a.runner).toBe(b.runner);
      expect(a.fragments.map((f) => [f.sql, f.map.rawStart, f.map.rawEnd])).toEqual(b.fragments.map((f) => [f.sql, f.map.rawStart, f.map.rawEnd]));
    }
    const src = 'const T = `t`;\nexports.up = (knex, n) => knex.raw(`ALTER TABLE ${ T } ADD COLUMN ${n} int`);';
    const ast = espree.parse(src, { ecmaVersion: 'latest', range: true, loc: true, comment: true });
    const f = extractMigration('x.js', src, { ast, runner: 'knex' }).fragments[0];
    expect(f.sql).toBe('ALTER TABLE t ADD COLUMN __godwit_1__ int');
    expect(f.placeholders[0].range).toEqual([src.indexOf('${n}'), src.indexOf('${n}') + 4]);
  });

  it('a file that does not parse is an error, not a crash', () => {
    const m = extractMigration('bad.ts', 'export async function up(knex) { await knex.raw(`x`; }');
    expect(m.error?.line).toBe(1);
    const r = lintJsMigration('export async function up(knex) { await knex.raw(`x`; }', 'bad.ts');
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toMatchObject({ fatal: true, severity: 2, line: 1 });
    expect(r.messages[0].message).toContain('cannot parse bad.ts');
  });

  it('recognises migration files by extension, not declarations', () => {
    expect(['a.js', 'a.cjs', 'a.mjs', 'a.ts', 'a.cts', 'a.mts'].every(isJsMigrationPath)).toBe(true);
    expect(['a.d.ts', 'a.sql', 'a.json'].some(isJsMigrationPath)).toBe(false);
  });
});

describe('locations inside the JS/TS string', () => {
  it('multi-line template: the finding points at the exact character', () => {
    const { path, text } = fixture('typeorm', '1700000000001-AddEmailIndex.ts');
    const r = lintJsMigration(text, path);
    const idx = r.messages.find((m) => m.ruleId === 'require-concurrent-index')!;
    expect(idx).toMatchObject(at(text, 'CREATE INDEX users_email_idx'));
    // the statement ends on the template's second line, before the backtick
    expect({ line: idx.endLine, column: idx.endColumn }).toEqual(at(text, '`);', 'ON ${TABLE}'));
  });

  it('after \\n and \\\' escapes in a single-quoted string', () => {
    const { path, text } = fixture('typeorm', '1700000000001-AddEmailIndex.ts');
    const r = lintJsMigration(text, path);
    const chk = r.messages.find((m) => m.ruleId === 'require-not-valid-constraint')!;
    expect(chk).toMatchObject(at(text, 'CONSTRAINT users_email_check'));
  });

  it('CRLF line ends, \\u escapes, astral characters before the string', () => {
    const src =
      '// 😀 “quotes” é\r\nexports.config = { transaction: false };\r\nexports.up = async (knex) => {\r\n' +
      "  await knex.raw('/* é\\u{1F600}\\u00e9 */ CREATE INDEX i2 ON t (b)');\r\n" +
      '  await knex.raw(`SELECT 1;\r\n  CREATE INDEX \\u0069dx ON t (a)`);\r\n};\r\n';
    const m = extractMigration('x.js', src, { runner: 'knex' });
    expect(m.fragments.map((f) => f.sql)).toEqual(['/* é😀é */ CREATE INDEX i2 ON t (b)', 'SELECT 1;\n  CREATE INDEX idx ON t (a)']);
    for (const f of m.fragments) expectExactMap(f, m.text);
    const r = lintJsMigration(src, 'x.js', { runner: 'knex' });
    const [a, b] = r.messages.filter((x) => x.ruleId === 'require-concurrent-index');
    expect(a).toMatchObject(at(src, 'CREATE INDEX i2'));
    expect(b).toMatchObject({ ...at(src, 'CREATE INDEX \\u0069dx'), endLine: 6 });
    // the end of `CREATE INDEX \u0069dx ON t (a)` is the closing paren, 29 source characters on
    expect(b.endColumn).toBe(b.column + 'CREATE INDEX \\u0069dx ON t (a)'.length);
  });

  it('a BOM does not shift positions', () => {
    const src = "\uFEFFexports.up = (knex) => knex.raw('CREATE INDEX i ON t (a)');\n";
    const r = lintJsMigration(src, 'x.js', { runner: 'knex' });
    // ranges and columns index the text without its BOM (as ESLint's SourceCode#text)
    expect(r.messages.find((m) => m.ruleId === 'require-concurrent-index')).toMatchObject(at(src.slice(1), 'CREATE INDEX'));
    expect(r.source).toBe(src.slice(1));
  });

  it('findings touching an interpolation say so, and name it instead of the placeholder', () => {
    const { path, text } = fixture('typeorm', '1700000000004-Dynamic.ts');
    const r = lintJsMigration(text, path, { catalog: undefined });
    const nn = r.messages.find((m) => m.ruleId === 'no-set-not-null')!;
    expect(nn.message).toContain('ALTER COLUMN "${column}" SET NOT NULL');
    expect(nn.message).toContain('depends on the value of `${column}`');
    expect(nn.message).not.toContain('__godwit_');
    expect(nn).toMatchObject(at(text, 'ALTER COLUMN ${column}'));
  });

  it('a syntax error caused by an interpolation points at it', () => {
    const src = 'exports.up = (knex, unique) => knex.raw(`CREATE ${unique} INDEX i ON t (a)`);';
    const r = lintJsMigration(src, 'x.js', { runner: 'knex' });
    const e = r.messages.find((m) => m.ruleId === 'syntax-error')!;
    expect(e).toMatchObject({ fatal: true, ...at(src, '${unique}') });
    expect(e.message).toContain('`${unique}`');
  });

  it('rule messages name the file lines, not the virtual document lines', () => {
    const { path, text } = fixture('sequelize', '20240102000000-add-indexes.js');
    const r = lintJsMigration(text, path);
    const slow = r.messages.find((m) => m.ruleId === 'no-slow-op-under-lock')!;
    expect(slow.message).toContain(`at line ${at(text, 'ALTER TABLE users ADD COLUMN team_id').line}`);
  });
});

describe('transactions per call', () => {
  it('TypeORM: CONCURRENTLY fails inside the runner transaction, not with transaction = false', () => {
    const a = fixture('typeorm', '1700000000003-ConcurrentInTransaction.ts');
    const inTx = lintJsMigration(a.text, a.path);
    const hit = inTx.messages.find((m) => m.ruleId === 'no-concurrently-in-transaction')!;
    expect(hit.message).toContain('inside the transaction TypeORM wraps around the pending migrations');
    const off = a.text.replace('implements MigrationInterface {', 'implements MigrationInterface {\n  transaction = false;');
    expect(rules(lintJsMigration(off, a.path))).not.toContain('no-concurrently-in-transaction');
    // --transaction overrides the runner
    expect(rules(lintJsMigration(off, a.path, { transaction: 'file' }))).toContain('no-concurrently-in-transaction');
  });

  it('a call of several statements is one implicit transaction; one statement per call is autocommit', () => {
    const { path, text } = fixture('sequelize', '20240102000000-add-indexes.js');
    const r = lintJsMigration(text, path);
    const hits = r.messages.filter((m) => m.ruleId === 'no-concurrently-in-transaction');
    expect(hits.map((m) => m.line)).toEqual([9, 13]);
    expect(hits[0].message).toContain('implicit transaction PostgreSQL opens for a query string of several statements');
    expect(hits[1].message).toContain('the transaction `transaction` from sequelize.transaction() (line 11)');
  });

  it('TypeORM commitTransaction()/startTransaction() around CONCURRENTLY', () => {
    const src = `import { MigrationInterface, QueryRunner } from 'typeorm';
export class X1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner) {
    await queryRunner.commitTransaction();
    await queryRunner.query('CREATE INDEX CONCURRENTLY i ON t (a)');
    await queryRunner.startTransaction();
    await queryRunner.query('CREATE INDEX CONCURRENTLY j ON t (b)');
  }
  async down() {}
}`;
    const r = lintJsMigration(src, 'x.ts');
    const hits = r.messages.filter((m) => m.ruleId === 'no-concurrently-in-transaction');
    expect(hits.map((m) => m.line)).toEqual([7]);
  });
});

describe('suppressions, fixes, dynamic-sql', () => {
  it('`// godwit-ignore` above a call covers every statement of the call; an unused one is reported once', () => {
    const src = [
      'exports.up = async (knex) => {',
      '  // godwit-ignore require-concurrent-index -- small table',
      "  await knex.raw('CREATE INDEX a ON t (x); CREATE INDEX b ON t (y)');",
      '  // godwit-ignore no-truncate',
      "  await knex.raw('SELECT 1');",
      '};',
    ].join('\n');
    const r = lintJsMigration(src, 'x.js', { runner: 'knex' });
    expect(rules(r)).not.toContain('require-concurrent-index');
    const unused = r.messages.filter((m) => m.ruleId === 'unused-suppression');
    expect(unused).toHaveLength(1);
    expect(unused[0]).toMatchObject(at(src, '// godwit-ignore no-truncate'));
    // the same without the comment: both statements are flagged
    expect(rules(lintJsMigration(src.replace('// godwit-ignore require-concurrent-index -- small table', ''), 'x.js', { runner: 'knex' })).filter((x) => x === 'require-concurrent-index')).toHaveLength(2);
  });

  it('`// godwit-ignore-file` and suppressing dynamic-sql', () => {
    const { path, text } = fixture('typeorm', '1700000000004-Dynamic.ts');
    const r = lintJsMigration(text, path);
    expect(r.messages.filter((m) => m.ruleId === 'dynamic-sql').map((m) => m.line)).toEqual([9]);
    const all = lintJsMigration('// godwit-ignore-file dynamic-sql, no-set-not-null\n' + text, path);
    expect(rules(all)).not.toContain('dynamic-sql');
    expect(rules(all)).not.toContain('no-set-not-null');
  });

  it('`// eslint-disable-next-line godwit/<rule>` applies when asked (the CLI), not by default (ESLint does it)', () => {
    const src = "exports.up = async (knex) => {\n  // eslint-disable-next-line godwit/require-concurrent-index\n  await knex.raw('CREATE INDEX a ON t (x)');\n};";
    expect(rules(lintJsMigration(src, 'x.js', { runner: 'knex' }))).toContain('require-concurrent-index');
    expect(rules(lintJsMigration(src, 'x.js', { runner: 'knex', eslintComments: true }))).not.toContain('require-concurrent-index');
  });

  it('a fix edits inside the string literal, escaped for its quotes', () => {
    const src = "exports.config = { transaction: false };\nexports.up = async (knex) => {\n  await knex.raw('CREATE INDEX a ON t (x)');\n  await knex.raw(\"ALTER TABLE t ADD COLUMN c varchar(10) DEFAULT 'it''s'\");\n};\n";
    const r = lintJsMigration(src, 'x.js', { runner: 'knex', preset: 'strict' });
    const idx = r.messages.find((m) => m.ruleId === 'require-concurrent-index')!;
    expect(idx.fix).toEqual({ range: [src.indexOf('CREATE INDEX') + 12, src.indexOf('CREATE INDEX') + 12], text: ' CONCURRENTLY' });
    const txt = r.messages.find((m) => m.ruleId === 'prefer-text')!;
    expect(txt.fix).toEqual({ range: [src.indexOf('varchar(10)'), src.indexOf('varchar(10)') + 11], text: 'text' });
    const fixed = applyEdits(src, [idx.fix!, txt.fix!]).text;
    expect(extractMigration('y.js', fixed, { runner: 'knex' }).fragments.map((f) => f.sql)).toEqual([
      'CREATE INDEX CONCURRENTLY a ON t (x)',
      "ALTER TABLE t ADD COLUMN c text DEFAULT 'it''s'",
    ]);
  });

  it('inserted text is escaped for the literal; a fix over an escape or interpolation is dropped', () => {
    const src = "const LEN = 10;\nexports.config = { transaction: false };\nexports.up = async (knex) => {\n  await knex.raw('ALTER TABLE t ADD COLUMN c varchar(1\\u0030)');\n  await knex.raw(`ALTER TABLE t ADD COLUMN d varchar(${LEN})`);\n};\n";
    const r = lintJsMigration(src, 'x.js', { runner: 'knex', preset: 'strict' });
    const txt = r.messages.filter((m) => m.ruleId === 'prefer-text');
    expect(txt).toHaveLength(2);
    expect(txt.every((m) => m.fix === undefined)).toBe(true);
  });

  it('a fix that would add a statement to a call (SET lock_timeout) is not offered in the string', () => {
    const src = "exports.up = async (knex) => {\n  await knex.raw('ALTER TABLE t ADD COLUMN c int');\n};\n";
    const r = lintJsMigration(src, 'x.js', { runner: 'knex' });
    const lt = r.messages.find((m) => m.ruleId === 'require-lock-timeout')!;
    expect(lt).toBeDefined();
    expect(lt.fix).toBeUndefined();
  });
});

describe('roots, order and history', () => {
  it('detects each tool folder as a root of its runner, in the runner order', async () => {
    const expected: Record<string, string> = { typeorm: 'typeorm', knex: 'knex', 'node-pg-migrate': 'node-pg-migrate', 'mikro-orm': 'mikro-orm', sequelize: 'sequelize', kysely: 'kysely' };
    for (const [dir, runner] of Object.entries(expected)) {
      const { roots } = await findRoots([join(fixtures, dir)]);
      expect(roots.map((r) => r.runner), dir).toEqual([runner]);
      const names = roots[0].files.map((f) => f.path.split('/').pop()!);
      expect(names).toEqual([...readdirSync(join(fixtures, dir))].sort());
    }
  });

  it('TypeORM orders by the class name timestamp, not the file name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-typeorm-'));
    const mig = (cls: string, sql: string) => `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class ${cls} implements MigrationInterface {\n  async up(q: QueryRunner) { await q.query('${sql}'); }\n  async down() {}\n}\n`;
    writeFileSync(join(dir, 'a-second.ts'), mig('Second1700000000002', 'CREATE INDEX i ON t (a)'));
    writeFileSync(join(dir, 'b-first.ts'), mig('First1700000000001', 'CREATE TABLE t (a int)'));
    const root = await rootOf(join(dir, 'a-second.ts'));
    expect(root?.runner).toBe('typeorm');
    expect(root?.files.map((f) => f.version)).toEqual(['1700000000001', '1700000000002']);
  });

  it('node-pg-migrate roots include the .sql migrations of the folder', async () => {
    const { roots } = await findRoots([join(fixtures, 'node-pg-migrate')]);
    expect(roots[0].files.map((f) => [f.path.split('/').pop(), f.transaction])).toEqual([
      ['1700000000000_create-users.js', 'all'],
      ['1700000000001_orders-fk.js', 'all'],
      ['1700000000002_concurrent-index.js', 'none'],
      ['1700000000003_rename.sql', 'all'],
    ]);
  });

  it('a .ts file outside a migration folder is never linted from a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-src-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'app.ts'), "export async function up(knex) { await knex.raw('DROP TABLE users'); }\n");
    const r = await lintProject([dir], { cwd: dir, overrides: {} });
    expect(r.results).toEqual([]);
  });

  it('history: earlier migrations (JS and SQL) make tables existing; lintVirtualFile dispatches on the extension', async () => {
    const dir = join(fixtures, 'typeorm');
    const path = join(dir, '1700000000001-AddEmailIndex.ts');
    const text = readFileSync(path, 'utf8');
    const r = await lintVirtualFile(text, path, { cwd: dir, overrides: {} });
    expect(rules(r)).toContain('require-concurrent-index'); // users exists: created by 1700000000000
    const alone = lintJsMigration(`import { MigrationInterface } from 'typeorm';\nexport class A1 implements MigrationInterface { async up(q) { await q.query('CREATE TABLE users (email text)'); await q.query('CREATE INDEX i ON users (email)'); } async down() {} }`, 'a.ts');
    expect(rules(alone)).not.toContain('require-concurrent-index'); // a table created in the same migration
  });
});

describe('real corpus: outline (Sequelize)', () => {
  it.skipIf(!existsSync(corpus))('extracts every migration without crashing', async () => {
    const files = readdirSync(corpus).filter(isJsMigrationPath).sort();
    let fragments = 0;
    let dynamic = 0;
    let builder = 0;
    let errors = 0;
    for (const f of files) {
      const m = extractMigration(join(corpus, f), readFileSync(join(corpus, f), 'utf8'), { runner: 'sequelize' });
      if (m.error) errors++;
      fragments += m.fragments.length;
      dynamic += m.dynamic.length;
      builder += m.builderCalls;
      for (const frag of m.fragments) expectExactMap(frag, m.text);
    }
    console.log(`outline: ${files.length} files, ${fragments} SQL fragments, ${dynamic} dynamic calls, ${builder} builder calls, ${errors} parse errors`);
    expect(files.length).toBeGreaterThan(250);
    expect(errors).toBe(0);
    expect(fragments).toBeGreaterThan(50);
    const { roots } = await findRoots([corpus]);
    expect(roots.map((r) => r.runner)).toEqual(['sequelize']);
    const t0 = performance.now();
    const res = await lintProject([corpus], { cwd: corpus, overrides: {} });
    console.log(`outline: linted ${res.results.length} files in ${Math.round(performance.now() - t0)} ms, ${res.results.reduce((n, r) => n + r.messages.length, 0)} findings`);
    expect(res.results.length).toBe(files.length);
    expect(res.results.every((r) => r.messages.every((m) => m.line >= 1 && m.column >= 1))).toBe(true);
  });
});

