/** What every planner receives, and small shared pieces. */
import type { ParsedFile, Statement } from '../../dialects/postgresql/types.js';
import type { RangeVarLike } from '../../analysis/names.js';
import type { Span } from '../../analysis/alter-subcommands.js';
import type { Change, PlanKind, Stage, Step } from '../types.js';
import { doBlock, lit, quoteIdent, regclass, type PlanContext, type TableRef } from '../sql.js';

export interface PlanInput {
  file: ParsedFile;
  stmt: Statement;
  ctx: PlanContext;
  statements: Statement[];
}

/** One ALTER TABLE subcommand. */
export interface CmdInput extends PlanInput {
  cmd: any;
  rel: RangeVarLike;
  /** the subcommand's span and text (undefined when the split failed) */
  span?: Span;
  text?: string;
}

/** A statement godwit recognises as unsafe but cannot plan: kept as written, with the reason. */
export interface Unplanned {
  unplanned: string;
}

export type PlanOutcome = Change | Unplanned | null;

export function isUnplanned(x: PlanOutcome): x is Unplanned {
  return !!x && 'unplanned' in x;
}

/** Not created earlier in this file (an unknown table counts as existing: the conservative answer). */
export function existing(ctx: PlanContext, rel: RangeVarLike | undefined): boolean {
  if (!rel) return false;
  return ctx.catalog.table(rel)?.origin !== 'file';
}

export function lineOf(input: PlanInput): number {
  return input.file.source.position(input.stmt.start).line;
}

export function change(input: PlanInput, kind: PlanKind, t: TableRef, title: string, source: string): Change {
  return { kind, title, statementIndex: input.stmt.index, source, line: lineOf(input), table: t.sql, steps: [], notes: [] };
}

export function add(c: Change, stage: Stage, step: Step): void {
  c.steps.push({ stage, step });
}

/**
 * ALTER TABLE … ADD COLUMN `target` with the type of `source`: static when the catalog knows
 * the type, otherwise read from the server's catalog at run time.
 */
export function addColumnLike(t: TableRef, target: string, source: string, typeSql: string | undefined): string {
  if (typeSql) return `ALTER TABLE ${t.sql} ADD COLUMN ${quoteIdent(target)} ${typeSql}`;
  return doBlock(
    `-- the type of ${source}, read from the server (the migration history does not say)\nBEGIN\n` +
      `  EXECUTE format('ALTER TABLE %s ADD COLUMN %I %s', ${lit(t.sql)}, ${lit(target)},\n` +
      `    (SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = ${regclass(t)} AND attname = ${lit(source)} AND NOT attisdropped));\nEND`,
  );
}

/**
 * Move a column's DEFAULT (and the ownership of its serial sequence) to another column, read
 * from the server: the catalog replay does not keep default expressions.
 */
export function moveDefault(t: TableRef, from: string, to: string): string {
  const attnum = `(SELECT attnum FROM pg_attribute WHERE attrelid = ${regclass(t)} AND attname = ${lit(from)} AND NOT attisdropped)`;
  return doBlock(
    `-- move the DEFAULT of ${from} (and its sequence, if it owns one) to ${to}\n` +
      `DECLARE\n  godwit_default text;\n  godwit_seq text;\nBEGIN\n` +
      `  SELECT pg_get_expr(adbin, adrelid) INTO godwit_default FROM pg_attrdef WHERE adrelid = ${regclass(t)} AND adnum = ${attnum};\n` +
      `  IF godwit_default IS NOT NULL THEN\n` +
      `    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', ${lit(t.sql)}, ${lit(to)}, godwit_default);\n` +
      `    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', ${lit(t.sql)}, ${lit(from)});\n  END IF;\n` +
      `  godwit_seq := pg_get_serial_sequence(${lit(t.sql)}, ${lit(from)});\n` +
      `  IF godwit_seq IS NOT NULL THEN\n` +
      `    EXECUTE format('ALTER SEQUENCE %s OWNED BY %s.%I', godwit_seq, ${lit(t.sql)}, ${lit(to)});\n  END IF;\nEND`,
  );
}

/** A godwit-ignore comment (with its reason) for the statement it precedes: the plan made that statement safe. */
export function ignore(rule: string, reason: string): string {
  return `-- godwit-ignore ${rule} -- ${reason}\n`;
}

/** Widen (or narrow) the sequence a column owns to an integer type, read from the server: a serial's sequence is AS integer. */
export function sequenceAs(t: TableRef, col: string, type: string): string {
  return doBlock(
    `-- the sequence ${col} owns follows the column's type\nDECLARE\n  godwit_seq text := pg_get_serial_sequence(${lit(t.sql)}, ${lit(col)});\nBEGIN\n` +
      `  IF godwit_seq IS NOT NULL THEN\n    EXECUTE format('ALTER SEQUENCE %s AS ${type}', godwit_seq);\n  END IF;\nEND`,
  );
}

const INTEGER_TYPES: Record<string, string> = { smallint: 'smallint', int2: 'smallint', integer: 'integer', int: 'integer', int4: 'integer', bigint: 'bigint', int8: 'bigint' };

/** The integer type a type name spells, if it is one. */
export function integerType(type: string | undefined): string | undefined {
  return type ? INTEGER_TYPES[type.trim().toLowerCase()] : undefined;
}
