import { defineRule } from '../src/engine/types.js';
import { concurrentOp } from '../src/analysis/concurrent-ops.js';
import { describeTransactionOrigin } from '../src/analysis/tx-origin.js';

export default defineRule({
  id: 'no-concurrently-in-transaction',
  severity: 'error',
  preset: 'recommended',
  category: 'transactions',
  docs: {
    summary: 'a CONCURRENTLY operation inside a transaction block or a DO block fails at run time',
    why:
      'CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY and ALTER TABLE … DETACH PARTITION … ' +
      'CONCURRENTLY commit several transactions of their own internally, so PostgreSQL refuses them inside a transaction block ' +
      '("CREATE INDEX CONCURRENTLY cannot run inside a transaction block") and inside a function or DO block ("… cannot be ' +
      'executed from a function"). The transaction may come from an explicit BEGIN in the file, or from the migration runner, ' +
      'which often wraps each file (or every pending migration) in one transaction, or sends a multi-statement file as one ' +
      'query string, which PostgreSQL also runs as one implicit transaction. The migration then fails in production, usually ' +
      'after the earlier statements of the file have been rolled back. (REFRESH MATERIALIZED VIEW CONCURRENTLY is not ' +
      'affected: it may run in a transaction.)',
    fix:
      "Move the statement into its own migration that runs outside a transaction, using the runner's opt-out:\n" +
      '- Rails: `disable_ddl_transaction!`; Django: `atomic = False` on the Migration class\n' +
      '- Knex: `exports.config = { transaction: false }`; TypeORM: `transaction = false` on the migration class (transaction mode "each"); ' +
      'Kysely: `disableTransactions: true` on the Migrator (kysely-ctl `--no-transaction`); node-pg-migrate: `pgm.noTransaction()`\n' +
      '- goose: `-- +goose NO TRANSACTION`; dbmate: `-- migrate:up transaction:false`; sqlx: `-- no-transaction` on the first line; ' +
      'Flyway: `executeInTransaction=false` in the script config; Alembic: `with op.get_context().autocommit_block():`\n' +
      '- golang-migrate and Prisma send a multi-statement file as one implicit transaction: put the statement alone in its own ' +
      'migration file; Drizzle has no per-migration opt-out: run it outside drizzle-kit migrate.\n' +
      'Drop any BEGIN/COMMIT around it, and do not wrap it in a DO block.\n\n' +
      '-- migration 0042_orders_customer_idx.sql (no transaction)\n' +
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);',
    example: {
      bad: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCOMMIT;',
      good: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
    },
  },
  create: (ctx) => ({
    Statement(stmt) {
      const op = concurrentOp(stmt);
      if (!op?.noTransactionBlock) return;
      const inTx = ctx.inTransaction(stmt);
      if (!inTx && !stmt.parent) return;
      const where = describeTransactionOrigin(ctx, stmt) ?? 'inside a transaction block';
      // PostgreSQL checks for a transaction block first, then for a function/DO context
      const error = inTx ? `${op.stmtType} cannot run inside a transaction block` : `${op.stmtType} cannot be executed from a function`;
      ctx.report({
        stmt,
        message:
          `${op.stmtType.replace(' ... ', ' … ')} on "${op.target}" ${where}: it fails at run time with "${error}"; ` +
          `run it in its own migration outside any transaction`,
        lock: null,
      });
    },
  }),
});
