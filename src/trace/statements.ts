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
import { parsePlpgsql, parseSql } from '../dialects/postgresql/pg.js';

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
  const body = (stmt.body.args ?? []).find((a: any) => a?.DefElem?.defname === 'as')?.DefElem?.arg?.String?.sval;
  if (typeof body !== 'string') return undefined;
  let tag = '$godwit$';
  for (let i = 0; body.includes(tag); i++) tag = `$godwit${i}$`;
  let tree: unknown;
  try {
    tree = parsePlpgsql(`CREATE FUNCTION godwit_do() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`);
  } catch {
    return undefined;
  }
  const queries: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
      if (k === 'query' && typeof v === 'string') queries.push(v);
      else walk(v);
    }
  };
  walk(tree);
  for (const q of queries) {
    for (const text of [q, `SELECT ${q}`]) {
      try {
        const f = escapingCall(parseSql(text));
        if (f) return f;
        break;
      } catch {
        // an expression, not a statement: try it as SELECT <expr>
      }
    }
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
  const esc = escapes(stmt);
  if (esc) return esc;
  if (!isolated(stmt)) return 'the statement could not be isolated for the trace';
  return null;
}

/** Why a history statement is not replayed (it runs in autocommit there). */
export function notReplayable(stmt: Statement): string | null {
  if (stmt.kind === 'SyntaxError') return 'syntax error';
  if (txControl(stmt)) return 'transaction control';
  const esc = escapes(stmt);
  if (esc) return esc;
  if (!isolated(stmt)) return 'not one statement';
  return null;
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
