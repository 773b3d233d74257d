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
import { findRoots, blankRanges, isRunnerName, type MigrationRoot, type RunnerName } from './sources/index.js';
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
  const schemaCache = new Map<string, Catalog>();

  const optionsFor = (resolved: ResolvedConfig, tx: TransactionMode | undefined): LintOptions => {
    const c = resolved.config;
    const o: LintOptions = {
      pgVersion: opts.overrides.pgVersion ?? c.pgVersion,
      preset: opts.overrides.preset ?? c.preset,
      rules: { ...(c.rules ?? {}), ...(opts.overrides.rules ?? {}) },
      inlineConfig: opts.overrides.inlineConfig,
      lockTimeoutByRunner: c.lockTimeout === 'runner',
    };
    const cfgTx = c.transaction && c.transaction !== 'auto' ? (c.transaction as TransactionMode) : undefined;
    o.transaction = opts.overrides.transaction ?? cfgTx ?? tx ?? 'none';
    return o;
  };

  const seedCatalog = (resolved: ResolvedConfig): Catalog => {
    const schemaPath = opts.overrides.schema ? resolve(opts.cwd, opts.overrides.schema) : resolved.config.schema ? resolve(resolved.dir, resolved.config.schema) : undefined;
    if (!schemaPath) return new Catalog();
    let c = schemaCache.get(schemaPath);
    if (!c) {
      c = catalogFromDump(readFileSync(schemaPath, 'utf8'), schemaPath);
      schemaCache.set(schemaPath, c);
    }
    return c.clone();
  };

  for (const root of found.roots) {
    const targets = root.files.filter((f) => wanted.has(f.path));
    if (targets.length === 0) continue;
    for (const n of root.notes) warnings.push(`${root.dir}: ${n}`);
    const last = root.files.indexOf(targets[targets.length - 1]);
    const rootConfig = await configs.forFile(resolve(root.dir, 'x.sql'));
    let catalog = seedCatalog(rootConfig);
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
      const options = optionsFor(resolved, f.transaction);
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
    const options = optionsFor(resolved, undefined);
    options.catalog = seedCatalog(resolved);
    const parsed = parseFile(file, raw);
    results.push({ ...lintWithCatalog(parsed, rules, options).result, source: parsed.source.text });
  }
  return { results, warnings, ioFailure };
}

/** Lint text that is not on disk (stdin), with the config and root of the name it is given. */
export async function lintVirtualFile(text: string, filePath: string, opts: ProjectOptions): Promise<LintResult> {
  await initParser();
  const configs = new ConfigLoader({ explicitPath: opts.configPath, cwd: opts.cwd });
  const resolved = await configs.forFile(filePath.startsWith('<') ? resolve(opts.cwd, 'stdin.sql') : filePath);
  const options: LintOptions = {
    pgVersion: opts.overrides.pgVersion ?? resolved.config.pgVersion,
    preset: opts.overrides.preset ?? resolved.config.preset,
    rules: { ...(resolved.config.rules ?? {}), ...(opts.overrides.rules ?? {}) },
    inlineConfig: opts.overrides.inlineConfig,
    lockTimeoutByRunner: resolved.config.lockTimeout === 'runner',
    transaction: opts.overrides.transaction ?? (resolved.config.transaction && resolved.config.transaction !== 'auto' ? (resolved.config.transaction as TransactionMode) : 'none'),
  };
  const schema = opts.overrides.schema ? resolve(opts.cwd, opts.overrides.schema) : resolved.config.schema ? resolve(resolved.dir, resolved.config.schema) : undefined;
  if (schema) options.catalog = catalogFromDump(readFileSync(schema, 'utf8'), schema);
  const parsed = parseFile(filePath, text);
  return { ...lintWithCatalog(parsed, rules, options).result, source: parsed.source.text };
}

function unreadable(file: string, e: unknown): LintResult {
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  const m: Finding = { ruleId: null as unknown as string, severity: 2, fatal: true, message: `cannot read file: ${code}`, line: 1, column: 1, endLine: 1, endColumn: 1 };
  return summarize(file, [m]);
}

export type { MigrationRoot };
