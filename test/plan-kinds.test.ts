/**
 * Rules and planners agree: a finding's `plan.kind` names a planner, and on every plan fixture
 * the statements the rules flag with a plan are exactly the ones the planners rewrite.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { lintSql } from '../src/lint.js';
import { catalogFromDump } from '../src/analysis/history.js';
import { PLAN_KINDS } from '../src/plan/types.js';
import { Catalog } from '../src/analysis/catalog.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { planParsed, PlanError, renderPlan } from '../src/plan/index.js';
import { fixture, fixturesDir, planFixture } from './plan-helpers.js';

const root = resolve(import.meta.dirname, '..', 'fixtures');

beforeAll(async () => {
  await initParser();
});

describe('plan kinds', () => {
  it('every plan kind a rule reports on its invalid fixtures has a planner', () => {
    const seen = new Set<string>();
    for (const rule of readdirSync(root)) {
      const dir = join(root, rule, 'invalid');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql') && !n.endsWith('.fixed.sql') && !n.endsWith('.history.sql'))) {
        const r = lintSql(readFileSync(join(dir, f), 'utf8'), f, { preset: 'all' });
        for (const m of r.messages) if (m.plan) seen.add(m.plan.kind);
      }
    }
    expect([...seen].filter((k) => !(PLAN_KINDS as readonly string[]).includes(k))).toEqual([]);
    // the rules point at most planners from their own fixtures
    expect(seen.size).toBeGreaterThanOrEqual(10);
  });

  const kinds = readdirSync(fixturesDir).filter((k) => existsSync(join(fixturesDir, k, 'migration.sql')));
  it.each(kinds)('%s: the findings with a plan are the planned changes', (kind) => {
    const f = fixture(kind);
    const r = lintSql(f.migration, 'migration.sql', { catalog: catalogFromDump(f.history), pgVersion: f.options.pgVersion ?? 15 });
    const flagged = r.messages.filter((m) => m.plan).map((m) => `${m.line}:${m.plan!.kind}`);
    const planned = planFixture(f).changes.map((c) => `${c.line}:${c.kind}`);
    expect([...new Set(flagged)].sort()).toEqual([...new Set(planned)].sort());
  });
});

describe('every rule fixture', () => {
  it('plans without throwing on PostgreSQL 10, 15 and 18, and every generated statement parses', () => {
    const problems: string[] = [];
    let changes = 0;
    for (const rule of readdirSync(root)) {
      for (const sub of ['invalid', 'valid']) {
        const dir = join(root, rule, sub);
        if (!existsSync(dir)) continue;
        for (const f of readdirSync(dir).filter((x) => x.endsWith('.sql') && !x.endsWith('.history.sql') && !x.endsWith('.fixed.sql'))) {
          const path = join(dir, f);
          const hist = path.replace(/\.sql$/, '.history.sql');
          const catalog = existsSync(hist) ? catalogFromDump(readFileSync(hist, 'utf8')) : new Catalog();
          for (const pgVersion of [10, 15, 18]) {
            let plan;
            try {
              plan = planParsed(parseFile(path, readFileSync(path, 'utf8')), catalog, { pgVersion });
            } catch (e) {
              if (!(e instanceof PlanError)) problems.push(`${path}: ${(e as Error).message}`);
              continue;
            }
            if (pgVersion === 15) changes += plan.changes.length;
            for (const emit of ['sql', 'pgroll', 'markdown'] as const) renderPlan(plan, emit, { file: path });
            for (const p of plan.phases) {
              if (!p.transaction && p.sql.length !== 1) problems.push(`${path}: phase ${p.name} outside a transaction holds ${p.sql.length} statements`);
              for (const sql of [...p.sql, ...p.rollback, ...p.verify.map((v) => v.sql)]) {
                const err = parseFile('phase.sql', sql).statements.find((x) => x.kind === 'SyntaxError');
                if (err) problems.push(`${path} (PG ${pgVersion}) ${p.name}: ${err.error?.message}: ${sql}`);
              }
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(changes).toBeGreaterThan(100);
  });
});
