import { defineRule } from '../src/engine/types.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import { describeLock, lockStrength, type Lock } from '../src/analysis/lock-types.js';
import { blocksWritesWhileHeld, HeldLocks, lockedByIndexName, lockScope, type HeldLock } from '../src/analysis/lock-scope.js';
import { analyzeBatch } from '../src/analysis/batching.js';
import { statementLabel } from '../src/analysis/statement-labels.js';

const DURATION_RANK = { instant: 0, scan: 1, long: 2, rewrite: 3 } as const;

export default defineRule({
  id: 'no-slow-op-under-lock',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'a scan, rewrite, index build or backfill runs in a transaction that already holds a lock blocking traffic on an existing table',
    why:
      'Table locks are held until the transaction ends, not until the statement that took them ends. ' +
      'A catalog-only ALTER TABLE takes ACCESS EXCLUSIVE for milliseconds, but if the same transaction then builds an index, validates a constraint, rewrites a table or backfills a column, ' +
      'that ACCESS EXCLUSIVE lock (or a SHARE-or-stronger lock, which blocks writes) stays held for the whole slow operation: every query on the locked table waits, often for minutes.',
    fix:
      'Commit between the lock-taking statement and the slow one, so the lock is released first (separate migrations, or COMMIT/BEGIN in the file), or do the slow part without the lock (batched backfill outside the migration, CREATE INDEX CONCURRENTLY):\n\n' +
      'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n-- separately, in batches, outside the schema migration\n' +
      "UPDATE users SET plan = 'free' WHERE id > 0 AND id <= 10000 AND plan IS NULL;",
    example: {
      bad: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nCOMMIT;",
      good: "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n-- batched backfill afterwards\nUPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 1000);",
    },
  },
  create: (ctx) => {
    const held = new HeldLocks();
    const key = (table: string): string => ctx.catalog.key(table);

    /** the statement's slow lock on an existing table, if it scans, rewrites or backfills */
    const slowLock = (stmt: Statement, locks: Lock[]): Lock | undefined => {
      if (stmt.kind === 'LockStmt') return undefined; // "long" there is how long the lock lasts, not work
      if ((stmt.kind === 'UpdateStmt' || stmt.kind === 'DeleteStmt') && analyzeBatch(stmt.body, { catalog: ctx.catalog, plpgsql: !!stmt.parent }).bounded) return undefined;
      let best: Lock | undefined;
      for (const l of locks) {
        if (l.duration === 'instant' || ctx.isNewTable(l.table)) continue;
        if (!best || DURATION_RANK[l.duration] > DURATION_RANK[best.duration]) best = l;
      }
      return best;
    };

    const verb = (stmt: Statement, lock: Lock): string => {
      if (lock.duration === 'rewrite') return 'rewrites';
      if (lock.duration === 'scan') return 'scans';
      if (stmt.kind === 'UpdateStmt') return 'backfills';
      if (stmt.kind === 'DeleteStmt') return 'deletes rows across';
      if (stmt.kind === 'IndexStmt' || stmt.kind === 'ReindexStmt' || stmt.kind === 'AlterTableStmt') return 'builds an index on';
      if (stmt.kind === 'InsertStmt') return 'copies rows into';
      return 'works through';
    };

    /** held locks whose fact names an index, not its table (DROP INDEX of an index the catalog does not know) */
    const indexNamed = new Set<Statement>();
    const onWhat = (h: HeldLock): string => (indexNamed.has(h.stmt) ? `the table of index "${h.lock.table}"` : `"${h.lock.table}"`);

    return {
      Statement(stmt) {
        held.enter(lockScope(stmt, ctx.tx(stmt)));
        if (held.current === null) return;
        const locks = ctx.locksOf(stmt);
        const slow = slowLock(stmt, locks);
        if (slow) {
          // a lock the slow statement takes anyway (same table, same or stronger mode) adds nothing
          const own = new Map(locks.map((l) => [key(l.table), l]));
          let worst: HeldLock | undefined;
          for (const h of held.list()) {
            const mine = own.get(h.key);
            if (mine && lockStrength(mine.mode) >= lockStrength(h.lock.mode)) continue;
            if (!worst || lockStrength(h.lock.mode) > lockStrength(worst.lock.mode)) worst = h;
          }
          if (worst) {
            const line = ctx.file.source.position(worst.stmt.start).line;
            const during: Lock = { ...worst.lock, duration: slow.duration };
            const others = held.list().filter((h) => h !== worst && !(own.get(h.key) && lockStrength(own.get(h.key)!.mode) >= lockStrength(h.lock.mode)));
            const listed = others.slice(0, 2).map((h) => `${h.lock.mode} on ${onWhat(h)}`);
            if (others.length > 2) listed.push(`${others.length - 2} more`);
            const also = listed.length ? `\nThis transaction also holds ${listed.join(', ')}.` : '';
            ctx.report({
              stmt,
              message:
                `${statementLabel(stmt)} ${verb(stmt, slow)} "${slow.table}" under the ${worst.lock.mode} lock held since line ${line}.\n` +
                `${statementLabel(worst.stmt)} at line ${line} locked ${onWhat(worst)}, and locks last until COMMIT:\n` +
                `${describeLock(during, indexNamed.has(worst.stmt) ? 'that table' : undefined)}.${also}\n` +
                `Commit between them, or do the slow part without the lock.`,
              lock: during,
            });
          }
        }
        if (lockedByIndexName(stmt, ctx.catalog)) indexNamed.add(stmt);
        for (const l of locks) {
          if (blocksWritesWhileHeld(l.mode) && !ctx.isNewTable(l.table)) held.add(key(l.table), l, stmt);
        }
      },
    };
  },
});
