/**
 * The embedded engine's thread: PGlite (PostgreSQL compiled to WASM) runs here, not in godwit's
 * main thread, so that a statement that never ends (`SELECT pg_sleep(1e6)`, an endless loop)
 * can be stopped — PGlite has no statement_timeout, and while WASM runs, the thread it runs
 * on handles no signal. The main thread (pglite.ts) times each statement and terminates this
 * thread on a timeout or Ctrl-C; everything lived in memory here, so nothing outlives it.
 *
 * Messages: { id, op: 'open' | 'query' | 'reset' | 'close', … } → { id, ok, value | message, code }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Extensions, PGlite } from '@electric-sql/pglite';
import { writeOutput } from '../io/write.js';
import { checkFunctionSql, runFunctionSql, RUN_SIGNATURE, SNAPSHOT_FUNCTION } from './session.js';

export interface WorkerInit {
  /** PGlite's dist directory and version (the cache key) */
  dist: string;
  version: string;
}

export type WorkerRequest =
  | { id: number; op: 'open'; extensions: string[]; cacheDir: string | undefined; pristine: Uint8Array | undefined }
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'reset' }
  | { id: number; op: 'fresh' }
  | { id: number; op: 'close' };

export interface OpenResult {
  serverVersion: string;
  versionNum: number;
  how: 'initdb' | 'datadir';
  /** the pristine data directory (uncompressed tar), when this thread made or loaded it */
  pristine?: Uint8Array;
}

const init = workerData as WorkerInit;
let db: PGlite | undefined;
let pristineFingerprint: string | undefined;
let fingerprintSql: string | undefined;

function cacheFile(dir: string): string {
  return join(dir, `pglite-${init.version}-datadir.tar.gz`);
}

function readCachedDatadir(dir: string | undefined): Uint8Array | undefined {
  if (!dir) return undefined;
  const file = cacheFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    return new Uint8Array(gunzipSync(readFileSync(file)));
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
}

function writeCachedDatadir(dir: string | undefined, tar: Uint8Array): void {
  if (!dir) return;
  try {
    writeOutput(cacheFile(dir), gzipSync(tar, { level: 1 }), { mode: 0o600 });
  } catch {
    // no cache: the next process runs initdb again
  }
}

async function loadExtensions(names: string[]): Promise<Extensions> {
  const out: Extensions = {};
  for (const mod of names) {
    const m = (await import(`@electric-sql/pglite/contrib/${mod}`)) as Record<string, Extensions[string]>;
    if (m[mod]) out[mod] = m[mod];
  }
  return out;
}

/** The trace's session functions (session.ts): PGlite runs as one user, so godwit_run is not SECURITY DEFINER. */
async function installHelpers(d: PGlite): Promise<void> {
  await d.query(SNAPSHOT_FUNCTION);
  await d.query(runFunctionSql(false));
  const r = (await d.query<{ oid: string; owner: string; u: string }>(
    `SELECT p.oid::text AS oid, p.proowner::text AS owner, session_user::text AS u FROM pg_proc p WHERE p.oid = to_regprocedure('${RUN_SIGNATURE}')`,
  )).rows[0];
  await d.query(checkFunctionSql({ runOid: r.oid, ownerOid: r.owner, securityDefiner: false, sessionUser: r.u, currentUser: r.u }));
}

async function open(req: Extract<WorkerRequest, { op: 'open' }>): Promise<OpenResult> {
  const { PGlite } = await import('@electric-sql/pglite');
  const ext = await loadExtensions(req.extensions);
  let how: OpenResult['how'] = 'datadir';
  let pristine: Uint8Array | undefined;
  const data = req.pristine ?? readCachedDatadir(req.cacheDir);
  if (data) {
    try {
      db = await PGlite.create({ loadDataDir: new Blob([new Uint8Array(data)]), extensions: ext });
      if (!req.pristine) pristine = data;
    } catch {
      if (req.cacheDir) rmSync(cacheFile(req.cacheDir), { force: true });
      db = undefined;
    }
  }
  if (!db) {
    how = 'initdb';
    db = await PGlite.create({ extensions: ext });
    const dump = await db.dumpDataDir('none');
    pristine = new Uint8Array(await dump.arrayBuffer());
    writeCachedDatadir(req.cacheDir, pristine);
  }
  const v = (await db.query<{ v: string; n: string }>(`SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n`)).rows[0];
  await installHelpers(db);
  if (!pristineFingerprint) {
    try {
      pristineFingerprint = await fingerprint(db);
    } catch {
      // no fingerprint: the instance is never reused (each trace starts from the pristine data directory)
    }
  }
  return { serverVersion: v.v.split(' ')[0], versionNum: Number(v.n), how, pristine };
}

/** Drop everything a history and a trace can create; true when the catalogs are pristine again. */
async function reset(): Promise<boolean> {
  const d = db!;
  try {
    try {
      await d.exec('ROLLBACK');
    } catch {
      // not in a transaction
    }
    await d.exec('DISCARD ALL');
    await d.exec(RESET_SQL);
    await installHelpers(d);
    return pristineFingerprint !== undefined && (await fingerprint(d)) === pristineFingerprint;
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

parentPort!.on('message', async (req: WorkerRequest) => {
  try {
    let value: unknown;
    switch (req.op) {
      case 'open':
        value = await open(req);
        break;
      case 'query':
        value = (await db!.query(req.sql, req.params)).rows;
        break;
      case 'reset':
        value = await reset();
        break;
      case 'fresh':
        // a new session for the migration after its history (the history's SET search_path … do not carry over)
        await db!.exec('DISCARD ALL');
        await installHelpers(db!);
        value = null;
        break;
      case 'close':
        await db?.close();
        db = undefined;
        value = null;
        break;
    }
    parentPort!.postMessage({ id: req.id, ok: true, value });
  } catch (e) {
    const err = e as { message?: unknown; code?: unknown };
    parentPort!.postMessage({ id: req.id, ok: false, message: String(err?.message ?? e), code: typeof err?.code === 'string' ? err.code : undefined });
  }
});
