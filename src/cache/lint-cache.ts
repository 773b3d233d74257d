/**
 * The lint cache (`godwit lint --cache`, as ESLint's): each linted migration's result, stored
 * under a key that covers everything the result depends on, so a run over unchanged migrations
 * parses nothing (README, "Cache").
 *
 * A migration's result depends on its text, its config, the run's flags, godwit's build, and
 * its history: the text of every migration before it in its root (the schema it runs against)
 * and the schema dump that seeds the catalog. So keys are chained along a root: each file's
 * link hashes the previous link with the file's path, text and runner facts, and a linted file's
 * key hashes its link with its config. Editing, adding or reordering an earlier migration
 * changes every later key; nothing is decided by modification times.
 *
 * The store is one JSON file (default `.godwitcache` in the working directory), read once and
 * written once at the end of a run (atomically; a failed write is a warning, never a failed
 * lint). A file that is missing, unreadable, corrupt or from another godwit build is an empty
 * cache.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { writeOutput } from '../io/write.js';
import type { LintResult } from '../engine/types.js';

import { buildId } from './run-record.js';

export { DEFAULT_CACHE_FILE } from './run-record.js';

/** One cached lint: the key it was computed under and the result (with `source` when it has messages). */
export interface CacheEntry {
  key: string;
  result: LintResult;
}

/** A new or changed entry, as linting a root reports it (it crosses worker threads: plain data). */
export interface FreshEntry extends CacheEntry {
  file: string;
}

interface StoredCache {
  godwit: string;
  files: Record<string, CacheEntry>;
}

let createHash: typeof import('node:crypto').createHash | undefined;

/** Hash of the parts, separated so that ('ab', 'c') and ('a', 'bc') differ. */
export function cacheKey(...parts: string[]): string {
  // (node:crypto loaded on first use: a run answered from the file records never hashes)
  createHash ??= (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash;
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('base64url');
}

export class LintCache {
  private files: Record<string, CacheEntry>;
  private changed = false;

  private constructor(
    readonly path: string,
    /** this build of godwit; part of every run key */
    readonly build: string,
    files: Record<string, CacheEntry>,
  ) {
    this.files = files;
  }

  /** The cache at `path` (an empty one when the file is missing, unreadable, corrupt or from another build). */
  static load(path: string): LintCache {
    const build = buildId();
    let files: Record<string, CacheEntry> = Object.create(null);
    try {
      const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredCache;
      if (stored && stored.godwit === build && stored.files && typeof stored.files === 'object') files = Object.assign(Object.create(null), stored.files);
    } catch {
      // no usable cache: start empty
    }
    return new LintCache(path, build, files);
  }

  get(file: string): CacheEntry | undefined {
    return this.files[file];
  }

  set(entry: FreshEntry): void {
    this.files[entry.file] = { key: entry.key, result: entry.result };
    this.changed = true;
  }

  /** Write the cache if this run changed it. Returns an error message instead of throwing. */
  save(): string | undefined {
    if (!this.changed) return undefined;
    // entries of migrations deleted (or renamed) since they were cached go: the file stays bounded
    for (const file of Object.keys(this.files)) if (!existsSync(file)) delete this.files[file];
    try {
      writeOutput(this.path, JSON.stringify({ godwit: this.build, files: this.files } satisfies StoredCache));
      this.changed = false;
      return undefined;
    } catch (e) {
      return `could not write the cache: ${(e as Error).message}`;
    }
  }
}

/** What to store for a result: without `output` (fix runs are not cached), `source` only for code frames. */
export function cacheable(result: LintResult): LintResult {
  const { output: _output, source, ...rest } = result;
  return result.messages.length && source !== undefined ? { ...rest, source } : rest;
}
