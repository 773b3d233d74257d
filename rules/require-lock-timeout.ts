import { defineRule } from '../src/engine/types.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import type { Lock } from '../src/analysis/lock-types.js';
import { lockStrength } from '../src/analysis/lock-types.js';
import { failsWhereItRuns } from '../src/analysis/concurrent-ops.js';
import { fileSetInsertion, trafficBlockingLock, waitsForOtherTransactions, setWouldWrap, settingClearedBefore } from '../src/analysis/timeouts.js';
import type { MysqlStatement } from '../src/dialects/mysql/types.js';
import type { MysqlLock } from '../src/analysis/lock-types.js';
import { describeMysqlLock } from '../src/dialects/mysql/locks.js';

const SET_LOCK_TIMEOUT = "SET lock_timeout = '2s'";

export default defineRule({
  id: 'require-lock-timeout',
  severity: 'warn',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'a statement that blocks reads or writes on an existing table runs without a lock_timeout',
    why:
      'A statement that needs a lock conflicting with traffic first waits for every transaction that holds a weaker lock on the table: one long-running query or an idle-in-transaction session is enough. ' +
      'While it waits in the lock queue, every new query on the table queues behind it, even plain SELECTs behind an ACCESS EXCLUSIVE request, so a catalog-only ALTER TABLE that would take milliseconds stalls the table until the blocker finishes. ' +
      'Without lock_timeout the migration waits forever and the application piles up connections.',
    fix:
      'Set a short lock_timeout at the top of the migration, so a blocked statement fails fast instead of stalling traffic, and retry the migration (ideally with backoff):\n\n' +
      "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n\n" +
      'The autofix inserts the SET before the first statement of the file (after leading comments), as a session setting: before a leading BEGIN rather than as SET LOCAL inside it, so it also covers statements after a COMMIT. ' +
      'It is not offered when the file also runs CONCURRENTLY operations (they wait for older transactions under lock_timeout and would fail, leaving an INVALID index): set the timeout before the blocking statements and `SET lock_timeout = 0` before the concurrent ones. ' +
      'Statements inside DO blocks count (they take the same locks); tables created earlier in the migration do not. Reported once per file, at the first statement that needs the timeout. ' +
      'If your migration runner already sets lock_timeout, declare it in the config (`lockTimeout: "runner"`).',
    example: {
      bad: 'ALTER TABLE users ADD COLUMN nickname text;',
      good: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;",
    },
  },
  fixable: true,
  create: (ctx) => {
    let first: { stmt: Statement; lock: Lock } | undefined;
    let concurrent = false;
    return {
      Statement(stmt) {
        if (waitsForOtherTransactions(stmt)) concurrent = true;
        if (first || ctx.isSet('lock_timeout') || failsWhereItRuns(stmt, ctx.inTransaction(stmt), ctx.pgVersion)) return;
        const lock = trafficBlockingLock(stmt, ctx.locksOf(stmt), (t) => ctx.isNewTable(t), ctx.catalog);
        if (lock) first = { stmt, lock };
      },
      'File:exit'() {
        if (!first) return;
        const { stmt, lock } = first;
        const ins = fileSetInsertion(ctx.statements, ctx.file.source.text);
        const strength = lockStrength(lock.mode);
        const queue =
          lock.mode === 'ACCESS EXCLUSIVE'
            ? `While it waits for that lock, every query on "${lock.table}" (even SELECTs) queues behind it.`
            : strength >= lockStrength('SHARE')
              ? `While it waits for that lock, every write to "${lock.table}" queues behind it.`
              : `It can wait indefinitely on rows that application transactions hold, keeping the rows it changed locked.`;
        ctx.report({
          stmt,
          message:
            `No lock_timeout before this ${lock.mode} lock on "${lock.table}".\n` +
            `${queue}\n` +
            `Add ${SET_LOCK_TIMEOUT}; at the top of the migration so it fails fast instead of stalling traffic, and retry.`,
          lock,
          fix: concurrent || setWouldWrap(ctx.statements, ctx.transactionMode, ctx.pgVersion) || settingClearedBefore(ctx.statements, stmt, 'lock_timeout')
            ? undefined
            : { range: [ins.at, ins.at], text: ins.text(SET_LOCK_TIMEOUT) },
        });
      },
    };
  },
  mysql: (ctx) => {
    let first: { stmt: MysqlStatement; lock: MysqlLock } | undefined;
    return {
      Statement(stmt) {
        if (first || ctx.setting('lock_wait_timeout') !== undefined) return;
        // every DDL statement takes an exclusive metadata lock, if only for an instant; DML waits on rows (innodb_lock_wait_timeout)
        const lock = ctx.locksOf(stmt).find((l) => l.mode !== 'ROW LOCKS' && !ctx.isNewTable(l.table));
        if (lock) first = { stmt, lock };
      },
      'File:exit'() {
        if (!first) return;
        const { stmt, lock } = first;
        const at = ctx.statements[0]?.start ?? 0;
        const eol = ctx.file.source.text.includes('\r\n') ? '\r\n' : '\n';
        ctx.report({
          stmt,
          message:
            `No lock_wait_timeout before this metadata lock on "${lock.table}", which can queue all traffic.\n` +
            `It needs an exclusive metadata lock (${describeMysqlLock(lock)}); while it waits for a long-running query or an open transaction to finish, every new query on "${lock.table}" queues behind it, and lock_wait_timeout defaults to a year. ` +
            `Add SET SESSION lock_wait_timeout = 5; at the top of the migration so it fails fast instead, and retry.`,
          lock,
          fix: { range: [at, at], text: `SET SESSION lock_wait_timeout = 5;${eol}` },
        });
      },
    };
  },
});
