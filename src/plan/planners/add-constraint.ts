/**
 * ADD CONSTRAINT on an existing table, two plans:
 *
 * add-constraint-not-valid — FOREIGN KEY or CHECK validated under a lock that blocks writes:
 *   expand    the same constraint NOT VALID (checks new rows at once; catalog-only)
 *   validate  VALIDATE CONSTRAINT in its own transaction (SHARE UPDATE EXCLUSIVE)
 *
 * add-unique-using-index — UNIQUE or PRIMARY KEY that builds its index under ACCESS EXCLUSIVE
 * (or PRIMARY KEY USING INDEX on columns that are not NOT NULL yet):
 *   index     CREATE UNIQUE INDEX CONCURRENTLY
 *   constrain/validate  NOT NULL on the key columns without a long lock (primary key)
 *   validate  ADD CONSTRAINT … USING INDEX (catalog-only)
 */
import { defaultConstraintName } from '../../analysis/constraints.js';
import { notNullProven } from '../../analysis/locks.js';
import { nameListToRange } from '../../analysis/names.js';
import { relationSql } from '../../analysis/alter-subcommands.js';
import { columnsRead, constraintValid, copyableIndex, indexSql, indexValid, inSchema, longTransactions, notNullSteps, quoteIdent, tableRef, type TableRef } from '../sql.js';
import { add, change, existing, type CmdInput, type PlanOutcome } from './common.js';
import { parenAfter, tokensOf } from '../text.js';
import type { Step } from '../types.js';

const names = (list: any[] | undefined): string[] => (list ?? []).map((k: any) => String(k?.String?.sval ?? '')).filter(Boolean);

export function planAddConstraint(ci: CmdInput): PlanOutcome {
  const { cmd, ctx, rel } = ci;
  const con = cmd.def?.Constraint;
  if (!con || !existing(ctx, rel)) return null;
  const t = tableRef(rel, ctx.catalog);
  if (con.contype === 'CONSTR_FOREIGN' || con.contype === 'CONSTR_CHECK') {
    if (con.skip_validation) return null;
    return notValid(ci, t, con);
  }
  if (con.contype === 'CONSTR_UNIQUE' || con.contype === 'CONSTR_PRIMARY') return usingIndex(ci, t, con);
  if (con.contype === 'CONSTR_NOTNULL' && !con.skip_validation) {
    return { unplanned: 'add the NOT NULL constraint NOT VALID, then VALIDATE CONSTRAINT it in a later migration (PostgreSQL >= 18)' };
  }
  return null;
}

/** The subcommand as `ADD CONSTRAINT <name> …` (a name is inserted when the user gave none). */
function namedConstraintSql(ci: CmdInput, name: string, named: boolean): string | undefined {
  if (!ci.span || !ci.text) return undefined;
  if (named) return ci.text;
  const toks = tokensOf(ci.file, ci.stmt).filter((x) => x.start >= ci.span!.start && x.end <= ci.span!.end);
  if (toks[0]?.text.toLowerCase() !== 'add') return undefined;
  const text = ci.file.source.text;
  return `ADD CONSTRAINT ${quoteIdent(name)} ${text.slice(toks[1].start, ci.span.end)}`;
}

function notValid(ci: CmdInput, t: TableRef, con: any): PlanOutcome {
  const { ctx } = ci;
  const name: string = con.conname ?? defaultConstraintName(t.name, con);
  const sub = namedConstraintSql(ci, name, !!con.conname);
  if (!sub) return { unplanned: 'godwit could not read this subcommand\'s text' };
  const fk = con.contype === 'CONSTR_FOREIGN';
  const alter = `ALTER TABLE ${t.sql}`;
  const addNotValid = `${alter} ${sub} NOT VALID`;
  const c = change(ci, 'add-constraint-not-valid', t, `add ${fk ? 'FOREIGN KEY' : 'CHECK'} ${name} on ${t.sql} NOT VALID, then validate it`, `${alter} ${ci.text}`);
  add(c, 'expand', {
    sql: [addNotValid],
    transaction: true,
    rollback: [`${alter} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`],
    verify: [longTransactions()],
    notes: [`NOT VALID: rows written from now on are checked, existing rows are not scanned${fk ? `; the referenced table is locked briefly (SHARE ROW EXCLUSIVE)` : ''}`],
  });
  const violations = fk ? fkViolations(ci, t, con) : checkViolations(ci, t);
  add(c, 'validate', {
    sql: [`${alter} VALIDATE CONSTRAINT ${quoteIdent(name)}`],
    transaction: true,
    rollback: [`${alter} DROP CONSTRAINT ${quoteIdent(name)}, ${sub} NOT VALID`],
    verify: [...(violations ? [violations] : []), constraintValid(t, name)],
    notes: [`VALIDATE scans ${t.sql}${fk ? ' and looks up every key in the referenced table' : ''} under SHARE UPDATE EXCLUSIVE: reads and writes go on`],
  });
  const cols = fk ? names(con.fk_attrs) : columnsRead(con.raw_expr);
  const identity = Object.fromEntries(cols.map((x) => [x, quoteIdent(x)]));
  const pgroll: Record<string, unknown> = { table: t.name, name, type: fk ? 'foreign_key' : 'check', columns: cols };
  if (fk) {
    const ref: Record<string, unknown> = { table: relationSql(con.pktable), columns: refColumns(ci, con) ?? [] };
    const onDelete = ({ a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' } as Record<string, string>)[con.fk_del_action];
    if (onDelete && onDelete !== 'NO ACTION') ref.on_delete = onDelete;
    pgroll.references = ref;
  } else {
    const expr = ci.span ? parenAfter(ci.file, ci.stmt, ci.span, 'check') : undefined;
    if (expr) pgroll.check = expr;
  }
  c.pgroll = [{ create_constraint: { ...pgroll, up: identity, down: identity } }];
  return c;
}

function checkViolations(ci: CmdInput, t: TableRef): { label: string; sql: string; before: true } | undefined {
  const expr = ci.span ? parenAfter(ci.file, ci.stmt, ci.span, 'check') : undefined;
  if (!expr) return undefined;
  return { label: 'rows that violate the CHECK (expect 0: VALIDATE fails otherwise)', sql: `SELECT count(*) AS violations FROM ${t.sql} WHERE NOT (${expr})`, before: true };
}

/** The referenced columns: as written, or the referenced table's primary key from the catalog. */
function refColumns(ci: CmdInput, con: any): string[] | undefined {
  const given = names(con.pk_attrs);
  if (given.length) return given;
  const ref = ci.ctx.catalog.table(con.pktable);
  const pk = ref ? [...ref.constraints.values()].find((x) => x.kind === 'primary') : undefined;
  return pk?.columns;
}

function fkViolations(ci: CmdInput, t: TableRef, con: any): { label: string; sql: string; before: true } | undefined {
  const from = names(con.fk_attrs);
  const to = refColumns(ci, con);
  if (!from.length || !to || to.length !== from.length) return undefined;
  const pk = relationSql(con.pktable);
  const notNull = from.map((c) => `child.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const join = from.map((c, i) => `parent.${quoteIdent(to[i])} = child.${quoteIdent(c)}`).join(' AND ');
  return {
    label: 'rows whose key has no parent row (expect 0: VALIDATE fails otherwise)',
    sql: `SELECT count(*) AS orphans FROM ${t.sql} AS child\n WHERE ${notNull}\n   AND NOT EXISTS (SELECT 1 FROM ${pk} AS parent WHERE ${join})`,
    before: true,
  };
}

function usingIndex(ci: CmdInput, t: TableRef, con: any): PlanOutcome {
  const { ctx } = ci;
  const primary = con.contype === 'CONSTR_PRIMARY';
  const kind = primary ? 'PRIMARY KEY' : 'UNIQUE';
  const alter = `ALTER TABLE ${t.sql}`;
  const deferrable = (con.deferrable ? ' DEFERRABLE' : '') + (con.initdeferred ? ' INITIALLY DEFERRED' : '');
  let cols: string[];
  let indexName: string;
  let build: Step | undefined;
  let existingIndex: string | undefined;
  if (con.indexname) {
    // USING INDEX already: only a primary key over columns that are not NOT NULL yet needs a plan
    if (!primary) return null;
    const idx = ctx.catalog.index(nameListToRange([{ String: { sval: t.rel.schemaname ?? ctx.catalog.searchPath } }, { String: { sval: con.indexname } }]));
    if (!idx || !t.info) return null;
    cols = idx.columns;
    existingIndex = copyableIndex(idx) ? indexSql(t, idx, idx.name, idx.columns, true) : undefined;
    indexName = con.indexname;
  } else {
    cols = names(con.keys);
    if (!cols.length) return null;
    indexName = con.conname ?? defaultConstraintName(t.name, con);
    const include = con.including?.length ? ` INCLUDE (${names(con.including).map(quoteIdent).join(', ')})` : '';
    const nulls = con.nulls_not_distinct ? ' NULLS NOT DISTINCT' : '';
    const space = con.indexspace ? ` TABLESPACE ${quoteIdent(con.indexspace)}` : '';
    const create = (concurrently: boolean): string =>
      `CREATE UNIQUE INDEX ${concurrently ? 'CONCURRENTLY IF NOT EXISTS ' : ''}${quoteIdent(indexName)} ON ${t.sql} (${cols.map(quoteIdent).join(', ')})${include}${nulls}${space}`;
    const keyCols = cols.map(quoteIdent).join(', ');
    build = {
      label: indexName,
      sql: [create(true)],
      transaction: false,
      rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, indexName)}`],
      verify: [
        {
          label: 'duplicate keys (expect no rows: the unique index build fails on them)',
          sql: `SELECT ${keyCols}, count(*) FROM ${t.sql}${con.nulls_not_distinct || primary ? '' : ` WHERE ${cols.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}`} GROUP BY ${keyCols} HAVING count(*) > 1 LIMIT 10`,
          before: true,
        },
        indexValid(t, indexName),
      ],
      notes: ['CONCURRENTLY: writes go on during the build; if it fails it leaves an INVALID index: drop it (DROP INDEX CONCURRENTLY) and run the phase again'],
    };
  }
  const name: string = con.conname ?? indexName;
  const c = change(ci, 'add-unique-using-index', t, `add ${kind} ${name} on ${t.sql} from an index built concurrently`, `${alter} ${ci.text ?? ''}`.trim());
  if (build) add(c, 'index', build);
  const nullable = primary ? cols.filter((x) => !notNullProven(t.info, x, ctx.pgVersion)) : [];
  const nn = nullable.map((x) => notNullSteps(t, x, ctx));
  for (const s of nn) add(c, 'constrain', s.constrain);
  for (const s of nn) add(c, 'validate', s.validate);
  add(c, 'validate', {
    sql: [`${alter} ADD CONSTRAINT ${quoteIdent(name)} ${kind} USING INDEX ${quoteIdent(indexName)}${deferrable}`],
    transaction: true,
    // dropping the constraint drops its index: the index comes back, built concurrently
    rollback: [`${alter} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`],
    restore: build ? [{ label: `build ${indexName} again`, sql: build.sql, transaction: false }] : existingIndex ? [{ label: `build ${indexName} again`, sql: [existingIndex], transaction: false }] : [],
    verify: [longTransactions(), constraintValid(t, name)],
    notes: [`USING INDEX only changes the catalog${name !== indexName ? ` (the index is renamed to ${name})` : ''}`],
  });
  if (nullable.length) c.notes.push(`${nullable.join(', ')} must be NOT NULL for the primary key: the constrain and validate phases prove it without a long lock`);
  const identity = Object.fromEntries(cols.map((x) => [x, quoteIdent(x)]));
  c.pgroll = [{ create_constraint: { table: t.name, name, type: primary ? 'primary_key' : 'unique', columns: cols, up: identity, down: identity } }];
  if (primary) c.pgrollNote = 'create_constraint with type primary_key needs a recent pgroll; with an older one use a raw sql operation';
  return c;
}
