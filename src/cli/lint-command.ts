import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { resolve, dirname, basename, join } from 'node:path';
import { initParser } from '../sql/pg.js';
import { lintSql, rules } from '../lint.js';
import { summarize } from '../engine/linter.js';
import { isPreset } from '../engine/presets.js';
import type { Finding, LintOptions, LintResult, RuleSetting } from '../engine/types.js';
import type { TransactionMode } from '../analysis/transactions.js';
import { discoverFiles } from '../sources/discover.js';
import { formatJson } from '../report/json.js';
import { formatStylish } from '../report/stylish.js';
import { painter, useColor } from '../report/color.js';
import { UsageError, type Io } from './main.js';

const FORMATS = ['stylish', 'json'] as const;
const TRANSACTIONS = ['auto', 'none', 'file', 'all'];

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
    options.transaction = t === 'auto' ? 'none' : (t as TransactionMode);
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

  await initParser();
  const results: LintResult[] = [];
  let ioFailure = false;

  if (useStdin) {
    const text = await readStream(io.stdin);
    const name = values['stdin-filename'] ? resolve(io.cwd, String(values['stdin-filename'])) : '<stdin>';
    results.push(withSource(lintSql(text, name, options), text));
  }
  if (filePaths.length) {
    const { files, missing } = await discoverFiles(filePaths, io.cwd);
    for (const m of missing) {
      io.stderr.write(`godwit: no such file or directory: ${m}\n`);
      ioFailure = true;
    }
    for (const file of files) {
      let text: string;
      try {
        text = decode(readFileSync(file));
      } catch (e) {
        ioFailure = true;
        results.push(summarize(file, [fatal(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)]));
        continue;
      }
      results.push(withSource(lintSql(text, file, options), text));
    }
  }

  const shown = values.quiet ? results.map(errorsOnly) : results;
  const color = useColor(values['no-color'] ? false : (values.color as boolean | undefined), values['output-file'] ? {} : io.stdout, io.env);
  const report = format === 'json' ? formatJson(shown) + '\n' : formatStylish(shown, painter(color), io.cwd);
  if (values['output-file']) writeAtomic(resolve(io.cwd, String(values['output-file'])), report);
  else io.stdout.write(report);

  if (ioFailure) return 2;
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return 1;
  if (maxWarnings >= 0 && warnings > maxWarnings) {
    io.stderr.write(`godwit: too many warnings (${warnings}); the maximum is ${maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

function withSource(r: LintResult, text: string): LintResult {
  return { ...r, source: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

function errorsOnly(r: LintResult): LintResult {
  const kept = r.messages.filter((m) => m.severity === 2);
  return { ...summarize(r.filePath, kept), source: r.source };
}

function fatal(message: string): Finding {
  return { ruleId: null as unknown as string, severity: 2, fatal: true, message, line: 1, column: 1, endLine: 1, endColumn: 1 };
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
