import { defineRule } from '../src/engine/types.js';
import { concurrentOp } from '../src/analysis/concurrent-ops.js';
import { describeTransactionOrigin } from '../src/analysis/tx-origin.js';
import { txControl } from '../src/analysis/transactions.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import type { Edit, RuleContext } from '../src/engine/types.js';

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
      'Drop any BEGIN/COMMIT around it, and do not wrap it in a DO block. `godwit lint --fix` drops them when the block holds ' +
      'nothing else (session SETs aside) and the file is not wrapped by its runner (transaction mode none, or implicit when the ' +
      'statement is then alone in the file).\n\n' +
      '-- migration 0042_orders_customer_idx.sql (no transaction)\n' +
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);',
    example: {
      bad: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCOMMIT;',
      good: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
    },
  },
  fixable: true,
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
          `${op.stmtType.replace(' ... ', ' … ')} on "${op.target}" fails here: it cannot run in ${inTx ? 'a transaction' : 'a DO block'}.\n` +
          `It runs ${where}.\nPostgreSQL stops with "${error}".\n` +
          `Run it in its own migration, outside any transaction.`,
        lock: null,
        fix: inTx && !stmt.parent ? unwrapFix(ctx, stmt) : undefined,
      });
    },
  }),
});

/**
 * Remove the BEGIN and COMMIT around the statement, when that takes it out of every transaction
 * and changes nothing else: the explicit block holds only CONCURRENTLY operations PostgreSQL
 * refuses in a transaction (and session-level SETs, which outlive the block anyway), it ends with
 * a plain COMMIT, and nothing else wraps the file — transaction mode `none`, or `implicit` when
 * the file is BEGIN, the statement and COMMIT (a multi-statement query string is one implicit
 * transaction; a single statement runs on its own).
 */
function unwrapFix(ctx: RuleContext, stmt: Statement): Edit[] | undefined {
  const mode = ctx.transactionMode;
  if (mode !== 'none' && mode !== 'implicit') return undefined;
  const info = ctx.tx(stmt);
  if (!info.explicit || info.id === null) return undefined;
  const block = ctx.statements.filter((s) => ctx.tx(s).id === info.id);
  const begin = block[0];
  const commit = block[block.length - 1];
  if (block.length < 3 || txControl(begin) !== 'begin' || ctx.tx(begin).nested) return undefined;
  if (commit.kind !== 'TransactionStmt' || commit.body.kind !== 'TRANS_STMT_COMMIT' || commit.body.chain || ctx.tx(commit).closes !== info.id) return undefined;
  if (!block.slice(1, -1).every((s) => concurrentOp(s)?.noTransactionBlock || isSessionSet(s))) return undefined;
  if (mode === 'implicit' && ctx.statements.length !== 3) return undefined;
  return [removal(ctx, begin), removal(ctx, commit)];
}

/** SET / RESET of a session setting (not SET LOCAL, which does nothing outside a block, nor SET TRANSACTION) */
function isSessionSet(s: Statement): boolean {
  if (s.kind !== 'VariableSetStmt' || s.body.is_local || !s.body.name) return false;
  if (String(s.body.name).startsWith('transaction')) return false;
  return ['VAR_SET_VALUE', 'VAR_SET_DEFAULT', 'VAR_SET_CURRENT', 'VAR_RESET'].includes(s.body.kind);
}

/** Delete a statement with its `;`: its whole line when nothing else is on it, else just it and the blanks beside it. */
function removal(ctx: RuleContext, s: Statement): Edit {
  const text = ctx.file.source.text;
  const tokens = ctx.file.tokens;
  const next = tokens.find((t) => t.start >= s.end);
  const start = s.start;
  const end = next && next.text === ';' ? next.end : s.end;
  const blank = (c: string): boolean => c === ' ' || c === '\t';
  let lineStart = start;
  while (lineStart > 0 && blank(text[lineStart - 1])) lineStart--;
  let after = end;
  while (after < text.length && blank(text[after])) after++;
  const aloneBefore = lineStart === 0 || text[lineStart - 1] === '\n';
  const eol = text.startsWith('\r\n', after) ? 2 : text[after] === '\n' ? 1 : after === text.length ? 0 : -1;
  if (aloneBefore && eol >= 0) return { range: [lineStart, after + eol], text: '' };
  if (eol >= 0) return { range: [lineStart, end], text: '' }; // last on its line: take the blanks before it
  return { range: [start, after], text: '' };
}
