/**
 * The analysis layer: transaction model, volatility, the lock table, catalog replay and
 * column types. Lock facts follow PostgreSQL's docs ("Explicit Locking", "ALTER TABLE").
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser } from '../src/lint.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import { modelTransactions, txControl, type TransactionMode } from '../src/analysis/transactions.js';
import { expressionVolatility, isVolatile } from '../src/analysis/volatility.js';
import { locksOf, primaryLock, addColumnRewrites } from '../src/analysis/locks.js';
import { blockedBy, describeLock, type Lock } from '../src/analysis/lock-types.js';
import { Catalog } from '../src/analysis/catalog.js';
import { typeFromNode, isBinaryCoercible, typeToString, type ColumnType } from '../src/analysis/types.js';

beforeAll(() => initParser());

function stmts(sql: string): Statement[] {
  const s = parseFile('x.sql', sql).statements;
  expect(s.filter((x) => x.kind === 'SyntaxError').map((x) => x.error?.message)).toEqual([]);
  return s;
}

// ---------------------------------------------------------------------------------------------
describe('transactions', () => {
  const model = (sql: string, mode: TransactionMode) => modelTransactions(stmts(sql), mode);

  it('none: autocommit unless BEGIN opens a block', () => {
    const m = model('SELECT 1; BEGIN; SELECT 2; SELECT 3; COMMIT; SELECT 4;', 'none');
    expect(m.info.map((i) => i.inTransaction)).toEqual([false, false, true, true, true, false]);
    expect(m.info.map((i) => i.id)).toEqual([null, 0, 0, 0, 0, null]);
    expect(m.info[2].explicit).toBe(true);
    expect(m.info[4].closes).toBe(0);
    expect(m.unclosedBegin).toBeNull();
  });

  it('none: two blocks get two ids; START TRANSACTION, END and ROLLBACK count', () => {
    const m = model('BEGIN; SELECT 1; END; START TRANSACTION; SELECT 2; ROLLBACK; SELECT 3;', 'none');
    expect(m.info.map((i) => i.id)).toEqual([0, 0, 0, 1, 1, 1, null]);
    expect(m.info[5].closes).toBe(1);
    expect(m.info[6].inTransaction).toBe(false);
  });

  it('file: the runner wraps every statement in one transaction', () => {
    const m = model('SELECT 1; SELECT 2;', 'file');
    expect(m.info).toEqual([
      { inTransaction: true, id: 0, explicit: false },
      { inTransaction: true, id: 0, explicit: false },
    ]);
  });

  it('all behaves as file for one file', () => {
    expect(model('SELECT 1; SELECT 2;', 'all').info.map((i) => [i.inTransaction, i.id])).toEqual([
      [true, 0],
      [true, 0],
    ]);
  });

  it('file: BEGIN inside the runner transaction is nested', () => {
    const m = model('SELECT 1; BEGIN; SELECT 2;', 'file');
    expect(m.info[1]).toMatchObject({ nested: true, inTransaction: true, id: 0 });
    expect(m.unclosedBegin).toBeNull(); // the runner commits it
  });

  it('none: BEGIN inside BEGIN is nested', () => {
    const m = model('BEGIN; BEGIN; COMMIT;', 'none');
    expect(m.info[0].nested).toBeUndefined();
    expect(m.info[1].nested).toBe(true);
  });

  it('file: an explicit COMMIT ends the runner transaction; the rest is autocommit until the next BEGIN', () => {
    const m = model('SELECT 1; COMMIT; SELECT 2; BEGIN; SELECT 3; COMMIT;', 'file');
    expect(m.info.map((i) => i.inTransaction)).toEqual([true, true, false, false, true, true]);
    expect(m.info.map((i) => i.id)).toEqual([0, 0, null, 1, 1, 1]);
    expect(m.info[4].explicit).toBe(true);
  });

  it('reports an unclosed BEGIN by its statement index', () => {
    expect(model('SELECT 1; BEGIN; SELECT 2;', 'none').unclosedBegin).toBe(1);
    expect(model('BEGIN; COMMIT; BEGIN;', 'none').unclosedBegin).toBe(2);
  });

  it('a COMMIT with nothing open closes nothing', () => {
    const m = model('COMMIT; SELECT 1;', 'none');
    expect(m.info[0]).toMatchObject({ inTransaction: false, id: null, closes: null });
  });

  it('COMMIT AND CHAIN starts the next transaction at once', () => {
    const m = model('BEGIN; SELECT 1; COMMIT AND CHAIN; SELECT 2; COMMIT; SELECT 3;', 'none');
    expect(m.info.map((i) => i.inTransaction)).toEqual([false, true, true, true, true, false]);
    expect(m.info.map((i) => i.id)).toEqual([0, 0, 0, 1, 1, null]);
    expect(m.info[3].explicit).toBe(true);
    expect(model('BEGIN; COMMIT AND CHAIN;', 'none').unclosedBegin).not.toBeNull();
  });

  it('classifies transaction control statements', () => {
    const s = stmts('BEGIN; SAVEPOINT a; RELEASE a; ROLLBACK TO a; COMMIT; ROLLBACK; SELECT 1;');
    expect(s.map(txControl)).toEqual(['begin', 'savepoint', 'savepoint', 'savepoint', 'commit', 'rollback', null]);
  });

  it('savepoints do not open or close a block', () => {
    const m = model('BEGIN; SAVEPOINT a; SELECT 1; ROLLBACK TO SAVEPOINT a; SELECT 2; COMMIT;', 'none');
    expect(m.info.map((i) => i.id)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('volatility', () => {
  /** The DEFAULT expression of `ADD COLUMN c … DEFAULT <expr>`. */
  function defaultExpr(expr: string): unknown {
    const [s] = stmts(`ALTER TABLE t ADD COLUMN c text DEFAULT ${expr}`);
    const def = s.body.cmds[0].AlterTableCmd.def.ColumnDef;
    const con = def.constraints.find((c: any) => c.Constraint.contype === 'CONSTR_DEFAULT');
    return con.Constraint.raw_expr;
  }

  for (const e of ['random()', 'gen_random_uuid()', 'clock_timestamp()', "nextval('s')", "nextval('s'::regclass)", 'gen_random_uuid()::text', "md5(random()::text)", 'public.uuid_generate_v4()', '(SELECT max(id) FROM t)']) {
    it(`${e} is volatile`, () => {
      expect(expressionVolatility(defaultExpr(e))).toBe('volatile');
      expect(isVolatile(defaultExpr(e))).toBe(true);
    });
  }
  for (const e of ['now()', 'CURRENT_TIMESTAMP', 'CURRENT_DATE', 'statement_timestamp()', "now() + interval '1 day'"]) {
    it(`${e} is stable`, () => {
      expect(expressionVolatility(defaultExpr(e))).toBe('stable');
      expect(isVolatile(defaultExpr(e))).toBe(false);
    });
  }
  for (const e of ["'x'", '1', "lower('a')", "'{}'::jsonb", 'true', "coalesce(NULL, 'a')", "jsonb_build_object('a', 1)", 'ARRAY[1, 2]']) {
    it(`${e} is immutable`, () => {
      expect(expressionVolatility(defaultExpr(e))).toBe('immutable');
    });
  }
  it('an unknown user function is unknown (not claimed volatile)', () => {
    expect(expressionVolatility(defaultExpr('my_func()'))).toBe('unknown');
  });
});

// ---------------------------------------------------------------------------------------------
const SCHEMA = `
  CREATE TABLE orgs (id bigint PRIMARY KEY);
  CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50), name text, org_id bigint, n numeric(10,2), ip cidr);
  CREATE INDEX users_email_idx ON users (email);
  CREATE UNIQUE INDEX users_id_idx ON users (id);
  CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);
  CREATE TABLE events_2024 (id bigint, at timestamptz);
  CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;
`;

/** Replay `history` (+ all but the last statement of `sql`) into a catalog, then lock the last statement. */
function locks(sql: string, pgVersion = 15, history = SCHEMA): Lock[] {
  const catalog = new Catalog();
  for (const s of stmts(history)) catalog.apply(s);
  catalog.sealAsHistory();
  catalog.origin = 'file';
  const file = stmts(sql);
  for (const s of file.slice(0, -1)) catalog.apply(s);
  return locksOf(file[file.length - 1], { pgVersion, catalog });
}
function main(sql: string, pgVersion = 15, history = SCHEMA): Pick<Lock, 'table' | 'mode' | 'duration'> {
  const l = primaryLock(locks(sql, pgVersion, history));
  expect(l, sql).toBeDefined();
  return { table: l!.table, mode: l!.mode, duration: l!.duration };
}
const lockOn = (sql: string, table: string, pgVersion = 15): Pick<Lock, 'mode' | 'duration'> | undefined => {
  const l = locks(sql, pgVersion).find((x) => x.table === table);
  return l && { mode: l.mode, duration: l.duration };
};

describe('locks: statement kinds', () => {
  type Row = [sql: string, pg: number, table: string, mode: Lock['mode'], duration: Lock['duration']];
  const table: Row[] = [
    ['CREATE INDEX i ON users (name)', 15, 'users', 'SHARE', 'long'],
    ['CREATE UNIQUE INDEX i ON users (name)', 15, 'users', 'SHARE', 'long'],
    ['CREATE INDEX CONCURRENTLY i ON users (name)', 15, 'users', 'SHARE UPDATE EXCLUSIVE', 'long'],
    ['DROP INDEX users_email_idx', 15, 'users', 'ACCESS EXCLUSIVE', 'instant'],
    ['DROP INDEX CONCURRENTLY users_email_idx', 15, 'users', 'SHARE UPDATE EXCLUSIVE', 'instant'],
    ['REINDEX TABLE users', 15, 'users', 'SHARE', 'long'],
    ['REINDEX INDEX users_email_idx', 15, 'users_email_idx', 'ACCESS EXCLUSIVE', 'long'],
    ['REINDEX TABLE CONCURRENTLY users', 15, 'users', 'SHARE UPDATE EXCLUSIVE', 'long'],
    ['REINDEX (CONCURRENTLY) INDEX users_email_idx', 15, 'users_email_idx', 'SHARE UPDATE EXCLUSIVE', 'long'],
    ['REFRESH MATERIALIZED VIEW mv', 15, 'mv', 'ACCESS EXCLUSIVE', 'long'],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY mv', 15, 'mv', 'EXCLUSIVE', 'long'],
    ['TRUNCATE users', 15, 'users', 'ACCESS EXCLUSIVE', 'instant'],
    ['VACUUM FULL users', 15, 'users', 'ACCESS EXCLUSIVE', 'rewrite'],
    ['VACUUM (FULL, ANALYZE) users', 15, 'users', 'ACCESS EXCLUSIVE', 'rewrite'],
    ['VACUUM users', 15, 'users', 'SHARE UPDATE EXCLUSIVE', 'long'],
    ['ANALYZE users', 15, 'users', 'SHARE UPDATE EXCLUSIVE', 'long'],
    ['CLUSTER users USING users_email_idx', 15, 'users', 'ACCESS EXCLUSIVE', 'rewrite'],
    ['UPDATE users SET name = 1', 15, 'users', 'ROW EXCLUSIVE', 'long'],
    ['DELETE FROM users WHERE id = 1', 15, 'users', 'ROW EXCLUSIVE', 'long'],
    ["INSERT INTO users (id) VALUES (1)", 15, 'users', 'ROW EXCLUSIVE', 'instant'],
    ['INSERT INTO users (id) SELECT id FROM orgs', 15, 'users', 'ROW EXCLUSIVE', 'long'],
    ['CREATE TRIGGER trg BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f()', 15, 'users', 'SHARE ROW EXCLUSIVE', 'instant'],
    ['LOCK TABLE users', 15, 'users', 'ACCESS EXCLUSIVE', 'long'],
    ['LOCK TABLE users IN SHARE MODE', 15, 'users', 'SHARE', 'long'],
    ['LOCK TABLE users IN ROW EXCLUSIVE MODE', 15, 'users', 'ROW EXCLUSIVE', 'long'],
    ['DROP TABLE users', 15, 'users', 'ACCESS EXCLUSIVE', 'instant'],
    ['ALTER TABLE users RENAME TO people', 15, 'users', 'ACCESS EXCLUSIVE', 'instant'],
    ['ALTER TABLE users RENAME COLUMN name TO full_name', 15, 'users', 'ACCESS EXCLUSIVE', 'instant'],
    ['ALTER TABLE users RENAME CONSTRAINT users_pkey TO users_pk', 15, 'users', 'ACCESS EXCLUSIVE', 'instant'],
    // PG 12 lowered ALTER INDEX RENAME to SHARE UPDATE EXCLUSIVE (commit 1b5d797cd4f); the lock is on
    // the index, not its table (pg_locks in test/trace-locks.test.ts)
    ['ALTER INDEX users_email_idx RENAME TO users_email_i', 12, 'users_email_idx', 'SHARE UPDATE EXCLUSIVE', 'instant'],
    ['ALTER INDEX users_email_idx RENAME TO users_email_i', 11, 'users_email_idx', 'ACCESS EXCLUSIVE', 'instant'],
    ['ALTER INDEX users_email_idx SET TABLESPACE fast', 15, 'users_email_idx', 'ACCESS EXCLUSIVE', 'rewrite'],
  ];
  for (const [sql, pg, t, mode, duration] of table) {
    it(`PG ${pg}: ${sql} → ${mode} on ${t}, ${duration}`, () => {
      expect(main(sql, pg)).toEqual({ table: t, mode, duration });
    });
  }

  it('DROP INDEX of an index the catalog does not know names the index', () => {
    expect(main('DROP INDEX unknown_idx')).toEqual({ table: 'unknown_idx', mode: 'ACCESS EXCLUSIVE', duration: 'instant' });
  });

  it('TRUNCATE of two tables locks both', () => {
    expect(locks('TRUNCATE users, orgs').map((l) => [l.table, l.mode])).toEqual([
      ['users', 'ACCESS EXCLUSIVE'],
      ['orgs', 'ACCESS EXCLUSIVE'],
    ]);
  });

  it('UPDATE/DELETE row locks block writes (only)', () => {
    expect(locks('UPDATE users SET name = 1')[0].blocks).toEqual(['writes']);
    expect(locks('DELETE FROM users')[0].blocks).toEqual(['writes']);
  });

  it('CREATE TABLE with a foreign key locks the referenced table', () => {
    expect(lockOn('CREATE TABLE posts (id bigint, org_id bigint REFERENCES orgs (id))', 'orgs')).toEqual({ mode: 'SHARE ROW EXCLUSIVE', duration: 'instant' });
  });

  it('CREATE TABLE … PARTITION OF locks the parent', () => {
    expect(lockOn("CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')", 'events')).toEqual({
      mode: 'ACCESS EXCLUSIVE',
      duration: 'instant',
    });
  });

  it('a plain SELECT or CREATE TABLE takes no lock on an existing table', () => {
    expect(locks('SELECT * FROM users')).toEqual([]);
    expect(locks('CREATE TABLE fresh (id int)')).toEqual([]);
  });
});

describe('locks: ALTER TABLE', () => {
  type Row = [sql: string, pg: number, mode: Lock['mode'], duration: Lock['duration']];
  const AE = 'ACCESS EXCLUSIVE' as const;
  const table: Row[] = [
    // ADD COLUMN: PG 11 stores a non-volatile default as the missing value
    ['ALTER TABLE users ADD COLUMN c int', 15, AE, 'instant'],
    ['ALTER TABLE users ADD COLUMN c int DEFAULT 0', 10, AE, 'rewrite'],
    ['ALTER TABLE users ADD COLUMN c int DEFAULT 0', 11, AE, 'instant'],
    ['ALTER TABLE users ADD COLUMN c int NOT NULL DEFAULT 0', 11, AE, 'instant'],
    ["ALTER TABLE users ADD COLUMN c timestamptz DEFAULT now()", 11, AE, 'instant'],
    ['ALTER TABLE users ADD COLUMN c uuid DEFAULT gen_random_uuid()', 15, AE, 'rewrite'],
    ['ALTER TABLE users ADD COLUMN c float8 DEFAULT random()', 15, AE, 'rewrite'],
    ['ALTER TABLE users ADD COLUMN c timestamptz DEFAULT clock_timestamp()', 15, AE, 'rewrite'],
    ['ALTER TABLE users ADD COLUMN c bigserial', 15, AE, 'rewrite'],
    ['ALTER TABLE users ADD COLUMN c bigint GENERATED ALWAYS AS IDENTITY', 15, AE, 'rewrite'],
    ['ALTER TABLE users ADD COLUMN c bigint GENERATED ALWAYS AS (id * 2) STORED', 15, AE, 'rewrite'],
    ['ALTER TABLE users ADD COLUMN c bigint GENERATED ALWAYS AS (id * 2) STORED', 18, AE, 'rewrite'],
    ['ALTER TABLE users ADD COLUMN c bigint GENERATED ALWAYS AS (id * 2)', 18, AE, 'instant'],
    ['ALTER TABLE users ADD COLUMN c bigint GENERATED ALWAYS AS (id * 2) VIRTUAL', 18, AE, 'instant'],
    ['ALTER TABLE users ADD COLUMN c int CHECK (c > 0)', 15, AE, 'scan'],
    ['ALTER TABLE users ADD COLUMN c int UNIQUE', 15, AE, 'long'],
    // SET NOT NULL scans unless proven
    ['ALTER TABLE users ALTER COLUMN name SET NOT NULL', 15, AE, 'scan'],
    ['ALTER TABLE users ALTER COLUMN id SET NOT NULL', 15, AE, 'instant'], // the primary key is already NOT NULL
    // constraints
    ['ALTER TABLE users ADD CONSTRAINT c CHECK (name <> \'\')', 15, AE, 'scan'],
    ['ALTER TABLE users ADD CONSTRAINT c CHECK (name <> \'\') NOT VALID', 15, AE, 'instant'],
    ['ALTER TABLE users ADD CONSTRAINT u UNIQUE (email)', 15, AE, 'long'],
    ['ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX users_email_idx', 15, AE, 'instant'],
    // PRIMARY KEY USING INDEX must prove its columns NOT NULL: a scan unless they already are
    ['ALTER TABLE users ADD CONSTRAINT pk2 PRIMARY KEY USING INDEX users_email_idx', 15, AE, 'scan'],
    ['ALTER TABLE users ADD CONSTRAINT pk2 PRIMARY KEY USING INDEX users_id_idx', 15, AE, 'instant'],
    ['ALTER TABLE users ADD CONSTRAINT x EXCLUDE USING gist (id WITH =)', 15, AE, 'long'],
    ['ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id)', 15, 'SHARE ROW EXCLUSIVE', 'scan'],
    ['ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID', 15, 'SHARE ROW EXCLUSIVE', 'instant'],
    ['ALTER TABLE users VALIDATE CONSTRAINT fk', 15, 'SHARE UPDATE EXCLUSIVE', 'scan'],
    ['ALTER TABLE users DROP CONSTRAINT fk', 15, AE, 'instant'],
    // column type
    ['ALTER TABLE users ALTER COLUMN email TYPE varchar(100)', 15, AE, 'instant'],
    ['ALTER TABLE users ALTER COLUMN email TYPE text', 15, AE, 'instant'],
    ['ALTER TABLE users ALTER COLUMN email TYPE varchar(20)', 15, AE, 'rewrite'],
    ['ALTER TABLE users ALTER COLUMN email TYPE varchar(100) USING lower(email)', 15, AE, 'rewrite'],
    ['ALTER TABLE users ALTER COLUMN n TYPE numeric(12,2)', 15, AE, 'instant'],
    ['ALTER TABLE users ALTER COLUMN n TYPE numeric(12,3)', 15, AE, 'rewrite'],
    ['ALTER TABLE users ALTER COLUMN ip TYPE inet', 15, AE, 'instant'],
    ['ALTER TABLE users ALTER COLUMN id TYPE int', 15, AE, 'rewrite'],
    ['ALTER TABLE users ALTER COLUMN name TYPE varchar(10)', 15, AE, 'rewrite'],
    // rewrites
    ['ALTER TABLE users SET TABLESPACE fast', 15, AE, 'rewrite'],
    // users is a logged table: SET LOGGED does nothing (pg_class.relfilenode unchanged, test/trace-locks.test.ts)
    ['ALTER TABLE users SET LOGGED', 15, AE, 'instant'],
    ['ALTER TABLE users SET UNLOGGED', 15, AE, 'rewrite'],
    ['ALTER TABLE users ALTER COLUMN c SET EXPRESSION AS (id * 3)', 17, AE, 'rewrite'],
    // DROP EXPRESSION keeps the stored values: catalog-only
    ['ALTER TABLE users ALTER COLUMN c DROP EXPRESSION', 15, AE, 'instant'],
    // catalog-only
    ['ALTER TABLE users DROP COLUMN name', 15, AE, 'instant'],
    ['ALTER TABLE users ALTER COLUMN name SET DEFAULT \'x\'', 15, AE, 'instant'],
    ['ALTER TABLE users ALTER COLUMN name DROP NOT NULL', 15, AE, 'instant'],
    ['ALTER TABLE users ALTER COLUMN name SET STATISTICS 500', 15, 'SHARE UPDATE EXCLUSIVE', 'instant'],
    ['ALTER TABLE users SET (fillfactor = 70)', 15, 'SHARE UPDATE EXCLUSIVE', 'instant'],
    ['ALTER TABLE users DISABLE TRIGGER ALL', 15, 'SHARE ROW EXCLUSIVE', 'instant'],
    ['ALTER TABLE users ENABLE TRIGGER trg', 15, 'SHARE ROW EXCLUSIVE', 'instant'],
  ];
  for (const [sql, pg, mode, duration] of table) {
    it(`PG ${pg}: ${sql} → ${mode}, ${duration}`, () => {
      expect(main(sql, pg)).toEqual({ table: 'users', mode, duration });
    });
  }

  it('several subcommands merge into the strongest mode and the longest duration', () => {
    expect(main('ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID, ALTER COLUMN email TYPE varchar(10)')).toEqual({
      table: 'users',
      mode: 'ACCESS EXCLUSIVE',
      duration: 'rewrite',
    });
  });

  it('ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables and scans; NOT VALID does not', () => {
    const sql = 'ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id)';
    expect(lockOn(sql, 'users')).toEqual({ mode: 'SHARE ROW EXCLUSIVE', duration: 'scan' });
    expect(lockOn(sql, 'orgs')).toEqual({ mode: 'SHARE ROW EXCLUSIVE', duration: 'scan' });
    expect(lockOn(`${sql} NOT VALID`, 'orgs')).toEqual({ mode: 'SHARE ROW EXCLUSIVE', duration: 'instant' });
    expect(lockOn('ALTER TABLE users ADD COLUMN o bigint REFERENCES orgs (id)', 'orgs')).toEqual({ mode: 'SHARE ROW EXCLUSIVE', duration: 'instant' });
  });

  it('ALTER COLUMN TYPE rewrites when the catalog does not know the column', () => {
    expect(main('ALTER TABLE users ALTER COLUMN email TYPE varchar(100)', 15, '')).toEqual({ table: 'users', mode: 'ACCESS EXCLUSIVE', duration: 'rewrite' });
    expect(main('ALTER TABLE ghosts ALTER COLUMN email TYPE text')).toMatchObject({ duration: 'rewrite' });
  });

  it('ALTER COLUMN TYPE follows earlier type changes in the same file', () => {
    expect(main('ALTER TABLE users ALTER COLUMN email TYPE varchar(200); ALTER TABLE users ALTER COLUMN email TYPE varchar(100)')).toMatchObject({ duration: 'rewrite' });
  });

  describe('SET NOT NULL with a validated CHECK (col IS NOT NULL)', () => {
    const proof = 'ALTER TABLE users ADD CONSTRAINT name_nn CHECK (name IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT name_nn;';
    const setNotNull = 'ALTER TABLE users ALTER COLUMN name SET NOT NULL';

    it('is instant on PG 12', () => {
      expect(main(`${proof} ${setNotNull}`, 12)).toMatchObject({ mode: 'ACCESS EXCLUSIVE', duration: 'instant' });
    });
    it('still scans on PG 11', () => {
      expect(main(`${proof} ${setNotNull}`, 11)).toMatchObject({ duration: 'scan' });
    });
    it('scans while the CHECK is NOT VALID', () => {
      expect(main(`ALTER TABLE users ADD CONSTRAINT name_nn CHECK (name IS NOT NULL) NOT VALID; ${setNotNull}`, 15)).toMatchObject({ duration: 'scan' });
    });
    it('counts a CHECK created valid, including one AND-ed with other conditions', () => {
      expect(main(`ALTER TABLE users ADD CONSTRAINT name_nn CHECK (name IS NOT NULL AND name <> ''); ${setNotNull}`, 15)).toMatchObject({ duration: 'instant' });
    });
    it('finds an unnamed CHECK by the name PostgreSQL gives it (users_name_check)', () => {
      const sql = `ALTER TABLE users ADD CHECK (name IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT users_name_check; ${setNotNull}`;
      expect(main(sql, 15)).toMatchObject({ duration: 'instant' });
    });
    it('follows the column through a rename', () => {
      const sql = `${proof} ALTER TABLE users RENAME COLUMN name TO full_name; ALTER TABLE users ALTER COLUMN full_name SET NOT NULL`;
      expect(main(sql, 15)).toMatchObject({ duration: 'instant' });
    });
    it('does not count a CHECK on another column', () => {
      expect(main(`ALTER TABLE users ADD CONSTRAINT e_nn CHECK (email IS NOT NULL); ${setNotNull}`, 15)).toMatchObject({ duration: 'scan' });
    });
  });

  describe('PG 18 NOT NULL constraints', () => {
    it('ADD CONSTRAINT … NOT NULL scans, NOT VALID does not', () => {
      expect(main('ALTER TABLE users ADD CONSTRAINT name_nn NOT NULL name', 18)).toMatchObject({ mode: 'ACCESS EXCLUSIVE', duration: 'scan' });
      expect(main('ALTER TABLE users ADD CONSTRAINT name_nn NOT NULL name NOT VALID', 18)).toMatchObject({ duration: 'instant' });
    });
    it('a validated NOT NULL … NOT VALID makes SET NOT NULL instant', () => {
      const sql = 'ALTER TABLE users ADD CONSTRAINT name_nn NOT NULL name NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT name_nn; ALTER TABLE users ALTER COLUMN name SET NOT NULL';
      expect(main(sql, 18)).toMatchObject({ duration: 'instant' });
    });
  });

  describe('partitions', () => {
    const attach = "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')";
    it('ATTACH takes SHARE UPDATE EXCLUSIVE on the parent from PG 12 (ACCESS EXCLUSIVE before) and scans the partition', () => {
      expect(lockOn(attach, 'events', 12)).toEqual({ mode: 'SHARE UPDATE EXCLUSIVE', duration: 'instant' });
      expect(lockOn(attach, 'events', 11)).toEqual({ mode: 'ACCESS EXCLUSIVE', duration: 'instant' });
      expect(lockOn(attach, 'events_2024', 15)).toEqual({ mode: 'ACCESS EXCLUSIVE', duration: 'scan' });
    });
    it('DETACH takes ACCESS EXCLUSIVE on the parent; CONCURRENTLY (PG 14) SHARE UPDATE EXCLUSIVE', () => {
      expect(lockOn('ALTER TABLE events DETACH PARTITION events_2024', 'events', 15)).toEqual({ mode: 'ACCESS EXCLUSIVE', duration: 'instant' });
      expect(lockOn('ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY', 'events', 14)).toEqual({ mode: 'SHARE UPDATE EXCLUSIVE', duration: 'instant' });
      expect(lockOn('ALTER TABLE events DETACH PARTITION events_2024 FINALIZE', 'events', 14)).toEqual({ mode: 'SHARE UPDATE EXCLUSIVE', duration: 'instant' });
    });
  });

  it('addColumnRewrites agrees with the lock table', () => {
    const def = (sql: string): unknown => stmts(sql)[0].body.cmds[0].AlterTableCmd.def.ColumnDef;
    expect(addColumnRewrites(def('ALTER TABLE t ADD COLUMN c int DEFAULT 1'), 10)).toBe(true);
    expect(addColumnRewrites(def('ALTER TABLE t ADD COLUMN c int DEFAULT 1'), 11)).toBe(false);
    expect(addColumnRewrites(def('ALTER TABLE t ADD COLUMN c int'), 10)).toBe(false);
    expect(addColumnRewrites(def('ALTER TABLE t ADD COLUMN c serial'), 15)).toBe(true);
  });
});

describe('lock types', () => {
  it('knows what each mode blocks', () => {
    expect(blockedBy('ACCESS EXCLUSIVE')).toEqual(['reads', 'writes', 'ddl']);
    expect(blockedBy('EXCLUSIVE')).toEqual(['writes', 'ddl']);
    expect(blockedBy('SHARE ROW EXCLUSIVE')).toEqual(['writes', 'ddl']);
    expect(blockedBy('SHARE')).toEqual(['writes', 'ddl']);
    expect(blockedBy('SHARE UPDATE EXCLUSIVE')).toEqual(['ddl']);
    expect(blockedBy('ACCESS SHARE')).toEqual([]);
  });

  it('describes a lock in words', () => {
    const [l] = locks('VACUUM FULL users');
    expect(describeLock(l)).toBe('ACCESS EXCLUSIVE lock on "users" blocks reads, writes and DDL while it rewrites the whole table');
  });

  it('primaryLock picks the strongest mode, then the longest duration', () => {
    const mk = (table: string, mode: Lock['mode'], duration: Lock['duration']): Lock => ({ table, mode, duration, blocks: blockedBy(mode) });
    expect(primaryLock([mk('a', 'SHARE', 'long'), mk('b', 'ACCESS EXCLUSIVE', 'instant')])!.table).toBe('b');
    expect(primaryLock([mk('a', 'SHARE', 'instant'), mk('b', 'SHARE', 'scan')])!.table).toBe('b');
    expect(primaryLock([])).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
describe('catalog replay', () => {
  function replay(sql: string, history?: string): Catalog {
    const c = new Catalog();
    if (history) {
      for (const s of stmts(history)) c.apply(s);
      c.sealAsHistory();
      c.origin = 'file';
    }
    for (const s of stmts(sql)) c.apply(s);
    return c;
  }

  it('creates tables with columns, NOT NULL, defaults and constraints', () => {
    const c = replay('CREATE TABLE t (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, org bigint REFERENCES orgs, n int DEFAULT 0 CHECK (n >= 0));');
    const t = c.table('t')!;
    expect([...t.columns.keys()]).toEqual(['id', 'email', 'org', 'n']);
    expect(t.columns.get('id')).toMatchObject({ notNull: true, hasDefault: true, type: { name: 'int8', serial: 'bigserial' } });
    expect(t.columns.get('email')).toMatchObject({ notNull: true, hasDefault: false });
    expect(t.columns.get('n')).toMatchObject({ notNull: false, hasDefault: true });
    expect([...t.constraints.values()].map((k) => [k.name, k.kind, k.validated, k.columns])).toEqual([
      ['t_pkey', 'primary', true, ['id']],
      ['t_email_key', 'unique', true, ['email']],
      ['t_org_fkey', 'foreign', true, ['org']],
      ['t_n_check', 'check', true, ['n']],
    ]);
    expect(t.origin).toBe('file');
  });

  it('names unnamed table constraints the way PostgreSQL does', () => {
    const c = replay('CREATE TABLE t (a int, b int); ALTER TABLE t ADD UNIQUE (a, b); ALTER TABLE t ADD FOREIGN KEY (a, b) REFERENCES p (x, y) NOT VALID; ALTER TABLE t ADD CHECK (b > a);');
    expect([...c.table('t')!.constraints.keys()]).toEqual(['t_a_b_key', 't_a_b_fkey', 't_b_check']);
    expect(c.table('t')!.constraints.get('t_a_b_fkey')!.validated).toBe(false);
  });

  it('tracks NOT VALID and VALIDATE', () => {
    const c = replay('CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;');
    expect(c.table('t')!.constraints.get('a_nn')).toMatchObject({ validated: false, provesNotNull: ['a'] });
    const v = replay('ALTER TABLE t VALIDATE CONSTRAINT a_nn', 'CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;');
    expect(v.table('t')!.constraints.get('a_nn')!.validated).toBe(true);
    const d = replay('ALTER TABLE t DROP CONSTRAINT a_nn', 'CREATE TABLE t (a int); ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL);');
    expect(d.table('t')!.constraints.has('a_nn')).toBe(false);
  });

  it('adds, drops, retypes and renames columns', () => {
    const c = replay(
      'CREATE TABLE t (a varchar(10), b int, c int); ALTER TABLE t ADD COLUMN d text, DROP COLUMN b; ALTER TABLE t ALTER COLUMN a TYPE varchar(20); ALTER TABLE t RENAME COLUMN c TO e; ALTER TABLE t ALTER COLUMN e SET NOT NULL;',
    );
    const t = c.table('t')!;
    expect([...t.columns.keys()]).toEqual(['a', 'd', 'e']);
    expect(t.columns.get('a')!.type).toMatchObject({ name: 'varchar', mods: [20] });
    expect(t.columns.get('e')).toMatchObject({ name: 'e', notNull: true });
  });

  it('ADD COLUMN IF NOT EXISTS keeps the existing column', () => {
    const c = replay('CREATE TABLE t (a int NOT NULL); ALTER TABLE t ADD COLUMN IF NOT EXISTS a text;');
    expect(c.table('t')!.columns.get('a')).toMatchObject({ notNull: true, type: { name: 'int4' } });
  });

  it('follows table renames (with their indexes) and drops', () => {
    const c = replay('CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); ALTER TABLE t RENAME TO u;');
    expect(c.table('t')).toBeUndefined();
    expect(c.table('u')!.columns.has('a')).toBe(true);
    expect(c.index('t_a')!.table).toBe('public.u');
    const d = replay('DROP TABLE u;', 'CREATE TABLE u (a int); CREATE INDEX u_a ON u (a);');
    expect(d.table('u')).toBeUndefined();
    expect(d.index('u_a')).toBeUndefined();
  });

  it('follows index renames and drops', () => {
    const c = replay('CREATE TABLE t (a int); CREATE UNIQUE INDEX i ON t (a); ALTER INDEX i RENAME TO j;');
    expect(c.index('i')).toBeUndefined();
    expect(c.index('j')).toMatchObject({ name: 'j', unique: true, columns: ['a'], table: 'public.t' });
    const d = replay('DROP INDEX IF EXISTS j;', 'CREATE TABLE t (a int); CREATE INDEX j ON t (a);');
    expect(d.index('j')).toBeUndefined();
  });

  it('index columns follow a column rename', () => {
    const c = replay('CREATE TABLE t (a int); CREATE INDEX i ON t (a); ALTER TABLE t RENAME COLUMN a TO b;');
    expect(c.index('i')!.columns).toEqual(['b']);
  });

  it('keeps app.t and t apart', () => {
    const c = replay('CREATE SCHEMA app; CREATE TABLE app.t (a int); CREATE TABLE t (b int);');
    expect([...c.table({ schemaname: 'app', relname: 't' })!.columns.keys()]).toEqual(['a']);
    expect([...c.table('t')!.columns.keys()]).toEqual(['b']);
    expect(c.table('app.t')!.schema).toBe('app');
    expect(c.schemas.has('app')).toBe(true);
    const d = replay('DROP TABLE app.t;', 'CREATE TABLE app.t (a int); CREATE TABLE t (b int);');
    expect(d.table('app.t')).toBeUndefined();
    expect(d.table('t')).toBeDefined();
  });

  it('resolves unqualified names through search_path', () => {
    const c = replay('SET search_path TO app, public; CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int;');
    expect(c.table('app.t')!.columns.has('b')).toBe(true);
    expect(c.table('public.t')).toBeUndefined();
    expect(c.table('t')).toBe(c.table('app.t'));
    const r = replay('SET search_path TO app; RESET search_path; CREATE TABLE t (a int);');
    expect(r.table('public.t')).toBeDefined();
    const l = replay('SET LOCAL search_path = app; CREATE TABLE t (a int);');
    expect(l.table('app.t')).toBeDefined();
  });

  it('skips "$user" at the head of search_path', () => {
    const c = replay('SET search_path TO "$user", public; CREATE TABLE t (a int);');
    expect(c.searchPath).toBe('public');
    expect(c.table('public.t')).toBeDefined();
  });

  it('ALTER TABLE … SET SCHEMA moves the table and its indexes', () => {
    const c = replay('CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); ALTER TABLE t SET SCHEMA app;');
    expect(c.table('t')).toBeUndefined();
    expect(c.table('app.t')!.schema).toBe('app');
    expect(c.index('app.t_a')!.table).toBe('app.t');
    expect(c.index('public.t_a')).toBeUndefined();
    // an unqualified name still finds the only index of that name, wherever it lives (Catalog.index)
    expect(c.index('t_a')!.schema).toBe('app');
  });

  it('DROP SCHEMA removes its tables, indexes and enums', () => {
    const c = replay(
      'DROP SCHEMA app CASCADE;',
      "CREATE SCHEMA app; CREATE TABLE app.t (a int); CREATE INDEX i ON app.t (a); CREATE TYPE app.mood AS ENUM ('ok'); CREATE TABLE t (a int);",
    );
    expect(c.index('app.i')).toBeUndefined();
    expect(c.enumType([{ String: { sval: 'app' } }, { String: { sval: 'mood' } }])).toBeUndefined();
    expect(c.table('app.t')).toBeUndefined();
    expect(c.table('t')).toBeDefined();
    expect(c.schemas.has('app')).toBe(false);
  });

  it('replays enums', () => {
    const c = replay("ALTER TYPE mood ADD VALUE 'meh';", "CREATE TYPE mood AS ENUM ('ok', 'sad');");
    const e = c.enumType([{ String: { sval: 'mood' } }])!;
    expect([...e.values.keys()]).toEqual(['ok', 'sad', 'meh']);
    expect(e.values.get('ok')!.origin).toBe('history');
    expect(e.values.get('meh')!.origin).toBe('file');
    expect(replay('DROP TYPE mood;', "CREATE TYPE mood AS ENUM ('ok');").enumType([{ String: { sval: 'mood' } }])).toBeUndefined();
  });

  it('marks history and file origins; CREATE TABLE IF NOT EXISTS keeps the history table', () => {
    const c = replay('CREATE TABLE IF NOT EXISTS users (x int); CREATE TABLE fresh (a int);', 'CREATE TABLE users (id int);');
    expect(c.table('users')!.origin).toBe('history');
    expect(c.table('users')!.columns.has('x')).toBe(false);
    expect(c.table('fresh')!.origin).toBe('file');
  });

  it('records views and materialized views', () => {
    const c = replay('CREATE VIEW v AS SELECT 1; CREATE MATERIALIZED VIEW m AS SELECT 1; CREATE TABLE ct AS SELECT 1 AS x;');
    expect(c.table('v')!.kind).toBe('view');
    expect(c.table('m')!.kind).toBe('matview');
    expect(c.table('ct')!.kind).toBe('table');
  });

  it('clone is deep: changes to the copy do not reach the original', () => {
    const c = replay('CREATE TABLE t (a int);');
    const copy = c.clone();
    for (const s of stmts('ALTER TABLE t ADD COLUMN b int; ALTER TABLE t ALTER COLUMN a SET NOT NULL; DROP TABLE t;')) copy.apply(s);
    expect(copy.table('t')).toBeUndefined();
    expect([...c.table('t')!.columns.keys()]).toEqual(['a']);
    expect(c.table('t')!.columns.get('a')!.notNull).toBe(false);
  });

  it('leaves the catalog unchanged for unknown tables', () => {
    const c = replay('ALTER TABLE ghost ADD COLUMN a int; ALTER TABLE ghost RENAME TO g2; DROP TABLE ghost2;');
    expect(c.tables.size).toBe(0);
  });

  it('replays statements inside DO blocks', () => {
    const c = replay('DO $$ BEGIN CREATE TABLE t (a int); END $$;');
    expect(c.table('t')).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------
describe('column types', () => {
  function typeOf(t: string): ColumnType {
    const [s] = stmts(`CREATE TABLE x (c ${t})`);
    return typeFromNode(s.body.tableElts[0].ColumnDef.typeName);
  }

  const names: Array<[string, Partial<ColumnType>]> = [
    ['int', { name: 'int4', mods: [], array: false }],
    ['integer', { name: 'int4' }],
    ['smallint', { name: 'int2' }],
    ['bigint', { name: 'int8' }],
    ['serial', { name: 'int4', serial: 'serial' }],
    ['bigserial', { name: 'int8', serial: 'bigserial' }],
    ['character varying(20)', { name: 'varchar', mods: [20] }],
    ['varchar', { name: 'varchar', mods: [] }],
    ['char(3)', { name: 'bpchar', mods: [3] }],
    ['numeric(10,2)', { name: 'numeric', mods: [10, 2] }],
    ['decimal(5)', { name: 'numeric', mods: [5] }],
    ['double precision', { name: 'float8' }],
    ['real', { name: 'float4' }],
    ['boolean', { name: 'bool' }],
    ['timestamp', { name: 'timestamp' }],
    ['timestamp(0)', { name: 'timestamp', mods: [0] }],
    ['timestamp with time zone', { name: 'timestamptz' }],
    ['timestamptz', { name: 'timestamptz' }],
    ['text[]', { name: 'text', array: true }],
    ['public.citext', { name: 'citext', schema: 'public' }],
    ['jsonb', { name: 'jsonb' }],
  ];
  for (const [t, expected] of names) {
    it(`${t} → ${JSON.stringify(expected)}`, () => {
      expect(typeOf(t)).toMatchObject(expected);
    });
  }

  it('prints a type back', () => {
    expect(typeToString(typeOf('numeric(10,2)'))).toBe('numeric(10,2)');
    expect(typeToString(typeOf('bigserial'))).toBe('bigserial');
    expect(typeToString(typeOf('text[]'))).toBe('text[]');
  });

  const coercible: Array<[string, string, boolean]> = [
    ['varchar(50)', 'varchar(100)', true],
    ['varchar(50)', 'varchar(50)', true],
    ['varchar(100)', 'varchar(50)', false],
    ['varchar(50)', 'varchar', true],
    ['varchar', 'varchar(10)', false],
    ['varchar(50)', 'text', true],
    ['text', 'varchar', true],
    ['text', 'varchar(10)', false],
    ['numeric(10,2)', 'numeric(12,2)', true],
    ['numeric(10,2)', 'numeric(8,2)', false],
    ['numeric(10,2)', 'numeric(12,3)', false],
    ['numeric(10,2)', 'numeric', true],
    ['numeric', 'numeric(10,2)', false],
    ['cidr', 'inet', true],
    ['inet', 'cidr', false],
    ['varbit(5)', 'varbit(10)', true],
    ['bit varying(10)', 'bit varying(5)', false],
    ['timestamp(3)', 'timestamp(6)', true],
    ['timestamp(6)', 'timestamp(3)', false],
    ['timestamp', 'timestamptz', false],
    ['interval(3)', 'interval(6)', true],
    ['interval(6)', 'interval(3)', false],
    ['interval day', 'interval', true],
    ['interval', 'interval(3)', false],
    ['time(2)', 'time(4)', true],
    ['char(5)', 'char(10)', false],
    ['int', 'bigint', false],
    ['int', 'integer', true],
    ['text[]', 'text[]', true],
    ['text[]', 'text', false],
    ['varchar(10)[]', 'text', false],
    ['public.citext', 'citext', false],
  ];
  for (const [from, to, ok] of coercible) {
    it(`${from} → ${to} is ${ok ? '' : 'not '}binary-coercible`, () => {
      expect(isBinaryCoercible(typeOf(from), typeOf(to))).toBe(ok);
    });
  }
});
