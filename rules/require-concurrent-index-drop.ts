import { defineRule } from '../src/engine/types.js';
import { describeLock, type Lock } from '../src/analysis/lock-types.js';
import { displayName, nameListToRange } from '../src/analysis/names.js';
import { concurrentlyNeedsOwnMigration } from '../src/analysis/tx-origin.js';

export default defineRule({
  id: 'require-concurrent-index-drop',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the indexed table',
    why:
      'A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table the index belongs to. The drop itself is quick, but the lock ' +
      'must wait for every running query on the table to finish, and while it waits every new query on the table (reads included) ' +
      'queues behind it: one long-running SELECT turns a "fast" DROP INDEX into an outage of the table.',
    fix:
      'Drop the index with CONCURRENTLY, one index per statement, outside a transaction block (it waits for running queries ' +
      'without blocking new ones). CONCURRENTLY cannot be combined with CASCADE, so an index that backs a UNIQUE or PRIMARY KEY ' +
      'constraint is dropped with ALTER TABLE … DROP CONSTRAINT instead.\n\n' +
      'DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;',
    example: {
      bad: 'DROP INDEX orders_customer_id_idx;',
      good: 'DROP INDEX CONCURRENTLY IF EXISTS orders_customer_id_idx;',
    },
  },
  fixable: true,
  create: (ctx) => ({
    DropStmt(node, stmt) {
      if (stmt.body !== node || node.removeType !== 'OBJECT_INDEX' || node.concurrent) return;
      const objects: any[] = node.objects ?? [];
      const locks = ctx.locksOf(stmt);
      const flagged: Array<{ name: string; lock?: Lock; table?: string }> = [];
      for (const o of objects) {
        const range = nameListToRange(o.List?.items);
        const idx = ctx.catalog.index(range);
        // an index on a table created earlier in this migration: no traffic to block
        if (idx && ctx.isNewTable(idx.table)) continue;
        const table = idx ? tableDisplay(idx.table) : undefined;
        const lock = table ? locks.find((l) => l.table === table) : undefined;
        flagged.push({ name: displayName(range), lock, table });
      }
      if (!flagged.length) return;

      const names = listed(flagged.map((f) => `"${f.name}"`));
      const parts: string[] = [];
      const queued: string[] = [];
      for (const f of flagged) {
        if (!f.lock || !f.table) continue;
        const text = describeLock(f.lock);
        if (!parts.includes(text)) parts.push(text);
        if (!queued.includes(`"${f.table}"`)) queued.push(`"${f.table}"`);
      }
      const unknown = flagged.filter((f) => !f.lock || !f.table).map((f) => `"${f.name}"`);
      if (unknown.length) {
        const which = unknown.length === flagged.length ? (unknown.length > 1 ? 'their tables' : 'its table') : `the table${unknown.length > 1 ? 's' : ''} of ${listed(unknown)}`;
        parts.push(`ACCESS EXCLUSIVE lock on ${which} blocks reads, writes and DDL briefly (catalog change only)`);
        queued.push(unknown.length > 1 ? 'those tables' : 'that table');
      }
      const message =
        `DROP INDEX without CONCURRENTLY locks ${unknown.length ? (flagged.length === 1 ? 'its table' : 'their tables') : listed(queued)} ACCESS EXCLUSIVE.\n` +
        `${parts.slice(0, 3).map((p) => `${p}.`).join('\n')}\n` +
        `While it waits for running queries, every new query on ${listed(queued)} queues behind it.` +
        (flagged.length === 1 ? `\nUse DROP INDEX CONCURRENTLY ${names.replace(/"/g, '')}.` : '') +
        concurrentlyNeedsOwnMigration(ctx, stmt);

      // CONCURRENTLY drops exactly one index, without CASCADE, outside a transaction block
      const token = ctx.findToken(stmt, 'index');
      const canFix =
        objects.length === 1 && node.behavior !== 'DROP_CASCADE' && !ctx.inTransaction(stmt) && !stmt.parent && !!token;
      ctx.report({
        stmt,
        message,
        lock: flagged[0].lock,
        fix: canFix ? { range: [token!.end, token!.end], text: ' CONCURRENTLY' } : undefined,
        plan: 'drop-index-concurrently',
      });
    },
  }),
});

/** A catalog key (`public.users`, `app.users`) as the lock facts name it. */
function tableDisplay(key: string): string {
  return key.startsWith('public.') ? key.slice('public.'.length) : key;
}

/** At most three names, then how many more. */
function listed(names: string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}
