import { defineRule } from '../src/engine/types.js';
import { lockSentence } from '../src/analysis/lock-types.js';
import { typeFromNode, typeToString, type ColumnType } from '../src/analysis/types.js';
import { clauseText, effectLock, forEachSubcommand, quoteIdent, relationSql } from '../src/analysis/alter-subcommands.js';

const SQL_NAMES: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  bpchar: 'char', varbit: 'bit varying', timestamptz: 'timestamptz',
};

/** The catalog's type of a column, spelled as SQL (`int4` → `integer`). */
function typeSql(t: ColumnType): string {
  return typeToString({ ...t, name: t.serial ? t.name : SQL_NAMES[t.name] ?? t.name });
}

/** Words that end the new type in `ALTER COLUMN … TYPE <type> [COLLATE …] [USING …]`. */
const TYPE_END = new Set(['using', 'collate']);

export default defineRule({
  id: 'no-column-type-change',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'ALTER COLUMN … TYPE that rewrites the table under ACCESS EXCLUSIVE',
    why:
      'Changing a column\'s type takes an ACCESS EXCLUSIVE lock — no reads, no writes — and, unless the old and new types are binary-coercible, rewrites every row and rebuilds every index of the table while holding it: minutes to hours of downtime on a large table, twice the disk space and a burst of WAL. ' +
      'A USING clause always rewrites. Binary-coercible changes are catalog-only: varchar(n) → varchar(m ≥ n) or text, numeric(p,s) → numeric(q ≥ p,s), cidr → inet, varbit(n) → varbit(m ≥ n), and dropping a length limit. ' +
      'Even a column type change that does not rewrite breaks old application code that still reads the old type.',
    fix:
      'Use expand-contract: add a new column, keep it in sync, backfill, switch, drop.\n\n' +
      'ALTER TABLE orders ADD COLUMN amount_new bigint;\n' +
      '-- a trigger copies amount into amount_new on INSERT/UPDATE\n' +
      '-- backfill in batches: UPDATE orders SET amount_new = amount WHERE id BETWEEN … AND …;\n' +
      '-- in one short transaction: rename amount → amount_old, amount_new → amount; drop the trigger\n' +
      'ALTER TABLE orders DROP COLUMN amount_old;  -- after no deployed code reads it\n\n' +
      'To widen a varchar, change it to text or a larger varchar: that is catalog-only.',
    example: {
      bad: 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;',
      good: 'ALTER TABLE orders ALTER COLUMN note TYPE text;  -- from varchar(200): binary-coercible, no rewrite',
    },
  },
  create: (ctx) => ({
    AlterTableStmt(node, stmt) {
      forEachSubcommand(ctx, node, stmt, (cmd, site) => {
        const { rel, table, effects } = site; // (`site.range` and `site.span` are read only to report: reading them scans the statement)
        if (cmd.subtype !== 'AT_AlterColumnType' || !cmd.name) return;
        // the lock facts decide: 'instant' when the catalog proves the change binary-coercible
        const effect = effects()[0];
        if (!effect || effect.duration === 'instant') return;
        const lock = effectLock(effect);
        const column: string = cmd.name;
        const def = cmd.def?.ColumnDef;
        // the new type as written (`TYPE bigint USING …` → `bigint`)
        const to = clauseText(ctx.file.source.text, ctx.tokensOf(stmt), site.span, 'type', TYPE_END) ?? (def?.typeName ? typeSql(typeFromNode(def.typeName)) : 'the new type');
        const old = ctx.catalog.table(rel)?.columns.get(column);

        let why: string;
        if (def?.raw_default) why = `A USING expression computes and rewrites every row.`;
        else if (!old) {
          why =
            `godwit does not know the current type of "${column}" (no migration history for "${table}"): it assumes a rewrite.\n` +
            'Binary-coercible changes are fine: varchar(n) → varchar(m ≥ n) or text, numeric(p,s) → numeric(q ≥ p,s),\n' +
            'cidr → inet, varbit widening.';
        } else why = `${typeSql(old.type)} → ${to} is not binary-coercible, so every row is rewritten and every index rebuilt.`;

        const col = quoteIdent(column);
        const tmp = quoteIdent(`${column}_new`);
        ctx.report({
          stmt,
          range: site.range,
          node: site.range ? undefined : def,
          message:
            `ALTER COLUMN "${column}" TYPE ${short(to)} ${lock.duration === 'scan' ? 'scans' : 'rewrites'} existing table "${table}" under ${lock.mode}.\n` +
            `${why}\n${lockSentence(lock)}\n` +
            `Expand-contract instead: ALTER TABLE ${relationSql(rel)} ADD COLUMN ${tmp} ${to};\n` +
            `keep it in sync with a trigger, backfill it in batches, then swap the names in one short transaction,\n` +
            `and drop the old ${col} once no code reads it (godwit plan).`,
          lock,
          plan: 'change-column-type',
        });
      });
    },
  }),
});

/** A type as written, cut for a headline (`numeric(12, 2)` stays, a long USING-less type name is cut). */
function short(type: string): string {
  return type.length > 30 ? `${type.slice(0, 29)}…` : type;
}
