/**
 * The embedded engine: PostgreSQL compiled to WASM (PGlite), in this process, in memory.
 * Nothing it does outlives the process, so a trace there cannot touch any real database.
 *
 * Start-up is the cost: `initdb` in WASM takes seconds. So:
 *  - the freshly initdb'd data directory is dumped once and cached on disk (gzip, per PGlite
 *    version) — later processes load it instead of running initdb;
 *  - one instance is kept per process; after a trace it is reset (every object the history
 *    and the trace created is dropped) and reused. The reset is verified against a
 *    fingerprint of the pristine catalogs; when anything is left over, the instance is
 *    replaced by a fresh one from the in-memory data directory.
 *
 * `@electric-sql/pglite` is imported on first use only: `godwit lint` never loads it.
 */
import { createRequire } from 'node:module';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import type { Extensions, PGlite } from '@electric-sql/pglite';
import type { Engine } from './engine.js';

type PgliteModule = typeof import('@electric-sql/pglite');

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
}

interface Host {
  db: PGlite;
  extensions: Set<string>;
  serverVersion: string;
  versionNum: number;
  /** a trace ran since the last reset */
  dirty: boolean;
}

let modulePromise: Promise<PgliteModule> | undefined;
let host: Host | undefined;
/** the pristine data directory (uncompressed tar), once known */
let pristine: Blob | undefined;
let pristineFingerprint: string | undefined;
let fingerprintSql: string | undefined;
/** one trace at a time per process */
let queue: Promise<void> = Promise.resolve();

function loadModule(): Promise<PgliteModule> {
  if (!modulePromise) modulePromise = import('@electric-sql/pglite');
  return modulePromise;
}

const require = createRequire(import.meta.url);

/** PGlite's dist directory and version (the cache key). */
function pgliteInfo(): { dist: string; version: string } {
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

async function loadExtensions(names: Set<string>): Promise<Extensions> {
  const out: Extensions = {};
  for (const name of names) {
    const mod = pgliteExtensionModule(name);
    if (!mod) continue;
    const m = (await import(`@electric-sql/pglite/contrib/${mod}`)) as Record<string, Extensions[string]>;
    if (m[mod]) out[mod] = m[mod];
  }
  return out;
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

function cacheFile(dir: string): string {
  return join(dir, `pglite-${pgliteInfo().version}-datadir.tar.gz`);
}

function readCachedDatadir(dir: string | undefined): Blob | undefined {
  if (!dir) return undefined;
  const file = cacheFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    return new Blob([gunzipSync(readFileSync(file))]);
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
}

function writeCachedDatadir(dir: string | undefined, tar: Uint8Array): void {
  if (!dir) return;
  const file = cacheFile(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, gzipSync(tar, { level: 1 }), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

async function createHost(extensions: Set<string>, cacheDir: string | false | undefined): Promise<{ host: Host; how: 'initdb' | 'datadir' }> {
  const { PGlite } = await loadModule();
  const ext = await loadExtensions(extensions);
  const dir = cacheDirectory(cacheDir);
  let how: 'initdb' | 'datadir' = 'datadir';
  let db: PGlite | undefined;
  const data = pristine ?? readCachedDatadir(dir);
  if (data) {
    try {
      db = await PGlite.create({ loadDataDir: data, extensions: ext });
      pristine = data;
    } catch {
      if (dir) rmSync(cacheFile(dir), { force: true });
      db = undefined;
    }
  }
  if (!db) {
    how = 'initdb';
    db = await PGlite.create({ extensions: ext });
    const dump = await db.dumpDataDir('none');
    const tar = new Uint8Array(await dump.arrayBuffer());
    pristine = new Blob([tar]);
    writeCachedDatadir(dir, tar);
  }
  const v = (await db.query<{ v: string; n: string }>(`SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n`)).rows[0];
  const h: Host = { db, extensions, serverVersion: v.v.split(' ')[0], versionNum: Number(v.n), dirty: false };
  if (!pristineFingerprint) {
    try {
      pristineFingerprint = await fingerprint(db);
    } catch {
      // no fingerprint: instances are never reused (each trace starts from the pristine data directory)
    }
  }
  return { host: h, how };
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
  try {
    const wanted = new Set([...(opts.extensions ?? [])].filter((e) => pgliteExtensionModule(e)));
    let how: PgliteStartInfo['how'] = 'reused';
    if (host && [...wanted].some((e) => !host!.extensions.has(e))) {
      for (const e of host.extensions) wanted.add(e);
      await closeHost();
    }
    if (host && host.dirty && !(await resetHost(host))) await closeHost();
    if (!host) {
      const created = await createHost(wanted, opts.cacheDir);
      host = created.host;
      how = created.how;
    }
    const h = host;
    h.dirty = true;
    let released = false;
    const engine: Engine = {
      kind: 'pglite',
      serverVersion: h.serverVersion,
      versionNum: h.versionNum,
      async exec(sql) {
        await h.db.exec(sql);
      },
      async query<T>(sql: string) {
        return (await h.db.query<T>(sql)).rows;
      },
      abort() {
        // in-process and in-memory: nothing outlives the process
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
    try {
      await h.db.close();
    } catch {
      // already gone
    }
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

/** Drop everything a history and a trace can create; true when the catalogs are pristine again. */
async function resetHost(h: Host): Promise<boolean> {
  try {
    try {
      await h.db.exec('ROLLBACK');
    } catch {
      // not in a transaction
    }
    await h.db.exec('DISCARD ALL');
    await h.db.exec(RESET_SQL);
    h.dirty = false;
    return pristineFingerprint !== undefined && (await fingerprint(h.db)) === pristineFingerprint;
  } catch {
    return false;
  }
}

const RESET_SQL = `DO $godwit_reset$
DECLARE r record;
BEGIN
  FOR r IN SELECT evtname FROM pg_event_trigger WHERE oid >= 16384 LOOP
    EXECUTE format('DROP EVENT TRIGGER %I CASCADE', r.evtname);
  END LOOP;
  FOR r IN SELECT pubname FROM pg_publication WHERE oid >= 16384 LOOP
    EXECUTE format('DROP PUBLICATION %I', r.pubname);
  END LOOP;
  FOR r IN SELECT nspname FROM pg_namespace
           WHERE (oid >= 16384 OR nspname = 'public') AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
  END LOOP;
  CREATE SCHEMA public AUTHORIZATION pg_database_owner;
  GRANT ALL ON SCHEMA public TO pg_database_owner;
  GRANT USAGE ON SCHEMA public TO PUBLIC;
  COMMENT ON SCHEMA public IS 'standard public schema';
  FOR r IN SELECT extname FROM pg_extension WHERE oid >= 16384 LOOP
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname);
  END LOOP;
  FOR r IN SELECT castsource::regtype::text AS s, casttarget::regtype::text AS t FROM pg_cast WHERE oid >= 16384 LOOP
    EXECUTE format('DROP CAST IF EXISTS (%s AS %s) CASCADE', r.s, r.t);
  END LOOP;
  FOR r IN SELECT fdwname FROM pg_foreign_data_wrapper WHERE oid >= 16384 LOOP
    EXECUTE format('DROP FOREIGN DATA WRAPPER IF EXISTS %I CASCADE', r.fdwname);
  END LOOP;
  FOR r IN SELECT lanname FROM pg_language WHERE oid >= 16384 LOOP
    EXECUTE format('DROP LANGUAGE IF EXISTS %I CASCADE', r.lanname);
  END LOOP;
  FOR r IN SELECT amname FROM pg_am WHERE oid >= 16384 LOOP
    EXECUTE format('DROP ACCESS METHOD IF EXISTS %I CASCADE', r.amname);
  END LOOP;
  FOR r IN SELECT oid FROM pg_largeobject_metadata WHERE oid >= 16384 LOOP
    PERFORM lo_unlink(r.oid);
  END LOOP;
  FOR r IN SELECT rolname FROM pg_authid WHERE oid >= 16384 LOOP
    EXECUTE format('DROP OWNED BY %I CASCADE', r.rolname);
    EXECUTE format('DROP ROLE %I', r.rolname);
  END LOOP;
  EXECUTE format('ALTER DATABASE %I RESET ALL', current_database());
  EXECUTE format('ALTER ROLE %I RESET ALL', current_user);
END
$godwit_reset$`;

/**
 * A fingerprint of the catalogs: per catalog table its row count, how many rows are user
 * objects (oid >= FirstNormalObjectId), and a hash of its privileges (grants on built-in
 * objects). Temporary schemas, which PostgreSQL keeps for reuse, are left out, and schema
 * public counts as pristine when re-created with its owner, privileges and comment.
 */
async function fingerprint(db: PGlite): Promise<string> {
  if (!fingerprintSql) {
    const cats = (
      await db.query<{ relname: string; has_oid: boolean; acls: string | null }>(
        `SELECT c.relname,
                EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'oid' AND a.attnum > 0) AS has_oid,
                (SELECT string_agg(a.attname, ',') FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.atttypid = 'aclitem[]'::regtype) AS acls
           FROM pg_class c
          WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r'
          ORDER BY c.relname`,
      )
    ).rows;
    const parts = cats.map((c) => {
      const name = c.relname;
      // the reset re-creates schema public, whose initdb-time privileges (a pg_init_privs row,
      // used by pg_dump only) are not re-created: count only user objects' rows there
      if (name === 'pg_init_privs') return `SELECT '${name}' || ':' || count(*) FILTER (WHERE objoid >= 16384) AS f FROM pg_catalog.${name}`;
      // comments on built-in objects can change without adding a row
      if (name === 'pg_description' || name === 'pg_shdescription') {
        const pub = name === 'pg_description' ? ` WHERE NOT (classoid = 'pg_catalog.pg_namespace'::regclass AND objoid = 'public'::regnamespace)` : '';
        return `SELECT '${name}' || ':' || count(*) || ':' || count(*) FILTER (WHERE objoid >= 16384) || ':' || md5(coalesce(string_agg(objoid || '/' || description, ',' ORDER BY objoid, classoid, description), '')) AS f FROM pg_catalog.${name}${pub}`;
      }
      const where = name === 'pg_namespace' ? ` WHERE nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'` : '';
      const userRows = c.has_oid ? (name === 'pg_namespace' ? `count(*) FILTER (WHERE oid >= 16384 AND nspname <> 'public')` : 'count(*) FILTER (WHERE oid >= 16384)') : '0';
      const acl = c.acls ? c.acls.split(',').map((a) => `md5(coalesce(string_agg(${a}::text, ',' ORDER BY ${a}::text), ''))`).join(` || ':' || `) : `''`;
      return `SELECT '${name}' || ':' || count(*) || ':' || ${userRows} || ':' || ${acl} AS f FROM pg_catalog.${name}${where}`;
    });
    fingerprintSql = `SELECT string_agg(f, ' ' ORDER BY f) AS f FROM (${parts.join('\nUNION ALL ')}) x`;
  }
  return (await db.query<{ f: string }>(fingerprintSql)).rows[0].f;
}
