import { defineRule } from '../src/engine/types.js';
import { HeldLocks, lockedByIndexName, lockScope } from '../src/analysis/lock-scope.js';
import { statementLabel } from '../src/analysis/statement-labels.js';

export default defineRule({
  id: 'no-multi-table-exclusive-locks',
  severity: 'warn',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'one transaction takes ACCESS EXCLUSIVE locks on two or more existing tables',
    why:
      'An ACCESS EXCLUSIVE lock blocks every query on its table, even SELECT, until the transaction ends. ' +
      'Holding it on one table while waiting for the next one compounds the outage: traffic on the first table is stalled for as long as the second lock takes to get, and the waits add up with every table. ' +
      'Another session that locks the same tables in the opposite order (an application transaction, another migration) deadlocks with it.',
    fix:
      'Change one table per transaction: split the migration, or COMMIT between the tables, with a short lock_timeout so each step fails fast instead of stalling:\n\n' +
      "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\nBEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT;",
    example: {
      bad: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT;',
      good: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\nBEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT;',
    },
  },
  create: (ctx) => {
    const held = new HeldLocks();
    let reported = false;
    return {
      Statement(stmt) {
        if (held.enter(lockScope(stmt, ctx.tx(stmt)))) reported = false;
        if (held.current === null) return;
        // DROP INDEX of an index the catalog does not know: its table is unknown, maybe one already held
        if (lockedByIndexName(stmt, ctx.catalog)) return;
        for (const lock of ctx.locksOf(stmt)) {
          if (lock.mode !== 'ACCESS EXCLUSIVE' || ctx.isNewTable(lock.table)) continue;
          const key = ctx.catalog.key(lock.table);
          const before = held.list();
          if (!reported && before.length && !before.some((h) => h.key === key)) {
            const first = before[0];
            const where = first.stmt === stmt ? 'by this statement' : `by ${statementLabel(first.stmt)} at line ${ctx.file.source.position(first.stmt.start).line}`;
            ctx.report({
              stmt,
              message:
                `This transaction takes a second ACCESS EXCLUSIVE lock, on "${lock.table}", while it still holds the one on "${first.lock.table}" (taken ${where}): ` +
                `every query on "${first.lock.table}" stays blocked while this statement waits for "${lock.table}", and a session locking them in the opposite order deadlocks. Change one table per transaction`,
              lock,
            });
            reported = true;
          }
          held.add(key, lock, stmt);
        }
      },
    };
  },
});
