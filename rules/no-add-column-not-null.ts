import { defineRule } from '../src/engine/types.js';
import { typeFromNode } from '../src/analysis/types.js';
import { effectLock, forEachSubcommand, quoteIdent, relationSql } from '../src/analysis/alter-subcommands.js';

/** A default expression that is just NULL (`DEFAULT NULL`, `DEFAULT NULL::text`). */
function isNullLiteral(expr: any): boolean {
  if (!expr) return false;
  if (expr.TypeCast) return isNullLiteral(expr.TypeCast.arg);
  return expr.A_Const?.isnull === true;
}

export default defineRule({
  id: 'no-add-column-not-null',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'ADD COLUMN … NOT NULL without a DEFAULT on an existing table fails on any non-empty table',
    why:
      'Existing rows get NULL in a new column without a default, so NOT NULL (or PRIMARY KEY) rejects them: the migration fails with "column … contains null values" as soon as the table has one row. ' +
      'It passes against an empty development database and breaks in production, often halfway through a deploy.',
    fix:
      'Add the column nullable, backfill it in batches, then enforce NOT NULL without a long lock (PostgreSQL >= 12):\n\n' +
      'ALTER TABLE users ADD COLUMN status text;\n' +
      '-- backfill in batches: UPDATE users SET status = \'active\' WHERE id BETWEEN … AND … AND status IS NULL;\n' +
      'ALTER TABLE users ADD CONSTRAINT users_status_not_null CHECK (status IS NOT NULL) NOT VALID;\n' +
      'ALTER TABLE users VALIDATE CONSTRAINT users_status_not_null;\n' +
      'ALTER TABLE users ALTER COLUMN status SET NOT NULL;\n' +
      'ALTER TABLE users DROP CONSTRAINT users_status_not_null;\n\n' +
      'When one value fits every existing row, a constant DEFAULT is simpler: on PostgreSQL >= 11 it is a catalog-only change.\n\n' +
      "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';",
    example: {
      bad: 'ALTER TABLE users ADD COLUMN status text NOT NULL;',
      good: "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';",
    },
  },
  create: (ctx) => ({
    AlterTableStmt(node, stmt) {
      forEachSubcommand(ctx, node, stmt, (cmd, site) => {
        const { rel, table, effects } = site; // (`site.range` and `site.span` are read only to report: reading them scans the statement)
        if (cmd.subtype !== 'AT_AddColumn') return;
        const def = cmd.def?.ColumnDef;
        if (!def) return;
        // ADD COLUMN IF NOT EXISTS of a column the catalog already has is a no-op
        if (cmd.missing_ok && ctx.catalog.table(rel)?.columns.has(def.colname)) return;
        const cons: any[] = (def.constraints ?? []).map((c: any) => c?.Constraint).filter(Boolean);
        const notNull = cons.find((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
        if (!notNull) return;
        // identity, serial and generated columns produce a value for every existing row
        if (def.typeName && typeFromNode(def.typeName).serial) return;
        if (cons.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED') || def.identity || def.generated) return;
        const defaults = [def.raw_default, ...cons.filter((c) => c.contype === 'CONSTR_DEFAULT').map((c) => c.raw_expr)].filter(Boolean);
        if (defaults.length && !defaults.every(isNullLiteral)) return;

        const col = quoteIdent(String(def.colname));
        const rs = relationSql(rel);
        const check = quoteIdent(`${rel.relname}_${def.colname}_not_null`);
        const pk = notNull.contype === 'CONSTR_PRIMARY';
        const pkName = quoteIdent(`${rel.relname}_pkey`);
        const what = pk ? 'PRIMARY KEY (so NOT NULL)' : 'NOT NULL';
        const effect = effects()[0];
        ctx.report({
          stmt,
          range: site.range,
          node: site.range ? undefined : def,
          message:
            `ADD COLUMN "${def.colname}" ${what} ${defaults.length ? 'with DEFAULT NULL' : 'without a DEFAULT'} fails on existing table "${table}".\n` +
            `Every existing row gets NULL, so the migration fails on any non-empty table.\n` +
            `Add it nullable, backfill it in batches, then enforce it:\n` +
            `ALTER TABLE ${rs} ADD COLUMN ${col} …;\n` +
            `ALTER TABLE ${rs} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;\n` +
            `ALTER TABLE ${rs} VALIDATE CONSTRAINT ${check};\n` +
            (ctx.pgVersion >= 12
              ? `ALTER TABLE ${rs} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${rs} DROP CONSTRAINT ${check};`
              : `(before PostgreSQL 12, SET NOT NULL always scans the table: keep the CHECK as the enforcement)`) +
            (pk
              ? `\nCREATE UNIQUE INDEX CONCURRENTLY ${pkName} ON ${rs} (${col});\nALTER TABLE ${rs} ADD CONSTRAINT ${pkName} PRIMARY KEY USING INDEX ${pkName};`
              : ctx.pgVersion >= 11
                ? '\nOr, if one value fits every row, give it a constant DEFAULT (catalog-only on PostgreSQL >= 11).'
                : ''),
          lock: effect ? effectLock(effect) : null,
          plan: 'add-column-not-null',
        });
      });
    },
  }),
});
