/**
 * The trace itself: run a file's statements one by one inside ONE transaction, and after
 * each statement read the session's relation locks (pg_locks) and every user relation's
 * storage (pg_class.relfilenode). Each statement runs under a SAVEPOINT, so a failing
 * statement is rolled back alone and the rest still runs. The transaction is rolled back
 * at the end, always (finally), also on errors and on interruption.
 */
import { performance } from 'node:perf_hooks';
import type { ParsedFile, Statement } from '../dialects/postgresql/types.js';
import type { Catalog } from '../analysis/catalog.js';
import { locksOf, mergeEffects } from '../analysis/locks.js';
import { lockStrength, type Lock, type LockMode } from '../analysis/lock-types.js';
import { pgError, majorOf, EngineStopped, TraceStop, type Engine } from './engine.js';
import { returnsRows, SNAPSHOT_CALL } from './session.js';
import { notTraceable } from './statements.js';
import { compareLocks } from './compare.js';
import type { RelationKind, Rewrite, StaticLock, TracedLock, TracedStatement } from './types.js';

/** PostgreSQL's lock mode names (pg_locks.mode) → the names godwit uses. */
export const PG_LOCK_MODES: Record<string, LockMode> = {
  AccessShareLock: 'ACCESS SHARE',
  RowShareLock: 'ROW SHARE',
  RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE',
  AccessExclusiveLock: 'ACCESS EXCLUSIVE',
};

const RELKINDS: Record<string, RelationKind> = {
  r: 'table',
  p: 'partitioned table',
  i: 'index',
  I: 'partitioned index',
  S: 'sequence',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
  c: 'composite type',
  t: 'toast table',
};

/** A user relation as pg_class shows it. */
export interface RelationInfo {
  oid: string;
  schema: string;
  name: string;
  kind: RelationKind;
  filenode: string;
  /** the inheritance parents / partitioned parents (oids) */
  parents: string[];
  /** a TOAST table (its locks and rewrites follow its table) */
  toast: boolean;
}

export interface Snapshot {
  relations: Map<string, RelationInfo>;
  /** (oid, mode) pairs of granted relation locks */
  locks: Array<{ oid: string; mode: LockMode }>;
  xid: string;
  /** the settings that decide how PostgreSQL splits SQL, and who the session runs as */
  session: string;
}

interface SnapshotRow {
  t: string;
  oid: string;
  schema: string | null;
  name: string | null;
  kind: string | null;
  filenode: string | null;
  parents: string | null;
}

/** pg_temp.godwit_snapshot() (session.ts): relations, this session's relation locks, the transaction id, the lexing settings and identity. */
export async function snapshot(engine: Engine): Promise<Snapshot> {
  const rows = await engine.query<SnapshotRow>(SNAPSHOT_CALL);
  const relations = new Map<string, RelationInfo>();
  const locks: Snapshot['locks'] = [];
  let xid = '';
  let session = '';
  for (const r of rows) {
    if (r.t === 'r') {
      const toast = r.kind === 't' || (r.schema ?? '').startsWith('pg_toast');
      relations.set(r.oid, {
        oid: r.oid,
        schema: r.schema ?? '',
        name: r.name ?? '',
        kind: RELKINDS[r.kind ?? ''] ?? 'relation',
        filenode: r.filenode ?? '',
        parents: r.parents ? r.parents.split(',') : [],
        toast,
      });
    } else if (r.t === 'l') {
      const mode = PG_LOCK_MODES[r.filenode ?? ''];
      if (mode) locks.push({ oid: r.oid, mode });
    } else if (r.t === 'x') {
      xid = r.oid;
    } else if (r.t === 's') {
      session = `standard_conforming_strings = ${r.oid}, client_encoding = ${r.schema}, session_user = ${r.name}, current_user = ${r.kind}`;
    }
  }
  return { relations, locks, xid, session };
}

/** `name` in public, `schema.name` elsewhere (as the user most likely wrote it). */
export function displayRelation(r: { schema: string; name: string }): string {
  const name = /^[a-z_][a-z0-9_$]*$/.test(r.name) ? r.name : `"${r.name.replace(/"/g, '""')}"`;
  return r.schema === 'public' ? name : `${r.schema}.${name}`;
}

export interface RunOptions {
  /** the static catalog as the history left it (advanced statement by statement, as the linter does) */
  catalog: Catalog;
  /** PostgreSQL major version for the static lock facts (the engine's) */
  pgVersion?: number;
  /** stop between statements (SIGINT) */
  signal?: AbortSignal;
  /** the file line of a statement (a JS/TS or Python migration: the line of the call that sends it) */
  lineOf?: (offset: number) => number;
}

const SAVEPOINT = 'godwit_trace';

export async function traceStatements(engine: Engine, parsed: ParsedFile, opts: RunOptions): Promise<TracedStatement[]> {
  const out: TracedStatement[] = [];
  const pgVersion = opts.pgVersion ?? majorOf(engine.versionNum);
  const catalog = opts.catalog;
  catalog.origin = 'file';
  const stmts = parsed.statements;
  // static facts first, with the catalog advancing as the linter advances it
  const statics: StaticLock[][] = [];
  const searchPaths: string[] = [];
  for (const s of stmts) {
    searchPaths.push(catalog.searchPath);
    statics.push(staticLocks(s, catalog, pgVersion));
  }

  await engine.begin({ relations: [...new Set(statics.flat().map((l) => l.relation))] });
  try {
    let state = await snapshot(engine);
    const { xid, session } = state;
    if (!/^standard_conforming_strings = on, client_encoding = UTF8,/.test(session)) throw new TraceStop(`the session does not read SQL as godwit does (${session})`);
    /** the engine stopped (a statement timeout in PGlite, an interruption): why the rest is not traced */
    let lost: string | undefined;
    for (let i = 0; i < stmts.length; i++) {
      // let the event loop deliver signals (SIGINT, SIGTERM) between statements
      await new Promise((r) => setImmediate(r));
      const stmt = stmts[i];
      const base = baseResult(parsed, stmt, statics[i], opts.lineOf);
      if (opts.signal?.aborted) {
        out.push({ ...base, skipped: 'interrupted' });
        continue;
      }
      if (lost) {
        out.push({ ...base, skipped: lost });
        continue;
      }
      const reason = notTraceable(stmt, engine.versionNum);
      if (reason) {
        out.push({ ...base, skipped: reason });
        continue;
      }
      await engine.query(`SAVEPOINT ${SAVEPOINT}`);
      const t0 = performance.now();
      let failure: unknown;
      try {
        await engine.run(stmt.text, { rows: returnsRows(stmt.kind, stmt.body) });
      } catch (e) {
        failure = e;
      }
      const ms = round(performance.now() - t0);
      if (failure instanceof EngineStopped) {
        out.push({ ...base, durationMs: ms, error: failure.message, engineStopped: true });
        lost = failure.rest;
        continue;
      }
      if (failure instanceof TraceStop) throw failure;
      const where = `line ${base.line}`;
      if (failure !== undefined) {
        const err = pgError(failure);
        await engine.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
        await engine.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
        state = await snapshot(engine);
        guard(state, xid, session, where);
        out.push({ ...base, held: diff(state, state).held, durationMs: ms, error: err.message, ...(err.code ? { errorCode: err.code } : {}) });
        continue;
      }
      const after = await snapshot(engine);
      guard(after, xid, session, where);
      await engine.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      const result: TracedStatement = { ...base, durationMs: ms, ...diff(state, after) };
      result.differences = compareLocks(stmt, result, { before: state, after, searchPath: searchPaths[i] });
      out.push(result);
      state = after;
    }
  } finally {
    await engine.rollback();
  }
  return out;
}

/**
 * The transaction is still the one the trace began (a second lock on the door: transaction
 * control is never sent), and the statement did not change how PostgreSQL splits SQL or who
 * the session runs as (dynamic SQL can): the statements after it would not be the ones godwit
 * reads, so the trace stops there.
 */
function guard(state: Snapshot, xid: string, session: string, where: string): void {
  if (state.xid !== xid) throw new TraceStop(`the trace transaction ended unexpectedly at ${where}`);
  if (state.session !== session) {
    throw new TraceStop(`the statement at ${where} changed the session (${state.session}; it was ${session}): PostgreSQL would read the statements after it differently than godwit, so the trace stops there (rolled back)`);
  }
}

/**
 * godwit's lock facts for a statement, advancing the catalog past it. A DO block takes the
 * locks of the statements in its body (one transaction), each seen with the catalog as the
 * statements before it left it.
 */
function staticLocks(stmt: Statement, catalog: Catalog, pgVersion: number): StaticLock[] {
  if (stmt.kind === 'SyntaxError') return [];
  let locks: Lock[];
  if (stmt.children?.length) {
    const effects = [];
    const before = new Set(catalog.tables.keys());
    for (const c of stmt.children) {
      for (const l of locksOf(c, { pgVersion, catalog })) {
        // a table an earlier statement of the block created: PostgreSQL holds it ACCESS EXCLUSIVE
        // as its creator, so the block's later locks on it are not comparable
        const key = catalog.key(l.table);
        if (catalog.tables.has(key) && !before.has(key)) continue;
        effects.push({ table: l.table, mode: l.mode, duration: l.duration });
      }
      catalog.apply(c, 0);
    }
    locks = mergeEffects(effects);
  } else {
    locks = locksOf(stmt, { pgVersion, catalog });
    catalog.apply(stmt, 0);
  }
  return locks.map((l) => ({ relation: l.table, mode: l.mode, duration: l.duration }));
}

function baseResult(parsed: ParsedFile, stmt: Statement, statics: StaticLock[], lineOf?: (offset: number) => number): TracedStatement {
  return {
    line: lineOf ? lineOf(stmt.start) : parsed.source.position(stmt.start).line,
    sql: stmt.text,
    statementKind: stmt.kind,
    locks: [],
    held: [],
    rewrites: [],
    durationMs: null,
    error: null,
    skipped: null,
    static: statics,
    differences: [],
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Locks the statement acquired, locks held before it, relations whose storage changed. */
export function diff(before: Snapshot, after: Snapshot): Pick<TracedStatement, 'locks' | 'held' | 'rewrites'> {
  const had = new Set(before.locks.map((l) => `${l.oid}/${l.mode}`));
  const describe = (oid: string, mode: LockMode): TracedLock | undefined => {
    const rel = after.relations.get(oid) ?? before.relations.get(oid);
    if (!rel || rel.toast) return undefined; // a transient relation (a rewrite's new heap) or a TOAST table
    const lock: TracedLock = { relation: displayRelation(rel), mode, kind: rel.kind };
    if (!before.relations.has(oid)) lock.created = true;
    return lock;
  };
  const locks: TracedLock[] = [];
  for (const l of after.locks) {
    if (had.has(`${l.oid}/${l.mode}`)) continue;
    const d = describe(l.oid, l.mode);
    if (d) locks.push(d);
  }
  const held: TracedLock[] = [];
  for (const l of before.locks) {
    const d = describe(l.oid, l.mode);
    if (d) held.push(d);
  }
  const rewrites: Rewrite[] = [];
  for (const [oid, rel] of after.relations) {
    const prev = before.relations.get(oid);
    if (!prev || rel.toast || !rel.filenode || rel.filenode === '0' || prev.filenode === rel.filenode) continue;
    rewrites.push({ relation: displayRelation(rel), kind: rel.kind });
  }
  return { locks: sortLocks(locks), held: sortLocks(held), rewrites: rewrites.sort((a, b) => a.relation.localeCompare(b.relation)) };
}

function sortLocks(locks: TracedLock[]): TracedLock[] {
  return locks.sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode) || a.relation.localeCompare(b.relation));
}
