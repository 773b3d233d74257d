/** Trace output: `stylish` (a small table per statement) and `json`. */
import type { Paint } from '../report/color.js';
import { lockStrength } from '../analysis/lock-types.js';
import type { TraceResult, TracedLock } from './types.js';
import { escapeControl } from '../io/control.js';

export function formatTraceJson(result: TraceResult): string {
  const { file, engine, serverVersion, targetPgVersion, committed, history, startMs, statements, unreadable } = result;
  return JSON.stringify(
    {
      file,
      engine,
      serverVersion,
      ...(targetPgVersion !== undefined ? { targetPgVersion } : {}),
      committed,
      history,
      startMs,
      statements: statements.map((s) => ({
        line: s.line,
        sql: s.sql,
        statementKind: s.statementKind,
        locks: s.locks,
        held: s.held,
        rewrites: s.rewrites,
        durationMs: s.durationMs,
        error: s.error,
        ...(s.errorCode ? { errorCode: s.errorCode } : {}),
        ...(s.engineStopped ? { engineStopped: true } : {}),
        skipped: s.skipped,
        static: s.static,
        differences: s.differences,
      })),
      ...(unreadable?.length ? { unreadable } : {}),
    },
    null,
    2,
  );
}

const KIND_NOTE: Record<string, string> = {
  index: 'index',
  'partitioned index': 'partitioned index',
  sequence: 'sequence',
  view: 'view',
  'materialized view': 'materialized view',
  'foreign table': 'foreign table',
  'partitioned table': 'partitioned table',
  'composite type': 'type',
};

function lockName(l: TracedLock): string {
  const notes = [l.created ? 'new' : '', KIND_NOTE[l.kind] ?? ''].filter(Boolean);
  return notes.length ? `${l.relation} (${notes.join(' ')})` : l.relation;
}

/** Group locks by mode (strongest first): `[mode, "a, b (new index)"]`. */
function byMode(locks: TracedLock[]): Array<[string, string]> {
  const groups = new Map<string, string[]>();
  for (const l of locks) {
    const list = groups.get(l.mode) ?? [];
    list.push(lockName(l));
    groups.set(l.mode, list);
  }
  return [...groups].map(([m, names]) => [m, names.join(', ')]);
}

function firstLine(sql: string, max = 72): string {
  const lines = sql.split(/\r\n|\r|\n/);
  let s = lines[0].trimEnd();
  if (s.length > max) s = s.slice(0, max - 1).trimEnd() + '…';
  else if (lines.length > 1) s += ' …';
  return s;
}

const TABLE_LIKE = new Set(['table', 'partitioned table', 'view', 'materialized view', 'foreign table']);

/** The strongest lock per relation, strongest first. */
function strongestPerRelation(locks: TracedLock[]): TracedLock[] {
  const best = new Map<string, TracedLock>();
  for (const l of locks) {
    const prev = best.get(l.relation);
    if (!prev || lockStrength(l.mode) > lockStrength(prev.mode)) best.set(l.relation, l);
  }
  return [...best.values()].sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode) || a.relation.localeCompare(b.relation));
}

const MODE_WIDTH = 'SHARE UPDATE EXCLUSIVE'.length;

/** Every string of a value with its control characters escaped (names, SQL and server messages reach a terminal). */
function printable<T>(value: T): T {
  if (typeof value === 'string') return escapeControl(value) as T;
  if (Array.isArray(value)) return value.map(printable) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)])) as T;
  return value;
}

export function formatTraceStylish(raw: TraceResult, paint: Paint, cwd: string = process.cwd()): string {
  const result = printable(raw);
  const rel = result.file.startsWith(cwd + '/') ? result.file.slice(cwd.length + 1) : result.file;
  const engine = result.engine === 'pglite' ? `PGlite (PostgreSQL ${result.serverVersion})` : `PostgreSQL ${result.serverVersion} server`;
  const h = result.history;
  const history =
    h.source === 'database'
      ? 'history: the database as it is'
      : h.source === 'none'
        ? 'no history'
        : `history: ${h.files} ${h.source === 'schema' && h.files === 1 ? 'schema dump' : h.files === 1 ? 'file' : 'files'}, ${h.statements} statement${h.statements === 1 ? '' : 's'} replayed${h.failed ? `, ${h.failed} failed and skipped` : ''}`;
  let out = `\n${paint('underline', rel)}\n${paint('dim', `traced in ${engine} · ${history} · rolled back, nothing committed`)}\n`;
  const major = Number.parseInt(result.serverVersion, 10);
  if (result.targetPgVersion !== undefined && Number.isFinite(major) && major !== result.targetPgVersion) {
    out += paint(
      'yellow',
      `note: this is PostgreSQL ${major}, but the migrations target PostgreSQL ${result.targetPgVersion} (pgVersion / --pg-version):\n` +
        `      locks and rewrites that changed between the versions may differ on your server` +
        (result.engine === 'pglite' ? `; trace on a PostgreSQL ${result.targetPgVersion} server with --db-url to see its own` : ''),
    ) + '\n';
  }

  const width = String(Math.max(1, ...result.statements.map((s) => s.line))).length;
  let traced = 0;
  let skipped = 0;
  let failed = 0;
  let differences = 0;
  for (const [i, s] of result.statements.entries()) {
    const num = String(s.line).padStart(width);
    const ms = s.durationMs === null ? '' : paint('dim', `${s.durationMs.toFixed(2)} ms`);
    out += `\n  ${paint('dim', num)}  ${paint('bold', escapeControl(firstLine(raw.statements[i].sql)))}${ms ? `  ${ms}` : ''}\n`;
    const pad = ' '.repeat(width + 4);
    if (s.skipped) {
      skipped++;
      out += `${pad}${paint('yellow', 'not traced')}: ${s.skipped}\n`;
      if (s.static.length) out += `${pad}${paint('dim', `godwit: ${s.static.map((l) => `${l.mode} on ${l.relation} (${l.duration})`).join('; ')}`)}\n`;
      continue;
    }
    if (s.error) {
      failed++;
      out += `${pad}${paint('red', 'error')}: ${s.error}${s.errorCode ? paint('dim', ` (${s.errorCode})`) : ''}\n`;
      out += `${pad}${paint('dim', s.engineStopped ? 'the embedded engine was stopped: the trace ends here (nothing outlives it)' : 'rolled back to its savepoint; the trace went on')}\n`;
      if (s.static.length) out += `${pad}${paint('dim', `godwit: ${s.static.map((l) => `${l.mode} on ${l.relation} (${l.duration})`).join('; ')}`)}\n`;
      continue;
    }
    traced++;
    // weak locks on indexes and sequences follow their table's: JSON has them all
    const minor = (l: TracedLock): boolean => !TABLE_LIKE.has(l.kind) && lockStrength(l.mode) < lockStrength('SHARE UPDATE EXCLUSIVE');
    const shown = s.locks.filter((l) => !minor(l));
    const rows = byMode(shown);
    if (s.locks.length === 0) out += `${pad}${paint('dim', 'no new relation locks')}\n`;
    for (const [mode, names] of rows) out += `${pad}${paint('cyan', mode.padEnd(MODE_WIDTH))}  ${names}\n`;
    if (shown.length < s.locks.length) {
      const n = s.locks.length - shown.length;
      out += `${pad}${paint('dim', `(+${n} weaker lock${n === 1 ? '' : 's'} on indexes or sequences; --format json lists every lock)`)}\n`;
    }
    if (s.rewrites.length) {
      out += `${pad}${paint('magenta', 'rewritten'.padEnd(MODE_WIDTH))}  ${s.rewrites.map((r) => (r.kind === 'table' ? r.relation : `${r.relation} (${KIND_NOTE[r.kind] ?? r.kind})`)).join(', ')}\n`;
    }
    const held = strongestPerRelation(s.held.filter((l) => TABLE_LIKE.has(l.kind)));
    if (held.length) {
      out += `${pad}${paint('dim', `already held by the transaction: ${held.map((l) => `${l.mode} on ${l.relation}`).join('; ')}`)}\n`;
    }
    if (s.differences.length) {
      differences += s.differences.length;
      for (const d of s.differences) out += `${pad}${paint('red', '≠')} ${d.message}\n`;
    } else if (s.static.length) {
      out += `${pad}${paint('green', '✓')} ${paint('dim', `matches godwit: ${s.static.map((l) => `${l.mode} on ${l.relation} (${l.duration})`).join('; ')}`)}\n`;
    }
  }
  for (const u of result.unreadable ?? []) {
    out += `\n  ${paint('dim', String(u.line).padStart(width))}  ${paint('yellow', 'not traced')}: godwit cannot read or translate this ${u.callee}() call (${u.reason})\n`;
  }
  const parts = [`${traced} statement${traced === 1 ? '' : 's'} traced`];
  if (failed) parts.push(`${failed} failed`);
  if (skipped) parts.push(`${skipped} not traced`);
  if (result.unreadable?.length) parts.push(`${result.unreadable.length} call${result.unreadable.length === 1 ? '' : 's'} not analysable`);
  const mark = failed ? paint('red', '✖') : differences ? paint('yellow', '≠') : paint('green', '✔');
  out += `\n${mark} ${parts.join(', ')} · ${differences} disagreement${differences === 1 ? '' : 's'} with godwit's lock table · rolled back\n`;
  if (failed) {
    out += paint(
      'red',
      traced === 0 && (h.source === 'none' || h.source === 'database')
        ? `  no statement ran: the database lacks what the migration expects (${h.source === 'none' ? 'no history was replayed' : 'the database as it is'});\n` +
            `  replay the earlier migrations (--replay-history, --schema dump.sql) or trace on a database that has the schema (--db-url)\n`
        : `  ${failed} statement${failed === 1 ? '' : 's'} failed: their locks are not known (see the errors above)\n`,
    );
  }
  if (h.errors.length) {
    out += paint('dim', `  history statements that failed (first ${h.errors.length}): ${h.errors.slice(0, 3).map((e) => `${e.file}:${e.line} ${e.message}`).join('; ')}${h.errors.length > 3 ? '; …' : ''}\n`);
  }
  return out;
}
