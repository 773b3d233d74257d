import { defineRule } from '../src/engine/types.js';
import { describeLock } from '../src/analysis/lock-types.js';
import { displayName } from '../src/analysis/names.js';
import { booleanOption } from '../src/analysis/concurrent-ops.js';
import { concurrentlyNeedsOwnMigration } from '../src/analysis/tx-origin.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

const KIND_WORD: Record<string, string> = {
  REINDEX_OBJECT_INDEX: 'INDEX',
  REINDEX_OBJECT_TABLE: 'TABLE',
  REINDEX_OBJECT_SCHEMA: 'SCHEMA',
  REINDEX_OBJECT_DATABASE: 'DATABASE',
};

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'pg_toast', 'information_schema']);

export default defineRule({
  id: 'require-concurrent-reindex',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'REINDEX without CONCURRENTLY (PostgreSQL 12+) blocks writes to the table, and reads through the index, for the whole rebuild',
    why:
      'A plain REINDEX takes a SHARE lock on the table (every INSERT, UPDATE and DELETE waits) and an ACCESS EXCLUSIVE lock on each ' +
      'index it rebuilds (every query that would use the index waits, already at planning time) until the rebuild ends: minutes to ' +
      'hours on a large table. REINDEX SCHEMA and REINDEX DATABASE do this to every table in turn. Since PostgreSQL 12, ' +
      'REINDEX CONCURRENTLY builds a new copy of the index next to the old one and swaps them, with only brief locks.',
    fix:
      'Rebuild with CONCURRENTLY (PostgreSQL 12+), outside a transaction block. A failed concurrent rebuild leaves an invalid ' +
      '`…_ccnew` index behind: drop it with DROP INDEX CONCURRENTLY and retry. System catalogs (REINDEX SYSTEM) cannot be ' +
      'rebuilt concurrently.\n\n' +
      'REINDEX INDEX CONCURRENTLY orders_customer_id_idx;\n' +
      'REINDEX TABLE CONCURRENTLY orders;\n' +
      '-- or, with the option list (PostgreSQL 14+):\n' +
      'REINDEX (CONCURRENTLY) TABLE orders;',
    example: {
      bad: 'REINDEX TABLE orders;',
      good: 'REINDEX TABLE CONCURRENTLY orders;',
    },
  },
  fixable: true,
  create: (ctx) => {
    /** schemas created (not IF NOT EXISTS) earlier in this file: everything in them is new */
    const newSchemas = new Set<string>();
    return {
      CreateSchemaStmt(node) {
        if (node.schemaname && !node.if_not_exists) newSchemas.add(node.schemaname);
      },
      ReindexStmt(node, stmt) {
        if (ctx.pgVersion < 12) return; // no REINDEX CONCURRENTLY before PostgreSQL 12
        const word = KIND_WORD[node.kind];
        if (!word) return; // REINDEX SYSTEM: system catalogs cannot be rebuilt concurrently
        const concurrently = booleanOption(node.params, 'concurrently');
        if (concurrently) return;

        let target: string;
        let detail: string;
        const lock = ctx.lockOf(stmt);
        if (node.kind === 'REINDEX_OBJECT_TABLE') {
          if (SYSTEM_SCHEMAS.has(node.relation?.schemaname ?? '')) return;
          if (ctx.isNewTable(node.relation)) return;
          target = displayName(node.relation);
          detail =
            `${lock ? describeLock(lock) : `SHARE lock on "${target}" blocks writes and DDL`};\n` +
            `each of its indexes is locked ACCESS EXCLUSIVE while it is rebuilt (queries that would use it wait).`;
        } else if (node.kind === 'REINDEX_OBJECT_INDEX') {
          if (SYSTEM_SCHEMAS.has(node.relation?.schemaname ?? '')) return;
          const idx = ctx.catalog.index(node.relation);
          if (idx && ctx.isNewTable(idx.table)) return;
          target = displayName(node.relation);
          const table = idx ? idx.table.replace(/^public\./, '') : undefined;
          detail =
            `ACCESS EXCLUSIVE lock on index "${target}" blocks every query that would use it,\n` +
            `and a SHARE lock on ${table ? `"${table}"` : 'its table'} blocks writes, for as long as the rebuild runs.`;
        } else if (node.kind === 'REINDEX_OBJECT_SCHEMA') {
          if (SYSTEM_SCHEMAS.has(node.name ?? '')) return;
          if (node.name && newSchemas.has(node.name) && !schemaHasHistory(node.name)) return;
          target = node.name ?? '';
          detail =
            `It rebuilds every index in schema "${target}", holding a SHARE lock on each table (blocks writes)\n` +
            `and an ACCESS EXCLUSIVE lock on each index (blocks queries that would use it) while it is rebuilt.`;
        } else {
          target = node.name ?? '';
          detail =
            `It rebuilds every index in the database, holding a SHARE lock on each table (blocks writes)\n` +
            `and an ACCESS EXCLUSIVE lock on each index (blocks queries that would use it) while it is rebuilt.`;
        }

        const written = node.kind === 'REINDEX_OBJECT_DATABASE' && !target ? 'REINDEX DATABASE' : `REINDEX ${word} "${target}"`;
        const head =
          node.kind === 'REINDEX_OBJECT_INDEX'
            ? `locks the index ACCESS EXCLUSIVE and its table SHARE`
            : node.kind === 'REINDEX_OBJECT_TABLE'
              ? `blocks writes to "${target}" (SHARE)`
              : 'blocks writes (SHARE) table by table';
        const written2 = node.kind === 'REINDEX_OBJECT_INDEX' || node.kind === 'REINDEX_OBJECT_TABLE' ? `REINDEX ${word}` : written;
        const message =
          concurrently === false
            ? `${written2} with CONCURRENTLY turned off ${head}.\n${detail}`
            : `${written2} without CONCURRENTLY ${head}.\n${detail}\nUse REINDEX … CONCURRENTLY (PostgreSQL 12+).${concurrentlyNeedsOwnMigration(ctx, stmt)}`;
        ctx.report({ stmt, message, fix: fixFor(stmt, concurrently) });
      },
    };

    function schemaHasHistory(schema: string): boolean {
      for (const t of ctx.catalog.tables.values()) if (t.schema === schema && t.origin === 'history') return true;
      return false;
    }

    /** `REINDEX [ (options) ] TABLE|INDEX|SCHEMA|DATABASE CONCURRENTLY name`: insert after the kind keyword */
    function fixFor(stmt: Statement, concurrently: boolean | undefined) {
      if (concurrently === false || ctx.inTransaction(stmt) || stmt.parent) return undefined;
      const tokens = ctx.tokensOf(stmt);
      let i = 1; // tokens[0] is REINDEX
      if (tokens[i]?.text === '(') {
        let depth = 0;
        for (; i < tokens.length; i++) {
          if (tokens[i].text === '(') depth++;
          else if (tokens[i].text === ')' && --depth === 0) break;
        }
        i++;
      }
      const kind = tokens[i];
      if (!kind || !['index', 'table', 'schema', 'database'].includes(kind.text.toLowerCase())) return undefined;
      return { range: [kind.end, kind.end] as [number, number], text: ' CONCURRENTLY' };
    }
  },
});
