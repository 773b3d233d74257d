/**
 * Expand-contract plans for MySQL (`godwit plan <file>` on a MySQL migration): a column rename
 * (RENAME COLUMN, CHANGE old new) or a column change MySQL can only do by copying the table (a
 * type change, a VARCHAR crossing 255 bytes, a charset or collation change, ENUM members
 * reordered) becomes phases that never copy the table and keep deployed code working:
 *
 *   1 expand    ADD COLUMN new (nullable, instantly), and two triggers that keep old and new in
 *               step for the code of both releases (MySQL trigger syntax: one-statement bodies,
 *               no DELIMITER needed); the new column's copies of the old column's indexes
 *   2 backfill  UPDATE … WHERE new IS NULL ORDER BY <primary key> LIMIT 1000, run until it
 *               changes no row
 *   3 not null  MODIFY new … NOT NULL when the old column was (in place, LOCK=NONE)
 *   — switch    deploy the code that reads and writes the new column
 *   4 contract  (release 2) drop the triggers and the old column
 *
 * Each phase has its rollback. Each statement is its own migration-safe unit: MySQL commits DDL
 * implicitly, so phases hold no BEGIN/COMMIT. Tested phase by phase, with data and rollbacks, on
 * MariaDB (test/mysql-expand.test.ts).
 */
import { classifyStatement, clausesFor } from '../dialects/mysql/online-ddl.js';
import { onlineDdl, type MysqlTarget, type OpKind } from '../dialects/mysql/matrix.js';
import type { MysqlCatalog, MysqlColumn, MysqlTable } from '../dialects/mysql/catalog.js';
import type { AlterOp, ColumnSpec, MysqlParsedFile } from '../dialects/mysql/types.js';

export interface MysqlPhase {
  /** file-name slug */
  name: string;
  title: string;
  sql: string[];
  rollback: string[];
  /** 1: before the application switch; 2: after it */
  release: 1 | 2;
  /** run it again until it changes no row */
  repeat?: boolean;
  notes: string[];
}

export interface MysqlExpandPlan {
  changes: Array<{ line: number; table: string; title: string }>;
  phases: MysqlPhase[];
  unplanned: Array<{ line: number; source: string; reason: string }>;
  switchNotes: string[];
}

/** Column changes MySQL copies the table for: planned as a new column. */
const COPYING: ReadonlySet<OpKind> = new Set(['change-type', 'varchar-shrink', 'varchar-extend-prefix', 'varchar-extend-from-short', 'enum-reorder', 'column-charset', 'column-collation']);

const bq = (s: string): string => `\`${s.split('`').join('``')}\``;

export function planMysqlExpandContract(parsed: MysqlParsedFile, history: MysqlCatalog, target: MysqlTarget, batchSize = 1000): MysqlExpandPlan {
  const catalog = history.clone();
  catalog.origin = 'file';
  const plan: MysqlExpandPlan = { changes: [], phases: [], unplanned: [], switchNotes: [] };
  const text = parsed.source.text;
  for (const stmt of parsed.statements) {
    if (stmt.kind === 'SyntaxError') continue;
    const line = parsed.source.position(stmt.start).line;
    const ddl = classifyStatement(stmt, { catalog, target, foreignKeyChecksOff: false });
    if (stmt.kind === 'AlterTable' && ddl) {
      const table = catalog.table(stmt.body.table);
      const ops: AlterOp[] = stmt.body.ops;
      const candidates = ops.filter((o) => (o.kind === 'modify-column' && (o.newName || ddl.ops.some((c) => c.start === o.start && COPYING.has(c.op)))) || o.kind === 'rename-column');
      if (candidates.length && table?.origin !== 'file') {
        const source = text.slice(stmt.start, stmt.end);
        if (!table) plan.unplanned.push({ line, source, reason: `no earlier migration creates "${stmt.body.table.name}": the column's definition is unknown` });
        else if (ops.length > 1) plan.unplanned.push({ line, source, reason: 'the ALTER TABLE has other operations: split it into one statement per change first' });
        else {
          const reason = planColumn(plan, table, candidates[0], line, target, batchSize);
          if (reason) plan.unplanned.push({ line, source, reason });
        }
      }
    }
    catalog.apply(stmt, ddl ? { ...ddl.effective, instantColumnChange: ddl.instantColumnChange } : undefined);
  }
  return plan;
}

/** The column definition as SQL, NULL or NOT NULL as asked. */
function definition(type: string, extra: { notNull: boolean }): string {
  return `${type} ${extra.notNull ? 'NOT NULL' : 'NULL'}`;
}

function planColumn(plan: MysqlExpandPlan, table: MysqlTable, op: AlterOp, line: number, target: MysqlTarget, batchSize: number): string | undefined {
  const oldName = op.kind === 'rename-column' || op.kind === 'modify-column' ? op.column : '';
  const old: MysqlColumn | undefined = table.columns.get(oldName.toLowerCase());
  if (!old) return `the history has no column "${oldName}" on "${table.name}"`;
  if (old.generated) return 'a generated column: recreate it instead';
  const pk = table.indexes.get('primary');
  if (!pk) return `"${table.name}" has no primary key to backfill by`;
  const spec: ColumnSpec | undefined = op.kind === 'modify-column' ? op.spec : undefined;
  const newName = op.kind === 'rename-column' ? op.newName : op.kind === 'modify-column' && op.newName ? op.newName : `${oldName}_new`;
  const newType = spec ? spec.type.text : old.type.text;
  const notNull = spec ? spec.notNull === true : old.notNull;
  const t = bq(table.name);
  const a = bq(old.name);
  const b = bq(newName);
  const slug = `${table.name}_${newName}`.replace(/[^A-Za-z0-9_]/g, '_');
  const trig = (s: string): string => bq(`${table.name}_${newName}_sync_${s}`.slice(0, 64));
  const add = clausesFor(onlineDdl('add-column', target), target, 'alter');
  const drop = clausesFor(onlineDdl('drop-column', target), target, 'alter');
  const title = op.kind === 'modify-column' && !op.newName && spec ? `change "${table.name}"."${oldName}" to ${spec.type.text} through a new column "${newName}"` : `rename "${table.name}"."${oldName}" to "${newName}"`;
  plan.changes.push({ line, table: table.name, title });
  const order = pk.columns.map(bq).join(', ');
  const triggers = [
    // old code writes the old column, new code the new one: each insert fills the other
    `CREATE TRIGGER ${trig('ins')} BEFORE INSERT ON ${t} FOR EACH ROW SET NEW.${b} = COALESCE(NEW.${b}, NEW.${a}), NEW.${a} = COALESCE(NEW.${a}, NEW.${b})`,
    // an update of one column is copied to the other (the old one wins when both change)
    `CREATE TRIGGER ${trig('upd')} BEFORE UPDATE ON ${t} FOR EACH ROW SET NEW.${a} = IF(NEW.${a} <=> OLD.${a} AND NOT (NEW.${b} <=> OLD.${b}), NEW.${b}, NEW.${a}), NEW.${b} = IF(NEW.${a} <=> OLD.${a} AND NOT (NEW.${b} <=> OLD.${b}), NEW.${b}, NEW.${a})`,
  ];
  const expand: MysqlPhase = {
    name: `expand_${slug}`,
    title: `add ${newName} and keep it in step with ${oldName}`,
    sql: [
      `ALTER TABLE ${t} ADD COLUMN ${b} ${definition(newType, { notNull: false })}, ${add}`,
      ...triggers,
    ],
    rollback: [`DROP TRIGGER IF EXISTS ${trig('upd')}`, `DROP TRIGGER IF EXISTS ${trig('ins')}`, `ALTER TABLE ${t} DROP COLUMN ${b}, ${drop}`],
    release: 1,
    notes: [],
  };
  const indexes = [...table.indexes.values()].filter((i) => i.kind !== 'primary' && i.kind !== 'fulltext' && i.kind !== 'spatial' && i.columns.some((c) => c.toLowerCase() === oldName.toLowerCase()));
  for (const i of indexes) {
    const name = `${i.name}_${newName}`.slice(0, 64);
    const cols = i.columns.map((c) => (c.toLowerCase() === oldName.toLowerCase() ? b : bq(c))).join(', ');
    const idx = clausesFor(onlineDdl('add-index', target), target, 'alter');
    expand.sql.push(`ALTER TABLE ${t} ADD ${i.kind === 'unique' ? 'UNIQUE ' : ''}INDEX ${bq(name)} (${cols}), ${idx}`);
    expand.rollback.unshift(`ALTER TABLE ${t} DROP INDEX ${bq(name)}`);
  }
  plan.phases.push(expand);
  plan.phases.push({
    name: `backfill_${slug}`,
    title: `copy ${oldName} into ${newName}, ${batchSize} rows at a time`,
    sql: [`UPDATE ${t} SET ${b} = ${a} WHERE ${b} IS NULL AND ${a} IS NOT NULL ORDER BY ${order} LIMIT ${batchSize}`],
    rollback: [],
    release: 1,
    repeat: true,
    notes: ['Run it again (with a short pause) until it changes 0 rows; each run is one short transaction.'],
  });
  if (notNull) {
    const nn = clausesFor(onlineDdl('make-not-null', target), target, 'alter');
    plan.phases.push({
      name: `not_null_${slug}`,
      title: `${newName} NOT NULL (in place, reads and writes go on)`,
      sql: [`ALTER TABLE ${t} MODIFY COLUMN ${b} ${definition(newType, { notNull: true })}, ${nn}`],
      rollback: [`ALTER TABLE ${t} MODIFY COLUMN ${b} ${definition(newType, { notNull: false })}, ${nn}`],
      release: 1,
      notes: ['Fails if a row still holds NULL: finish the backfill first.'],
    });
  }
  plan.switchNotes.push(`deploy the code that reads and writes "${table.name}"."${newName}" instead of "${oldName}"`);
  plan.phases.push({
    name: `contract_${slug}`,
    title: `drop the triggers and ${oldName}`,
    sql: [`DROP TRIGGER ${trig('upd')}`, `DROP TRIGGER ${trig('ins')}`, ...indexes.map((i) => `ALTER TABLE ${t} DROP INDEX ${bq(i.name)}`), `ALTER TABLE ${t} DROP COLUMN ${a}, ${drop}`],
    rollback: [
      `ALTER TABLE ${t} ADD COLUMN ${a} ${definition(old.type.text, { notNull: false })}, ${add}`,
      `UPDATE ${t} SET ${a} = ${b} WHERE ${a} IS NULL`,
      ...triggers,
    ],
    release: 2,
    notes: [`Only after no deployed code reads or writes "${oldName}" (performance_schema.events_statements_summary_by_digest). The rollback re-adds it nullable, refilled from "${newName}" (one statement: batch it on a large table).`],
  });
  return undefined;
}

/** The phases as migration files: `NNN_<name>.sql` (goose: with its annotations), numbered after `start`. */
export function mysqlPhaseFiles(plan: MysqlExpandPlan, start: number, width: number, goose: boolean): Array<{ path: string; content: string; phase: number }> {
  return plan.phases.map((p, i) => {
    const v = String(start + i).padStart(width, '0');
    const head = [`-- godwit plan, phase ${i + 1} of ${plan.phases.length} (release ${p.release}): ${p.title}`, ...p.notes.map((n) => `-- ${n}`)].join('\n');
    const up = p.sql.map((s) => `${s};`).join('\n');
    const down = p.rollback.length ? p.rollback.map((s) => `${s};`).join('\n') : '-- nothing to undo (derived data stays)';
    const content = goose ? `${head}\n-- +goose Up\n${up}\n\n-- +goose Down\n${down}\n` : `${head}\n${up}\n\n-- rollback:\n${down.split('\n').map((l) => (l.startsWith('--') ? l : `-- ${l}`)).join('\n')}\n`;
    return { path: `${v}_${p.name}.sql`, content, phase: i + 1 };
  });
}
