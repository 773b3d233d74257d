import { defineRule } from '../src/engine/types.js';
import { lockStrength, type Lock } from '../src/analysis/lock-types.js';
import { displayName } from '../src/analysis/names.js';
import { describeTransactionOrigin } from '../src/analysis/tx-origin.js';

export default defineRule({
  id: 'no-lock-table',
  severity: 'warn',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'LOCK TABLE on an existing table in a mode that blocks writes (SHARE or stronger; ACCESS EXCLUSIVE also blocks reads), held until COMMIT',
    why:
      'An explicit LOCK TABLE holds its lock until the transaction ends, not until the next statement: every statement after it in the migration runs while the table is locked. ' +
      'ACCESS EXCLUSIVE (the mode of a plain `LOCK orders`) makes every query on the table wait, SELECTs included; EXCLUSIVE, SHARE ROW EXCLUSIVE and SHARE make every INSERT, UPDATE and DELETE wait. ' +
      'Taking it also waits behind every running query on the table, and while it waits every new query queues behind it. ' +
      'Outside a transaction block PostgreSQL refuses it ("LOCK TABLE can only be used in transaction blocks").',
    fix:
      'Lock only what the next statements need, in the weakest mode that protects them, in a short transaction of its own, with a lock_timeout (or NOWAIT) so it fails fast instead of stalling traffic:\n\n' +
      "SET lock_timeout = '2s';\nBEGIN;\nLOCK TABLE orders IN SHARE MODE;  -- blocks writes, not reads\nUPDATE order_totals SET total = (SELECT sum(amount) FROM orders);\nCOMMIT;\n\n" +
      'Most migrations need no explicit lock at all: the statements take their own.',
    example: {
      bad: 'BEGIN;\nLOCK TABLE orders IN ACCESS EXCLUSIVE MODE;\nUPDATE orders SET status = 1 WHERE id = 42;\nCOMMIT;',
      good: "SET lock_timeout = '2s';\nBEGIN;\nUPDATE orders SET status = 1 WHERE id = 42;\nCOMMIT;",
    },
  },
  create: (ctx) => ({
    LockStmt(node, stmt) {
      const locks = ctx.locksOf(stmt);
      for (const r of node.relations ?? []) {
        const rel = r.RangeVar;
        if (!rel || ctx.isNewTable(rel)) continue;
        const table = displayName(rel);
        const lock: Lock | undefined = locks.find((l) => l.table === table);
        if (!lock || lockStrength(lock.mode) < lockStrength('SHARE')) continue;
        const blocks = lock.mode === 'ACCESS EXCLUSIVE' ? 'every query on it' : 'every write to it';
        // PostgreSQL refuses LOCK outside a transaction block (RequireTransactionBlock); a DO block is inside one
        if (!ctx.inTransaction(stmt) && !stmt.parent) {
          ctx.report({
            stmt,
            node: rel,
            message:
              `LOCK TABLE "${table}" fails here: it runs outside a transaction block.\n` +
              'PostgreSQL stops with "LOCK TABLE can only be used in transaction blocks".\n' +
              `Inside a transaction, ${lock.mode} blocks ${blocks} until COMMIT: lock only what the next statements need,\n` +
              "in the weakest mode that protects them, after SET lock_timeout = '2s';.",
            lock,
          });
          continue;
        }
        const where = describeTransactionOrigin(ctx, stmt);
        ctx.report({
          stmt,
          node: rel,
          message:
            `LOCK TABLE "${table}" IN ${lock.mode} MODE blocks ${blocks} until COMMIT.\n` +
            `It blocks ${lock.blocks.includes('reads') ? 'reads, writes and DDL' : 'writes and DDL'} on "${table}" through every statement after it, until the transaction ends.\n` +
            (where ? `It runs ${where}.\n` : '') +
            (node.nowait ? 'NOWAIT makes it fail at once instead of queueing, but once taken it is held just as long.\n' : '') +
            "Lock only what the next statements need, in the weakest mode that protects them (SHARE blocks writes, not reads),\n" +
            "in a short transaction, after SET lock_timeout = '2s';.",
          lock,
        });
      }
    },
  }),
});
