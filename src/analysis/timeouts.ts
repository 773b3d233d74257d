/**
 * Session timeouts (lock_timeout, statement_timeout): which statements need one, which a
 * file-wide timeout would break, and where a `SET` goes. Shared by require-lock-timeout and
 * require-statement-timeout.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { Lock } from './lock-types.js';
import type { Catalog } from './catalog.js';
import { analyzeBatch } from './batching.js';
import { concurrentOp, refusedInTransactionBlock } from './concurrent-ops.js';

/**
 * The lock of a statement that makes a timeout matter: it blocks reads or writes on an existing
 * table. A bounded UPDATE/DELETE (point update, one batch of a keyset loop) is left out: its row
 * locks cover only the rows of the batch and its table lock (ROW EXCLUSIVE) queues no traffic.
 */
export function trafficBlockingLock(
  stmt: Statement,
  locks: Lock[],
  isNewTable: (table: string) => boolean,
  catalog: Catalog,
): Lock | undefined {
  if ((stmt.kind === 'UpdateStmt' || stmt.kind === 'DeleteStmt') && analyzeBatch(stmt.body, { catalog, plpgsql: !!stmt.parent }).bounded) return undefined;
  return locks.find((l) => (l.blocks.includes('reads') || l.blocks.includes('writes')) && !isNewTable(l.table));
}

/**
 * Statements a file-wide `SET lock_timeout` would make fail: the CONCURRENTLY operations wait
 * for every older transaction to finish (those waits are lock waits, so lock_timeout cancels
 * them and leaves an INVALID index behind).
 */
export function waitsForOtherTransactions(stmt: Statement): boolean {
  const op = concurrentOp(stmt);
  return !!op && op.noTransactionBlock;
}

/**
 * Statements a file-wide `SET statement_timeout` would cut short although they block no
 * traffic: CONCURRENTLY operations, VALIDATE CONSTRAINT and other long scans under a weak lock,
 * VACUUM/ANALYZE, and DO blocks that loop (a batched backfill is one long statement).
 */
export function longButNonBlocking(stmt: Statement, locks: Lock[]): boolean {
  if (concurrentOp(stmt)) return true;
  if (stmt.kind === 'DoStmt' && (stmt.children ?? []).some((c) => c.inLoop)) return true;
  return locks.some((l) => l.duration !== 'instant' && !l.blocks.includes('reads') && !l.blocks.includes('writes'));
}

/** Where a file-wide SET goes: before the first statement (after leading comments and directives). */
export function fileSetInsertion(statements: Statement[], text: string): { at: number; text: (set: string) => string } {
  const first = statements[0];
  const at = first ? first.start : text.length;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // at the end of a file with no statements, start a new line when needed
  const lead = !first && at > 0 && text[at - 1] !== '\n' ? eol : '';
  return { at, text: (set) => `${lead}${set};${eol}` };
}

/**
 * A SET inserted into a one-statement file of an `implicit` runner makes the file a
 * two-statement query string, which PostgreSQL runs as one implicit transaction block: no fix
 * when the statement is one PostgreSQL refuses in a transaction block (VACUUM, CONCURRENTLY, …).
 */
export function setWouldWrap(statements: Statement[], mode: string, pgVersion: number): boolean {
  return mode === 'implicit' && statements.length === 1 && refusedInTransactionBlock(statements[0], pgVersion);
}

/**
 * A statement before `stmt` turns the setting off again (`SET name = 0`, `SET name TO DEFAULT`,
 * `RESET name`, `RESET ALL`, `DISCARD ALL`; SET LOCAL too): a SET inserted at the top of the file
 * would not reach `stmt`, so no fix.
 */
export function settingClearedBefore(statements: Statement[], stmt: Statement, name: string): boolean {
  const top = stmt.parent ?? stmt;
  for (const s of statements) {
    if (s.index >= top.index) break;
    if (s.kind === 'DiscardStmt' && s.body?.target === 'DISCARD_ALL') return true;
    if (s.kind !== 'VariableSetStmt') continue;
    const b = s.body ?? {};
    if (b.kind === 'VAR_RESET_ALL') return true;
    if (b.name !== name) continue;
    if (b.kind === 'VAR_RESET' || b.kind === 'VAR_SET_DEFAULT') return true;
    const a = b.args?.length === 1 ? b.args[0]?.A_Const : undefined;
    if (a && ((a.ival !== undefined && (a.ival.ival ?? 0) === 0) || a.sval?.sval === '0')) return true;
  }
  return false;
}
