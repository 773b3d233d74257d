import { defineRule } from '../src/engine/types.js';
import { lockSentence, modeNote } from '../src/analysis/lock-types.js';
import { displayName, nameListToRange } from '../src/analysis/names.js';
import { describeMysqlLock, displayMysqlName } from '../src/dialects/mysql/locks.js';
import type { MysqlName } from '../src/dialects/mysql/types.js';

export default defineRule({
  id: 'no-drop-table',
  severity: 'warn',
  preset: 'recommended',
  category: 'breaking',
  docs: {
    summary: 'DROP TABLE on an existing table: irreversible, and breaks any deployed code that still uses it',
    why:
      'DROP TABLE takes an ACCESS EXCLUSIVE lock (it waits for every running query on the table, and everything queued behind it waits too), deletes the data irrevocably (only a backup restores it), ' +
      'and every deployed query that still names the table fails with "relation does not exist". CASCADE silently drops the views and foreign keys of other tables that depend on it.',
    fix:
      'Contract phase checklist: (1) release code that no longer uses the table; (2) confirm nothing queries it (pg_stat_user_tables: seq_scan/idx_scan and n_tup_ins/upd/del stop growing; pg_stat_statements); ' +
      '(3) optionally rename it first and wait a release, so a forgotten reader fails loudly but reversibly; (4) drop it with a suppression naming the release:\n\n' +
      'ALTER TABLE legacy_events RENAME TO legacy_events_deprecated;  -- reversible\n' +
      '-- a release later:\n' +
      '-- godwit-ignore no-drop-table -- unused since v41, pg_stat_user_tables clean\n' +
      'DROP TABLE legacy_events_deprecated;',
    example: {
      bad: 'DROP TABLE legacy_events;',
      good: '-- godwit-ignore no-drop-table -- unused since v41, pg_stat_user_tables clean\nDROP TABLE legacy_events;',
    },
  },
  create: (ctx) => ({
    DropStmt(node, stmt) {
      if (node.removeType !== 'OBJECT_TABLE') return;
      const locks = ctx.locksOf(stmt);
      for (const o of node.objects ?? []) {
        const items = o?.List?.items;
        if (!items) continue;
        const rel = nameListToRange(items);
        if (ctx.isNewTable(rel)) continue;
        const table = displayName(rel);
        const lock = locks.find((l) => l.table === table) ?? ctx.lockOf(stmt);
        ctx.report({
          stmt,
          message:
            `DROP TABLE of existing table "${table}" is irreversible${modeNote(lock)}.\n` +
            `Its data is gone, and every deployed query that still uses it fails` +
            (node.behavior === 'DROP_CASCADE' ? '.\nCASCADE also drops the views and foreign keys of other tables that depend on it.\n' : '.\n') +
            (lock ? `${lockSentence(lock)}\n` : '') +
            'Only in the contract phase: after the code stopped using it (check pg_stat_user_tables),\nwith a suppression naming that release.',
          lock,
          plan: 'drop-table',
        });
      }
    },
  }),
  mysql: (ctx) => ({
    DropTable(body: { tables: MysqlName[]; temporary: boolean }, stmt) {
      if (body.temporary) return;
      for (const t of body.tables) {
        if (ctx.isNewTable(t)) continue;
        const lock = ctx.locksOf(stmt).find((l) => l.table === displayMysqlName(t));
        ctx.report({
          stmt,
          range: [t.start, t.end],
          message:
            `Dropping existing table "${displayMysqlName(t)}" is irreversible: its data is gone and deployed queries of it fail.\n` +
            `${lock ? `${describeMysqlLock(lock)}. ` : ''}Only in the contract phase: after the code stopped using it (check performance_schema.table_io_waits_summary_by_table), ` +
            `ideally renamed first and left for a release, with a suppression naming that release.`,
          lock,
          plan: 'drop-table',
        });
      }
    },
  }),
});
