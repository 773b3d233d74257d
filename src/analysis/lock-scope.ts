/**
 * How long table locks live: a lock is held until the end of the transaction that took it.
 * `lockScope` names that transaction for a statement, so rules that reason about locks held
 * *across* statements (no-slow-op-under-lock, no-multi-table-exclusive-locks) can track them:
 *  - `tx:<id>`  a transaction block, explicit (BEGIN … COMMIT) or the runner's wrapping;
 *  - `do:<n>`   a DO block run in autocommit: its whole body is one transaction;
 *  - null       an autocommit statement: its locks end with it.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { TxInfo } from './transactions.js';
import { lockStrength, type Lock, type LockMode } from './lock-types.js';
import type { Catalog } from './catalog.js';
import { nameListToRange } from './names.js';

export function lockScope(stmt: Statement, tx: TxInfo): string | null {
  if (tx.id !== null && tx.inTransaction) return `tx:${tx.id}`;
  if (stmt.parent) return `do:${stmt.parent.index}`;
  return null;
}

/** Strong enough to stop writers (SHARE and above): what makes a held lock hurt. */
export function blocksWritesWhileHeld(mode: LockMode): boolean {
  return lockStrength(mode) >= lockStrength('SHARE');
}

/** One lock held by the transaction, with the statement that took it. */
export interface HeldLock {
  lock: Lock;
  /** normalized table key (schema-qualified) */
  key: string;
  stmt: Statement;
}

/** Locks held in the current scope; reset whenever the scope changes (COMMIT, ROLLBACK, a new BEGIN). */
export class HeldLocks {
  private scope: string | null = null;
  private held = new Map<string, HeldLock>();

  /** Move to the statement's scope; returns true when it is a new transaction. */
  enter(scope: string | null): boolean {
    if (scope === this.scope) return false;
    this.scope = scope;
    this.held = new Map();
    return true;
  }

  get current(): string | null {
    return this.scope;
  }

  /** Remember a lock (the strongest per table wins; the first statement to take that mode is kept). */
  add(key: string, lock: Lock, stmt: Statement): void {
    const prev = this.held.get(key);
    if (!prev || lockStrength(lock.mode) > lockStrength(prev.lock.mode)) this.held.set(key, { lock, key, stmt });
  }

  list(): HeldLock[] {
    return [...this.held.values()];
  }
}

/**
 * DROP INDEX of an index the catalog does not know: the lock fact can only name the index, not
 * its table, so two such locks may well be on the same table.
 */
export function lockedByIndexName(stmt: Statement, catalog: Catalog): boolean {
  if (stmt.kind !== 'DropStmt' || stmt.body?.removeType !== 'OBJECT_INDEX') return false;
  return (stmt.body.objects ?? []).some((o: any) => !catalog.index(nameListToRange(o?.List?.items)));
}
