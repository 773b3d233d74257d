import { lockSentence, modeNote } from '../src/analysis/lock-types.js';
import { defineRule } from '../src/engine/types.js';
import { deployedColumnCmds, reportBreakingChange } from '../src/analysis/breaking-changes.js';
import { describeMysqlLock, displayMysqlName } from '../src/dialects/mysql/locks.js';
import type { AlterTableBody } from '../src/dialects/mysql/types.js';

export default defineRule({
  id: 'no-drop-column',
  severity: 'warn',
  preset: 'recommended',
  category: 'breaking',
  docs: {
    summary: 'DROP COLUMN on an existing table: only safe in the contract phase, once no deployed code reads the column',
    why:
      'Dropping a column is a quick catalog change (a brief ACCESS EXCLUSIVE lock; the space is reclaimed later), but it is irreversible and breaks every deployed query that names the column ("column does not exist"). ' +
      'ORMs that cache the table\'s column list (Rails, Django, Hibernate) fail on every INSERT and SELECT * mapping until they restart, even if no code uses the column any more.',
    fix:
      'Contract phase checklist: (1) release code that no longer reads or writes the column, and tell the ORM to ignore it (Rails: self.ignored_columns += ["legacy_name"]); ' +
      '(2) confirm nothing queries it any more, e.g. in pg_stat_statements; (3) drop it in a later migration, with a suppression naming the release:\n\n' +
      "SELECT query FROM pg_stat_statements WHERE query ILIKE '%legacy_name%';\n\n" +
      '-- godwit-ignore no-drop-column -- contract of the v42 rename, code stopped reading it in v41\n' +
      'ALTER TABLE users DROP COLUMN legacy_name;',
    example: {
      bad: 'ALTER TABLE users DROP COLUMN legacy_name;',
      good: '-- godwit-ignore no-drop-column -- unused since v41 (ignored_columns), pg_stat_statements clean\nALTER TABLE users DROP COLUMN legacy_name;',
    },
  },
  create: (ctx) => ({
    AlterTableStmt(node, stmt) {
      for (const cmd of deployedColumnCmds(ctx, node, stmt, 'AT_DropColumn', ['OBJECT_TABLE', 'OBJECT_FOREIGN_TABLE'])) {
        reportBreakingChange(
          ctx,
          stmt,
          node.relation,
          (table, lock) =>
            `DROP COLUMN "${cmd.name}" on existing table "${table}" is irreversible${modeNote(lock)}.\n` +
            `It breaks every deployed query that still names "${cmd.name}"` +
            (cmd.behavior === 'DROP_CASCADE' ? '.\nCASCADE also drops the views, indexes and constraints that use it.\n' : '.\n') +
            (lock ? `${lockSentence(lock)}\n` : '') +
            `Only in the contract phase: after the code stopped reading "${cmd.name}" (check pg_stat_statements),\nwith a suppression naming that release.`,
          'drop-column',
        );
      }
    },
  }),
  mysql: (ctx) => ({
    AlterTable(body: AlterTableBody, stmt) {
      if (ctx.isNewTable(body.table)) return;
      const table = displayMysqlName(body.table);
      const t = ctx.catalog.table(body.table);
      for (const op of body.ops) {
        if (op.kind !== 'drop-column' || t?.columns.get(op.column.toLowerCase())?.origin === 'file') continue;
        const lock = ctx.lockOf(stmt);
        ctx.report({
          stmt,
          range: [op.start, op.end],
          message:
            `Dropping column "${op.column}" of existing table "${table}" is irreversible, and breaks deployed code.\n` +
            `Its data is gone once the statement commits (DDL commits at once in MySQL)${lock ? `; ${describeMysqlLock(lock)}` : ''}. ` +
            `Only in the contract phase: after the code stopped reading "${op.column}" (check performance_schema.events_statements_summary_by_digest), with a suppression naming that release.`,
          plan: 'drop-column',
        });
      }
    },
  }),
});
