import { defineRule } from '../src/engine/types.js';
import type { Statement } from '../src/dialects/postgresql/types.js';
import { describeLock, lockSentence, type Lock } from '../src/analysis/lock-types.js';
import { displayName, type RangeVarLike } from '../src/analysis/names.js';
import { alterCmds, effectLock, lineOf, quoteIdent, relationSql, subcommandSpans } from '../src/analysis/alter-subcommands.js';
import { ConstraintLog, defaultConstraintName } from '../src/analysis/constraint-log.js';

const AE = 'ACCESS EXCLUSIVE';

export default defineRule({
  id: 'no-validate-in-same-transaction',
  severity: 'error',
  preset: 'recommended',
  category: 'transactions',
  docs: {
    summary: 'VALIDATE CONSTRAINT in the same transaction as the NOT VALID add, or while the transaction holds an ACCESS EXCLUSIVE lock',
    why:
      'NOT VALID exists so that the validation scan runs under VALIDATE CONSTRAINT\'s weak SHARE UPDATE EXCLUSIVE lock, which lets reads and writes continue. ' +
      'Locks are held until the transaction ends: when the VALIDATE runs in the same transaction as the ADD … NOT VALID, the ADD\'s lock (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE on both tables for a FOREIGN KEY) is still held for the whole scan — exactly the outage NOT VALID was meant to avoid. ' +
      'The same happens when any earlier statement of the transaction took an ACCESS EXCLUSIVE lock on an existing table: that table stays blocked, reads included, until the scan finishes and the transaction commits.',
    fix:
      'Commit between the ADD … NOT VALID and the VALIDATE, or put the VALIDATE in the next migration. With a runner that wraps each migration in a transaction, that means two migrations:\n\n' +
      '-- migration 1\n' +
      'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
      '-- migration 2\n' +
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
    example: {
      bad:
        'BEGIN;\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n' +
        'COMMIT;',
      good:
        'BEGIN;\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
        'COMMIT;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
    },
  },
  create: (ctx) => {
    const log = new ConstraintLog();
    /** per transaction id: ACCESS EXCLUSIVE locks on existing tables taken so far */
    const held = new Map<string, Array<{ lock: Lock; stmt: Statement }>>();
    /** statements with the same key run in one transaction: a transaction block, or one DO block in autocommit */
    const txKey = (s: Statement): string | null => {
      const id = ctx.tx(s).id;
      if (id !== null) return `tx${id}`;
      return s.parent ? `do${s.parent.index}` : null;
    };
    const key = (rel: RangeVarLike): string => ctx.catalog.key(rel);
    const position = (i: number) => ctx.file.source.position(i);

    const check = (stmt: Statement): void => {
      const body = stmt.body;
      if (body.objtype !== 'OBJECT_TABLE') return;
      const rel: RangeVarLike | undefined = body.relation;
      if (!rel || ctx.isNewTable(rel)) return;
      const table = displayName(rel);
      const cmds = alterCmds(body);
      // (the statement is scanned for its subcommands' positions only when one is a VALIDATE)
      const spans = cmds.some((c) => c.subtype === 'AT_ValidateConstraint') ? subcommandSpans(stmt, ctx.tokensOf(stmt)) : undefined;
      const tx = ctx.tx(stmt);
      const txk = txKey(stmt);
      const advice = tx.id === null
        ? 'Move the VALIDATE out of the DO block (a DO block runs as one transaction).'
        : tx.explicit
          ? 'COMMIT before the VALIDATE.'
          : 'Move the VALIDATE to the next migration (this file runs in one transaction).';

      cmds.forEach((cmd, i) => {
        if (cmd.subtype !== 'AT_ValidateConstraint' || !cmd.name) return;
        const name: string = cmd.name;
        const span = spans?.[i];
        const range: [number, number] | undefined = span ? [span.start, span.end] : undefined;
        const validate = `ALTER TABLE ${relationSql(rel)} VALIDATE CONSTRAINT ${quoteIdent(name)};`;
        const report = (message: string, lock: Lock): void => ctx.report({ stmt, range, message, lock });

        // 1. added NOT VALID by another subcommand of this very statement
        const sameStmt = cmds.find((c) => {
          const con = c.subtype === 'AT_AddConstraint' ? c.def?.Constraint : undefined;
          return con?.skip_validation && (con.conname ?? defaultConstraintName(String(rel.relname), con)) === name;
        });
        if (sameStmt) {
          const effect = ctx.cmdEffects(rel, sameStmt).find((e) => e.table === table);
          const lock = effectLock(effect ?? { table, mode: AE, duration: 'scan' }, 'scan');
          report(
            `VALIDATE CONSTRAINT in the ALTER TABLE that adds it NOT VALID: it scans under ${lock.mode}.\n` +
              `${lockSentence(lock)}\nSo NOT VALID gains nothing for "${name}": add it NOT VALID, commit, then in a separate transaction:\n${validate}`,
            lock,
          );
          return;
        }

        // 2. added NOT VALID earlier in this transaction: the ADD's lock is still held
        const logged = log.get(key(rel), name);
        if (logged && logged.notValid && !logged.validated && txk !== null && txKey(logged.added) === txk) {
          const addLock = ctx.locksOf(logged.added).find((l) => ctx.catalog.key(l.table) === key(rel));
          const lock: Lock = { ...(addLock ?? effectLock({ table, mode: AE, duration: 'scan' })), duration: 'scan' };
          report(
            `VALIDATE CONSTRAINT on "${table}" runs in the transaction of its NOT VALID add (${lock.mode}).\n` +
              `The ADD of "${name}" at line ${lineOf(logged.added, position)} holds its lock until COMMIT:\n${describeLock(lock)}.\n${advice}`,
            lock,
          );
          return;
        }

        // 3. this statement, or an earlier one of its transaction, holds ACCESS EXCLUSIVE on an existing table
        const other = cmds
          .filter((_, j) => j !== i)
          .flatMap((c) => ctx.cmdEffects(rel, c))
          .find((e) => e.mode === AE && !ctx.isNewTable(e.table));
        if (other) {
          const lock = effectLock(other, 'scan');
          report(
            `VALIDATE CONSTRAINT in an ALTER TABLE that also takes ACCESS EXCLUSIVE: the scan runs under it.\n` +
              `${lockSentence(lock)}\nRun it as its own statement, in its own transaction:\n${validate}`,
            lock,
          );
          return;
        }
        if (txk === null) return;
        const earlier = (held.get(txk) ?? []).find((h) => h.stmt !== stmt && h.stmt.parent !== stmt);
        if (earlier) {
          const lock: Lock = { ...earlier.lock, duration: 'scan' };
          report(
            `VALIDATE CONSTRAINT on "${table}" runs while ACCESS EXCLUSIVE on "${earlier.lock.table}" is held.\n` +
              `That lock was taken at line ${lineOf(earlier.stmt, position)} and lasts until COMMIT, so validating "${name}" keeps it:\n` +
              `${describeLock(lock)}.\n${advice}`,
            lock,
          );
        }
      });
    };

    return {
      Statement(stmt) {
        if (stmt.kind === 'AlterTableStmt') check(stmt);
        const txk = txKey(stmt);
        if (txk !== null) {
          for (const lock of ctx.locksOf(stmt)) {
            if (lock.mode !== AE || ctx.isNewTable(lock.table)) continue;
            let list = held.get(txk);
            if (!list) held.set(txk, (list = []));
            list.push({ lock, stmt });
          }
        }
        log.observe(stmt, key);
      },
    };
  },
});
