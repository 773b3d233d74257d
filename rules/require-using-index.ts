import { defineRule } from '../src/engine/types.js';
import { lockSentence } from '../src/analysis/lock-types.js';
import type { RangeVarLike } from '../src/analysis/names.js';
import { notNullProven } from '../src/analysis/locks.js';
import { columnListSql, effectLock, forEachSubcommand, quoteIdent, relationSql } from '../src/analysis/alter-subcommands.js';
import { ConstraintLog, defaultConstraintName } from '../src/analysis/constraint-log.js';

export default defineRule({
  id: 'require-using-index',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  docs: {
    summary: 'ADD CONSTRAINT … UNIQUE / PRIMARY KEY on an existing table without USING INDEX builds the index under ACCESS EXCLUSIVE',
    why:
      'ADD CONSTRAINT … UNIQUE or PRIMARY KEY builds a new unique index while holding an ACCESS EXCLUSIVE lock on the table: no reads and no writes for the whole build, which on a large table takes minutes to hours. ' +
      'A PRIMARY KEY also makes its columns NOT NULL, which scans the table under the same lock when they are not already NOT NULL.',
    fix:
      'Build the unique index first, concurrently and outside a transaction block, then attach it as the constraint: ADD CONSTRAINT … USING INDEX only updates the catalog.\n\n' +
      'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n' +
      'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;\n\n' +
      'For a PRIMARY KEY, make the columns NOT NULL without a scan first (CHECK (col IS NOT NULL) NOT VALID → VALIDATE CONSTRAINT → SET NOT NULL, PostgreSQL >= 12), then:\n\n' +
      'CREATE UNIQUE INDEX CONCURRENTLY accounts_pkey ON accounts (id);\n' +
      'ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_pkey;',
    example: {
      bad: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      good:
        'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n' +
        'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
    },
  },
  create: (ctx) => {
    const log = new ConstraintLog();
    const key = (rel: RangeVarLike): string => ctx.catalog.key(rel);
    return {
      Statement(stmt) {
        // ALTER TABLE statements are logged by their visitor below, after they are judged
        if (stmt.kind !== 'AlterTableStmt') log.observe(stmt, key);
      },
      AlterTableStmt(node, stmt) {
        forEachSubcommand(ctx, node, stmt, (cmd, site) => {
          const { rel, table, effects } = site; // (`site.range` and `site.span` are read only to report: reading them scans the statement)
          if (cmd.subtype === 'AT_AddConstraint') {
            const con = cmd.def?.Constraint;
            if (!con || (con.contype !== 'CONSTR_UNIQUE' && con.contype !== 'CONSTR_PRIMARY')) return;
            const kind = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
            const effect = effects()[0];
            if (!effect) return;
            if (con.indexname) {
              // USING INDEX is catalog-only — unless a primary key must first prove its columns NOT NULL,
              // which only the catalog (migration history) can tell: without it, stay silent
              if (con.contype !== 'CONSTR_PRIMARY') return;
              const t = ctx.catalog.table(rel);
              const idx = ctx.catalog.index({ schemaname: rel.schemaname, relname: con.indexname });
              if (!t || !idx) return;
              const nullable = idx.columns.filter((c) => {
                const col = t.columns.get(c);
                return col && !col.notNull && !notNullProven(t, c, ctx.pgVersion) && !log.provesNotNull(key(rel), c, ctx.pgVersion);
              });
              if (!nullable.length) return;
              const lock = effectLock(effect, 'scan');
              ctx.report({
                stmt,
                range: site.range,
                node: site.range ? undefined : con,
                message:
                  `PRIMARY KEY USING INDEX on existing table "${table}" scans it for NULLs under ${lock.mode}.\n` +
                  `It must make ${nullable.map((c) => `"${c}"`).join(', ')} NOT NULL first: ${lockSentence(lock)}\n` +
                  `Prove the column${nullable.length > 1 ? 's' : ''} NOT NULL without a scan first, then VALIDATE CONSTRAINT and SET NOT NULL:\n` +
                  nullable.map((c) => `ALTER TABLE ${relationSql(rel)} ADD CONSTRAINT ${quoteIdent(`${rel.relname}_${c}_not_null`)} CHECK (${quoteIdent(c)} IS NOT NULL) NOT VALID;`).join('\n') +
                  (ctx.pgVersion < 12 ? '\n(the CHECK lets SET NOT NULL skip its scan only on PostgreSQL >= 12)' : ''),
                lock,
                plan: 'add-unique-using-index',
              });
              return;
            }
            const lock = effectLock(effect);
            const name: string = con.conname ?? defaultConstraintName(String(rel.relname), con);
            const cols = columnListSql(con.keys);
            const include = con.including?.length ? ` INCLUDE (${columnListSql(con.including)})` : '';
            const nulls = con.nulls_not_distinct ? ' NULLS NOT DISTINCT' : '';
            const tablespace = con.indexspace ? ` TABLESPACE ${quoteIdent(con.indexspace)}` : '';
            const deferrable = (con.deferrable ? ' DEFERRABLE' : '') + (con.initdeferred ? ' INITIALLY DEFERRED' : '');
            const plan =
              `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${relationSql(rel)} (${cols})${include}${nulls}${tablespace};\n` +
              `ALTER TABLE ${relationSql(rel)} ADD CONSTRAINT ${quoteIdent(name)} ${kind} USING INDEX ${quoteIdent(name)}${deferrable};`;
            ctx.report({
              stmt,
              range: site.range,
              node: site.range ? undefined : con,
              message:
                `ADD ${kind} on existing table "${table}" builds a unique index under ${lock.mode}.\n` +
                `${lockSentence(lock)}\n` +
                `Build the index first, outside a transaction, then attach it:\n${plan}` +
                (kind === 'PRIMARY KEY' ? `\nColumns that are not NOT NULL yet: make them NOT NULL first without a scan\n(CHECK (… IS NOT NULL) NOT VALID → VALIDATE → SET NOT NULL).` : ''),
              lock,
              plan: 'add-unique-using-index',
            });
            return;
          }

          if (cmd.subtype === 'AT_AddColumn') {
            // ADD COLUMN … UNIQUE / PRIMARY KEY builds the index over every row too
            const def = cmd.def?.ColumnDef;
            const con = (def?.constraints ?? []).map((c: any) => c?.Constraint).find((c: any) => c?.contype === 'CONSTR_UNIQUE' || c?.contype === 'CONSTR_PRIMARY');
            if (!def || !con) return;
            const kind = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
            const effect = effects().find((e) => e.duration !== 'instant');
            const lock = effectLock(effect ?? { table, mode: 'ACCESS EXCLUSIVE', duration: 'long' });
            const name = defaultConstraintName(String(rel.relname), con, def.colname);
            const col = quoteIdent(String(def.colname));
            ctx.report({
              stmt,
              range: site.range,
              node: site.range ? undefined : def,
              message:
                `ADD COLUMN … ${kind} builds a unique index on existing table "${table}" under ${lock.mode}.\n` +
                `${lockSentence(lock)}\n` +
                `Add the column without ${kind}, then build the index and attach it:\n` +
                `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${relationSql(rel)} (${col});\n` +
                `ALTER TABLE ${relationSql(rel)} ADD CONSTRAINT ${quoteIdent(name)} ${kind} USING INDEX ${quoteIdent(name)};`,
              lock,
            });
          }
        });
        log.observe(stmt, key);
      },
    };
  },
});
