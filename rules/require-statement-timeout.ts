import { defineRule } from '../src/engine/types.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import type { Lock } from '../src/analysis/lock-types.js';
import type { Duration } from '../src/analysis/lock-types.js';
import { failsWhereItRuns } from '../src/analysis/concurrent-ops.js';

const DURATION_WORD: Record<Duration, string> = { instant: 'statement', scan: 'full scan', rewrite: 'table rewrite', long: 'long operation' };
import { fileSetInsertion, longButNonBlocking, trafficBlockingLock, setWouldWrap, settingClearedBefore } from '../src/analysis/timeouts.js';

/**
 * 5 minutes: long enough for the catalog changes and small-table work a migration legitimately
 * does, short enough that a statement stuck rewriting or scanning a big table under a lock that
 * blocks traffic is cancelled before it turns into a long outage.
 */
const SET_STATEMENT_TIMEOUT = "SET statement_timeout = '5min'";

export default defineRule({
  id: 'require-statement-timeout',
  severity: 'warn',
  preset: 'strict',
  category: 'locks',
  docs: {
    summary: 'a statement that scans, rewrites or backfills an existing table under a lock that blocks traffic runs without a statement_timeout',
    why:
      'A table rewrite, validation scan, index build or unbatched backfill holds its lock for as long as it runs, and how long that is depends on the table size in production, not in development. ' +
      'Without statement_timeout nothing stops it: reads or writes on the table are blocked for minutes or hours, and cancelling it by hand rolls back all the work anyway.',
    fix:
      'Cap the statements of the migration with a statement_timeout, so a slow lock-holding statement is cancelled instead of blocking traffic indefinitely:\n\n' +
      "SET statement_timeout = '5min';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n\n" +
      'The autofix inserts `SET statement_timeout = \'5min\';` before the first statement of the file (a session setting; before a leading BEGIN). ' +
      'Five minutes of blocked traffic is already an incident: lower it for hot tables, and prefer the non-blocking alternative of the statement (CONCURRENTLY, NOT VALID + VALIDATE, batched backfill). ' +
      'The fix is not offered when the file also runs long statements that block no traffic (CONCURRENTLY builds, VALIDATE CONSTRAINT, batched DO loops): the timeout would cancel them; set it only around the blocking statements there, and `SET statement_timeout = 0` before the long ones.',
    example: {
      bad: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      good: "SET statement_timeout = '5min';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    },
  },
  fixable: true,
  create: (ctx) => {
    let first: { stmt: Statement; lock: Lock } | undefined;
    let longNonBlocking = false;
    return {
      Statement(stmt) {
        const locks = ctx.locksOf(stmt);
        if (longButNonBlocking(stmt, locks)) longNonBlocking = true;
        if (first || ctx.isSet('statement_timeout') || failsWhereItRuns(stmt, ctx.inTransaction(stmt), ctx.pgVersion)) return;
        const lock = trafficBlockingLock(
          stmt,
          locks.filter((l) => l.duration !== 'instant'),
          (t) => ctx.isNewTable(t),
          ctx.catalog,
        );
        if (lock) first = { stmt, lock };
      },
      'File:exit'() {
        if (!first) return;
        const { stmt, lock } = first;
        const ins = fileSetInsertion(ctx.statements, ctx.file.source.text);
        ctx.report({
          stmt,
          message:
            `No statement_timeout before this ${DURATION_WORD[lock.duration]} under ${lock.mode} on "${lock.table}".\n` +
            `Nothing bounds how long it runs, and on a large production table that is minutes to hours of blocked ${lock.blocks.includes('reads') ? 'reads and writes' : 'writes'}.\n` +
            `Add ${SET_STATEMENT_TIMEOUT}; at the top of the migration so a slow run is cancelled instead.`,
          lock,
          fix: longNonBlocking || setWouldWrap(ctx.statements, ctx.transactionMode, ctx.pgVersion) || settingClearedBefore(ctx.statements, stmt, 'statement_timeout')
            ? undefined
            : { range: [ins.at, ins.at], text: ins.text(SET_STATEMENT_TIMEOUT) },
        });
      },
    };
  },
});
