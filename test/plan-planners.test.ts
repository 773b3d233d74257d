/**
 * Every planner, run on embedded PostgreSQL (PGlite) over the fixture's history WITH DATA:
 * each phase runs (transactional phases as one query string, the others alone), its
 * verification queries run, and then the rollbacks run from the last phase back to the first,
 * each one checked to restore the state after the phase before it (same columns, constraints,
 * indexes, triggers and rows; a backfill's derived column and the data a drop destroys are
 * left out). The end state is compared with the original migration's. Every statement parses
 * with godwit's parser.
 *
 * PGlite is a single-user PostgreSQL 18: pg_stat_statements does not exist (those verification
 * queries are parse-checked only) and pg_stat_replication is empty (its query runs, no rows).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { lintSql } from '../src/lint.js';
import { catalogFromDump, replayParsed } from '../src/analysis/history.js';
import type { Phase, Plan, PlanKind } from '../src/plan/types.js';
import { comparable, fixture, planFixture, resetDb, runPhase, runRollback, snapshot, type Fixture, type State } from './plan-helpers.js';

let db: PGlite;
beforeAll(async () => {
  await initParser();
  db = new PGlite();
  await db.waitReady;
});

const CASES: Array<{ kind: string; kinds: PlanKind[]; stages: string[]; pgVersion?: number; original?: 'fails' | 'volatile' }> = [
  { kind: 'rename-column', kinds: ['rename-column'], stages: ['expand', 'backfill', 'index', 'validate', 'contract'] },
  { kind: 'rename-column', kinds: ['rename-column'], stages: ['expand', 'backfill', 'index', 'validate', 'contract'], pgVersion: 18 },
  // no history: the type and the DEFAULT are read from the server, batches go by ctid, and NOT NULL and the index are not known to copy
  { kind: 'rename-column-unknown', kinds: ['rename-column'], stages: ['expand', 'backfill', 'contract'], original: 'fails' },
  { kind: 'rename-column-unique', kinds: ['rename-column'], stages: ['expand', 'backfill', 'index', 'validate', 'contract'] },
  { kind: 'rename-table', kinds: ['rename-table'], stages: ['expand', 'contract'] },
  // the table leaves the public schema the snapshot looks at: no end-state comparison
  { kind: 'rename-table-schema', kinds: ['rename-table'], stages: ['expand', 'contract'], original: 'fails' },
  { kind: 'change-column-type', kinds: ['change-column-type'], stages: ['expand', 'backfill', 'index', 'constrain', 'validate', 'swap', 'contract'] },
  { kind: 'change-column-type-using', kinds: ['change-column-type'], stages: ['expand', 'backfill', 'swap', 'contract'] },
  { kind: 'change-column-type-pk', kinds: ['change-column-type'], stages: ['expand', 'backfill', 'index', 'constrain', 'validate', 'swap', 'contract'] },
  // the key's referencing column is widened with it (the migration alone leaves it integer): no end-state comparison
  {
    kind: 'change-column-type-fk',
    kinds: ['change-column-type'],
    stages: ['expand', 'expand', 'backfill', 'backfill', 'index', 'index', 'constrain', 'constrain', 'validate', 'validate', 'swap', 'contract', 'contract'],
    original: 'fails',
  },
  // two referencing tables (one column nullable, without an index): each widened in phases of its own, the swap moves both foreign keys
  {
    kind: 'change-column-type-fks',
    kinds: ['change-column-type'],
    stages: ['expand', 'expand', 'expand', 'backfill', 'backfill', 'backfill', 'index', 'index', 'constrain', 'constrain', 'constrain', 'validate', 'validate', 'validate', 'swap', 'contract', 'contract', 'contract'],
    original: 'fails',
  },
  { kind: 'add-column-not-null', kinds: ['add-column-not-null'], stages: ['expand', 'backfill', 'constrain', 'validate', 'contract'], original: 'fails' },
  { kind: 'add-column-default', kinds: ['add-column-default'], stages: ['expand', 'backfill', 'constrain', 'validate'], original: 'volatile' },
  { kind: 'add-column-serial', kinds: ['add-column-default'], stages: ['expand', 'backfill', 'constrain', 'validate'], original: 'volatile' },
  { kind: 'set-not-null', kinds: ['set-not-null'], stages: ['constrain', 'validate'] },
  { kind: 'set-not-null', kinds: ['set-not-null'], stages: ['constrain', 'validate'], pgVersion: 18 },
  // before PostgreSQL 12 the validated CHECK stays as the enforcement: the end state differs from SET NOT NULL's
  { kind: 'set-not-null', kinds: ['set-not-null'], stages: ['constrain', 'validate'], pgVersion: 11, original: 'fails' },
  { kind: 'add-constraint-not-valid', kinds: ['add-constraint-not-valid', 'add-constraint-not-valid'], stages: ['expand', 'validate'] },
  { kind: 'add-unique-using-index', kinds: ['add-unique-using-index'], stages: ['index', 'validate'] },
  { kind: 'add-primary-key', kinds: ['add-unique-using-index'], stages: ['index', 'constrain', 'validate'] },
  { kind: 'create-index-concurrently', kinds: ['create-index-concurrently', 'create-index-concurrently'], stages: ['index', 'index'] },
  { kind: 'drop-index-concurrently', kinds: ['drop-index-concurrently'], stages: ['index'] },
  { kind: 'drop-column', kinds: ['drop-column'], stages: ['contract'] },
  { kind: 'drop-table', kinds: ['drop-table'], stages: ['contract'] },
  { kind: 'batched-backfill', kinds: ['batched-backfill'], stages: ['backfill'] },
  { kind: 'batched-backfill', kinds: ['batched-backfill'], stages: ['backfill'], pgVersion: 10 },
  { kind: 'batched-delete', kinds: ['batched-delete'], stages: ['backfill'] },
  // a computed column: a trigger keeps it current from the expand phase on; the contract drops it after the switch
  { kind: 'computed-column', kinds: ['batched-backfill'], stages: ['expand', 'backfill', 'contract'] },
  { kind: 'add-column-backfill-not-null', kinds: ['batched-backfill', 'set-not-null'], stages: ['expand', 'backfill', 'constrain', 'validate', 'contract'] },
  {
    kind: 'mixed',
    kinds: ['add-column-not-null', 'add-constraint-not-valid', 'create-index-concurrently', 'rename-column', 'batched-backfill'],
    stages: ['expand', 'backfill', 'backfill', 'backfill', 'index', 'constrain', 'validate', 'contract'],
    original: 'fails',
  },
];

async function verifications(p: Phase, before: boolean): Promise<number> {
  let ran = 0;
  for (const v of p.verify) {
    if (!!v.before !== before || v.requires) continue;
    await db.query(v.sql);
    ran++;
  }
  return ran;
}

function allSql(plan: Plan): string[] {
  return plan.phases.flatMap((p) => [...p.sql, ...p.rollback, ...p.verify.map((v) => v.sql)]);
}

/** Index definitions without their names: a plan may name its copies differently. */
function shape(s: State): unknown {
  return {
    columns: s.columns,
    constraints: s.constraints.map((c) => ({ table: c.table, def: c.def })),
    indexes: s.indexes.map((i) => String(i.def).replace(/INDEX \S+ ON/, 'INDEX ON')).sort(),
    relations: s.relations.filter((r) => r.relkind !== 'S'),
  };
}

function withoutColumns(s: State, cols: string[]): State {
  const drop = new Set(cols);
  return {
    ...s,
    data: Object.fromEntries(Object.entries(s.data).map(([t, list]) => [t, list.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.has(`${t}.${k}`))))])),
  };
}

/** Run a step; a database error names the step. */
async function step(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

async function load(f: Fixture): Promise<void> {
  await resetDb(db);
  await db.exec(f.history);
  await db.exec(f.data);
}

describe.each(CASES)('plan $kind (PG $pgVersion)', ({ kind, kinds, stages, pgVersion, original }) => {
  const f = fixture(kind);
  let plan: Plan;
  beforeAll(async () => {
    await initParser();
    plan = planFixture(f, pgVersion ? { pgVersion } : {});
  });

  it('plans the expected changes and phases', () => {
    expect(plan.changes.map((c) => c.kind)).toEqual(kinds);
    expect(plan.phases.map((p) => p.stage)).toEqual(stages);
    expect(plan.unplanned).toEqual([]);
    for (const p of plan.phases) {
      if (!p.transaction) expect(p.sql).toHaveLength(1);
      if (p.irreversible) expect(p.checklist.length).toBeGreaterThan(0);
    }
  });

  it('every statement parses with godwit\'s parser', () => {
    for (const sql of allSql(plan)) {
      const parsed = parseFile('phase.sql', sql);
      expect(parsed.statements.filter((s) => s.kind === 'SyntaxError').map((s) => `${s.error?.message}: ${sql}`)).toEqual([]);
    }
  });

  it('godwit lints every phase (with the phases before it as history) without errors', () => {
    const catalog = catalogFromDump(f.history);
    for (const p of plan.phases) {
      const text = p.sql.map((s) => `${s};`).join('\n');
      const r = lintSql(text, `${p.name}.sql`, { transaction: p.transaction ? 'all' : 'none', pgVersion: pgVersion ?? 15, catalog });
      replayParsed(catalog, parseFile(`${p.name}.sql`, text));
      catalog.sealAsHistory();
      const errors = r.messages;
      // a phase may keep statements of the migration that need no plan; the plan's own SQL must be clean
      expect(errors.map((m) => `${p.name}: ${m.ruleId}: ${m.message}`)).toEqual([]);
    }
  });

  it('runs every phase on PGlite with data, then every rollback restores the state before it', async () => {
    await load(f);
    const states: State[] = [await snapshot(db)];
    for (const p of plan.phases) {
      await step(`phase ${p.index} ${p.name}`, async () => {
        await verifications(p, true);
        await runPhase(db, p);
        await verifications(p, false);
      });
      states.push(await snapshot(db));
    }
    const end = states[states.length - 1];
    for (let k = plan.phases.length; k >= 1; k--) {
      const p = plan.phases[k - 1];
      await step(`rollback of phase ${k} ${p.name}`, () => runRollback(db, p));
      const now = await snapshot(db);
      // what a rolled-back phase leaves (derived data) or cannot bring back (lost data) stays so down the chain
      const later = plan.phases.slice(k - 1);
      const opts = { derived: later.flatMap((x) => x.derived), lost: later.flatMap((x) => x.lost), schemaOnly: later.some((x) => x.lost.length > 0 || x.unrestored.length > 0) };
      expect(comparable(now, opts), `rollback of phase ${k} (${p.name})`).toEqual(comparable(states[k - 1], opts));
    }
    const all = { derived: plan.phases.flatMap((p) => p.derived), lost: plan.phases.flatMap((p) => p.lost) };
    const whole = { ...all, schemaOnly: all.lost.length > 0 || plan.phases.some((p) => p.unrestored.length > 0) };
    expect(comparable(await snapshot(db), whole), 'after every rollback').toEqual(comparable(states[0], whole));

    // the plan ends where the original migration would have
    if (original !== 'fails') {
      await load(f);
      await db.exec(f.migration);
      const target = await snapshot(db);
      const volatile = original === 'volatile' ? plan.phases.flatMap((p) => p.derived) : [];
      expect(shape(end)).toEqual(shape(target));
      expect((comparable(withoutColumns(end, volatile)) as State).data).toEqual((comparable(withoutColumns(target, volatile)) as State).data);
    }
  });
});

describe('dual-write during a rename', () => {
  it('keeps both names equal whichever one old or new code writes', async () => {
    const f = fixture('rename-column');
    const plan = planFixture(f);
    await load(f);
    await runPhase(db, plan.phases[0]);
    await db.exec(`INSERT INTO users (email, name) VALUES ('old@example.com', 'old code')`);
    await db.exec(`INSERT INTO users (email_address, name) VALUES ('new@example.com', 'new code')`);
    await db.exec(`INSERT INTO users (name) VALUES ('defaults')`);
    await db.exec(`UPDATE users SET email = 'old2@example.com' WHERE name = 'old code'`);
    await db.exec(`UPDATE users SET email_address = 'new2@example.com' WHERE name = 'new code'`);
    await db.exec(`UPDATE users SET name = 'touched' WHERE id = 1`);
    const r = await db.query<{ name: string; email: string; email_address: string }>(
      `SELECT name, email, email_address FROM users WHERE name IN ('old code', 'new code', 'defaults', 'touched') ORDER BY name`,
    );
    expect(r.rows).toEqual([
      { name: 'defaults', email: 'nobody@example.com', email_address: 'nobody@example.com' },
      { name: 'new code', email: 'new2@example.com', email_address: 'new2@example.com' },
      { name: 'old code', email: 'old2@example.com', email_address: 'old2@example.com' },
      { name: 'touched', email: 'user1@example.com', email_address: 'user1@example.com' },
    ]);
  });

  it('rename-table: the view under the old name takes inserts and updates', async () => {
    const f = fixture('rename-table');
    const plan = planFixture(f);
    await load(f);
    await runPhase(db, plan.phases[0]);
    await db.exec(`INSERT INTO orders (total) VALUES (42)`);
    await db.exec(`UPDATE orders SET status = 'paid' WHERE total = 42`);
    const r = await db.query<{ status: string }>(`SELECT status FROM purchases WHERE total = 42`);
    expect(r.rows).toEqual([{ status: 'paid' }]);
  });

  it('change-column-type: writes through the old type are computed into the new column, and after the swap back into the old', async () => {
    const f = fixture('change-column-type');
    const plan = planFixture(f);
    await load(f);
    const swapAt = plan.phases.findIndex((p) => p.stage === 'swap');
    for (const p of plan.phases.slice(0, swapAt)) await runPhase(db, p);
    await db.exec(`INSERT INTO orders (amount) VALUES (5)`);
    expect((await db.query(`SELECT amount_new FROM orders WHERE amount = 5`)).rows).toEqual([{ amount_new: 5 }]);
    await runPhase(db, plan.phases[swapAt]);
    await db.exec(`INSERT INTO orders (amount) VALUES (9)`);
    expect((await db.query(`SELECT amount, amount_old FROM orders WHERE amount = 9`)).rows).toEqual([{ amount: 9, amount_old: 9 }]);
    expect((await db.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'amount'`)).rows).toEqual([{ t: 'bigint' }]);
  });
});

describe('serial primary key to bigint', () => {
  it('the primary key moves to the new column and its sequence becomes bigint', async () => {
    const f = fixture('change-column-type-pk');
    const plan = planFixture(f);
    await load(f);
    for (const p of plan.phases.filter((x) => x.release === 1)) await runPhase(db, p);
    const seq = await db.query(`SELECT data_type FROM information_schema.sequences WHERE sequence_name = 'accounts_id_seq'`);
    expect(seq.rows).toEqual([{ data_type: 'bigint' }]);
    const pk = await db.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'accounts_pkey'`);
    expect(pk.rows).toEqual([{ def: 'PRIMARY KEY (id)' }]);
    await db.exec(`INSERT INTO accounts (name) VALUES ('after the swap')`);
    const row = await db.query<{ id: number; id_old: number }>(`SELECT id, id_old FROM accounts WHERE name = 'after the swap'`);
    expect(row.rows[0].id).toBe(row.rows[0].id_old);
    expect(row.rows[0].id).toBe(1201);
  });
});

describe('placeholders and fill triggers', () => {
  it('add-column-not-null: rows written without the column get the fill value; without one the backfill refuses to run', async () => {
    const f = fixture('add-column-not-null');
    const plan = planFixture(f);
    await load(f);
    await runPhase(db, plan.phases[0]);
    await db.exec('INSERT INTO orders (total) VALUES (-77)');
    const rows = (await db.query<{ customer_id: number; expected: number }>('SELECT customer_id, id % 10 + 1 AS expected FROM orders WHERE total = -77')).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0].customer_id).toBe(rows[0].expected);

    const bare = planFixture({ ...f, options: {} });
    await load(f);
    await runPhase(db, bare.phases[0]);
    await expect(runPhase(db, bare.phases[1])).rejects.toThrow(/godwit: set the value of orders.customer_id/);
    expect(bare.phases[0].sql.join('\n')).toContain('NULL /* godwit: the value of customer_id');
  });
});
