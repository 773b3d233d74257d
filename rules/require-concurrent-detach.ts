import { defineRule } from '../src/engine/types.js';
import { describeLock } from '../src/analysis/lock-types.js';
import { displayName, nameListToRange } from '../src/analysis/names.js';
import { concurrentlyNeedsOwnMigration } from '../src/analysis/tx-origin.js';

export default defineRule({
  id: 'require-concurrent-detach',
  severity: 'warn',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'ALTER TABLE … DETACH PARTITION without CONCURRENTLY (PostgreSQL 14+) locks the whole partitioned table',
    why:
      'A plain DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned (parent) table as well as on the partition. ' +
      'The detach itself is quick, but the lock must wait for every running query on any partition to finish, and while it waits ' +
      'every new query on the parent (reads included) queues behind it. Since PostgreSQL 14, DETACH PARTITION … CONCURRENTLY ' +
      'takes only a SHARE UPDATE EXCLUSIVE lock on the parent, so reads and writes go on.',
    fix:
      'Detach with CONCURRENTLY (PostgreSQL 14+). It cannot run inside a transaction block (put it in its own migration with the ' +
      "runner's transaction turned off) and it is refused while the partitioned table has a DEFAULT partition. If it is " +
      'interrupted, the partition is left "detach pending": finish it with ALTER TABLE … DETACH PARTITION … FINALIZE.\n\n' +
      'ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;',
    example: {
      bad: 'ALTER TABLE measurements DETACH PARTITION measurements_2020;',
      good: 'ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;',
    },
  },
  fixable: true,
  create: (ctx) => {
    /** parent table key → its DEFAULT partition's key, for partitions created or attached in this file */
    const defaults = new Map<string, string>();
    const forget = (partitionKey: string): void => {
      for (const [parent, part] of defaults) if (part === partitionKey) defaults.delete(parent);
    };
    return {
      CreateStmt(node) {
        const parent = node.inhRelations?.[0]?.RangeVar;
        if (node.partbound?.is_default && parent && node.relation) defaults.set(ctx.catalog.key(parent), ctx.catalog.key(node.relation));
      },
      DropStmt(node) {
        if (node.removeType !== 'OBJECT_TABLE') return;
        for (const o of node.objects ?? []) forget(ctx.catalog.key(nameListToRange(o.List?.items)));
      },
      AlterTableStmt(node, stmt) {
        const rel = node.relation;
        if (!rel || node.objtype !== 'OBJECT_TABLE') return;
        for (const c of node.cmds ?? []) {
          const cmd = c.AlterTableCmd;
          const partition = cmd?.def?.PartitionCmd?.name;
          if (cmd?.subtype === 'AT_AttachPartition' && cmd.def?.PartitionCmd?.bound?.is_default && partition) {
            defaults.set(ctx.catalog.key(rel), ctx.catalog.key(partition));
          }
          if (cmd?.subtype !== 'AT_DetachPartition') continue;
          const parentKey = ctx.catalog.key(rel);
          const defaultPartition = defaults.get(parentKey);
          if (partition) forget(ctx.catalog.key(partition));
          if (ctx.pgVersion < 14 || cmd.def.PartitionCmd.concurrent) continue;
          if (ctx.isNewTable(rel)) continue; // a partitioned table created in this migration has no traffic yet

          const parent = displayName(rel);
          const lock = ctx.locksOf(stmt).find((l) => l.table === parent) ?? ctx.lockOf(stmt);
          let message =
            `DETACH PARTITION without CONCURRENTLY locks "${parent}" ${lock?.mode ?? 'ACCESS EXCLUSIVE'}.\n` +
            `${lock ? describeLock(lock) : `ACCESS EXCLUSIVE lock on "${parent}" blocks reads, writes and DDL`}.\n` +
            `While it waits for running queries, every new query on "${parent}" and its partitions queues behind it.`;
          if (defaultPartition) {
            message += `\nCONCURRENTLY is refused while "${parent}" has the DEFAULT partition "${defaultPartition.replace(/^public\./, '')}".`;
          } else {
            message += '\nUse DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+).';
            message += concurrentlyNeedsOwnMigration(ctx, stmt);
          }
          const canFix = !defaultPartition && !ctx.inTransaction(stmt) && !stmt.parent && stmt.end > stmt.start;
          ctx.report({
            stmt,
            message,
            lock,
            // DETACH PARTITION name [ CONCURRENTLY | FINALIZE ]: the option goes last
            fix: canFix ? { range: [stmt.end, stmt.end], text: ' CONCURRENTLY' } : undefined,
          });
        }
      },
    };
  },
});
