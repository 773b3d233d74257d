import { defineRule } from '../src/engine/types.js';
import type { Edit } from '../src/engine/types.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import { txControl } from '../src/analysis/transactions.js';
import { describeLock, lockSentence } from '../src/analysis/lock-types.js';
import { displayName } from '../src/analysis/names.js';
import { effectLock, forEachSubcommand, quoteIdent, relationSql } from '../src/analysis/alter-subcommands.js';

export default defineRule({
  id: 'require-not-valid-constraint',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'ADD CONSTRAINT … FOREIGN KEY or CHECK on an existing table without NOT VALID validates every row under a lock',
    why:
      'Adding a CHECK constraint takes an ACCESS EXCLUSIVE lock (no reads, no writes) and keeps it while PostgreSQL scans the whole table to prove every row satisfies it. ' +
      'Adding a FOREIGN KEY takes SHARE ROW EXCLUSIVE locks on both the table and the referenced table (no INSERT, UPDATE or DELETE on either) while every row is checked against the referenced table. ' +
      'On a large table that is minutes of blocked traffic, and the queue of waiting queries behind the lock can take the application down.',
    fix:
      'Add the constraint NOT VALID: it is recorded instantly and enforced for new and updated rows from then on. ' +
      'Then validate the existing rows in a separate transaction: VALIDATE CONSTRAINT takes only a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes continue while it scans.\n\n' +
      'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
      '-- next migration (or after COMMIT):\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n\n' +
      'For a new column with a CHECK (or a REFERENCES with a DEFAULT), add the column first, then the constraint NOT VALID. ' +
      'Before PostgreSQL 18, a foreign key on a partitioned table cannot be added NOT VALID: add it to each partition, or accept the lock.',
    example: {
      bad: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
      good:
        'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
    },
  },
  fixable: true,
  hasSuggestions: true,
  create: (ctx) => {
    const eol = ctx.file.source.text.includes('\r\n') ? '\r\n' : '\n';
    /**
     * Where the VALIDATE goes so that it runs in a transaction after the ADD's: right after the
     * statement in autocommit (transaction mode none: one statement more in an `implicit` file
     * would join the file's one implicit transaction), or after the COMMIT that ends the statement's
     * explicit BEGIN block (none or implicit: the statements after it start a new transaction).
     */
    const validateLater = (stmt: Statement, validate: string): Edit | undefined => {
      const tx = ctx.tx(stmt);
      const mode = ctx.transactionMode;
      if (!tx.inTransaction) return mode === 'none' ? { range: [stmt.end, stmt.end], text: `;${eol}${validate}` } : undefined;
      if (!tx.explicit || tx.id === null || (mode !== 'none' && mode !== 'implicit')) return undefined;
      const commit = ctx.statements.find((s) => s.index > stmt.index && ctx.tx(s).closes === tx.id && txControl(s) !== null);
      if (!commit || commit.body.kind !== 'TRANS_STMT_COMMIT' || commit.body.chain) return undefined;
      const semi = ctx.file.tokens.find((t) => t.start >= commit.end);
      const at = semi && semi.text === ';' ? semi.end : commit.end;
      return { range: [at, at], text: `${semi && semi.text === ';' ? '' : ';'}${eol}${validate};` };
    };
    return {
      AlterTableStmt(node, stmt) {
        forEachSubcommand(ctx, node, stmt, (cmd, site) => {
          const { rel, table, index } = site;
          // (read only to report: reading `site.span` scans the statement)
          const rangeOf = (): [number, number] | undefined => {
            const span = site.span;
            return span && index > 0 ? [span.start, span.end] : undefined;
          };

          if (cmd.subtype === 'AT_AddConstraint') {
            const con = cmd.def?.Constraint;
            if (!con || con.skip_validation) return;
            if (con.contype !== 'CONSTR_FOREIGN' && con.contype !== 'CONSTR_CHECK') return;
            const effects = ctx.cmdEffects(rel, cmd);
            const own = effects.find((e) => e.table === table) ?? effects[0];
            if (!own) return;
            const lock = effectLock(own);
                    const what = con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK';
            let message = `ADD ${what} without NOT VALID scans existing table "${table}" under ${lock.mode}.\n${describeLock(lock)}`;
            // a self-referencing key locks only its own table
            if (con.contype === 'CONSTR_FOREIGN' && con.pktable && ctx.catalog.key(con.pktable) !== ctx.catalog.key(rel)) {
              const ref = effects.find((e) => e !== own);
              const refName = displayName(con.pktable);
              message += ref
                ? `;\nthe referenced table "${refName}" is held in ${ref.mode} mode too (its writes wait)`
                : `;\nthe referenced table "${refName}" is locked too`;
            }
            const validate = con.conname ? `ALTER TABLE ${relationSql(rel)} VALIDATE CONSTRAINT ${quoteIdent(con.conname)}` : undefined;
            message += validate
              ? `.\nAdd it NOT VALID, then validate it in a separate transaction (SHARE UPDATE EXCLUSIVE: reads and writes go on):\n${validate};`
              : '.\nName the constraint (ADD CONSTRAINT name …), add it NOT VALID, then VALIDATE CONSTRAINT name in a separate transaction\n(SHARE UPDATE EXCLUSIVE: reads and writes go on).';

            // the fix needs the constraint's name (VALIDATE names it) and text it can edit; it is NOT
            // VALID plus the VALIDATE in a later transaction of the same file. Where the file has no
            // later transaction (the runner wraps it), NOT VALID alone would leave the constraint
            // unvalidated with nothing to report it: a suggestion only
            let fix: Edit[] | undefined;
            let suggestions: Array<{ desc: string; fix: Edit }> | undefined;
            // before PostgreSQL 18 a foreign key on a partitioned table cannot be added NOT VALID
            const partitionedFk = con.contype === 'CONSTR_FOREIGN' && ctx.pgVersion < 18 && !!ctx.catalog.table(rel)?.partitioned;
            const span = site.span;
            if (validate && span && !stmt.parent && !partitionedFk) {
              const notValid: Edit = { range: [span.end, span.end], text: ' NOT VALID' };
              const later = validateLater(stmt, validate);
              if (later) fix = [notValid, later];
              else suggestions = [{ desc: `Add NOT VALID, then run ${validate}; in a later migration, outside this transaction`, fix: notValid }];
            }
            const range = rangeOf();
            ctx.report({ stmt, node: range ? undefined : con, range, message, lock, fix, suggestions, plan: 'add-constraint-not-valid' });
            return;
          }

          if (cmd.subtype === 'AT_AddColumn') {
            const def = cmd.def?.ColumnDef;
            if (!def) return;
            const constraints = (def.constraints ?? []).map((c: any) => c?.Constraint).filter(Boolean);
            const hasDefault = !!def.raw_default || constraints.some((c: any) => c.contype === 'CONSTR_DEFAULT');
            const own = ctx.cmdEffects(rel, cmd).find((e) => e.table === table);
            const mode = own?.mode ?? 'ACCESS EXCLUSIVE';
            const lock = effectLock({ table, mode, duration: own?.duration === 'rewrite' ? 'rewrite' : 'scan' });
            const check = constraints.find((c: any) => c.contype === 'CONSTR_CHECK' && !c.skip_validation);
            const fk = constraints.find((c: any) => c.contype === 'CONSTR_FOREIGN' && !c.skip_validation);
            const col = quoteIdent(String(def.colname));
            if (check) {
              ctx.report({
                stmt,
                node: rangeOf() ? undefined : def,
                range: rangeOf(),
                message:
                  `ADD COLUMN "${def.colname}" with a CHECK scans existing table "${table}" under ${lock.mode}.\n${lockSentence(lock)}\n` +
                  `Add the column without the CHECK, then add the CHECK NOT VALID and VALIDATE CONSTRAINT it in a separate transaction:\n` +
                  `ALTER TABLE ${relationSql(rel)} ADD CONSTRAINT … CHECK (…) NOT VALID;`,
                lock,
              });
            }
            // a new column is all NULL, so REFERENCES skips validation — unless the column has a default
            if (fk && hasDefault) {
              ctx.report({
                stmt,
                node: rangeOf() ? undefined : def,
                range: rangeOf(),
                message:
                  `ADD COLUMN … REFERENCES with a DEFAULT scans existing table "${table}" under ${lock.mode}.\n` +
                  `It validates the foreign key to "${displayName(fk.pktable)}" for every row:\n${lockSentence(lock)}\n` +
                  `Add the column, then the foreign key NOT VALID, and VALIDATE CONSTRAINT it in a separate transaction:\n` +
                  `ALTER TABLE ${relationSql(rel)} ADD CONSTRAINT … FOREIGN KEY (${col}) REFERENCES … NOT VALID;`,
                lock,
              });
            }
          }
        });
      },
    };
  },
});
