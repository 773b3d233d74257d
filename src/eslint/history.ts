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
import { parseFile } from '../dialects/postgresql/parse.js';
import { replayParsed } from '../analysis/history.js';
import { blankRanges, type MigrationRoot } from '../sources/index.js';
import type { Catalog } from '../analysis/catalog.js';
import type { Stamps } from './root-cache.js';
import { languageOf, prepareMigration } from '../sources/extract/index.js';
import { dialectOf, MysqlCatalog, parseMysqlFile, replayMysql, type DialectName } from '../dialects/index.js';
import { readSourceFile } from '../sources/read.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';

/** A catalog a history replays into: PostgreSQL's or MySQL's. */
interface HistoryCatalog<C> {
  clone(): C;
  sealAsHistory(): void;
}

interface Checkpoint<C> {
  upTo: number;
  signatures: string[];
  /** sealed; never handed out, only cloned */
  catalog: C;
}

/** Checkpoints per history key (dialect, root, runner, version, seed), most recent first. */
const checkpoints = new Map<string, Checkpoint<HistoryCatalog<unknown>>[]>();
const KEEP = 4;
const MAX_KEYS = 32;

/**
 * A fresh catalog (the caller may change it) holding the history of `file` in `root`:
 * `seed()` plus every PostgreSQL migration of the root before the file (MySQL ones have a
 * catalog of their own, `mysqlHistoryBefore`, as in project.ts; `dialect` is the configured
 * one). `key` must identify the root and everything that changes the replay (runner, seed
 * schema, dialect).
 */
export function historyBefore(root: MigrationRoot | undefined, file: string, key: string, seed: () => Catalog, stamps: Stamps, dialect: DialectName | 'auto' | undefined): Catalog {
  return replayBefore(root, file, `postgresql\0${key}`, seed, stamps, (catalog, path, raw, exclude) => {
    if (!languageOf(path) && dialectOf(raw, dialect, root) === 'mysql') return;
    replayParsed(catalog, extractedMigration(path, raw, root!.runner) ?? parseFile(path, blankRanges(raw, exclude)));
  });
}

/** The MySQL catalog the root's MySQL migrations before `file` leave (`key` as for `historyBefore`). */
export function mysqlHistoryBefore(root: MigrationRoot | undefined, file: string, key: string, stamps: Stamps, dialect: DialectName | 'auto' | undefined, mysqlVersion: string | undefined): MysqlCatalog {
  return replayBefore(root, file, `mysql\0${mysqlVersion}\0${key}`, () => new MysqlCatalog(), stamps, (catalog, path, raw, exclude) => {
    if (languageOf(path) || dialectOf(raw, dialect, root) !== 'mysql') return;
    replayMysql(catalog, parseMysqlFile(path, blankRanges(raw, exclude), { target: mysqlVersion }), mysqlVersion);
  });
}

/**
 * The root's migrations before `file`, replayed into `seed()` from the checkpoint that covers
 * the most of them; a fresh catalog the caller may change.
 */
function replayBefore<C extends HistoryCatalog<C>>(root: MigrationRoot | undefined, file: string, key: string, seed: () => C, stamps: Stamps, replay: (catalog: C, path: string, raw: string, exclude: MigrationRoot['files'][number]['exclude']) => void): C {
  if (!root) return seed();
  const stop = root.files.findIndex((f) => f.path === file);
  const before = stop === -1 ? root.files : root.files.slice(0, stop);
  const signatures = before.map((f) => `${f.path}\0${stamps(f.path)}`);

  // the valid checkpoint that covers the most files; stale ones (a file before them changed) go
  const list = ((checkpoints.get(key) ?? []) as Checkpoint<C>[]).filter((c) => c.upTo > before.length || c.signatures.every((s, i) => s === signatures[i]));
  let start: Checkpoint<C> | undefined;
  for (const c of list) if (c.upTo <= before.length && (!start || c.upTo > start.upTo)) start = c;
  const catalog = start ? start.catalog.clone() : seed();
  for (let i = start?.upTo ?? 0; i < before.length; i++) {
    const f = before[i];
    let raw: string;
    try {
      raw = readSourceFile(f.path);
    } catch {
      continue; // unreadable history is skipped, as the CLI does
    }
    replay(catalog, f.path, raw, f.exclude);
  }
  catalog.sealAsHistory();
  const used = start?.upTo === before.length ? start : { upTo: before.length, signatures, catalog: catalog.clone() };
  // most recently used first
  checkpoints.delete(key);
  checkpoints.set(key, [used, ...list.filter((c) => c !== used)].slice(0, KEEP) as Checkpoint<HistoryCatalog<unknown>>[]);
  if (checkpoints.size > MAX_KEYS) checkpoints.delete(checkpoints.keys().next().value!);
  return catalog;
}

/** The SQL a JS/TS (or Python) migration sends, as history (what project.ts replays); undefined for SQL. */
function extractedMigration(path: string, text: string, runner: string): ParsedFile | undefined {
  languageOf(path)?.initSync();
  return prepareMigration(path, text, { runner })?.parsed;
}
