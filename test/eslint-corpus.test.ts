/**
 * The ESLint plugin and `godwit lint` on the SQL projects of ../shared/corpus: for every file,
 * the same findings (rule, position, range, severity, message, fix) through ESLint's own
 * `ESLint` class as through the CLI's `lintProject`, with the recommended preset. (Outline's
 * JS/TS migrations are compared in builders-corpus.test.ts.) Skipped when ../shared is absent.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import plugin from '../src/eslint/index.js';
import { lintProject } from '../src/project.js';

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
const present = existsSync(corpus);
const folders = present ? readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'outline+outline').map((d) => d.name) : [];

/** What must agree between the CLI and ESLint for one message. */
function shape(m: { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; severity: number; message: string; fix?: unknown }) {
  return [m.ruleId?.replace(/^godwit\//, ''), m.line, m.column, m.endLine, m.endColumn, m.severity, m.message, m.fix];
}

describe.skipIf(!present)('ESLint and godwit lint agree on the corpus', () => {
  for (const folder of folders) {
    it(`on ${folder}`, async () => {
      const dir = join(corpus, folder);
      const cli = await lintProject([dir], { cwd: corpus, overrides: { preset: 'recommended' } });
      const eslint = new ESLint({ cwd: corpus, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, { linterOptions: { reportUnusedDisableDirectives: 'off' } }] as never });
      const viaEslint = await eslint.lintFiles([dir]);
      const fromEslint = new Map(viaEslint.map((r) => [r.filePath, r.messages.map((m) => shape(m as never))]));
      expect(cli.results.length).toBeGreaterThan(0);
      let findings = 0;
      for (const r of cli.results) {
        findings += r.messages.length;
        expect({ file: r.filePath, messages: fromEslint.get(r.filePath) }).toEqual({ file: r.filePath, messages: r.messages.map(shape) });
      }
      // the other SQL files ESLint sees (down scripts, files no runner applies) get no findings
      const linted = new Set(cli.results.map((r) => r.filePath));
      for (const [file, messages] of fromEslint) if (!linted.has(file)) expect({ file, messages }).toEqual({ file, messages: [] });
      expect(findings).toBeGreaterThan(0);
    }, 300_000);
  }
});
