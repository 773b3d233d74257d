import { defineRule } from '../src/engine/types.js';
import { describeLock, type Lock } from '../src/analysis/lock-types.js';
import { displayName } from '../src/analysis/names.js';
import { booleanOption } from '../src/analysis/concurrent-ops.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

/** ALTER TABLE subcommands that rewrite the relation under ACCESS EXCLUSIVE */
const REWRITE_CMDS: Record<string, (cmd: any) => string> = {
  AT_SetTableSpace: (cmd) => `SET TABLESPACE ${cmd.name}`,
  AT_SetLogged: () => 'SET LOGGED',
  AT_SetUnLogged: () => 'SET UNLOGGED',
  AT_SetAccessMethod: (cmd) => `SET ACCESS METHOD ${cmd.name ?? 'DEFAULT'}`,
};

const OBJECT_WORD: Record<string, string> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_INDEX: 'INDEX',
};

export default defineRule({
  id: 'no-table-rewrite',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'VACUUM FULL, CLUSTER, SET TABLESPACE, SET LOGGED/UNLOGGED and SET ACCESS METHOD rewrite the whole table under ACCESS EXCLUSIVE',
    why:
      'These commands copy every row of the table (and rebuild every index) into new files while holding an ACCESS EXCLUSIVE ' +
      'lock: every SELECT, INSERT, UPDATE and DELETE on the table waits until the copy is done, which on a large table takes ' +
      'minutes to hours, and the table needs up to twice its disk space meanwhile. VACUUM FULL or CLUSTER without a table name ' +
      'does this to every table in the database (or every clustered table), one after another. ' +
      'ALTER INDEX … SET TABLESPACE copies the index the same way, and queries that would use it wait.',
    fix:
      'Reclaim space or reorder rows online with pg_repack or pg_squeeze, which build the new copy while the table stays ' +
      'readable and writable and take ACCESS EXCLUSIVE only for a brief swap (on servers that have it, REPACK … CONCURRENTLY ' +
      'does the same in core). Plain VACUUM (without FULL) never blocks reads or writes. Move tables between tablespaces or ' +
      'change persistence in a maintenance window, or by building a new table and switching over.\n\n' +
      '-- instead of VACUUM FULL orders; / CLUSTER orders USING orders_created_at_idx;\n' +
      '$ pg_repack --table=public.orders --order-by=created_at mydb\n' +
      'VACUUM (ANALYZE) orders;',
    example: {
      bad: 'VACUUM FULL orders;',
      good: 'VACUUM (ANALYZE) orders;  -- and pg_repack --table=orders for space reclamation',
    },
  },
  create: (ctx) => {
    const lockOn = (stmt: Statement, table: string): Lock | undefined => ctx.locksOf(stmt).find((l) => l.table === table);
    const lockText = (lock: Lock | undefined, table: string): string =>
      lock ? describeLock(lock) : `ACCESS EXCLUSIVE lock on "${table}" blocks reads, writes and DDL while it rewrites the whole table`;
    const ONLINE = 'Use pg_repack or pg_squeeze (or REPACK … CONCURRENTLY where the server has it) to do it online.';
    /**
     * VACUUM, and CLUSTER of every table, refuse to run in a transaction block or a function: then
     * the failure is the finding (one finding per statement), and the rewrite what it would do
     * once moved out
     */
    const failure = (stmt: Statement, what: string): string | undefined =>
      ctx.inTransaction(stmt) ? `"${what} cannot run inside a transaction block"` : stmt.parent ? `"${what} cannot be executed from a function"` : undefined;
    const report = (stmt: Statement, subject: string, action: string, details: string, lock?: Lock, node?: unknown, fails?: string, plan?: 'repack'): void => {
      const message = fails
        ? `${subject} fails here: ${fails.slice(1, -1)}.\nRun outside a transaction, it ${action}.\n${details}\n${ONLINE}`
        : `${subject} ${action}.\n${details}\n${ONLINE}`;
      ctx.report({ stmt, node: node as { location?: number } | undefined, message, ...(lock ? { lock } : {}), ...(plan ? { plan } : {}) });
    };
    return {
      VacuumStmt(node, stmt) {
        if (!node.is_vacuumcmd || !booleanOption(node.options, 'full')) return;
        const fails = failure(stmt, 'VACUUM');
        const rels: any[] = (node.rels ?? []).map((r: any) => r.VacuumRelation?.relation).filter(Boolean);
        if (!rels.length) {
          report(stmt, 'VACUUM FULL without a table', 'rewrites every table in the database under ACCESS EXCLUSIVE',
            'One after another, each table is locked ACCESS EXCLUSIVE (reads, writes and DDL wait) while it is rewritten.', undefined, undefined, fails);
          return;
        }
        for (const rel of rels) {
          if (ctx.isNewTable(rel)) continue;
          const table = displayName(rel);
          const lock = lockOn(stmt, table);
          report(stmt, `VACUUM FULL of existing table "${table}"`, `rewrites "${table}" under ACCESS EXCLUSIVE`, `${lockText(lock, table)}.`, lock, rel, fails, 'repack');
        }
      },
      ClusterStmt(node, stmt) {
        if (!node.relation) {
          report(stmt, 'CLUSTER without a table', 'rewrites every clustered table in the database under ACCESS EXCLUSIVE',
            'One after another, each table is locked ACCESS EXCLUSIVE (reads, writes and DDL wait) while it is rewritten.', undefined, undefined, failure(stmt, 'CLUSTER'));
          return;
        }
        if (ctx.isNewTable(node.relation)) return;
        const table = displayName(node.relation);
        const lock = lockOn(stmt, table);
        const using = node.indexname ? `\nIt orders the rows by ${node.indexname}.` : '';
        report(stmt, `CLUSTER of existing table "${table}"`, `rewrites "${table}" under ACCESS EXCLUSIVE`, `${lockText(lock, table)}.${using}`, lock, undefined, undefined, 'repack');
      },
      AlterTableStmt(node, stmt) {
        const word = OBJECT_WORD[node.objtype];
        if (!word || !node.relation) return;
        const what = (node.cmds ?? []).map((c: any) => c.AlterTableCmd).filter((cmd: any) => cmd && REWRITE_CMDS[cmd.subtype]);
        if (!what.length) return;
        const name = displayName(node.relation);
        const how = what.map((cmd: any) => REWRITE_CMDS[cmd.subtype](cmd)).join(', ');
        if (node.objtype === 'OBJECT_INDEX') {
          const idx = ctx.catalog.index(node.relation);
          if (idx && ctx.isNewTable(idx.table)) return;
          const table = idx ? idx.table.replace(/^public\./, '') : undefined;
          ctx.report({
            stmt,
            message:
              `${how} copies index "${name}" under ACCESS EXCLUSIVE on it.\n` +
              `Queries on ${table ? `"${table}"` : 'its table'} that would use the index wait until the copy is done.\n` +
              'Move it in a maintenance window, or build a copy with CREATE INDEX CONCURRENTLY … TABLESPACE and drop the old one.',
          });
          return;
        }
        if (ctx.isNewTable(node.relation)) return;
        const lock = lockOn(stmt, name);
        const kind = word === 'TABLE' ? 'table' : 'materialized view';
        ctx.report({
          stmt,
          message:
            `${how} rewrites existing ${kind} "${name}" under ACCESS EXCLUSIVE.\n${lockText(lock, name)}.\n` +
            (what.some((cmd: any) => cmd.subtype === 'AT_SetTableSpace')
              ? 'Move it in a maintenance window, or build a copy in the new tablespace and switch over.'
              : 'Do it in a maintenance window, or build a new table and switch over.'),
          lock,
        });
      },
      AlterTableMoveAllStmt(node, stmt) {
        const word = OBJECT_WORD[node.objtype] ?? 'TABLE';
        ctx.report({
          stmt,
          message:
            `ALTER ${word} ALL IN TABLESPACE ${node.orig_tablespacename} copies every such relation under ACCESS EXCLUSIVE.\n` +
            `Each one moves to ${node.new_tablespacename} under an ACCESS EXCLUSIVE lock that blocks reads, writes and DDL while it is copied.`,
        });
      },
    };
  },
});
