import { defineRule } from '../src/engine/types.js';
import { HeldLocks, lockedByIndexName, lockScope } from '../src/analysis/lock-scope.js';
import { statementLabel } from '../src/analysis/statement-labels.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

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
            if (before.every((h) => h.stmt === stmt) && stmt.kind !== 'LockStmt') {
              // one statement takes both locks (a foreign key's triggers live on both tables):
              // it cannot be split; alone in its transaction with a lock_timeout is all there is to do
              if (!ctx.isSet('lock_timeout')) {
                ctx.report({
                  stmt,
                  message:
                    `${statementLabel(stmt)} locks "${first.lock.table}" and "${lock.table}" ACCESS EXCLUSIVE by itself, with no lock_timeout.\n` +
                    `${whyBoth(stmt)}, so the statement cannot be split.\n` +
                    `While it waits for "${lock.table}", every query on "${first.lock.table}" waits; a session locking them in the opposite order deadlocks.\n` +
                    `Run it alone in its transaction, after SET lock_timeout = '2s';, and retry when it times out.`,
                  lock,
                });
                reported = true;
              }
            } else {
              const where = first.stmt === stmt ? 'by this statement' : `by ${statementLabel(first.stmt)} at line ${ctx.file.source.position(first.stmt.start).line}`;
              ctx.report({
                stmt,
                message:
                  `Second ACCESS EXCLUSIVE lock in this transaction, on "${lock.table}", while "${first.lock.table}" is still locked.\n` +
                  `"${first.lock.table}" was locked ${where}: every query on it waits while this statement waits for "${lock.table}".\n` +
                  `A session locking them in the opposite order deadlocks.\n` +
                  `Change one table per transaction (COMMIT between them, or split the migration).`,
                lock,
              });
              reported = true;
            }
          }
          held.add(key, lock, stmt);
        }
      },
    };
  },
});

/** Why one statement locks two tables. */
function whyBoth(stmt: Statement): string {
  const cmds: any[] = stmt.kind === 'AlterTableStmt' ? (stmt.body?.cmds ?? []).map((c: any) => c.AlterTableCmd?.subtype) : [];
  if (cmds.includes('AT_DropConstraint')) return "Dropping a foreign key removes its triggers from both tables";
  if (cmds.includes('AT_DropColumn')) return "Dropping a column with a foreign key removes the key's triggers from both tables";
  if (stmt.kind === 'DropStmt') return "Dropping a table with foreign keys removes their triggers from the other tables";
  if (stmt.kind === 'TruncateStmt') return 'TRUNCATE … CASCADE truncates every referencing table too';
  return 'One statement takes both locks';
}
