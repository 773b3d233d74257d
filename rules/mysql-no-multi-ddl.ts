import { defineRule } from '../src/engine/types.js';
import type { MysqlStatement } from '../src/dialects/mysql/types.js';

/** statements that end the transaction implicitly (DDL) */
const DDL = new Set(['AlterTable', 'CreateTable', 'CreateIndex', 'DropIndex', 'DropTable', 'RenameTable', 'Truncate', 'CreateTrigger', 'DropTrigger']);

/** A DDL statement that runs again without failing when the migration is retried. */
function idempotent(stmt: MysqlStatement): boolean {
  return (stmt.kind === 'CreateTable' && stmt.body.ifNotExists) || (stmt.kind === 'DropTable' && stmt.body.ifExists);
}

export default defineRule({
  id: 'mysql-no-multi-ddl',
  severity: 'warn',
  preset: 'recommended',
  category: 'transactions',
  dialects: ['mysql'],
  docs: {
    summary: 'MySQL: more than one DDL statement in a migration file',
    why:
      'MySQL commits every DDL statement implicitly: a migration\'s transaction cannot hold two of them. When the second one fails (a lock wait timeout, a duplicate key found while building an index, a copy that runs out of disk), the first has already been applied, the runner marks the migration as failed (or dirty), and running it again fails on the first statement ("Duplicate column name", "Table already exists"). ' +
      'Someone then repairs the schema by hand, in production, under pressure.',
    fix:
      'One DDL statement per migration file, so each one is applied and recorded on its own; or make the later statements re-runnable (CREATE TABLE IF NOT EXISTS, DROP TABLE IF EXISTS):\n\n' +
      '-- 0042_add_orders_customer.sql\nALTER TABLE orders ADD COLUMN customer_id BIGINT NULL, ALGORITHM=INSTANT;\n' +
      '-- 0043_index_orders_customer.sql\nALTER TABLE orders ADD INDEX orders_customer_idx (customer_id), ALGORITHM=INPLACE, LOCK=NONE;',
    example: {
      bad: 'ALTER TABLE orders ADD COLUMN customer_id BIGINT NULL;\nALTER TABLE orders ADD INDEX orders_customer_idx (customer_id);',
      good: '-- one migration:\nALTER TABLE orders ADD COLUMN customer_id BIGINT NULL;\n-- the next migration:\nALTER TABLE orders ADD INDEX orders_customer_idx (customer_id);',
    },
  },
  create: () => ({}),
  mysql: (ctx) => {
    const ddl: MysqlStatement[] = [];
    return {
      Statement(stmt) {
        if (DDL.has(stmt.kind)) ddl.push(stmt);
      },
      'File:exit'() {
        if (ddl.length < 2) return;
        const second = ddl.slice(1).find((s) => !idempotent(s));
        if (!second) return;
        ctx.report({
          stmt: second,
          message:
            `This is DDL statement ${ddl.indexOf(second) + 1} of ${ddl.length} in one migration: MySQL commits each one on its own.\n` +
            `If it fails, ${ddl.indexOf(second) === 1 ? 'the statement before it stays' : `the ${ddl.indexOf(second)} statements before it stay`} applied and the migration cannot simply be run again. Put each DDL statement in a migration of its own, or make the later ones re-runnable (IF NOT EXISTS / IF EXISTS)`,
          lock: null,
        });
      },
    };
  },
});
