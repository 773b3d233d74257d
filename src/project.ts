/**
 * Lint a set of paths as a project: find the migration roots and their runners, load the
 * nearest config for each file, replay each root's history once (in the runner's order), and
 * lint each requested migration with the schema its earlier migrations left and the
 * transaction wrapping its runner gives it.
 *
 * Data flow: paths → sources (roots, order, runner tx) → config → sql + analysis + engine.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { initParser } from './sql/pg.js';
import { parseFile } from './sql/parse.js';
import { lintWithCatalog, summarize } from './engine/linter.js';
import { rules } from './lint.js';
import { Catalog } from './analysis/catalog.js';
import { catalogFromDump, replayParsed } from './analysis/history.js';
import type { Finding, LintOptions, LintResult } from './engine/types.js';
import type { TransactionMode } from './analysis/transactions.js';
import { findRoots, rootOf, fileTransaction, blankRanges, isRunnerName, type MigrationRoot, type RunnerName } from './sources/index.js';
import { ConfigLoader, isIncluded, type ResolvedConfig } from './config/index.js';
import { discoverFiles } from './sources/discover.js';

export interface ProjectOptions {
  cwd: string;
  /** `-c/--config`: this file for every linted file, no search */
  configPath?: string;
  /** CLI flags; they override the config file */
  overrides: LintOptions & { runner?: RunnerName | 'auto'; transaction?: TransactionMode; schema?: string; transactionAuto?: boolean };
  /** lint only these files (absolute paths), with full history (`--changed-since`) */
  only?: Set<string>;
}

export interface ProjectResult {
  results: LintResult[];
  /** messages for stderr (missing paths, runner notes) */
  warnings: string[];
  /** a path was missing or a file unreadable */
  ioFailure: boolean;
}

export async function lintProject(paths: string[], opts: ProjectOptions): Promise<ProjectResult> {
  await initParser();
  const warnings: string[] = [];
  let ioFailure = false;
  const configs = new ConfigLoader({ explicitPath: opts.configPath, cwd: opts.cwd });

  // which files were asked for: directories expand to their *.sql, files stand for themselves
  const { files: requested, missing } = await discoverFiles(paths, opts.cwd);
  for (const m of missing) {
    warnings.push(`no such file or directory: ${m}`);
    ioFailure = true;
  }
  const wanted = new Set(requested.filter((f) => !opts.only || opts.only.has(f)));

  // the runner: a flag beats the config of the first path's directory
  let runner = opts.overrides.runner;
  if (!runner || runner === 'auto') {
    const first = paths.length ? resolve(opts.cwd, paths[0]) : opts.cwd;
    const cfg = await configs.forFile(first.endsWith('.sql') ? first : resolve(first, 'x.sql'));
    const r = cfg.config.runner;
    runner = r && isRunnerName(r) ? r : 'auto';
  }
  const pgVersion = opts.overrides.pgVersion;
  const found = await findRoots(paths.map((p) => resolve(opts.cwd, p)).filter((p) => !missing.some((m) => resolve(opts.cwd, m) === p)), { runner, pgVersion });

  const results: LintResult[] = [];
  const done = new Set<string>();

  for (const root of found.roots) {
    const targets = root.files.filter((f) => wanted.has(f.path));
    if (targets.length === 0) continue;
    for (const n of root.notes) warnings.push(`${root.dir}: ${n}`);
    const last = root.files.indexOf(targets[targets.length - 1]);
    const rootConfig = await configs.forFile(resolve(root.dir, 'x.sql'));
    let catalog = seedCatalog(rootConfig, opts);
    for (let i = 0; i <= last; i++) {
      const f = root.files[i];
      let raw: string;
      try {
        raw = readFileSync(f.path, 'utf8');
      } catch (e) {
        if (wanted.has(f.path)) {
          ioFailure = true;
          results.push(unreadable(f.path, e));
          done.add(f.path);
        }
        continue;
      }
      const text = blankRanges(raw, f.exclude);
      const parsed = parseFile(f.path, text);
      if (!wanted.has(f.path)) {
        replayParsed(catalog, parsed);
        continue;
      }
      const resolved = await configs.forFile(f.path);
      if (!isIncluded(resolved, f.path)) {
        replayParsed(catalog, parsed);
        continue;
      }
      const options = lintOptionsFor(resolved, opts, f.transaction);
      options.catalog = catalog;
      options.takeCatalog = true;
      const { result, catalog: after } = lintWithCatalog(parsed, rules, options);
      after.sealAsHistory();
      catalog = after;
      results.push({ ...result, source: parsed.source.text });
      done.add(f.path);
    }
  }

  // files a runner does not apply as up migrations (down, undo, other dialects) are linted only
  // when named explicitly, then alone, without history
  const skipped = new Set(found.roots.flatMap((r) => r.skipped.map((f) => f.path)));
  const named = new Set(paths.map((p) => resolve(opts.cwd, p)));

  // files in no root
  for (const file of requested) {
    if (done.has(file) || !wanted.has(file)) continue;
    if (skipped.has(file) && !named.has(file)) continue;
    const resolved = await configs.forFile(file);
    if (!isIncluded(resolved, file) && !named.has(file)) continue;
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (e) {
      ioFailure = true;
      results.push(unreadable(file, e));
      continue;
    }
    const options = lintOptionsFor(resolved, opts, undefined);
    options.catalog = seedCatalog(resolved, opts);
    options.takeCatalog = true;
    const parsed = parseFile(file, raw);
    results.push({ ...lintWithCatalog(parsed, rules, options).result, source: parsed.source.text });
  }
  return { results, warnings, ioFailure };
}

/**
 * Lint text that is not on disk, or not saved yet (stdin, an editor buffer), under the name
 * it is given: with that file's config, the history of its migration root (the migrations
 * that sort before it), and its runner's transaction semantics.
 */
export async function lintVirtualFile(text: string, filePath: string, opts: ProjectOptions): Promise<LintResult> {
  await initParser();
  const configs = new ConfigLoader({ explicitPath: opts.configPath, cwd: opts.cwd });
  const onDisk = !filePath.startsWith('<');
  const resolved = await configs.forFile(onDisk ? filePath : resolve(opts.cwd, 'stdin.sql'));
  const runnerOpt = opts.overrides.runner ?? (resolved.config.runner && isRunnerName(resolved.config.runner) ? resolved.config.runner : 'auto');
  const root = onDisk ? await rootOf(filePath, { runner: runnerOpt, pgVersion: opts.overrides.pgVersion ?? resolved.config.pgVersion }) : undefined;

  let tx: TransactionMode | undefined;
  let body = text;
  if (root) {
    const ft = fileTransaction(root, filePath, text, { pgVersion: opts.overrides.pgVersion ?? resolved.config.pgVersion });
    tx = ft.transaction;
    body = blankRanges(text, ft.exclude);
  }
  const options = lintOptionsFor(resolved, opts, tx);
  options.catalog = historyBefore(root, filePath, seedCatalog(resolved, opts));
  options.takeCatalog = true;
  const parsed = parseFile(filePath, body);
  return { ...lintWithCatalog(parsed, rules, options).result, source: parsed.source.text };
}

/** The catalog the migrations of `root` before `file` leave (all of them when the file is new). */
function historyBefore(root: MigrationRoot | undefined, file: string, catalog: Catalog): Catalog {
  if (!root) return catalog;
  for (const f of root.files) {
    if (f.path === file) break;
    let raw: string;
    try {
      raw = readFileSync(f.path, 'utf8');
    } catch {
      continue;
    }
    replayParsed(catalog, parseFile(f.path, blankRanges(raw, f.exclude)));
  }
  catalog.sealAsHistory();
  return catalog;
}

function lintOptionsFor(resolved: ResolvedConfig, opts: ProjectOptions, runnerTx: TransactionMode | undefined): LintOptions {
  const c = resolved.config;
  const cfgTx = c.transaction && c.transaction !== 'auto' ? (c.transaction as TransactionMode) : undefined;
  return {
    pgVersion: opts.overrides.pgVersion ?? c.pgVersion,
    preset: opts.overrides.preset ?? c.preset,
    rules: { ...(c.rules ?? {}), ...(opts.overrides.rules ?? {}) },
    inlineConfig: opts.overrides.inlineConfig,
    lockTimeoutByRunner: c.lockTimeout === 'runner',
    transaction: opts.overrides.transaction ?? cfgTx ?? runnerTx ?? 'none',
  };
}

const dumpCache = new Map<string, Catalog>();

/** A fresh catalog: empty, or seeded from the schema dump of `--schema` / the config's `schema`. */
function seedCatalog(resolved: ResolvedConfig, opts: ProjectOptions): Catalog {
  const c = resolved.config;
  const schemaPath = opts.overrides.schema ? resolve(opts.cwd, opts.overrides.schema) : c.schema ? resolve(resolved.dir, c.schema) : undefined;
  if (!schemaPath) return new Catalog();
  let seeded = dumpCache.get(schemaPath);
  if (!seeded) {
    seeded = catalogFromDump(readFileSync(schemaPath, 'utf8'), schemaPath);
    dumpCache.set(schemaPath, seeded);
  }
  return seeded.clone();
}

function unreadable(file: string, e: unknown): LintResult {
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  const m: Finding = { ruleId: null as unknown as string, severity: 2, fatal: true, message: `cannot read file: ${code}`, line: 1, column: 1, endLine: 1, endColumn: 1 };
  return summarize(file, [m]);
}

export type { MigrationRoot };
