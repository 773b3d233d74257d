/**
 * drop-column / drop-table — contract only: the application stops using the column (table)
 * first, then the drop runs in a later release, after a pre-flight checklist. The rollback
 * recreates the structure the catalog knows; the data is gone (restore it from a backup).
 */
import { columnAddedInFile } from '../../analysis/added-columns.js';
import { nameListToRange } from '../../analysis/names.js';
import { column, columnExists, lit, longTransactions, quoteIdent, readers, tableActivity, tableRef, typeSql, type TableRef } from '../sql.js';
import { add, change, existing, ignore, type CmdInput, type PlanInput, type PlanOutcome } from './common.js';
import { statementText } from '../text.js';

export function planDropColumn(ci: CmdInput): PlanOutcome {
  const { cmd, ctx, rel } = ci;
  if (!cmd.name || !existing(ctx, rel)) return null;
  if (columnAddedInFile(ctx.catalog, ci.statements, ci.stmt, rel, cmd.name)) return null;
  const t = tableRef(rel, ctx.catalog);
  const name: string = cmd.name;
  const col = column(t, name);
  const type = col ? typeSql(col.type) : undefined;
  const stmt = `ALTER TABLE ${t.sql} ${ci.text ?? `DROP COLUMN ${quoteIdent(name)}`}`;
  const sql = `${ignore('no-drop-column', 'contract phase, after the pre-flight checklist')}${stmt}`;
  const c = change(ci, 'drop-column', t, `drop ${t.sql}.${name}`, stmt);
  c.switchNote = `deploy code that neither reads nor writes ${t.sql}.${name} (tell the ORM to ignore the column, e.g. Rails ignored_columns, so it stops listing it)`;
  add(c, 'contract', {
    sql: [sql],
    transaction: true,
    irreversible: true,
    lost: [`${t.name}.${name}`],
    rollback: type
      ? [`-- the column comes back empty${col?.notNull ? ' and nullable' : ''}: restore its data (and its DEFAULT, indexes and constraints) from a backup\nALTER TABLE ${t.sql} ADD COLUMN ${quoteIdent(name)} ${type}`]
      : [`-- the migration history does not give the type of ${name}: re-create it by hand and restore its data from a backup`],
    verify: [readers(t, name), longTransactions(), columnExists(t, name, false)],
    checklist: [
      `no deployed code reads or writes ${name}: check pg_stat_statements since the deploy that stopped using it`,
      `no view, function, trigger or index definition uses ${name} (DROP COLUMN fails on views; CASCADE would drop them)`,
      `a backup from which ${t.sql}.${name} can be restored exists and was tested`,
    ],
    notes: ['DROP COLUMN only marks the column dropped (brief ACCESS EXCLUSIVE, no rewrite); the space comes back as rows are updated or the table is rewritten'],
  });
  c.pgroll = [{ drop_column: { table: t.name, column: name, down: col?.notNull ? `NULL /* a value for ${name} in rows written through the new schema */` : 'NULL' } }];
  if (col?.notNull) c.pgrollNote = `${name} is NOT NULL: set drop_column.down to the value old code should see in rows written through the new schema`;
  return c;
}

/** CREATE TABLE from what the catalog knows: columns, types, NOT NULL, primary key. */
function recreateTable(t: TableRef): string | undefined {
  const info = t.info;
  if (!info || info.kind !== 'table' || !info.columns.size) return undefined;
  const cols: string[] = [];
  for (const col of info.columns.values()) {
    const type = typeSql(col.type);
    if (!type) return undefined;
    cols.push(`  ${quoteIdent(col.name)} ${col.type.serial ? col.type.serial : type}${col.notNull && !col.type.serial ? ' NOT NULL' : ''}`);
  }
  for (const con of info.constraints.values()) {
    if (con.kind === 'primary') cols.push(`  CONSTRAINT ${quoteIdent(con.name)} PRIMARY KEY (${con.columns.map(quoteIdent).join(', ')})`);
    if (con.kind === 'unique') cols.push(`  CONSTRAINT ${quoteIdent(con.name)} UNIQUE (${con.columns.map(quoteIdent).join(', ')})`);
  }
  return `-- the table comes back empty, without its defaults, checks, foreign keys and indexes: restore it from a backup\nCREATE TABLE ${t.sql} (\n${cols.join(',\n')}\n)`;
}

export function planDropTable(input: PlanInput): PlanOutcome {
  const { stmt, ctx } = input;
  const b = stmt.body;
  if (b.removeType !== 'OBJECT_TABLE') return null;
  const tables: TableRef[] = [];
  for (const o of b.objects ?? []) {
    const items = o?.List?.items;
    if (!items) continue;
    const rel = nameListToRange(items);
    if (!existing(ctx, rel)) continue;
    tables.push(tableRef(rel, ctx.catalog));
  }
  if (!tables.length) return null;
  if (tables.length !== (b.objects ?? []).length) return { unplanned: 'this DROP TABLE mixes tables created in the migration with existing ones: drop them in separate statements' };
  const list = tables.map((t) => t.sql).join(', ');
  const c = change(input, 'drop-table', tables[0], `drop ${list}`, statementText(stmt));
  c.switchNote = `deploy code that no longer uses ${list}`;
  const rollback = tables.map((t) => recreateTable(t) ?? `-- the migration history does not describe ${t.sql}: re-create it and restore its data from a backup`);
  add(c, 'contract', {
    sql: [`${ignore('no-drop-table', 'contract phase, after the pre-flight checklist')}${statementText(stmt)}`],
    transaction: true,
    irreversible: true,
    lost: tables.map((t) => `${t.name}.*`),
    rollback,
    verify: [
      ...tables.flatMap((t) => [tableActivity(t), readers(t, t.name, `the table ${t.sql}`)]),
      longTransactions(),
      ...tables.map((t) => ({ label: `${t.sql} is gone (expect NULL)`, sql: `SELECT to_regclass(${lit(t.sql)}) AS still_there` })),
    ],
    checklist: [
      `no deployed code, job or report uses ${list}: pg_stat_user_tables counters stay still and pg_stat_statements shows no queries since the deploy`,
      `no foreign key of another table references ${list}${b.behavior === 'DROP_CASCADE' ? ' (CASCADE drops those foreign keys and the views that use it)' : ' (the DROP fails otherwise)'}`,
      `a backup from which ${list} can be restored exists and was tested`,
      `consider a grace period first: ALTER TABLE … RENAME TO …_deprecated (reversible), drop it a release later`,
    ],
  });
  c.pgroll = tables.map((t) => ({ drop_table: { name: t.name } }));
  return c;
}
