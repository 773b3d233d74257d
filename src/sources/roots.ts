/**
 * Migration roots: find the directories that hold migrations, detect the runner from the
 * layout (or take the one given), list the up migrations in the runner's order, and say how
 * each file is wrapped in transactions.
 *
 * Layouts recognised (first match wins):
 *   nested — a directory whose sub-folders are migrations:
 *     prisma   `<ts>_<name>/migration.sql` (+ `migration_lock.toml`)
 *     diesel   `<version>_<name>/up.sql` + `down.sql` (+ `metadata.toml`)
 *     plain    numbered folders of SQL files (`delta/54/*.sql`, Synapse-style): ordered by
 *              folder number, then file name
 *   flat — a directory of SQL files:
 *     drizzle  `meta/_journal.json` beside the files
 *     atlas    `atlas.sum` beside the files
 *     flyway   `V<version>__<desc>.sql` (+ `R__…`, `U…`)
 *     golang-migrate `<version>_<name>.up.sql` / `.down.sql`
 *     plain    pop/fizz `<version>_<name>.postgres.up.sql` (other dialects and downs skipped), and
 *              the same folder's `.mysql.up.sql` files as a second root (dialect mysql)
 *     goose / dbmate / node-pg-migrate by their directive comments (majority of files)
 *     plain    any other directory of SQL files whose names are numbered, or named *migrat*
 * A directory of SQL files that matches none (e.g. `db/seed.sql`) is not a root: its files
 * are `loose` (linted without history).
 *
 * Down and undo files are never up migrations: they are listed in `MigrationRoot.skipped`,
 * not in `files`, and are not linted as part of the history.
 *
 * Symlinked directories are never followed (no link loops).
 */
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { initParser } from '../dialects/postgresql/pg.js';
import { compareDigits, compareFlywayVersions, compareStrings, naturalCompare } from './order.js';
import { fileTransaction } from './transaction.js';
import { lineComments } from './comments.js';
import type { FindOptions, MigrationFile, MigrationRoot, RunnerName, SkippedFile } from './types.js';
import { findJsRoots, jsCandidateDirs, jsRootOf } from './js-roots.js';
import { isJsMigrationPath } from './extract/parse.js';
import { findPyRoots, pyCandidateDirs, pyRootOf } from './py-roots.js';
import { initPyParser, isPyMigrationPath } from './extract/python/parse.js';
import './extract/python/language.js'; // registers the Python front end (languages.ts)
import { readSourceFile } from './read.js';
import { listDirOnce, sqlFilesUnder, type ListDir } from './walk.js';
import { rootDialect } from './dialect.js';



const GOLANG_MIGRATE = /^(\d+)_(.*)\.(up|down)\.sql$/;
const POP = /^(\d+)_(.+?)(?:\.(postgres|mysql|sqlite3|cockroach|mssql))?(?:\.(autocommit))?\.(up|down)\.sql$/;
const POP_DIALECT = /\.(postgres|mysql|sqlite3|cockroach|mssql)(\.autocommit)?\.(up|down)\.sql$/;
/**
 * A pop folder's MySQL root applies its `.mysql.` files and the dialect-less ones, but the
 * dialect-less ones are linted in the folder's PostgreSQL root (project.ts: a file two roots
 * apply is linted in the first): the MySQL root is the root of its `.mysql.` files only
 * (true for every other root; with `--dialect mysql` rootOf has no PostgreSQL root to defer to).
 */
export function ownsPopFile(root: MigrationRoot, file: string): boolean {
  if (root.flavor !== 'pop' || root.dialect !== 'mysql') return true;
  return POP.exec(basename(file))?.[3] === 'mysql';
}
const FLYWAY_VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__(.*)\.sql$/;
const FLYWAY_REPEATABLE = /^R__(.*)\.sql$/;
const FLYWAY_BASELINE = /^B(\d+(?:[._]\d+)*)__(.*)\.sql$/;

export interface FoundRoots {
  roots: MigrationRoot[];
  /** SQL files under the given paths (and files named explicitly) that belong to no root */
  loose: string[];
  /** the files read whole to detect runners (read as the lint reads them: read.ts), by path: the lint need not read them again */
  texts: Map<string, string>;
}

/**
 * Find the migration roots under `paths` (directories are searched recursively; a file
 * brings in the root it belongs to). A root is always complete — the lead filters the files
 * to lint by the paths given; the others are history.
 */
export async function findRoots(paths: string[], opts: FindOptions = {}): Promise<FoundRoots> {
  await initParser();
  // the tree is walked three times (SQL files, JS/TS folders, runner detection): read each folder once
  const list = opts.list ?? listDirOnce();
  const ctx = new Context(opts, list);
  const found = new Set<string>();
  const explicit: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      continue; // missing paths are reported by the caller
    }
    if (isDir) {
      const files = sqlFilesUnder(abs, true, list); // **/*.sql and **/*.sql.postgres, node_modules skipped (walk.ts)
      for (const f of files) found.add(resolve(f));
    } else {
      explicit.push(abs);
    }
  }

  const sqlDirs = [...new Set([...found].map((f) => dirname(f)))];
  const candidates = [...new Set([...sqlDirs, ...sqlDirs.map((d) => dirname(d))])].sort(byDepth);
  const roots = new Map<string, MigrationRoot>();
  const claimed = new Set<string>();
  for (const dir of candidates) {
    if (claimed.has(dir)) continue;
    const nested = ctx.nested(dir);
    if (!nested) continue;
    roots.set(dir, nested.root);
    claimed.add(dir);
    for (const d of nested.claims) claimed.add(d);
  }
  for (const dir of sqlDirs.sort(byDepth)) {
    if (claimed.has(dir)) continue;
    const flat = ctx.flat(dir);
    claimed.add(dir);
    if (flat) roots.set(dir, flat);
    // pop keeps every dialect's migrations in one folder: MySQL's are a root of their own
    const mysql = flat?.flavor === 'pop' && flat.dialect !== 'mysql' ? ctx.popMysql(dir) : undefined;
    if (mysql) roots.set(`${dir}\0mysql`, mysql);
  }
  for (const file of explicit) {
    if (isJsMigrationPath(file) || isPyMigrationPath(file)) continue;
    const root = ctx.rootOf(file);
    if (root && !roots.has(root.dir)) roots.set(root.dir, root);
  }
  // JS/TS migration roots (js-roots.ts); a node-pg-migrate root also holds the folder's .sql files
  for (const js of findJsRoots(await jsCandidateDirs(paths, opts, list), opts)) {
    const sql = roots.get(js.dir);
    roots.set(sql && !(js.runner === 'node-pg-migrate' && sql.runner !== 'prisma' && sql.runner !== 'diesel') ? `${js.dir}\0js` : js.dir, js);
  }
  // Python migration roots (py-roots.ts): the Python parser is loaded only when there are candidates
  const pyDirs = pyCandidateDirs(paths, opts, list);
  if (pyDirs.length) {
    await initPyParser();
    for (const py of findPyRoots(pyDirs, opts)) roots.set(roots.has(py.dir) ? `${py.dir}\0py` : py.dir, py);
  }

  const member = new Set<string>();
  for (const r of roots.values()) {
    for (const f of r.files) member.add(f.path);
    for (const f of r.skipped) member.add(f.path);
  }
  const loose = [...new Set([...[...found].filter((f) => f.endsWith('.sql')), ...explicit])].filter((f) => !member.has(f)).sort();
  return { roots: [...roots.values()].sort((a, b) => compareStrings(a.dir, b.dir)), loose, texts: ctx.read };
}

/**
 * The root a single file belongs to: its own directory (flat layouts) or the directory above
 * it (nested layouts). Undefined when the file is in no root. The file may be one of
 * `root.files` or of `root.skipped` (a down file, …): check which.
 */
export async function rootOf(file: string, opts: FindOptions = {}): Promise<MigrationRoot | undefined> {
  await initParser();
  if (isJsMigrationPath(file)) return jsRootOf(file, opts);
  if (isPyMigrationPath(file)) return pyRootOf(file, opts);
  return new Context(opts).rootOf(resolve(file));
}

/** `rootOf` for synchronous callers (the ESLint plugin): the parser must already be loaded (`initParser`). */
export function rootOfSync(file: string, opts: FindOptions = {}): MigrationRoot | undefined {
  if (isJsMigrationPath(file)) return jsRootOf(file, opts);
  return new Context(opts).rootOf(resolve(file));
}

function byDepth(a: string, b: string): number {
  const da = a.split(/[\\/]/).length;
  const db = b.split(/[\\/]/).length;
  return da - db || compareStrings(a, b);
}

interface DirInfo {
  files: string[];
  subdirs: string[];
}

/** Per-call caches and the builders. */
class Context {
  private readonly dirs = new Map<string, DirInfo>();
  private readonly texts = new Map<string, string>();
  /** layouts already worked out, per directory: files named one by one (a pre-commit hook's list) share them */
  private readonly nestedSeen = new Map<string, { root: MigrationRoot; claims: string[] } | undefined>();
  private readonly flatSeen = new Map<string, MigrationRoot | undefined>();
  private readonly forced: RunnerName | undefined;
  private readonly pgVersion: number | undefined;
  private readonly dialect: 'auto' | 'postgresql' | 'mysql';

  constructor(
    opts: FindOptions,
    private readonly list: ListDir = (dir) => readdirSync(dir, { withFileTypes: true }),
  ) {
    this.forced = opts.runner && opts.runner !== 'auto' ? opts.runner : undefined;
    this.pgVersion = opts.pgVersion;
    this.dialect = opts.dialect ?? 'auto';
  }

  /** pop's MySQL migrations of a folder (`*.mysql.up.sql` and the dialect-less ones), unless `--dialect postgresql`. */
  popMysql(dir: string): MigrationRoot | undefined {
    const key = `${dir}\0mysql`;
    if (this.flatSeen.has(key)) return this.flatSeen.get(key);
    const found = this.findPopMysql(dir);
    this.flatSeen.set(key, found);
    return found;
  }

  private findPopMysql(dir: string): MigrationRoot | undefined {
    if (this.dialect === 'postgresql') return undefined;
    const names = this.sqlNames(dir);
    if (!names.some((n) => POP.exec(n)?.[3] === 'mysql')) return undefined;
    return this.plain(dir, names, 'pop/fizz <version>_<name>.mysql.up.sql files', 'mysql');
  }

  rootOf(file: string): MigrationRoot | undefined {
    const dir = dirname(file);
    // a file not saved yet (stdin, an editor buffer) is placed where it would sort
    const info = this.info(dir);
    const base = basename(file);
    if (!info.files.includes(base)) {
      info.files.push(base);
      info.files.sort(compareStrings);
      // the folder's layouts change with it
      this.nestedSeen.clear();
      this.flatSeen.clear();
    }
    const contains = (r: MigrationRoot | undefined): r is MigrationRoot => !!r && (r.files.some((f) => f.path === file) || r.skipped.some((f) => f.path === file));
    const nested = this.nested(dirname(dir));
    if (nested && nested.claims.includes(dir) && contains(nested.root)) return nested.root;
    const flat = this.flat(dir);
    // a pop folder's MySQL migration belongs to the folder's MySQL root (the other one skips it)
    const mysql = flat && flat.flavor === 'pop' && flat.dialect !== 'mysql' ? this.popMysql(dir) : undefined;
    if (mysql && mysql.files.some((f) => f.path === file) && ownsPopFile(mysql, file)) return mysql;
    return contains(flat) ? flat : undefined;
  }

  private info(dir: string): DirInfo {
    let info = this.dirs.get(dir);
    if (info) return info;
    info = { files: [], subdirs: [] };
    let entries: Dirent[] = [];
    try {
      entries = this.list(dir);
    } catch {
      // unreadable: no entries
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      if (e.isDirectory()) info.subdirs.push(e.name); // never a symlink: Dirent reports the link itself
      else if (e.isFile() || (e.isSymbolicLink() && isFile(join(dir, e.name)))) info.files.push(e.name);
    }
    info.files.sort(compareStrings);
    info.subdirs.sort(compareStrings);
    this.dirs.set(dir, info);
    return info;
  }

  private sqlNames(dir: string, withPostgres = false): string[] {
    return this.info(dir).files.filter((f) => f.endsWith('.sql') || (withPostgres && f.endsWith('.sql.postgres')));
  }

  /** A nested layout rooted at `dir` (its sub-folders are the migrations), if any. */
  nested(dir: string): { root: MigrationRoot; claims: string[] } | undefined {
    if (this.nestedSeen.has(dir)) return this.nestedSeen.get(dir);
    const found = this.findNested(dir);
    this.nestedSeen.set(dir, found);
    return found;
  }

  private findNested(dir: string): { root: MigrationRoot; claims: string[] } | undefined {
    const info = this.info(dir);
    if (info.subdirs.length === 0) return undefined;
    const f = this.forced;
    const withFile = (name: string): string[] => info.subdirs.filter((s) => this.info(join(dir, s)).files.includes(name));

    if (!f || f === 'prisma') {
      const subs = withFile('migration.sql');
      const lock = info.files.includes('migration_lock.toml');
      if (subs.length && (lock || f === 'prisma' || subs.some((s) => /^\d/.test(s)))) {
        const by = f ? '--runner prisma' : lock ? 'migration_lock.toml' : '<timestamp>_<name>/migration.sql folders';
        return { root: this.prisma(dir, subs, by), claims: subs.map((s) => join(dir, s)) };
      }
    }
    if (!f || f === 'diesel') {
      const subs = withFile('up.sql').filter((s) => f === 'diesel' || /^\d/.test(s));
      if (subs.length) {
        return { root: this.diesel(dir, subs, f ? '--runner diesel' : '<version>_<name>/up.sql folders'), claims: subs.map((s) => join(dir, s)) };
      }
    }
    if ((!f || f === 'plain') && this.sqlNames(dir).length === 0) {
      const subs = info.subdirs.filter((s) => /^\d+$/.test(s) && this.sqlNames(join(dir, s), true).length > 0);
      // numbered folders that are themselves another runner's roots are not one plain root
      const runnerSpecific = !f && subs.some((s) => {
        const own = this.flat(join(dir, s));
        return !!own && own.runner !== 'plain';
      });
      if (subs.length >= 2 && !runnerSpecific) {
        return { root: this.versionedFolders(dir, subs, f ? '--runner plain' : 'numbered folders of SQL files'), claims: subs.map((s) => join(dir, s)) };
      }
    }
    return undefined;
  }

  /** A flat layout: `dir` holds the migration files. Undefined when it does not look like migrations. */
  flat(dir: string): MigrationRoot | undefined {
    if (this.flatSeen.has(dir)) return this.flatSeen.get(dir);
    const found = this.findFlat(dir);
    this.flatSeen.set(dir, found);
    return found;
  }

  private findFlat(dir: string): MigrationRoot | undefined {
    const names = this.sqlNames(dir);
    if (names.length === 0) return undefined;
    const has = (n: string): boolean => this.info(dir).files.includes(n);
    const journal = join(dir, 'meta', '_journal.json');
    const f = this.forced;
    if (f) {
      switch (f) {
        case 'prisma':
        case 'diesel':
          return undefined; // nested layouts only
        case 'typeorm':
        case 'knex':
        case 'mikro-orm':
        case 'sequelize':
        case 'kysely':
        case 'alembic':
        case 'django':
          return undefined; // JS/TS and Python runners do not run .sql files (their roots: js-roots.ts, py-roots.ts)
        case 'drizzle':
          return this.drizzle(dir, names, existsSync(journal) ? 'meta/_journal.json' : '--runner drizzle (no meta/_journal.json: file name order)', existsSync(journal));
        case 'plain':
          return this.plain(dir, names, '--runner plain');
        default:
          return this.build(f, dir, names, `--runner ${f}`);
      }
    }
    if (existsSync(journal)) return this.drizzle(dir, names, 'meta/_journal.json', true);
    if (has('atlas.sum')) return this.build('atlas', dir, names, 'atlas.sum');
    if (names.some((n) => FLYWAY_VERSIONED.test(n) && n.startsWith('V'))) return this.build('flyway', dir, names, 'V<version>__<description>.sql files');
    if (names.some((n) => GOLANG_MIGRATE.test(n))) {
      if (names.some((n) => POP_DIALECT.test(n))) {
        return this.dialect === 'mysql' ? this.plain(dir, names, 'pop/fizz <version>_<name>.mysql.up.sql files', 'mysql') : this.plain(dir, names, 'pop/fizz <version>_<name>.postgres.up.sql files', 'postgres');
      }
      return this.build('golang-migrate', dir, names, '<version>_<name>.up.sql / .down.sql files');
    }
    const byContent = this.detectByContent(dir, names);
    if (byContent) return this.build(byContent.runner, dir, names, byContent.by);
    if (names.some((n) => /^\d/.test(n)) || /migrat/i.test(basename(dir))) return this.plain(dir, names, 'numbered SQL files');
    return undefined;
  }

  /** goose / dbmate / node-pg-migrate: the directive the most files carry (found with the SQL scanner). */
  private detectByContent(dir: string, names: string[]): { runner: RunnerName; by: string } | undefined {
    const votes = { goose: 0, dbmate: 0, npm: 0 };
    for (const n of names) {
      const text = this.text(join(dir, n));
      if (!/\+goose|migrate:up|(up|down)\s+migration/i.test(text)) continue;
      const comments = lineComments(text).comments;
      if (comments.some((c) => c.atLineStart && ['+goose Up', '+goose Down'].includes(c.text.slice(2).trim()))) votes.goose++;
      else if (comments.some((c) => c.atLineStart && /^--\s*migrate:up(\s|$)/.test(c.text))) votes.dbmate++;
      else if (comments.some((c) => c.firstOnLine && /^--[\s-]*(up|down)\s+migration/i.test(c.text))) votes.npm++;
    }
    const best = Math.max(votes.goose, votes.dbmate, votes.npm);
    if (best === 0) return undefined;
    if (votes.goose === best) return { runner: 'goose', by: '-- +goose Up annotations' };
    if (votes.dbmate === best) return { runner: 'dbmate', by: '-- migrate:up directives' };
    return { runner: 'node-pg-migrate', by: '-- Up Migration markers' };
  }

  /** the files read successfully, by path */
  readonly read = new Map<string, string>();

  private text(path: string): string {
    let t = this.texts.get(path);
    if (t === undefined) {
      try {
        t = readSourceFile(path);
        this.read.set(path, t);
      } catch {
        t = ''; // (a FIFO, a file over the size limit, an unreadable one: the lint reports it)
      }
      this.texts.set(path, t);
    }
    return t;
  }

  private file(runner: RunnerName, path: string, version: string, kind: MigrationFile['kind'] = 'up', flavor?: 'pop'): MigrationFile {
    const needsText = runner === 'flyway' || runner === 'goose' || runner === 'dbmate' || runner === 'node-pg-migrate' || runner === 'atlas';
    const t = fileTransaction({ runner, flavor }, path, needsText ? this.text(path) : '', { pgVersion: this.pgVersion });
    return { path, version, kind, ...t };
  }

  private root(dir: string, runner: RunnerName, detectedBy: string, files: MigrationFile[], skipped: SkippedFile[], notes: string[] = [], flavor?: 'pop', popDialect?: 'postgres' | 'mysql'): MigrationRoot {
    const root: MigrationRoot = flavor ? { dir, runner, flavor, detectedBy, files, skipped, notes } : { dir, runner, detectedBy, files, skipped, notes };
    // the dialect its layout or its runner's configuration names (a forced --dialect is the linter's to apply)
    const d = popDialect ? { dialect: popDialect === 'mysql' ? ('mysql' as const) : ('postgresql' as const), by: `pop ${popDialect === 'mysql' ? '*.mysql.up.sql' : '*.postgres.up.sql'} files` } : rootDialect(dir, runner, (n) => this.info(dir).files.includes(n));
    if (d) {
      root.dialect = d.dialect;
      root.dialectBy = d.by;
    }
    return root;
  }

  /** Flat runners whose files are selected and ordered by name. */
  private build(runner: RunnerName, dir: string, names: string[], detectedBy: string): MigrationRoot {
    switch (runner) {
      case 'flyway':
        return this.flyway(dir, names, detectedBy);
      case 'golang-migrate':
        return this.golangMigrate(dir, names, detectedBy);
      case 'goose':
        return this.numbered('goose', dir, names, detectedBy, /^(\d+)_.*\.sql$/, (a, b) => compareDigits(a.version, b.version), 'goose needs a numeric version prefix (<version>_<name>.sql)');
      case 'dbmate':
        return this.numbered('dbmate', dir, names, detectedBy, /^(\d+).*\.sql$/, (a, b) => compareStrings(basename(a.path), basename(b.path)), 'dbmate needs a numeric version prefix');
      case 'node-pg-migrate':
        return this.nodePgMigrate(dir, names, detectedBy);
      case 'atlas':
        return this.atlas(dir, names, detectedBy);
      case 'drizzle':
        return this.drizzle(dir, names, detectedBy, existsSync(join(dir, 'meta', '_journal.json')));
      case 'plain':
        return this.plain(dir, names, detectedBy);
      case 'prisma':
      case 'diesel':
        // nested layouts; a flat directory given with --runner prisma/diesel holds no migrations
        return this.root(dir, runner, detectedBy, [], names.map((n) => ({ path: join(dir, n), kind: 'ignored' as const, reason: `${runner} migrations are folders` })));
      case 'typeorm':
      case 'knex':
      case 'mikro-orm':
      case 'sequelize':
      case 'kysely':
        return this.root(dir, runner, detectedBy, [], names.map((n) => ({ path: join(dir, n), kind: 'ignored' as const, reason: `${runner} migrations are JS/TS files` })));
      case 'alembic':
      case 'django':
        return this.root(dir, runner, detectedBy, [], names.map((n) => ({ path: join(dir, n), kind: 'ignored' as const, reason: `${runner} migrations are Python files` })));
    }
  }

  /*
   * Plain: natural order (2_x before 10_x). `*.down.sql` / `down.sql` are rollbacks. pop/fizz
   * (ory/kratos, ory/x popx): `<version>_<name>[.<dialect>][.autocommit].(up|down).sql` —
   * PostgreSQL's and dialect-less up files only, flavor 'pop' (see transaction.ts).
   */
  private plain(dir: string, names: string[], detectedBy: string, pop?: 'postgres' | 'mysql'): MigrationRoot {
    const files: MigrationFile[] = [];
    const skipped: SkippedFile[] = [];
    for (const n of [...names].sort(naturalCompare)) {
      const path = join(dir, n);
      const m = pop ? POP.exec(n) : null;
      if (pop && m) {
        if (m[5] === 'down') skipped.push({ path, kind: 'down', reason: 'pop down migration' });
        else if (m[3] && m[3] !== pop) skipped.push({ path, kind: 'ignored', reason: `pop migration for ${m[3]}` });
        else files.push(this.file('plain', path, m[1], 'up', 'pop'));
        continue;
      }
      if (/(^|[._-])down\.sql$/i.test(n)) {
        skipped.push({ path, kind: 'down', reason: 'down migration' });
        continue;
      }
      files.push(this.file('plain', path, /^\d+/.exec(n)?.[0] ?? n.replace(/\.sql$/, '')));
    }
    return this.root(dir, 'plain', detectedBy, files, skipped, [], pop ? 'pop' : undefined, pop);
  }

  /** Numbered folders (`delta/<n>/*.sql`): folder number, then file name. `.sql.postgres` files are PostgreSQL-only deltas. */
  private versionedFolders(dir: string, subs: string[], detectedBy: string): MigrationRoot {
    const files: MigrationFile[] = [];
    for (const s of [...subs].sort(naturalCompare)) {
      for (const n of this.sqlNames(join(dir, s), true).sort(naturalCompare)) {
        files.push(this.file('plain', join(dir, s, n), `${s}/${n.replace(/\.sql(\.postgres)?$/, '')}`));
      }
    }
    return this.root(dir, 'plain', detectedBy, files, []);
  }

  /** Prisma: folders in name order; only `migration.sql` is applied. */
  private prisma(dir: string, subs: string[], detectedBy: string): MigrationRoot {
    const files: MigrationFile[] = [];
    const skipped: SkippedFile[] = [];
    for (const s of [...subs].sort(compareStrings)) {
      files.push(this.file('prisma', join(dir, s, 'migration.sql'), s));
      for (const n of this.sqlNames(join(dir, s))) {
        if (n === 'migration.sql') continue;
        skipped.push({ path: join(dir, s, n), kind: /down/i.test(n) ? 'down' : 'ignored', reason: 'Prisma applies only migration.sql' });
      }
    }
    return this.root(dir, 'prisma', detectedBy, files, skipped);
  }

  /** Diesel: folders ordered by version (the name before the first `_`, dashes ignored). */
  private diesel(dir: string, subs: string[], detectedBy: string): MigrationRoot {
    const key = (s: string): string => s.split('_')[0].replace(/-/g, '');
    const files: MigrationFile[] = [];
    const skipped: SkippedFile[] = [];
    for (const s of [...subs].sort((a, b) => compareStrings(key(a), key(b)) || compareStrings(a, b))) {
      files.push(this.file('diesel', join(dir, s, 'up.sql'), s.split('_')[0]));
      for (const n of this.sqlNames(join(dir, s))) {
        if (n === 'up.sql') continue;
        skipped.push({ path: join(dir, s, n), kind: n === 'down.sql' ? 'down' : 'ignored', reason: n === 'down.sql' ? 'Diesel down migration' : 'Diesel applies only up.sql' });
      }
    }
    const notes = dupes(files.map((f) => f.version)).map((v) => `duplicate Diesel version ${v}`);
    return this.root(dir, 'diesel', detectedBy, files, skipped, notes);
  }

  /** Drizzle: the order of meta/_journal.json `entries`, file `<tag>.sql`. */
  private drizzle(dir: string, names: string[], detectedBy: string, hasJournal: boolean): MigrationRoot {
    const files: MigrationFile[] = [];
    const notes: string[] = [];
    const used = new Set<string>();
    let entries: Array<{ idx?: number; tag?: string }> | undefined;
    if (hasJournal) {
      try {
        const j = JSON.parse(this.text(join(dir, 'meta', '_journal.json'))) as { entries?: Array<{ idx?: number; tag?: string }> };
        entries = Array.isArray(j.entries) ? j.entries : undefined;
        if (!entries) notes.push('meta/_journal.json has no entries array');
      } catch (e) {
        notes.push(`meta/_journal.json is not valid JSON: ${(e as Error).message}`);
      }
    }
    if (entries) {
      for (const e of entries) {
        if (typeof e.tag !== 'string') continue;
        const n = `${e.tag}.sql`;
        if (!names.includes(n)) {
          notes.push(`journal entry ${e.tag} has no ${n}`);
          continue;
        }
        used.add(n);
        files.push(this.file('drizzle', join(dir, n), e.tag));
      }
    } else {
      for (const n of [...names].sort(naturalCompare)) {
        used.add(n);
        files.push(this.file('drizzle', join(dir, n), n.replace(/\.sql$/, '')));
      }
    }
    const skipped = names.filter((n) => !used.has(n)).map((n) => ({ path: join(dir, n), kind: 'ignored' as const, reason: 'not in meta/_journal.json' }));
    return this.root(dir, 'drizzle', detectedBy, files, skipped, notes);
  }

  /** golang-migrate: `<version>_<name>.(up|down).sql`, versions compared as numbers. */
  private golangMigrate(dir: string, names: string[], detectedBy: string): MigrationRoot {
    const files: MigrationFile[] = [];
    const skipped: SkippedFile[] = [];
    for (const n of names) {
      const m = GOLANG_MIGRATE.exec(n);
      const path = join(dir, n);
      if (!m) skipped.push({ path, kind: 'ignored', reason: 'golang-migrate needs <version>_<name>.up.sql' });
      else if (m[3] === 'down') skipped.push({ path, kind: 'down', reason: 'golang-migrate down migration' });
      else files.push(this.file('golang-migrate', path, m[1]));
    }
    files.sort((a, b) => compareDigits(a.version, b.version) || compareStrings(a.path, b.path));
    const notes = dupes(files.map((f) => String(BigInt(f.version)))).map((v) => `duplicate golang-migrate version ${v}`);
    return this.root(dir, 'golang-migrate', detectedBy, files, skipped, notes);
  }

  /** Flyway: versioned by version (numeric per dotted part), then repeatables by description; undo files skipped. */
  private flyway(dir: string, names: string[], detectedBy: string): MigrationRoot {
    const versioned: MigrationFile[] = [];
    const repeatable: Array<{ desc: string; file: MigrationFile }> = [];
    const skipped: SkippedFile[] = [];
    for (const n of names) {
      const path = join(dir, n);
      const v = FLYWAY_VERSIONED.exec(n);
      const r = FLYWAY_REPEATABLE.exec(n);
      if (v && v[1] === 'V') versioned.push(this.file('flyway', path, v[2].replace(/_/g, '.')));
      else if (v) skipped.push({ path, kind: 'undo', reason: 'Flyway undo migration' });
      else if (r) repeatable.push({ desc: r[1], file: this.file('flyway', path, `R__${r[1]}`, 'repeatable') });
      else if (FLYWAY_BASELINE.test(n)) skipped.push({ path, kind: 'ignored', reason: 'Flyway baseline migration (applied only to an empty database)' });
      else skipped.push({ path, kind: 'ignored', reason: 'not a Flyway migration name (V<version>__<description>.sql)' });
    }
    versioned.sort((a, b) => compareFlywayVersions(a.version, b.version));
    repeatable.sort((a, b) => compareStrings(a.desc, b.desc));
    const notes: string[] = [];
    for (let i = 1; i < versioned.length; i++) {
      if (compareFlywayVersions(versioned[i - 1].version, versioned[i].version) === 0) notes.push(`duplicate Flyway version ${versioned[i].version}`);
    }
    return this.root(dir, 'flyway', detectedBy, [...versioned, ...repeatable.map((r) => r.file)], skipped, notes);
  }

  /** goose / dbmate: a numeric version prefix; others are not migrations to the runner. */
  private numbered(
    runner: RunnerName,
    dir: string,
    names: string[],
    detectedBy: string,
    pattern: RegExp,
    order: (a: MigrationFile, b: MigrationFile) => number,
    reason: string,
  ): MigrationRoot {
    const files: MigrationFile[] = [];
    const skipped: SkippedFile[] = [];
    for (const n of names) {
      const m = pattern.exec(n);
      if (m) files.push(this.file(runner, join(dir, n), m[1]));
      else skipped.push({ path: join(dir, n), kind: 'ignored', reason });
    }
    files.sort((a, b) => order(a, b) || compareStrings(a.path, b.path));
    const notes = runner === 'goose' ? dupes(files.map((f) => String(BigInt(f.version)))).map((v) => `duplicate goose version ${v}`) : [];
    return this.root(dir, runner, detectedBy, files, skipped, notes);
  }

  /** node-pg-migrate: numeric prefix (13-digit ms, or 17-digit UTC yyyyMMddHHmmssSSS), then name. */
  private nodePgMigrate(dir: string, names: string[], detectedBy: string): MigrationRoot {
    const files = names.map((n) => this.file('node-pg-migrate', join(dir, n), n.split('_')[0]));
    const stamp = (v: string): number => {
      if (/^\d{17}$/.test(v)) {
        return Date.UTC(+v.slice(0, 4), +v.slice(4, 6) - 1, +v.slice(6, 8), +v.slice(8, 10), +v.slice(10, 12), +v.slice(12, 14), +v.slice(14, 17));
      }
      return Number(v) || 0;
    };
    files.sort((a, b) => stamp(a.version) - stamp(b.version) || naturalCompare(basename(a.path), basename(b.path)));
    return this.root(dir, 'node-pg-migrate', detectedBy, files, []);
  }

  /** Atlas: file name order (the order of atlas.sum); version = the name before the first `_`. */
  private atlas(dir: string, names: string[], detectedBy: string): MigrationRoot {
    const files = [...names].sort(compareStrings).map((n) => this.file('atlas', join(dir, n), n.replace(/\.sql$/, '').split('_')[0]));
    const notes: string[] = [];
    const sumPath = join(dir, 'atlas.sum');
    if (existsSync(sumPath)) {
      const listed = new Set(this.text(sumPath).split(/\r?\n/).slice(1).map((l) => l.split(' ')[0]).filter(Boolean));
      const missing = names.filter((n) => !listed.has(n));
      if (missing.length) notes.push(`not in atlas.sum (atlas migrate hash): ${missing.join(', ')}`);
    }
    return this.root(dir, 'atlas', detectedBy, files, [], notes);
  }
}

function dupes(values: string[]): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const v of values) (seen.has(v) ? out : seen).add(v);
  return [...out];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
