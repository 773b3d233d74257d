/**
 * The shape of every finding's message (issue 15, item 7): ONE short sentence first (what, on
 * which table, which lock), then a newline and the details and the safe SQL, each line short.
 * Checked on every rule's own findings on every fixture (fixtures/<rule>/{invalid,valid}), and on
 * the corpus when ../shared is present.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ready, rules, lintFixture, sqlFiles } from './helpers.js';
import { lintSql } from '../src/lint.js';
import { discoverFiles } from '../src/sources/discover.js';

const root = join(import.meta.dirname, '..', 'fixtures');
/** the first line: one sentence, aim ≤ 100 characters (longer only through long names of the user's) */
const FIRST_LINE = 100;
/** any line */
const ANY_LINE = 120;

beforeAll(ready);

/** Problems with a message's shape, empty when it is fine. */
function shapeProblems(message: string, limits = { first: FIRST_LINE, any: ANY_LINE }): string[] {
  const out: string[] = [];
  const [first, ...rest] = message.split('\n');
  if (first.length > limits.first) out.push(`first line is ${first.length} characters (> ${limits.first}): ${first}`);
  // one sentence: no sentence end inside the first line (". " followed by a capital), and it ends with a full stop
  if (/[.!?] [A-Z]/.test(first.replace(/"[^"]*"/g, '""').replace(/\([^)]*\)/g, '()'))) out.push(`first line is more than one sentence: ${first}`);
  if (!/[.)]$/.test(first) && !/[.!?]$/.test(first)) out.push(`first line does not end a sentence: ${first}`);
  for (const line of rest) {
    if (line.length > limits.any) out.push(`line of ${line.length} characters (> ${limits.any}): ${line}`);
    if (line.trim() === '') out.push('an empty line');
  }
  return out;
}

describe('message shape on every fixture', () => {
  for (const rule of rules) {
    if (rule.id === 'syntax-error') continue; // PostgreSQL's own message
    it(rule.id, () => {
      const files = [...sqlFiles(join(root, rule.id, 'invalid')), ...sqlFiles(join(root, rule.id, 'valid'))];
      const problems: string[] = [];
      let seen = 0;
      for (const file of files) {
        const { result } = lintFixture(file, rule.id);
        for (const m of result.messages.filter((x) => x.ruleId === rule.id)) {
          seen++;
          for (const p of shapeProblems(m.message)) problems.push(`${file.split('/fixtures/')[1]}:${m.line}: ${p}`);
        }
      }
      expect(seen, 'findings checked').toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  }
});

describe('one statement, one finding per fact', () => {
  it('VACUUM FULL in a transaction: one finding (it fails there), not a timeout finding for a statement that never runs', () => {
    const r = lintSql('BEGIN;\nVACUUM FULL orders;\nCOMMIT;\n', 'm.sql', { preset: 'all' });
    expect(r.messages.map((m) => m.ruleId)).toEqual(['no-table-rewrite']);
    expect(r.messages[0].message.split('\n')[0]).toMatch(/fails/);
    expect(r.messages[0].message).toMatch(/rewrites/);
  });

  it('the timeout rules do not repeat the lock description of the statement they point at', () => {
    const r = lintSql('ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n', 'm.sql', { preset: 'all' });
    const ids = r.messages.map((m) => m.ruleId).sort();
    expect(ids).toEqual(['no-set-not-null', 'require-lock-timeout', 'require-statement-timeout']);
    const lines = r.messages.flatMap((m) => m.message.split('\n').slice(1));
    expect(new Set(lines).size, 'no detail line is said twice').toBe(lines.length);
    for (const m of r.messages.filter((x) => x.ruleId.startsWith('require-'))) expect(m.message).not.toMatch(/blocks reads, writes and DDL while it scans/);
  });
});

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
describe.skipIf(!existsSync(corpus))('message shape on the corpus', () => {
  it('every finding on every corpus SQL folder', async () => {
    const problems = new Map<string, number>();
    let seen = 0;
    for (const d of readdirSync(corpus, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const { files } = await discoverFiles([join(corpus, d.name)]);
      for (const file of files) {
        for (const m of lintSql(readFileSync(file, 'utf8'), file, { preset: 'all' }).messages) {
          if (m.ruleId === 'syntax-error' || !m.ruleId) continue;
          seen++;
          // real names are longer than the fixtures': allow them some room
          for (const p of shapeProblems(m.message, { first: 180, any: 200 })) {
            const key = `${m.ruleId}: ${p.replace(/: .*$/s, '')}`;
            problems.set(key, (problems.get(key) ?? 0) + 1);
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(1000);
    expect([...problems]).toEqual([]);
  }, 120_000);
});

describe('a message of several lines in every format', () => {
  it('stylish wraps the details to the width; json, sarif, github (%0A), junit (&#10;), gitlab and markdown (<br>) keep the whole text', async () => {
    const { formatResults } = await import('../src/report/index.js');
    const { painter } = await import('../src/report/color.js');
    const r = { ...lintSql('ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n', '/repo/m.sql', { preset: 'recommended' }), source: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n' };
    const m = r.messages.find((x) => x.ruleId === 'no-set-not-null')!;
    const lines = m.message.split('\n');
    expect(lines.length).toBeGreaterThan(3);
    const ctx = { cwd: '/repo', paint: painter(false) };
    const narrow = formatResults('stylish', [r], { ...ctx, width: 60 });
    expect(narrow).toContain(`error  ${lines[0]}  no-set-not-null\n`);
    for (const l of narrow.split('\n')) if (l.startsWith('      ') && !l.includes(' | ') && !l.includes(' · ')) expect(l.length, l).toBeLessThanOrEqual(60);
    expect(JSON.parse(formatResults('json', [r], ctx))[0].messages.find((x: { ruleId: string }) => x.ruleId === 'no-set-not-null').message).toBe(m.message);
    const sarif = JSON.parse(formatResults('sarif', [r], ctx));
    expect(sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'no-set-not-null').message.text).toBe(m.message);
    const gh = formatResults('github', [r], ctx).split('\n').find((l) => l.includes('no-set-not-null'))!;
    expect(gh).toContain(lines.join('%0A'));
    expect(gh.split('::').length).toBe(3); // one workflow command on one line
    expect(formatResults('junit', [r], ctx)).toContain(`message="${lines[0].replace(/"/g, '&quot;')}&#10;`);
    expect(JSON.parse(formatResults('gitlab', [r], ctx)).find((x: { check_name: string }) => x.check_name === 'no-set-not-null').description).toBe(m.message);
    expect(formatResults('markdown', [r], ctx)).toContain(`${lines[0].replace(/"/g, '"')}<br>`);
  });
});
