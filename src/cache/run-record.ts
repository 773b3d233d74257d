/**
 * The run record of `godwit lint --cache`: a repeated run over unchanged inputs prints the
 * last run's output without loading the linter.
 *
 * A `--cache` run records what it read from the file system: every file it read or looked
 * for, every directory it listed or stat'ed, each with a signature (a file: size, modification
 * and change times, inode; a directory: the names and kinds of its entries; or "missing"), and
 * what it printed. The record is kept beside the cache (`<cache>.run`). The next run with the
 * same arguments, working directory, colour settings, GODWIT_* variables, Node and godwit
 * build computes those signatures again; when every one is the same, nothing the lint depends
 * on changed, and the recorded output and exit code are replayed: the parser, the rules and
 * the analyses are never loaded. Otherwise the run is an ordinary `--cache` run (the per-file
 * cache of lint-cache.ts, keyed on file contents) and records itself for the next one.
 *
 * Not recorded (the next run takes the ordinary path): runs with --fix, --stdin,
 * --changed-since (git's state is not a file godwit reads), --output-file, --db-url (table
 * sizes read from a server), and runs that read
 * something the recorder cannot see (a JS/TS config executed by Node's module loader, worker
 * threads). A record is not written when a file it read was modified less than RACY_MS before
 * the run started: a file modified again within the same clock tick would keep its signature
 * (git's "racily clean" problem), so only files older than that are trusted.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the cache lives when `--cache-location` is not given (relative to the working directory). */
export const DEFAULT_CACHE_FILE = '.godwitcache';

/** The cache file of `--cache-location` (a file, or a directory to keep `.godwitcache` in). */
export function cacheFilePath(cwd: string, location: string | undefined): string {
  const path = resolve(cwd, location ?? DEFAULT_CACHE_FILE);
  if (location !== undefined && (/[\\/]$/.test(location) || fs.statSync(path, { throwIfNoEntry: false })?.isDirectory())) return join(path, DEFAULT_CACHE_FILE);
  return path;
}

/**
 * Whether a run can be recorded beside this cache file: only beside a regular file (or where
 * none is yet). A cache at a device, FIFO or other special file (`--cache-location /dev/null`)
 * keeps nothing, so no record appears beside it either.
 */
export function recordableAt(cacheFile: string): boolean {
  const st = fs.statSync(cacheFile, { throwIfNoEntry: false });
  return !st || st.isFile();
}

/** The run record beside the cache file. */
export function runRecordPath(cacheFile: string): string {
  return `${cacheFile}.run`;
}

/** The cache's files (the cache, the record, their temporary files while written): not inputs. */
function cacheFiles(cacheFile: string): (path: string) => boolean {
  const dir = dirname(cacheFile);
  const name = basename(cacheFile);
  return (p) => {
    const b = basename(p);
    return (b.startsWith(name) || b.startsWith(`.${name}`)) && dirname(resolve(p)) === dir;
  };
}

let build: string | undefined;

/**
 * This build of godwit: the stamp `npm run build` writes (dist/build-id), or, without it (a
 * bare `tsc`), the version and this module's modification time. A cache from another build
 * is not used: a changed rule may change any result.
 */
export function buildId(): string {
  if (build) return build;
  // this module is dist/src/cache/run-record.js, or a chunk in dist/src/cli/ when bundled
  const dist = new URL('../../', import.meta.url);
  try {
    build = fs.readFileSync(new URL('build-id', dist), 'utf8').trim();
  } catch {
    let version = '?';
    try {
      version = (JSON.parse(fs.readFileSync(new URL('../package.json', dist), 'utf8')) as { version: string }).version;
    } catch {
      // (not in a package)
    }
    let mtime = 0;
    try {
      mtime = fs.statSync(new URL(import.meta.url)).mtimeMs;
    } catch {
      // (not a file)
    }
    build = `${version}+${mtime}`;
  }
  return build;
}

/** Inputs changed more recently than this (ms) when a run ends make its record untrusted. */
export const RACY_MS = 2000;

interface Header {
  key: string;
  code: number;
  stderr: string;
  deps: Array<[path: string, signature: string]>;
}

/** What identifies a run: godwit's build and Node's version, the working directory, the arguments, what decides colours (and, on a terminal, its width: `stdoutIsTTY` is then the column count), GODWIT_* variables. */
export function runKey(build: string, cwd: string, argv: readonly string[], stdoutIsTTY: boolean | number, env: NodeJS.ProcessEnv): string {
  const godwitEnv = Object.keys(env)
    .filter((k) => k.startsWith('GODWIT_'))
    .sort()
    .map((k) => [k, env[k]]);
  return JSON.stringify([build, process.version, cwd, argv, stdoutIsTTY, env.NO_COLOR ?? null, env.FORCE_COLOR ?? null, godwitEnv]);
}

/** fs as it is before startRecording wraps it. */
const statSync = fs.statSync;
const readdirSync = fs.readdirSync;

/**
 * A path's signature: what changes when what the lint read there changes. A file: size,
 * modification and change times, inode (a rewrite within one clock tick is guarded by
 * RACY_MS). A directory: the names and kinds of its entries (not its times: writing the cache
 * beside the migrations changes those), without the cache's own files.
 */
function signature(path: string, ours: (path: string) => boolean): string {
  const st = statSync(path, { throwIfNoEntry: false, bigint: false });
  if (!st) return 'missing';
  if (st.isDirectory()) {
    let entries: string[];
    try {
      entries = readdirSync(path, { withFileTypes: true })
        .filter((e) => !ours(join(path, e.name)))
        .map((e) => `${e.isFile() ? 'f' : e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'o'}${e.name}`)
        .sort();
    } catch {
      return 'unreadable';
    }
    return `d:${entries.join('/')}`; // (exact, and no hash module to load on a replay; '/' is in no name)
  }
  return `${st.isFile() ? 'f' : 'o'}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

/**
 * The recorded output of this run, printed, if the record at `path` is for `key` and none of
 * its inputs changed; the exit code then, undefined otherwise (nothing printed).
 */
export function replayRun(cacheFile: string, key: string, out: { write(s: string | Uint8Array): unknown }, err: { write(s: string): unknown }): number | undefined {
  let fd: number | undefined;
  try {
    const path = runRecordPath(cacheFile);
    if (!fs.statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined; // (a FIFO would block the read)
    fd = fs.openSync(path, 'r');
    // the header only, first: a record of another run (its key differs) is not read further
    const prefix = Buffer.from(`{"key":${JSON.stringify(key)},`);
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let head = Buffer.alloc(0);
    let eol = -1;
    while (eol < 0) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (!n) return undefined;
      const from = head.length;
      head = Buffer.concat([head, chunk.subarray(0, n)]);
      if (from === 0 && (head.length < prefix.length || !head.subarray(0, prefix.length).equals(prefix))) return undefined;
      eol = head.indexOf(10, from);
    }
    const header = JSON.parse(head.subarray(0, eol).toString('utf8')) as Header;
    if (header.key !== key || !Array.isArray(header.deps)) return undefined;
    const ours = cacheFiles(cacheFile);
    for (const [p, sig] of header.deps) if (signature(p, ours) !== sig) return undefined;
    const output = Buffer.concat([head.subarray(eol + 1), fs.readFileSync(fd)]); // (the rest of the file, from where the reads stopped)
    if (header.stderr) err.write(header.stderr);
    out.write(output);
    return header.code;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** What a run read (path → signature), and when it started. */
interface Recorded {
  deps: Map<string, string>;
  start: number;
  /** each linted file's result: how many inputs had been read when it was made, its per-file cache key, its root and place in it */
  produced: Map<string, Produced>;
}

/** [inputs read before the result was made, per-file cache key, root (group), index in the root] */
type Produced = [k: number, key: string, group: string, index: number];

let recording: Map<string, string> | undefined;
let produced: Map<string, Produced> | undefined;
let untracked = false;

/**
 * project.ts made (or took from the per-file cache) the result of `file` under the cache key
 * `key`, as file `index` of the root `group`: everything read so far is what it can depend on.
 */
export function resultProduced(file: string, key: string, group: string, index: number): void {
  if (recording && produced && !produced.has(file)) produced.set(file, [recording.size, key, group, index]);
}

/** The run reads something the recorder cannot see (an executed config module, worker threads): no record. */
export function untrackedInput(): void {
  if (recording) untracked = true;
}

const SYNC = ['readFileSync', 'readdirSync', 'statSync', 'lstatSync', 'existsSync', 'realpathSync', 'openSync', 'opendirSync', 'accessSync'] as const;
const ASYNC = ['readFile', 'readdir', 'stat', 'lstat', 'access', 'open', 'opendir', 'realpath'] as const;

/**
 * Start recording the paths this run reads (fs is wrapped until `stop`): the signature of each
 * path, taken before its first read.
 */
export function startRecording(cacheFile: string): { stop(): Recorded | undefined } {
  const seen = new Map<string, string>();
  const made = new Map<string, Produced>();
  const start = Date.now();
  const ours = cacheFiles(cacheFile);
  recording = seen;
  produced = made;
  untracked = false;
  const note = (p: unknown): void => {
    let path: string | undefined;
    if (typeof p === 'string') path = p;
    else if (p instanceof URL && p.protocol === 'file:') path = fileURLToPath(p);
    else if (Buffer.isBuffer(p)) path = p.toString('utf8');
    if (path === undefined) return;
    path = resolve(path); // (as the read resolves it: against the process's directory)
    if (seen.has(path) || ours(path)) return;
    try {
      seen.set(path, signature(path, ours));
    } catch {
      untracked = true; // (a path the recorder cannot stat the way it will be read)
    }
  };
  const restore: Array<() => void> = [];
  const wrap = (target: Record<string, unknown>, name: string): void => {
    const original = target[name];
    if (typeof original !== 'function') return;
    const wrapped = function (this: unknown, p: unknown, ...rest: unknown[]) {
      note(p);
      return (original as (...a: unknown[]) => unknown).call(this, p, ...rest);
    };
    target[name] = wrapped;
    restore.push(() => {
      target[name] = original;
    });
  };
  // (node:fs/promises and its streams are loaded only to record: a replay does not need them)
  const require = createRequire(import.meta.url);
  const fsp = require('node:fs/promises') as typeof import('node:fs/promises');
  const { syncBuiltinESMExports } = require('node:module') as typeof import('node:module');
  for (const name of SYNC) wrap(fs as unknown as Record<string, unknown>, name);
  for (const name of ASYNC) wrap(fs as unknown as Record<string, unknown>, name);
  for (const name of ASYNC) wrap(fsp as unknown as Record<string, unknown>, name);
  syncBuiltinESMExports();
  return {
    stop() {
      for (const r of restore) r();
      syncBuiltinESMExports();
      recording = undefined;
      produced = undefined;
      return untracked ? undefined : { deps: seen, start, produced: made };
    },
  };
}

/**
 * Keep the record of this run beside `cacheFile` (atomically, through `write`), unless a file it
 * read was modified within RACY_MS before the run started: a second write within the same clock
 * tick would keep the file's signature, so only files older than that are trusted (git's "racily
 * clean" entries). An older record is removed then. Errors are ignored: the record only saves time.
 */
export function saveRun(cacheFile: string, key: string, recorded: Recorded, code: number, stdout: string, stderr: string, write: (path: string, data: string) => void): void {
  const path = runRecordPath(cacheFile);
  const deps: Header['deps'] = [...recorded.deps];
  const racy = isRacy(recorded);
  try {
    // a stale record goes; only a regular file is removed (a link, a device or anything else at the path stays)
    if (racy) {
      if (fs.lstatSync(path, { throwIfNoEntry: false })?.isFile()) fs.rmSync(path);
    }
    else write(path, `${JSON.stringify({ key, code, stderr, deps } satisfies Header)}\n${stdout}`);
  } catch {
    // (only time is lost)
  }
}

/** A file the run read was modified less than RACY_MS before it started. */
function isRacy(recorded: Recorded): boolean {
  for (const sig of recorded.deps.values()) {
    if (!sig.startsWith('f:') && !sig.startsWith('o:')) continue;
    const [, , mtime, ctime] = sig.split(':');
    if (Number(mtime) > recorded.start - RACY_MS || Number(ctime) > recorded.start - RACY_MS) return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------------
// File records: a run naming files, each of them answered from the per-file cache.
//
// The run record answers a run repeated exactly; a pre-commit hook names other files each time.
// So a recorded run that names files (no directories) also keeps, for each file it named, where
// its result stands: the inputs read before that result was made (a prefix of the run's inputs:
// the file, its directory and the ones above, the config files searched, the root's earlier
// migrations and its runner's files, the schema dump, godwit's own files) and the per-file
// cache key it was stored under. A later run with the same flags, working directory, colour
// settings, GODWIT_* variables, Node, godwit build and first path's directory (whose config
// picks the runner) that names only such files prints their results from the per-file cache
// when every one of those inputs has its recorded signature and the cache still holds each
// result under its key: the parser, the rules and the analyses are not loaded. Only runs that
// printed nothing on standard error are kept; results from several roots, or several files
// in no root, are not combined (their order is the linter's to decide).

/** The file records beside the cache file. */
export function fileRecordPath(cacheFile: string): string {
  return `${cacheFile}.files`;
}

/** How many recorded runs the file records keep (the oldest go first). */
const MAX_RUNS = 16;

interface FileRecords {
  key: string;
  /** run id → the inputs it read, in order (up to the last one a named file's result needed) */
  runs: Record<string, Array<[path: string, signature: string]>>;
  /** named file → [run id, inputs read before its result, per-file cache key, root (group), index in the root] */
  files: Record<string, [run: string, k: number, key: string, group: string, index: number]>;
}

/**
 * What identifies a run for its file records: as `runKey`, but with the parsed options (the
 * paths left out) and the directory of the first path, where the runner's config is looked up.
 */
export function fileRunKey(build: string, cwd: string, options: Record<string, unknown>, firstDir: string, stdoutIsTTY: boolean | number, env: NodeJS.ProcessEnv): string {
  const sorted = Object.keys(options)
    .sort()
    .map((k) => [k, options[k]]);
  return runKey(build, cwd, ['files', firstDir, JSON.stringify(sorted)], stdoutIsTTY, env);
}

/** The absolute paths of `paths` when every one is an existing regular file (no directory, no duplicate), else undefined. */
export function namedFiles(paths: readonly string[], cwd: string): string[] | undefined {
  if (!paths.length) return undefined;
  const files = paths.map((p) => resolve(cwd, p));
  if (new Set(files).size !== files.length) return undefined;
  for (const f of files) if (!statSync(f, { throwIfNoEntry: false })?.isFile()) return undefined;
  return files;
}

function readFileRecords(cacheFile: string, key: string): FileRecords | undefined {
  const path = fileRecordPath(cacheFile);
  try {
    if (!fs.statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined;
    const r = JSON.parse(fs.readFileSync(path, 'utf8')) as FileRecords;
    return r && r.key === key && r.runs && r.files ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The named files' results (in the order the linter gives them) and their per-file cache keys,
 * if the file records answer every one of them and none of their inputs changed; else undefined.
 * The results themselves are the per-file cache's (the caller checks its keys).
 */
export function answerFromFileRecords(cacheFile: string, key: string, files: readonly string[]): Array<{ file: string; key: string }> | undefined {
  const records = readFileRecords(cacheFile, key);
  if (!records) return undefined;
  const entries = files.map((f) => [f, records.files[f]] as const);
  if (entries.some(([, e]) => !e)) return undefined;
  const groups = new Set(entries.map(([, e]) => e![3]));
  if (files.length > 1 && (groups.size > 1 || groups.has(''))) return undefined;
  // each run's inputs, checked up to the last one a named file's result needed
  const upTo = new Map<string, number>();
  for (const [, e] of entries) upTo.set(e![0], Math.max(upTo.get(e![0]) ?? 0, e![1]));
  const ours = cacheFiles(cacheFile);
  const checked = new Map<string, string>();
  for (const [run, k] of upTo) {
    const deps = records.runs[run];
    if (!deps || deps.length < k) return undefined;
    for (let i = 0; i < k; i++) {
      const [p, sig] = deps[i];
      let now = checked.get(p);
      if (now === undefined) checked.set(p, (now = signature(p, ours)));
      if (now !== sig) return undefined;
    }
  }
  return entries.sort((a, b) => a[1]![4] - b[1]![4]).map(([file, e]) => ({ file, key: e![2] }));
}

/**
 * Keep the file records of this run: for each of the files it named (all of them files) whose
 * result it made. Not when it read a racily modified file or printed on standard error. Errors
 * are ignored: the records only save time.
 */
export function saveFileRecords(cacheFile: string, key: string, recorded: Recorded, files: readonly string[], stderr: string, write: (path: string, data: string) => void): void {
  if (stderr || isRacy(recorded)) return;
  const mine = files.map((f) => [f, recorded.produced.get(f)] as const).filter((e): e is readonly [string, Produced] => !!e[1]);
  if (!mine.length) return;
  const records: FileRecords = readFileRecords(cacheFile, key) ?? { key, runs: {}, files: {} };
  const id = `${recorded.start}.${process.pid}`;
  const k = Math.max(...mine.map(([, p]) => p[0]));
  records.runs[id] = [...recorded.deps].slice(0, k);
  for (const [f, p] of mine) records.files[f] = [id, p[0], p[1], p[2], p[3]];
  // the runs still answering a file, the newest MAX_RUNS of them
  const used = new Set(Object.values(records.files).map((e) => e[0]));
  const kept = new Set(Object.keys(records.runs).filter((r) => used.has(r)).slice(-MAX_RUNS));
  for (const r of Object.keys(records.runs)) if (!kept.has(r)) delete records.runs[r];
  for (const [f, e] of Object.entries(records.files)) if (!kept.has(e[0])) delete records.files[f];
  try {
    write(fileRecordPath(cacheFile), JSON.stringify(records));
  } catch {
    // (only time is lost)
  }
}
