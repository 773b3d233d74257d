import type { LintResult } from '../engine/types.js';

/** CLI.md `--format json`: an array of ESLint-shaped LintResults. */
export function formatJson(results: LintResult[]): string {
  return JSON.stringify(results.map(({ source: _source, ...r }) => r));
}
