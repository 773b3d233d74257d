import { defineRule } from '../src/engine/types.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import { txControl } from '../src/analysis/transactions.js';
import { openingBegin } from '../src/analysis/tx-origin.js';

export default defineRule({
  id: 'no-transaction-nesting',
  severity: 'error',
  preset: 'recommended',
  category: 'transactions',
  docs: {
    summary: 'BEGIN inside a transaction that is already open (an earlier BEGIN, or the migration runner\'s own transaction)',
    why:
      'PostgreSQL has no nested transactions: a BEGIN inside an open transaction only emits "WARNING: there is already a transaction in progress". ' +
      'The first COMMIT then commits the outer transaction early, so the statements after it run in autocommit: a failure there leaves the migration half applied, the runner\'s rollback no longer covers it, ' +
      'and a later COMMIT warns that no transaction is in progress. With a runner that wraps each migration in a transaction (transaction mode "file"/"all"), an explicit BEGIN/COMMIT pair in the file breaks the runner\'s atomicity.',
    fix:
      'Use one transaction: drop the inner BEGIN/COMMIT, or use SAVEPOINT for a partial rollback. If the runner wraps the file, remove BEGIN/COMMIT from the file, or opt the migration out of the runner\'s transaction and keep your own:\n\n' +
      'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nSAVEPOINT before_backfill;\nUPDATE users SET plan = \'free\' WHERE id = 1;\nRELEASE SAVEPOINT before_backfill;\nCOMMIT;',
    example: {
      bad: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nBEGIN;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT;\nCOMMIT;',
      good: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nALTER TABLE accounts ADD COLUMN plan text;\nCOMMIT;',
    },
  },
  create: (ctx) => {
    const lineOf = (s: Statement): number => ctx.file.source.position(s.start).line;
    /** the first COMMIT/ROLLBACK after a statement: where the outer transaction really ends */
    const nextEnd = (s: Statement): Statement | undefined => ctx.statements.slice(s.index + 1).find((x) => txControl(x) === 'commit' || txControl(x) === 'rollback');
    return {
      TransactionStmt(_node, stmt) {
        if (stmt.parent || txControl(stmt) !== 'begin' || !ctx.tx(stmt).nested) return;
        const word = stmt.body?.kind === 'TRANS_STMT_START' ? 'START TRANSACTION' : 'BEGIN';
        const end = nextEnd(stmt);
        const endWord = end ? `${end.body?.kind === 'TRANS_STMT_ROLLBACK' ? 'ROLLBACK' : 'COMMIT'} at line ${lineOf(end)}` : 'the next COMMIT';
        const tx = ctx.tx(stmt);
        let outer: string;
        if (tx.explicit) {
          const begin = openingBegin(ctx, stmt);
          outer = begin ? `The transaction opened by ${begin.body?.kind === 'TRANS_STMT_START' ? 'START TRANSACTION' : 'BEGIN'} at line ${lineOf(begin)} is still open.` : 'A transaction opened earlier in the file is still open.';
        } else {
          outer = `The migration runner already wraps this file in a transaction (transaction mode "${ctx.transactionMode}").`;
        }
        ctx.report({
          stmt,
          message:
            `${word} inside an open transaction does not nest: the ${endWord} ends the outer one.\n` +
            `${outer}\n` +
            `PostgreSQL does not nest transactions: this ${word} only warns, and what follows the ${endWord.replace(/ at line \d+$/, '')}\n` +
            `runs outside the outer transaction, no longer rolled back with it. Use SAVEPOINT for a nested step.`,
          lock: null,
        });
      },
    };
  },
});
