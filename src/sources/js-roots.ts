/**
 * Migration roots of JS/TS runners (TypeORM, Knex, node-pg-migrate, MikroORM, Sequelize,
 * Kysely): a folder whose JS/TS files export migrations of one runner. Only folders named
 * like migrations (`*migrat*`, any case), folders given on the command line that hold files
 * named like migrations (`<digits>…`, `Migration<digits>…`) and the folder of a JS/TS file
 * named explicitly are looked at — never every .ts file of a repository.
 *
 * The runner of a folder is the one most of its files are written for (extract/shape.ts:
 * imports, the migration class, parameter types, what `up` calls); `--runner` forces it.
 * Files are ordered the way the runner orders them:
 *   typeorm          the last 13 digits of the class name (MigrationExecutor.getMigrations)
 *   knex, sequelize, mikro-orm, kysely   file name (code-unit order)
 *   node-pg-migrate  the numeric prefix (13-digit ms or 17-digit UTC), then name; its .sql
 *                    migrations in the same folder take part (sqlMigration.ts)
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { extractMigration } from './extract/extract.js';
import { isJsMigrationPath } from './extract/parse.js';
import { isJsRunnerName, type ExtractedMigration, type JsRunnerName } from './extract/types.js';
import { compareDigits, compareStrings, naturalCompare } from './order.js';
import { fileTransaction } from './transaction.js';
import type { FindOptions, MigrationFile, MigrationRoot, SkippedFile } from './types.js';
import { readSourceFileOr } from './read.js';
import { jsMigrationCandidatesUnder, type ListDir } from './walk.js';



/**
 * Folders that may hold JS/TS migrations under `paths` (directories searched, files: their
 * folder). With a JS runner forced (`--runner knex`), a folder given holding JS/TS files is one.
 */
export async function jsCandidateDirs(paths: string[], opts: FindOptions = {}, list?: ListDir): Promise<string[]> {
  const forced = !!opts.runner && opts.runner !== 'auto' && isJsRunnerName(opts.runner);
  const dirs = new Set<string>();
  for (const p of paths) {
    const abs = resolve(p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      continue;
    }
    if (!isDir) {
      if (isJsMigrationPath(abs)) dirs.add(dirname(abs));
      continue;
    }
    // the folder itself, when it is named like migrations or holds files named like migrations
    const own = jsFiles(abs);
    if ((forced && own.length) || /migrat/i.test(basename(abs)) || own.some((n) => /^(\d|Migration\d)/.test(n))) dirs.add(abs);
    // **/*migrat*/*.{js,cjs,mjs,ts,cts,mts}, any case; node_modules, dist, build, coverage skipped (walk.ts)
    const found = jsMigrationCandidatesUnder(abs, list);
    for (const f of found) if (isJsMigrationPath(f)) dirs.add(dirname(resolve(f)));
  }
  return [...dirs].sort(compareStrings);
}

/** The JS/TS migration roots among `dirs` (`--runner` with a JS runner forces it). */
export function findJsRoots(dirs: string[], opts: FindOptions = {}): MigrationRoot[] {
  const out: MigrationRoot[] = [];
  for (const dir of dirs) {
    const root = jsRootIn(dir, opts);
    if (root) out.push(root);
  }
  return out;
}

/** The JS/TS root a file belongs to (its folder), if the folder is one. */
export function jsRootOf(file: string, opts: FindOptions = {}): MigrationRoot | undefined {
  const abs = resolve(file);
  const root = jsRootIn(dirname(abs), opts, abs);
  return root && (root.files.some((f) => f.path === abs) || root.skipped.some((f) => f.path === abs)) ? root : undefined;
}

function jsFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.') && isJsMigrationPath(e.name) && !/\.(test|spec)\.[cm]?[jt]s$/i.test(e.name))
      .map((e) => e.name)
      .sort(compareStrings);
  } catch {
    return [];
  }
}

function read(path: string): string {
  return readSourceFileOr(path, ''); // (not a FIFO, nor a file over the size limit: read.ts)
}

/**
 * The root in `dir`, if its JS/TS files are migrations of a runner. `extra` is a file that may
 * not exist yet (an editor buffer, stdin): it is placed where it sorts.
 */
function jsRootIn(dir: string, opts: FindOptions, extra?: string): MigrationRoot | undefined {
  const names = jsFiles(dir);
  if (extra && isJsMigrationPath(extra) && !names.includes(basename(extra))) names.push(basename(extra));
  if (names.length === 0) return undefined;
  const forced = opts.runner && opts.runner !== 'auto' && isJsRunnerName(opts.runner) ? opts.runner : undefined;
  if (opts.runner && opts.runner !== 'auto' && !forced) return undefined; // an SQL runner was asked for
  const extracted = names.map((n) => ({ name: n, path: join(dir, n), m: extractMigration(join(dir, n), read(join(dir, n)), forced ? { runner: forced } : {}) }));
  const votes = new Map<JsRunnerName, number>();
  for (const e of extracted) if (e.m.hasUp && e.m.runner && isJsRunnerName(e.m.runner)) votes.set(e.m.runner, (votes.get(e.m.runner) ?? 0) + 1);
  const runner = forced ?? [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!runner || (!forced && (votes.get(runner) ?? 0) === 0)) return undefined;
  const detectedBy = forced ? `--runner ${forced}` : `${votes.get(runner)} of ${names.length} JS/TS files are ${runner} migrations (${extracted.find((e) => e.m.runner === runner)?.m.detectedBy})`;

  const files: Array<MigrationFile & { key: string }> = [];
  const skipped: SkippedFile[] = [];
  for (const e of extracted) {
    let m: ExtractedMigration = e.m;
    if (m.runner !== runner && m.hasUp) m = extractMigration(e.path, read(e.path), { runner });
    // a file that does not parse stays in its place: its lint is the parse error (never left out in silence)
    if (!m.hasUp && !m.error) {
      skipped.push({ path: e.path, kind: 'ignored', reason: `no up migration exported (not a ${runner} migration)` });
      continue;
    }
    files.push({ path: e.path, version: versionOf(runner, e.name, m), kind: 'up', transaction: m.transaction, txReason: m.txReason, exclude: [], key: e.name });
  }
  if (runner === 'node-pg-migrate') {
    // node-pg-migrate runs .sql migrations of the same folder in the same sequence
    for (const n of readSqlNames(dir)) {
      const path = join(dir, n);
      files.push({ path, version: n.split('_')[0], kind: 'up', ...fileTransaction('node-pg-migrate', path, read(path)), key: n });
    }
  }
  files.sort(order(runner));
  const notes = duplicates(runner, files);
  return { dir, runner, detectedBy, files: files.map(({ key: _k, ...f }) => f), skipped, notes };
}

function readSqlNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.sql')).sort(compareStrings);
  } catch {
    return [];
  }
}

/** TypeORM: the last 13 digits of the class name; others: the file name's leading digits (or the name). */
function versionOf(runner: JsRunnerName, name: string, m: ExtractedMigration): string {
  if (runner === 'typeorm' && m.className && /\d{13}$/.test(m.className)) return m.className.slice(-13);
  return /^\d+/.exec(name)?.[0] ?? name.replace(/\.[cm]?[jt]s$/i, '');
}

function order(runner: JsRunnerName): (a: MigrationFile & { key: string }, b: MigrationFile & { key: string }) => number {
  switch (runner) {
    case 'typeorm':
      return (a, b) => (/^\d+$/.test(a.version) && /^\d+$/.test(b.version) ? compareDigits(a.version, b.version) : 0) || compareStrings(a.key, b.key);
    case 'node-pg-migrate':
      return (a, b) => stamp(a.version) - stamp(b.version) || naturalCompare(a.key, b.key);
    case 'kysely':
      return (a, b) => compareStrings(a.key.replace(/\.[cm]?[jt]s$/i, ''), b.key.replace(/\.[cm]?[jt]s$/i, ''));
    default:
      return (a, b) => compareStrings(a.key, b.key);
  }
}

/** node-pg-migrate prefixes: 13-digit milliseconds, or 17-digit UTC yyyyMMddHHmmssSSS. */
function stamp(v: string): number {
  if (/^\d{17}$/.test(v)) {
    return Date.UTC(+v.slice(0, 4), +v.slice(4, 6) - 1, +v.slice(6, 8), +v.slice(8, 10), +v.slice(10, 12), +v.slice(12, 14), +v.slice(14, 17));
  }
  return Number(v) || 0;
}

function duplicates(runner: JsRunnerName, files: MigrationFile[]): string[] {
  if (runner !== 'typeorm') return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of files) {
    if (seen.has(f.version)) out.push(`two TypeORM migrations share the timestamp ${f.version}: their order is not defined`);
    seen.add(f.version);
  }
  return out;
}

/** The JS/TS migrations of `roots` that lie under one of `paths` (directories) or are one of them. */
export function jsMigrationsUnder(roots: MigrationRoot[], paths: string[]): string[] {
  const dirs: string[] = [];
  const files = new Set<string>();
  for (const p of paths) {
    try {
      if (statSync(p).isDirectory()) dirs.push(p.endsWith(sep) ? p : p + sep);
      else files.add(p);
    } catch {
      // missing: reported by the caller
    }
  }
  const out: string[] = [];
  for (const r of roots) {
    for (const f of r.files) {
      if (isJsMigrationPath(f.path) && (files.has(f.path) || dirs.some((d) => f.path.startsWith(d)))) out.push(f.path);
    }
  }
  return out;
}
