/**
 * A `godwit lint --cache` run answered from what earlier runs recorded (src/cache/run-record.ts),
 * as the first thing the CLI does: the same command line replayed from the run record, or the
 * files a run names (a pre-commit hook) printed from the per-file cache when the file records say
 * none of their inputs changed. bin.cjs calls `answerRecorded` from a CommonJS bundle of this
 * module (scripts/bundle-cli.mjs), before Node's ES module loader, godwit's CLI or the linter
 * load (bench/README.md); main.ts makes the same decisions with the same functions for a run
 * started any other way.
 */
import { dirname } from 'node:path';
import { isRecordable, lintPathsOf, parseCommandLine } from './args.js';
import { answerFromFileRecords as recordedAnswer, buildId, cacheFilePath, fileRunKey, namedFiles, recordableAt, replayRun, runKey } from '../cache/run-record.js';
import { isAnswerable } from '../report/answerable.js';
import type { Io } from './main.js';

/** What these functions need of the CLI's io. */
type Streams = Pick<Io, 'stdout' | 'stderr' | 'cwd' | 'env'>;

type Options = Record<string, string | boolean | string[] | undefined>;

/** What the output depends on of the terminal: on one, its width (stylish wraps to it). */
export function terminalOf(stdout: Streams['stdout']): boolean | number {
  return stdout.isTTY ? ((stdout as { columns?: number }).columns ?? true) : false;
}

/** The key of this run's record (run-record.ts runKey). */
export function recordKey(argv: string[], io: Streams): string {
  return runKey(buildId(), io.cwd, argv, terminalOf(io.stdout), io.env);
}

/** The files a run names (all of them existing files), and the key of their file records; undefined for a run naming a directory. */
export function fileRecordsOf(paths: string[], values: Options, io: Streams): { files: string[]; key: string } | undefined {
  const files = namedFiles(paths, io.cwd);
  if (!files) return undefined;
  return { files, key: fileRunKey(buildId(), io.cwd, values, files[0].endsWith('.sql') ? dirname(files[0]) : files[0], terminalOf(io.stdout), io.env) };
}

/**
 * Print the named files' results from the per-file cache and return the exit code, as the lint
 * would (lint-command.ts), when the file records answer every file (src/cache/run-record.ts) and
 * the cache holds each result under the key recorded; else undefined (nothing printed).
 */
export async function answerFromFileRecords(cacheFile: string, named: { files: string[]; key: string }, values: Options, io: Streams): Promise<number | undefined> {
  const format = String(values.format ?? 'stylish');
  if (!isAnswerable(format) || values.quiet) return undefined;
  const answered = recordedAnswer(cacheFile, named.key, named.files);
  if (!answered) return undefined;
  const { LintCache } = await import('../cache/lint-cache.js');
  const cache = LintCache.load(cacheFile);
  const results = [];
  for (const a of answered) {
    const e = cache.get(a.file);
    if (!e || e.key !== a.key) return undefined;
    results.push(e.result);
  }
  const { formatAnswerable } = await import('../report/answerable.js');
  const { painter, useColor } = await import('../report/color.js');
  const { lintExitCode, maxWarningsOf, reportWidth } = await import('./lint-outcome.js');
  const maxWarnings = maxWarningsOf(values);
  const color = useColor(values['no-color'] ? false : (values.color as boolean | undefined), io.stdout, io.env);
  io.stdout.write(await formatAnswerable(format, results, { cwd: io.cwd, paint: painter(color), width: reportWidth(values, io.stdout) }));
  return lintExitCode(results, maxWarnings, io);
}

/**
 * Answer this command line from the records, when it is a recordable lint run: its recorded
 * output if none of its inputs changed, or the named files' results from the per-file cache;
 * the exit code then. Else undefined, nothing printed (the CLI then runs as usual, and reports
 * any usage error itself).
 */
export async function answerRecorded(argv: string[], io: Streams): Promise<number | undefined> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    if (values.help || values.version) return undefined;
    const paths = lintPathsOf(positionals);
    if (!paths || !isRecordable(values, paths)) return undefined;
    const cacheFile = cacheFilePath(io.cwd, values['cache-location']);
    if (!recordableAt(cacheFile)) return undefined;
    const replayed = replayRun(cacheFile, recordKey(argv, io), io.stdout, io.stderr);
    if (replayed !== undefined) return replayed;
    const named = fileRecordsOf(paths, values, io);
    return named && (await answerFromFileRecords(cacheFile, named, values, io));
  } catch {
    return undefined;
  }
}
