/**
 * Which statements a trace runs, decided on the AST (never on the text):
 *  - transaction control (BEGIN, COMMIT, SAVEPOINT, PREPARE TRANSACTION …) is never run: the
 *    trace is one transaction that is always rolled back;
 *  - statements PostgreSQL refuses inside a transaction block are reported as not traced;
 *  - statements whose effects escape the transaction (another connection, server files,
 *    signals to other sessions) are not run either.
 * History replay (autocommit) runs CONCURRENTLY forms and VACUUM, and skips only what
 * reaches outside the database.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import { concurrentOp } from '../analysis/concurrent-ops.js';
import { txControl } from '../analysis/transactions.js';
import { parseSql } from '../dialects/postgresql/pg.js';
import { plpgsqlQuery } from '../analysis/lexing.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';

/** Functions whose effects are not undone by ROLLBACK or reach other sessions. */
const ESCAPING_FUNCTIONS = new Set([
  'dblink', 'dblink_exec', 'dblink_connect', 'dblink_connect_u', 'dblink_open', 'dblink_send_query',
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_switch_wal',
  'pg_promote', 'pg_create_restore_point', 'pg_logical_emit_message',
  'pg_create_logical_replication_slot', 'pg_create_physical_replication_slot', 'pg_drop_replication_slot',
  'lo_import', 'lo_export', 'pg_file_write', 'pg_file_unlink', 'pg_file_rename', 'pg_file_sync',
]);

/** Why the statement cannot or must not run at all (in the trace or in a history replay). */
function escapes(stmt: Statement): string | null {
  const b = stmt.body;
  switch (stmt.kind) {
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM changes the server configuration outside any transaction';
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'AlterDatabaseStmt':
      if (stmt.kind !== 'AlterDatabaseStmt' || (b.options ?? []).some((o: any) => o?.DefElem?.defname === 'tablespace')) {
        return `${stmt.kind === 'CreatedbStmt' ? 'CREATE DATABASE' : stmt.kind === 'DropdbStmt' ? 'DROP DATABASE' : 'ALTER DATABASE … SET TABLESPACE'} cannot run inside a transaction block`;
      }
      return null;
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
      return `${stmt.kind === 'CreateTableSpaceStmt' ? 'CREATE' : 'DROP'} TABLESPACE cannot run inside a transaction block`;
    case 'CreateSubscriptionStmt':
    case 'AlterSubscriptionStmt':
    case 'DropSubscriptionStmt':
      return 'subscriptions connect to another server';
    case 'CopyStmt':
      if (b.is_program) return 'COPY … PROGRAM runs a program on the server';
      if (b.filename) return 'COPY to or from a server file reaches outside the database';
      return b.is_from ? 'COPY … FROM STDIN needs the data from the client' : 'COPY … TO STDOUT streams data to the client';
    case 'LoadStmt':
      return 'LOAD loads a shared library into the session';
  }
  const fn = escapingCall(stmt.node) ?? (stmt.kind === 'DoStmt' ? escapingCallInDo(stmt) : undefined);
  if (fn) return `${fn}() has effects a rollback does not undo`;
  return null;
}

/** An escaping function called anywhere in a DO block's PL/pgSQL (PERFORM, assignments, SQL). */
function escapingCallInDo(stmt: Statement): string | undefined {
  for (const q of stmt.bodyQueries ?? []) {
    const f = escapingCall(plpgsqlQuery(q));
    if (f) return f;
  }
  return undefined;
}

function escapingCall(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const n of node) {
      const f = escapingCall(n);
      if (f) return f;
    }
    return undefined;
  }
  if (!node || typeof node !== 'object') return undefined;
  const o = node as Record<string, any>;
  if (o.FuncCall) {
    const names: string[] = (o.FuncCall.funcname ?? []).map((n: any) => n?.String?.sval ?? '');
    const last = names[names.length - 1]?.toLowerCase();
    if (last && ESCAPING_FUNCTIONS.has(last)) return last;
  }
  for (const k in o) {
    const v = o[k];
    if (v && typeof v === 'object') {
      const f = escapingCall(v);
      if (f) return f;
    }
  }
  return undefined;
}

/**
 * Why the statement is not run in the trace's transaction (null: it is run).
 * `versionNum` is the server's server_version_num.
 */
export function notTraceable(stmt: Statement, versionNum: number): string | null {
  if (stmt.kind === 'SyntaxError') return `syntax error: ${stmt.error?.message ?? 'does not parse'}`;
  const ctl = txControl(stmt);
  if (ctl) return `transaction control (${txWords(stmt)}) is not run: the whole trace is one transaction that is rolled back`;
  const op = concurrentOp(stmt);
  if (op?.noTransactionBlock) return `${op.stmtType} cannot run inside a transaction block`;
  const b = stmt.body;
  switch (stmt.kind) {
    case 'VacuumStmt':
      if (b.is_vacuumcmd) return 'VACUUM cannot run inside a transaction block';
      break;
    case 'ClusterStmt':
      if (!b.relation) return 'CLUSTER without a table cannot run inside a transaction block';
      break;
    case 'ReindexStmt':
      if (['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_SYSTEM', 'REINDEX_OBJECT_DATABASE'].includes(b.kind)) {
        return `REINDEX ${String(b.kind).replace('REINDEX_OBJECT_', '')} cannot run inside a transaction block`;
      }
      break;
    case 'DiscardStmt':
      if (b.target === 'DISCARD_ALL') return 'DISCARD ALL cannot run inside a transaction block';
      break;
    case 'AlterEnumStmt':
      if (b.newVal && versionNum < 120000) return 'ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12';
      break;
  }
  const own = touchesTraceSession(stmt);
  if (own) return own;
  if (stmt.kind === 'SelectStmt' && b.intoClause) return 'SELECT … INTO is not run in the trace (it runs each statement inside a function, where PostgreSQL does not allow it): write CREATE TABLE … AS SELECT …';
  const esc = escapes(stmt);
  if (esc) return esc;
  if (!isolated(stmt)) return 'the statement could not be isolated for the trace';
  return null;
}

/**
 * Statements that would change who the session runs as, or discard the trace's own session
 * state: never run (in the trace PostgreSQL would refuse the first inside godwit_run anyway).
 */
function touchesTraceSession(stmt: Statement): string | null {
  if (stmt.kind === 'VariableSetStmt') {
    const name = String(stmt.body.name ?? '').toLowerCase();
    if (name === 'role' || name === 'session_authorization') {
      return `${name === 'role' ? 'SET ROLE' : 'SET SESSION AUTHORIZATION'} is not run: the trace runs the migration as a restricted role (docs/trace.md, "Threat model")`;
    }
  }
  if (stmt.kind === 'DiscardStmt') return "DISCARD is not run: it would discard the trace's own session state";
  return null;
}

/** Why a history statement is not replayed (it runs in autocommit there). */
export function notReplayable(stmt: Statement): string | null {
  if (stmt.kind === 'SyntaxError') return 'syntax error';
  if (txControl(stmt)) return 'transaction control';
  const own = touchesTraceSession(stmt);
  if (own) return own;
  const esc = escapes(stmt);
  if (esc) return esc;
  if (!isolated(stmt)) return 'not one statement';
  if (replayText(stmt) === null) return 'cannot run inside a function and leaves no schema behind';
  return null;
}

/**
 * The text a history statement is replayed with. Each statement runs inside
 * pg_temp.godwit_run (a function), where the CONCURRENTLY forms cannot run: an index is built
 * (or dropped, a partition detached) without CONCURRENTLY — the same schema afterwards.
 * VACUUM, CLUSTER of every table and REINDEX … CONCURRENTLY, which change no schema, are
 * skipped (null).
 */
export function replayText(stmt: Statement, file?: ParsedFile): string | null {
  const b = stmt.body;
  if (stmt.kind === 'VacuumStmt' && b.is_vacuumcmd) return null;
  if (stmt.kind === 'ClusterStmt' && !b.relation) return null;
  const op = concurrentOp(stmt);
  if (!op?.noTransactionBlock) return stmt.text;
  if (stmt.kind === 'ReindexStmt' || !file) return stmt.kind === 'ReindexStmt' ? null : stmt.text;
  const tokens = file.tokensIn ? file.tokensIn(stmt.start, stmt.end) : file.tokens.filter((t) => t.start >= stmt.start && t.end <= stmt.end);
  const kw = tokens.find((t) => t.text.toUpperCase() === 'CONCURRENTLY');
  if (!kw) return null;
  return stmt.text.slice(0, kw.start - stmt.start) + stmt.text.slice(kw.end - stmt.start);
}

/**
 * Defence in depth: the text sent to the server must be exactly the one statement the file
 * parser found, and not transaction control.
 */
function isolated(stmt: Statement): boolean {
  try {
    const raw = parseSql(stmt.text);
    if (raw.length !== 1) return false;
    const kind = Object.keys(raw[0].stmt)[0];
    return kind === stmt.kind && kind !== 'TransactionStmt';
  } catch {
    return false;
  }
}

function txWords(stmt: Statement): string {
  const k = String(stmt.body.kind ?? '').replace('TRANS_STMT_', '');
  const words: Record<string, string> = {
    BEGIN: 'BEGIN',
    START: 'START TRANSACTION',
    COMMIT: 'COMMIT',
    ROLLBACK: 'ROLLBACK',
    SAVEPOINT: 'SAVEPOINT',
    RELEASE: 'RELEASE SAVEPOINT',
    ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
    PREPARE: 'PREPARE TRANSACTION',
    COMMIT_PREPARED: 'COMMIT PREPARED',
    ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
  };
  return words[k] ?? k;
}

/** Names of the extensions a list of statements creates (to load PGlite's bundles). */
export function extensionsOf(statements: Statement[]): string[] {
  const out: string[] = [];
  for (const s of statements) if (s.kind === 'CreateExtensionStmt' && s.body.extname) out.push(String(s.body.extname));
  return out;
}
