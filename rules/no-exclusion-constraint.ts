import { defineRule } from '../src/engine/types.js';
import { lockSentence } from '../src/analysis/lock-types.js';
import { effectLock, forEachSubcommand } from '../src/analysis/alter-subcommands.js';

export default defineRule({
  id: 'no-exclusion-constraint',
  severity: 'warn',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'ADD CONSTRAINT … EXCLUDE on an existing table builds its index under ACCESS EXCLUSIVE, with no concurrent alternative',
    why:
      'An exclusion constraint is backed by an index (usually GiST) that is built while the ALTER TABLE holds an ACCESS EXCLUSIVE lock: every read and write of the table waits for the whole build. ' +
      'Unlike UNIQUE and PRIMARY KEY, an exclusion constraint cannot be attached from an index built with CREATE INDEX CONCURRENTLY, so there is no lock-free way to add one to a table in use.',
    fix:
      'Add it when the table is created, or build a new table with the constraint, backfill it in batches, and swap it in:\n\n' +
      'CREATE TABLE bookings_new (LIKE bookings INCLUDING ALL, EXCLUDE USING gist (room_id WITH =, during WITH &&));\n' +
      '-- backfill in batches, keep it in sync with a trigger, then rename in one short transaction\n\n' +
      'If the table is small enough that the build takes well under your lock budget, set a lock_timeout and accept it with a suppression: ' +
      '-- godwit-ignore no-exclusion-constraint -- <reason>',
    example: {
      bad: 'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);',
      good: 'CREATE TABLE bookings (id bigint PRIMARY KEY, room_id bigint, during tstzrange, EXCLUDE USING gist (room_id WITH =, during WITH &&));',
    },
  },
  create: (ctx) => ({
    AlterTableStmt(node, stmt) {
      forEachSubcommand(ctx, node, stmt, (cmd, site) => {
        const { table, effects } = site; // (`site.range` and `site.span` are read only to report: reading them scans the statement)
        const con = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
        if (con?.contype !== 'CONSTR_EXCLUSION') return;
        const lock = effectLock(effects()[0] ?? { table, mode: 'ACCESS EXCLUSIVE', duration: 'long' });
        ctx.report({
          stmt,
          range: site.range,
          node: site.range ? undefined : con,
          message:
            `ADD … EXCLUDE on existing table "${table}" builds its index under ${lock.mode}.\n` +
            `${lockSentence(lock)}\n` +
            'An exclusion constraint cannot be built concurrently: add it to a new table and backfill,\nor accept the lock for a small table with a suppression.',
          lock,
        });
      });
    },
  }),
});
