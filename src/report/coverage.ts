/**
 * Coverage (CLI.md): every run states what it analysed and what it could not — a line at the
 * end of stylish and markdown output, `stats` in JSON results, run properties in SARIF, a notice
 * in GitHub annotations, testsuite properties in JUnit. (Its own module: the stylish format
 * loads nothing else of report/.)
 */
import type { LintResult } from '../engine/types.js';

/** What a run analysed (CLI.md, coverage): files, statements, and calls it could not read or translate. */
export interface Coverage {
  files: number;
  statements: number;
  unanalysable: number;
}

export function coverage(results: LintResult[]): Coverage {
  let statements = 0;
  let unanalysable = 0;
  for (const r of results) {
    statements += r.stats?.statements ?? 0;
    unanalysable += r.stats?.unanalysable ?? 0;
  }
  return { files: results.length, statements, unanalysable };
}

/** `312 files, 2,140 statements analysed, 3 calls not analysable (dynamic-sql)` */
export function coverageLine(c: Coverage): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return `${n(c.files)} file${c.files === 1 ? '' : 's'}, ${n(c.statements)} statement${c.statements === 1 ? '' : 's'} analysed, ${n(c.unanalysable)} call${c.unanalysable === 1 ? '' : 's'} not analysable${c.unanalysable ? ' (dynamic-sql)' : ''}`;
}

