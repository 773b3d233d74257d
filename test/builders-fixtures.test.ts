/**
 * Builder-call fixtures, as rule fixtures are: fixtures/builders/<tool>/{invalid,valid}/ hold
 * one migration per operation, linted after the tool's history migration (fixtures/builders/
 * <tool>/history/, which creates `users` and `teams` with the same tool's builder API). An
 * invalid fixture's first line names the rules it must raise (`// expect: rule …`), a valid one
 * raises none; every finding starts where a builder call starts and ends where it ends. The rule
 * require-lock-timeout is off here (it fires once per file in front of anything else).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { initJsParser, extractMigration } from '../src/sources/extract/index.js';
import { lintProject } from '../src/project.js';
import { SourceText } from '../src/dialects/postgresql/source.js';

const root = resolve(import.meta.dirname, '..', 'fixtures', 'builders');
const tools = readdirSync(root).sort();

beforeAll(async () => {
  await initParser();
  await initJsParser();
});

function expected(text: string): string[] {
  const m = /^\/\/ expect: (.*)$/m.exec(text.split('\n')[0]);
  return m ? m[1].split(/[\s,]+/).filter(Boolean).sort() : [];
}

async function lintFixture(tool: string, kind: string, name: string) {
  const dir = mkdtempSync(join(tmpdir(), `godwit-builders-${tool}-`));
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations);
  for (const h of readdirSync(join(root, tool, 'history'))) copyFileSync(join(root, tool, 'history', h), join(migrations, h));
  copyFileSync(join(root, tool, kind, name), join(migrations, name));
  const r = await lintProject([migrations], { cwd: dir, overrides: { rules: { 'require-lock-timeout': 'off' } } });
  const history = r.results.filter((x) => !x.filePath.endsWith(name));
  // the history migration itself creates new tables: nothing to report
  for (const h of history) expect({ file: h.filePath, messages: h.messages.map((m) => m.ruleId) }).toEqual({ file: h.filePath, messages: [] });
  const result = r.results.find((x) => x.filePath.endsWith(name));
  expect(result, `${name} was linted`).toBeDefined();
  return { result: result!, file: join(migrations, name) };
}

for (const tool of tools) {
  describe(`${tool} builder fixtures`, () => {
    for (const kind of ['invalid', 'valid']) {
      for (const name of readdirSync(join(root, tool, kind)).sort()) {
        it(`${kind}/${name}`, async () => {
          const text = readFileSync(join(root, tool, kind, name), 'utf8');
          const want = expected(text);
          if (kind === 'invalid') expect(want.length, 'an invalid fixture names its rules').toBeGreaterThan(0);
          const { result, file } = await lintFixture(tool, kind, name);
          expect([...new Set(result.messages.map((m) => m.ruleId))].sort()).toEqual(want);
          // every finding is at a builder call: from its start to its end
          const m = extractMigration(file, text);
          const src = new SourceText(text);
          const calls = m.calls.filter((c) => c.kind === 'builder' || c.operation !== undefined).map((c) => [src.position(c.callRange[0]), src.position(c.callRange[1])]);
          for (const f of result.messages) {
            const at = calls.find(([s]) => s.line === f.line && s.column === f.column);
            expect(at, `${f.ruleId} at ${f.line}:${f.column} starts at a builder call`).toBeDefined();
            expect([f.endLine, f.endColumn]).toEqual([at![1].line, at![1].column]);
          }
        });
      }
    }
  });
}
