import { defineRule } from '../src/engine/types.js';
import { describeLock } from '../src/analysis/lock-types.js';
import { displayName } from '../src/analysis/names.js';

export default defineRule({
  id: 'no-truncate',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'TRUNCATE of an existing table deletes every row under an ACCESS EXCLUSIVE lock',
    why:
      'TRUNCATE removes all rows at once, and the data cannot be recovered without a backup once the migration commits. It ' +
      'takes an ACCESS EXCLUSIVE lock on the table: it waits for every running query on it, and meanwhile every new query ' +
      '(reads included) queues behind it. With CASCADE it also empties, and locks, every table that references it by a ' +
      'foreign key, recursively, which is easy to overlook in review. TRUNCATE is not MVCC-safe either: concurrent ' +
      'transactions with an older snapshot see the table as empty.',
    fix:
      'Delete the rows you mean to delete in batches, outside the schema migration, so each batch holds its row locks only ' +
      'briefly; or, if emptying the table is intended (a cache or staging table), keep the TRUNCATE with a suppression that ' +
      'says why, and never use CASCADE without listing the tables it reaches.\n\n' +
      'DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < now() - interval \'90 days\' LIMIT 5000);  -- repeat until 0 rows\n' +
      '-- or, intended:\n' +
      '-- godwit-ignore no-truncate -- staging table, rebuilt nightly\n' +
      'TRUNCATE import_staging;',
    example: {
      bad: 'TRUNCATE events CASCADE;',
      good: "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < now() - interval '90 days' LIMIT 5000);",
    },
  },
  create: (ctx) => ({
    TruncateStmt(node, stmt) {
      const rels: any[] = (node.relations ?? []).map((r: any) => r.RangeVar).filter(Boolean);
      const existing = rels.filter((r) => !ctx.isNewTable(r));
      const cascade = node.behavior === 'DROP_CASCADE';
      if (!existing.length) return; // only tables created in this migration: nothing to lose
      const names = existing.map((r) => `"${displayName(r)}"`);
      const locks = ctx.locksOf(stmt);
      const lock = locks.find((l) => l.table === displayName(existing[0]));
      const lockText = lock
        ? describeLock(lock) + (existing.length > 1 ? `.\nThe same lock is taken on ${names.slice(1).join(', ')}` : '')
        : `ACCESS EXCLUSIVE lock on ${names.join(', ')} blocks reads, writes and DDL`;
      const queue = `\nWhile it waits for running queries, every new query on ${names.join(', ')} queues behind it.`;
      const cascadeText = cascade
        ? `\nCASCADE also empties and locks every table that references ${names.join(', ')}${rels.length > existing.length ? ' (or the other truncated tables)' : ''}\nby a foreign key, recursively.`
        : '';
      const restart = node.restart_seqs ? '\nRESTART IDENTITY also resets their sequences.' : '';
      ctx.report({
        stmt,
        message:
          `TRUNCATE of existing table${existing.length > 1 ? 's' : ''} ${names.length > 2 ? `${names.slice(0, 2).join(', ')} …` : names.join(', ')} deletes every row (ACCESS EXCLUSIVE).\n` +
          `Unrecoverable once committed.\n${lockText}.${queue}${cascadeText}${restart}\n` +
          `Delete in batches instead, or suppress with the reason (-- godwit-ignore no-truncate -- <why>).`,
        lock,
      });
    },
  }),
});
