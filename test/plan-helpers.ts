/** Shared by the plan tests: fixtures, a PGlite state snapshot, and running phases the way a runner does. */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { catalogFromDump } from '../src/analysis/history.js';
import { Catalog } from '../src/analysis/catalog.js';
import { planParsed } from '../src/plan/planner.js';
import type { Phase, Plan, PlanOptions } from '../src/plan/types.js';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';

/** Run the CLI in-process (no environment, empty stdin). */
export async function runMain(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, stdin: new PassThrough(), cwd, env: {} });
  return { code, stdout: out, stderr: err };
}

export const fixturesDir = resolve(import.meta.dirname, '..', 'fixtures', 'plan');

export interface Fixture {
  kind: string;
  history: string;
  migration: string;
  data: string;
  options: PlanOptions;
}

export function fixture(kind: string): Fixture {
  const dir = join(fixturesDir, kind);
  const read = (f: string): string => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
  const options = existsSync(join(dir, 'options.json')) ? (JSON.parse(read('options.json')) as PlanOptions) : {};
  return { kind, history: read('history.sql'), migration: read('migration.sql'), data: read('data.sql'), options };
}

export function planFixture(f: Fixture, extra: PlanOptions = {}): Plan {
  // `unknownHistory`: plan as if the migration's history were unknown (the database still has the table)
  const { unknownHistory, ...options } = f.options as PlanOptions & { unknownHistory?: boolean };
  const history = unknownHistory ? new Catalog() : catalogFromDump(f.history, `${f.kind}/history.sql`);
  return planParsed(parseFile(join(fixturesDir, f.kind, 'migration.sql'), f.migration), history, { pause: 0.01, ...options, ...extra });
}

/** Run statements as one query string (a transactional phase: one implicit transaction), or one by one. */
export async function runStatements(db: PGlite, sql: string[], transaction: boolean): Promise<void> {
  if (!sql.length) return;
  if (transaction) await db.exec(sql.map((s) => `${s};`).join('\n'));
  else for (const s of sql) await db.exec(s);
}

export async function runPhase(db: PGlite, p: Phase): Promise<void> {
  if (!p.repeat) return runStatements(db, p.sql, p.transaction);
  // one batch per run: again until it reports 0 rows
  for (let i = 0; i < 10_000; i++) {
    const [r] = await db.exec(p.sql[0]);
    if (!r?.affectedRows) return;
  }
  throw new Error(`${p.name}: the batch never reported 0 rows`);
}

/** A phase's rollback, then the units of its restore, each as a runner (or psql) sends it. */
export async function runRollback(db: PGlite, p: Phase): Promise<void> {
  await runStatements(db, p.rollback, p.transaction);
  for (const u of p.restore) await runPhase(db, { ...p, sql: u.sql, transaction: u.transaction, repeat: !!u.repeat });
}

export async function resetDb(db: PGlite): Promise<void> {
  await db.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; SET search_path = public;');
}

export interface State {
  columns: Array<Record<string, unknown>>;
  relations: Array<Record<string, unknown>>;
  constraints: Array<Record<string, unknown>>;
  indexes: Array<Record<string, unknown>>;
  triggers: Array<Record<string, unknown>>;
  functions: Array<Record<string, unknown>>;
  data: Record<string, Array<Record<string, unknown>>>;
}

async function rows(db: PGlite, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await db.query<Record<string, unknown>>(sql)).rows;
}

/** Everything a phase can change in the public schema, and every table's rows (by primary key, else all columns). */
export async function snapshot(db: PGlite): Promise<State> {
  const columns = await rows(
    db,
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY 1, 2`,
  );
  const relations = await rows(db, `SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v', 'm', 'S', 'p') ORDER BY 1`);
  const constraints = await rows(
    db,
    `SELECT conrelid::regclass::text AS table, conname, pg_get_constraintdef(oid) AS def, convalidated
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY 1, 2`,
  );
  const indexes = await rows(
    db,
    `SELECT c.relname AS index, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1`,
  );
  const triggers = await rows(db, `SELECT tgrelid::regclass::text AS table, tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`);
  const functions = await rows(db, `SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1`);
  const data: State['data'] = {};
  for (const r of relations.filter((x) => x.relkind === 'r')) {
    const t = String(r.relname);
    data[t] = await rows(db, `SELECT * FROM "${t}" ORDER BY 1`);
  }
  return { columns, relations, constraints, indexes, triggers, functions, data };
}

/** Compare a state with the one expected, leaving out derived data and data the rollback cannot restore. */
export function comparable(s: State, opts: { derived?: string[]; lost?: string[]; schemaOnly?: boolean } = {}): unknown {
  const skip = new Set([...(opts.derived ?? []), ...(opts.lost ?? [])]);
  const lostTables = new Set((opts.lost ?? []).filter((x) => x.endsWith('.*')).map((x) => x.slice(0, -2)));
  const data: Record<string, unknown> = {};
  for (const [t, list] of Object.entries(s.data)) {
    if (lostTables.has(t)) continue;
    // rows in a stable order whatever the column order (a restored column comes back last)
    data[t] = list
      .map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !skip.has(`${t}.${k}`)).sort(([a], [b]) => a.localeCompare(b))))
      .map((row) => [JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)), row] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
  }
  if (opts.schemaOnly) {
    // an emergency restore brings back the columns and their types (not their data, NOT NULL or defaults)
    return { columns: s.columns.map((c) => ({ table: c.table, column: c.column, type: c.type })), data };
  }
  return { ...s, data };
}
