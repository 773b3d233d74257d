/**
 * The lock table verified against PostgreSQL: every statement kind of src/analysis/locks.ts
 * (test/trace-cases.ts) and every rule fixture runs through `godwit trace` in PGlite
 * (PostgreSQL 18), and godwit's static facts — the strongest mode per relation, rewrite or
 * not — must match what pg_locks and pg_class.relfilenode report.
 *
 * Fixtures reference tables they do not create: test/trace-fixture-schema.ts synthesizes them
 * from the fixture's AST and replays that as history (into PGlite and into godwit's catalog
 * alike). A statement that still cannot run is counted, not compared.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import fg from 'fast-glob';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { traceText, shutdownPglite, type TracedStatement } from '../src/trace/index.js';
import { lexingChanges } from '../src/analysis/lexing.js';
import { BASE_SCHEMA, CASES } from './trace-cases.js';
import { synthesizeSchema } from './trace-fixture-schema.js';

afterAll(async () => {
  await shutdownPglite();
});

/**
 * Disagreements that are facts of the test set-up, not of the lock table. Each is
 * explained; the suite fails on any other.
 */
const KNOWN: Record<string, string> = {
  // a table is already in its access method / tablespace: PostgreSQL does nothing. PGlite has one
  // table access method (heap) and cannot create tablespaces, so the real change cannot run here;
  // godwit's catalog does not know a table's access method or tablespace and assumes the change
  'AT_SetAccessMethod': 'no other table access method in PGlite',
  'AT_SetTableSpace': 'PGlite cannot create a tablespace (SET TABLESPACE to the current one is a no-op)',
  'ALTER INDEX SET TABLESPACE': 'PGlite cannot create a tablespace (SET TABLESPACE to the current one is a no-op)',
  // timestamp → timestamptz is binary-compatible when the session TimeZone is UTC (PostgreSQL >= 12):
  // PGlite runs in UTC; godwit cannot know a server's TimeZone and assumes the rewrite
  'fixtures/prefer-timestamptz/invalid/add-column-and-alter-type.sql:1': 'timestamp → timestamptz skips the rewrite in a UTC session',
};

function unexplained(s: TracedStatement, key: string): string[] {
  if (KNOWN[key]) return [];
  return s.differences
    .filter((d) => !(s.statementKind === 'DoStmt' && d.message.includes('may not have run on this data')))
    .map((d) => d.message);
}

describe('lock table vs PostgreSQL: statement kinds (PGlite)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const r = await traceText(c.sql, { history: [BASE_SCHEMA, c.setup ?? ''] });
      expect(r.history.failed, JSON.stringify(r.history.errors)).toBe(0);
      expect(r.statements).toHaveLength(1);
      const s = r.statements[0];
      if (c.skipped) {
        expect(s.skipped).toContain(c.skipped);
        return;
      }
      if (c.error) {
        expect(s.error).toContain(c.error);
        return;
      }
      expect(s.skipped).toBeNull();
      expect(s.error).toBeNull();
      if (c.none) expect(s.static).toEqual([]);
      else expect(s.static.length, 'godwit names a lock for this kind').toBeGreaterThan(0);
      expect(unexplained(s, c.name)).toEqual([]);
      if (KNOWN[c.name]) expect(s.differences.length, `known: ${KNOWN[c.name]}`).toBeGreaterThan(0);
    });
  }
});

describe('lock table vs PostgreSQL: rule fixtures (PGlite)', () => {
  const files = fg.sync('fixtures/*/{invalid,valid}/*.sql', { cwd: process.cwd() }).filter((f) => !f.endsWith('.fixed.sql') && !f.endsWith('.history.sql')).sort();
  const tally = { files: 0, statements: 0, traced: 0, skipped: 0, failed: 0, compared: 0, refused: 0 };

  for (const f of files) {
    it(f, async () => {
      await initParser();
      const text = readFileSync(f, 'utf8');
      const historyPath = f.replace(/\.sql$/, '.history.sql');
      const history = existsSync(historyPath) ? readFileSync(historyPath, 'utf8') : '';
      const setup = synthesizeSchema(parseFile(f, text), history ? parseFile(historyPath, history) : undefined);
      if (lexingChanges(parseFile(f, text).statements).some((c) => c.scope === 'session' && c.differs)) {
        // a file that changes how PostgreSQL splits SQL (no-lexer-setting-change) is never run
        await expect(traceText(text, { history: [history, setup], path: f })).rejects.toThrow(/changes how PostgreSQL reads the statements after it/);
        tally.files++;
        tally.refused++;
        return;
      }
      const r = await traceText(text, { history: [history, setup], path: f });
      tally.files++;
      const problems: string[] = [];
      for (const s of r.statements) {
        tally.statements++;
        if (s.skipped) tally.skipped++;
        else if (s.error) tally.failed++;
        else {
          tally.traced++;
          if (s.static.length) tally.compared++;
          for (const m of unexplained(s, `${f}:${s.line}`)) problems.push(`${f}:${s.line}: ${m}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('traces most fixture statements (coverage)', () => {
    const runnable = tally.statements - tally.skipped;
    // eslint-disable-next-line no-console
    console.log(`trace coverage of the rule fixtures: ${tally.files} files, ${tally.statements} statements: ${tally.traced} traced (${tally.compared} with a static lock to compare), ${tally.failed} failed on the synthesized schema, ${tally.skipped} not traceable (transaction control, CONCURRENTLY, VACUUM, syntax errors); ${tally.refused} files refused (they change standard_conforming_strings or client_encoding)`);
    expect(tally.files).toBe(files.length);
    expect(tally.traced / runnable).toBeGreaterThan(0.85);
  });
});
