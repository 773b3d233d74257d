/**
 * How a lint run ends: its exit code from the results (and `--max-warnings`). A module of its
 * own, without the linter, so that a `--cache` run answered from the file records
 * (src/cache/run-record.ts) ends exactly as a run that lints.
 */
import type { LintResult } from '../engine/types.js';
import { UsageError } from './args.js';
import type { Io } from './main.js';

type Values = Record<string, string | boolean | string[] | undefined>;

/** `--max-warnings` (-1: no limit). */
export function maxWarningsOf(values: Values): number {
  if (values['max-warnings'] === undefined) return -1;
  const n = Number(values['max-warnings']);
  if (!Number.isInteger(n) || n < -1) throw new UsageError(`--max-warnings takes a whole number (got '${values['max-warnings']}')`);
  return n;
}

/** stylish wraps a message's details to the terminal (80 columns when it is not one): its width, or undefined. */
export function reportWidth(values: Values, stdout: Io['stdout']): number | undefined {
  const columns = (stdout as { columns?: number }).columns;
  return !values['output-file'] && stdout.isTTY && columns ? columns : undefined;
}

/** 1 with errors, or more warnings than `maxWarnings` (said on stderr); else 0. */
export function lintExitCode(results: readonly LintResult[], maxWarnings: number, io: Pick<Io, 'stderr'>): number {
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return 1;
  if (maxWarnings >= 0 && warnings > maxWarnings) {
    io.stderr.write(`godwit: too many warnings (${warnings}); the maximum is ${maxWarnings}.\n`);
    return 1;
  }
  return 0;
}
