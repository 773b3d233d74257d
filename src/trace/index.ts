/**
 * `godwit trace`: run a migration in a real PostgreSQL — embedded PGlite by default, or a
 * server (`dbUrl`) — inside one transaction that is always rolled back, and report the locks
 * each statement actually took, the relations it rewrote, and where that disagrees with
 * godwit's lock table.
 *
 *   const result = await traceFile('db/migrations/002_orders.sql', { cwd: process.cwd() });
 *   for (const s of result.statements) console.log(s.line, s.locks, s.rewrites);
 *
 * PGlite and pg are imported on first use only.
 */
import { performance } from 'node:perf_hooks';
import { majorOf, type Engine } from './engine.js';
import { prepareFile, replayHistory, type HistoryOptions, type PreparedFile } from './history.js';
import { initParser } from '../dialects/postgresql/pg.js';
import { parseFile } from '../dialects/postgresql/parse.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';
import { Catalog } from '../analysis/catalog.js';
import { replayParsed } from '../analysis/history.js';
import { traceStatements } from './run.js';
import { extensionsOf } from './statements.js';
import { lexingChanges, describeChange } from '../analysis/lexing.js';
import { TraceRefused } from './engine.js';
import { relative } from 'node:path';
import type { HistoryReport, TraceResult } from './types.js';

export type { TraceResult, TracedStatement, TracedLock, Rewrite, StaticLock, Difference, HistoryReport } from './types.js';
export { formatTraceStylish, formatTraceJson } from './report.js';
export { shutdownPglite } from './pglite.js';
export { TraceRefused, TraceStop } from './engine.js';

export interface TraceOptions extends HistoryOptions {
  /** trace on this server instead of PGlite */
  dbUrl?: string;
  /**
   * Replay the history into the engine before the trace. Default: true for PGlite; false for a
   * server (its database presumably holds the history already). On a server, true replays it
   * into a scratch database created for the trace and dropped afterwards.
   */
  replayHistory?: boolean;
  /** server: lock_timeout for every traced statement (default '1s') */
  lockTimeout?: string;
  /** statement_timeout for every statement of the migration and its history (default '10s'; PGlite: godwit stops its thread) */
  statementTimeout?: string;
  /** stop between statements and roll back (SIGINT, SIGTERM) */
  signal?: AbortSignal;
  /**
   * server: where godwit cannot restrict the URL's user (docs/trace.md, "Threat model"), run
   * the migration with that user's own rights instead of refusing (`--allow-unrestricted`)
   */
  allowUnrestricted?: boolean;
  /** warnings for the user (stderr): e.g. that the trace runs unrestricted */
  warn?: (message: string) => void;
  /** PGlite data-directory cache (see pglite.ts); false: none */
  cacheDir?: string | false;
}

export const DEFAULT_LOCK_TIMEOUT = '1s';
export const DEFAULT_STATEMENT_TIMEOUT = '10s';

export async function traceFile(file: string, opts: TraceOptions): Promise<TraceResult> {
  return tracePrepared(await prepareFile(file, opts), opts);
}

export interface TraceTextOptions extends Omit<TraceOptions, 'cwd' | 'configPath' | 'runner' | 'schema'> {
  /** SQL the migration runs after (replayed as history), e.g. the tables it alters */
  history?: string | string[];
  /** the name to report (default `<text>`) */
  path?: string;
  cwd?: string;
}

/** Trace SQL text (no file, no migration root): the history is given as SQL. */
export async function traceText(sql: string, opts: TraceTextOptions = {}): Promise<TraceResult> {
  await initParser();
  const catalog = new Catalog();
  const history: ParsedFile[] = [];
  const texts = opts.history === undefined ? [] : Array.isArray(opts.history) ? opts.history : [opts.history];
  texts.forEach((h, i) => {
    const p = parseFile(`<history ${i + 1}>`, h);
    history.push(p);
    replayParsed(catalog, p);
  });
  catalog.sealAsHistory();
  const parsed = parseFile(opts.path ?? '<text>', sql);
  return tracePrepared({ parsed, history, source: history.length ? 'migrations' : 'none', catalog }, { ...opts, cwd: opts.cwd ?? process.cwd() });
}

/**
 * A file (or its history) that changes how PostgreSQL splits the statements that follow is
 * not run: what PostgreSQL would run there is not what godwit read (the no-lexer-setting-change
 * rule reports it in lint).
 */
function refuseLexingChanges(prepared: PreparedFile, cwd: string): void {
  for (const file of [...prepared.history, prepared.parsed]) {
    for (const c of lexingChanges(file.statements)) {
      if (c.scope !== 'session' || !c.differs) continue;
      const where = `${relativeTo(file.path, cwd)}:${file.source.position(c.stmt.start).line}`;
      throw new TraceRefused(
        `${where}: ${describeChange(c)} changes how PostgreSQL reads the statements after it, so they are not the ones godwit reads: godwit does not run ${file === prepared.parsed ? 'this migration' : 'a history with it'} (lint reports it as no-lexer-setting-change). ` +
          "Remove the setting: write E'…' for strings with backslash escapes, and keep the file UTF-8.",
      );
    }
  }
}

function relativeTo(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

async function tracePrepared(prepared: PreparedFile, opts: TraceOptions): Promise<TraceResult> {
  refuseLexingChanges(prepared, opts.cwd);
  const onServer = !!opts.dbUrl;
  const replay = opts.replayHistory ?? !onServer;
  const statementTimeout = opts.statementTimeout ?? DEFAULT_STATEMENT_TIMEOUT;
  const t0 = performance.now();
  let engine: Engine;
  let dropScratch: (() => Promise<void>) | undefined;
  if (opts.dbUrl) {
    const { connectServer, createScratchDatabase } = await import('./server.js');
    let url = opts.dbUrl;
    let role: string | undefined;
    if (replay) {
      const scratch = await createScratchDatabase(url, { statementTimeout });
      url = scratch.url;
      role = scratch.role;
      dropScratch = () => scratch.drop();
    }
    try {
      engine = (
        await connectServer({
          url,
          lockTimeout: opts.lockTimeout ?? DEFAULT_LOCK_TIMEOUT,
          statementTimeout,
          allowUnrestricted: opts.allowUnrestricted,
          role,
          warn: opts.warn,
        })
      ).engine;
    } catch (e) {
      await dropScratch?.().catch(() => {});
      throw e;
    }
  } else {
    const { startPglite } = await import('./pglite.js');
    const extensions = extensionsOf([...prepared.history.flatMap((h) => h.statements), ...prepared.parsed.statements]);
    engine = (await startPglite({ extensions, cacheDir: opts.cacheDir, statementTimeout, signal: opts.signal })).engine;
  }
  const startMs = Math.round(performance.now() - t0);
  const onAbort = (): void => engine.abort();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    let history: HistoryReport;
    if (replay) {
      const { ms: _ms, ...report } = await replayHistory(engine, prepared.history, prepared.source, opts.cwd, opts.signal);
      history = report;
      if (prepared.history.length && !opts.signal?.aborted) await engine.freshSession();
    } else {
      history = { source: 'database', files: 0, statements: 0, failed: 0, skipped: 0, errors: [] };
    }
    const statements = await traceStatements(engine, prepared.parsed, {
      catalog: prepared.catalog,
      pgVersion: majorOf(engine.versionNum),
      signal: opts.signal,
      ...(prepared.lineOf ? { lineOf: prepared.lineOf } : {}),
    });
    return {
      file: prepared.parsed.path,
      engine: engine.kind,
      serverVersion: engine.serverVersion,
      ...(prepared.targetPgVersion !== undefined ? { targetPgVersion: prepared.targetPgVersion } : {}),
      committed: false,
      history,
      startMs,
      statements,
      ...(prepared.unreadable?.length ? { unreadable: prepared.unreadable } : {}),
    };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await engine.release();
    await dropScratch?.().catch(() => {});
  }
}
