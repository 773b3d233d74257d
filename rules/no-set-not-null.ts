import { defineRule } from '../src/engine/types.js';
import { lockSentence } from '../src/analysis/lock-types.js';
import type { RangeVarLike } from '../src/analysis/names.js';
import { effectLock, forEachSubcommand, quoteIdent, relationSql } from '../src/analysis/alter-subcommands.js';
import { ConstraintLog } from '../src/analysis/constraint-log.js';

export default defineRule({
  id: 'no-set-not-null',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'ALTER COLUMN … SET NOT NULL on an existing table scans the whole table under ACCESS EXCLUSIVE',
    why:
      'SET NOT NULL takes an ACCESS EXCLUSIVE lock — no reads, no writes — and keeps it while PostgreSQL reads every row to check for NULLs. On a large table that is minutes of downtime. ' +
      'Since PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL) constraint already proves it; on PostgreSQL 18 a validated NOT NULL constraint added NOT VALID does the same. ' +
      'PostgreSQL 18\'s ADD CONSTRAINT … NOT NULL col without NOT VALID scans like SET NOT NULL.',
    fix:
      'Prove the column NOT NULL with a CHECK constraint validated under a weak lock, then SET NOT NULL (instant on PostgreSQL >= 12), then drop the redundant CHECK:\n\n' +
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n' +
      '-- separate transaction: SHARE UPDATE EXCLUSIVE, reads and writes go on\n' +
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n' +
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n' +
      'ALTER TABLE users DROP CONSTRAINT users_email_not_null;\n\n' +
      'On PostgreSQL 18: ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID; then VALIDATE CONSTRAINT users_email_not_null. ' +
      'Before PostgreSQL 12, SET NOT NULL always scans: keep the validated CHECK constraint as the enforcement instead.',
    example: {
      bad: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      good:
        'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n' +
        'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n' +
        'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n' +
        'ALTER TABLE users DROP CONSTRAINT users_email_not_null;',
    },
  },
  create: (ctx) => {
    const log = new ConstraintLog();
    const key = (rel: RangeVarLike): string => ctx.catalog.key(rel);

    /** the safe sequence for this table and column, for the message */
    const plan = (rel: RangeVarLike, column: string): string => {
      const rs = relationSql(rel);
      const col = quoteIdent(column);
      const check = quoteIdent(`${rel.relname}_${column}_not_null`);
      const v = ctx.pgVersion;
      if (v < 12) {
        return (
          `Before PostgreSQL 12 SET NOT NULL always scans, even with a validated CHECK: enforce it with a CHECK instead,\n` +
          `validated in a separate transaction:\n` +
          `ALTER TABLE ${rs} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;\nALTER TABLE ${rs} VALIDATE CONSTRAINT ${check};`
        );
      }
      // the file already added a proof that is not validated yet: point at it
      const pending = log
        .constraints(key(rel))
        .find((c) => !c.validated && ((c.kind === 'check' && c.provesNotNull.includes(column)) || (v >= 18 && c.kind === 'notnull' && c.columns.includes(column))));
      if (pending) {
        return (
          `The constraint "${pending.name}" added earlier proves it only once validated; before this statement,\n` +
          `in a separate transaction: ALTER TABLE ${rs} VALIDATE CONSTRAINT ${quoteIdent(pending.name)};`
        );
      }
      return (
        `Prove it first (validated in a separate transaction), then SET NOT NULL skips the scan:\n` +
        `ALTER TABLE ${rs} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;\n` +
        `ALTER TABLE ${rs} VALIDATE CONSTRAINT ${check};\n` +
        `ALTER TABLE ${rs} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${rs} DROP CONSTRAINT ${check};` +
        (v >= 18 ? `\nOn PostgreSQL 18, ADD CONSTRAINT ${check} NOT NULL ${col} NOT VALID; then VALIDATE CONSTRAINT ${check}; does the same.` : '')
      );
    };

    return {
      Statement(stmt) {
        // ALTER TABLE statements are logged by their visitor below, after they are judged
        if (stmt.kind !== 'AlterTableStmt') log.observe(stmt, key);
      },
      AlterTableStmt(node, stmt) {
        forEachSubcommand(ctx, node, stmt, (cmd, site) => {
          const { rel, table, effects } = site; // (`site.range` and `site.span` are read only to report: reading them scans the statement)
          let column: string | undefined;
          let what: string;
          if (cmd.subtype === 'AT_SetNotNull') {
            column = cmd.name;
            what = `ALTER COLUMN "${column}" SET NOT NULL`;
          } else if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_NOTNULL' && !cmd.def.Constraint.skip_validation) {
            const con = cmd.def.Constraint;
            column = con.keys?.[0]?.String?.sval;
            what = `ADD ${con.conname ? 'CONSTRAINT … ' : ''}NOT NULL "${column}"`;
          } else {
            return;
          }
          if (!column) return;
          // the lock facts say whether the catalog (history) proves it; the file's own constraints may too
          const effect = effects()[0];
          if (!effect || effect.duration === 'instant') return;
          if (log.provesNotNull(key(rel), column, ctx.pgVersion)) return;
          const lock = effectLock(effect);
          const conname: string | undefined = cmd.subtype === 'AT_AddConstraint' ? cmd.def.Constraint.conname : undefined;
          const advice =
            cmd.subtype === 'AT_AddConstraint'
              ? `Add it NOT VALID, then VALIDATE CONSTRAINT ${conname ? quoteIdent(conname) : 'it'} in a separate transaction\n` +
                `(SHARE UPDATE EXCLUSIVE: reads and writes go on):\n` +
                `ALTER TABLE ${relationSql(rel)} ADD ${conname ? `CONSTRAINT ${quoteIdent(conname)} ` : ''}NOT NULL ${quoteIdent(column)} NOT VALID;`
              : plan(rel, column);
          ctx.report({
            stmt,
            range: site.range,
            message: `${what} scans existing table "${table}" for NULLs under ${lock.mode}.\n${lockSentence(lock)}\n${advice}`,
            lock,
            plan: cmd.subtype === 'AT_SetNotNull' ? 'set-not-null' : undefined,
          });
        });
        log.observe(stmt, key);
      },
    };
  },
});
