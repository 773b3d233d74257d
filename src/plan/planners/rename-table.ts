/**
 * RENAME TO (or SET SCHEMA) of an existing table → rename, and in the same transaction an
 * updatable view under the old name for the code still deployed; drop the view once no
 * deployed code uses the old name.
 */
import { quoteIdent, relationSql } from '../../analysis/alter-subcommands.js';
import { lit, longTransactions, readers, tableRef } from '../sql.js';
import { add, change, existing, type PlanInput, type PlanOutcome } from './common.js';
import { statementText } from '../text.js';

const KINDS: Record<string, string> = { OBJECT_TABLE: 'TABLE', OBJECT_VIEW: 'VIEW', OBJECT_MATVIEW: 'MATERIALIZED VIEW', OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE' };

export function planRenameTable(input: PlanInput): PlanOutcome {
  const { stmt, ctx } = input;
  const b = stmt.body;
  const isRename = stmt.kind === 'RenameStmt';
  const objtype = isRename ? b.renameType : b.objectType;
  const keyword = KINDS[objtype];
  if (!keyword || !b.relation || !existing(ctx, b.relation)) return null;
  if (isRename ? !b.newname : !b.newschema) return null;
  const oldRel = b.relation;
  const oldSql = relationSql(oldRel);
  const oldSchema = oldRel.schemaname ?? ctx.catalog.searchPath;
  const newRel = isRename ? { schemaname: oldRel.schemaname, relname: b.newname } : { schemaname: b.newschema, relname: oldRel.relname };
  const newSql = relationSql(newRel);
  // a view under the old name later in the file already keeps old code working
  const key = ctx.catalog.key(oldRel);
  if (input.statements.some((s) => s.index > stmt.index && s.kind === 'ViewStmt' && s.body.view && ctx.catalog.key(s.body.view) === key)) return null;

  const t = tableRef(newRel, ctx.catalog);
  const old = tableRef(oldRel, ctx.catalog);
  const c = change(input, 'rename-table', t, isRename ? `rename ${oldSql} to ${b.newname}` : `move ${oldSql} to schema ${b.newschema}`, statementText(stmt));
  const view = `CREATE VIEW ${oldSql} AS SELECT * FROM ${newSql}`;
  const back = isRename
    ? `ALTER ${keyword} ${newSql} RENAME TO ${quoteIdent(String(oldRel.relname))}`
    : `ALTER ${keyword} ${newSql} SET SCHEMA ${quoteIdent(oldSchema)}`;
  add(c, 'expand', {
    sql: [statementText(stmt), view],
    transaction: true,
    rollback: [`DROP VIEW IF EXISTS ${oldSql}`, back],
    verify: [
      longTransactions(),
      { label: `${oldSql} is now a view over ${newSql} (expect v)`, sql: `SELECT relkind FROM pg_class WHERE oid = to_regclass(${lit(oldSql)})` },
    ],
    notes: [
      `the view is automatically updatable: INSERT, UPDATE, DELETE and RETURNING through ${oldSql} reach ${newSql}, with its defaults, constraints and triggers`,
      `SELECT * is expanded when the view is created: columns added to ${newSql} later are not visible under ${oldSql}`,
      `indexes, constraints and sequences keep their names (a serial's ${String(oldRel.relname)}_…_seq is unchanged)`,
    ],
  });
  c.switchNote = `deploy code that uses ${newSql} instead of ${oldSql}`;
  add(c, 'contract', {
    sql: [`DROP VIEW ${oldSql}`],
    transaction: true,
    irreversible: true,
    rollback: [view],
    verify: [readers(old, String(oldRel.relname), `the name ${oldSql}`), longTransactions()],
    checklist: [
      `every deployed version of the application uses ${newSql}; nothing queries ${oldSql} (check pg_stat_statements since the deploy)`,
      `no other view, function or report (BI tools, cron jobs, replicas' consumers) names ${oldSql}`,
    ],
  });
  if (isRename && keyword === 'TABLE') c.pgroll = [{ rename_table: { from: String(oldRel.relname), to: String(b.newname) } }];
  else c.pgrollNote = isRename ? `pgroll renames tables only` : 'pgroll has no operation that moves a table to another schema';
  return c;
}
