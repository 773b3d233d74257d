/** Fixed inputs for the reporter tests: constructed LintResults, and a real lint of fixtures/report. */
import { join, resolve } from 'node:path';
import { summarize } from '../src/engine/linter.js';
import { lintProject } from '../src/project.js';
import type { Finding, LintResult } from '../src/engine/types.js';

export const root = resolve(import.meta.dirname, '..');
export const cwd = '/repo';

/** A file whose second statement follows a non-BMP character, so UTF-16 columns differ from code points. */
export const SOURCE = "-- 🐘 migration: größe\nCREATE INDEX users_email_idx ON users (email);\nSELEC 1;\n";

function finding(f: Partial<Finding> & Pick<Finding, 'ruleId' | 'severity' | 'message' | 'line' | 'column' | 'endLine' | 'endColumn'>): Finding {
  return f as Finding;
}

/** Constructed results: a finding with a fix, lock and plan; a warning with a suggestion; a syntax error; an unreadable file; a clean file. */
export function constructed(): LintResult[] {
  const idx = SOURCE.indexOf('CREATE');
  const afterIndex = SOURCE.indexOf(' users_email_idx');
  const a = summarize('/repo/db/migrations/002_index.sql', [
    finding({
      ruleId: 'require-lock-timeout',
      severity: 1,
      message: 'No lock_timeout: 100% of "users" waits, a:b, c\r\nsecond line',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 47,
      lock: { table: 'users', mode: 'SHARE', blocks: ['writes', 'ddl'], duration: 'long' },
      suggestions: [{ desc: "Insert SET lock_timeout = '2s'", fix: { range: [idx, idx], text: "SET lock_timeout = '2s';\n" } }],
    }),
    finding({
      ruleId: 'require-concurrent-index',
      severity: 2,
      message: 'CREATE INDEX on existing table "users" without CONCURRENTLY: <blocks> writes | & more',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 47,
      lock: { table: 'users', mode: 'SHARE', blocks: ['writes', 'ddl'], duration: 'long' },
      fix: { range: [afterIndex, afterIndex], text: ' CONCURRENTLY' },
      plan: { kind: 'create-index-concurrently' },
    }),
    finding({ ruleId: 'syntax-error', severity: 2, message: 'syntax error at or near "SELEC"', line: 3, column: 1, endLine: 3, endColumn: 1, fatal: true }),
  ]);
  const unreadable = summarize('/repo/db/migrations/003_secret.sql', [
    finding({ ruleId: null as unknown as string, severity: 2, fatal: true, message: 'cannot read file: EACCES', line: 1, column: 1, endLine: 1, endColumn: 1 }),
  ]);
  const clean = summarize('/repo/db/migrations/001_init.sql', []);
  return [clean, { ...a, source: SOURCE }, unreadable];
}

/** A real lint of fixtures/report (README's example migration, with history). */
export async function fixtureResults(): Promise<LintResult[]> {
  const { results } = await lintProject([join(root, 'fixtures', 'report')], { cwd: root, overrides: {} });
  return results;
}
