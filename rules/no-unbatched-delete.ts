import { defineRule } from '../src/engine/types.js';
import { describeLock } from '../src/analysis/lock-types.js';
import { displayName } from '../src/analysis/names.js';
import { analyzeBatch, isSystemCatalog } from '../src/analysis/batching.js';

/** statements that run their DML (a CREATE FUNCTION/RULE body, a PREPARE or a plain EXPLAIN does not) */
const EXECUTED = new Set(['UpdateStmt', 'DeleteStmt', 'InsertStmt', 'SelectStmt']);

export default defineRule({
  id: 'no-unbatched-delete',
  severity: 'warn',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'DELETE from an existing table whose WHERE does not bound the batch: the whole purge runs as one statement',
    why:
      'A DELETE locks every row it removes until its transaction commits, so application writes to those rows wait for the whole statement. ' +
      'On a large table it is one long transaction: a burst of WAL (replicas lag), VACUUM held back everywhere, and every deleted row left as a dead tuple until VACUUM catches up (bloat, slower scans). ' +
      'Cascading foreign keys multiply the work, and a failure halfway rolls all of it back. A filter such as `created_at < now() - interval \'90 days\'` still matches the whole backlog the first time.',
    fix:
      'Delete in batches bounded by the key, each batch its own short transaction, with a pause between them, outside the schema migration. Repeat until it deletes no rows:\n\n' +
      "DELETE FROM events\nWHERE id IN (SELECT id FROM events WHERE created_at < now() - interval '90 days' ORDER BY id LIMIT 5000);\n\n" +
      'For a whole table, or a whole time range in a partitioned table, TRUNCATE or DROP/DETACH the partition instead.',
    example: {
      bad: "DELETE FROM events WHERE created_at < now() - interval '90 days';",
      good: "DELETE FROM events\nWHERE id IN (SELECT id FROM events WHERE created_at < now() - interval '90 days' LIMIT 5000);",
    },
  },
  create: (ctx) => ({
    DeleteStmt(node, stmt) {
      if (!EXECUTED.has(stmt.kind) || !node.relation || ctx.isNewTable(node.relation) || isSystemCatalog(node.relation)) return;
      const verdict = analyzeBatch(node, { catalog: ctx.catalog, plpgsql: !!stmt.parent });
      if (verdict.bounded) return;
      const table = displayName(node.relation);
      const lock = ctx.locksOf(stmt).find((l) => l.table === table);
      const where = stmt.parent ? ' inside a DO block (one transaction for the whole block)' : '';
      const k = verdict.key;
      ctx.report({
        stmt,
        // a data-modifying CTE: point at its table; otherwise the statement
        node: node === stmt.body ? undefined : node.relation,
        message:
          `DELETE from existing table "${table}" is not batched (${verdict.reason})${where}: every row it deletes stays locked until commit` +
          `${lock ? ` (${describeLock(lock)})` : ', blocking concurrent writes to those rows'}, ` +
          `and one long transaction writes a burst of WAL and leaves dead tuples behind. ` +
          `Delete in batches instead: DELETE … WHERE ${k} IN (SELECT ${k} … LIMIT 5000), repeated with a pause until no rows are left, run outside the schema migration`,
        lock: lock ?? null,
        plan: 'batched-delete',
      });
    },
  }),
});
