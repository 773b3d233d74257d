/**
 * The plan as pgroll migrations (https://github.com/xataio/pgroll, field names from its
 * schema: rename_column {table, from, to}, alter_column {table, column, type|nullable, up,
 * down}, add_column {table, up, column {name, type, nullable, default}}, create_index {table,
 * name, columns}, create_constraint {table, name, type, columns, check|references, up, down},
 * drop_column {table, column, down}, drop_table {name}, rename_table {from, to}, drop_index
 * {name}, sql {up, down}). pgroll serves the old and the new schema side by side through
 * views and does the dual writes and the backfill itself.
 *
 * pgroll runs a raw `sql` operation only alone in its migration, so the statements kept as
 * written become a migration of their own, before the one with the planned operations: each
 * migration is one file (`pgroll start <file>`), valid against pgroll's schema.json (which
 * admits `name`, `version_schema` and `operations` only). Column `nullable` defaults to false
 * in pgroll: it is always written out. `create_index.columns` are index fields
 * (`{ "column": … }`, pgroll >= 0.10).
 */
import type { PgrollOperation, Plan } from '../types.js';

export interface PgrollMigration {
  name: string;
  operations: PgrollOperation[];
}

export interface PgrollOutput {
  migrations: PgrollMigration[];
  /** changes pgroll cannot express, and what to check in the operations */
  notes: string[];
}

export function pgrollMigrations(plan: Plan, name: string): PgrollOutput {
  const notes: string[] = [];
  const migrations: PgrollMigration[] = [];
  const kept = plan.kept.filter((k) => k.transaction);
  if (kept.length) {
    const down = kept.map((k) => k.rollback);
    const sql: Record<string, unknown> = { up: kept.map((k) => `${k.source};`).join('\n') };
    if (down.every((d) => d !== undefined)) sql.down = down.reverse().flat().map((s) => `${s};`).join('\n');
    migrations.push({ name: `${name}_sql`, operations: [{ sql }] });
  }
  for (const k of plan.kept.filter((x) => !x.transaction)) notes.push(`run outside pgroll (it cannot run in a transaction): ${k.source}`);
  const ops: PgrollOperation[] = [];
  for (const c of plan.changes) {
    if (c.pgroll?.length) ops.push(...c.pgroll);
    else notes.push(`${c.title} (line ${c.line}): ${c.pgrollNote ?? 'pgroll has no operation for it'}; run its SQL phases instead`);
    if (c.pgroll?.length && c.pgrollNote) notes.push(`${c.title}: ${c.pgrollNote}`);
  }
  if (ops.length) migrations.push({ name, operations: ops });
  for (const u of plan.unplanned) notes.push(`not planned: ${u.source} — ${u.reason}`);
  return { migrations, notes };
}
