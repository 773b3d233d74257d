import { lockSentence, modeNote, type Lock } from '../src/analysis/lock-types.js';
import { defineRule } from '../src/engine/types.js';
import type { RangeVarLike } from '../src/analysis/names.js';
import { RELATION_KINDS, reportBreakingChange } from '../src/analysis/breaking-changes.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import { describeMysqlLock, displayMysqlName } from '../src/dialects/mysql/locks.js';
import type { AlterTableBody, MysqlName, MysqlStatement, RenameTableBody } from '../src/dialects/mysql/types.js';

export default defineRule({
  id: 'no-rename-table',
  severity: 'error',
  preset: 'recommended',
  category: 'breaking',
  docs: {
    summary: 'RENAME TO (or SET SCHEMA) on an existing table breaks the application code that is already deployed',
    why:
      'The rename is a catalog change under a brief ACCESS EXCLUSIVE lock (it still queues behind long transactions and blocks everything queued after it), but as soon as it commits every application server still running the old code fails on every query of the table with "relation does not exist". ' +
      'Deploys are never atomic, so old code always meets the new name for a while. Moving the table to another schema with SET SCHEMA breaks it the same way.',
    fix:
      'Rename the table and, in the same transaction, leave an updatable view under the old name; drop the view once no deployed code uses it (a simple single-table view is automatically updatable).\n\n' +
      'BEGIN;\n' +
      'ALTER TABLE users RENAME TO accounts;\n' +
      'CREATE VIEW users AS SELECT * FROM accounts;\n' +
      'COMMIT;\n' +
      '-- after every deployed version uses "accounts":\n' +
      'DROP VIEW users;\n\n' +
      'godwit does not report a rename that is followed, in the same transaction, by CREATE VIEW under the old name. pgroll does the same with versioned schemas of views.',
    example: {
      bad: 'ALTER TABLE users RENAME TO accounts;',
      good: 'BEGIN;\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;',
    },
  },
  create: (ctx) => {
    /** a view created under the old name later in the same transaction keeps old code working */
    const viewKeepsOldName = (stmt: Statement, old: RangeVarLike): boolean => {
      const top = stmt.parent ?? stmt;
      const tx = ctx.tx(top);
      if (!tx.inTransaction || tx.id === null) return false;
      const key = ctx.catalog.key(old);
      return ctx.statements.some(
        (s) => s.index > top.index && s.kind === 'ViewStmt' && ctx.tx(s).inTransaction && ctx.tx(s).id === tx.id && s.body.view && ctx.catalog.key(s.body.view) === key,
      );
    };
    /** report the rename or move of an existing relation, unless a view keeps its old name working */
    const check = (stmt: Statement, rel: RangeVarLike | undefined, message: (table: string, lock: Lock | undefined) => string): void => {
      if (!rel || ctx.isNewTable(rel) || viewKeepsOldName(stmt, rel)) return;
      reportBreakingChange(ctx, stmt, rel, message, 'rename-table');
    };
    return {
      RenameStmt(node, stmt) {
        const kind = RELATION_KINDS[node.renameType];
        if (!kind) return;
        check(
          stmt,
          node.relation,
          (table, lock) =>
            `RENAME of existing ${kind} "${table}" breaks deployed code${modeNote(lock)}.\n` +
            `Code still querying "${node.relation.relname}" fails ("relation does not exist") as soon as this commits.\n` +
            (lock ? `${lockSentence(lock)}\n` : '') +
            `In the same transaction, create a view "${node.relation.relname}" over "${node.newname}" for the old code;\ndrop it in a later release.`,
        );
      },
      AlterObjectSchemaStmt(node, stmt) {
        const kind = RELATION_KINDS[node.objectType];
        if (!kind || !node.newschema) return;
        check(
          stmt,
          node.relation,
          (table, lock) =>
            `SET SCHEMA of existing ${kind} "${table}" breaks deployed code${modeNote(lock)}.\n` +
            `Code still looking for it under its old name fails ("relation does not exist") as soon as this commits.\n` +
            (lock ? `${lockSentence(lock)}\n` : '') +
            `In the same transaction, create a view "${table}" over the moved ${kind}; drop it in a later release.`,
        );
      },
    };
  },
  mysql: (ctx) => {
    const check = (stmt: MysqlStatement, from: MysqlName, to: MysqlName, range: [number, number]): void => {
      if (ctx.isNewTable(from) || !from.name) return;
      const lock = ctx.lockOf(stmt);
      ctx.report({
        stmt,
        range,
        message:
          `RENAME of existing table "${displayMysqlName(from)}" to "${displayMysqlName(to)}" breaks deployed code.\n` +
          `Code still querying "${from.name}" fails ("Table doesn't exist") from the moment the statement commits${lock ? `; ${describeMysqlLock(lock)}` : ''}. ` +
          `MySQL cannot rename and keep the old name in one transaction (DDL commits implicitly): ship code that reads through a view or both names first, or rename and create the view "${from.name}" right after it, and drop that view in a later release.`,
        plan: 'rename-table',
      });
    };
    return {
      RenameTable(body: RenameTableBody, stmt) {
        for (const p of body.pairs) check(stmt, p.from, p.to, [p.from.start, p.to.end]);
      },
      AlterTable(body: AlterTableBody, stmt) {
        for (const op of body.ops) if (op.kind === 'rename-table') check(stmt, body.table, op.newName, [op.start, op.end]);
      },
    };
  },
});
