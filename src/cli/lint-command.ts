import { existsSync, statSync } from 'node:fs';
import { resolve, join, relative } from 'node:path';
import { writeOutput, WriteError } from '../io/write.js';
import { rules } from '../lint.js';
import { summarize } from '../engine/linter.js';
import { didYouMean } from '../engine/rule-names.js';
import { lintProject, lintVirtualFile, type ProjectOptions } from '../project.js';
import { ConfigError } from '../config/errors.js';
import { isRunnerName, RUNNERS } from '../sources/index.js';
import { MAX_FILE_BYTES, MAX_SCHEMA_BYTES, readSourceFile, stdinProblem } from '../sources/read.js';
import { inputRead, optimizeOnlyBigInputs } from '../jit.js';
import { isPreset } from '../engine/presets.js';
import { MYSQL_VERSIONS, isMysqlVersion } from '../dialects/mysql/matrix.js';
import type { LintOptions, LintResult, RuleSetting } from '../engine/types.js';
import type { TransactionMode } from '../analysis/transactions.js';
import { FORMATS, formatResultsLazily, type FormatName } from '../report/formats.js';
import { painter, useColor } from '../report/color.js';
import { UsageError, type Io } from './main.js';
import { lintExitCode, maxWarningsOf, reportWidth } from './lint-outcome.js';
import type { FixSession } from '../fix/session.js';

const TRANSACTIONS = ['auto', 'none', 'file', 'all', 'implicit'];

type Values = Record<string, string | boolean | string[] | undefined>;

export function lintOptionsFrom(values: Values): LintOptions {
  const options: LintOptions = {};
  if (values['pg-version'] !== undefined) {
    const v = Number(values['pg-version']);
    if (!Number.isInteger(v) || v < 9 || v > 99) throw new UsageError(`--pg-version takes a PostgreSQL major version such as 15, not '${values['pg-version']}'`);
    options.pgVersion = v;
  }
  if (values.dialect !== undefined) {
    const d = String(values.dialect);
    if (d !== 'auto' && d !== 'postgresql' && d !== 'mysql') throw new UsageError(`--dialect must be one of auto, postgresql, mysql (got '${d}')`);
    if (d !== 'auto') options.dialect = d;
  }
  if (values['mysql-version'] !== undefined) {
    const v = String(values['mysql-version']);
    if (!isMysqlVersion(v)) throw new UsageError(`--mysql-version must be one of ${MYSQL_VERSIONS.join(', ')}, or a MySQL release such as 8.0.28 (got '${v}')`);
    options.mysqlVersion = v;
  }
  if (values.preset !== undefined) {
    const p = String(values.preset);
    if (!isPreset(p)) throw new UsageError(`--preset must be one of recommended, strict, all (got '${p}')`);
    options.preset = p;
  }
  if (values.transaction !== undefined) {
    const t = String(values.transaction);
    if (!TRANSACTIONS.includes(t)) throw new UsageError(`--transaction must be one of ${TRANSACTIONS.join(', ')} (got '${t}')`);
    if (t !== 'auto') options.transaction = t as TransactionMode;
  }
  const overrides: Record<string, RuleSetting> = {};
  for (const spec of (values.rule as string[] | undefined) ?? []) {
    const i = spec.lastIndexOf(':');
    const id = i === -1 ? spec : spec.slice(0, i);
    const sev = i === -1 ? 'error' : spec.slice(i + 1);
    if (!rules.some((r) => r.id === id)) throw new UsageError(`--rule: unknown rule '${id}' (see 'godwit rules').${didYouMean(id, rules.map((r) => r.id))}`);
    if (sev !== 'off' && sev !== 'warn' && sev !== 'error') throw new UsageError(`--rule ${id}: severity must be off, warn or error (got '${sev}')`);
    overrides[id] = sev;
  }
  if (Object.keys(overrides).length) options.rules = overrides;
  if (values['no-inline-config']) options.inlineConfig = false;
  return options;
}

export async function lintCommand(paths: string[], values: Values, io: Io): Promise<number> {
  // (in-process callers, the tests, keep their own V8 settings)
  if (io.stdout === process.stdout) optimizeOnlyBigInputs();
  const format = String(values.format ?? 'stylish');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${format}')`);
  const maxWarnings = maxWarningsOf(values);
  const options = lintOptionsFrom(values);
  const useStdin = !!values.stdin || paths.includes('-');
  const filePaths = paths.filter((p) => p !== '-');
  const implicitDot = !useStdin && filePaths.length === 0;
  if (implicitDot) filePaths.push('.');
  const unmatchedOk = !!values['no-error-on-unmatched-pattern'] || (implicitDot && !!values['pass-on-no-patterns']);

  const cwd = io.cwd;
  const runnerFlag = values.runner === undefined ? undefined : String(values.runner);
  if (runnerFlag !== undefined && runnerFlag !== 'auto' && !isRunnerName(runnerFlag)) {
    throw new UsageError(`--runner must be one of auto, ${RUNNERS.join(', ')} (got '${runnerFlag}')`);
  }
  const project: ProjectOptions = {
    cwd,
    configPath: values.config ? resolve(cwd, String(values.config)) : undefined,
    overrides: { ...options, runner: runnerFlag && isRunnerName(runnerFlag) ? runnerFlag : undefined, schema: values.schema ? String(values.schema) : undefined },
    workers: workersFrom(io.env),
  };
  if (values.schema && !existsSync(resolve(cwd, String(values.schema)))) throw new UsageError(`--schema: no such file: ${values.schema}`);
  await loadTableSizes(values, cwd, project);
  if (project.configPath && !existsSync(project.configPath)) throw new UsageError(`--config: no such file: ${values.config}`);
  const fixing = await fixSessionFor(values, useStdin);
  if (fixing) project.fix = fixing.fixer;
  if (values['cache-location'] !== undefined && !values.cache) throw new UsageError('--cache-location needs --cache');
  // (not with --fix: a fixed file is linted again anyway, and its result is what is written)
  if (values.cache && !fixing) project.cache = await loadCache(cwd, values['cache-location'] as string | undefined);

  const results: LintResult[] = [];
  let ioFailure = false;
  let unmatchedFailure = false;
  try {
    if (values['changed-since'] !== undefined) {
      const { changedSince } = await import('../sources/git.js'); // (and child_process) only for --changed-since
      const changes = changedSince(String(values['changed-since']), cwd);
      project.only = changes.files;
      for (const f of changes.modified) io.stderr.write(`godwit: warning: ${relative(cwd, f)} was changed after ${values['changed-since']}: editing a migration that may already have run does not re-run it anywhere\n`);
    }
    if (useStdin) {
      const name = values['stdin-filename'] ? resolve(cwd, String(values['stdin-filename'])) : '<stdin>';
      // nothing to read is not a clean file: a directory or a closed descriptor is an error (exit 2)
      let problem = io.stdin === process.stdin ? stdinProblem() : undefined;
      let text: string | undefined;
      if (!problem) {
        try {
          text = await readStream(io.stdin, MAX_FILE_BYTES);
          if (text !== undefined) inputRead(Buffer.byteLength(text));
          // as a file over the size limit (src/sources/read.ts); reading stops at the limit
          if (text === undefined) problem = `too large to lint (standard input is over the limit of ${MAX_FILE_BYTES / 1048576} MB)`;
        } catch (e) {
          problem = `standard input cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
        }
      }
      if (problem === undefined) results.push(await lintVirtualFile(text!, name, project));
      else {
        ioFailure = true;
        results.push(summarize(name, [{ ruleId: null as unknown as string, severity: 2, fatal: true, message: `cannot read file: ${problem}`, line: 1, column: 1, endLine: 1, endColumn: 1 }]));
      }
    }
    if (filePaths.length) {
      const r = await lintProject(filePaths, project);
      for (const w of r.warnings) io.stderr.write(`godwit: ${w}\n`);
      // a missing path is an error (exit 2) unless unmatched paths are allowed; then only a note
      ioFailure ||= r.ioFailure || (r.missing.length > 0 && !unmatchedOk);
      results.push(...r.results);
      // ESLint's "No files matching the pattern": nothing to lint is not a green run
      if (!unmatchedOk && r.unmatched.length) {
        for (const u of r.unmatched) {
          io.stderr.write(
            u.reason === 'none'
              ? `godwit: No files matching the pattern "${u.path}" were found: no *.sql files and no JS/TS migrations under it. Check the path, or pass --no-error-on-unmatched-pattern.\n`
              : `godwit: All files matched by "${u.path}" are ignored: the config's include/exclude leaves them out, or they are not migrations. Pass --no-error-on-unmatched-pattern to allow it.\n`,
          );
        }
        unmatchedFailure = true;
      }
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr.write(`godwit: invalid configuration:\n${e.message}\n`);
      return 2;
    }
    if (values['changed-since'] !== undefined && e instanceof (await import('../sources/git.js')).GitError) throw new UsageError(e.message);
    throw e;
  }

  const cacheError = project.cache?.save();
  if (cacheError) io.stderr.write(`godwit: warning: ${cacheError}\n`);

  const shown = values.quiet ? results.map(errorsOnly) : results;
  const color = useColor(values['no-color'] ? false : (values.color as boolean | undefined), values['output-file'] ? {} : io.stdout, io.env);
  // --fix writes the files before the report of what remains; --fix-dry-run shows the diff first
  const fixed = fixing?.finish(cwd, !!values.fix);
  for (const m of fixed?.messages ?? []) io.stderr.write(m);
  if (fixing && values['fix-dry-run'] && format === 'stylish') {
    const diffColor = useColor(values['no-color'] ? false : (values.color as boolean | undefined), io.stdout, io.env);
    io.stdout.write(fixing.diff(cwd, painter(diffColor)));
  }
  const report = await formatResultsLazily(format as FormatName, shown, { cwd: io.cwd, paint: painter(color), width: reportWidth(values, io.stdout) });
  if (!writeReport(report, values['output-file'], io)) return 2;
  if (format === 'gitlab') {
    // a Code Quality report is an array of issues and nothing else: the coverage goes to the job log
    const { coverage, coverageLine } = await import('../report/coverage.js');
    io.stderr.write(`godwit: ${coverageLine(coverage(shown))}\n`);
  }

  if (ioFailure || fixed?.failed || unmatchedFailure) return 2;
  return lintExitCode(results, maxWarnings, io);
}

/** `--stats <file>` or `--db-url <url>`: production table sizes for the findings (docs/table-sizes.md). */
async function loadTableSizes(values: Values, cwd: string, project: ProjectOptions): Promise<void> {
  if (values.stats !== undefined && values['db-url'] !== undefined) throw new UsageError('--stats and --db-url both give table sizes: use one');
  let sizes;
  if (values.stats !== undefined) {
    const { parseTableSizes } = await import('../analysis/table-sizes.js');
    const path = resolve(cwd, String(values.stats));
    if (!existsSync(path)) throw new UsageError(`--stats: no such file: ${values.stats}`);
    const parsed = parseTableSizes(readSourceFile(path, MAX_SCHEMA_BYTES));
    if (parsed.problems.length) throw new UsageError(`--stats ${values.stats}: ${parsed.problems.join('; ')}`);
    sizes = parsed.sizes;
  } else if (values['db-url'] !== undefined) {
    const { readTableSizes } = await import('../sources/table-stats.js');
    try {
      sizes = await readTableSizes(String(values['db-url']));
    } catch (e) {
      throw new UsageError(`--db-url: cannot read the table sizes: ${(e as Error).message}`);
    }
  }
  if (!sizes) return;
  project.overrides.tableSizes = sizes;
  project.overrides.statsKey = JSON.stringify([...sizes]);
}

/** `--cache`: the cache file (`--cache-location`: a file, or a directory to keep `.godwitcache` in). */
async function loadCache(cwd: string, location: string | undefined) {
  const { LintCache } = await import('../cache/lint-cache.js');
  const { cacheFilePath } = await import('../cache/run-record.js');
  return LintCache.load(cacheFilePath(cwd, location));
}

/**
 * Worker threads for big runs (src/parallel/): automatic, or `GODWIT_WORKERS=<n>` (`0`: none),
 * which the tests use to compare a single-threaded run with a parallel one.
 */
function workersFrom(env: NodeJS.ProcessEnv): number | 'auto' {
  const v = env.GODWIT_WORKERS;
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 'auto';
}

function errorsOnly(r: LintResult): LintResult {
  const kept = r.messages.filter((m) => m.severity === 2);
  return { ...summarize(r.filePath, kept), ...(r.stats ? { stats: r.stats } : {}), source: r.source, ...(r.output !== undefined ? { output: r.output } : {}) };
}

/**
 * `--fix` / `--fix-dry-run` (src/fix/session.ts). As ESLint: not both, and `--fix` is refused for
 * piped-in code (use `--fix-dry-run`, whose `--format json` results carry the fixed `output`);
 * with `--quiet` only the errors are fixed.
 */
async function fixSessionFor(values: Values, useStdin: boolean): Promise<FixSession | undefined> {
  if (!values.fix && !values['fix-dry-run']) return undefined;
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  if (values.fix && useStdin) throw new UsageError('--fix is not available for standard input; use --fix-dry-run (with --format json, each result has the fixed text as "output")');
  const { FixSession } = await import('../fix/session.js'); // the fix loop and the diff library only for --fix
  return new FixSession({ filter: values.quiet ? (m) => m.severity === 2 : undefined });
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
function decode(buf: Buffer): string {
  return utf8.decode(buf);
}

/** The stream's text; undefined when it holds more than `limit` bytes (reading stops there: `cat /dev/zero |` ends). */
async function readStream(stream: NodeJS.ReadableStream, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += b.length;
    if (size > limit) return undefined;
    chunks.push(b);
  }
  return decode(Buffer.concat(chunks));
}

/**
 * The report on standard output, or into `-o <path>` through the one file writer
 * (src/io/write.ts): false (the message printed) when it cannot be written.
 */
export function writeReport(report: string, outputFile: unknown, io: Io): boolean {
  if (outputFile === undefined) {
    io.stdout.write(report);
    return true;
  }
  try {
    writeOutput(resolve(io.cwd, String(outputFile)), report);
    return true;
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    io.stderr.write(`godwit: cannot write the report: ${e.message}\n`);
    return false;
  }
}
