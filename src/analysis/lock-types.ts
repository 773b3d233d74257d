/** The eight table-level lock modes, weakest first, as PostgreSQL names them. */
export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/**
 * MySQL (src/dialects/mysql/locks.ts): the online-DDL algorithm and lock the server runs a DDL
 * statement with, the exclusive metadata lock of DROP/RENAME/TRUNCATE, or the row locks of DML.
 */
export type MysqlLockMode =
  | 'ALGORITHM=INSTANT'
  | `ALGORITHM=${'INPLACE' | 'COPY'}, LOCK=${'NONE' | 'SHARED' | 'EXCLUSIVE'}`
  | 'METADATA LOCK EXCLUSIVE'
  | 'ROW LOCKS';

/** What ordinary traffic a held lock stops: SELECT (reads), INSERT/UPDATE/DELETE (writes), other DDL/VACUUM (ddl). */
export type Blocked = 'reads' | 'writes' | 'ddl';

/**
 * How long the lock is held relative to table size:
 *  instant — catalog change only;
 *  scan    — the table is read in full (validation) while the lock is held;
 *  rewrite — the table (and its indexes) are rewritten while the lock is held;
 *  long    — proportional to the data in another way (index build, backfill, row locks).
 */
export type Duration = 'instant' | 'scan' | 'rewrite' | 'long';

export interface Lock {
  /** the relation as written (schema-qualified when the statement qualifies it) */
  table: string;
  mode: LockMode;
  blocks: Blocked[];
  duration: Duration;
}

/** A MySQL statement's lock: the same fields, MySQL's words for the mode. */
export interface MysqlLock extends Omit<Lock, 'mode'> {
  mode: MysqlLockMode;
}

/** The lock a finding carries, of either dialect. */
export type AnyLock = Lock | MysqlLock;

export function lockStrength(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

/** Which ordinary operations a mode blocks (PostgreSQL's lock conflict table). */
export function blockedBy(mode: LockMode): Blocked[] {
  const s = lockStrength(mode);
  const out: Blocked[] = [];
  if (mode === 'ACCESS EXCLUSIVE') out.push('reads');
  if (s >= lockStrength('SHARE')) out.push('writes');
  if (s >= lockStrength('SHARE UPDATE EXCLUSIVE')) out.push('ddl');
  return out;
}

const DURATION_TEXT: Record<Duration, string> = {
  instant: 'briefly (catalog change only)',
  scan: 'while it scans the whole table',
  rewrite: 'while it rewrites the whole table',
  long: 'for as long as the operation runs',
};

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * UPDATE/DELETE: the table lock is ROW EXCLUSIVE, which conflicts only with SHARE and stronger
 * (index builds, most DDL); what blocks other writers are the row locks on the rows it changes,
 * held until commit. Such a lock says `blocks: ['writes']` (locks.ts).
 */
export function rowLocksBlockWrites(lock: Pick<AnyLock, 'mode' | 'blocks'>): boolean {
  return lock.mode === 'ROW EXCLUSIVE' && lock.blocks.includes('writes');
}

/** "ACCESS EXCLUSIVE lock on \"users\" blocks reads, writes and DDL while it rewrites the whole table" */
export function describeLock(lock: Lock, target = `"${lock.table}"`): string {
  if (rowLocksBlockWrites(lock)) {
    return `ROW EXCLUSIVE lock on ${target} (only SHARE and stronger conflict: index builds and most DDL wait), and the rows it changes stay locked until commit: other writers of those rows wait`;
  }
  const what = lock.blocks.map((b) => (b === 'ddl' ? 'DDL' : b));
  const blocks = what.length ? `blocks ${joinWords(what)}` : 'blocks no reads or writes';
  return `${lock.mode} lock on ${target} ${blocks} ${DURATION_TEXT[lock.duration]}`;
}

/** The lock as a sentence of a message's details: "ACCESS EXCLUSIVE lock on "users" blocks … table." */
export function lockSentence(lock: Lock): string {
  return `${describeLock(lock)}.`;
}

/** "(ACCESS EXCLUSIVE)" for a headline, or '' without a lock. */
export function modeNote(lock: Lock | undefined): string {
  return lock ? ` (${lock.mode})` : '';
}
