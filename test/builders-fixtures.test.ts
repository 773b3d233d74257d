/**
 * Builder-call fixtures, as rule fixtures are: fixtures/builders/<tool>/{invalid,valid}/ hold
 * one migration per operation, linted after the tool's history migration (fixtures/builders/
 * <tool>/history/, which creates `users` and `teams` — for Django the models `Member` and `Team`
 * of the app `shop` — with the same tool's API). An invalid fixture's first line names the rules
 * it must raise (`// expect: rule …`, `# expect: rule …` in Python), a valid one raises none;
 * every finding starts where a builder call (an Alembic `op.*` call, a Django operation) starts
 * and ends where it ends. The rule require-lock-timeout is off here (it fires once per file in
 * front of anything else).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { initJsParser, extractMigration } from '../src/sources/extract/index.js';
import { extractPyMigration, initPyParser } from '../src/sources/extract/python/index.js';
import { pyExtractOptions, pyRootOf } from '../src/sources/py-roots.js';
import { lintProject } from '../src/project.js';
import { SourceText } from '../src/dialects/postgresql/source.js';

const root = resolve(import.meta.dirname, '..', 'fixtures', 'builders');
const tools = readdirSync(root).sort();

beforeAll(async () => {
  await initParser();
  await initJsParser();
  await initPyParser();
});

function expected(text: string): string[] {
  const m = /^(?:\/\/|#) expect: (.*)$/m.exec(text.split('\n')[0]);
  return m ? m[1].split(/[\s,]+/).filter(Boolean).sort() : [];
}

async function lintFixture(tool: string, kind: string, name: string) {
  const dir = mkdtempSync(join(tmpdir(), `godwit-builders-${tool}-`));
  // Django reads an app's migrations package inside the project of manage.py
  const migrations = tool === 'django' ? join(dir, 'shop', 'migrations') : join(dir, 'migrations');
  mkdirSync(migrations, { recursive: true });
  if (tool === 'django') writeFileSync(join(dir, 'manage.py'), '');
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
          // a Django operation is read with the model state of the migrations before it
          const m = file.endsWith('.py') ? extractPyMigration(file, text, pyExtractOptions((await pyRootOf(file))!, file)) : extractMigration(file, text);
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
