/** The programmatic API: parse and lint SQL text. Every front end (CLI, ESLint, trace) calls this. */
import { initParser } from './dialects/postgresql/pg.js';
import { parseFile } from './dialects/postgresql/parse.js';
import { initMysqlParser } from './dialects/mysql/grammar.js';
import { parseMysqlFile } from './dialects/mysql/parse.js';
import { detectDialect } from './dialects/detect.js';
import { lintParsed } from './engine/linter.js';
import { lintMysqlWithCatalog } from './engine/mysql-linter.js';
import type { LintOptions, LintResult, RuleDefinition } from './engine/types.js';
import { rules as builtinRules } from '../rules/index.js';

export { initParser, initMysqlParser };
export const rules: RuleDefinition[] = builtinRules;

/**
 * Lint SQL text synchronously; `initParser()` must have resolved (and `initMysqlParser()` for
 * MySQL text). `options.dialect`: postgresql (the default here), mysql, or auto (MySQL-only
 * syntax that PostgreSQL rejects makes it MySQL).
 */
export function lintSql(text: string, filePath = '<text>', options: LintOptions = {}): LintResult {
  const dialect = options.dialect === 'auto' ? detectDialect(text) : options.dialect ?? 'postgresql';
  if (dialect === 'mysql') return lintMysqlWithCatalog(parseMysqlFile(filePath, text, { target: options.mysqlVersion }), rules, options).result;
  const parsed = parseFile(filePath, text);
  return lintParsed(parsed, rules, options);
}

/** Lint SQL text (loads the parsers on first use). */
export async function lint(text: string, filePath = '<text>', options: LintOptions = {}): Promise<LintResult> {
  await initParser();
  if (options.dialect === 'mysql' || (options.dialect === 'auto' && detectDialect(text) === 'mysql')) await initMysqlParser();
  return lintSql(text, filePath, options);
}
