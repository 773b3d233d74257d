/**
 * Where the transaction around a statement comes from, in words for messages: an explicit
 * BEGIN in the file, the migration runner's wrapping (`--transaction file|all`), PostgreSQL's
 * implicit block around a multi-statement query (`implicit`), or a DO
 * block (which runs as one statement, so its body is never at top level).
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { RuleContext } from '../engine/types.js';
import { txControl } from './transactions.js';

/** The top-level BEGIN that opened the statement's explicit transaction block, if any. */
export function openingBegin(ctx: RuleContext, stmt: Statement): Statement | undefined {
  const tx = ctx.tx(stmt);
  if (!tx.inTransaction || !tx.explicit || tx.id === null) return undefined;
  const top = stmt.parent ?? stmt;
  for (let i = top.index - 1; i >= 0; i--) {
    const s = ctx.statements[i];
    if (txControl(s) === 'begin' && ctx.tx(s).id === tx.id && !ctx.tx(s).nested) return s;
  }
  return undefined;
}

/**
 * "inside the transaction block opened by BEGIN on line 3", "inside the transaction the
 * migration runner wraps around the file (transaction mode \"file\")", "inside a DO block";
 * undefined when the statement runs at top level in autocommit.
 */
export function describeTransactionOrigin(ctx: RuleContext, stmt: Statement): string | undefined {
  const tx = ctx.tx(stmt);
  const doBlock = stmt.parent ? 'inside a DO block' : '';
  if (!tx.inTransaction) return doBlock || undefined;
  let where: string;
  if (tx.explicit) {
    const begin = openingBegin(ctx, stmt);
    where = begin ? `inside the transaction block opened by ${beginWord(begin)} on line ${ctx.file.source.position(begin.start).line}` : 'inside a transaction block';
  } else {
    where = tx.origin ?? (
      ctx.transactionMode === 'all'
        ? 'inside the transaction the runner wraps around all pending migrations (transaction mode "all")'
        : ctx.transactionMode === 'implicit'
          ? 'inside the implicit transaction of a multi-statement query (the runner sends the file as one query)'
          : 'inside the transaction the runner wraps around the file (transaction mode "file")');
  }
  return doBlock ? `${doBlock}, ${where}` : where;
}

function beginWord(begin: Statement): string {
  return begin.body?.kind === 'TRANS_STMT_START' ? 'START TRANSACTION' : 'BEGIN';
}

/**
 * For rules that recommend a CONCURRENTLY form PostgreSQL refuses in a transaction block or a
 * DO block: detail lines saying the statement must move out first ('' at top level in autocommit).
 */
export function concurrentlyNeedsOwnMigration(ctx: RuleContext, stmt: Statement): string {
  const where = ctx.inTransaction(stmt) || stmt.parent ? describeTransactionOrigin(ctx, stmt) : undefined;
  return where ? `\nIt runs ${where}:\nCONCURRENTLY is refused there, so move it to its own migration, outside a transaction.` : '';
}
