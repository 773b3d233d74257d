import { defineRule } from '../src/engine/types.js';
import { describeLock } from '../src/analysis/lock-types.js';
import { displayName, type RangeVarLike } from '../src/analysis/names.js';
import { typeFromNode } from '../src/analysis/types.js';
import { volatileFunctions } from '../src/analysis/volatility.js';
import { alterCmds, effectLock, quoteIdent, relationSql, subcommandSpans } from '../src/analysis/alter-subcommands.js';

/** Words that end a DEFAULT expression inside a column definition (the next column constraint). */
const CONSTRAINT_START = new Set(['not', 'null', 'constraint', 'check', 'unique', 'primary', 'references', 'generated', 'collate', 'default', 'deferrable', 'initially']);

/** The text of the DEFAULT expression of a column definition, from the scanner tokens of its subcommand. */
function defaultText(text: string, tokens: Array<{ start: number; end: number; text: string }>, span: { start: number; end: number } | undefined): string | undefined {
  if (!span) return undefined;
  const inSpan = tokens.filter((t) => t.start >= span.start && t.end <= span.end);
  const at = inSpan.findIndex((t) => t.text.toLowerCase() === 'default');
  if (at < 0) return undefined;
  let depth = 0;
  let last: { end: number } | undefined;
  for (let j = at + 1; j < inSpan.length; j++) {
    const t = inSpan[j];
    if (depth === 0 && CONSTRAINT_START.has(t.text.toLowerCase())) break;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    last = t;
  }
  return last ? text.slice(inSpan[at + 1].start, last.end) : undefined;
}

export default defineRule({
  id: 'no-rewriting-default',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'ADD COLUMN that rewrites the whole table: a volatile default, any default before PG 11, serial, identity or a stored generated column',
    why:
      'Since PostgreSQL 11, ADD COLUMN … DEFAULT with a constant (or stable) default only updates the catalog. ' +
      'But when every row needs its own value — a volatile default such as gen_random_uuid(), random(), clock_timestamp() or nextval(), a serial/bigserial or identity column, or a GENERATED … STORED column — PostgreSQL rewrites the table and all its indexes while holding an ACCESS EXCLUSIVE lock: no reads, no writes, for minutes to hours on a large table, plus twice the disk space and a burst of WAL. ' +
      'Before PostgreSQL 11, any DEFAULT rewrites the table.',
    fix:
      'Add the column without the default, set the default for new rows (catalog-only), then backfill the existing rows in batches:\n\n' +
      'ALTER TABLE orders ADD COLUMN public_id uuid;\n' +
      'ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n' +
      '-- in batches, outside the schema migration:\n' +
      'UPDATE orders SET public_id = gen_random_uuid() WHERE id BETWEEN 1 AND 10000 AND public_id IS NULL;\n\n' +
      'For a serial or identity column, add a plain nullable bigint, backfill it from a sequence in batches, then attach the sequence with SET DEFAULT nextval(…) (or ADD GENERATED … AS IDENTITY once it is NOT NULL). ' +
      'For a computed column, use a virtual generated column on PostgreSQL >= 18, or a plain column kept up to date by a trigger and backfilled in batches.',
    example: {
      bad: 'ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();',
      good:
        'ALTER TABLE orders ADD COLUMN public_id uuid;\n' +
        'ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n' +
        '-- then backfill in batches',
    },
  },
  create: (ctx) => ({
    AlterTableStmt(node, stmt) {
      const rel: RangeVarLike | undefined = node.relation;
      if (node.objtype !== 'OBJECT_TABLE' || !rel || ctx.isNewTable(rel)) return;
      const table = displayName(rel);
      const rs = relationSql(rel);
      const spans = subcommandSpans(stmt, ctx.tokensOf(stmt));
      alterCmds(node).forEach((cmd, i) => {
        if (cmd.subtype !== 'AT_AddColumn') return;
        const def = cmd.def?.ColumnDef;
        if (!def) return;
        // the lock facts decide whether it rewrites (locks.ts addColumnRewrites); this rule says why
        const effect = ctx.cmdEffects(rel, cmd).find((e) => e.table === table && e.duration === 'rewrite');
        if (!effect) return;
        if (cmd.missing_ok && ctx.catalog.table(rel)?.columns.has(def.colname)) return;
        const lock = effectLock(effect);
        const cons: any[] = (def.constraints ?? []).map((c: any) => c?.Constraint).filter(Boolean);
        const col = quoteIdent(String(def.colname));
        const serial = def.typeName ? typeFromNode(def.typeName).serial : undefined;
        const identity = cons.find((c) => c.contype === 'CONSTR_IDENTITY');
        const generated = cons.find((c) => c.contype === 'CONSTR_GENERATED');
        const defaultExpr = def.raw_default ?? cons.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;

        let cause: string;
        let plan: string;
        if (serial || identity) {
          cause = serial ? `a ${serial} column takes a value from its sequence for every existing row` : 'an identity column takes a value from its sequence for every existing row';
          plan =
            `Add a plain nullable column (ALTER TABLE ${rs} ADD COLUMN ${col} bigint;), backfill it from a sequence in batches, ` +
            `then attach the sequence (ALTER COLUMN ${col} SET DEFAULT nextval(…), or ADD GENERATED BY DEFAULT AS IDENTITY once the column is NOT NULL)`;
        } else if (generated) {
          cause = ctx.pgVersion >= 18 ? 'a GENERATED … STORED column computes and stores a value for every existing row' : 'a generated column computes and stores a value for every existing row (before PostgreSQL 18 every generated column is STORED)';
          plan =
            ctx.pgVersion >= 18
              ? 'Make it a virtual generated column (GENERATED ALWAYS AS (…) VIRTUAL, computed on read), or add a plain column kept current by a trigger and backfill it in batches'
              : 'Add a plain column kept current by a trigger and backfill it in batches (or, on PostgreSQL >= 18, use a virtual generated column)';
        } else {
          const fns = volatileFunctions(defaultExpr);
          cause =
            ctx.pgVersion < 11
              ? `before PostgreSQL 11 any DEFAULT is written into every existing row`
              : fns.length
                ? `its DEFAULT calls ${fns.map((f) => `${f}()`).join(', ')} (volatile), so it is evaluated and stored for every existing row`
                : 'its volatile DEFAULT is evaluated and stored for every existing row';
          const expr = defaultText(ctx.file.source.text, ctx.tokensOf(stmt), spans?.[i]) ?? '…';
          plan =
            `Add the column without the default (ALTER TABLE ${rs} ADD COLUMN ${col} …;), then ALTER TABLE ${rs} ALTER COLUMN ${col} SET DEFAULT ${expr}; ` +
            '(catalog-only: applies to new rows), then backfill the existing rows in batches';
        }
        const span = spans?.[i];
        ctx.report({
          stmt,
          range: span ? [span.start, span.end] : undefined,
          node: span ? undefined : def,
          message: `ADD COLUMN "${def.colname}" rewrites existing table "${table}": ${cause}. ${describeLock(lock)}. ${plan}`,
          lock,
          // godwit plan rewrites volatile defaults and serials; identity and generated columns have no online plan
          plan: identity || generated ? undefined : 'add-column-default',
        });
      });
    },
  }),
});
