/**
 * Trace vs. lock table: where PostgreSQL's pg_locks / relfilenode disagree with godwit's
 * static lock facts (locksOf, src/analysis/locks.ts) for one statement.
 *
 * Compared per relation godwit names: the strongest mode the statement acquired, and whether
 * the relation (or, for a partitioned table, a partition) got new storage exactly when
 * godwit says `rewrite`. A relation PostgreSQL locked that godwit does not name is reported
 * when it is a table-like relation that existed before the statement and the mode blocks
 * writes or DDL (ROW EXCLUSIVE or stronger) — reads (ACCESS SHARE) of other tables, the
 * statement's own new objects, indexes, sequences and TOAST tables follow their tables, and
 * partitions / inheritance children follow a parent godwit names.
 *
 * Not comparable, by design: a lock mode the transaction already held before the statement
 * (PostgreSQL shows each mode once per transaction), TRUNCATE's new empty storage (that is
 * the truncation, not a copy) and REFRESH MATERIALIZED VIEW's new storage (godwit calls its
 * duration `long`: the query, not a copy).
 */
import type { Statement } from '../dialects/postgresql/types.js';
import { lockStrength, type LockMode } from '../analysis/lock-types.js';
import type { Difference, TracedStatement } from './types.js';
import { displayRelation, type RelationInfo, type Snapshot } from './run.js';

const TABLE_LIKE = new Set(['table', 'partitioned table', 'view', 'materialized view', 'foreign table']);

export interface CompareContext {
  before: Snapshot;
  after: Snapshot;
  /** the first schema of the search path as godwit's catalog sees it at the statement */
  searchPath: string;
}

/** Is this static relation a real relation name (not "(every table)", "columns of domain d")? */
function realRelation(name: string): boolean {
  return !name.startsWith('(') && !name.startsWith('columns of domain ') && name !== '?';
}

export function compareLocks(stmt: Statement, res: Pick<TracedStatement, 'static'>, ctx: CompareContext): Difference[] {
  const { before, after } = ctx;
  const byName = new Map<string, RelationInfo>();
  for (const snap of [before, after]) for (const r of snap.relations.values()) if (!r.toast) byName.set(`${r.schema}.${r.name}`, r);
  const relation = (oid: string): RelationInfo | undefined => after.relations.get(oid) ?? before.relations.get(oid);

  const had = new Set(before.locks.map((l) => `${l.oid}/${l.mode}`));
  const acquired = new Map<string, LockMode[]>();
  for (const l of after.locks) {
    if (had.has(`${l.oid}/${l.mode}`)) continue;
    const list = acquired.get(l.oid) ?? [];
    list.push(l.mode);
    acquired.set(l.oid, list);
  }
  const heldBefore = (oid: string, mode: LockMode): boolean => had.has(`${oid}/${mode}`);
  const strongest = (modes: LockMode[]): LockMode => modes.reduce((a, b) => (lockStrength(b) > lockStrength(a) ? b : a));
  const rewritten = new Set<string>();
  for (const [oid, rel] of after.relations) {
    const prev = before.relations.get(oid);
    if (prev && !rel.toast && rel.filenode !== '0' && prev.filenode !== rel.filenode) rewritten.add(oid);
  }
  const ancestors = (oid: string): string[] => {
    const out: string[] = [];
    const todo = [...(relation(oid)?.parents ?? [])];
    while (todo.length) {
      const p = todo.pop()!;
      if (out.includes(p)) continue;
      out.push(p);
      todo.push(...(relation(p)?.parents ?? []));
    }
    return out;
  };

  const diffs: Difference[] = [];
  const named = new Map<string, string>();
  const rewriteNamed = new Set<string>();
  for (const s of res.static) {
    if (!realRelation(s.relation)) continue;
    const key = s.relation.includes('.') ? s.relation : `${ctx.searchPath}.${s.relation}`;
    const rel = byName.get(key) ?? (s.relation.includes('.') ? undefined : byName.get(`public.${s.relation}`));
    if (!rel) continue; // not a relation PostgreSQL knows (IF EXISTS, a failed history): nothing to compare
    if (!named.has(rel.oid) || s.duration === 'rewrite') named.set(rel.oid, s.duration);
    const shown = displayRelation(rel);
    const modes = acquired.get(rel.oid) ?? [];
    if (modes.length) {
      const t = strongest(modes);
      if (t !== s.mode && !(lockStrength(s.mode) > lockStrength(t) && heldBefore(rel.oid, s.mode))) {
        diffs.push({ relation: shown, kind: 'mode', static: s.mode, traced: t, message: `godwit says ${s.mode} on ${shown}; PostgreSQL took ${t}` });
      }
    } else if (!heldBefore(rel.oid, s.mode) && before.relations.has(rel.oid)) {
      diffs.push({ relation: shown, kind: 'missing', static: s.mode, traced: null, message: `godwit says ${s.mode} on ${shown}; PostgreSQL took no new lock on it` });
    }
    if (s.duration === 'rewrite') {
      rewriteNamed.add(rel.oid);
      const storage = rewritten.has(rel.oid) || [...rewritten].some((oid) => ancestors(oid).includes(rel.oid));
      if (!storage && before.relations.has(rel.oid)) {
        diffs.push({ relation: shown, kind: 'rewrite', static: 'rewrite', traced: 'no rewrite', message: `godwit expects ${shown} to be rewritten; PostgreSQL kept its storage` });
      }
    }
  }

  // relations PostgreSQL locked (or rewrote) that godwit does not name. godwit names some
  // targets by description ("columns of domain d": the tables with a column of the domain):
  // locks of that mode are covered by it
  const described = new Set(res.static.filter((s) => !realRelation(s.relation)).map((s) => s.mode));
  const coveredByNamed = (oid: string): boolean => named.has(oid) || ancestors(oid).some((a) => named.has(a));
  for (const [oid, modes] of acquired) {
    const rel = relation(oid);
    if (!rel || rel.toast || !before.relations.has(oid) || !TABLE_LIKE.has(rel.kind) || coveredByNamed(oid)) continue;
    const t = strongest(modes);
    if (lockStrength(t) < lockStrength('ROW EXCLUSIVE') || described.has(t)) continue;
    const shown = displayRelation(rel);
    diffs.push({ relation: shown, kind: 'extra', static: null, traced: t, message: `PostgreSQL also took ${t} on ${shown}, which godwit does not list` });
  }
  const kinds = [stmt.kind, ...(stmt.children ?? []).map((c) => c.kind)];
  if (!kinds.includes('TruncateStmt') && !kinds.includes('RefreshMatViewStmt')) {
    for (const oid of rewritten) {
      const rel = relation(oid)!;
      if (!TABLE_LIKE.has(rel.kind)) continue;
      if (rewriteNamed.has(oid) || ancestors(oid).some((a) => rewriteNamed.has(a))) continue;
      const shown = displayRelation(rel);
      diffs.push({ relation: shown, kind: 'rewrite', static: named.get(oid) ?? null, traced: 'rewrite', message: `PostgreSQL rewrote ${shown}; godwit does not expect a rewrite` });
    }
  }
  if (stmt.kind === 'DoStmt') {
    // PL/pgSQL control flow decides which statements of the block run: on this data, some may not
    for (const d of diffs) {
      if (d.kind === 'missing' || (d.kind === 'mode' && d.static && d.traced && lockStrength(d.traced as LockMode) < lockStrength(d.static as LockMode))) {
        d.message += ' (in a DO block: the statement that takes it may not have run on this data)';
      }
    }
  }
  return diffs;
}
