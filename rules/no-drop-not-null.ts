import { lockSentence } from '../src/analysis/lock-types.js';
import { defineRule } from '../src/engine/types.js';
import { deployedColumnCmds, reportBreakingChange } from '../src/analysis/breaking-changes.js';

export default defineRule({
  id: 'no-drop-not-null',
  severity: 'warn',
  preset: 'strict',
  category: 'breaking',
  docs: {
    summary: 'ALTER COLUMN … DROP NOT NULL on an existing table: readers may assume the column is never null',
    why:
      'Dropping NOT NULL is instant (a brief ACCESS EXCLUSIVE lock), but it changes the contract every reader relies on: deployed code that maps the column to a non-optional field, ' +
      'queries written as `col NOT IN (…)`, `col = …` joins or aggregates, and downstream consumers (analytics, CDC, replicas into typed stores) start meeting NULLs they were never written to handle. ' +
      'Restoring NOT NULL later is expensive: a full scan under ACCESS EXCLUSIVE, and it fails once NULLs exist.',
    fix:
      'Make sure every reader handles NULL first (optional fields, COALESCE, IS [NOT] DISTINCT FROM), release that, then drop the constraint with a suppression saying so. ' +
      'If the goal is only to stop writing the column before dropping it, give it a default instead:\n\n' +
      "ALTER TABLE users ALTER COLUMN nickname SET DEFAULT '';",
    example: {
      bad: 'ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;',
      good: '-- godwit-ignore no-drop-not-null -- readers handle NULL since v41\nALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;',
    },
  },
  create: (ctx) => ({
    AlterTableStmt(node, stmt) {
      for (const cmd of deployedColumnCmds(ctx, node, stmt, 'AT_DropNotNull', ['OBJECT_TABLE'])) {
        reportBreakingChange(
          ctx,
          stmt,
          node.relation,
          (table, lock) =>
            `DROP NOT NULL on "${cmd.name}" of existing table "${table}": deployed code may get NULLs.\n` +
            `Code and queries that assume "${cmd.name}" is never null (non-optional fields, NOT IN, joins) start seeing NULLs,\n` +
            `and restoring NOT NULL later needs a full scan.` +
            (lock ? `\n${lockSentence(lock)}` : ''),
        );
      }
    },
  }),
});
