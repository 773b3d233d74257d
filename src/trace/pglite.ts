/**
 * The embedded engine: PostgreSQL compiled to WASM (PGlite), in memory, in a worker thread of
 * this process (pglite-worker.ts). Nothing it does outlives the process, so a trace there
 * cannot touch any real database; the thread lets godwit stop a statement that does not end —
 * PGlite has no statement_timeout of its own, and a thread running WASM handles no signal:
 * each statement of a migration gets `statementTimeout` (the thread is terminated when it
 * passes), and Ctrl-C terminates the thread at once.
 *
 * Start-up is the cost: `initdb` in WASM takes seconds. So:
 *  - the freshly initdb'd data directory is dumped once and cached on disk (gzip, per PGlite
 *    version) — later processes load it instead of running initdb; this process keeps it in
 *    memory for a thread that replaces a terminated one;
 *  - one instance is kept per process; after a trace it is reset (every object the history
 *    and the trace created is dropped) and reused. The reset is verified against a
 *    fingerprint of the pristine catalogs; when anything is left over, the instance is
 *    replaced by a fresh one from the in-memory data directory.
 *
 * `@electric-sql/pglite` is imported (in the thread) on first use only: `godwit lint` never loads it.
 */
import { createRequire } from 'node:module';
import { existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { durationMs, EngineStopped, TraceStop, type Engine } from './engine.js';
import { checkFailure, RUN_CALL } from './session.js';
import type { OpenResult, WorkerInit, WorkerRequest } from './pglite-worker.js';

export interface PgliteStartInfo {
  engine: Engine;
  /** milliseconds until the engine was ready */
  startMs: number;
  /** initdb: no cached data directory; datadir: loaded the cached one; reused: reset the process's instance */
  how: 'initdb' | 'datadir' | 'reused';
}

export interface PgliteOptions {
  /** extensions the history or the migration creates (CREATE EXTENSION names) */
  extensions?: Iterable<string>;
  /** where to cache the initdb'd data directory; false: no disk cache. Default: $GODWIT_CACHE_DIR or <tmpdir>/godwit-<uid> */
  cacheDir?: string | false;
  /** each statement of a migration or its history may run this long (PostgreSQL duration; default 10s) */
  statementTimeout?: string;
  /** an interruption while the engine starts stops it at once (start-up can take seconds) */
  signal?: AbortSignal;
}

interface Host {
  worker: Worker;
  extensions: Set<string>;
  serverVersion: string;
  versionNum: number;
  /** a trace ran since the last reset */
  dirty: boolean;
  call<T>(req: DistributiveOmit<WorkerRequest, 'id'>, timeoutMs?: number): Promise<T>;
  /** stop the thread now: pending calls fail with `why` */
  kill(why: EngineStopped): void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

let host: Host | undefined;
/** the pristine data directory (uncompressed tar), once known */
let pristine: Uint8Array | undefined;
/** one trace at a time per process */
let queue: Promise<void> = Promise.resolve();

const require = createRequire(import.meta.url);

/** PGlite's dist directory and version (the cache key). */
function pgliteInfo(): WorkerInit {
  const main = require.resolve('@electric-sql/pglite');
  const dist = dirname(main);
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // keep 'unknown'
  }
  return { dist, version };
}

/** Contrib extensions PGlite ships, by the name CREATE EXTENSION uses. */
export function pgliteExtensionModule(name: string): string | undefined {
  const mod = name.replace(/-/g, '_');
  if (!/^[a-z0-9_]+$/.test(mod)) return undefined;
  return existsSync(join(pgliteInfo().dist, 'contrib', `${mod}.js`)) ? mod : undefined;
}

/** The per-user cache directory, or undefined when it is not safe to use (not ours, a symlink). */
function cacheDirectory(opt: string | false | undefined): string | undefined {
  if (opt === false) return undefined;
  const dir = opt ?? process.env.GODWIT_CACHE_DIR ?? join(tmpdir(), `godwit-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return undefined;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The thread's script: beside this module once built (also from the CLI bundle in dist/src/cli/), or in dist/ when this runs from src/ (tests). */
function workerScript(): URL {
  for (const rel of ['../trace/pglite-worker.js', '../../dist/src/trace/pglite-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  throw new Error('the embedded engine is not built (dist/src/trace/pglite-worker.js is missing): run npm run build');
}

function startWorker(): Host {
  // (not this process's own Node flags: --input-type, an --import hook … are not the thread's)
  const worker = new Worker(workerScript(), { workerData: pgliteInfo(), execArgv: [] });
  worker.unref();
  let next = 1;
  let dead: EngineStopped | undefined;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer?: NodeJS.Timeout }>();
  const failAll = (e: unknown): void => {
    for (const p of pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(e);
    }
    pending.clear();
  };
  worker.on('message', (msg: { id: number; ok: boolean; value?: unknown; message?: string; code?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (p.timer) clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(Object.assign(new Error(msg.message), msg.code ? { code: msg.code } : {}));
  });
  worker.on('error', (e) => {
    dead ??= new EngineStopped(`the embedded engine failed: ${e instanceof Error ? e.message : String(e)}`, 'the embedded engine failed on an earlier statement');
    failAll(dead);
  });
  worker.on('exit', () => {
    dead ??= new EngineStopped('the embedded engine stopped', 'the embedded engine stopped on an earlier statement');
    failAll(dead);
    if (host?.worker === worker) host = undefined;
  });
  const h: Host = {
    worker,
    extensions: new Set(),
    serverVersion: '',
    versionNum: 0,
    dirty: false,
    call<T>(req: DistributiveOmit<WorkerRequest, 'id'>, timeoutMs?: number): Promise<T> {
      if (dead) return Promise.reject(dead);
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const entry: { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer?: NodeJS.Timeout } = { resolve: resolve as (v: unknown) => void, reject };
        if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
          entry.timer = setTimeout(
            () =>
              h.kill(
                new EngineStopped(
                  'canceling statement due to statement timeout (godwit stopped the embedded engine: PGlite has no statement_timeout)',
                  'the embedded engine was stopped at the statement timeout of an earlier statement',
                ),
              ),
            timeoutMs,
          );
        }
        pending.set(id, entry);
        worker.ref();
        worker.postMessage({ ...req, id });
      }).finally(() => {
        if (pending.size === 0) worker.unref();
      });
    },
    kill(why: EngineStopped): void {
      dead ??= why;
      failAll(dead);
      if (host?.worker === worker) host = undefined;
      void worker.terminate();
    },
  };
  return h;
}

async function createHost(extensions: Set<string>, cacheDir: string | false | undefined, signal?: AbortSignal): Promise<{ host: Host; how: 'initdb' | 'datadir' }> {
  const h = startWorker();
  const onAbort = (): void => h.kill(new EngineStopped('interrupted', 'interrupted'));
  signal?.addEventListener('abort', onAbort);
  try {
    if (signal?.aborted) onAbort();
    const r = await h.call<OpenResult>({ op: 'open', extensions: [...extensions].map((e) => pgliteExtensionModule(e)!).filter(Boolean), cacheDir: cacheDirectory(cacheDir), pristine });
    if (r.pristine) pristine = r.pristine;
    h.extensions = extensions;
    h.serverVersion = r.serverVersion;
    h.versionNum = r.versionNum;
    return { host: h, how: r.how };
  } catch (e) {
    h.kill(new EngineStopped('the embedded engine did not start', 'the embedded engine did not start'));
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Start (or reuse) the process's PGlite instance for one trace. Traces are serialized: the
 * engine is handed out again only after `release()`.
 */
export async function startPglite(opts: PgliteOptions = {}): Promise<PgliteStartInfo> {
  let unlock!: () => void;
  const previous = queue;
  queue = new Promise<void>((r) => (unlock = r));
  await previous;
  const t0 = performance.now();
  const timeoutMs = durationMs(opts.statementTimeout ?? '10s');
  try {
    const wanted = new Set([...(opts.extensions ?? [])].filter((e) => pgliteExtensionModule(e)));
    let how: PgliteStartInfo['how'] = 'reused';
    if (host && [...wanted].some((e) => !host!.extensions.has(e))) {
      for (const e of host.extensions) wanted.add(e);
      await closeHost();
    }
    if (host && host.dirty && !(await host.call<boolean>({ op: 'reset' }).catch(() => false))) await closeHost();
    if (!host) {
      const created = await createHost(wanted, opts.cacheDir, opts.signal);
      host = created.host;
      how = created.how;
    }
    const h = host;
    h.dirty = true;
    let released = false;
    const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => h.call<T[]>({ op: 'query', sql, params });
    const engine: Engine = {
      kind: 'pglite',
      serverVersion: h.serverVersion,
      versionNum: h.versionNum,
      query,
      async run(sql, { rows }) {
        try {
          await h.call({ op: 'query', sql: RUN_CALL, params: [sql, rows] }, timeoutMs);
        } catch (e) {
          const why = checkFailure(e);
          if (why) throw new TraceStop(why);
          throw e;
        }
      },
      async freshSession() {
        await h.call({ op: 'fresh' });
      },
      async begin() {
        await query('BEGIN');
      },
      async rollback() {
        await query('ROLLBACK').catch(() => {});
      },
      abort() {
        h.kill(new EngineStopped('interrupted', 'interrupted'));
      },
      async release() {
        if (released) return;
        released = true;
        unlock();
      },
    };
    return { engine, startMs: performance.now() - t0, how };
  } catch (e) {
    unlock();
    throw e;
  }
}

async function closeHost(): Promise<void> {
  const h = host;
  host = undefined;
  if (h) {
    await h.call({ op: 'close' }).catch(() => {});
    await h.worker.terminate();
  }
}

/** Close the process's instance (lets the process exit). */
export async function shutdownPglite(): Promise<void> {
  const previous = queue;
  let unlock!: () => void;
  queue = new Promise<void>((r) => (unlock = r));
  await previous;
  try {
    await closeHost();
  } finally {
    unlock();
  }
}
