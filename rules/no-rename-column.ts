import { lockSentence, modeNote } from '../src/analysis/lock-types.js';
import { defineRule } from '../src/engine/types.js';
import { columnAddedInFile } from '../src/analysis/added-columns.js';
import { RELATION_KINDS, reportBreakingChange } from '../src/analysis/breaking-changes.js';
import { describeMysqlLock, displayMysqlName } from '../src/dialects/mysql/locks.js';
import type { AlterTableBody } from '../src/dialects/mysql/types.js';

export default defineRule({
  id: 'no-rename-column',
  severity: 'error',
  preset: 'recommended',
  category: 'breaking',
  docs: {
    summary: 'RENAME COLUMN on an existing table breaks the application code that is already deployed',
    why:
      'The rename itself is instant (a brief ACCESS EXCLUSIVE lock on the table, which still queues behind long transactions and blocks everything queued after it), but the moment it commits, ' +
      'every running application server that still uses the old name fails: SELECTs, INSERTs and UPDATEs naming the column raise "column does not exist", ' +
      'and ORMs that list every column in their queries fail on every query of the table. Deploys are never atomic, so there is always a window where old code meets the new schema.',
    fix:
      'Expand and contract over several deploys: add the new column, keep both in sync with a trigger, backfill in batches, switch the application to the new column, and drop the old one in a later release.\n\n' +
      'ALTER TABLE users ADD COLUMN email_address text;\n' +
      'CREATE FUNCTION users_sync_email() RETURNS trigger LANGUAGE plpgsql AS $$\n' +
      'BEGIN NEW.email_address := COALESCE(NEW.email_address, NEW.email); NEW.email := COALESCE(NEW.email, NEW.email_address); RETURN NEW; END $$;\n' +
      'CREATE TRIGGER users_sync_email BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_sync_email();\n' +
      '-- backfill in batches: UPDATE users SET email_address = email WHERE id BETWEEN … AND … AND email_address IS NULL;\n' +
      '-- deploy code that reads and writes email_address, then, in a later migration:\n' +
      'DROP TRIGGER users_sync_email ON users;\n' +
      'ALTER TABLE users DROP COLUMN email;\n\n' +
      'pgroll automates this as a `rename_column` operation (old and new names served through views).',
    example: {
      bad: 'ALTER TABLE users RENAME COLUMN email TO email_address;',
      good: 'ALTER TABLE users ADD COLUMN email_address text;\n-- dual-write trigger, batched backfill, deploy, then drop users.email in a later release',
    },
  },
  create: (ctx) => ({
    RenameStmt(node, stmt) {
      if (node.renameType !== 'OBJECT_COLUMN') return;
      const kind = RELATION_KINDS[node.relationType];
      if (!kind || !node.relation || !node.subname) return;
      if (ctx.isNewTable(node.relation)) return;
      // a column added earlier in this migration is not read by deployed code yet
      if (columnAddedInFile(ctx.catalog, ctx.statements, stmt, node.relation, node.subname)) return;
      reportBreakingChange(
        ctx,
        stmt,
        node.relation,
        (table, lock) =>
          `RENAME COLUMN "${node.subname}" on existing ${kind} "${table}" breaks deployed code${modeNote(lock)}.\n` +
          `Code still reading or writing "${node.subname}" fails ("column does not exist") as soon as this commits.\n` +
          (lock ? `${lockSentence(lock)}\n` : '') +
          `Add "${node.newname}" alongside, dual-write, backfill, switch the code,\n` +
          `then drop "${node.subname}" in a later release (godwit plan writes the steps).`,
        'rename-column',
      );
    },
  }),
  mysql: (ctx) => ({
    AlterTable(body: AlterTableBody, stmt) {
      if (ctx.isNewTable(body.table)) return;
      const table = displayMysqlName(body.table);
      const t = ctx.catalog.table(body.table);
      for (const op of body.ops) {
        // RENAME COLUMN a TO b, or CHANGE a b <definition>
        const rename = op.kind === 'rename-column' ? { from: op.column, to: op.newName } : op.kind === 'modify-column' && op.newName ? { from: op.column, to: op.newName } : undefined;
        if (!rename || t?.columns.get(rename.from.toLowerCase())?.origin === 'file') continue;
        const lock = ctx.lockOf(stmt);
        ctx.report({
          stmt,
          range: [op.start, op.end],
          message:
            `RENAME COLUMN "${rename.from}" on existing table "${table}" breaks deployed code.\n` +
            `Code still naming "${rename.from}" fails ("Unknown column") as soon as the statement commits (DDL commits at once in MySQL)${lock ? `; ${describeMysqlLock(lock)}` : ''}. ` +
            `Add "${rename.to}" alongside, keep both in sync with triggers, backfill in batches, switch the code, then drop "${rename.from}" in a later release (godwit plan writes the phases).`,
          plan: 'rename-column',
        });
      }
    },
  }),
});
