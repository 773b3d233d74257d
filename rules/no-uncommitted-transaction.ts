import { defineRule } from '../src/engine/types.js';
import { modelTransactions } from '../src/analysis/transactions.js';

export default defineRule({
  id: 'no-uncommitted-transaction',
  severity: 'error',
  preset: 'recommended',
  category: 'transactions',
  docs: {
    summary: 'a BEGIN that no COMMIT or ROLLBACK closes before the end of the file',
    why:
      'A transaction left open at the end of a migration is either rolled back when the connection closes (the migration silently does nothing, yet the runner records it as applied) ' +
      'or, on a pooled or reused connection, stays open: it keeps holding every lock it took, ACCESS EXCLUSIVE included, and blocks the tables it touched until someone kills the session. ' +
      'The next migration on that connection then runs inside it too.',
    fix:
      'Close the transaction in the same file:\n\nBEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n\n' +
      'The autofix appends COMMIT; after the last statement (keeping the file\'s line endings). Files whose runner wraps them in a transaction (transaction mode "file"/"all") are not flagged here: the runner\'s COMMIT closes it (an explicit BEGIN there is no-transaction-nesting).',
    example: {
      bad: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;',
      good: 'BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;',
    },
  },
  fixable: true,
  create: (ctx) => ({
    'File:exit'() {
      // under the runner's own transaction (file/all) its COMMIT closes the block; autocommit and
      // PostgreSQL's implicit block (a multi-statement query) leave an explicit BEGIN open
      if (ctx.transactionMode !== 'none' && ctx.transactionMode !== 'implicit') return;
      const open = modelTransactions(ctx.statements, ctx.transactionMode).unclosedBegin;
      if (open === null) return;
      const begin = ctx.statements[open];
      const text = ctx.file.source.text;
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const tokens = ctx.file.tokens;
      const last = tokens[tokens.length - 1];
      // after the last statement's `;` (before trailing comments); add the `;` when it is missing
      const at = last ? last.end : text.length;
      const semi = last && last.text !== ';' ? ';' : '';
      const fix = { range: [at, at] as [number, number], text: `${semi}${eol}COMMIT;` };
      const word = begin.body?.kind === 'TRANS_STMT_START' ? 'START TRANSACTION' : 'BEGIN';
      const stmtCount = ctx.statements.length - open - 1;
      ctx.report({
        stmt: begin,
        message:
          `${word} at line ${ctx.file.source.position(begin.start).line} is never closed: no COMMIT or ROLLBACK follows it in this file.\n` +
          `Its work (${stmtCount} statement${stmtCount === 1 ? '' : 's'}) is rolled back when the connection closes,\n` +
          `or left in an open transaction that keeps holding its locks.\nEnd the file with COMMIT;`,
        lock: null,
        fix,
      });
    },
  }),
});
