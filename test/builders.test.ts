/**
 * Schema-builder calls → the statements each tool sends (src/sources/extract/builders/), per
 * tool and operation, checked against the SQL the tools' own query generators produce (knex
 * pg-tablecompiler/pg-columncompiler, sequelize v6 postgres query-generator, node-pg-migrate
 * operations/, TypeORM PostgresQueryRunner with DefaultNamingStrategy, Kysely's
 * DefaultQueryCompiler). A call that cannot be translated is a dynamic call with the reason.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { initJsParser, extractMigration, prepareJsMigration, type BuilderCall, type DynamicCall } from '../src/sources/extract/index.js';
import { modelCallTransactions } from '../src/sources/extract/txmodel.js';

beforeAll(async () => {
  await initParser();
  await initJsParser();
});

const WRAP: Record<string, (body: string) => string> = {
  knex: (b) => `exports.up = async function (knex) {\n${b}\n};\n`,
  sequelize: (b) => `module.exports = {\n  async up(queryInterface, Sequelize) {\n${b}\n  },\n};\n`,
  'node-pg-migrate': (b) => `exports.up = (pgm) => {\n${b}\n};\n`,
  typeorm: (b) => `import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex, TableForeignKey, TableUnique, TableCheck } from 'typeorm';\nexport class M1700000000000 implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {\n${b}\n  }\n}\n`,
  kysely: (b) => `import { Kysely, sql } from 'kysely';\nexport async function up(db: Kysely<any>): Promise<void> {\n${b}\n}\n`,
};
const FILE: Record<string, string> = { knex: '20240101000000_m.js', sequelize: '20240101000000-m.js', 'node-pg-migrate': '1700000000000_m.js', typeorm: '1700000000000-M.ts', kysely: '2024-01-01-m.ts' };

let n = 0;
function extract(tool: string, body: string) {
  const m = extractMigration(`/virtual/${tool}/${n++}/${FILE[tool]}`, WRAP[tool](body));
  expect(m.runner).toBe(tool);
  return m;
}

/** The statements of the (only) builder call of `body`. */
function statements(tool: string, body: string): string[] {
  const m = extract(tool, body);
  const builders = m.calls.filter((c): c is BuilderCall => c.kind === 'builder');
  const dynamic = m.calls.filter((c): c is DynamicCall => c.kind === 'dynamic');
  expect(dynamic.map((d) => d.reason)).toEqual([]);
  return builders.flatMap((b) => b.statements);
}

/** The reason a builder call of `body` is not translated. */
function reason(tool: string, body: string): string {
  const m = extract(tool, body);
  const d = m.calls.filter((c): c is DynamicCall => c.kind === 'dynamic' && c.operation !== undefined);
  expect(d).toHaveLength(1);
  expect(m.builderCalls).toBe(1);
  return d[0].reason;
}

describe('Knex (knex.schema)', () => {
  const k = (b: string) => statements('knex', b);

  it('createTable: columns, modifiers, then index/unique/foreign statements in call order', () => {
    expect(
      k(`await knex.schema.createTable('accounts', (t) => {
        t.increments();
        t.string('email').notNullable().unique();
        t.integer('user_id').unsigned().references('id').inTable('users').onDelete('CASCADE');
        t.boolean('active').defaultTo(true);
        t.decimal('price');
        t.timestamp('seen_at', { useTz: false });
        t.jsonb('data').defaultTo('{}');
        t.enu('role', ['a', 'b']);
        t.index(['email', 'active'], 'accounts_lookup');
        t.timestamps(true, true);
      });`),
    ).toEqual([
      `create table "accounts" ("id" serial primary key, "email" varchar(255) not null, "user_id" integer, "active" boolean default '1', "price" decimal(8, 2), "seen_at" timestamp, "data" jsonb default '{}', "role" text check ("role" in ('a', 'b')), "created_at" timestamptz not null default CURRENT_TIMESTAMP, "updated_at" timestamptz not null default CURRENT_TIMESTAMP)`,
      `alter table "accounts" add constraint "accounts_email_unique" unique ("email")`,
      `alter table "accounts" add constraint "accounts_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete CASCADE`,
      `create index "accounts_lookup" on "accounts" ("email", "active")`,
    ]);
  });

  it('createTable: primary(), references("t.c"), withSchema, bigIncrements, uuid primary key, comments', () => {
    expect(
      k(`await knex.schema.withSchema('app').createTable('t', function (table) {
        table.uuid('id', { primaryKey: true });
        table.bigInteger('team_id').notNullable();
        table.foreign('team_id').references('teams.id');
        table.text('note').comment("it's");
        table.comment('things');
      });`),
    ).toEqual([
      `create table "app"."t" ("id" uuid primary key, "team_id" bigint not null, "note" text)`,
      `comment on table "app"."t" is 'things'`,
      `comment on column "app"."t"."note" is 'it''s'`,
      `alter table "app"."t" add constraint "t_team_id_foreign" foreign key ("team_id") references "teams" ("id")`,
    ]);
  });

  it('alterTable / table: add columns in one statement, then index, unique, rename, drops, nullability, in call order', () => {
    expect(
      k(`await knex.schema.alterTable('users', (t) => {
        t.index(['email']);
        t.string('nickname', 100).notNullable();
        t.renameColumn('name', 'full_name');
        t.unique('handle');
        t.dropColumn('legacy');
        t.dropColumns('a', 'b');
        t.setNullable('bio');
        t.dropNullable('email');
        t.dropIndex(['team_id']);
        t.dropUnique(['handle'], 'users_handle_key');
        t.dropForeign('team_id');
        t.primary(['id']);
        t.text('about');
      });`),
    ).toEqual([
      `alter table "users" add column "nickname" varchar(100) not null, add column "about" text`,
      `create index "users_email_index" on "users" ("email")`,
      `alter table "users" rename "name" to "full_name"`,
      `alter table "users" add constraint "users_handle_unique" unique ("handle")`,
      `alter table "users" drop column "legacy"`,
      `alter table "users" drop column "a", drop column "b"`,
      `alter table "users" alter column "bio" drop not null`,
      `alter table "users" alter column "email" set not null`,
      `drop index "users_team_id_index"`,
      `alter table "users" drop constraint "users_handle_key"`,
      `alter table "users" drop constraint "users_team_id_foreign"`,
      `alter table "users" add constraint "users_pkey" primary key ("id")`,
    ]);
    // knex.schema.table() is alterTable()
    expect(k(`return knex.schema.table('users', (t) => { t.index('email', 'users_email', 'gin'); });`)).toEqual([`create index "users_email" on "users" using gin ("email")`]);
  });

  it('.alter(): drop default, drop not null, type … using, set default, set not null (pg-tablecompiler _addColumn)', () => {
    expect(k(`await knex.schema.alterTable('users', (t) => { t.string('email', 320).notNullable().defaultTo('x').alter(); });`)).toEqual([
      `alter table "users" alter column "email" drop default`,
      `alter table "users" alter column "email" drop not null`,
      `alter table "users" alter column "email" type varchar(320) using ("email"::varchar(320))`,
      `alter table "users" alter column "email" set default 'x'`,
      `alter table "users" alter column "email" set not null`,
    ]);
    expect(k(`await knex.schema.alterTable('users', (t) => { t.integer('n').alter({ alterNullable: false }); });`)).toEqual([
      `alter table "users" alter column "n" drop default`,
      `alter table "users" alter column "n" type integer using ("n"::integer)`,
    ]);
  });

  it('knex.fn.now() and knex.raw() defaults, escapes, dropTable, renameTable, createTableIfNotExists, chained schema calls', () => {
    expect(
      k(`await knex.schema
        .createTableIfNotExists('a', (t) => { t.timestamp('at').defaultTo(knex.fn.now()); t.uuid('u').defaultTo(knex.raw('gen_random_uuid()')); t.string('s').defaultTo('back\\\\slash'); })
        .renameTable('b', 'c')
        .dropTable('d')
        .dropTableIfExists('e');`),
    ).toEqual([
      `create table if not exists "a" ("at" timestamptz default CURRENT_TIMESTAMP, "u" uuid default gen_random_uuid(), "s" varchar(255) default E'back\\\\slash')`,
      `alter table "b" rename to "c"`,
      `drop table "d"`,
      `drop table if exists "e"`,
    ]);
  });

  it('the runner object by position, inside a transaction, and only when the builder runs', () => {
    const m = extract('knex', `await knex.transaction(async (trx) => {\n  await trx.schema.alterTable('users', (t) => t.index('email'));\n});\nconst notRun = knex.schema.createTable('x', (t) => t.text('a'));`);
    const b = m.calls.filter((c): c is BuilderCall => c.kind === 'builder');
    expect(b.map((c) => c.statements)).toEqual([[`create index "users_email_index" on "users" ("email")`]]);
    expect(b[0].jsTransaction?.label).toContain('knex.transaction()');
    expect(m.builderCalls).toBe(1);
  });

  it('data queries that write (a backfill, a delete): update / del / insert / truncate with simple where clauses', () => {
    expect(
      k(`await knex('users').whereNull('status').update({ status: 'active' });
      await knex('sessions').where('expired', true).del();
      await knex('users').where({ team_id: null }).andWhere('age', '>', 3).delete();
      await knex('flags').insert([{ name: 'a', on: true }, { name: 'b', on: false }]);
      await knex('cache').truncate();
      const rows = await knex('users').select('id');`),
    ).toEqual([
      `update "users" set "status" = $1 where "status" is null`,
      `delete from "sessions" where "expired" = $1`,
      `delete from "users" where "team_id" is null and "age" > $1`,
      `insert into "flags" ("name", "on") values ($1, $2), ($3, $4)`,
      `truncate "cache" restart identity`,
    ]);
    expect(reason('knex', `await knex('users').whereIn('id', knex('old').select('id')).del();`)).toMatch(/whereIn\(\) with a subquery/);
  });

  it('not translatable: dynamic names, callbacks that do more than build, unknown column types', () => {
    expect(reason('knex', `const name = process.env.TABLE;\nawait knex.schema.alterTable(name, (t) => t.index('a'));`)).toMatch(/^the table name: `process\.env\.TABLE` is read at run time/);
    expect(reason('knex', `await knex.schema.alterTable('users', (t) => { if (x) t.index('a'); });`)).toMatch(/table callback has a `if \(x\)/);
    expect(reason('knex', `await knex.schema.alterTable('users', (t) => { t.set('s', ['a']); });`)).toMatch(/not translated/);
    expect(reason('knex', `await knex.schema.alterTable('users', helper);`)).toMatch(/table callback: `helper` is not defined in this file/);
  });
});

describe('Sequelize (queryInterface)', () => {
  const s = (b: string) => statements('sequelize', b);

  it('addIndex: default name underscore(<table>_<fields>), unique, concurrently, where, using, operator, name', () => {
    expect(s(`await queryInterface.addIndex('user_authentications', ['userId']);`)).toEqual([`CREATE INDEX "user_authentications_user_id" ON "user_authentications" ("userId")`]);
    expect(s(`await queryInterface.addIndex('subscriptions', ['event', 'documentId'], { name: 'subs_event_doc', where: { deletedAt: null }, concurrently: true, unique: true });`)).toEqual([
      `CREATE UNIQUE INDEX CONCURRENTLY "subs_event_doc" ON "subscriptions" ("event", "documentId") WHERE "deletedAt" IS NULL`,
    ]);
    expect(s(`await queryInterface.addIndex('documents', { fields: ['title'], using: 'gin', operator: 'gin_trgm_ops' });`)).toEqual([`CREATE INDEX "documents_title" ON "documents" USING gin ("title" gin_trgm_ops)`]);
    expect(s(`await queryInterface.addIndex('n', ['viewedAt'], { where: { viewedAt: { [Sequelize.Op.is]: null }, status: 'pending' } });`)).toEqual([`CREATE INDEX "n_viewed_at" ON "n" ("viewedAt") WHERE "viewedAt" IS NULL AND "status" = 'pending'`]);
  });

  it('removeIndex: by fields or name, IF EXISTS, concurrently', () => {
    expect(s(`await queryInterface.removeIndex('documents', ['urlId']);`)).toEqual([`DROP INDEX IF EXISTS "documents_url_id"`]);
    expect(s(`await queryInterface.removeIndex('documents', 'documents_x', { concurrently: true });`)).toEqual([`DROP INDEX CONCURRENTLY IF EXISTS "documents_x"`]);
  });

  it('addColumn: ALTER TABLE "public"."t" ADD COLUMN with the attribute SQL; ENUM types created first, in the same query', () => {
    const m = extract('sequelize', `await queryInterface.addColumn('users', 'language', { type: Sequelize.STRING(2), allowNull: false, defaultValue: 'en' });\nawait queryInterface.addColumn('users', 'role', { type: Sequelize.ENUM('admin', 'member'), allowNull: true });\nawait queryInterface.addColumn('docs', 'teamId', { type: Sequelize.UUID, references: { model: 'teams' }, onDelete: 'cascade' });`);
    const b = m.calls as BuilderCall[];
    expect(b.map((c) => c.statements)).toEqual([
      [`ALTER TABLE "public"."users" ADD COLUMN "language" VARCHAR(2) NOT NULL DEFAULT 'en'`],
      [`DO 'BEGIN CREATE TYPE "public"."enum_users_role" AS ENUM(''admin'', ''member''); EXCEPTION WHEN duplicate_object THEN null; END'`, `ALTER TABLE "public"."users" ADD COLUMN "role" "public"."enum_users_role"`],
      [`ALTER TABLE "public"."docs" ADD COLUMN "teamId" UUID REFERENCES "teams" ("id") ON DELETE CASCADE`],
    ]);
    expect(b[1].queries).toEqual([2]);
  });

  it('changeColumn: one query string of ALTERs (NOT NULL, DEFAULT, UNIQUE, TYPE), as changeColumnQuery', () => {
    const m = extract('sequelize', `await queryInterface.changeColumn('users', 'email', { type: Sequelize.STRING, unique: true, allowNull: false });\nawait queryInterface.changeColumn('users', 'bio', Sequelize.TEXT);`);
    const b = m.calls as BuilderCall[];
    expect(b[0].statements).toEqual([
      `ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL`,
      `ALTER TABLE "users" ALTER COLUMN "email" DROP DEFAULT`,
      `ALTER TABLE "users"  ADD UNIQUE ("email")`,
      `ALTER TABLE "users" ALTER COLUMN "email" TYPE VARCHAR(255)  `, // (Sequelize leaves the spaces of the removed NOT NULL and UNIQUE)
    ]);
    expect(b[0].queries).toEqual([4]);
    // a bare data type: { type, allowNull: true }
    expect(b[1].statements).toEqual([`ALTER TABLE "users" ALTER COLUMN "bio" DROP NOT NULL`, `ALTER TABLE "users" ALTER COLUMN "bio" DROP DEFAULT`, `ALTER TABLE "users" ALTER COLUMN "bio" TYPE TEXT`]);
  });

  it('createTable: CREATE TABLE IF NOT EXISTS with PRIMARY KEY collected, SERIAL, defaults, references', () => {
    expect(
      s(`await queryInterface.createTable('team_domains', {
        id: { type: Sequelize.INTEGER, autoIncrement: true, primaryKey: true },
        teamId: { type: Sequelize.UUID, allowNull: false, onDelete: 'cascade', references: { model: 'teams' } },
        name: { type: Sequelize.STRING, allowNull: false },
        tags: { type: Sequelize.ARRAY(Sequelize.STRING), defaultValue: [] },
        data: { type: Sequelize.JSONB, defaultValue: {} },
        createdAt: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
        id2: { type: Sequelize.UUID, defaultValue: Sequelize.UUIDV4 },
      });`),
    ).toEqual([
      `CREATE TABLE IF NOT EXISTS "team_domains" ("id"  SERIAL , "teamId" UUID NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE, "name" VARCHAR(255) NOT NULL, "tags" VARCHAR(255)[] DEFAULT ARRAY[]::VARCHAR(255)[], "data" JSONB DEFAULT '{}', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "id2" UUID, PRIMARY KEY ("id"))`,
    ]);
  });

  it('renameColumn, removeColumn, renameTable, dropTable, addConstraint (default names), removeConstraint, bulkDelete, bulkUpdate', () => {
    expect(
      s(`await queryInterface.renameColumn('users', 'slackId', 'serviceId');
      await queryInterface.removeColumn('users', 'legacy');
      await queryInterface.renameTable('atlases', 'collections');
      await queryInterface.dropTable('old', { cascade: true });
      await queryInterface.addConstraint('users', { fields: ['email'], type: 'unique' });
      await queryInterface.addConstraint('docs', { fields: ['teamId'], type: 'foreign key', references: { table: 'teams', field: 'id' }, onDelete: 'cascade' });
      await queryInterface.addConstraint('docs', { fields: ['n'], type: 'check', where: { n: 1 }, name: 'n_check' });
      await queryInterface.removeConstraint('users', 'users_email_key');
      await queryInterface.bulkDelete('stars', { teamId: null });
      await queryInterface.bulkUpdate('shares', { published: true }, {});`),
    ).toEqual([
      `ALTER TABLE "users" RENAME COLUMN "slackId" TO "serviceId"`,
      `ALTER TABLE "public"."users" DROP COLUMN "legacy"`,
      `ALTER TABLE "atlases" RENAME TO "collections"`,
      `DROP TABLE IF EXISTS "old" CASCADE`,
      `ALTER TABLE "users" ADD CONSTRAINT "users_email_uk" UNIQUE ("email")`,
      `ALTER TABLE "docs" ADD CONSTRAINT "docs_teamId_teams_fk" FOREIGN KEY ("teamId") REFERENCES "teams" ("id") ON DELETE CASCADE`,
      `ALTER TABLE "docs" ADD CONSTRAINT "n_check" CHECK ("n" = 1)`,
      `ALTER TABLE "users" DROP CONSTRAINT "users_email_key"`,
      `DELETE FROM "stars" WHERE "teamId" IS NULL`,
      `UPDATE "shares" SET "published"=$1`,
    ]);
  });

  it('{ transaction } joins the transaction of sequelize.transaction()', () => {
    const m = extract('sequelize', `await queryInterface.sequelize.transaction(async (transaction) => {\n  await queryInterface.addIndex('t', ['a'], { transaction });\n  await queryInterface.addColumn('t', 'b', Sequelize.TEXT, { transaction });\n});`);
    expect(m.calls.map((c) => c.jsTransaction?.key)).toEqual(['sequelize:transaction', 'sequelize:transaction']);
  });

  it('not translatable: a default read at run time, spread options, a helper from another module', () => {
    expect(reason('sequelize', `await queryInterface.addColumn('users', 'language', { type: Sequelize.STRING, defaultValue: process.env.LANG });`)).toMatch(/default value `process\.env\.LANG`/);
    expect(reason('sequelize', `await queryInterface.addIndex('t', ['a'], { ...opts });`)).toMatch(/spreads options/);
    expect(reason('sequelize', `const { cols } = require('./cols');\nawait queryInterface.addIndex('t', cols);`)).toMatch(/index options|index fields/);
    expect(reason('sequelize', `await queryInterface.dropAllTables();`)).toBe('queryInterface.dropAllTables() is not translated by godwit');
  });
});

describe('node-pg-migrate (pgm)', () => {
  const p = (b: string) => statements('node-pg-migrate', b);

  it('createTable, addColumns, alterColumn, renameColumn, dropColumns, renameTable', () => {
    expect(
      p(`pgm.createTable('users', { id: 'id', email: { type: 'varchar(255)', notNull: true, unique: true }, team_id: { type: 'integer', references: 'teams', onDelete: 'CASCADE' }, created_at: { type: 'timestamp', notNull: true, default: pgm.func('current_timestamp') } });
      pgm.addColumns('users', { bio: { type: 'text', default: 'none' } });
      pgm.addColumn('users', { n: 'int' });
      pgm.alterColumn('users', 'email', { type: 'text', notNull: true, default: null });
      pgm.renameColumn('users', 'bio', 'about');
      pgm.dropColumns('users', ['a', 'b']);
      pgm.renameTable('users', 'people');`),
    ).toEqual([
      `CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" varchar(255) UNIQUE NOT NULL, "team_id" integer REFERENCES "teams" ON DELETE CASCADE, "created_at" timestamp DEFAULT current_timestamp NOT NULL)`,
      `ALTER TABLE "users" ADD "bio" text DEFAULT $pga$none$pga$`,
      `ALTER TABLE "users" ADD "n" integer`,
      `ALTER TABLE "users" ALTER "email" DROP DEFAULT, ALTER "email" SET DATA TYPE text, ALTER "email" SET NOT NULL`,
      `ALTER TABLE "users" RENAME "bio" TO "about"`,
      `ALTER TABLE "users" DROP "a", DROP "b"`,
      `ALTER TABLE "users" RENAME TO "people"`,
    ]);
  });

  it('createIndex / addIndex (default name <table>_<cols>[_unique]_index, concurrently), dropIndex', () => {
    expect(
      p(`pgm.createIndex('users', 'email');
      pgm.addIndex('users', ['team_id', 'email'], { unique: true, concurrently: true, where: 'deleted_at IS NULL' });
      pgm.createIndex('users', 'lower(email)', { name: 'users_lower_email', method: 'btree' });
      pgm.dropIndex('users', 'email', { concurrently: true, ifExists: true });`),
    ).toEqual([
      `CREATE INDEX "users_email_index" ON "users" ("email")`,
      `CREATE UNIQUE INDEX CONCURRENTLY "users_team_id_email_unique_index" ON "users" ("team_id", "email") WHERE deleted_at IS NULL`,
      `CREATE INDEX "users_lower_email" ON "users" USING btree ((lower(email)))`,
      `DROP INDEX CONCURRENTLY IF EXISTS "users_email_index"`,
    ]);
  });

  it('addConstraint: foreign keys, checks, unique (default names), raw expressions; dropConstraint', () => {
    expect(
      p(`pgm.addConstraint('orders', null, { foreignKeys: { columns: 'user_id', references: 'users(id)', onDelete: 'CASCADE' } });
      pgm.addConstraint('orders', 'orders_total_check', { check: 'total >= 0' });
      pgm.addConstraint('orders', null, { unique: ['a', 'b'] });
      pgm.addConstraint('orders', 'orders_fk', 'FOREIGN KEY (x) REFERENCES y (id) NOT VALID');
      pgm.dropConstraint('orders', 'orders_fk', { ifExists: true });`),
    ).toEqual([
      `ALTER TABLE "orders" ADD CONSTRAINT "orders_fk_user_id" FOREIGN KEY ("user_id") REFERENCES users(id) ON DELETE CASCADE`,
      `ALTER TABLE "orders" ADD CONSTRAINT "orders_total_check" CHECK (total >= 0)`,
      `ALTER TABLE "orders" ADD CONSTRAINT "orders_uniq_a_b" UNIQUE ("a", "b")`,
      `ALTER TABLE "orders" ADD CONSTRAINT "orders_fk" FOREIGN KEY (x) REFERENCES y (id) NOT VALID`,
      `ALTER TABLE "orders" DROP CONSTRAINT IF EXISTS "orders_fk"`,
    ]);
  });

  it('steps are queued after up() returns, in order with pgm.sql()', () => {
    const m = extract('node-pg-migrate', `pgm.createIndex('t', 'a');\npgm.sql('SELECT 1');\npgm.renameColumn('t', 'a', 'b');`);
    expect(m.calls.map((c) => c.kind)).toEqual(['builder', 'sql', 'builder']);
  });

  it('not translatable: a dynamic table name', () => {
    expect(reason('node-pg-migrate', `exports.shorthands = undefined;\nconst t = require('./names').users;\npgm.createIndex(t, 'email');`)).toMatch(/the table name/);
  });
});

describe('TypeORM (queryRunner)', () => {
  const t = (b: string) => statements('typeorm', b);

  it('createIndex with TableIndex: default IDX_ name (sha1), unique, isConcurrent, where', () => {
    expect(t(`await queryRunner.createIndex('users', new TableIndex({ columnNames: ['email'] }));`)).toEqual([`CREATE INDEX "IDX_97672ac88f789774dd47f7c8be" ON "users"  ("email") `]);
    expect(t(`await queryRunner.createIndex('users', new TableIndex({ name: 'users_email', columnNames: ['email'], isUnique: true, isConcurrent: true, where: '"email" IS NOT NULL' }));`)).toEqual([
      `CREATE UNIQUE INDEX CONCURRENTLY "users_email" ON "users"  ("email") WHERE "email" IS NOT NULL`,
    ]);
    expect(t(`await queryRunner.dropIndex('users', 'users_email');`)).toEqual([`DROP INDEX "users_email"`]);
  });

  it('createTable: columns NOT NULL unless isNullable, SERIAL for generated increments, PK/UQ/FK constraints, indices after', () => {
    expect(
      t(`await queryRunner.createTable(new Table({ name: 'posts', columns: [
        { name: 'id', type: 'int', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'title', type: 'varchar', length: '200' },
        { name: 'author_id', type: 'int', isNullable: true },
        { name: 'created', type: 'timestamp', default: 'now()' },
      ], foreignKeys: [{ columnNames: ['author_id'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      indices: [{ columnNames: ['title'] }] }), true);`),
    ).toEqual([
      `CREATE TABLE "posts" ("id" SERIAL NOT NULL, "title" varchar(200) NOT NULL, "author_id" int, "created" timestamp NOT NULL DEFAULT now(), CONSTRAINT "FK_312c63be865c81b922e39c2475e" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "PK_2829ac61eff60fcec60d7274b9e" PRIMARY KEY ("id"))`,
      `CREATE INDEX "IDX_2d82eb2bb2ddd7a6bfac8804d8" ON "posts"  ("title") `,
    ]);
  });

  it('addColumn, renameColumn, dropColumn, foreign keys, unique and check constraints, renameTable', () => {
    expect(
      t(`await queryRunner.addColumn('users', new TableColumn({ name: 'age', type: 'int', isNullable: true }));
      await queryRunner.addColumn('users', new TableColumn({ name: 'nick', type: 'varchar', isUnique: true, default: "''" }));
      await queryRunner.renameColumn('users', 'name', 'full_name');
      await queryRunner.dropColumn('users', 'legacy');
      await queryRunner.createForeignKey('posts', new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'] }));
      await queryRunner.createUniqueConstraint('users', new TableUnique({ name: 'users_email_uq', columnNames: ['email'] }));
      await queryRunner.createCheckConstraint('users', new TableCheck({ name: 'users_age_check', expression: '"age" > 0' }));
      await queryRunner.renameTable('users', 'people');`),
    ).toEqual([
      `ALTER TABLE "users" ADD "age" int`,
      `ALTER TABLE "users" ADD "nick" varchar NOT NULL DEFAULT ''`,
      `ALTER TABLE "users" ADD CONSTRAINT "UQ_7c154ca1d4ac730c755cfce9b7c" UNIQUE ("nick")`,
      `ALTER TABLE "users" RENAME COLUMN "name" TO "full_name"`,
      `ALTER TABLE "users" DROP COLUMN "legacy"`,
      `ALTER TABLE "posts" ADD CONSTRAINT "FK_c4f9a7bd77b489e711277ee5986" FOREIGN KEY ("user_id") REFERENCES "users"("id")`,
      `ALTER TABLE "users" ADD CONSTRAINT "users_email_uq" UNIQUE ("email")`,
      `ALTER TABLE "users" ADD CONSTRAINT "users_age_check" CHECK ("age" > 0)`,
      `ALTER TABLE "users" RENAME TO "people"`,
    ]);
  });

  it('changeColumn: recreated when the type changes, ALTERed otherwise; a column name alone is not translatable', () => {
    expect(t(`await queryRunner.changeColumn('users', new TableColumn({ name: 'n', type: 'int' }), new TableColumn({ name: 'n', type: 'bigint' }));`)).toEqual([`ALTER TABLE "users" DROP COLUMN "n"`, `ALTER TABLE "users" ADD "n" bigint NOT NULL`]);
    expect(t(`await queryRunner.changeColumn('users', new TableColumn({ name: 'n', type: 'int', isNullable: true }), new TableColumn({ name: 'n', type: 'int' }));`)).toEqual([`ALTER TABLE "users" ALTER COLUMN "n" SET NOT NULL`]);
    expect(reason('typeorm', `await queryRunner.changeColumn('users', 'n', new TableColumn({ name: 'n', type: 'bigint' }));`)).toMatch(/live table's column "n"/);
  });
});

describe('Kysely (db.schema)', () => {
  const y = (b: string) => statements('kysely', b);

  it('createTable with column callbacks and constraints', () => {
    expect(
      y(`await db.schema.createTable('moderation_event')
        .addColumn('id', 'serial', (col) => col.primaryKey())
        .addColumn('action', 'varchar', (col) => col.notNull())
        .addColumn('createdAt', 'timestamptz', (col) => col.notNull().defaultTo(sql\`now()\`))
        .addColumn('takendown', 'boolean', (col) => col.defaultTo(false).notNull())
        .addColumn('recordPath', 'varchar', (col) => col.notNull().defaultTo(''))
        .addColumn('userId', 'integer', (col) => col.references('user.id').onDelete('cascade'))
        .addUniqueConstraint('moderation_event_unique', ['action', 'recordPath'])
        .addForeignKeyConstraint('fk', ['userId'], 'user', ['id'], (cb) => cb.onDelete('cascade'))
        .execute()`),
    ).toEqual([
      `create table "moderation_event" ("id" serial primary key, "action" varchar not null, "createdAt" timestamptz default now() not null, "takendown" boolean default false not null, "recordPath" varchar default '' not null, "userId" integer references "user" ("id") on delete cascade, constraint "moderation_event_unique" unique ("action", "recordPath"), constraint "fk" foreign key ("userId") references "user" ("id") on delete cascade)`,
    ]);
  });

  it('alterTable: column alterations in one statement, constraints, renames', () => {
    expect(
      y(`await db.schema.alterTable('actor').addColumn('takedownId', 'integer').dropColumn('legacy').execute()
      await db.schema.alterTable('actor').alterColumn('handle', (col) => col.setDataType('text')).execute()
      await db.schema.alterTable('actor').alterColumn('handle', (col) => col.setNotNull()).execute()
      await db.schema.alterTable('actor').renameColumn('a', 'b').execute()
      await db.schema.alterTable('record').addForeignKeyConstraint('record_takedown_id_fkey', ['takedownId'], 'moderation_event', ['id']).execute()
      await db.schema.alterTable('record').addCheckConstraint('c', sql\`n > 0\`).execute()
      await db.schema.alterTable('record').dropConstraint('record_takedown_id_fkey').execute()
      await db.schema.alterTable('record').renameTo('records').execute()`),
    ).toEqual([
      `alter table "actor" add column "takedownId" integer, drop column "legacy"`,
      `alter table "actor" alter column "handle" type text`,
      `alter table "actor" alter column "handle" set not null`,
      `alter table "actor" rename column "a" to "b"`,
      `alter table "record" add constraint "record_takedown_id_fkey" foreign key ("takedownId") references "moderation_event" ("id")`,
      `alter table "record" add constraint "c" check (n > 0)`,
      `alter table "record" drop constraint "record_takedown_id_fkey"`,
      `alter table "record" rename to "records"`,
    ]);
  });

  it('createIndex / dropIndex / dropTable', () => {
    expect(
      y(`await db.schema.createIndex('invite_code_for_account_idx').on('invite_code').column('forAccount').execute()
      await db.schema.createIndex('i2').unique().on('t').columns(['a', 'b desc']).where('deleted', 'is', null).execute()
      await db.schema.createIndex('i3').on('t').using('gin').expression(sql\`lower("handle")\`).execute()
      await db.schema.dropIndex('i3').ifExists().execute()
      await db.schema.dropTable('t').execute()`),
    ).toEqual([
      `create index "invite_code_for_account_idx" on "invite_code" ("forAccount")`,
      `create unique index "i2" on "t" ("a", "b" desc) where "deleted" is null`,
      `create index "i3" on "t" using gin (lower("handle"))`,
      `drop index if exists "i3"`,
      `drop table "t"`,
    ]);
  });

  it('a chain is an operation only when executed; inside db.transaction() it joins that transaction', () => {
    const m = extract('kysely', `const q = db.schema.createTable('x').addColumn('a', 'text');\nawait db.transaction().execute(async (trx) => {\n  await trx.schema.createIndex('i').on('t').column('a').execute();\n});`);
    expect(m.calls.map((c) => (c as BuilderCall).statements)).toEqual([[`create index "i" on "t" ("a")`]]);
    expect(m.calls[0].jsTransaction?.label).toContain('db.transaction().execute()');
  });

  it('not translatable: a view over a query builder (known to create the view)', () => {
    expect(reason('kysely', `await db.schema.createView('v').materialized().as(db.selectFrom('t').selectAll()).execute()`)).toMatch(/the view's query \(a query builder is not translated\)/);
    const m = extract('kysely', `await db.schema.createView('v').materialized().as(db.selectFrom('t').selectAll()).execute()`);
    expect((m.calls[0] as DynamicCall).creates).toEqual([{ kind: 'materialized view', name: '"v"' }]);
  });
});

describe('how builder statements are sent (the transaction model)', () => {
  function model(tool: string, body: string) {
    const p = prepareJsMigration(`/virtual/${tool}/${n++}/${FILE[tool]}`, WRAP[tool](body));
    return modelCallTransactions(p.parsed.statements, p.document, p.migration).info.map((i) => [i.inTransaction, i.id]);
  }

  it("Sequelize changeColumn: one query string, so its ALTERs share PostgreSQL's implicit transaction; separate calls do not", () => {
    const info = model('sequelize', `await queryInterface.changeColumn('users', 'email', { type: Sequelize.TEXT, allowNull: false });\nawait queryInterface.addIndex('users', ['email']);`);
    expect(info).toEqual([
      [true, 0],
      [true, 0],
      [true, 0],
      [false, null],
    ]);
  });

  it('Knex outside a transaction (config.transaction = false): each statement of a call is its own query', () => {
    const p = prepareJsMigration(`/virtual/knex/${n++}/${FILE.knex}`, `exports.config = { transaction: false };\n${WRAP.knex(`await knex.schema.alterTable('users', (t) => { t.index('a'); t.index('b'); });`)}`);
    expect(modelCallTransactions(p.parsed.statements, p.document, p.migration).info.map((i) => i.inTransaction)).toEqual([false, false]);
  });

  it("Knex by default: inside the runner's transaction", () => {
    expect(model('knex', `await knex.schema.alterTable('users', (t) => { t.index('a'); t.index('b'); });`)).toEqual([
      [true, 0],
      [true, 0],
    ]);
  });
});
