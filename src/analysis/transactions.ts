/**
 * Transaction model: which statements of a file run inside one transaction block.
 *
 * `none`: statements run in autocommit unless the file opens a block with BEGIN/START
 * TRANSACTION. `file`: the runner wraps the whole file in one transaction (an explicit
 * BEGIN inside it is nesting; an explicit COMMIT ends the runner's transaction early and the
 * rest runs in autocommit). `all` behaves as `file` for one file (every pending migration
 * in one transaction).
 *
 * `implicit`: the runner sends the whole file as ONE simple-query message (golang-migrate,
 * Prisma, dbmate `transaction:false`, Diesel `run_in_transaction = false`). PostgreSQL's
 * exec_simple_query (postgres.c) then runs a query string of more than one statement in an
 * implicit transaction block (BeginImplicitTransactionBlock before each statement), so every
 * statement is inside a transaction block — `CREATE INDEX CONCURRENTLY` fails there even as the
 * last statement. A BEGIN turns the implicit block into an explicit one (xact.c
 * BeginTransactionBlock: TBLOCK_IMPLICIT_INPROGRESS → TBLOCK_BEGIN, no warning; the earlier
 * statements are part of it); COMMIT/ROLLBACK end the block, and the statements after them
 * form a new implicit block. A file with a single statement runs in autocommit, as `none`.
 */
import type { Statement } from '../dialects/postgresql/types.js';

export type TransactionMode = 'none' | 'file' | 'all' | 'implicit';

export interface TxInfo {
  /** the statement runs inside a transaction block */
  inTransaction: boolean;
  /** statements with the same id share one transaction; null in autocommit */
  id: number | null;
  /** the block was opened by BEGIN in the file (false: the runner's wrapping) */
  explicit: boolean;
  /** for BEGIN: a transaction was already open */
  nested?: boolean;
  /** for COMMIT/ROLLBACK: which transaction it closes (null: none was open) */
  closes?: number | null;
  /** how the block came about, in words for messages (front ends with their own model, e.g. JS/TS migrations) */
  origin?: string;
}

export type TxControl = 'begin' | 'commit' | 'rollback' | 'savepoint' | 'other' | null;

export function txControl(stmt: Statement): TxControl {
  if (stmt.kind !== 'TransactionStmt') return null;
  switch (stmt.body.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      return 'begin';
    case 'TRANS_STMT_COMMIT':
    case 'TRANS_STMT_COMMIT_PREPARED':
    case 'TRANS_STMT_PREPARE':
      return 'commit';
    case 'TRANS_STMT_ROLLBACK':
    case 'TRANS_STMT_ROLLBACK_PREPARED':
      return 'rollback';
    case 'TRANS_STMT_SAVEPOINT':
    case 'TRANS_STMT_RELEASE':
    case 'TRANS_STMT_ROLLBACK_TO':
      return 'savepoint';
    default:
      return 'other';
  }
}

export interface TransactionModel {
  /** per top-level statement, in order */
  info: TxInfo[];
  /** an explicit BEGIN left open at the end of the file (its statement index), or null */
  unclosedBegin: number | null;
}

export function modelTransactions(statements: Statement[], mode: TransactionMode): TransactionModel {
  if (mode === 'implicit') return statements.length > 1 ? modelImplicit(statements) : modelTransactions(statements, 'none');
  const info: TxInfo[] = [];
  let nextId = 0;
  let current: number | null = null;
  let explicit = false;
  let openedAt: number | null = null;
  if (mode !== 'none') {
    current = nextId++;
    explicit = false;
  }
  for (const stmt of statements) {
    const ctl = txControl(stmt);
    if (ctl === 'begin') {
      if (current !== null) {
        info.push({ inTransaction: true, id: current, explicit, nested: true });
      } else {
        current = nextId++;
        explicit = true;
        openedAt = stmt.index;
        info.push({ inTransaction: false, id: current, explicit: true });
      }
      continue;
    }
    if (ctl === 'commit' || ctl === 'rollback') {
      info.push({ inTransaction: current !== null, id: current, explicit, closes: current });
      if (current !== null && stmt.body.chain) {
        // COMMIT/ROLLBACK AND CHAIN starts the next transaction at once, with the same wrapping
        current = nextId++;
        continue;
      }
      current = null;
      explicit = false;
      openedAt = null;
      continue;
    }
    info.push({ inTransaction: current !== null, id: current, explicit });
  }
  return { info, unclosedBegin: current !== null && explicit ? openedAt : null };
}

/** `implicit` mode for a query string of two or more statements (see the header). */
function modelImplicit(statements: Statement[]): TransactionModel {
  const info: TxInfo[] = [];
  let nextId = 0;
  let current = nextId++;
  let explicit = false;
  let openedAt: number | null = null;
  statements.forEach((stmt, i) => {
    const ctl = txControl(stmt);
    if (ctl === 'begin') {
      if (explicit) {
        info.push({ inTransaction: true, id: current, explicit: true, nested: true });
      } else {
        // BEGIN converts the implicit block into an explicit one: same transaction, no warning
        explicit = true;
        openedAt = stmt.index;
        info.push({ inTransaction: true, id: current, explicit: true });
      }
      return;
    }
    if (ctl === 'commit' || ctl === 'rollback') {
      info.push({ inTransaction: true, id: current, explicit, closes: current });
      if (stmt.body.chain) {
        // AND CHAIN: the next transaction starts at once with the same characteristics
        current = nextId++;
        return;
      }
      // the next statement starts a new implicit block (exec_simple_query begins one per statement)
      if (i < statements.length - 1) current = nextId++;
      explicit = false;
      openedAt = null;
      return;
    }
    info.push({ inTransaction: true, id: current, explicit });
  });
  return { info, unclosedBegin: explicit ? openedAt : null };
}
