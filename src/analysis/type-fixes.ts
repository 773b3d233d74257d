/**
 * The column type rules (prefer-bigint, prefer-identity, prefer-jsonb, prefer-text,
 * prefer-timestamptz): they visit the columns whose type a statement writes (column-defs.ts),
 * find where the type is written (type-span.ts), and fix it by replacing that text.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import type { Edit, RuleContext, Visitors } from '../engine/types.js';
import { columnsOfAlter, columnsOfCreate, type WrittenColumn } from './column-defs.js';
import { typeSpanAt, type TypeSpan } from './type-span.js';

/** Visitors that hand `check` the columns each CREATE TABLE and ALTER TABLE writes. */
export function writtenColumnVisitors(ctx: RuleContext, check: (stmt: Statement, cols: WrittenColumn[]) => void): Visitors {
  return {
    CreateStmt(node, stmt) {
      check(stmt, columnsOfCreate(node));
    },
    AlterTableStmt(node, stmt) {
      check(stmt, columnsOfAlter(node, ctx.catalog));
    },
  };
}

/** Where the column's type is written in the file; undefined where the statement has no tokens (SQL in a DO block's body). */
export function writtenTypeSpan(ctx: RuleContext, stmt: Statement, c: WrittenColumn): TypeSpan | undefined {
  const loc = typeof c.typeName.location === 'number' ? stmt.locate(c.typeName.location) : -1;
  return loc >= 0 ? typeSpanAt(ctx.tokensOf(stmt), loc, ctx.file.source.text) : undefined;
}

/** The edit that writes `text` in place of the column's type; none under USING (the expression was written for the type as it stands). */
export function replaceTypeFix(c: WrittenColumn, span: TypeSpan | undefined, text: string): Edit | undefined {
  return span && !c.using ? { range: [span.start, span.end], text } : undefined;
}

/** The type's numeric modifiers as written: `varchar(20)` → [20], `timestamp(3)` → [3]. */
export function typeModifiers(c: WrittenColumn): number[] {
  return (c.typeName.typmods ?? []).map((m: any) => Number(m?.A_Const?.ival?.ival ?? 0));
}
