import { defineRule } from '../src/engine/types.js';
import { describeLock } from '../src/analysis/lock-types.js';
import { displayName } from '../src/analysis/names.js';

export default defineRule({
  id: 'require-concurrent-refresh',
  severity: 'warn',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view for the whole refresh',
    why:
      'A plain REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the materialized view and holds it while it re-runs ' +
      'the whole query and replaces the contents: every SELECT on the view waits, for as long as the query takes. ' +
      'REFRESH … CONCURRENTLY computes the new contents next to the old ones and applies the difference under an EXCLUSIVE ' +
      'lock, which lets reads go on.',
    fix:
      'Refresh with CONCURRENTLY. It needs a UNIQUE index on the materialized view that uses only column names (no expressions) ' +
      'and has no WHERE clause, and the view must already be populated (not created WITH NO DATA). Unlike CREATE INDEX ' +
      'CONCURRENTLY it may run inside a transaction block.\n\n' +
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS daily_sales_day_key ON daily_sales (day);\n' +
      'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;',
    example: {
      bad: 'REFRESH MATERIALIZED VIEW daily_sales;',
      good: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;',
    },
  },
  fixable: true,
  hasSuggestions: true,
  create: (ctx) => ({
    RefreshMatViewStmt(node, stmt) {
      // WITH NO DATA empties the view (and cannot be concurrent); a view created in this migration has no readers yet
      if (node.concurrent || node.skipData || ctx.isNewTable(node.relation)) return;
      const name = displayName(node.relation);
      const lock = ctx.lockOf(stmt);
      const key = ctx.catalog.key(node.relation);
      let uniqueIndex: string | undefined;
      // REFRESH … CONCURRENTLY needs a unique index on plain columns without WHERE
      for (const idx of ctx.catalog.indexes.values()) {
        if (idx.table === key && idx.unique && idx.columns.length && !idx.partial && !idx.expressions) uniqueIndex = idx.name;
      }

      const view = ctx.findToken(stmt, 'view', undefined, node.relation); // (written before the view's name)
      const edit = view && !stmt.parent ? { range: [view.end, view.end] as [number, number], text: ' CONCURRENTLY' } : undefined;
      const message =
        `REFRESH without CONCURRENTLY locks materialized view "${name}" ${lock?.mode ?? 'ACCESS EXCLUSIVE'}.\n` +
        `${lock ? describeLock(lock) : `ACCESS EXCLUSIVE lock on "${name}" blocks reads, writes and DDL for as long as the operation runs`}.\n` +
        (uniqueIndex
          ? `It has the unique index "${uniqueIndex}", so REFRESH MATERIALIZED VIEW CONCURRENTLY can be used.`
          : `REFRESH … CONCURRENTLY needs a unique index on "${name}" over plain columns, without WHERE.`);
      ctx.report({
        stmt,
        message,
        // the fix is only automatic when a usable unique index is known; otherwise it is a suggestion
        fix: uniqueIndex ? edit : undefined,
        suggestions:
          !uniqueIndex && edit
            ? [{ desc: `Add CONCURRENTLY (first create a unique index on "${name}")`, fix: edit }]
            : undefined,
      });
    },
  }),
});
