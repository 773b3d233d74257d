#!/usr/bin/env node
/**
 * `npm run bench:zdt`: godwit's plans under live traffic, forward and back, against the
 * migration as written (see README.md in this folder).
 *
 *   node bench/zero-downtime/run.mjs [--short] [--scenario a,b] [--rows N] [--settle s]
 *        [--rate tps] [--clients n] [--no-naive] [--detail] [--json out.json] [--db-url url]
 *
 * For each scenario and each run (naive, plan): a fresh database with the scenario's schema and
 * data, the application load, then each step under load — the plan's phases in order, the
 * application switched from the old code to the new one at the switch step, then every
 * rollback in reverse (the old code comes back at the switch) — each followed by `settle`
 * seconds of load. Exit 1 when a plan misses a target (naive runs are shown for comparison).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { startServer } from './server.mjs';
import { Load } from './load.mjs';
import { Sampler } from './sampler.mjs';
import { combine, windowStats } from './measure.mjs';
import { SCENARIOS, setupSql } from './scenarios.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const flag = (n) => args.includes(n);
const option = (n, fallback) => {
  const i = args.indexOf(n);
  return i === -1 ? fallback : args[i + 1];
};
const short = flag('--short');
const cfg = {
  rows: Number(option('--rows', short ? 100_000 : 1_000_000)),
  settle: Number(option('--settle', short ? 0.6 : 3)),
  switchSeconds: Number(option('--switch', short ? 1 : 4)),
  rate: Number(option('--rate', short ? 300 : 500)),
  clients: Number(option('--clients', 8)),
  batchSize: Number(option('--batch-size', 5000)),
  pause: Number(option('--pause', short ? 0.01 : 0.05)),
  longRead: Number(option('--long-read', short ? 2 : 10)),
  jobs: Math.max(1, Number(option('--jobs', 1))),
  aeLimit: Number(option('--ae-limit', 500)),
  naive: !flag('--no-naive'),
  detail: flag('--detail'),
};
cfg.hot = Math.max(1, Math.floor(cfg.rows / 10));
const only = option('--scenario', undefined)?.split(',');
const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
if (only && scenarios.length !== only.length) fail(`unknown scenario: ${only.filter((n) => !SCENARIOS.some((s) => s.name === n)).join(', ')} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);

const dist = (p) => pathToFileURL(join(root, 'dist', 'src', p)).href;
if (!existsSync(join(root, 'dist', 'src', 'plan', 'index.js'))) fail('dist/ is missing: run `npm run build` first');
const { planParsed } = await import(dist('plan/index.js'));
const { parseFile } = await import(dist('dialects/postgresql/parse.js'));
const { catalogFromDump, replayParsed } = await import(dist('analysis/history.js'));
const { lintSql, initParser, rules } = await import(dist('lint.js'));
await initParser();
const LOCK_RULES = new Set(rules.filter((r) => r.category === 'locks').map((r) => r.id));

function fail(msg) {
  process.stderr.write(`bench:zdt: ${msg}\n`);
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => process.stderr.write(`${m}\n`);

// ---------------------------------------------------------------- the plan, as steps

/** A unit of SQL run as a runner sends it: one query string (one transaction), or a statement alone. */
function unit(sql, transaction) {
  return { sql, transaction };
}

/** The plan's phases for a scenario, each with its rollback units and its lint findings (lock rules). */
function planSteps(sc, history) {
  const plan = planParsed(parseFile('migration.sql', sc.migration), catalogFromDump(history), {
    pgVersion: 15,
    runner: 'golang-migrate',
    batchSize: cfg.batchSize,
    pause: cfg.pause,
    ...(sc.planOptions ?? {}),
  });
  if (plan.unplanned.length) log(`  ${sc.name}: not planned: ${plan.unplanned.map((u) => u.reason).join('; ')}`);
  const catalog = catalogFromDump(history);
  const lint = (units, name) => {
    const found = [];
    for (const u of units) {
      const text = u.sql.map((s) => `${s};`).join('\n');
      if (!text.trim()) continue;
      const r = lintSql(text, `${name}.sql`, { transaction: u.transaction ? 'all' : 'none', pgVersion: 15, catalog });
      found.push(...r.messages.filter((m) => LOCK_RULES.has(m.ruleId)).map((m) => `${name}: ${m.ruleId}: ${m.message.split('\n')[0]}`));
      replayParsed(catalog, parseFile(`${name}.sql`, text));
      catalog.sealAsHistory();
    }
    return found;
  };
  const phases = plan.phases.map((p) => ({
    name: `${p.index} ${p.stage}`,
    stage: p.stage,
    release: p.release,
    units: [unit(p.sql, p.transaction)],
    rollback: [unit(p.rollback, p.transaction), ...(p.restore ?? []).map((r) => unit(r.sql, r.transaction))].filter((u) => u.sql.length),
    commands: p.commands ?? [],
    verify: p.verify.filter((v) => !v.before && !v.requires),
    derived: p.derived,
    lost: p.lost,
  }));
  for (const p of phases) p.lint = lint(p.units, p.name);
  for (const p of [...phases].reverse()) p.lint.push(...lint(p.rollback, `rollback of ${p.name}`));
  return { phases, plan };
}

/** The migration as written and the down migration a developer writes for it, linted like the plan's phases. */
function naiveSteps(sc, history) {
  const catalog = catalogFromDump(history);
  const lint = (text, name) => {
    if (!text.trim()) return [];
    // sent as one query string: an implicit transaction, or a statement alone (golang-migrate)
    const r = lintSql(text, `${name}.sql`, { transaction: 'implicit', pgVersion: 15, catalog });
    replayParsed(catalog, parseFile(`${name}.sql`, text));
    catalog.sealAsHistory();
    return r.messages.filter((m) => LOCK_RULES.has(m.ruleId)).map((m) => `${name}: ${m.ruleId}: ${m.message.split('\n')[0]}`);
  };
  return {
    phases: [
      {
        name: 'migration',
        stage: 'naive',
        release: 1,
        units: [unit([sc.migration.trim().replace(/;$/, '')], true)],
        rollback: sc.down ? [unit([sc.down.trim().replace(/;$/, '')], true)] : [],
        verify: [],
        derived: [],
        lost: [],
        lint: [...lint(sc.migration, 'migration'), ...lint(sc.down ?? '', 'down migration')],
      },
    ],
  };
}

// ---------------------------------------------------------------- database state

async function columnsOf(db, table) {
  const { rows } = await db.query(
    `SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relname = $1 AND c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [table],
  );
  return rows.map((r) => r.attname);
}

async function baseTable(db, names) {
  const { rows } = await db.query(`SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname = ANY($1)`, [names]);
  return names.find((n) => rows.some((r) => r.relname === n));
}

const ident = (s) => `"${s.replace(/"/g, '""')}"`;

/** Sessions of the migration besides its own connection: the programs a phase's commands run. */
const MIGRATION_APPS = new Set(['pg_repack']);

/** The schema of the public tables, and a checksum of each column over the rows the load never writes. */
async function fingerprint(db, sc, sizes) {
  const schema = (
    await db.query(`
    SELECT json_build_object(
      'columns', (SELECT json_agg(json_build_array(c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) ORDER BY c.relname, a.attname)
                    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                   WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped),
      'constraints', (SELECT json_agg(json_build_array(conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated) ORDER BY conrelid::regclass::text, conname)
                        FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
      'indexes', (SELECT json_agg(json_build_array(indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisvalid) ORDER BY indexrelid::regclass::text) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'public'::regnamespace),
      'triggers', (SELECT json_agg(json_build_array(tgrelid::regclass::text, tgname) ORDER BY tgrelid::regclass::text, tgname) FROM pg_trigger WHERE NOT tgisinternal),
      'sequences', (SELECT json_agg(json_build_array(seqrelid::regclass::text, format_type(seqtypid, NULL), seqmax) ORDER BY seqrelid::regclass::text) FROM pg_sequence)
    ) AS s`)
  ).rows[0].s;
  const data = {};
  for (const u of sc.untouched) {
    const table = await baseTable(db, u.table);
    if (!table) continue;
    const cols = await columnsOf(db, table);
    // per column, a sum of 64-bit hashes of (key, value): order-free (no sort), one pass over the rows
    const sums = cols.map((c) => `sum(hashtextextended(id::text || ':' || coalesce(${ident(c)}::text, '<null>'), 0))::text AS ${ident(c)}`);
    const { rows } = await db.query(`SELECT count(*)::int AS "#rows", ${sums.join(', ')} FROM ${ident(table)} WHERE ${u.where(sizes)}`);
    for (const [c, v] of Object.entries(rows[0])) data[`${u.table[0]}.${c}`] = v;
  }
  return { schema, data };
}

/** Differences between two fingerprints, leaving out columns whose data a step derives or loses. */
function differences(a, b, skip) {
  const out = [];
  const skipped = (k) => skip.has(k) || skip.has(`${k.split('.')[0]}.*`);
  for (const part of ['columns', 'constraints', 'indexes', 'triggers', 'sequences']) {
    const x = JSON.stringify(a.schema[part] ?? []);
    const y = JSON.stringify(b.schema[part] ?? []);
    if (x !== y) out.push(`${part} differ`);
  }
  for (const k of new Set([...Object.keys(a.data), ...Object.keys(b.data)])) {
    if (skipped(k)) continue;
    if (a.data[k] !== b.data[k]) out.push(`data of ${k} differs`);
  }
  return out;
}

async function existingColumns(db) {
  const { rows } = await db.query(
    `SELECT c.relname || '.' || a.attname AS col FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  return new Set(rows.map((r) => r.col));
}

/** The scenario's invariants between old and new columns that apply now: each must count 0 rows. */
async function checkEqual(db, sc) {
  const cols = await existingColumns(db);
  const bad = [];
  for (const e of sc.equal) {
    if (!e.needs.every((c) => cols.has(c))) continue;
    const n = Number((await db.query(e.sql)).rows[0].count);
    if (n !== 0) bad.push(`${n} ${e.label}`);
  }
  return bad;
}

/** The phase's own verification queries that say what to expect: 0, or true. */
async function checkVerify(db, phase) {
  const bad = [];
  for (const v of phase.verify) {
    const zero = /\(expect 0\b/.test(v.label);
    const yes = /\(expect true\b/.test(v.label);
    if (!zero && !yes) continue;
    const { rows } = await db.query(v.sql);
    const value = rows[0] ? Object.values(rows[0])[0] : undefined;
    if (zero && Number(value) !== 0) bad.push(`${v.label.replace(/ \(expect.*$/, '')}: ${value}`);
    if (yes && value !== true) bad.push(`${v.label.replace(/ \(expect.*$/, '')}: ${value}`);
  }
  return bad;
}

// ---------------------------------------------------------------- one run

async function runUnits(mig, units) {
  for (const u of units) {
    if (!u.sql.length) continue;
    if (u.transaction) await mig.query(u.sql.map((s) => `${s};`).join('\n'));
    else for (const s of u.sql) await mig.query(s);
  }
}

/** The phase's shell commands (pg_repack), as the plan tells the user to run them: libpq's PG* environment set, one after the other. */
async function runCommands(commands, url) {
  const u = new URL(url);
  const env = { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGDATABASE: decodeURIComponent(u.pathname.slice(1)), PGUSER: decodeURIComponent(u.username) };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  for (const c of commands) {
    try {
      await promisify(execFile)('/bin/sh', ['-c', c], { env, maxBuffer: 1 << 24 });
    } catch (e) {
      throw new Error(`${c.split(' ')[0]} failed: ${String(e.stderr || e.message).trim().split('\n').pop()}`);
    }
  }
}

/** A program a scenario's commands need, or why it is missing. */
function missingProgram(name) {
  if (!name) return undefined;
  const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${name} is not installed (Debian: postgresql-15-repack)`;
}

async function run(serverUrl, sc, mode) {
  const missing = mode === 'plan' ? missingProgram(sc.needs) : undefined;
  if (missing) return { scenario: sc.name, mode, steps: [], failures: [], notRun: missing };
  const dbName = `zdt_${sc.name.replace(/-/g, '_')}_${mode}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = serverUrl.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
  const sizes = {
    rows: cfg.rows,
    hot: cfg.hot,
    userRows: (sc.main ?? [sc.tables[0]]).includes('users') ? cfg.rows : Math.min(cfg.rows, 1000),
    accountRows: (sc.main ?? [sc.tables[0]]).includes('accounts') ? cfg.rows : Math.min(cfg.rows, 1000),
  };
  const setup = setupSql(sc, sizes);
  const db = new pg.Client({ connectionString: url, application_name: 'zdt-check' });
  const mig = new pg.Client({ connectionString: url, application_name: 'zdt-migration' });
  await db.connect();
  await mig.connect();
  const result = { scenario: sc.name, mode, steps: [], failures: [] };
  let load;
  let sampler;
  let reader;
  try {
    const t0 = performance.now();
    for (const t of setup.tables) await db.query(t);
    for (const f of setup.fill) await db.query(f);
    for (const i of setup.indexes) await db.query(i);
    await db.query('VACUUM ANALYZE');
    const { phases } = mode === 'plan' ? planSteps(sc, setup.history) : naiveSteps(sc, setup.history);
    result.setupSeconds = (performance.now() - t0) / 1000;
    result.lint = phases.flatMap((p) => p.lint);

    load = new Load({ url, clients: cfg.clients, rate: cfg.rate, app: sc.app, state: { ...sizes, seq: 1 } });
    sampler = new Sampler(url);
    await sampler.start();
    await load.start();
    if (sc.longRead) {
      reader = new pg.Client({ connectionString: url, application_name: 'zdt-long-read' });
      await reader.connect();
    }
    const migrationPids = new Set([mig.processID]);
    await sleep(short ? 500 : 1000); // warm up

    const window = async (name, dir, fn) => {
      const start = performance.now();
      let error;
      try {
        await fn();
      } catch (e) {
        error = String(e.message).split('\n')[0];
      }
      const ran = performance.now();
      await sleep(cfg.settle * 1000);
      const end = performance.now();
      const stats = windowStats({ records: load.records, samples: sampler.samples, start, end, migrationPids, migrationApps: MIGRATION_APPS, appPids: load.pids });
      const step = { name, dir, version: load.version, ranSeconds: (ran - start) / 1000, ...stats, error, checks: [] };
      result.steps.push(step);
      if (error) result.failures.push(`${dir} ${name}: ${error}`);
      return step;
    };
    const longRead = async () => {
      if (!reader) return;
      // a report that reads the table in one long transaction: the migration's locks queue behind it
      reader.query(`BEGIN; SELECT count(*) FROM ${sc.longRead.table} WHERE id < 10; SELECT pg_sleep(${cfg.longRead}); COMMIT;`).catch(() => {});
      await sleep(200);
    };
    const switchTo = (version, backward) =>
      window(backward ? 'switch back' : 'switch', backward ? 'back' : 'fwd', async () => {
        load.setVersion('both');
        await sleep(cfg.switchSeconds * 1000);
        load.setVersion(version);
      });

    const release1 = phases.filter((p) => p.release === 1);
    const release2 = phases.filter((p) => p.release === 2);
    const before = new Map();
    let backfilled = !phases.some((p) => p.stage === 'backfill');
    const fpInitial = await fingerprint(db, sc, sizes);
    let stopped = false;
    const forward = async (p) => {
      before.set(p, await fingerprint(db, sc, sizes));
      await longRead();
      const step = await window(p.name, 'fwd', async () => {
        await runUnits(mig, p.units);
        await runCommands(p.commands ?? [], url);
      });
      if (step.error) return false;
      // the invariants hold once every backfill has run (and, in a naive run, the migration)
      if (p.stage === 'naive' || (p.stage === 'backfill' && !phases.slice(phases.indexOf(p) + 1).some((x) => x.stage === 'backfill'))) backfilled = true;
      step.checks.push(...(await checkVerify(db, p)).map((m) => `verify: ${m}`));
      if (backfilled) step.checks.push(...(await checkEqual(db, sc)).map((m) => `equal: ${m}`));
      if (p.lint.length) step.checks.push(...p.lint.map((l) => `lint: ${l}`));
      return true;
    };
    for (const p of release1) if (!stopped && !(await forward(p))) stopped = true;
    if (!stopped) await switchTo('new', false);
    for (const p of release2) if (!stopped && !(await forward(p))) stopped = true;
    const applied = phases.filter((p) => before.has(p) && !result.steps.find((s) => s.name === p.name && s.error));

    // rollbacks, last phase first; the old code comes back before the release-1 phases are undone
    const backward = async (p) => {
      await longRead();
      const step = await window(`rollback of ${p.name}`, 'back', () => runUnits(mig, p.rollback));
      if (step.error) return false;
      const later = applied.slice(applied.indexOf(p));
      const skip = new Set([...later.flatMap((x) => x.derived), ...later.flatMap((x) => x.lost)]);
      const diff = differences(await fingerprint(db, sc, sizes), before.get(p), skip);
      step.checks.push(...diff.map((d) => `not restored: ${d}`));
      step.checks.push(...(await checkEqual(db, sc)).map((m) => `equal: ${m}`));
      return true;
    };
    if (!stopped) {
      for (const p of [...release2].reverse()) if (!stopped && applied.includes(p) && !(await backward(p))) stopped = true;
      if (!stopped) {
        await switchTo('old', true);
        if (sc.switchBack) await db.query(sc.switchBack);
      }
      for (const p of [...release1].reverse()) if (!stopped && applied.includes(p) && !(await backward(p))) stopped = true;
    }
    if (!stopped) {
      const skip = new Set([...phases.flatMap((x) => x.derived), ...phases.flatMap((x) => x.lost)]);
      result.finalDiff = differences(await fingerprint(db, sc, sizes), fpInitial, skip);
    }
  } catch (e) {
    result.failures.push(`harness: ${e.message}`);
  } finally {
    await load?.stop();
    await sampler?.stop();
    await reader?.end().catch(() => {});
    await db.end().catch(() => {});
    await mig.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  return result;
}

// ---------------------------------------------------------------- targets and the table

function summarize(result, dir) {
  const steps = result.steps.filter((s) => s.dir === dir);
  const c = combine(steps);
  const checks = steps.flatMap((s) => s.checks.map((x) => `${s.name}: ${x}`));
  if (dir === 'back' && result.finalDiff?.length) checks.push(...result.finalDiff.map((d) => `after every rollback: ${d}`));
  return { ...c, checks, failures: result.failures.filter((f) => f.startsWith(dir === 'fwd' ? 'fwd' : 'back')), harness: result.failures.filter((f) => f.startsWith('harness')) };
}

function missed(s) {
  const out = [];
  if (s.errors.old + s.errors.new) out.push(`${s.errors.old + s.errors.new} application errors`);
  if (s.stall) out.push(`${s.stall} s without a completed transaction`);
  if (s.aeMs > cfg.aeLimit) out.push(`ACCESS EXCLUSIVE held ${Math.round(s.aeMs)} ms`);
  out.push(...s.failures, ...s.harness, ...s.checks);
  return out;
}

const fmt = (n) => (n >= 100 ? String(Math.round(n)) : n.toFixed(n >= 10 ? 0 : 1));

function table(results) {
  const head = ['scenario', 'run', '', 'steps', 'seconds', 'txns', 'max ms', 'p99 ms', 'stall s', 'gap ms', 'errors old/new', 'lock waits', 'wait ms', 'AE ms', 'checks', 'targets'];
  const rows = [];
  for (const r of results) {
    if (r.notRun) {
      rows.push([r.scenario, r.mode, 'not run', ...head.slice(3, -2).map(() => ''), '', `not run: ${r.notRun}`]);
      continue;
    }
    for (const dir of ['fwd', 'back']) {
      const s = summarize(r, dir);
      const miss = missed(s);
      rows.push([
        r.scenario,
        r.mode,
        dir === 'fwd' ? 'forward' : 'rollback',
        String(s.phases),
        fmt(s.seconds),
        String(s.committed),
        fmt(s.maxMs),
        fmt(s.p99Ms),
        String(s.stall),
        fmt(s.gapMs),
        `${s.errors.old}/${s.errors.new}`,
        String(s.waits),
        fmt(s.waitMs),
        fmt(s.aeMs),
        s.checks.length || s.failures.length ? `${s.checks.length + s.failures.length} ✗` : '✓',
        r.mode === 'naive' ? (miss.length ? 'missed' : 'met') : miss.length ? 'MISSED' : 'met',
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i < 3 || i >= 14 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i < 3 || i >= 14 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

function details(r) {
  const out = [`\n${r.scenario} (${r.mode}): setup ${fmt(r.setupSeconds ?? 0)} s`];
  for (const s of r.steps) {
    out.push(
      `  ${s.dir} ${s.name.padEnd(28)} ran ${fmt(s.ranSeconds).padStart(5)} s  max ${fmt(s.maxMs).padStart(5)} ms  p99 ${fmt(s.p99Ms).padStart(5)} ms  stall ${s.stall}  gap ${fmt(s.gapMs).padStart(5)} ms  err ${s.errors.old}/${s.errors.new}  waits ${s.waits} (${fmt(s.waitMs)} ms)  AE ${fmt(s.aeMs)} ms${s.aeRel ? ` (${s.aeRel})` : ''}  migration waits ${s.migWaits}${s.error ? `  FAILED: ${s.error}` : ''}`,
    );
    for (const m of s.messages.slice(0, 3)) out.push(`      ${m}`);
    for (const c of s.checks) out.push(`      ✗ ${c}`);
  }
  for (const d of r.finalDiff ?? []) out.push(`  ✗ after every rollback: ${d}`);
  for (const f of r.failures.filter((x) => x.startsWith('harness'))) out.push(`  ✗ ${f}`);
  return out.join('\n');
}

// ---------------------------------------------------------------- main

const started = performance.now();
let server;
let url = option('--db-url', undefined);
if (!url) {
  server = await startServer();
  url = server.url;
}
log(`bench:zdt: ${scenarios.length} scenarios, ${cfg.rows.toLocaleString('en')} rows, ${cfg.rate} tps from ${cfg.clients} clients, ${cfg.settle} s after each step${cfg.jobs > 1 ? `, ${cfg.jobs} runs at a time` : ''}${short ? ' (short)' : ''}`);
// runs in a pool of --jobs workers (each run has a database of its own); the table keeps the scenarios' order
const queue = scenarios.flatMap((sc) => (cfg.naive ? ['naive', 'plan'] : ['plan']).map((mode) => ({ sc, mode })));
const results = new Array(queue.length);
let next = 0;
const worker = async () => {
  while (next < queue.length) {
    const i = next++;
    const { sc, mode } = queue[i];
    const t = performance.now();
    const r = await run(url, sc, mode);
    results[i] = r;
    const miss = ['fwd', 'back'].flatMap((d) => missed(summarize(r, d)));
    log(`  ${sc.name} ${mode}: ${r.notRun ? `not run: ${r.notRun}` : `${fmt((performance.now() - t) / 1000)} s${mode === 'plan' ? (miss.length ? `, MISSED: ${miss.slice(0, 4).join('; ')}` : ', targets met') : ''}`}`);
    if (cfg.detail || (mode === 'plan' && miss.length)) log(details(r));
  }
};
try {
  await Promise.all(Array.from({ length: cfg.jobs }, worker));
} finally {
  server?.stop();
}
const totalSeconds = (performance.now() - started) / 1000;
process.stdout.write(`${table(results)}\n\n${results.length} runs in ${fmt(totalSeconds)} s${cfg.jobs > 1 ? ` (${cfg.jobs} at a time)` : ''}; ${cfg.rows.toLocaleString('en')} rows, ${cfg.rate} tps (${cfg.clients} clients) each, targets: 0 application errors, 0 s without a completed transaction, ACCESS EXCLUSIVE ≤ ${cfg.aeLimit} ms, plan phases and rollbacks lint clean (lock rules), data restored after each rollback, dual-written columns equal\n`);
const jsonOut = option('--json', undefined);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ cfg, totalSeconds, results }, null, 1));
const planMissed = results.filter((r) => r.mode === 'plan' && ['fwd', 'back'].some((d) => missed(summarize(r, d)).length));
process.exit(planMissed.length ? 1 : 0);
