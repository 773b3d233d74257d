/**
 * ALTER COLUMN c SET NOT NULL on an existing table (a full scan under ACCESS EXCLUSIVE) →
 *   constrain  CHECK (c IS NOT NULL) NOT VALID (PostgreSQL >= 18: NOT NULL c NOT VALID)
 *   validate   VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on), then
 *              SET NOT NULL skips its scan and the CHECK is dropped (>= 12)
 */
import { notNullProven } from '../../analysis/locks.js';
import { longTransactions, notNullSteps, quoteIdent, tableRef } from '../sql.js';
import { add, change, existing, type CmdInput, type PlanOutcome } from './common.js';

export function planSetNotNull(ci: CmdInput): PlanOutcome {
  const { cmd, ctx, rel } = ci;
  if (!cmd.name || !existing(ctx, rel)) return null;
  const t = tableRef(rel, ctx.catalog);
  if (notNullProven(t.info, cmd.name, ctx.pgVersion)) return null;
  const col: string = cmd.name;
  const c = change(ci, 'set-not-null', t, `make ${t.sql}.${col} NOT NULL`, ci.text ? `ALTER TABLE ${t.sql} ${ci.text}` : ci.stmt.text);
  const steps = notNullSteps(t, col, ctx);
  add(c, 'constrain', {
    ...steps.constrain,
    verify: [longTransactions()],
    notes: [`from this phase on, writes that leave ${col} NULL fail (the constraint checks new rows at once; existing rows are checked by VALIDATE)`],
  });
  add(c, 'validate', steps.validate);
  c.notes.push(`if ${col} still holds NULLs, VALIDATE fails: backfill them in batches first (UPDATE … SET ${quoteIdent(col)} = … WHERE ${quoteIdent(col)} IS NULL AND <key range>)`);
  c.pgroll = [{ alter_column: { table: t.name, column: col, nullable: false, up: quoteIdent(col), down: quoteIdent(col) } }];
  c.pgrollNote = `pgroll fills rows written through the old schema with \`up\`: if ${col} can be NULL there, replace up with an expression that maps NULL to a value (e.g. COALESCE(${quoteIdent(col)}, …))`;
  return c;
}
