/** The programmatic API: parse and lint SQL text. Every front end (CLI, ESLint, trace) calls this. */
import { initParser } from './dialects/postgresql/pg.js';
import { parseFile } from './dialects/postgresql/parse.js';
import { lintParsed } from './engine/linter.js';
import type { LintOptions, LintResult, RuleDefinition } from './engine/types.js';
import { rules as builtinRules } from '../rules/index.js';

export { initParser };
export const rules: RuleDefinition[] = builtinRules;

/** Lint SQL text synchronously; `initParser()` must have resolved. */
export function lintSql(text: string, filePath = '<text>', options: LintOptions = {}): LintResult {
  const parsed = parseFile(filePath, text);
  return lintParsed(parsed, rules, options);
}

/** Lint SQL text (loads the parser on first use). */
export async function lint(text: string, filePath = '<text>', options: LintOptions = {}): Promise<LintResult> {
  await initParser();
  return lintSql(text, filePath, options);
}
