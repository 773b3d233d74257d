/**
 * Fixture-driven rule tests: every `fixtures/<id>/invalid/*.sql` must produce the rule,
 * every `valid/*.sql` must not, and an `x.fixed.sql` beside `x.sql` is the expected result
 * of applying the rule's fixes. An `x.history.sql` beside `x.sql` is replayed first as the
 * schema earlier migrations left (the catalog the rules read). Options for a fixture go on its first line:
 *   -- fixture: {"pgVersion": 10, "transaction": "file"}
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ready, rules, lintFixture, sqlFiles } from './helpers.js';
import { applyEdits } from '../src/fix/apply.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';

const root = join(import.meta.dirname, '..', 'fixtures');

beforeAll(ready);

for (const rule of rules) {
  describe(rule.id, () => {
    const invalid = sqlFiles(join(root, rule.id, 'invalid'));
    const valid = sqlFiles(join(root, rule.id, 'valid'));

    it('has fixtures proving the finding and the non-finding', () => {
      expect(invalid.length, `fixtures/${rule.id}/invalid/*.sql`).toBeGreaterThan(0);
      expect(valid.length, `fixtures/${rule.id}/valid/*.sql`).toBeGreaterThan(0);
    });

    it('has docs', () => {
      expect(rule.docs.summary.length).toBeGreaterThan(10);
      expect(rule.docs.why.length).toBeGreaterThan(20);
      expect(rule.docs.fix.length).toBeGreaterThan(10);
    });

    for (const file of invalid) {
      it(`flags invalid/${file.split('/').pop()}`, () => {
        const { result } = lintFixture(file, rule.id);
        const hits = result.messages.filter((m) => m.ruleId === rule.id);
        expect(hits.length, JSON.stringify(result.messages, null, 1)).toBeGreaterThan(0);
        if (rule.id !== 'syntax-error') {
          expect(result.messages.filter((m) => m.ruleId === 'syntax-error')).toEqual([]);
        }
        for (const h of hits) {
          expect(h.line).toBeGreaterThan(0);
          expect(h.column).toBeGreaterThan(0);
        }
        const fixed = file.replace(/\.sql$/, '.fixed.sql');
        if (existsSync(fixed)) {
          const edits = hits.flatMap((h) => (h.fix ? [h.fix] : []));
          expect(edits.length, 'a .fixed.sql fixture needs a fix').toBeGreaterThan(0);
          const { text: out } = applyEdits(parseFile(file, result.source ?? readFileSync(file, 'utf8')).source.text, edits);
          expect(out).toBe(readFileSync(fixed, 'utf8'));
        }
      });
    }

    for (const file of valid) {
      it(`accepts valid/${file.split('/').pop()}`, () => {
        const { result } = lintFixture(file, rule.id);
        expect(result.messages.filter((m) => m.ruleId === rule.id), JSON.stringify(result.messages, null, 1)).toEqual([]);
        expect(result.messages.filter((m) => m.ruleId === 'syntax-error')).toEqual([]);
      });
    }
  });
}
