import { writeFileSync, renameSync, existsSync } from 'node:fs';
import { resolve, dirname, basename, join, relative } from 'node:path';
import { rules } from '../lint.js';
import { summarize } from '../engine/linter.js';
import { lintProject, lintVirtualFile, type ProjectOptions } from '../project.js';
import { ConfigError } from '../config/index.js';
import { isRunnerName, RUNNERS } from '../sources/index.js';
import { changedSince, GitError } from '../sources/git.js';
import { isPreset } from '../engine/presets.js';
import type { LintOptions, LintResult, RuleSetting } from '../engine/types.js';
import type { TransactionMode } from '../analysis/transactions.js';
import { FORMATS, formatResults, type FormatName } from '../report/index.js';
import { painter, useColor } from '../report/color.js';
import { UsageError, type Io } from './main.js';
import { FixSession } from '../fix/session.js';

const TRANSACTIONS = ['auto', 'none', 'file', 'all', 'implicit'];

type Values = Record<string, string | boolean | string[] | undefined>;

export function lintOptionsFrom(values: Values): LintOptions {
  const options: LintOptions = {};
  if (values['pg-version'] !== undefined) {
    const v = Number(values['pg-version']);
    if (!Number.isInteger(v) || v < 9 || v > 99) throw new UsageError(`--pg-version takes a PostgreSQL major version such as 15, not '${values['pg-version']}'`);
    options.pgVersion = v;
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
    if (!rules.some((r) => r.id === id)) throw new UsageError(`--rule: unknown rule '${id}' (see 'godwit rules')`);
    if (sev !== 'off' && sev !== 'warn' && sev !== 'error') throw new UsageError(`--rule ${id}: severity must be off, warn or error (got '${sev}')`);
    overrides[id] = sev;
  }
  if (Object.keys(overrides).length) options.rules = overrides;
  if (values['no-inline-config']) options.inlineConfig = false;
  return options;
}

export async function lintCommand(paths: string[], values: Values, io: Io): Promise<number> {
  const format = String(values.format ?? 'stylish');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${format}')`);
  let maxWarnings = -1;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings takes a whole number (got '${values['max-warnings']}')`);
  }
  const options = lintOptionsFrom(values);
  const useStdin = !!values.stdin || paths.includes('-');
  const filePaths = paths.filter((p) => p !== '-');
  if (!useStdin && filePaths.length === 0) filePaths.push('.');

  const cwd = io.cwd;
  const runnerFlag = values.runner === undefined ? undefined : String(values.runner);
  if (runnerFlag !== undefined && runnerFlag !== 'auto' && !isRunnerName(runnerFlag)) {
    throw new UsageError(`--runner must be one of auto, ${RUNNERS.join(', ')} (got '${runnerFlag}')`);
  }
  const project: ProjectOptions = {
    cwd,
    configPath: values.config ? resolve(cwd, String(values.config)) : undefined,
    overrides: { ...options, runner: runnerFlag && isRunnerName(runnerFlag) ? runnerFlag : undefined, schema: values.schema ? String(values.schema) : undefined },
  };
  if (values.schema && !existsSync(resolve(cwd, String(values.schema)))) throw new UsageError(`--schema: no such file: ${values.schema}`);
  if (project.configPath && !existsSync(project.configPath)) throw new UsageError(`--config: no such file: ${values.config}`);
  const fixing = fixSessionFor(values, useStdin);
  if (fixing) project.fix = fixing.fixer;

  const results: LintResult[] = [];
  let ioFailure = false;
  try {
    if (values['changed-since'] !== undefined) {
      const changes = changedSince(String(values['changed-since']), cwd);
      project.only = changes.files;
      for (const f of changes.modified) io.stderr.write(`godwit: warning: ${relative(cwd, f)} was changed after ${values['changed-since']}: editing a migration that may already have run does not re-run it anywhere\n`);
    }
    if (useStdin) {
      const text = await readStream(io.stdin);
      const name = values['stdin-filename'] ? resolve(cwd, String(values['stdin-filename'])) : '<stdin>';
      results.push(await lintVirtualFile(text, name, project));
    }
    if (filePaths.length) {
      const r = await lintProject(filePaths, project);
      for (const w of r.warnings) io.stderr.write(`godwit: ${w}\n`);
      ioFailure = r.ioFailure;
      results.push(...r.results);
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr.write(`godwit: invalid configuration:\n${e.message}\n`);
      return 2;
    }
    if (e instanceof GitError) throw new UsageError(e.message);
    throw e;
  }

  const shown = values.quiet ? results.map(errorsOnly) : results;
  const color = useColor(values['no-color'] ? false : (values.color as boolean | undefined), values['output-file'] ? {} : io.stdout, io.env);
  // --fix writes the files before the report of what remains; --fix-dry-run shows the diff first
  const fixed = fixing?.finish(cwd, !!values.fix);
  for (const m of fixed?.messages ?? []) io.stderr.write(m);
  if (fixing && values['fix-dry-run'] && format === 'stylish') {
    const diffColor = useColor(values['no-color'] ? false : (values.color as boolean | undefined), io.stdout, io.env);
    io.stdout.write(fixing.diff(cwd, painter(diffColor)));
  }
  const report = formatResults(format as FormatName, shown, { cwd: io.cwd, paint: painter(color) });
  if (values['output-file']) writeAtomic(resolve(io.cwd, String(values['output-file'])), report);
  else io.stdout.write(report);

  if (ioFailure || fixed?.failed) return 2;
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return 1;
  if (maxWarnings >= 0 && warnings > maxWarnings) {
    io.stderr.write(`godwit: too many warnings (${warnings}); the maximum is ${maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

function errorsOnly(r: LintResult): LintResult {
  const kept = r.messages.filter((m) => m.severity === 2);
  return { ...summarize(r.filePath, kept), source: r.source, ...(r.output !== undefined ? { output: r.output } : {}) };
}

/**
 * `--fix` / `--fix-dry-run` (src/fix/session.ts). As ESLint: not both, and `--fix` is refused for
 * piped-in code (use `--fix-dry-run`, whose `--format json` results carry the fixed `output`);
 * with `--quiet` only the errors are fixed.
 */
function fixSessionFor(values: Values, useStdin: boolean): FixSession | undefined {
  if (!values.fix && !values['fix-dry-run']) return undefined;
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  if (values.fix && useStdin) throw new UsageError('--fix is not available for standard input; use --fix-dry-run (with --format json, each result has the fixed text as "output")');
  return new FixSession({ filter: values.quiet ? (m) => m.severity === 2 : undefined });
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
function decode(buf: Buffer): string {
  return utf8.decode(buf);
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return decode(Buffer.concat(chunks));
}

/** Write via a temporary file and rename, so a reader never sees half a report. */
export function writeAtomic(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
