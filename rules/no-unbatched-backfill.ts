import { defineRule } from '../src/engine/types.js';
import { reportUnbatched, reportUnbatchedMysql } from '../src/analysis/unbatched-dml.js';
import type { DmlBody, MysqlStatement } from '../src/dialects/mysql/types.js';

export default defineRule({
  id: 'no-unbatched-backfill',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'UPDATE of an existing table whose WHERE does not bound the batch: the whole backfill runs as one statement',
    why:
      'An UPDATE locks every row it changes until its transaction commits, so application writes to those rows wait (lock timeouts, piled-up connections) for the whole backfill. ' +
      'One statement over a large table is one long transaction: it writes a burst of WAL (replicas lag, disk fills), keeps VACUUM from cleaning up anywhere in the database, and leaves a dead copy of every updated row (bloat). ' +
      'If it fails or is cancelled halfway, all of it rolls back. A WHERE that only filters (`col IS NULL`, `status = \'x\'`) does not help: it still matches the whole table the first time.',
    fix:
      'Backfill in batches bounded by the key, each batch its own short transaction, with a pause between them, run outside the schema migration (a separate data migration or a background job):\n\n' +
      'DO $$\nDECLARE\n  last_id bigint := 0;\n  max_id bigint;\nBEGIN\n  SELECT max(id) INTO max_id FROM users;\n  WHILE last_id < max_id LOOP\n' +
      '    UPDATE users SET display_name = first_name || \' \' || last_name\n    WHERE id > last_id AND id <= last_id + 1000 AND display_name IS NULL;\n' +
      '    last_id := last_id + 1000;\n    COMMIT;               -- PG 11+, when the DO block is not inside a transaction block\n    PERFORM pg_sleep(0.1);\n  END LOOP;\nEND $$;\n\n' +
      'or, from a script, repeat until it updates no rows:\n\n' +
      'UPDATE users SET display_name = first_name || \' \' || last_name\nWHERE id IN (SELECT id FROM users WHERE display_name IS NULL LIMIT 1000);',
    example: {
      bad: "UPDATE users SET display_name = first_name || ' ' || last_name WHERE display_name IS NULL;",
      good: "UPDATE users SET display_name = first_name || ' ' || last_name\nWHERE display_name IS NULL AND id IN (SELECT id FROM users WHERE display_name IS NULL LIMIT 1000);",
    },
  },
  create: (ctx) => ({
    UpdateStmt(node, stmt) {
      reportUnbatched(ctx, node, stmt, {
        statement: 'UPDATE of',
        verb: 'changes',
        leaves: 'leaves the table bloated',
        instead: (k) => `Backfill in batches, outside the schema migration:\na keyset loop (WHERE ${k} > last_id AND ${k} <= last_id + 1000) with a pause between batches`,
        plan: 'batched-backfill',
      });
    },
  }),
  mysql: (ctx) => ({
    Update(body: DmlBody, stmt: MysqlStatement) {
      reportUnbatchedMysql(ctx, body, stmt, {
        statement: 'UPDATE of',
        verb: 'changes',
        instead: (k) => `Backfill in batches instead: UPDATE … WHERE ${k} > last_id ORDER BY ${k} LIMIT 1000, repeated with a pause, run outside the schema migration.`,
        plan: 'batched-backfill',
      });
    },
  }),
});
