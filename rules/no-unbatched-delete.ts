import { defineRule } from '../src/engine/types.js';
import { reportUnbatched, reportUnbatchedMysql } from '../src/analysis/unbatched-dml.js';
import type { DmlBody, MysqlStatement } from '../src/dialects/mysql/types.js';

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
      reportUnbatched(ctx, node, stmt, {
        statement: 'DELETE from',
        verb: 'deletes',
        leaves: 'leaves dead tuples behind',
        instead: (k) => `Delete in batches, outside the schema migration:\nDELETE … WHERE ${k} IN (SELECT ${k} … LIMIT 5000), repeated with a pause until no rows are left.`,
        plan: 'batched-delete',
      });
    },
  }),
  mysql: (ctx) => ({
    Delete(body: DmlBody, stmt: MysqlStatement) {
      reportUnbatchedMysql(ctx, body, stmt, {
        statement: 'DELETE from',
        verb: 'deletes',
        instead: (k) => `Delete in batches instead: DELETE … WHERE … ORDER BY ${k} LIMIT 5000, repeated with a pause until no rows are left.`,
        plan: 'batched-delete',
      });
    },
  }),
});
