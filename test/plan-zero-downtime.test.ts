/**
 * Issue 12: the defects found by running plans under live traffic (bench/zero-downtime), one
 * regression test each, on PGlite; the lock-wait behaviour needs a second session and runs
 * on a real server (GODWIT_TEST_DB_URL, as CI starts one).
 *
 *  1. type change: the new code's values beyond the old type, the key's sequence, the foreign
 *     keys that reference a retyped key, and the swap's rollback
 *  2. add column → backfill → NOT NULL: rows written by the running code are filled before the
 *     NOT VALID check
 *  3. a computed-column backfill keeps the column current (dual write)
 *  4. backfills whose rerun is a no-op, a refusal for the ones that cannot be, and
 *     verification queries that reach 0
 *  5. rollbacks hold ACCESS EXCLUSIVE for catalog changes only (restores are expands)
 *  6. lock_timeout with bounded retries: the application waits at most lock_timeout per attempt
 *  7. VACUUM FULL → pg_repack, pgroll files, a plan's own phases lint clean
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readdirSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { lintSql, rules } from '../src/lint.js';
import { catalogFromDump, replayParsed } from '../src/analysis/history.js';
import { planParsed, renderPlan, pgrollMigrations, sqlFiles, markdownRunbook } from '../src/plan/index.js';
import { jsFiles, JS_PLAN_RUNNERS } from '../src/plan/writers/js.js';
import { lintProject } from '../src/project.js';
import type { RunnerName } from '../src/sources/types.js';
import type { Phase, Plan } from '../src/plan/types.js';
import { fixture, fixturesDir, planFixture, resetDb, runPhase, runRollback, runStatements, type Fixture } from './plan-helpers.js';

let db: PGlite;
beforeAll(async () => {
  await initParser();
  db = new PGlite();
  await db.waitReady;
});

async function load(f: Fixture): Promise<void> {
  await resetDb(db);
  await db.exec(f.history);
  await db.exec(f.data);
}

function plan(history: string, migration: string, opts = {}): Plan {
  return planParsed(parseFile('migration.sql', migration), catalogFromDump(history), { pause: 0, ...opts });
}

async function runUntil(p: Plan, stage: string): Promise<void> {
  for (const x of p.phases) {
    if (x.stage === stage) return;
    await runPhase(db, x);
  }
}

const one = async <T>(sql: string): Promise<T> => (await db.query<T>(sql)).rows[0];

describe('1. type change: both directions representable, sequence and foreign keys widened', () => {
  it('after the swap, the new code writes values beyond integer; the swap\'s rollback refuses until they are gone, then restores', async () => {
    const f = fixture('change-column-type');
    const p = planFixture(f);
    await load(f);
    await runUntil(p, 'contract');
    // the new code (the switch step tells users to deploy it): a bigint beyond integer, insert and update
    await db.exec('INSERT INTO orders (amount) VALUES (3000000000)');
    await db.exec('UPDATE orders SET amount = 3000000001 WHERE id = 1');
    expect(await one(`SELECT amount, amount_old FROM orders WHERE amount = 3000000000`)).toEqual({ amount: 3000000000, amount_old: null });
    const swap = p.phases.find((x) => x.stage === 'swap')!;
    await expect(runRollback(db, swap)).rejects.toThrow(/2 rows of orders\.amount hold values integer cannot take/);
    await db.exec('DELETE FROM orders WHERE amount > 2147483647');
    await runRollback(db, swap);
    expect(await one(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'amount'`)).toEqual({ t: 'integer' });
    expect(await one(`SELECT count(*)::int AS n FROM orders WHERE amount_new IS DISTINCT FROM amount`)).toEqual({ n: 0 });
  });

  it('a primary key referenced by a foreign key: the referencing column is widened, the swap succeeds, keys beyond integer work', async () => {
    const f = fixture('change-column-type-fk');
    const p = planFixture(f);
    await load(f);
    await runUntil(p, 'contract');
    const types = await db.query<{ col: string; t: string }>(
      `SELECT attrelid::regclass || '.' || attname AS col, format_type(atttypid, atttypmod) AS t FROM pg_attribute
        WHERE attrelid IN ('accounts'::regclass, 'transfers'::regclass) AND attname IN ('id', 'account_id') ORDER BY 1`,
    );
    expect(types.rows).toEqual([
      { col: 'accounts.id', t: 'bigint' },
      { col: 'transfers.account_id', t: 'bigint' },
      { col: 'transfers.id', t: 'bigint' },
    ]);
    expect(await one(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'transfers_account_id_fkey'`)).toEqual({ def: 'FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE' });
    expect(await one(`SELECT data_type FROM information_schema.sequences WHERE sequence_name = 'accounts_id_seq'`)).toEqual({ data_type: 'bigint' });
    await db.exec(`SELECT setval('accounts_id_seq', 3000000000)`);
    await db.exec(`INSERT INTO accounts (name) VALUES ('beyond integer')`);
    await db.exec(`INSERT INTO transfers (account_id, amount) VALUES (3000000001, 5)`);
    await expect(db.exec(`INSERT INTO transfers (account_id, amount) VALUES (3000000002, 5)`)).rejects.toThrow(/foreign key/);
    // the rollback refuses (rows, then the sequence), instead of failing halfway with "RESTART value … MAXVALUE"
    const swap = p.phases.find((x) => x.stage === 'swap')!;
    await expect(runRollback(db, swap)).rejects.toThrow(/hold values integer cannot take/);
    await db.exec('DELETE FROM accounts WHERE id > 2147483647');
    await expect(runRollback(db, swap)).rejects.toThrow(/sequence of accounts\.id is beyond integer/);
    await db.exec(`SELECT setval('accounts_id_seq', 5000)`);
    await runRollback(db, swap);
    expect(await one(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'transfers_account_id_fkey'`)).toEqual({ def: 'FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE' });
    expect(await one(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'transfers'::regclass AND attname = 'account_id'`)).toEqual({ t: 'integer' });
  });
});

describe('1. type change of a key referenced by two tables', () => {
  it('both referencing columns are widened (NULLs kept), both foreign keys move to the new key, and the swap rolls back', async () => {
    const f = fixture('change-column-type-fks');
    const p = planFixture(f);
    await load(f);
    const fks = async (): Promise<unknown[]> =>
      (await db.query(`SELECT conrelid::regclass::text AS t, conname AS name, pg_get_constraintdef(oid) AS def, convalidated AS valid FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2`)).rows;
    const original = await fks();
    expect(original).toHaveLength(2);
    await runUntil(p, 'swap');
    // before the swap: the shadow keys reference the new key, validated
    const beforeSwap = await fks();
    expect(beforeSwap).toEqual([
      { t: 'holds', name: 'holds_account_id_fkey', def: 'FOREIGN KEY (account_id) REFERENCES accounts(id)', valid: true },
      { t: 'holds', name: 'holds_account_id_fkey_new', def: 'FOREIGN KEY (account_id_new) REFERENCES accounts(id_new)', valid: true },
      { t: 'transfers', name: 'transfers_account_id_fkey', def: 'FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE', valid: true },
      { t: 'transfers', name: 'transfers_account_id_fkey_new', def: 'FOREIGN KEY (account_id_new) REFERENCES accounts(id_new) ON DELETE CASCADE', valid: true },
    ]);
    const swap = p.phases.find((x) => x.stage === 'swap')!;
    await runPhase(db, swap);
    const types = await db.query(
      `SELECT attrelid::regclass || '.' || attname AS col, format_type(atttypid, atttypmod) AS t, attnotnull AS notnull FROM pg_attribute
        WHERE (attrelid, attname) IN (('accounts'::regclass, 'id'), ('transfers'::regclass, 'account_id'), ('holds'::regclass, 'account_id')) ORDER BY 1`,
    );
    expect(types.rows).toEqual([
      { col: 'accounts.id', t: 'bigint', notnull: true },
      { col: 'holds.account_id', t: 'bigint', notnull: false },
      { col: 'transfers.account_id', t: 'bigint', notnull: true },
    ]);
    // the same foreign keys (names, actions) as before the migration, on the widened columns
    expect(await fks()).toEqual(original);
    expect(await one(`SELECT count(*)::int AS n FROM holds WHERE account_id IS NULL`)).toEqual({ n: 185 });
    expect(await one(`SELECT count(*)::int AS n FROM transfers t LEFT JOIN accounts a ON a.id = t.account_id WHERE a.id IS NULL`)).toEqual({ n: 0 });
    // the new code: keys beyond integer in the key and both referencing columns, and the keys still enforced
    await db.exec(`INSERT INTO accounts (id, name) VALUES (3000000000, 'beyond integer')`);
    await db.exec(`INSERT INTO holds (account_id, reason) VALUES (3000000000, 'big')`);
    await db.exec(`INSERT INTO transfers (account_id, amount) VALUES (3000000000, 1)`);
    await expect(db.exec(`INSERT INTO holds (account_id, reason) VALUES (3000000001, 'no such account')`)).rejects.toThrow(/foreign key/);
    // the swap's rollback refuses while a referencing row holds a value integer cannot take
    await expect(runRollback(db, swap)).rejects.toThrow(/hold values integer cannot take/);
    await db.exec(`DELETE FROM holds WHERE account_id > 2147483647; DELETE FROM accounts WHERE id > 2147483647`);
    expect(await one(`SELECT count(*)::int AS n FROM transfers WHERE account_id > 2147483647`)).toEqual({ n: 0 }); // ON DELETE CASCADE
    // the refusal scans before the locks (ACCESS EXCLUSIVE is held for catalog changes only) ...
    const refuse = swap.rollback.findIndex((s) => s.includes('refuse before changing anything'));
    const timeout = swap.rollback.findIndex((s) => s.startsWith('SET LOCAL lock_timeout'));
    expect(refuse).toBeGreaterThanOrEqual(0);
    expect(refuse).toBeLessThan(timeout);
    await runStatements(db, swap.rollback, true);
    // ... so what it checks is enforced from then on, for the nullable column too: a row the new code writes
    // beyond integer after the check (its reverse copy NULL: here, with the triggers off) cannot slip through
    await db.exec(`SET session_replication_role = replica`);
    await expect(db.exec(`INSERT INTO holds (account_id, account_id_old, reason) VALUES (3000000000, NULL, 'after the check')`)).rejects.toThrow(/holds_account_id_old_fits/);
    await db.exec(`INSERT INTO holds (account_id, account_id_old, reason) VALUES (NULL, NULL, 'no account')`);
    await db.exec(`RESET session_replication_role`);
    for (const u of swap.restore) await runPhase(db, { ...swap, sql: u.sql, transaction: u.transaction, repeat: !!u.repeat });
    expect(await one(`SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'c' AND conrelid IN ('accounts'::regclass, 'transfers'::regclass, 'holds'::regclass)`)).toEqual({ n: 0 });
    expect(await fks()).toEqual(beforeSwap);
    expect(await one(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'holds'::regclass AND attname = 'account_id'`)).toEqual({ t: 'integer' });
    expect(await one(`SELECT count(*)::int AS n FROM holds WHERE account_id_new IS DISTINCT FROM account_id`)).toEqual({ n: 0 });
  });
});

describe('2. add column → backfill → NOT NULL', () => {
  it('rows the running code writes without the column are filled before the NOT VALID check, and VALIDATE passes', async () => {
    const f = fixture('add-column-backfill-not-null');
    const p = planFixture(f);
    expect(p.phases.map((x) => x.stage)).toEqual(['expand', 'backfill', 'constrain', 'validate', 'contract']);
    await load(f);
    await runPhase(db, p.phases[0]);
    await db.exec(`INSERT INTO users (email) VALUES ('during@expand.example')`);
    await runPhase(db, p.phases[1]);
    await runPhase(db, p.phases[2]);
    // the old code, after the NOT VALID check: no error, the value is computed
    await db.exec(`INSERT INTO users (email) VALUES ('after@check.example')`);
    await db.exec(`UPDATE users SET email = 'moved@other.example' WHERE id = 1`);
    await runPhase(db, p.phases[3]);
    expect(await one(`SELECT count(*)::int AS n FROM users WHERE email_domain IS DISTINCT FROM split_part(email, '@', 2)`)).toEqual({ n: 0 });
    expect(await one(`SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email_domain'`)).toEqual({ attnotnull: true });
  });
});

describe('3. computed-column backfill', () => {
  it('a trigger keeps the column current for the old code from the expand phase on; the new code\'s own value is kept', async () => {
    const f = fixture('computed-column');
    const p = planFixture(f);
    await load(f);
    await runPhase(db, p.phases[0]);
    await db.exec(`UPDATE users SET first_name = 'Ada' WHERE id = 2`);
    await runPhase(db, p.phases[1]);
    await db.exec(`UPDATE users SET last_name = 'Lovelace' WHERE id = 2`);
    await db.exec(`INSERT INTO users (first_name, last_name) VALUES ('Old', 'Code')`);
    await db.exec(`INSERT INTO users (first_name, last_name, display_name) VALUES ('New', 'Code', 'Dr New Code')`);
    expect(await one(`SELECT count(*)::int AS n FROM users WHERE display_name IS DISTINCT FROM first_name || ' ' || last_name AND display_name <> 'Dr New Code'`)).toEqual({ n: 0 });
    expect(await one(`SELECT display_name FROM users WHERE id = 2`)).toEqual({ display_name: 'Ada Lovelace' });
    expect(p.phases[2].stage).toBe('contract');
    expect(p.switchNotes.join()).toContain('deploy code that writes users.display_name itself');
  });
});

describe('4. backfills: reruns are no-ops, non-idempotent ones are refused, verifications reach 0', () => {
  const history = 'CREATE TABLE products (id bigserial PRIMARY KEY, name text NOT NULL, price numeric NOT NULL, slug text);';
  const data = `INSERT INTO products (name, price) SELECT 'Product ' || g, g FROM generate_series(1, 2500) AS g;`;

  it('an UPDATE without a WHERE gets a predicate that a rerun finds false; its verification reaches 0', async () => {
    const p = plan(history, `UPDATE products SET slug = lower(replace(name, ' ', '-'));`);
    const backfill = p.phases[0];
    expect(backfill.sql[0]).toContain(`AND ((slug IS DISTINCT FROM (lower(replace(name, ' ', '-')))))`);
    expect(backfill.sql[0]).not.toContain('(true)');
    await resetDb(db);
    await db.exec(history + data);
    await runPhase(db, backfill);
    const written = await one<{ n: number }>(`SELECT n_tup_upd::int AS n FROM pg_stat_user_tables WHERE relname = 'products'`);
    await runPhase(db, backfill); // stopped and run again
    expect(await one(`SELECT n_tup_upd::int AS n FROM pg_stat_user_tables WHERE relname = 'products'`)).toEqual(written);
    const remaining = backfill.verify.find((v) => v.label.includes('(expect 0)'))!;
    expect(await one(remaining.sql)).toEqual({ remaining: 0 });
  });

  it('an UPDATE that reads what it writes, or writes a volatile value, is refused with the reason; with a guarding WHERE it is planned', () => {
    const twice = plan(history, 'UPDATE products SET price = price * 1.1;');
    expect(twice.changes).toEqual([]);
    expect(twice.unplanned[0].reason).toMatch(/reads price, which it writes: a batch run twice .* applies it twice/);
    const random = plan(history, 'UPDATE products SET slug = md5(random()::text);');
    expect(random.unplanned[0].reason).toMatch(/changes from run to run/);
    const guarded = plan(history, 'UPDATE products SET slug = md5(random()::text) WHERE slug IS NULL;');
    expect(guarded.unplanned).toEqual([]);
    expect(guarded.phases[0].sql[0]).toContain('AND ((slug IS NULL))');
  });
});

/** The lock rules' findings on a plan's phases and on every unit of its rollbacks (rolled back from the last phase). */
function lockFindings(history: string, p: Plan): string[] {
  const lockRules = new Set(rules.filter((r) => r.category === 'locks').map((r) => r.id));
  const catalog = catalogFromDump(history);
  const found: string[] = [];
  const lint = (name: string, sql: string[], transaction: boolean): void => {
    const text = sql.map((s) => `${s};`).join('\n');
    if (!text.trim()) return;
    const r = lintSql(text, `${name}.sql`, { transaction: transaction ? 'all' : 'none', pgVersion: p.pgVersion, catalog });
    found.push(...r.messages.filter((m) => lockRules.has(m.ruleId)).map((m) => `${name}: ${m.ruleId}: ${m.message.split('\n')[0]}`));
    replayParsed(catalog, parseFile(`${name}.sql`, text));
    catalog.sealAsHistory();
  };
  for (const x of p.phases) lint(x.name, x.sql, x.transaction);
  for (const x of [...p.phases].reverse()) {
    lint(`rollback of ${x.name}`, x.rollback, x.transaction);
    x.restore.forEach((u, i) => lint(`restore ${i + 1} of ${x.name}`, u.sql, u.transaction));
  }
  return found;
}

describe('5. rollbacks: ACCESS EXCLUSIVE for catalog changes only', () => {
  const kinds = readdirSync(fixturesDir).filter((k) => existsSync(join(fixturesDir, k, 'migration.sql')) && k !== 'example');
  it.each(kinds)('%s: no lock rule fires on a phase or on any unit of a rollback', (kind) => {
    const f = fixture(kind);
    const p = planFixture(f);
    if (f.options && (f.options as { unknownHistory?: boolean }).unknownHistory) return;
    expect(lockFindings(f.history, p)).toEqual([]);
  });

  it('the contract rollback of a rename is an expand of its own: the column back, then a batched copy, an index built concurrently, NOT NULL proven', () => {
    const p = planFixture(fixture('rename-column'));
    const contract = p.phases.find((x) => x.stage === 'contract')!;
    expect(contract.rollback.join('\n')).not.toMatch(/^UPDATE /m);
    expect(contract.restore.map((u) => [u.label, u.transaction])).toEqual([
      ['copy email_address back into email', false],
      ['an index of email, built concurrently', false],
      ['NOT NULL and UNIQUE on email', true],
    ]);
    expect(contract.restore[1].sql).toEqual(['CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)']);
    // every writer carries the restore after the down migration
    const sqlDown = sqlFiles(p, { runner: 'golang-migrate', files: [], base: 'rename' }).files.find((f) => f.phase === contract.index && f.path.endsWith('.down.sql'))!;
    expect(sqlDown.content).toContain('-- then finish the restore outside the migration runner');
    expect(sqlDown.content).toContain('-- CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);');
    const knex = jsFiles(p, { runner: 'knex', files: [], base: 'rename' }).files.find((f) => f.phase === contract.index)!;
    expect(knex.content).toContain('// CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);');
    expect(markdownRunbook(p)).toContain('Then finish the restore outside the migration runner');
  });
});

describe('6. lock_timeout with bounded retries', () => {
  it('every transactional unit takes its locks first under a short lock_timeout, retried with backoff and jitter', () => {
    for (const kind of ['rename-column', 'change-column-type-fk', 'add-unique-using-index', 'rename-table']) {
      const p = planFixture(fixture(kind));
      const units = p.phases.flatMap((x) => [{ sql: x.sql, transaction: x.transaction, repeat: x.repeat }, { sql: x.rollback, transaction: x.transaction, repeat: x.repeat }, ...x.restore]);
      // units that change a table's definition (a unit of VALIDATEs takes no lock the application waits for)
      for (const u of units.filter((x) => x.transaction && !x.repeat && x.sql.some((s) => /^(ALTER TABLE \S+ (ADD|DROP|RENAME|ALTER)|CREATE TRIGGER|DROP)/m.test(s)))) {
        const text = u.sql.join(';\n');
        expect(text, kind).toContain(`SET LOCAL lock_timeout = '100ms'`);
        expect(text, kind).toMatch(/LOCK TABLE \S+ IN ACCESS EXCLUSIVE MODE;[\s\S]*EXCEPTION WHEN lock_not_available OR deadlock_detected[\s\S]*godwit_attempt >= 15[\s\S]*pg_sleep\(least\(5, 0\.05 \* 2 \^ godwit_attempt\) \* \(0\.5 \+ random\(\)\)\)/);
      }
    }
  });

  const url = process.env.GODWIT_TEST_DB_URL;
  it.skipIf(!url)('behind a long read transaction, the application waits at most about lock_timeout per attempt and the phase gets through (a real server)', async () => {
    const dbName = `godwit_zdt_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    const dbUrl = url!.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
    const clients = await Promise.all([0, 1, 2].map(async () => {
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      return c;
    }));
    const [reader, migration, app] = clients;
    try {
      const f = fixture('rename-column');
      await app.query(f.history + f.data);
      const expand = planFixture(f).phases[0];
      await reader.query(`BEGIN; SELECT count(*) FROM users`);
      const started = Date.now();
      const phase = migration.query(expand.sql.map((s) => `${s};`).join('\n'));
      const waits: number[] = [];
      while (Date.now() - started < 1500) {
        const t = Date.now();
        await app.query(`SELECT email FROM users WHERE id = 1`);
        waits.push(Date.now() - t);
      }
      await reader.query('COMMIT');
      await phase;
      // each attempt queues the application for at most lock_timeout (100 ms), plus scheduling noise
      expect(Math.max(...waits)).toBeLessThan(600);
      expect((await app.query(`SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email_address'`)).rows[0]).toEqual({ n: 1 });
    } finally {
      await Promise.all(clients.map((c) => c.end()));
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });
});

describe('7. pg_repack, pgroll files, a plan\'s own phases lint clean', () => {
  it('VACUUM FULL and CLUSTER become pg_repack commands: no rewrite under ACCESS EXCLUSIVE is left in the phases', () => {
    const f = fixture('repack');
    const p = planFixture(f);
    expect(p.changes.map((c) => c.kind)).toEqual(['repack', 'repack']);
    const sql = p.phases.flatMap((x) => x.sql).join('\n');
    expect(sql).not.toMatch(/VACUUM|CLUSTER events/);
    expect(p.phases.flatMap((x) => x.commands)).toEqual([
      // the connection from libpq's environment: pg_repack's --dbname is a database name, never a URL
      'pg_repack --table=public.events --no-order --no-kill-backend --wait-timeout=60',
      'pg_repack --table=public.events --no-kill-backend --wait-timeout=60',
    ]);
    // the extension once, and each note once, though two statements are repacked in the phase
    expect(sql.split('CREATE EXTENSION IF NOT EXISTS pg_repack')).toHaveLength(2);
    const notes = p.phases.flatMap((x) => x.notes);
    expect(notes).toEqual([...new Set(notes)]);
    expect(sql).toContain('ALTER TABLE events CLUSTER ON events_created_at_idx');
    const text = renderPlan(p, 'sql', { file: 'x.sql' }).text;
    expect(text).toContain('-- Then run, outside the migration runner:\n--   pg_repack');
  });

  /** What pgroll's schema.json admits: the migration's keys, and each operation's fields. */
  const FIELDS: Record<string, string[]> = {
    rename_column: ['table', 'from', 'to'],
    rename_table: ['from', 'to'],
    alter_column: ['table', 'column', 'type', 'nullable', 'up', 'down', 'check', 'default', 'references', 'unique', 'comment'],
    add_column: ['table', 'column', 'up'],
    create_index: ['table', 'name', 'columns', 'unique', 'method', 'predicate', 'storage_parameters'],
    create_constraint: ['table', 'name', 'type', 'columns', 'check', 'references', 'up', 'down', 'no_inherit', 'index_parameters'],
    drop_column: ['table', 'column', 'down'],
    drop_table: ['name'],
    drop_index: ['name'],
    sql: ['up', 'down', 'onComplete'],
  };

  it('--emit pgroll: each file is one pgroll migration with only the fields pgroll admits, a raw sql operation alone', () => {
    for (const kind of ['mixed', 'rename-column', 'change-column-type', 'create-index-concurrently', 'add-constraint-not-valid', 'drop-column']) {
      const out = renderPlan(planFixture(fixture(kind)), 'pgroll', { file: 'x.sql' });
      for (const file of out.files) {
        const m = JSON.parse(file.content);
        expect(Array.isArray(m), kind).toBe(false);
        expect(Object.keys(m).every((k) => ['name', 'version_schema', 'operations'].includes(k)), `${kind}: ${Object.keys(m)}`).toBe(true);
        for (const op of m.operations) {
          const [name, body] = Object.entries(op)[0] as [string, Record<string, unknown>];
          expect(Object.keys(op)).toHaveLength(1);
          for (const k of Object.keys(body)) expect(FIELDS[name], `${kind}: ${name}.${k}`).toContain(k);
          if (name === 'sql') expect(m.operations).toHaveLength(1);
        }
      }
      if (out.files.length === 1) expect(JSON.parse(out.text)).toEqual(JSON.parse(out.files[0].content));
    }
  });

  it('--emit pgroll never truncates: up and down of a narrowing type change are the column itself', () => {
    const p = plan('CREATE TABLE users (id bigserial PRIMARY KEY, code text NOT NULL);', 'ALTER TABLE users ALTER COLUMN code TYPE varchar(16);');
    const op = pgrollMigrations(p, 'x').migrations[0].operations[0].alter_column;
    expect(op).toEqual({ table: 'users', column: 'code', type: 'varchar(16)', up: 'code', down: 'code' });
  });

  it('changes on two tables: one table per transactional phase, and every phase lints clean', () => {
    const history = 'CREATE TABLE a (id bigserial PRIMARY KEY, x text NOT NULL, n int); CREATE TABLE b (id bigserial PRIMARY KEY, y text);\nCREATE INDEX a_x_idx ON a (x);';
    const migration = 'ALTER TABLE a RENAME COLUMN x TO x2;\nALTER TABLE b ALTER COLUMN y SET NOT NULL;\nALTER TABLE a ALTER COLUMN n SET NOT NULL;\nALTER TABLE b ADD CONSTRAINT b_y_check CHECK (y <> \'\');';
    const p = plan(history, migration);
    const catalog = catalogFromDump(history);
    for (const x of p.phases) {
      const text = x.sql.map((s) => `${s};`).join('\n');
      const r = lintSql(text, `${x.name}.sql`, { transaction: x.transaction ? 'all' : 'none', catalog });
      expect(r.messages.map((m) => `${x.name}: ${m.ruleId}`)).toEqual([]);
      replayParsed(catalog, parseFile(`${x.name}.sql`, text));
      catalog.sealAsHistory();
    }
    // in the order the file changes them: b's NOT NULL comes first
    expect(p.phases.filter((x) => x.stage === 'constrain').map((x) => x.name)).toEqual(['constrain_b', 'constrain_a']);
  });
});

/** A first migration of each JS/TS tool that creates the schema through the tool's raw-SQL call: the history the phases follow. */
const JS_HISTORY: Record<string, { path: string; version: string; text: (sql: string) => string }> = {
  knex: { path: '20240101000000_init.js', version: '20240101000000', text: (sql) => `exports.up = async function (knex) {\n  await knex.raw(\`${sql}\`);\n};\n\nexports.down = async function () {};\n` },
  sequelize: { path: '20240101000000-init.js', version: '20240101000000', text: (sql) => `'use strict';\n\nmodule.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.query(\`${sql}\`);\n  },\n\n  async down() {},\n};\n` },
  typeorm: { path: '1704067200000-Init.ts', version: '1704067200000', text: (sql) => `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class Init1704067200000 implements MigrationInterface {\n  public async up(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query(\`${sql}\`);\n  }\n\n  public async down(): Promise<void> {}\n}\n` },
  kysely: { path: '20240101000000-init.ts', version: '20240101000000', text: (sql) => `import { type Kysely, sql } from 'kysely';\n\nexport async function up(db: Kysely<any>): Promise<void> {\n  await sql.raw(\`${sql}\`).execute(db);\n}\n\nexport async function down(): Promise<void> {}\n` },
  'mikro-orm': { path: 'Migration20240101000000_init.ts', version: '20240101000000', text: (sql) => `import { Migration } from '@mikro-orm/migrations';\n\nexport class Migration20240101000000_init extends Migration {\n  async up(): Promise<void> {\n    this.addSql(\`${sql}\`);\n  }\n}\n` },
};

describe('7. the JS/TS phase writers: the files they write lint clean as a project of the tool', () => {
  const kinds = ['rename-column', 'change-column-type-fk', 'add-column-backfill-not-null', 'computed-column', 'repack', 'mixed'];
  it.each(JS_PLAN_RUNNERS.map((r) => [r]))('%s', async (runner) => {
    const h = JS_HISTORY[runner];
    expect(h, runner).toBeDefined();
    for (const kind of kinds) {
      const f = fixture(kind);
      const p = planFixture(f, { runner: runner as RunnerName });
      const dir = mkdtempSync(join(tmpdir(), 'godwit-zdt-js-'));
      try {
        mkdirSync(join(dir, '.git'));
        mkdirSync(join(dir, 'migrations'));
        writeFileSync(join(dir, 'migrations', h.path), h.text(f.history.trim()));
        const out = jsFiles(p, { runner: runner as RunnerName, files: [{ path: `migrations/${h.path}`, version: h.version }], base: kind, now: new Date('2024-06-01T00:00:00Z') });
        expect(out.files.length, `${runner} ${kind}`).toBe(p.phases.length);
        for (const file of out.files) writeFileSync(join(dir, 'migrations', file.path), file.content);
        const r = await lintProject([join(dir, 'migrations')], { cwd: dir, overrides: {} });
        // every phase file (and the history) read as a migration of the tool, and not one finding
        expect(r.results.map((x) => x.filePath.split('/').pop()).sort(), `${runner} ${kind}`).toEqual([h.path, ...out.files.map((x) => x.path)].sort());
        expect(r.results.flatMap((x) => x.messages.map((m) => `${x.filePath.split('/').pop()}: ${m.ruleId}: ${m.message.split('\n')[0]}`)), `${runner} ${kind}`).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }, 120_000);
});

export type { Phase };
