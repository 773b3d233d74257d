/**
 * Migration roots for a long-lived ESLint. Finding a file's root (sources' `rootOfSync`)
 * lists its folder and reads its migrations to detect the runner and the down sections:
 * milliseconds per call, and ESLint asks once per file. A root found for a file on disk is
 * kept, under every folder that holds one of its migrations, and reused for a file while the
 * stamps (size and modification time) of the root folder (a migration folder added or
 * removed), of the file, and of the migrations before it and their folders (what its history
 * replays; a file added, removed or renamed there changes its folder's stamp) are unchanged.
 * Changes after the file do not count: they change neither its history nor its own
 * transaction, which is computed from its text. In a single ESLint run (run.ts) a root found
 * once is reused for the whole run without stamps.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ownsPopFile, rootOfSync, type MigrationRoot, type RunnerName } from '../sources/index.js';
import { isJsMigrationPath } from '../sources/extract/index.js';
import { singleRun } from './run.js';

/** Stamps of paths, each taken once per analysis (`createStamps()` per file linted). */
export type Stamps = (path: string) => string;

export function createStamps(): Stamps {
  const seen = new Map<string, string>();
  return (path) => {
    let s = seen.get(path);
    if (s === undefined) {
      const st = statSync(path, { throwIfNoEntry: false });
      s = st ? `${st.size}:${st.mtimeMs}` : 'missing';
      seen.set(path, s);
    }
    return s;
  };
}

interface Entry {
  root: MigrationRoot;
  /** stamps of the root folder, the migration folders and the migration files (up, then skipped) */
  stamps: Map<string, string>;
}

const cache = new Map<string, Entry>();
const MAX_ENTRIES = 20_000;

export function cachedRootOf(file: string, opts: { runner: RunnerName | 'auto'; pgVersion?: number }, stamps: Stamps): MigrationRoot | undefined {
  // JS/TS and SQL files of one folder are found by different code (js-roots.ts, roots.ts): kept apart
  // (pop keeps PostgreSQL's and MySQL's migrations in one folder, as two roots: one entry per dialect)
  const key = (dir: string, dialect = ''): string => `${isJsMigrationPath(file) ? 'js' : 'sql'}\0${opts.runner}\0${opts.pgVersion ?? ''}\0${dialect}\0${dir}`;
  const once = singleRun();
  for (const d of ['', 'postgresql', 'mysql']) {
    const hit = cache.get(key(dirname(file), d));
    if (hit && holds(hit.root, file) && (once || valid(hit, file, stamps))) return hit.root;
  }

  const root = rootOfSync(file, opts);
  // a root found for a file not on disk (an unsaved buffer) lists that file: not kept
  if (!root || !holds(root, file) || stamps(file) === 'missing') return root;
  const files = [...root.files, ...root.skipped].map((f) => f.path);
  const dirs = [...new Set([root.dir, ...files.map((f) => dirname(f))])];
  const entry: Entry = { root, stamps: once ? new Map() : new Map([...dirs, ...files].map((p) => [p, stamps(p)])) };
  if (cache.size > MAX_ENTRIES) cache.clear();
  for (const d of dirs) cache.set(key(d, root.dialect), entry);
  return root;
}

/** The root folder, the file and its folder, and the migrations before it and their folders are as they were. */
function valid(entry: Entry, file: string, stamps: Stamps): boolean {
  const same = (p: string): boolean => entry.stamps.get(p) === stamps(p);
  if (!same(entry.root.dir) || !same(file) || !same(dirname(file))) return false;
  if (!entry.root.files.some((f) => f.path === file)) return true; // a skipped file (a down script): no history
  for (const f of entry.root.files) {
    if (f.path === file) break;
    if (!same(f.path) || !same(dirname(f.path))) return false;
  }
  return true;
}

/**
 * The root applies the file, or skips it as its own (a down script); not a file of another
 * dialect's root of the folder, nor a pop file both dialects apply held by the MySQL root (it is
 * the PostgreSQL root's, as rootOf and `godwit lint <dir>` have it).
 */
function holds(root: MigrationRoot, file: string): boolean {
  if (!ownsPopFile(root, file)) return false;
  return root.files.some((f) => f.path === file) || root.skipped.some((f) => f.path === file && (f.kind !== 'ignored' || !root.flavor));
}
