import { defineRule } from '../src/engine/types.js';
import { describeLock } from '../src/analysis/lock-types.js';
import { displayName } from '../src/analysis/names.js';
import { concurrentlyNeedsOwnMigration } from '../src/analysis/tx-origin.js';

export default defineRule({
  id: 'require-concurrent-index',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'CREATE INDEX without CONCURRENTLY blocks writes to the table for the whole build',
    why:
      'A plain CREATE INDEX takes a SHARE lock on the table: reads go on, but every INSERT, UPDATE and DELETE waits until the index is built, which on a large table takes minutes to hours.',
    fix:
      'Build the index with CONCURRENTLY, outside a transaction block. If the build fails it leaves an INVALID index: drop it with DROP INDEX CONCURRENTLY and retry.\n\n' +
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);',
    example: {
      bad: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
      good: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
    },
  },
  fixable: true,
  create: (ctx) => ({
    IndexStmt(node, stmt) {
      if (node.concurrent || ctx.isNewTable(node.relation)) return;
      const lock = ctx.lockOf(stmt);
      const index = ctx.findToken(stmt, 'index', undefined, node.relation); // (written before the table)
      // the fix is only offered where CONCURRENTLY can run: outside a transaction block
      const fix = index && !ctx.inTransaction(stmt) && !stmt.parent ? { range: [index.end, index.end] as [number, number], text: ' CONCURRENTLY' } : undefined;
      ctx.report({
        stmt,
        message:
          `CREATE ${node.unique ? 'UNIQUE ' : ''}INDEX without CONCURRENTLY blocks writes to existing table "${displayName(node.relation)}" (${lock?.mode ?? 'SHARE'}).\n` +
          `${lock ? describeLock(lock) : 'A SHARE lock blocks writes for as long as the build runs'}.\n` +
          `Use CREATE INDEX CONCURRENTLY, outside a transaction block.` +
          concurrentlyNeedsOwnMigration(ctx, stmt),
        fix,
        plan: 'create-index-concurrently',
      });
    },
  }),
});
