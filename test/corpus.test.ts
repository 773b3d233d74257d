/**
 * Robustness on real migrations: lint every folder of ../shared/corpus (SQL files) and assert
 * no crash and no internal error. Skipped only when ../shared is absent.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { lintSql } from '../src/lint.js';
import { discoverFiles } from '../src/sources/discover.js';

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
const present = existsSync(corpus);

describe.skipIf(!present)('corpus', () => {
  beforeAll(() => initParser());
  const folders = present ? readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];

  for (const folder of folders) {
    it(`lints ${folder} without crashing`, async () => {
      const { files } = await discoverFiles([join(corpus, folder)]);
      let statements = 0;
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const result = lintSql(text, file, { preset: 'all' });
        expect(result.filePath).toBe(file);
        for (const m of result.messages) {
          expect(m.line, `${file}: ${m.ruleId}`).toBeGreaterThan(0);
          expect(m.column).toBeGreaterThan(0);
          expect(typeof m.message).toBe('string');
          if (m.fix) expect(m.fix.range[1]).toBeLessThanOrEqual(text.length);
        }
        statements += result.messages.length;
      }
      if (folder !== 'outline+outline') expect(files.length).toBeGreaterThan(0);
      expect(statements).toBeGreaterThanOrEqual(0);
    });
  }
});
