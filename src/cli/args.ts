/**
 * The command line's options, parsed the same way by the CLI (main.ts) and by the replay of a
 * recorded `--cache` run (replay.ts, loaded before anything else).
 */
import { parseArgs } from 'node:util';

/** A mistake in the command line: reported with the usage hint, exit code 2. */
export class UsageError extends Error {}

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  'output-file': { type: 'string', short: 'o' },
  'pg-version': { type: 'string' },
  dialect: { type: 'string' },
  'mysql-version': { type: 'string' },
  preset: { type: 'string' },
  rule: { type: 'string', multiple: true },
  transaction: { type: 'string' },
  'max-warnings': { type: 'string' },
  quiet: { type: 'boolean' },
  stdin: { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  'no-inline-config': { type: 'boolean' },
  'no-error-on-unmatched-pattern': { type: 'boolean' },
  'pass-on-no-patterns': { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  runner: { type: 'string' },
  schema: { type: 'string' },
  'changed-since': { type: 'string' },
  'db-url': { type: 'string' },
  stats: { type: 'string' },
  'replay-history': { type: 'boolean' },
  'no-replay-history': { type: 'boolean' },
  'lock-timeout': { type: 'string' },
  'statement-timeout': { type: 'string' },
  'allow-unrestricted': { type: 'boolean' },
  out: { type: 'string' },
  emit: { type: 'string' },
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  cache: { type: 'boolean' },
  'cache-location': { type: 'string' },
  force: { type: 'boolean' },
  hook: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** argv parsed strictly (an unknown option throws). */
export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
}

/** The commands other than `lint` (which is also what a command line without one does). */
export const COMMANDS = ['rules', 'init', 'plan', 'trace'] as const;

/** The paths a command line lints, or undefined when it runs another command. */
export function lintPathsOf(positionals: string[]): string[] | undefined {
  const [first, ...rest] = positionals;
  if (first === 'lint') return rest;
  return first !== undefined && (COMMANDS as readonly string[]).includes(first) ? undefined : positionals;
}

/** Whether a lint run can be recorded, and replayed (src/cache/run-record.ts): `--cache`, and nothing read that is not a file (stdin, git, a server) nor written but stdout. */
export function isRecordable(values: Record<string, string | boolean | string[] | undefined>, paths: string[]): boolean {
  return !!values.cache && !values.fix && !values['fix-dry-run'] && !values.stdin && !paths.includes('-') && values['changed-since'] === undefined && values['output-file'] === undefined && values['db-url'] === undefined;
}
