/**
 * repack — VACUUM FULL or CLUSTER of an existing table rewrites it under ACCESS EXCLUSIVE for
 * as long as the copy takes. pg_repack (the seeds' tool) rebuilds it online: a copy kept
 * current by a trigger, and ACCESS EXCLUSIVE only for the swap at the end. The phase installs
 * the extension (and, for CLUSTER … USING, records the index to order by); the rewrite itself
 * is a shell command, run by hand outside the migration runner.
 */
import { shellWord } from '../shell.js';
import { booleanOption } from '../../analysis/concurrent-ops.js';
import { keyOf, quoteIdent, tableRef, type TableRef } from '../sql.js';
import { add, change, existing, type PlanInput, type PlanOutcome } from './common.js';
import { statementText } from '../text.js';

export function planRepack(input: PlanInput): PlanOutcome {
  const { stmt, ctx } = input;
  const b = stmt.body;
  let rels: any[];
  let index: string | undefined;
  if (stmt.kind === 'VacuumStmt') {
    if (!b.is_vacuumcmd || !booleanOption(b.options, 'full')) return null;
    rels = (b.rels ?? []).map((r: any) => r.VacuumRelation?.relation).filter(Boolean);
    if (!rels.length) return { unplanned: 'VACUUM FULL of the whole database rewrites every table: repack the bloated ones one by one (pg_repack --table=…)' };
  } else if (stmt.kind === 'ClusterStmt') {
    if (!b.relation) return { unplanned: 'CLUSTER of every clustered table: repack them one by one (pg_repack --table=…)' };
    rels = [b.relation];
    index = b.indexname;
  } else {
    return null;
  }
  const mine = rels.filter((r) => existing(ctx, r));
  if (!mine.length) return null;
  if (mine.length !== rels.length) return { unplanned: 'this statement mixes tables created in the migration with existing ones: rewrite them in separate statements' };
  const tables = mine.map((r) => tableRef(r, ctx.catalog));
  const word = stmt.kind === 'VacuumStmt' ? 'VACUUM FULL' : 'CLUSTER';
  const c = change(input, 'repack', tables[0], `rewrite ${tables.map((t) => t.sql).join(', ')} online with pg_repack instead of ${word}`, statementText(stmt));
  const sql: string[] = [];
  const rollback: string[] = [];
  if (index) {
    sql.push(`ALTER TABLE ${tables[0].sql} CLUSTER ON ${quoteIdent(index)}`);
    rollback.push(`ALTER TABLE ${tables[0].sql} SET WITHOUT CLUSTER`);
  }
  add(c, 'backfill', {
    label: `repack_${tables.map((t) => t.name).join('_')}`,
    prelude: ['CREATE EXTENSION IF NOT EXISTS pg_repack'],
    sql,
    transaction: true,
    rollback,
    commands: tables.map((t) => repackCommand(t, !!index)),
    notes: [
      `run the command after this phase, outside the migration runner: pg_repack copies ${tables.map((t) => t.sql).join(', ')} while reads and writes go on, and takes ACCESS EXCLUSIVE only briefly at the start and the swap at the end (--no-kill-backend: it waits for conflicting queries instead of cancelling them)`,
      'pg_repack needs its extension in the database (this phase) and the pg_repack client of the same version on the machine that runs the command',
      'pg_repack connects with libpq\'s environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD) or -h/-p/-d/-U: it does not take a connection URL (its --dbname is a database name)',
      ...tables.filter((t) => !keyOf(t, ctx.catalog)).map((t) => `pg_repack needs a primary key or a unique index on NOT NULL columns: godwit knows none on ${t.sql}`),
    ],
  });
  c.pgrollNote = 'pgroll does not rewrite tables: run pg_repack';
  return c;
}

/** The pg_repack command for one table (`--no-order` for VACUUM FULL; CLUSTER orders by the clustered index). */
function repackCommand(t: TableRef, ordered: boolean): string {
  const table = t.rel.schemaname ? t.sql : `${t.info?.schema ?? 'public'}.${t.sql}`;
  return `pg_repack --table=${shellWord(table)}${ordered ? '' : ' --no-order'} --no-kill-backend --wait-timeout=60`;
}
