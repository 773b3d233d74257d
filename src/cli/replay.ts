/**
 * The replay of a recorded `godwit lint --cache` run (src/cache/run-record.ts), as the first
 * thing the CLI does. bin.cjs calls `replayRecordedRun` from a CommonJS bundle of this module
 * (scripts/bundle-cli.mjs): a repeated run over unchanged inputs then prints its recorded output
 * without Node's ES module loader, godwit's CLI or the linter ever loading (bench/README.md).
 * main.ts makes the same decisions with the same functions for a run started any other way.
 */
import { lintPathsOf, parseCommandLine } from './args.js';
import { buildId, cacheFilePath, recordableAt, replayRun, runKey } from '../cache/run-record.js';

type Values = ReturnType<typeof parseCommandLine>['values'];

interface Streams {
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Whether a lint run can be recorded, and replayed: `--cache`, and nothing read that is not a file (stdin, git, a server) nor written but stdout. */
export function isRecordable(values: Values, paths: string[]): boolean {
  return !!values.cache && !values.fix && !values['fix-dry-run'] && !values.stdin && !paths.includes('-') && values['changed-since'] === undefined && values['output-file'] === undefined && values['db-url'] === undefined;
}

/** What the output depends on of the terminal: on one, its width (stylish wraps to it). */
export function terminalOf(stdout: Streams['stdout']): boolean | number {
  return stdout.isTTY ? (stdout.columns ?? true) : false;
}

/** The key of this run's record (run-record.ts runKey). */
export function recordKey(argv: string[], io: Streams): string {
  return runKey(buildId(), io.cwd, argv, terminalOf(io.stdout), io.env);
}

/**
 * Print the recorded output of this command line and return its exit code, when it is a
 * recordable lint run whose record is for it and none of whose inputs changed; else undefined,
 * nothing printed (the CLI then runs as usual, and reports any usage error itself).
 */
export function replayRecordedRun(argv: string[], io: Streams): number | undefined {
  try {
    const { values, positionals } = parseCommandLine(argv);
    if (values.help || values.version) return undefined;
    const paths = lintPathsOf(positionals);
    if (!paths || !isRecordable(values, paths)) return undefined;
    const cacheFile = cacheFilePath(io.cwd, values['cache-location']);
    if (!recordableAt(cacheFile)) return undefined;
    return replayRun(cacheFile, recordKey(argv, io), io.stdout, io.stderr);
  } catch {
    return undefined;
  }
}
