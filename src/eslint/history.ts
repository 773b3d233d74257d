/**
 * The schema a migration runs against: the catalog its root's earlier migrations leave
 * (what project.ts's lintVirtualFile replays), with checkpoints so that ESLint, which asks
 * for every file of a root one after another (not always in the runner's order), replays each
 * migration about once per run instead of once per later file.
 *
 * A checkpoint is the catalog after the first `upTo` files of a root. Besides the most
 * recently used ones, one is kept every CHECKPOINT_EVERY files, so a file linted out of order
 * replays at most that many migrations. In a long-lived ESLint (an editor, the `ESLint` class),
 * a checkpoint carries the signature (path, size, mtime) of each of its files and is used only
 * while every signature still matches the disk, so an edited, added or reordered migration
 * invalidates what follows it. In a single ESLint run (`eslint` on the command line: run.ts),
 * the migrations are taken as they are at the start of the run and not stat'ed again.
 */
import { parseFile } from '../dialects/postgresql/parse.js';
import { replayParsed } from '../analysis/history.js';
import { blankRanges, type MigrationRoot } from '../sources/index.js';
import type { Catalog } from '../analysis/catalog.js';
import type { Stamps } from './root-cache.js';
import { languageOf, prepareMigration } from '../sources/extract/index.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';
import { dialectOf, MysqlCatalog, parseMysqlFile, replayMysql, type DialectName } from '../dialects/index.js';
import { readSourceFile } from '../sources/read.js';
import { singleRun } from './run.js';

/** What history.ts needs of a catalog (PostgreSQL's and MySQL's). */
interface Replayable<C> {
  clone(): C;
  sealAsHistory(): void;
}

interface Checkpoint<C> {
  upTo: number;
  /** the stamps of the first `upTo` files (not kept in a single run) */
  signatures?: string[];
  /** sealed; never handed out, only cloned (unless `handOff`) */
  catalog: C;
  /** (single run) the catalog a lint of file `upTo - 1` left (`lintedAsHistory`): handed to the next file as is, once */
  handOff?: boolean;
}

/** Checkpoints per history key (dialect, root, runner, PostgreSQL version, seed), most recent first. */
const checkpoints = new Map<string, Checkpoint<unknown>[]>();
const KEEP_RECENT = 4;
const CHECKPOINT_EVERY = 32;
const MAX_KEYS = 32;

/**
 * A fresh catalog (the caller may change it) holding the history of `file` in `root`:
 * `seed()` plus every migration of the root before the file, each replayed by `replay` (which
 * skips what is not its dialect's). `key` must identify the root and everything that changes
 * the replay (runner, seed schema).
 */
function catalogBefore<C extends Replayable<C>>(root: MigrationRoot, file: string, key: string, seed: () => C, stamps: Stamps, replay: (catalog: C, f: MigrationRoot['files'][number]) => void): C {
  const stop = root.files.findIndex((f) => f.path === file);
  const before = stop === -1 ? root.files : root.files.slice(0, stop);
  const checked = !singleRun();
  const signatures = checked ? before.map((f) => `${f.path}\0${stamps(f.path)}`) : undefined;

  // the valid checkpoint that covers the most files; stale ones (a file before them changed) go
  const all = (checkpoints.get(key) ?? []) as Checkpoint<C>[];
  const list = signatures ? all.filter((c) => c.upTo > before.length || c.signatures!.every((s, i) => s === signatures[i])) : all;
  let start: Checkpoint<C> | undefined;
  for (const c of list) if (c.upTo <= before.length && (!start || c.upTo > start.upTo)) start = c;
  if (start?.handOff && start.upTo === before.length) {
    // the catalog the lint of the file before this one left: this file's history, no replay, no copy
    // (it goes from the list: the lint of this file changes it)
    checkpoints.set(key, list.filter((c) => c !== start));
    return start.catalog;
  }
  // (a hand-off meant for an earlier file, which ESLint may still ask for, is copied as any checkpoint)
  const catalog = start ? start.catalog.clone() : seed();
  const made: Checkpoint<C>[] = [];
  for (let i = start?.upTo ?? 0; i < before.length; i++) {
    replay(catalog, before[i]);
    // a checkpoint every CHECKPOINT_EVERY files, for files linted out of order
    if ((i + 1) % CHECKPOINT_EVERY === 0 && i + 1 < before.length && !list.some((c) => c.upTo === i + 1)) {
      const copy = catalog.clone();
      copy.sealAsHistory();
      made.push({ upTo: i + 1, signatures: signatures?.slice(0, i + 1), catalog: copy });
    }
  }
  catalog.sealAsHistory();
  const used = start?.upTo === before.length ? start : { upTo: before.length, signatures, catalog: catalog.clone() };
  // the most recently used first, then the regular ones
  const recent = [used, ...list.filter((c) => c !== used && c.upTo % CHECKPOINT_EVERY !== 0)].slice(0, KEEP_RECENT);
  const regular = [...list, ...made].filter((c) => c.upTo % CHECKPOINT_EVERY === 0 && !recent.includes(c));
  checkpoints.delete(key);
  checkpoints.set(key, [...recent, ...regular]);
  if (checkpoints.size > MAX_KEYS) checkpoints.delete(checkpoints.keys().next().value!);
  return catalog;
}

/**
 * In a single run: the catalog the lint of `file` (its text as on disk) left is the history of
 * the root's next migration, as `godwit lint` carries it from file to file; kept for the next
 * file `historyBefore` is asked for, which then neither replays nor copies. (In a long-lived
 * ESLint the text linted may be an unsaved buffer: not kept.)
 */
export function lintedAsHistory(root: MigrationRoot | undefined, file: string, key: string, dialect: DialectName | 'auto' | undefined, catalog: Catalog): void {
  if (!root || !singleRun()) return;
  const at = root.files.findIndex((f) => f.path === file);
  if (at === -1) return;
  const k = `pg\0${dialect ?? ''}\0${key}`; // (historyBefore's key)
  catalog.sealAsHistory();
  const list = (checkpoints.get(k) ?? []).filter((c) => !(c.handOff && c.upTo === at + 1));
  // hand-offs not taken yet (ESLint reads files concurrently: they do not always come in order), at most KEEP_RECENT
  const handOffs = list.filter((c) => c.handOff).slice(0, KEEP_RECENT - 1);
  const others = list.filter((c) => !c.handOff);
  // the regular checkpoints, for a file that comes far out of order (replays stop at them)
  if ((at + 1) % CHECKPOINT_EVERY === 0 && !others.some((c) => c.upTo === at + 1)) {
    const copy = catalog.clone();
    copy.sealAsHistory();
    others.push({ upTo: at + 1, catalog: copy });
  }
  checkpoints.delete(k);
  checkpoints.set(k, [{ upTo: at + 1, catalog, handOff: true }, ...handOffs, ...others]);
  if (checkpoints.size > MAX_KEYS) checkpoints.delete(checkpoints.keys().next().value!);
}

/**
 * The PostgreSQL catalog the PostgreSQL migrations of `root` before `file` leave (a fresh one
 * without a root). MySQL files of a mixed root have a catalog of their own (`mysqlHistoryBefore`,
 * as in project.ts); `dialect` is the configured one.
 */
export function historyBefore(root: MigrationRoot | undefined, file: string, key: string, seed: () => Catalog, stamps: Stamps, dialect: DialectName | 'auto' | undefined): Catalog {
  if (!root) return seed();
  return catalogBefore(root, file, `pg\0${dialect ?? ''}\0${key}`, seed, stamps, (catalog, f) => {
    let raw: string;
    try {
      raw = readSourceFile(f.path);
    } catch {
      return; // unreadable history is skipped, as the CLI does
    }
    if (!languageOf(f.path) && dialectOf(raw, dialect, root) === 'mysql') return;
    replayParsed(catalog, extractedMigration(f.path, raw, root.runner) ?? parseFile(f.path, blankRanges(raw, f.exclude)));
  });
}

/** The MySQL catalog the root's MySQL migrations before `file` leave. */
export function mysqlHistoryBefore(root: MigrationRoot | undefined, file: string, key: string, mysqlVersion: string | undefined, stamps: Stamps, dialect: DialectName | 'auto' | undefined): MysqlCatalog {
  if (!root) return new MysqlCatalog();
  return catalogBefore(root, file, `mysql\0${mysqlVersion ?? ''}\0${dialect ?? ''}\0${key}`, () => new MysqlCatalog(), stamps, (catalog, f) => {
    if (languageOf(f.path)) return;
    let raw: string;
    try {
      raw = readSourceFile(f.path);
    } catch {
      return;
    }
    if (dialectOf(raw, dialect, root) !== 'mysql') return;
    replayMysql(catalog, parseMysqlFile(f.path, blankRanges(raw, f.exclude), { target: mysqlVersion }), mysqlVersion);
  });
}

/** The SQL a JS/TS (or Python) migration sends, as history (what project.ts replays); undefined for SQL. */
function extractedMigration(path: string, text: string, runner: string): ParsedFile | undefined {
  languageOf(path)?.initSync();
  return prepareMigration(path, text, { runner })?.parsed;
}
