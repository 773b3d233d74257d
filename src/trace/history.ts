/**
 * What a trace starts from: the file's history, found the way `godwit lint` finds it (the
 * earlier up migrations of its migration root, in the runner's order, with down sections
 * blanked; a `--schema` / config `schema` dump first when given). The same history is
 * replayed twice: statically into godwit's catalog (for the lock facts to compare with), and
 * for real into the engine (executed, statement by statement, in autocommit).
 */
import { MAX_SCHEMA_BYTES, readSourceFile } from '../sources/read.js';
import { relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initParser } from '../dialects/postgresql/pg.js';
import { parseFile } from '../dialects/postgresql/parse.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';
import { Catalog } from '../analysis/catalog.js';
import { catalogFromDump, replayParsed } from '../analysis/history.js';
import { blankRanges, fileTransaction, isRunnerName, rootOf, type RunnerName } from '../sources/index.js';
import { ConfigLoader } from '../config/index.js';
import { languageOf, prepareMigration, sentStatements } from '../sources/extract/index.js';
import { pgError, TraceStop, type Engine } from './engine.js';
import { notReplayable, replayText } from './statements.js';
import { returnsRows } from './session.js';
import type { HistoryReport } from './types.js';

export interface HistoryOptions {
  cwd: string;
  /** `-c/--config` */
  configPath?: string;
  /** `--runner` */
  runner?: RunnerName | 'auto';
  /** `--schema` (relative to cwd); the config's `schema` otherwise */
  schema?: string;
  /** `--pg-version`: the PostgreSQL version the migrations target (the config's `pgVersion` otherwise, else 15) */
  pgVersion?: number;
}

export interface PreparedFile {
  /** the migration, parsed (down sections blanked; a JS/TS or Python migration: the statements it sends) */
  parsed: ParsedFile;
  /** a JS/TS or Python migration: the file line of a statement (the call that sends it) */
  lineOf?: (offset: number) => number;
  /** a JS/TS or Python migration: calls godwit cannot read or translate (not traced) */
  unreadable?: Array<{ line: number; callee: string; reason: string }>;
  /** history to replay, in order: the schema dump first (when any), then the earlier migrations */
  history: ParsedFile[];
  source: HistoryReport['source'];
  /** godwit's static catalog after the history (as `godwit lint` would have it) */
  catalog: Catalog;
  /** the PostgreSQL major version the migrations target (`--pg-version`, config `pgVersion`, else 15) */
  targetPgVersion?: number;
}

export async function prepareFile(file: string, opts: HistoryOptions): Promise<PreparedFile> {
  await initParser();
  const path = resolve(opts.cwd, file);
  const raw = readSourceFile(path); // (too large, not a regular file: FileReadError, "trace failed: …")
  const configs = new ConfigLoader({ explicitPath: opts.configPath, cwd: opts.cwd });
  const resolved = await configs.forFile(path);
  const cfgRunner = resolved.config.runner && isRunnerName(resolved.config.runner) ? resolved.config.runner : 'auto';
  const runner = opts.runner && opts.runner !== 'auto' ? opts.runner : cfgRunner;
  await languageOf(path)?.init();
  const root = await rootOf(path, { runner, pgVersion: resolved.config.pgVersion });

  // a JS/TS or Python migration is traced as the statements it sends (its calls translated)
  const extracted = prepareMigration(path, raw, { runner: root?.runner ?? runner, root });
  if (extracted?.migration.error) {
    const e = extracted.migration.error;
    throw new Error(`cannot parse ${path}:${e.line}:${e.column}: ${e.message}`);
  }
  const sent = extracted ? sentStatements(extracted) : undefined;
  let text = raw;
  if (root && !sent) text = blankRanges(raw, fileTransaction(root, path, raw, { pgVersion: resolved.config.pgVersion }).exclude);
  const parsed = sent ? sent.parsed : parseFile(path, text);

  const history: ParsedFile[] = [];
  let catalog = new Catalog();
  let source: HistoryReport['source'] = 'none';
  const schemaPath = opts.schema ? resolve(opts.cwd, opts.schema) : resolved.config.schema ? resolve(resolved.dir, resolved.config.schema) : undefined;
  if (schemaPath) {
    const dump = readSourceFile(schemaPath, MAX_SCHEMA_BYTES);
    history.push(parseFile(schemaPath, dump));
    catalog = catalogFromDump(dump, schemaPath);
    source = 'schema';
  }
  if (root && root.files.some((f) => f.path === path)) {
    for (const f of root.files) {
      if (f.path === path) break;
      let body: string;
      try {
        body = readSourceFile(f.path);
      } catch {
        continue;
      }
      const earlier = prepareMigration(f.path, body, { runner: root.runner, root });
      const p = earlier ? sentStatements(earlier).parsed : parseFile(f.path, blankRanges(body, f.exclude));
      history.push(p);
      replayParsed(catalog, p);
      source = source === 'schema' ? 'schema' : 'migrations';
    }
  }
  catalog.sealAsHistory();
  const targetPgVersion = opts.pgVersion ?? resolved.config.pgVersion ?? 15;
  if (!sent) return { parsed, history, source, catalog, targetPgVersion };
  const lineAt = (offset: number): number => raw.slice(0, offset).split('\n').length;
  const unreadable = sent.unreadable.map((d) => ({ line: lineAt(d.callRange[0]), callee: d.callee, reason: d.reason }));
  return { parsed, history, source, catalog, lineOf: sent.lineOf, unreadable, targetPgVersion };
}

/**
 * Execute the history in the engine, statement by statement in autocommit, each one as a
 * migration statement is run (Engine.run: one statement, the statement timeout, the
 * restricted role on a server). A statement that fails is skipped and counted (a history is
 * replayed as far as it goes: objects from extensions or roles that do not exist here, …).
 * Session state it leaves (SET search_path, …) is not carried into the trace: the caller gives
 * the migration a fresh session (Engine.freshSession).
 */
export async function replayHistory(engine: Engine, history: ParsedFile[], source: HistoryReport['source'], cwd: string, signal?: AbortSignal): Promise<HistoryReport & { ms: number }> {
  const t0 = performance.now();
  const report: HistoryReport = { source, files: history.length, statements: 0, failed: 0, skipped: 0, errors: [] };
  for (const file of history) {
    for (const stmt of file.statements) {
      await new Promise((r) => setImmediate(r));
      if (signal?.aborted) break;
      const text = notReplayable(stmt) ? null : replayText(stmt, file);
      if (text === null) {
        report.skipped++;
        continue;
      }
      report.statements++;
      try {
        await engine.run(text, { rows: returnsRows(stmt.kind, stmt.body) });
      } catch (e) {
        if (e instanceof TraceStop) throw e;
        report.failed++;
        if (report.errors.length < 20) {
          report.errors.push({ file: shortPath(file.path, cwd), line: file.source.position(stmt.start).line, message: pgError(e).message });
        }
      }
    }
  }
  return { ...report, ms: performance.now() - t0 };
}

function shortPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}
