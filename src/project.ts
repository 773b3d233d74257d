/**
 * Lint a set of paths as a project: find the migration roots and their runners, load the
 * nearest config for each file, replay each root's history once (in the runner's order), and
 * lint each requested migration with the schema its earlier migrations left and the
 * transaction wrapping its runner gives it.
 *
 * Data flow: paths → sources (roots, order, runner tx) → config → sql + analysis + engine.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { initParser } from './dialects/postgresql/pg.js';
import { parseFile } from './dialects/postgresql/parse.js';
import { lintWithCatalog, summarize } from './engine/linter.js';
import { rules } from './lint.js';
import { Catalog } from './analysis/catalog.js';
import { catalogFromDump, replayParsed } from './analysis/history.js';
import type { Finding, LintOptions, LintResult } from './engine/types.js';
import type { TransactionMode } from './analysis/transactions.js';
import { findRoots, rootOf, fileTransaction, blankRanges, isRunnerName, type MigrationRoot, type RunnerName } from './sources/index.js';
import { ConfigLoader, type ResolvedConfig } from './config/load.js';
import { includedExplicitly, isIncluded } from './config/match.js';
import { discoverFiles } from './sources/discover.js';
import { listDirOnce } from './sources/walk.js';
import { languageOf, prepareMigration, type PreparedJsMigration } from './sources/extract/index.js';
import { jsMigrationsUnder } from './sources/js-roots.js';
import { pyMigrationsUnder } from './sources/py-roots.js';
import { FileReadError, MAX_SCHEMA_BYTES, readSourceFile } from './sources/read.js';
import { ConfigError } from './config/errors.js';
import type { CacheEntry, FreshEntry, LintCache } from './cache/lint-cache.js';
import { resultProduced, untrackedInput } from './cache/run-record.js';
import { parseSize, parseTableSizes, type TableSizes } from './analysis/table-sizes.js';
import { dialectOf, initDialect, MysqlCatalog, parseMysqlFile, replayMysql, type DialectName } from './dialects/index.js';
import { lintMysqlWithCatalog } from './engine/mysql-linter.js';

export interface ProjectOptions {
  cwd: string;
  /** `-c/--config`: this file for every linted file, no search */
  configPath?: string;
  /** CLI flags; they override the config file (`statsKey`: the table sizes' content, for cache keys) */
  overrides: LintOptions & { runner?: RunnerName | 'auto'; transaction?: TransactionMode; schema?: string; transactionAuto?: boolean; statsKey?: string };
  // (`overrides.dialect` / `overrides.mysqlVersion`: --dialect, --mysql-version)
  /** lint only these files (absolute paths), with full history (`--changed-since`) */
  only?: Set<string>;
  /**
   * `--fix` / `--fix-dry-run` (src/fix): called for each linted file instead of a single lint,
   * with the file's text as read (BOM included) and `lintText`, which lints any version of that
   * text in the file's context (its history, its runner's transaction recomputed from the text,
   * its config). Returns the lint to report; its catalog is the next migration's history.
   */
  fix?: (file: string, text: string, lintText: (text: string) => FileLint) => FileLint;
  /**
   * Worker threads for the migration roots (src/parallel/): a number (0, the default: none), or
   * 'auto' (as many as the machine has cores beyond this one, for runs big enough to repay
   * them). Results are the same either way, in the same order. Not with `fix`.
   */
  workers?: number | 'auto';
  /**
   * `--cache` (src/cache): results of unchanged migrations (same text, history, config, flags
   * and godwit build) are taken from it, and the others stored in it. Not with `fix`.
   */
  cache?: LintCache;
}

/**
 * One lint of a file: the result (with `source`) and the catalog as the file leaves it. A MySQL
 * file leaves the PostgreSQL catalog as it found it and advances `mysqlCatalog` (a root can hold
 * both dialects' migrations: pop's folders do).
 */
export interface FileLint {
  result: LintResult;
  catalog: Catalog;
  mysqlCatalog?: MysqlCatalog;
}

export interface ProjectResult {
  results: LintResult[];
  /** messages for stderr (missing paths, runner notes) */
  warnings: string[];
  /** a file was unreadable */
  ioFailure: boolean;
  /** paths given that do not exist (each also a warning) */
  missing: string[];
  /**
   * Paths given that yielded nothing to lint, as ESLint reports them: `none` — no SQL file or
   * JS/TS migration under it (an empty folder, a wrong folder); `ignored` — everything under it
   * is left out (the config's include/exclude, files that are not migrations). Missing paths are
   * in `warnings` (and `ioFailure`) instead. Not computed with `only` (`--changed-since`).
   */
  unmatched: Array<{ path: string; reason: 'none' | 'ignored' }>;
}

export async function lintProject(paths: string[], opts: ProjectOptions): Promise<ProjectResult> {
  // (the parser is loaded when something is parsed: not at all when every result comes from the cache)
  const warnings: string[] = [];
  let ioFailure = false;
  // every folder is listed once in a run: by the file discovery, the root search and the config search alike
  const list = listDirOnce();
  const configs = new ConfigLoader({ explicitPath: opts.configPath, cwd: opts.cwd, listDir: list });

  // which files were asked for: directories expand to their *.sql, files stand for themselves
  const { files: requested, missing } = await discoverFiles(paths, opts.cwd, list);
  for (const m of missing) warnings.push(`no such file or directory: ${m}`);
  const wanted = new Set(requested.filter((f) => !opts.only || opts.only.has(f)));

  // the runner: a flag beats the config of the first path's directory
  let runner = opts.overrides.runner;
  let dialect = opts.overrides.dialect;
  if (!runner || runner === 'auto' || !dialect) {
    const first = paths.length ? resolve(opts.cwd, paths[0]) : opts.cwd;
    const cfg = await configs.forFile(first.endsWith('.sql') ? first : resolve(first, 'x.sql'));
    if (!runner || runner === 'auto') {
      const r = cfg.config.runner;
      runner = r && isRunnerName(r) ? r : 'auto';
    }
    dialect ??= cfg.config.dialect ?? 'auto';
  }
  const pgVersion = opts.overrides.pgVersion;
  const found = await findRoots(paths.map((p) => resolve(opts.cwd, p)).filter((p) => !missing.some((m) => resolve(opts.cwd, m) === p)), { runner, pgVersion, dialect, list });
  // JS/TS migrations are linted inside their migration roots only (discover.ts finds *.sql)
  for (const f of jsMigrationsUnder(found.roots, paths.map((p) => resolve(opts.cwd, p)))) if (!opts.only || opts.only.has(f)) wanted.add(f);
  for (const f of pyMigrationsUnder(found.roots, paths.map((p) => resolve(opts.cwd, p)))) if (!opts.only || opts.only.has(f)) wanted.add(f);

  const results: LintResult[] = [];
  const done = new Set<string>();

  // each root's history is replayed once, so a root is the unit of work (of a worker thread, too)
  const units: RootUnit[] = [];
  const cache = opts.fix ? undefined : opts.cache;
  // (node:crypto and the cache code are loaded only with --cache)
  const { cacheKey, cacheable } = cache ? await import('./cache/lint-cache.js') : NO_CACHE;
  const run = cache ? cacheKey(cache.build, JSON.stringify(opts.overrides), schemaDigest(opts.overrides.schema ? resolve(opts.cwd, opts.overrides.schema) : undefined, cacheKey)) : '';
  // a file two roots apply (pop's dialect-less migrations, in the PostgreSQL and the MySQL root)
  // is linted once, in the first; the other replays it as history only
  const claimed = new Set<string>();
  for (const root of found.roots) {
    const targets = root.files.filter((f) => wanted.has(f.path) && !claimed.has(f.path));
    for (const f of targets) claimed.add(f.path);
    if (!targets.length) continue;
    const unit: RootUnit = { root, wanted: targets.map((f) => f.path) };
    // the files the root search already read (runner detection): the lint takes them from there
    const texts = new Map(root.files.filter((f) => found.texts.has(f.path)).map((f) => [f.path, found.texts.get(f.path)!] as const));
    if (texts.size) unit.texts = texts;
    if (cache) {
      const entries: Record<string, CacheEntry> = {};
      for (const f of unit.wanted) {
        const e = cache.get(f);
        if (e) entries[f] = e;
      }
      unit.cache = { run, entries };
    }
    units.push(unit);
  }
  const workers = await workerCount(units, opts);
  // (worker threads read files the --cache run record does not see)
  if (workers > 0) untrackedInput();
  const chunks = workers > 0 ? await (await import('./parallel/pool.js')).lintRootsInParallel(units, opts, configs, workers) : [];
  if (workers === 0) for (const unit of units) chunks.push(await lintRoot(unit, configs, opts));
  for (const chunk of chunks) {
    warnings.push(...chunk.warnings);
    if (chunk.ioFailure) ioFailure = true;
    results.push(...chunk.results);
    for (const f of chunk.done) done.add(f);
    if (cache) for (const e of chunk.fresh ?? []) cache.set(e);
  }

  // files a runner does not apply as up migrations: down and undo scripts are never linted (named
  // explicitly, as hooks name staged files, they get a note: docs/runners.md "Down migrations");
  // other files a runner ignores (another SQL dialect, …) are linted alone when named explicitly
  const skipped = new Map(found.roots.flatMap((r) => r.skipped.map((f) => [f.path, { file: f, root: r }] as const)));
  const named = new Set(paths.map((p) => resolve(opts.cwd, p)));
  const noted = new Set<string>();
  // a directory searched that holds migration roots: its SQL files outside every root's folder
  // (seed data, sqlc queries, schema dumps) are not migrations, and are linted only when named or
  // when the config's `include` names them
  const absPaths = paths.map((p) => resolve(opts.cwd, p));
  const rootDirs = found.roots.map((r) => r.dir);
  const rooted = absPaths.filter((p) => rootDirs.some((d) => d === p || d.startsWith(p + sep)));
  let notMigrations = 0;

  // files in no root
  for (const file of requested) {
    if (done.has(file) || !wanted.has(file)) continue;
    const skip = skipped.get(file);
    if (skip && (skip.file.kind === 'down' || skip.file.kind === 'undo')) {
      if (named.has(file)) {
        noted.add(file);
        warnings.push(`${relative(opts.cwd, file) || file}: ${skip.file.kind} migration of a ${skip.root.runner} root: not linted (down and undo scripts are skipped; docs/runners.md)`);
      }
      continue;
    }
    if (skip && !named.has(file)) continue;
    const resolved = await configs.forFile(file);
    if (!isIncluded(resolved, file) && !named.has(file)) continue;
    const inRootFolder = rootDirs.some((d) => file.startsWith(d + sep));
    if (!named.has(file) && !inRootFolder && rooted.some((d) => file.startsWith(d + sep)) && !includedExplicitly(resolved, file)) {
      notMigrations++;
      continue;
    }
    let raw: string;
    try {
      raw = readSourceFile(file);
    } catch (e) {
      ioFailure = true;
      results.push(unreadable(file, e));
      continue;
    }
    const key = cache ? cacheKey(run, file, raw, JSON.stringify(resolved.config), schemaDigest(schemaPathOf(resolved, opts), cacheKey)) : '';
    const hit = cache?.get(file);
    if (cache) resultProduced(file, key, '', 0);
    if (hit && hit.key === key) {
      results.push(hit.result);
      continue;
    }
    const fileDialect: DialectName = languageOf(file) ? 'postgresql' : dialectOf(raw, forcedDialect(resolved, opts), undefined);
    await initDialect(fileDialect);
    const language = languageOf(file);
    if (language) {
      // a JS/TS (or Python) migration named on the command line outside a migration folder godwit
      // recognises: linted on its own, without history — said, never skipped in silence
      await language.init();
      const m = language.extract(file, raw, { runner: opts.overrides.runner });
      warnings.push(
        `${file}: not in a migration folder godwit recognises: linted alone, without the history of earlier migrations` +
          (m.error ? '' : !m.runner ? ` (no ${language.name} migration runner recognised${m.hasUp ? '' : ' and no `up` found'}: nothing to analyse; --runner names one)` : !m.hasUp ? ' (no `up` found: nothing to analyse)' : ` (${m.runner}, ${m.detectedBy})`),
      );
    }
    const seed = seedCatalog(resolved, opts);
    const lintText = (t: string, take = false): FileLint => {
      const options = lintOptionsFor(resolved, opts, undefined);
      options.catalog = seed;
      options.takeCatalog = take;
      const extracted = prepareMigration(file, t, { runner: opts.overrides.runner });
      if (extracted) return lintJs(extracted, options, resolved, opts);
      if (fileDialect === 'mysql') return lintMysql(file, t, options, seed, new MysqlCatalog());
      const parsed = parseFile(file, t);
      const r = lintWithCatalog(parsed, rules, options);
      return { result: { ...r.result, source: parsed.source.text }, catalog: r.catalog };
    };
    const result = (opts.fix ? opts.fix(file, raw, (t) => lintText(t)) : lintText(raw, true)).result;
    results.push(result);
    if (cache) cache.set({ file, key, result: cacheable(result) });
  }
  if (notMigrations) {
    warnings.push(
      `${notMigrations} SQL file${notMigrations === 1 ? '' : 's'} outside the migration folders ${notMigrations === 1 ? 'was' : 'were'} not linted ` +
        `(seed data, queries, schema dumps); name ${notMigrations === 1 ? 'it' : 'them'}, or add ${notMigrations === 1 ? 'it' : 'them'} to the config's "include", to lint ${notMigrations === 1 ? 'it' : 'them'}`,
    );
  }

  // paths that yielded nothing to lint (ESLint: "No files matching the pattern …")
  const unmatched: ProjectResult['unmatched'] = [];
  if (!opts.only) {
    const linted = results.map((r) => r.filePath);
    paths.forEach((p, i) => {
      const abs = absPaths[i];
      if (missing.includes(p)) return;
      const covers = (f: string): boolean => f === abs || f.startsWith(abs + sep);
      if (linted.some(covers) || [...noted].some(covers)) return;
      const found = requested.some(covers) || [...wanted].some(covers);
      unmatched.push({ path: p, reason: found ? 'ignored' : 'none' });
    });
  }
  return { results, warnings, ioFailure, missing, unmatched };
}

/** A migration root and the files of it to lint (absolute paths; the others are history). */
export interface RootUnit {
  root: MigrationRoot;
  wanted: string[];
  /** with `--cache`: the run's key (build, flags, schema dump) and the cached entries of `wanted` */
  cache?: { run: string; entries: Record<string, CacheEntry> };
  /** texts of the root's files read while finding the root (sources' FoundRoots.texts), by path */
  texts?: Map<string, string>;
}

/** What linting one root gives: its results in the root's order, notes for stderr, unreadable files. */
export interface RootLint {
  results: LintResult[];
  warnings: string[];
  ioFailure: boolean;
  /** the files `results` are for */
  done: string[];
  /** with `--cache`: the results linted now (not taken from the cache), to store */
  fresh?: FreshEntry[];
}

/**
 * Lint the wanted files of one root: replay its files in the runner's order up to the last
 * wanted one, each wanted file linted against the history before it. (Also run by the worker
 * threads of src/parallel/, one root at a time.)
 */
export async function lintRoot(unit: RootUnit, configs: ConfigLoader, opts: ProjectOptions): Promise<RootLint> {
  const { root } = unit;
  const wanted = new Set(unit.wanted);
  const pgVersion = opts.overrides.pgVersion;
  const results: LintResult[] = [];
  const warnings: string[] = [];
  const done: string[] = [];
  const fresh: FreshEntry[] = [];
  let ioFailure = false;
  const targets = root.files.filter((f) => wanted.has(f.path));
  if (targets.length === 0) return { results, warnings, ioFailure, done };
  for (const n of root.notes) warnings.push(`${root.dir}: ${n}`);
  const last = root.files.indexOf(targets[targets.length - 1]);
  const rootConfig = await configs.forFile(resolve(root.dir, 'x.sql'));
  let catalog = seedCatalog(rootConfig, opts);
  // MySQL migrations of the root (all of them, or pop's `*.mysql.up.sql`) have a catalog of their own
  let mysqlCatalog = new MysqlCatalog();
  const forced = forcedDialect(rootConfig, opts);
  const mysqlVersion = opts.overrides.mysqlVersion ?? rootConfig.config.mysqlVersion;
  const dialects = new Map<string, DialectName>();
  const fileDialect = (f: MigrationRoot['files'][number], raw: string): DialectName => {
    let d = dialects.get(f.path);
    if (!d) dialects.set(f.path, (d = languageOf(f.path) ? 'postgresql' : dialectOf(raw, forced, root)));
    return d;
  };
  /** replay a file of the root as history, into its dialect's catalog */
  const replay = (f: MigrationRoot['files'][number], raw: string): void => {
    if (fileDialect(f, raw) === 'mysql') replayMysql(mysqlCatalog, parseMysqlFile(f.path, blankRanges(raw, f.exclude), { target: mysqlVersion }), mysqlVersion);
    else replayParsed(catalog, parseRootFile(root, f, raw));
  };
  const cache = opts.fix ? undefined : unit.cache;
  const group = cache ? JSON.stringify([root.dir, root.runner, root.flavor ?? '', root.dialect ?? '']) : '';
  if (!cache) await initParser();
  const { cacheKey, cacheable } = cache ? await import('./cache/lint-cache.js') : NO_CACHE;
  // with the cache: the chained key of the history so far (src/cache/lint-cache.ts)
  let link = cache ? cacheKey(cache.run, root.dir, root.runner, schemaDigest(schemaPathOf(rootConfig, opts), cacheKey)) : '';
  // files whose replay is put off until a later file has to be linted: with the cache, a run
  // whose results all come from it parses nothing
  const pending: Array<{ file: MigrationRoot['files'][number]; raw: string }> = [];
  const replayPending = async (): Promise<void> => {
    if (!pending.length) return;
    await initParser();
    for (const { file, raw } of pending) if (fileDialect(file, raw) === 'mysql') await initDialect('mysql');
    for (const { file, raw } of pending.splice(0)) replay(file, raw);
    catalog.sealAsHistory();
    mysqlCatalog.sealAsHistory();
  };
  for (let i = 0; i <= last; i++) {
    const f = root.files[i];
    let raw: string;
    try {
      raw = unit.texts?.get(f.path) ?? readSourceFile(f.path);
      unit.texts?.delete(f.path);
    } catch (e) {
      if (cache) link = cacheKey(link, f.path, 'unreadable');
      // a file over the size limit that the config excludes is skipped without a word (it is
      // usually a data load); otherwise it is reported, or noted when it is only history
      const tooLarge = e instanceof FileReadError && e.code === 'EFBIG';
      const excluded = tooLarge && !isIncluded(await configs.forFile(f.path), f.path);
      if (wanted.has(f.path) && !excluded) {
        ioFailure = true;
        results.push(unreadable(f.path, e));
        done.push(f.path);
      } else if (tooLarge && !excluded) {
        warnings.push(`${f.path}: not replayed as history: ${(e as Error).message}`);
      }
      continue;
    }
    if (cache) link = cacheKey(link, f.path, String(f.transaction), JSON.stringify(f.exclude ?? null), raw);
    const resolved = wanted.has(f.path) ? await configs.forFile(f.path) : undefined;
    if (!resolved || !isIncluded(resolved, f.path)) {
      // history only
      if (cache) pending.push({ file: f, raw });
      else {
        if (fileDialect(f, raw) === 'mysql') await initDialect('mysql');
        replay(f, raw);
      }
      continue;
    }
    const key = cache ? cacheKey(link, JSON.stringify(resolved.config)) : '';
    const hit = cache?.entries[f.path];
    // (for --cache's file records: the result depends on what was read up to here)
    if (cache) resultProduced(f.path, key, group, i);
    if (hit && hit.key === key) {
      results.push(hit.result);
      done.push(f.path);
      pending.push({ file: f, raw });
      continue;
    }
    await replayPending();
    const d = fileDialect(f, raw);
    await initDialect(d);
    const options = lintOptionsFor(resolved, opts, f.transaction);
    let linted: FileLint;
    if (d === 'mysql') {
      const before = mysqlCatalog;
      const lintText = (t: string, take = false): FileLint => lintMysql(f.path, blankRanges(t, t === raw ? f.exclude : fileTransaction(root, f.path, t, { pgVersion }).exclude), options, catalog, before, take);
      linted = opts.fix ? opts.fix(f.path, raw, (t) => lintText(t)) : lintText(raw, true);
      linted.mysqlCatalog!.sealAsHistory();
      mysqlCatalog = linted.mysqlCatalog!;
      results.push(linted.result);
      done.push(f.path);
      if (cache) fresh.push({ file: f.path, key, result: cacheable(linted.result) });
      continue;
    }
    await initParser();
    await languageOf(f.path)?.init();
    const js = prepareMigration(f.path, raw, { runner: root.runner, root });
    const parsed = js ? js.parsed : parseFile(f.path, blankRanges(raw, f.exclude));
    if (opts.fix) {
      const before = catalog;
      // every version of the text starts from the same history (the linter clones `before`)
      const lintText = (t: string): FileLint => {
        if (js) return lintJs(t === raw ? js : prepareMigration(f.path, t, { runner: root.runner, root })!, { ...options, catalog: before }, resolved, opts);
        const ft = t === raw ? f : fileTransaction(root, f.path, t, { pgVersion });
        const o = lintOptionsFor(resolved, opts, ft.transaction);
        o.catalog = before;
        const p = t === raw ? parsed : parseFile(f.path, blankRanges(t, ft.exclude));
        const r = lintWithCatalog(p, rules, o);
        return { result: { ...r.result, source: p.source.text }, catalog: r.catalog };
      };
      linted = opts.fix(f.path, raw, lintText);
    } else {
      options.catalog = catalog;
      options.takeCatalog = true;
      if (js) linted = lintJs(js, options, resolved, opts);
      else {
        const r = lintWithCatalog(parsed, rules, options);
        linted = { result: { ...r.result, source: parsed.source.text }, catalog: r.catalog };
      }
    }
    linted.catalog.sealAsHistory();
    catalog = linted.catalog;
    results.push(linted.result);
    done.push(f.path);
    if (cache) fresh.push({ file: f.path, key, result: cacheable(linted.result) });
  }
  return cache ? { results, warnings, ioFailure, done, fresh } : { results, warnings, ioFailure, done };
}

/** A file of a root as it is replayed or linted: a JS/TS (or Python) migration's extracted SQL, or the SQL with the runner's excluded parts blanked. */
export function parseRootFile(root: MigrationRoot, f: MigrationRoot['files'][number], raw: string) {
  return prepareMigration(f.path, raw, { runner: root.runner, root })?.parsed ?? parseFile(f.path, blankRanges(raw, f.exclude));
}

/**
 * How many worker threads to lint the roots with (0: this thread alone). `opts.workers` decides;
 * 'auto' uses them for runs big enough to repay a worker's start-up (measured: bench/README.md).
 */
async function workerCount(units: RootUnit[], opts: ProjectOptions): Promise<number> {
  const asked = opts.workers ?? 0;
  if (asked === 0 || units.length < 2 || opts.fix) return 0;
  if (asked !== 'auto') return Math.min(asked, units.length - 1);
  const { autoWorkers } = await import('./parallel/plan.js');
  return autoWorkers(units);
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

  const forced = forcedDialect(resolved, opts);
  const fileDialect: DialectName = languageOf(filePath) ? 'postgresql' : dialectOf(text, forced, root);
  await initDialect(fileDialect);
  await languageOf(filePath)?.init();
  const { catalog: history, mysqlCatalog: mysqlHistory } = await historiesBefore(root, filePath, seedCatalog(resolved, opts), resolved, opts);
  const lintText = (t: string, take = false): FileLint => {
    if (fileDialect === 'mysql') {
      const exclude = root ? fileTransaction(root, filePath, t, { pgVersion: opts.overrides.pgVersion ?? resolved.config.pgVersion }).exclude : [];
      return lintMysql(filePath, blankRanges(t, exclude), lintOptionsFor(resolved, opts, undefined), history, mysqlHistory, take);
    }
    const js = prepareMigration(filePath, t, { runner: root?.runner ?? runnerOpt, root });
    if (js) return lintJs(js, { ...lintOptionsFor(resolved, opts, undefined), catalog: history, takeCatalog: take }, resolved, opts);
    let tx: TransactionMode | undefined;
    let body = t;
    if (root) {
      const ft = fileTransaction(root, filePath, t, { pgVersion: opts.overrides.pgVersion ?? resolved.config.pgVersion });
      tx = ft.transaction;
      body = blankRanges(t, ft.exclude);
    }
    const options = lintOptionsFor(resolved, opts, tx);
    options.catalog = history;
    options.takeCatalog = take;
    const parsed = parseFile(filePath, body);
    const r = lintWithCatalog(parsed, rules, options);
    return { result: { ...r.result, source: parsed.source.text }, catalog: r.catalog };
  };
  return (opts.fix ? opts.fix(filePath, text, (t) => lintText(t)) : lintText(text, true)).result;
}

/**
 * What `godwit plan` starts from: a migration's root (runner, layout), the schema its earlier
 * migrations leave (seeded from `--schema` or the config's dump), its up text (Down sections
 * blanked) and the PostgreSQL version to plan for.
 */
export async function migrationContext(
  filePath: string,
  opts: ProjectOptions,
): Promise<{ root?: MigrationRoot; catalog: Catalog; text: string; pgVersion: number; extracted?: PreparedJsMigration; dialect: DialectName; mysqlCatalog: MysqlCatalog; mysqlVersion?: string }> {
  await initParser();
  const configs = new ConfigLoader({ explicitPath: opts.configPath, cwd: opts.cwd });
  const resolved = await configs.forFile(filePath);
  const runnerOpt = opts.overrides.runner ?? (resolved.config.runner && isRunnerName(resolved.config.runner) ? resolved.config.runner : 'auto');
  const pgVersion = opts.overrides.pgVersion ?? resolved.config.pgVersion ?? 15;
  await languageOf(filePath)?.init();
  const root = await rootOf(filePath, { runner: runnerOpt, pgVersion });
  const raw = readSourceFile(filePath); // (FileReadError: too large, not a regular file, unreadable)
  const dialect: DialectName = languageOf(filePath) ? 'postgresql' : dialectOf(raw, forcedDialect(resolved, opts), root);
  if (dialect === 'mysql') await initDialect('mysql');
  const histories = await historiesBefore(root, filePath, seedCatalog(resolved, opts), resolved, opts);
  const catalog = histories.catalog;
  const mysqlVersion = opts.overrides.mysqlVersion ?? resolved.config.mysqlVersion;
  // a JS/TS (or Python) migration: the statements it sends, translated
  const extracted = prepareMigration(filePath, raw, { runner: root?.runner ?? runnerOpt, root });
  if (extracted) return { root, catalog, text: extracted.document.text, pgVersion, extracted, dialect, mysqlCatalog: histories.mysqlCatalog, mysqlVersion };
  const exclude = root ? fileTransaction(root, filePath, raw, { pgVersion }).exclude : [];
  return { root, catalog, mysqlCatalog: histories.mysqlCatalog, text: blankRanges(raw, exclude), pgVersion, dialect, mysqlVersion };
}

/**
 * The catalogs (PostgreSQL's and MySQL's) the migrations of `root` before `file` leave; each
 * migration is replayed in its own dialect (MySQL's parser is loaded on the first MySQL file).
 */
async function historiesBefore(root: MigrationRoot | undefined, file: string, catalog: Catalog, resolved?: ResolvedConfig, opts?: ProjectOptions): Promise<{ catalog: Catalog; mysqlCatalog: MysqlCatalog }> {
  const mysqlCatalog = new MysqlCatalog();
  if (!root) return { catalog, mysqlCatalog };
  const forced = resolved && opts ? forcedDialect(resolved, opts) : undefined;
  const mysqlVersion = opts?.overrides.mysqlVersion ?? resolved?.config.mysqlVersion;
  for (const f of root.files) {
    if (f.path === file) break;
    let raw: string;
    try {
      raw = readSourceFile(f.path);
    } catch {
      continue;
    }
    if (!languageOf(f.path) && dialectOf(raw, forced, root) === 'mysql') {
      await initDialect('mysql');
      replayMysql(mysqlCatalog, parseMysqlFile(f.path, blankRanges(raw, f.exclude), { target: mysqlVersion }), mysqlVersion);
    } else replayParsed(catalog, parseRootFile(root, f, raw));
  }
  catalog.sealAsHistory();
  mysqlCatalog.sealAsHistory();
  return { catalog, mysqlCatalog };
}

/** `--dialect`, else the config's `dialect` (auto when neither forces one). */
function forcedDialect(resolved: ResolvedConfig, opts: ProjectOptions): DialectName | 'auto' {
  return opts.overrides.dialect ?? resolved.config.dialect ?? 'auto';
}

/** Lint a MySQL file's text: its history is `mysqlCatalog` (the PostgreSQL catalog passes through unchanged). */
function lintMysql(path: string, text: string, options: LintOptions, pg: Catalog, mysqlCatalog: MysqlCatalog, take = false): FileLint {
  const parsed = parseMysqlFile(path, text, { target: options.mysqlVersion });
  const r = lintMysqlWithCatalog(parsed, rules, { ...options, mysqlCatalog, takeCatalog: take });
  return { result: { ...r.result, source: parsed.source.text }, catalog: pg, mysqlCatalog: r.catalog };
}

/** The engine options for one file: config, then flags; the runner's wrapping unless overridden. (Also used by the ESLint plugin.) */
export function lintOptionsFor(resolved: ResolvedConfig, opts: ProjectOptions, runnerTx: TransactionMode | undefined): LintOptions {
  const c = resolved.config;
  const cfgTx = c.transaction && c.transaction !== 'auto' ? (c.transaction as TransactionMode) : undefined;
  return {
    pgVersion: opts.overrides.pgVersion ?? c.pgVersion,
    preset: opts.overrides.preset ?? c.preset,
    rules: { ...(c.rules ?? {}), ...(opts.overrides.rules ?? {}) },
    inlineConfig: opts.overrides.inlineConfig,
    lockTimeoutByRunner: c.lockTimeout === 'runner',
    ...(c.searchPath ? { searchPath: c.searchPath } : {}),
    ...tableSizesOf(resolved, opts),
    transaction: opts.overrides.transaction ?? cfgTx ?? runnerTx ?? 'none',
    mysqlVersion: opts.overrides.mysqlVersion ?? c.mysqlVersion,
  };
}

const statsCache = new Map<string, TableSizes>();

/** Table sizes: `--stats` / `--db-url` (already loaded, in the overrides), else the config's `stats` file; and the small-table size. */
function tableSizesOf(resolved: ResolvedConfig, opts: ProjectOptions): Pick<LintOptions, 'tableSizes' | 'smallTableBytes'> {
  const c = resolved.config;
  let sizes = opts.overrides.tableSizes;
  if (!sizes && c.stats) {
    const path = resolve(resolved.dir, c.stats);
    sizes = statsCache.get(path);
    if (!sizes) {
      let text: string;
      try {
        text = readSourceFile(path, MAX_SCHEMA_BYTES);
      } catch (e) {
        throw new ConfigError(resolved.file ?? path, `"stats": the table-sizes file cannot be read: ${(e as Error).message}`);
      }
      const parsed = parseTableSizes(text);
      if (parsed.problems.length) throw new ConfigError(resolved.file ?? path, parsed.problems.map((p) => `"stats" (${c.stats}): ${p}`));
      statsCache.set(path, (sizes = parsed.sizes));
    }
  }
  if (!sizes) return {};
  const small = opts.overrides.smallTableBytes ?? (c.smallTable !== undefined ? parseSize(c.smallTable) : undefined);
  return { tableSizes: sizes, ...(small !== undefined ? { smallTableBytes: small } : {}) };
}

const dumpCache = new Map<string, Catalog>();

/** A fresh catalog: empty, or seeded from the schema dump of `--schema` / the config's `schema`. */
export function seedCatalog(resolved: ResolvedConfig, opts: ProjectOptions): Catalog {
  const c = seedFromDump(resolved, opts);
  // the history is replayed with the runner's search_path too
  if (resolved.config.searchPath) c.setDefaultSearchPath(resolved.config.searchPath);
  return c;
}

function seedFromDump(resolved: ResolvedConfig, opts: ProjectOptions): Catalog {
  const schemaPath = schemaPathOf(resolved, opts);
  if (!schemaPath) return new Catalog();
  let seeded = dumpCache.get(schemaPath);
  if (!seeded) {
    let text: string;
    try {
      text = readSourceFile(schemaPath, MAX_SCHEMA_BYTES);
    } catch (e) {
      throw new ConfigError(schemaPath, `the schema dump cannot be read: ${(e as Error).message}`);
    }
    seeded = catalogFromDump(text, schemaPath);
    dumpCache.set(schemaPath, seeded);
  }
  return seeded.clone();
}

/** Stand-ins for the cache module's functions when there is no cache (they are never called). */
const NO_CACHE = {
  cacheKey: (): string => '',
  cacheable: (r: LintResult): LintResult => r,
};

/** The schema dump that seeds the catalog: `--schema`, or the config's `schema`. */
function schemaPathOf(resolved: ResolvedConfig, opts: ProjectOptions): string | undefined {
  const c = resolved.config;
  return opts.overrides.schema ? resolve(opts.cwd, opts.overrides.schema) : c.schema ? resolve(resolved.dir, c.schema) : undefined;
}

/** The schema dump's part of a cache key: its path and text (a missing dump fails the run elsewhere). */
function schemaDigest(path: string | undefined, cacheKey: (...parts: string[]) => string): string {
  if (!path) return '';
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '\0missing';
  }
  return cacheKey(path, text);
}

function unreadable(file: string, e: unknown): LintResult {
  const code = e instanceof FileReadError ? e.message : (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  const m: Finding = { ruleId: null as unknown as string, severity: 2, fatal: true, message: `cannot read file: ${code}`, line: 1, column: 1, endLine: 1, endColumn: 1 };
  return summarize(file, [m]);
}

/**
 * A JS/TS migration (src/sources/extract): its calls' SQL linted as the runner sends it, findings
 * located in the JS/TS file. The runner's wrapping comes from the file; a `--transaction` flag or
 * a config `transaction` overrides it.
 */
function lintJs(js: PreparedJsMigration, options: LintOptions, resolved: ResolvedConfig, opts: ProjectOptions): FileLint {
  const c = resolved.config;
  const forced = opts.overrides.transaction ?? (c.transaction && c.transaction !== 'auto' ? (c.transaction as TransactionMode) : undefined);
  return js.lint({ ...options, transaction: forced, eslintComments: true });
}

export type { MigrationRoot };
