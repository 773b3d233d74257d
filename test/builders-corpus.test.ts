/**
 * Builder calls on real projects: ../shared/corpus/outline+outline (Sequelize queryInterface)
 * and ../shared/corpus-orm/bluesky-social+atproto (Kysely db.schema). Every migration extracts
 * without a crash; at least 95% of the builder calls godwit recognises are translated (the rest
 * are dynamic-sql findings, never silence); every translated statement parses; godwit lint and
 * the ESLint plugin report the same findings at the same positions; the coverage adds up.
 * Skipped when ../shared is absent.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { initJsParser, extractMigration, isJsMigrationPath } from '../src/sources/extract/index.js';
import { lintProject } from '../src/project.js';
import plugin from '../src/eslint/index.js';

const shared = resolve(import.meta.dirname, '..', '..', 'shared');
const CORPORA = [
  { name: 'outline (Sequelize)', dir: join(shared, 'corpus', 'outline+outline'), runner: 'sequelize', minFiles: 250 },
  { name: 'atproto (Kysely)', dir: join(shared, 'corpus-orm', 'bluesky-social+atproto'), runner: 'kysely', minFiles: 100 },
];

beforeAll(async () => {
  await initParser();
  await initJsParser();
});

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'node_modules' ? [] : jsFiles(p);
    return isJsMigrationPath(p) && /migrations/.test(p) && !/\/(index|provider)\.ts$/.test(p) ? [p] : [];
  });
}

for (const c of CORPORA) {
  describe.skipIf(!existsSync(c.dir))(`builder calls on ${c.name}`, () => {
    it('extracts every migration; ≥ 95% of recognised builder calls translated; every translated statement parses', () => {
      const files = jsFiles(c.dir);
      expect(files.length).toBeGreaterThan(c.minFiles);
      let recognised = 0;
      let translated = 0;
      let dynamic = 0;
      let statements = 0;
      for (const f of files) {
        // (with the runner of the folder, as lint reads it: a file that only sends raw SQL may not say)
        const m = extractMigration(f, readFileSync(f, 'utf8'), { runner: c.runner as 'sequelize' | 'kysely' });
        expect(m.error, f).toBeUndefined();
        recognised += m.builderCalls;
        for (const call of m.calls) {
          if (call.kind === 'builder') {
            translated++;
            for (const sql of call.statements) {
              statements++;
              const parsed = parseFile('<builder>', sql);
              expect(parsed.statements.filter((s) => s.kind === 'SyntaxError').map((s) => s.error?.message), `${f}: ${sql}`).toEqual([]);
            }
          } else if (call.kind === 'dynamic' && call.operation !== undefined) dynamic++;
        }
      }
      console.log(`${c.name}: ${files.length} files, ${recognised} builder calls recognised, ${translated} translated (${statements} statements), ${dynamic} dynamic-sql (${((100 * translated) / recognised).toFixed(1)}%)`);
      expect(recognised).toBe(translated + dynamic);
      expect(recognised).toBeGreaterThan(200);
      expect(translated / recognised).toBeGreaterThanOrEqual(0.95);
    });

    it('godwit lint and the ESLint plugin agree on every file; stats count the statements and the unanalysable calls', async () => {
      const cli = await lintProject([c.dir], { cwd: c.dir, overrides: {} });
      const js = cli.results.filter((r) => isJsMigrationPath(r.filePath));
      expect(js.length).toBeGreaterThan(c.minFiles);
      const byRule = new Map<string, number>();
      for (const r of js) for (const m of r.messages) byRule.set(m.ruleId, (byRule.get(m.ruleId) ?? 0) + 1);
      console.log(`${c.name}: findings by rule ${JSON.stringify(Object.fromEntries([...byRule].sort((a, b) => b[1] - a[1])))}`);
      const unanalysable = js.reduce((n, r) => n + (r.stats?.unanalysable ?? 0), 0);
      expect(unanalysable).toBe(byRule.get('dynamic-sql') ?? 0);
      expect(js.reduce((n, r) => n + (r.stats?.statements ?? 0), 0)).toBeGreaterThan(300);

      const eslint = new ESLint({ cwd: c.dir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, { linterOptions: { reportUnusedDisableDirectives: 'off' } }] as never });
      const viaEslint = await eslint.lintFiles(js.map((r) => r.filePath));
      const shape = (m: { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; message: string }) => [m.ruleId?.replace(/^godwit\//, ''), m.line, m.column, m.endLine, m.endColumn, m.message];
      const fromEslint = new Map(viaEslint.map((r) => [r.filePath, r.messages.map(shape)]));
      for (const r of js) expect({ file: r.filePath, messages: fromEslint.get(r.filePath) }).toEqual({ file: r.filePath, messages: r.messages.map(shape) });
    }, 120_000);
  });
}
