import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { catalogFromDump } from '../src/analysis/history.js';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { initMysqlParser } from '../src/dialects/mysql/grammar.js';
import { MysqlCatalog, parseMysqlFile, replayMysql } from '../src/dialects/index.js';
import { lintSql, rules } from '../src/lint.js';
import type { LintOptions, LintResult } from '../src/engine/types.js';

export { rules };

export async function ready(): Promise<void> {
  await initParser();
  await initMysqlParser();
}

/** Options written on a fixture's first line: `-- fixture: {"pgVersion": 10, "transaction": "file"}` */
export function fixtureOptions(text: string): LintOptions {
  const m = /^\s*--\s*fixture:\s*(\{.*\})\s*$/m.exec(text.split(/\r?\n/, 1)[0] ?? '');
  return m ? (JSON.parse(m[1]) as LintOptions) : {};
}

/** Lint with only one rule on (plus syntax-error, always on). */
export function lintWithRule(text: string, ruleId: string, extra: LintOptions = {}, filePath = 'fixture.sql'): LintResult {
  const only: Record<string, 'off' | 'error'> = {};
  for (const r of rules) only[r.id] = r.id === ruleId ? 'error' : 'off';
  return lintSql(text, filePath, { preset: 'all', ...extra, rules: { ...only, ...(extra.rules ?? {}) } });
}

/** A fixture `x.sql` may have `x.history.sql` beside it: the schema earlier migrations left. */
export function lintFixture(path: string, ruleId: string): { text: string; result: LintResult } {
  const text = readFileSync(path, 'utf8');
  const options = fixtureOptions(text);
  const history = path.replace(/\.sql$/, '.history.sql');
  if (existsSync(history)) {
    const h = readFileSync(history, 'utf8');
    if (options.dialect === 'mysql') {
      const c = replayMysql(new MysqlCatalog(), parseMysqlFile(history, h, { target: options.mysqlVersion }), options.mysqlVersion);
      c.sealAsHistory();
      options.mysqlCatalog = c;
    } else options.catalog = catalogFromDump(h, history);
  }
  return { text, result: lintWithRule(text, ruleId, options, path) };
}

/** The fixtures of a folder (sorted), without the expected outputs (.fixed.sql) and histories (.history.sql). */
export function sqlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql') && !f.endsWith('.fixed.sql') && !f.endsWith('.history.sql'))
    .sort()
    .map((f) => join(dir, f));
}
