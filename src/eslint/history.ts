/**
 * The schema a migration runs against: the catalog its root's earlier migrations leave
 * (what project.ts's lintVirtualFile replays), with checkpoints so that ESLint, which asks
 * for every file of a root one after another, replays each migration once instead of once
 * per later file.
 *
 * A checkpoint is the catalog after the first `upTo` files of a root, with the signature
 * (path, size, mtime) of each of those files. It is used only while every signature still
 * matches the disk, so an edited, added or reordered migration invalidates what follows it.
 */
import { readFileSync } from 'node:fs';
import { parseFile } from '../dialects/postgresql/parse.js';
import { replayParsed } from '../analysis/history.js';
import { blankRanges, type MigrationRoot } from '../sources/index.js';
import type { Catalog } from '../analysis/catalog.js';
import type { Stamps } from './root-cache.js';
import { languageOf, prepareMigration } from '../sources/extract/index.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';

interface Checkpoint {
  upTo: number;
  signatures: string[];
  /** sealed; never handed out, only cloned */
  catalog: Catalog;
}

/** Checkpoints per history key (root, runner, PostgreSQL version, seed), most recent first. */
const checkpoints = new Map<string, Checkpoint[]>();
const KEEP = 4;
const MAX_KEYS = 32;

/**
 * A fresh catalog (the caller may change it) holding the history of `file` in `root`:
 * `seed()` plus every migration of the root before the file. `key` must identify the root
 * and everything that changes the replay (runner, seed schema).
 */
export function historyBefore(root: MigrationRoot | undefined, file: string, key: string, seed: () => Catalog, stamps: Stamps): Catalog {
  if (!root) return seed();
  const stop = root.files.findIndex((f) => f.path === file);
  const before = stop === -1 ? root.files : root.files.slice(0, stop);
  const signatures = before.map((f) => `${f.path}\0${stamps(f.path)}`);

  // the valid checkpoint that covers the most files; stale ones (a file before them changed) go
  const list = (checkpoints.get(key) ?? []).filter((c) => c.upTo > before.length || c.signatures.every((s, i) => s === signatures[i]));
  let start: Checkpoint | undefined;
  for (const c of list) if (c.upTo <= before.length && (!start || c.upTo > start.upTo)) start = c;
  const catalog = start ? start.catalog.clone() : seed();
  for (let i = start?.upTo ?? 0; i < before.length; i++) {
    const f = before[i];
    let raw: string;
    try {
      raw = readFileSync(f.path, 'utf8');
    } catch {
      continue; // unreadable history is skipped, as the CLI does
    }
    replayParsed(catalog, extractedMigration(f.path, raw, root.runner) ?? parseFile(f.path, blankRanges(raw, f.exclude)));
  }
  catalog.sealAsHistory();
  const used = start?.upTo === before.length ? start : { upTo: before.length, signatures, catalog: catalog.clone() };
  // most recently used first
  checkpoints.delete(key);
  checkpoints.set(key, [used, ...list.filter((c) => c !== used)].slice(0, KEEP));
  if (checkpoints.size > MAX_KEYS) checkpoints.delete(checkpoints.keys().next().value!);
  return catalog;
}

/** The SQL a JS/TS (or Python) migration sends, as history (what project.ts replays); undefined for SQL. */
function extractedMigration(path: string, text: string, runner: string): ParsedFile | undefined {
  languageOf(path)?.initSync();
  return prepareMigration(path, text, { runner })?.parsed;
}
