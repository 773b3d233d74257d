/**
 * planParsed: walk a migration's statements with the schema catalog as it stands before each
 * one, let the planner of each change kind claim the unsafe statements (or ALTER TABLE
 * subcommands), keep the others as written, and merge everything into phases in stage order.
 *
 * Merging: the transactional steps of one stage become one phase (one migration, one
 * transaction); each step that must run outside a transaction block becomes a phase of its
 * own (a runner that sends a file as one query string runs several statements in an
 * implicit transaction). Statements that need no plan run in the first phase, in file order
 * with the expand steps; those that cannot run in a transaction follow it, one per phase.
 */
import type { Catalog } from '../analysis/catalog.js';
import type { ParsedFile, Statement } from '../dialects/postgresql/types.js';
import { concurrentOp } from '../analysis/concurrent-ops.js';
import { alterCmds, relationSql } from '../analysis/alter-subcommands.js';
import type { Change, Phase, Plan, PlanOptions, Stage, Step } from './types.js';
import { STAGES } from './types.js';
import { isValidate, lockGuarded, type PlanContext } from './sql.js';
import { replayParsed } from '../analysis/history.js';
import { parseFile } from '../dialects/postgresql/parse.js';
import { isUnplanned, type CmdInput, type PlanInput, type PlanOutcome } from './planners/common.js';
import { spansOf, statementText, textOf } from './text.js';
import { inverseOf } from './inverse.js';
import { escapeControl } from '../io/control.js';
import { planRenameColumn } from './planners/rename-column.js';
import { planRenameTable } from './planners/rename-table.js';
import { planChangeColumnType } from './planners/change-column-type.js';
import { planAddColumn } from './planners/add-column.js';
import { planSetNotNull } from './planners/set-not-null.js';
import { planAddConstraint } from './planners/add-constraint.js';
import { planCreateIndex, planDropIndex } from './planners/index-concurrently.js';
import { planDropColumn, planDropTable } from './planners/drop.js';
import { planBatchedDml } from './planners/batched-dml.js';
import { planRepack } from './planners/repack.js';

export class PlanError extends Error {}

type Item =
  | { type: 'change'; change: Change }
  | { type: 'kept'; index: number; sql: string; transaction: boolean; rollback?: string[] };

const STAGE_TITLES: Record<Stage, string> = {
  expand: 'Expand',
  backfill: 'Backfill',
  index: 'Build index',
  constrain: 'Constrain',
  validate: 'Validate',
  swap: 'Swap',
  switch: 'Switch the application',
  contract: 'Contract',
};

export function planParsed(file: ParsedFile, history: Catalog, opts: PlanOptions = {}): Plan {
  const errors = file.statements.filter((s) => s.kind === 'SyntaxError');
  if (errors.length) {
    const e = errors[0];
    const at = file.source.position(e.error?.index ?? e.start);
    throw new PlanError(`${file.path}:${at.line}:${at.column}: syntax error (${e.error?.message ?? 'cannot parse'}): fix it before planning`);
  }
  const catalog = history.clone();
  catalog.origin = 'file';
  // the schema each phase starts from, replayed phase by phase (the locks a phase takes depend on it)
  const before = history.clone();
  const ctx: PlanContext = {
    pgVersion: opts.pgVersion ?? 15,
    batchSize: opts.batchSize ?? 1000,
    pause: opts.pause ?? 0.1,
    lockTimeout: opts.lockTimeout ?? '100ms',
    lockRetries: opts.lockRetries ?? 15,
    catalog,
    fill: opts.fill ?? {},
  };
  const plan: Plan = {
    file: file.path,
    runner: opts.runner ?? 'plain',
    pgVersion: ctx.pgVersion,
    changes: [],
    kept: [],
    dropped: [],
    unplanned: [],
    phases: [],
    switchNotes: [],
    notes: [],
  };
  const items: Item[] = [];

  for (const stmt of file.statements) {
    const input: PlanInput = { file, stmt, ctx, statements: file.statements };
    const source = statementText(stmt);
    const keep = (sql = source, rollback = sql === source ? inverseOf(stmt, catalog) : undefined): void => {
      const transaction = !outsideTransaction(stmt, ctx.pgVersion);
      items.push({ type: 'kept', index: stmt.index, sql, transaction, rollback });
      plan.kept.push(rollback ? { statementIndex: stmt.index, source: sql, transaction, rollback } : { statementIndex: stmt.index, source: sql, transaction });
    };
    const take = (o: PlanOutcome, src: string): boolean => {
      if (!o) return false;
      if (isUnplanned(o)) {
        plan.unplanned.push({ statementIndex: stmt.index, source: src, reason: o.unplanned });
        return false;
      }
      items.push({ type: 'change', change: o });
      plan.changes.push(o);
      return true;
    };

    if (stmt.kind === 'TransactionStmt') {
      plan.dropped.push({ statementIndex: stmt.index, source, reason: 'transaction control: each phase runs in its own transaction (or outside one)' });
    } else if (stmt.kind === 'AlterTableStmt' && stmt.body.objtype === 'OBJECT_TABLE' && stmt.body.relation) {
      const cmds = alterCmds(stmt.body);
      const spans = spansOf(file, stmt);
      const keptCmds: string[] = [];
      let planned = 0;
      cmds.forEach((cmd, i) => {
        const span = spans?.[i];
        const text = span ? textOf(file, span) : undefined;
        const ci: CmdInput = { ...input, cmd, rel: stmt.body.relation, span, text };
        const o = planAlterCmd(ci);
        if (o && !isUnplanned(o) && !span && cmds.length > 1) {
          plan.unplanned.push({ statementIndex: stmt.index, source, reason: 'godwit could not split this ALTER TABLE into its subcommands: put the unsafe subcommand in a statement of its own' });
          keptCmds.push('');
          return;
        }
        if (take(o, text ?? source)) planned++;
        else keptCmds.push(text ?? '');
      });
      if (planned === 0) keep();
      else if (keptCmds.some((k) => k === '')) keep();
      else if (keptCmds.length) keep(`ALTER TABLE ${stmt.body.missing_ok ? 'IF EXISTS ' : ''}${tableSql(stmt)} ${keptCmds.join(', ')}`);
    } else {
      const o = planStatement(input);
      if (!take(o, source)) keep();
    }
    catalog.apply(stmt, null);
  }

  plan.phases = guard(merge(items), ctx, before);
  for (const c of plan.changes) if (c.switchNote) plan.switchNotes.push(c.switchNote);
  return plan;
}

function tableSql(stmt: Statement): string {
  const rel = stmt.body.relation;
  return (rel?.inh === false ? 'ONLY ' : '') + relationSql(rel);
}

function planStatement(input: PlanInput): PlanOutcome {
  switch (input.stmt.kind) {
    case 'RenameStmt':
      return planRenameColumn(input) ?? planRenameTable(input);
    case 'AlterObjectSchemaStmt':
      return planRenameTable(input);
    case 'IndexStmt':
      return planCreateIndex(input);
    case 'DropStmt':
      return planDropIndex(input) ?? planDropTable(input);
    case 'UpdateStmt':
    case 'DeleteStmt':
      return planBatchedDml(input);
    case 'VacuumStmt':
    case 'ClusterStmt':
      return planRepack(input);
    default:
      return null;
  }
}

function planAlterCmd(ci: CmdInput): PlanOutcome {
  switch (ci.cmd.subtype) {
    case 'AT_AlterColumnType':
      return planChangeColumnType(ci);
    case 'AT_AddColumn':
      return planAddColumn(ci);
    case 'AT_SetNotNull':
      return planSetNotNull(ci);
    case 'AT_AddConstraint':
      return planAddConstraint(ci);
    case 'AT_DropColumn':
      return planDropColumn(ci);
    default:
      return null;
  }
}

/** Statements PostgreSQL refuses inside a transaction block. */
export function outsideTransaction(stmt: Statement, pgVersion: number): boolean {
  if (concurrentOp(stmt)?.noTransactionBlock) return true;
  switch (stmt.kind) {
    case 'VacuumStmt':
      return !!stmt.body.is_vacuumcmd;
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'AlterSystemStmt':
    case 'CreateSubscriptionStmt':
    case 'DropSubscriptionStmt':
      return true;
    case 'AlterEnumStmt':
      return pgVersion < 12 && !stmt.body.oldVal;
    default:
      return false;
  }
}

interface Piece {
  step: Step;
  change?: Change;
  kept?: boolean;
}

function merge(items: Item[]): Phase[] {
  const phases: Phase[] = [];
  const names = new Map<string, number>();
  const uniqueName = (n: string): string => {
    const k = names.get(n) ?? 0;
    names.set(n, k + 1);
    return k === 0 ? n : `${n}_${k + 1}`;
  };
  for (const stage of STAGES) {
    if (stage === 'switch') continue;
    const pieces: Piece[] = [];
    for (const it of items) {
      if (it.type === 'kept') {
        if (stage === 'expand') {
          const rollback = it.rollback ?? [`-- no generated rollback for: ${firstLine(it.sql)}`];
          pieces.push({ step: { sql: [it.sql], transaction: it.transaction, rollback, label: 'statement' }, kept: true });
        }
        continue;
      }
      for (const s of it.change.steps) if (s.stage === stage) pieces.push({ step: s.step, change: it.change });
    }
    if (!pieces.length) continue;
    // one phase per statement outside a transaction, and per batch statement to repeat
    const tx = pieces.filter((p) => p.step.transaction && !p.step.repeat);
    const solo = pieces.filter((p) => !p.step.transaction || p.step.repeat);
    for (const group of byTable(tx)) phases.push(phase(stage, group, uniqueName));
    for (const p of solo) {
      for (const sql of p.step.sql) phases.push(phase(stage, [{ ...p, step: { ...p.step, sql: [sql] } }], uniqueName));
    }
  }
  phases.forEach((p, i) => { p.index = i + 1; });
  return phases;
}

/**
 * Every transactional unit under lock_timeout with retries (sql.ts lockGuarded). Which locks a
 * unit takes depends on the schema it runs on: a phase on the schema the phases before it
 * leave, its rollback and restore on the schema it leaves itself (a foreign key the plan added
 * locks its referenced table when it is dropped).
 */
function guard(phases: Phase[], ctx: PlanContext, catalog: Catalog): Phase[] {
  const guarded = (sql: string[], transaction: boolean, repeat?: boolean): string[] => (transaction && !repeat ? lockGuarded(sql, { ...ctx, catalog }) : sql);
  const replay = (sql: string[]): void => {
    try {
      replayParsed(catalog, parseFile('phase.sql', sql.map((x) => `${x};`).join('\n')));
      catalog.sealAsHistory();
    } catch {
      // a statement that does not parse (a placeholder): the catalog stays as it was
    }
  };
  return phases.map((p) => {
    const sql = guarded(p.sql, p.transaction, p.repeat);
    replay(p.sql);
    return {
      ...p,
      sql,
      rollback: guarded(p.rollback, p.transaction, p.repeat),
      restore: p.restore.map((u) => ({ ...u, sql: guarded(u.sql, u.transaction, u.repeat) })),
    };
  });
}

/**
 * The transactional pieces of a stage, one group per table, in the order the tables come up: a
 * phase takes ACCESS EXCLUSIVE on one table only (holding it on one table while waiting for the
 * next stalls the first, and deadlocks against sessions that lock them the other way round).
 * A statement kept as written joins the group of the next planned change (else the last one),
 * so it still runs before the changes that follow it in the file.
 */
function byTable(pieces: Piece[]): Piece[][] {
  const groups = new Map<string, Piece[]>();
  let pending: Piece[] = [];
  for (const p of pieces) {
    if (!p.change) {
      pending.push(p);
      continue;
    }
    const key = p.step.table ?? p.change.table;
    const g = groups.get(key) ?? [];
    g.push(...pending, p);
    pending = [];
    groups.set(key, g);
  }
  if (pending.length) {
    const last = [...groups.values()].pop();
    if (last) last.push(...pending);
    else groups.set('', pending);
  }
  return [...groups.values()];
}

function phase(stage: Stage, pieces: Piece[], uniqueName: (n: string) => string): Phase {
  const transaction = pieces[0].step.transaction;
  const repeat = pieces.some((p) => p.step.repeat);
  const changes = [...new Set(pieces.map((p) => p.change).filter((c): c is Change => !!c))];
  const tables = [...new Set(pieces.map((p) => p.step.table ?? p.change?.table).filter((x): x is string => !!x).map(bareName))];
  const keptOnly = changes.length === 0;
  const label = !transaction && pieces[0].step.label ? pieces[0].step.label : tables.join('_') || 'statements';
  // a transaction holds every lock to its end: the scans (VALIDATE CONSTRAINT) go first, before
  // any statement that takes ACCESS EXCLUSIVE (SET NOT NULL, ADD … USING INDEX, DROP CONSTRAINT)
  // what several steps need once (CREATE EXTENSION IF NOT EXISTS) runs once, first
  const all = [...unique(pieces.flatMap((p) => p.step.prelude ?? []), (x) => x), ...pieces.flatMap((p) => p.step.sql)];
  const ddl = transaction ? [...all.filter(isValidate), ...all.filter((s) => !isValidate(s))] : all;
  // undo in reverse order of the steps
  const rollback = [...pieces].reverse().flatMap((p) => p.step.rollback);
  const restore = [...pieces].reverse().flatMap((p) => p.step.restore ?? []);
  const keptNote = pieces.some((p) => p.kept) ? ['statements of the migration that need no plan run here as written'] : [];
  return {
    index: 0,
    stage,
    name: uniqueName(sanitize(`${stage}_${keptOnly && stage === 'expand' ? 'migration' : label}`)),
    title: `${STAGE_TITLES[stage]}: ${keptOnly ? 'the statements that need no plan' : changes.map((c) => c.title).join('; ')}`,
    sql: ddl,
    transaction,
    repeat,
    rollback,
    restore,
    commands: pieces.flatMap((p) => p.step.commands ?? []),
    verify: unique(pieces.flatMap((p) => p.step.verify ?? []), (v) => v.sql),
    checklist: unique(pieces.flatMap((p) => p.step.checklist ?? []), (c) => c),
    irreversible: pieces.some((p) => p.step.irreversible),
    lost: pieces.flatMap((p) => p.step.lost ?? []),
    unrestored: pieces.flatMap((p) => p.step.unrestored ?? []),
    derived: pieces.flatMap((p) => p.step.derived ?? []),
    notes: unique([...keptNote, ...pieces.flatMap((p) => p.step.notes ?? [])], (n) => n),
    kinds: [...new Set(changes.map((c) => c.kind))],
    release: STAGES.indexOf(stage) > STAGES.indexOf('switch') ? 2 : 1,
  };
}

/** The first of each key, in order (merged steps share verifications such as the long-transaction check). */
function unique<T>(list: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((x) => !seen.has(key(x)) && !!seen.add(key(x)));
}

function firstLine(sql: string): string {
  // (it goes into a `--` comment: a `\r` must not end it)
  const line = escapeControl(sql.split('\n')[0], { keep: '\t' });
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

function bareName(sql: string): string {
  const parts = sql.split('.');
  return parts[parts.length - 1].replace(/"/g, '');
}

function sanitize(s: string): string {
  let out = '';
  for (const ch of s.toLowerCase()) out += /[a-z0-9_]/.test(ch) ? ch : '_';
  return out.replace(/_+/g, '_').replace(/^_|_$/g, '').slice(0, 60);
}
