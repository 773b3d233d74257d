/**
 * Python migrations, operation by operation: each Alembic `op.*` and Django operation is
 * translated to the statements the tool itself sends (alembic ddl/, SQLAlchemy's PostgreSQL
 * compiler, Django's schema editor), operations godwit cannot read are `dynamic` calls, and the
 * findings of a translated call are the findings of the equivalent SQL, at the call.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { lintSql } from '../src/lint.js';
import { initPyParser, extractPyMigration, preparePyMigration } from '../src/sources/extract/python/index.js';
import { DjangoState, createIndexName } from '../src/sources/extract/builders/django.js';
import type { ExtractedMigration } from '../src/sources/extract/types.js';

beforeAll(async () => {
  await initParser();
  await initPyParser();
});

const ALEMBIC_HEAD = 'import sqlalchemy as sa\nfrom alembic import op\nfrom sqlalchemy.dialects import postgresql\n\nrevision = "abc"\ndown_revision = None\n\n\ndef upgrade():\n';

function alembicFile(body: string): string {
  return ALEMBIC_HEAD + body.trim().split('\n').map((l) => `    ${l}`).join('\n') + '\n';
}

/** Each call as `B: statement; statement`, `S: sql`, `D: reason`. */
function calls(m: ExtractedMigration): string[] {
  expect(m.error).toBeUndefined();
  return m.calls.map((c) => (c.kind === 'builder' ? `B: ${c.statements.join('; ')}` : c.kind === 'sql' ? `S: ${c.sql}` : c.kind === 'dynamic' ? `D: ${c.reason}` : `C: ${c.sql}`));
}

function alembic(body: string): string[] {
  return calls(extractPyMigration('versions/abc_m.py', alembicFile(body)));
}

const DJANGO_HEAD = 'import uuid\nimport django.db.models.deletion\nfrom django.conf import settings\nfrom django.db import migrations, models\nfrom django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently, AddConstraintNotValid, ValidateConstraint\n\n\n';

function djangoFile(ops: string, extra = ''): string {
  // one operation a line, each followed by a comma
  return `${DJANGO_HEAD}class Migration(migrations.Migration):\n${extra}    dependencies = []\n    operations = [\n${ops.trim().split('\n').map((l) => `        ${l},`).join('\n')}\n    ]\n`;
}

/** Run migrations of app `shop` in order on one state; the calls of the last. */
function django(...migrations: string[]): string[] {
  const state = new DjangoState();
  let m: ExtractedMigration | undefined;
  for (const ops of migrations) m = extractPyMigration('shop/migrations/0001_x.py', djangoFile(ops), { appLabel: 'shop', state });
  return calls(m!);
}

const ORDER = `migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)), ("total", models.IntegerField()), ("note", models.CharField(max_length=50, null=True))])`;

describe('Alembic operations → the SQL Alembic sends on PostgreSQL', () => {
  const cases: Array<[string, string, string[]]> = [
    ['op.create_index', 'op.create_index("ix_t_a", "t", ["a"])', ['B: CREATE INDEX ix_t_a ON t (a)']],
    ['op.create_index unique, concurrently, where, using', 'op.create_index(op.f("ix_t_ab"), "t", ["a", sa.text("lower(b)")], unique=True, postgresql_concurrently=True, postgresql_using="gin", postgresql_where=sa.text("a > 0"))', ['B: CREATE UNIQUE INDEX CONCURRENTLY ix_t_ab ON t USING gin (a, lower(b)) WHERE a > 0']],
    ['op.create_index if_not_exists, quoted names', 'op.create_index("Ix", "user", ["order"], if_not_exists=True)', ['B: CREATE INDEX IF NOT EXISTS "Ix" ON "user" ("order")']],
    ['op.drop_index', 'op.drop_index("ix_t_a", table_name="t")', ['B: DROP INDEX ix_t_a']],
    ['op.drop_index concurrently', 'op.drop_index("ix_t_a", table_name="t", postgresql_concurrently=True, if_exists=True)', ['B: DROP INDEX CONCURRENTLY IF EXISTS ix_t_a']],
    ['op.add_column', 'op.add_column("t", sa.Column("c", sa.String(length=80), nullable=False, server_default="x"))', ["B: ALTER TABLE t ADD COLUMN c VARCHAR(80) DEFAULT 'x' NOT NULL"]],
    ['op.add_column with FK, index, func default', 'op.add_column("t", sa.Column("u_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, server_default=sa.func.now()))', ['B: ALTER TABLE t ADD COLUMN u_id BIGINT DEFAULT now(); ALTER TABLE t ADD FOREIGN KEY(u_id) REFERENCES users (id) ON DELETE CASCADE; CREATE INDEX ix_t_u_id ON t (u_id)']],
    ['op.drop_column', 'op.drop_column("t", "c")', ['B: ALTER TABLE t DROP COLUMN c']],
    [
      'op.alter_column type_ (USING), nullable, server_default, new_column_name',
      'op.alter_column("t", "c", type_=postgresql.JSONB(astext_type=sa.Text()), postgresql_using="c::jsonb", nullable=False, server_default=sa.text("\'{}\'"), new_column_name="d")',
      ["B: ALTER TABLE t ALTER COLUMN c TYPE JSONB USING c::jsonb; ALTER TABLE t ALTER COLUMN c SET NOT NULL; ALTER TABLE t ALTER COLUMN c SET DEFAULT '{}'; ALTER TABLE t RENAME c TO d"],
    ],
    ['op.alter_column server_default=None', 'op.alter_column("t", "c", existing_type=sa.Integer(), nullable=True, server_default=None)', ['B: ALTER TABLE t ALTER COLUMN c DROP NOT NULL; ALTER TABLE t ALTER COLUMN c DROP DEFAULT']],
    ['op.create_foreign_key', 'op.create_foreign_key("fk_t_u", "t", "users", ["u_id"], ["id"], ondelete="SET NULL")', ['B: ALTER TABLE t ADD CONSTRAINT fk_t_u FOREIGN KEY(u_id) REFERENCES users (id) ON DELETE SET NULL']],
    ['op.create_foreign_key unnamed, NOT VALID', 'op.create_foreign_key(None, "t", "users", ["u_id"], ["id"], postgresql_not_valid=True)', ['B: ALTER TABLE t ADD FOREIGN KEY(u_id) REFERENCES users (id) NOT VALID']],
    ['op.create_unique_constraint', 'op.create_unique_constraint("uq_t_ab", "t", ["a", "b"])', ['B: ALTER TABLE t ADD CONSTRAINT uq_t_ab UNIQUE (a, b)']],
    ['op.create_check_constraint', 'op.create_check_constraint("ck_t_a", "t", "a > 0")', ['B: ALTER TABLE t ADD CONSTRAINT ck_t_a CHECK (a > 0)']],
    ['op.drop_constraint', 'op.drop_constraint("uq_t_ab", "t", type_="unique")', ['B: ALTER TABLE t DROP CONSTRAINT uq_t_ab']],
    [
      'op.create_table (SERIAL primary key, FK, unique, index)',
      'op.create_table("t", sa.Column("id", sa.Integer(), nullable=False), sa.Column("u_id", sa.Integer(), sa.ForeignKey("users.id")), sa.Column("code", sa.String(10), unique=True), sa.Column("at", sa.DateTime(timezone=True), index=True), sa.PrimaryKeyConstraint("id"))',
      ['B: CREATE TABLE t (\n\tid SERIAL NOT NULL, \n\tu_id INTEGER, \n\tcode VARCHAR(10), \n\tat TIMESTAMP WITH TIME ZONE, \n\tPRIMARY KEY (id), \n\tUNIQUE (code), \n\tFOREIGN KEY(u_id) REFERENCES users (id)\n); CREATE INDEX ix_t_at ON t (at)'],
    ],
    ['op.create_table with a native enum', 'op.create_table("t", sa.Column("s", sa.Enum("a", "b", name="status"), nullable=False))', ["B: CREATE TYPE status AS ENUM ('a', 'b'); CREATE TABLE t (\n\ts status NOT NULL\n)"]],
    ['op.drop_table', 'op.drop_table("t")', ['B: DROP TABLE t']],
    ['op.rename_table', 'op.rename_table("t", "u")', ['B: ALTER TABLE t RENAME TO u']],
    ['op.execute string', 'op.execute("UPDATE t SET a = 1")', ['S: UPDATE t SET a = 1']],
    ['op.execute text() with binds', 'op.execute(sa.text("UPDATE t SET a = :a WHERE b::text = \'x\'"))', ['S: UPDATE t SET a = __godwit_r1__ WHERE b::text = \'x\'']],
    ['op.bulk_insert', 'op.bulk_insert(sa.table("t", sa.column("a"), sa.column("b")), [{"a": 1, "b": "x"}, {"a": 2, "b": None}])', ["B: INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL)"]],
    ['bind.execute of a Core update', 't = sa.table("t", sa.column("id"), sa.column("a"))\nconn = op.get_bind()\nconn.execute(t.update().where(t.c.id == 5).values(a=None))', ['B: UPDATE t SET a=$2 WHERE t.id = $1']],
    ['bind.execute of a Core select (a read: nothing)', 't = sa.table("t", sa.column("id"))\nconn = op.get_bind()\nrows = conn.execute(t.select())', []],
    [
      'batch_alter_table: each operation on the batch table',
      'with op.batch_alter_table("t", schema=None) as batch_op:\n    batch_op.add_column(sa.Column("c", sa.Boolean(), nullable=True))\n    batch_op.create_index("ix_t_c", ["c"])\n    batch_op.alter_column("d", type_=sa.BigInteger())\n    batch_op.create_foreign_key("fk", "users", ["u_id"], ["id"])\n    batch_op.drop_constraint("old_fk", type_="foreignkey")',
      ['B: ALTER TABLE t ADD COLUMN c BOOLEAN', 'B: CREATE INDEX ix_t_c ON t (c)', 'B: ALTER TABLE t ALTER COLUMN d TYPE BIGINT', 'B: ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY(u_id) REFERENCES users (id)', 'B: ALTER TABLE t DROP CONSTRAINT old_fk'],
    ],
    ['constants and helper functions of the file', 'add_idx("t", "a")', ['B: CREATE INDEX ix_t_a ON t (a)']],
    ['the PostgreSQL branch of a dialect condition', 'if op.get_bind().dialect.name == "mysql":\n    op.drop_constraint("t_ibfk_1", "t", type_="foreignkey")\nelif op.get_bind().dialect.name == "postgresql":\n    op.drop_constraint("t_u_id_fkey", "t", type_="foreignkey")', ['B: ALTER TABLE t DROP CONSTRAINT t_u_id_fkey']],
    ['try: the body, not the handler', 'try:\n    op.drop_column("t", "a")\nexcept Exception:\n    op.drop_column("t", "b")', ['B: ALTER TABLE t DROP COLUMN a']],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => {
      const text = name.startsWith('constants') ? body : body;
      const m = extractPyMigration('versions/abc_m.py', name.startsWith('constants') ? alembicFile(text).replace('def upgrade():', 'def add_idx(table, col):\n    op.create_index(f"ix_{table}_{col}", table, [col])\n\n\ndef upgrade():') : alembicFile(text));
      expect(calls(m)).toEqual(expected);
    });
  }

  it('types as the PostgreSQL dialect compiles them', () => {
    const types: Array<[string, string]> = [
      ['sa.Integer', 'INTEGER'],
      ['sa.SmallInteger()', 'SMALLINT'],
      ['sa.BigInteger()', 'BIGINT'],
      ['sa.String()', 'VARCHAR'],
      ['sa.String(20, collation="C")', 'VARCHAR(20) COLLATE "C"'],
      ['sa.Unicode(40)', 'VARCHAR(40)'],
      ['sa.Text()', 'TEXT'],
      ['sa.UnicodeText()', 'TEXT'],
      ['sa.Boolean()', 'BOOLEAN'],
      ['sa.Numeric(10, 2)', 'NUMERIC(10, 2)'],
      ['sa.Numeric()', 'NUMERIC'],
      ['sa.Float()', 'FLOAT'],
      ['sa.Float(precision=53)', 'FLOAT(53)'],
      ['sa.Double()', 'DOUBLE PRECISION'],
      ['sa.DateTime()', 'TIMESTAMP WITHOUT TIME ZONE'],
      ['sa.DateTime(timezone=True)', 'TIMESTAMP WITH TIME ZONE'],
      ['postgresql.TIMESTAMP(timezone=True, precision=3)', 'TIMESTAMP(3) WITH TIME ZONE'],
      ['sa.Date()', 'DATE'],
      ['sa.Time()', 'TIME WITHOUT TIME ZONE'],
      ['sa.Interval()', 'INTERVAL'],
      ['sa.LargeBinary()', 'BYTEA'],
      ['sa.JSON()', 'JSON'],
      ['postgresql.JSONB(astext_type=sa.Text())', 'JSONB'],
      ['postgresql.UUID(as_uuid=True)', 'UUID'],
      ['sa.Uuid()', 'UUID'],
      ['postgresql.ARRAY(sa.String(10))', 'VARCHAR(10)[]'],
      ['postgresql.ARRAY(sa.Integer(), dimensions=2)', 'INTEGER[][]'],
      ['postgresql.INET()', 'INET'],
      ['sa.Enum("a", "bb", native_enum=False)', 'VARCHAR(2)'],
      ['postgresql.ENUM(name="mood", create_type=False)', 'mood'],
    ];
    for (const [py, sql] of types) {
      expect(alembic(`op.add_column("t", sa.Column("c", ${py}))`), py).toEqual([`B: ALTER TABLE t ADD COLUMN c ${sql}`]);
    }
    // a type of another module: named by its expression (PostgreSQL's grammar takes it as a type name)
    expect(alembic('op.add_column("t", sa.Column("c", MyType()))')).toEqual(['B: ALTER TABLE t ADD COLUMN c "MyType()"']);
  });

  it('what cannot be read is a dynamic call, with the reason', () => {
    expect(alembic('op.create_index("ix", table, ["a"])')[0]).toMatch(/^D: the table name `table` is not defined in this file/);
    expect(alembic('op.execute(sql_from_elsewhere())')[0]).toMatch(/^D: `sql_from_elsewhere\(\)` is computed at run time/);
    expect(alembic('op.add_column("t", *cols)')[0]).toMatch(/^D: the arguments of this add_column\(\) call are unpacked at run time/);
    expect(alembic('for t in ["a", "b"]:\n    op.drop_column(t, "x")')[0]).toMatch(/^D: the table name `t` cannot be read statically \(`t` is a loop variable\)/);
    expect(alembic('op.create_check_constraint("ck", "t", sa.column("a") > 5)')[0]).toMatch(/^D: the condition .* is a SQLAlchemy expression godwit does not compile/);
  });

  it('code that sends SQL godwit cannot read is a dynamic call marked as code: a helper given the connection or op, an ORM session and its writes', () => {
    const m = extractPyMigration(
      'versions/abc_m.py',
      'from myapp.helpers import backfill\nimport sqlalchemy_searchable as ss\nfrom sqlalchemy.orm import Session\n' +
        alembicFile('bind = op.get_bind()\nbackfill(bind)\nss.sync_trigger(bind, "queries", "search_vector", ["name"])\nbackfill(op, "users")\nsession = Session(bind=bind)\nsession.add(User(name="x"))\nsession.query(User).filter(User.id > 5).delete()\ninsp = sa.inspect(bind)\nt = sa.Table("users", sa.MetaData(), autoload_with=bind)'),
    );
    expect(calls(m)).toEqual([
      "D: it is given the migration's connection: the SQL `backfill` sends is not in this file",
      "D: it is given the migration's connection: the SQL `ss.sync_trigger` sends is not in this file",
      "D: it is given the migration's connection: the SQL `backfill` sends is not in this file",
      "D: an ORM session on the migration's connection: the SQL its objects send is not read",
      "D: an ORM session's add() sends SQL godwit cannot read statically",
      "D: an ORM query's delete() sends SQL godwit cannot read statically",
    ]);
    expect(m.calls.every((c) => c.kind === 'dynamic' && c.code === true)).toBe(true);
  });

  it('an ORM session\u2019s execute(sql) sends that SQL (a string is text(): `:name` binds are parameters); reads send nothing', () => {
    const m = extractPyMigration('versions/abc_m.py', 'from myapp.models import db\n' + alembicFile('db.session.execute("UPDATE widgets SET options = :o WHERE id = :id", {"o": "{}", "id": 1})\nrows = db.session.execute(sa.table("t", sa.column("id")).select())\ndb.session.commit()'));
    expect(calls(m)).toEqual(['S: UPDATE widgets SET options = __godwit_r1__ WHERE id = __godwit_r2__']);
  });

  it('op helpers that send nothing are not calls; downgrade() is not read', () => {
    const m = extractPyMigration('v/abc.py', alembicFile('bind = op.get_bind()\nname = op.f("ix")') + '\n\ndef downgrade():\n    op.drop_table("t")\n');
    expect(calls(m)).toEqual([]);
    expect(m.hasUp).toBe(true);
  });

  it('fixes: postgresql_concurrently=True inside an autocommit block; elsewhere a suggestion that moves the call into one', () => {
    const inBlock = extractPyMigration('v/abc.py', alembicFile('with op.get_context().autocommit_block():\n    op.create_index("ix", "t", ["a"])'));
    const call = inBlock.calls[0];
    expect(call.kind === 'builder' && call.fixes?.['require-concurrent-index']).toMatchObject({ text: ', postgresql_concurrently=True' });
    const plain = extractPyMigration('v/abc.py', alembicFile('op.drop_index("ix", table_name="t")'));
    const sugg = plain.calls[0].kind === 'builder' ? plain.calls[0].suggestions?.['require-concurrent-index-drop'] : undefined;
    expect(sugg?.leavesTransaction).toBe(true);
    expect(sugg?.fix.text).toBe('with op.get_context().autocommit_block():\n        op.drop_index("ix", table_name="t", postgresql_concurrently=True)');
    expect(plain.calls[0].kind === 'builder' && plain.calls[0].fixes).toBeFalsy();
  });
});

describe('Django operations → the SQL the PostgreSQL schema editor sends', () => {
  it('index names use Django’s md5 digest (names known from Django’s own apps)', () => {
    expect(createIndexName('auth_user_groups', ['user_id'])).toBe('auth_user_groups_user_id_6a12ed8b');
    expect(createIndexName('auth_permission', ['content_type_id'], '_fk_django_content_type_id')).toBe('auth_permission_content_type_id_2f476e4b_fk_django_co');
    expect(createIndexName('django_admin_log', ['content_type_id'], '_fk_django_content_type_id')).toBe('django_admin_log_content_type_id_c4bce8eb_fk_django_co');
  });

  const order = ORDER;
  const cases: Array<[string, string[], string[]]> = [
    [
      'CreateModel (identity pk, FK deferred with its index, M2M through table)',
      [
        `migrations.CreateModel(name="Tag", fields=[("id", models.AutoField(primary_key=True)), ("name", models.SlugField(unique=True))])
migrations.CreateModel(name="Item", fields=[("id", models.BigAutoField(primary_key=True)), ("owner", models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL)), ("qty", models.PositiveIntegerField(default=0)), ("tags", models.ManyToManyField(to="shop.tag"))], options={"db_table": "items"})`,
      ],
      [
        'B: CREATE TABLE "shop_tag" ("id" integer NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "name" varchar(50) NOT NULL UNIQUE)',
        'B: CREATE TABLE "items" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "owner_id" integer NOT NULL, "qty" integer NOT NULL CHECK ("qty" >= 0)); CREATE TABLE "items_tags" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "item_id" bigint NOT NULL, "tag_id" integer NOT NULL)',
        `B: CREATE INDEX "${createIndexName('shop_tag', ['name'], '_like')}" ON "shop_tag" ("name" varchar_pattern_ops)`,
        `B: ALTER TABLE "items" ADD CONSTRAINT "items_owner_id_${createIndexName('items', ['owner_id']).split('_').pop()}_fk_auth_user_id" FOREIGN KEY ("owner_id") REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED`,
        `B: CREATE INDEX "${createIndexName('items', ['owner_id'])}" ON "items" ("owner_id")`,
        `B: ALTER TABLE "items_tags" ADD CONSTRAINT "${createIndexName('items_tags', ['item_id', 'tag_id'], '_uniq')}" UNIQUE ("item_id", "tag_id")`,
        `B: ALTER TABLE "items_tags" ADD CONSTRAINT "${createIndexName('items_tags', ['item_id'], '_fk_items_id')}" FOREIGN KEY ("item_id") REFERENCES "items" ("id") DEFERRABLE INITIALLY DEFERRED`,
        `B: ALTER TABLE "items_tags" ADD CONSTRAINT "${createIndexName('items_tags', ['tag_id'], '_fk_shop_tag_id')}" FOREIGN KEY ("tag_id") REFERENCES "shop_tag" ("id") DEFERRABLE INITIALLY DEFERRED`,
        `B: CREATE INDEX "${createIndexName('items_tags', ['item_id'])}" ON "items_tags" ("item_id")`,
        `B: CREATE INDEX "${createIndexName('items_tags', ['tag_id'])}" ON "items_tags" ("tag_id")`,
      ],
    ],
    ['AddField NOT NULL with a default: DEFAULT for existing rows, then DROP DEFAULT', [order, 'migrations.AddField(model_name="order", name="status", field=models.CharField(default="new", max_length=20))'], ['B: ALTER TABLE "shop_order" ADD COLUMN "status" varchar(20) DEFAULT \'new\' NOT NULL; ALTER TABLE "shop_order" ALTER COLUMN "status" DROP DEFAULT']],
    ['AddField nullable without default', [order, 'migrations.AddField(model_name="order", name="paid_at", field=models.DateTimeField(null=True))'], ['B: ALTER TABLE "shop_order" ADD COLUMN "paid_at" timestamp with time zone NULL']],
    ['AddField NOT NULL without default', [order, 'migrations.AddField(model_name="order", name="n", field=models.IntegerField())'], ['B: ALTER TABLE "shop_order" ADD COLUMN "n" integer NOT NULL']],
    [
      'AddField ForeignKey: inline constraint, SET CONSTRAINTS IMMEDIATE, deferred index',
      [order, 'migrations.AddField(model_name="order", name="buyer", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL))'],
      [
        `B: ALTER TABLE "shop_order" ADD COLUMN "buyer_id" integer NULL CONSTRAINT "${createIndexName('shop_order', ['buyer_id'], '_fk_auth_user_id')}" REFERENCES "auth_user"("id") DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS "${createIndexName('shop_order', ['buyer_id'], '_fk_auth_user_id')}" IMMEDIATE`,
        `B: CREATE INDEX "${createIndexName('shop_order', ['buyer_id'])}" ON "shop_order" ("buyer_id")`,
      ],
    ],
    ['AlterField: type change with USING, nullability', [order, 'migrations.AlterField(model_name="order", name="total", field=models.BigIntegerField(null=True))'], ['B: ALTER TABLE "shop_order" ALTER COLUMN "total" TYPE bigint USING "total"::bigint, ALTER COLUMN "total" DROP NOT NULL']],
    ['AlterField: longer varchar (same type template, no USING)', [order, 'migrations.AlterField(model_name="order", name="note", field=models.CharField(max_length=200, null=True))'], ['B: ALTER TABLE "shop_order" ALTER COLUMN "note" TYPE varchar(200)']],
    [
      'AlterField: NULL → NOT NULL with a default (the four steps)',
      [order, 'migrations.AlterField(model_name="order", name="note", field=models.CharField(max_length=50, default="-"))'],
      ['B: ALTER TABLE "shop_order" ALTER COLUMN "note" SET DEFAULT \'-\'; UPDATE "shop_order" SET "note" = \'-\' WHERE "note" IS NULL; SET CONSTRAINTS ALL IMMEDIATE; ALTER TABLE "shop_order" ALTER COLUMN "note" SET NOT NULL; ALTER TABLE "shop_order" ALTER COLUMN "note" DROP DEFAULT'],
    ],
    [
      'AlterField: a callable default (called for each comparison, so Django sets it, fills NULLs with one value, drops it)',
      [order, 'migrations.AddField(model_name="order", name="code", field=models.UUIDField(default=uuid.uuid4, null=True))', 'migrations.AlterField(model_name="order", name="code", field=models.UUIDField(default=uuid.uuid4, unique=True))'],
      [`B: ALTER TABLE "shop_order" ALTER COLUMN "code" SET DEFAULT '00000000-0000-0000-0000-000000000000'::uuid; UPDATE "shop_order" SET "code" = '00000000-0000-0000-0000-000000000000'::uuid WHERE "code" IS NULL; SET CONSTRAINTS ALL IMMEDIATE; ALTER TABLE "shop_order" ALTER COLUMN "code" SET NOT NULL; ALTER TABLE "shop_order" ADD CONSTRAINT "${createIndexName('shop_order', ['code'], '_uniq')}" UNIQUE ("code"); ALTER TABLE "shop_order" ALTER COLUMN "code" DROP DEFAULT`],
    ],
    ['AlterField: only choices/help_text change (no SQL)', [order, 'migrations.AlterField(model_name="order", name="total", field=models.IntegerField(help_text="cents", choices=[(1, "one")]))'], ['B: ']],
    ['AlterField: db_index added', [order, 'migrations.AlterField(model_name="order", name="total", field=models.IntegerField(db_index=True))'], [`B: CREATE INDEX "${createIndexName('shop_order', ['total'])}" ON "shop_order" ("total")`]],
    ['RemoveField', [order, 'migrations.RemoveField(model_name="order", name="note")'], ['B: ALTER TABLE "shop_order" DROP COLUMN "note" CASCADE']],
    ['RenameField', [order, 'migrations.RenameField(model_name="order", old_name="note", new_name="memo")'], ['B: ALTER TABLE "shop_order" RENAME COLUMN "note" TO "memo"']],
    ['RenameModel', [order, 'migrations.RenameModel(old_name="Order", new_name="Purchase")'], ['B: ALTER TABLE "shop_order" RENAME TO "shop_purchase"']],
    ['DeleteModel', [order, 'migrations.DeleteModel(name="Order")'], ['B: DROP TABLE "shop_order" CASCADE']],
    ['AddIndex', [order, 'migrations.AddIndex(model_name="order", index=models.Index(fields=["-total", "note"], name="order_total_idx"))'], ['B: CREATE INDEX "order_total_idx" ON "shop_order" ("total" DESC, "note")']],
    ['RemoveIndex', [order, 'migrations.RemoveIndex(model_name="order", name="order_total_idx")'], ['B: DROP INDEX IF EXISTS "order_total_idx"']],
    ['AddConstraint CheckConstraint (Q compiled)', [order, 'migrations.AddConstraint(model_name="order", constraint=models.CheckConstraint(check=models.Q(total__gte=0) & models.Q(note__isnull=False), name="order_total_ck"))'], ['B: ALTER TABLE "shop_order" ADD CONSTRAINT "order_total_ck" CHECK (("total" >= 0 AND "note" IS NOT NULL))']],
    ['AddConstraint UniqueConstraint', [order, 'migrations.AddConstraint(model_name="order", constraint=models.UniqueConstraint(fields=["total", "note"], name="order_uq"))'], ['B: ALTER TABLE "shop_order" ADD CONSTRAINT "order_uq" UNIQUE ("total", "note")']],
    ['AddConstraint conditional UniqueConstraint (a unique index)', [order, 'migrations.AddConstraint(model_name="order", constraint=models.UniqueConstraint(fields=["note"], condition=models.Q(total__gt=0), name="order_note_uq"))'], ['B: CREATE UNIQUE INDEX "order_note_uq" ON "shop_order" ("note") WHERE "total" > 0']],
    ['RemoveConstraint', [order, 'migrations.AddConstraint(model_name="order", constraint=models.UniqueConstraint(fields=["note"], name="order_uq"))', 'migrations.RemoveConstraint(model_name="order", name="order_uq")'], ['B: ALTER TABLE "shop_order" DROP CONSTRAINT "order_uq"']],
    ['RunSQL string', [order, 'migrations.RunSQL("UPDATE shop_order SET total = 0", reverse_sql="")'], ['S: UPDATE shop_order SET total = 0']],
    ['RunSQL list (each item its own query)', [order, 'migrations.RunSQL(["SET lock_timeout = \'1s\'", ("UPDATE shop_order SET total = %s", [0])])'], ["S: SET lock_timeout = '1s'", 'S: UPDATE shop_order SET total = %s']],
    ['AddIndexConcurrently', [order, 'AddIndexConcurrently(model_name="order", index=models.Index(fields=["note"], name="order_note_idx"))'], ['B: CREATE INDEX CONCURRENTLY "order_note_idx" ON "shop_order" ("note")']],
    ['RemoveIndexConcurrently', [order, 'RemoveIndexConcurrently(model_name="order", name="order_note_idx")'], ['B: DROP INDEX CONCURRENTLY IF EXISTS "order_note_idx"']],
    ['AddConstraintNotValid', [order, 'AddConstraintNotValid(model_name="order", constraint=models.CheckConstraint(check=models.Q(total__gte=0), name="ck"))'], ['B: ALTER TABLE "shop_order" ADD CONSTRAINT "ck" CHECK ("total" >= 0) NOT VALID']],
    ['ValidateConstraint', [order, 'ValidateConstraint(model_name="order", name="ck")'], ['B: ALTER TABLE "shop_order" VALIDATE CONSTRAINT "ck"']],
    ['SeparateDatabaseAndState: only the database operations run', [order, 'migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField(model_name="order", name="note")], database_operations=[migrations.RunSQL("ALTER TABLE shop_order ALTER COLUMN note DROP NOT NULL")])'], ['S: ALTER TABLE shop_order ALTER COLUMN note DROP NOT NULL']],
  ];
  for (const [name, migrations, expected] of cases) {
    it(name, () => {
      expect(django(...migrations)).toEqual(expected);
    });
  }

  it('long names are shortened the way Django does it', () => {
    // over 63 characters: the digest and suffix cut to 63 // 3 = 21, table and columns to (63 - 21) // 2 - 1 = 20
    const name = createIndexName('a_very_long_application_label_with_a_long_model_name', ['a_rather_long_foreign_key_column_id'], '_fk_another_long_table_name_id');
    expect(name).toBe('a_very_long_applicat_a_rather_long_foreig_3bfbee94_fk_another_l');
  });

  it('what cannot be read is a dynamic call, with the reason', () => {
    expect(django(order, 'migrations.AddField(model_name="order", name="x", field=custom_field())')[0]).toMatch(/^D: `custom_field` is not a field type godwit knows/);
    expect(django('migrations.AlterField(model_name="missing", name="x", field=models.IntegerField())')[0]).toMatch(/^D: the model shop\.missing is not created by an earlier migration/);
    expect(django(order, 'migrations.RunPython(forwards)')[0]).toMatch(/^D: RunPython runs Python code godwit cannot see/);
    expect(django(order, 'migrations.RunPython(migrations.RunPython.noop)')).toEqual(['B: ']);
    expect(django(order, 'migrations.RunSQL(sql_from_file())')[0]).toMatch(/^D: the SQL .* of RunSQL cannot be read statically/);
  });
});

describe('findings of a translated call are the findings of its SQL, at the call', () => {
  function lintPy(path: string, text: string, state?: DjangoState) {
    return preparePyMigration(path, text, state ? { appLabel: 'shop', state } : {}).lint({}).result.messages;
  }

  it('Alembic: each operation reports what its SQL reports, at the call’s line and column', () => {
    const ops = [
      'op.create_index("ix_t_a", "t", ["a"])',
      'op.add_column("t", sa.Column("c", sa.Integer(), nullable=False))',
      'op.alter_column("t", "a", nullable=False)',
      'op.alter_column("t", "a", type_=sa.BigInteger())',
      'op.create_foreign_key("fk", "t", "u", ["u_id"], ["id"])',
      'op.create_check_constraint("ck", "t", "a > 0")',
      'op.create_unique_constraint("uq", "t", ["a"])',
      'op.drop_column("t", "a")',
      'op.drop_table("t")',
      'op.rename_table("t", "u")',
      'op.alter_column("t", "a", new_column_name="b")',
      'op.drop_index("ix_t_a", table_name="t")',
      'op.drop_constraint("uq", "t")',
    ];
    for (const op of ops) {
      const text = alembicFile(op);
      const m = extractPyMigration('v/abc.py', text);
      const c = m.calls[0];
      expect(c.kind, op).toBe('builder');
      const statements = c.kind === 'builder' ? c.statements : [];
      const sqlRules = lintSql(`${statements.join(';\n')};`, 'x.sql', { transaction: 'all' }).messages.map((x) => x.ruleId).sort();
      const py = lintPy('v/abc.py', text);
      expect(py.map((x) => x.ruleId).sort(), op).toEqual(sqlRules);
      expect(sqlRules.length, op).toBeGreaterThan(0);
      const line = text.split('\n').findIndex((l) => l.includes(op)) + 1;
      for (const f of py) expect([f.line, f.column, f.endLine], op).toEqual([line, 5, line]);
    }
  });

  it('tables created earlier in the same migration are new (no false alarm)', () => {
    const text = alembicFile('op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("a", sa.Integer()))\nop.create_index("ix_t_a", "t", ["a"])\nop.add_column("t", sa.Column("c", sa.Integer(), nullable=False))\nop.create_foreign_key("fk", "t", "t", ["a"], ["id"])');
    expect(lintPy('v/abc.py', text).map((m) => m.ruleId)).toEqual([]);
    const state = new DjangoState();
    const dj = djangoFile(`${ORDER}\nmigrations.AddField(model_name="order", name="n", field=models.IntegerField())\nmigrations.AddIndex(model_name="order", index=models.Index(fields=["n"], name="order_n_idx"))`);
    expect(lintPy('shop/migrations/0001_initial.py', dj, state).map((m) => m.ruleId)).toEqual([]);
  });

  it('Django: a NOT NULL column without default and an index on an existing table are reported at the operation', () => {
    const state = new DjangoState();
    extractPyMigration('shop/migrations/0001_initial.py', djangoFile(ORDER), { appLabel: 'shop', state });
    const text = djangoFile('migrations.AddField(model_name="order", name="n", field=models.IntegerField())\nmigrations.AddIndex(model_name="order", index=models.Index(fields=["total"], name="order_total_idx"))');
    const found = lintPy('shop/migrations/0002_x.py', text, state).filter((m) => m.ruleId !== 'require-lock-timeout');
    const line = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(found.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual([`${line('AddField')}:9 no-add-column-not-null`, `${line('migrations.AddIndex(')}:9 no-slow-op-under-lock`, `${line('migrations.AddIndex(')}:9 require-concurrent-index`]);
    expect(found.find((m) => m.ruleId === 'require-concurrent-index')!.message).toContain('Django: create the index with django.contrib.postgres.operations.AddIndexConcurrently in a migration with `atomic = False`');
  });
});
