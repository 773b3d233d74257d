import { defineRule } from '../src/engine/types.js';
import type { MysqlStatement } from '../src/dialects/mysql/types.js';
import { clausesFor } from '../src/dialects/mysql/online-ddl.js';
import { displayMysqlName } from '../src/dialects/mysql/locks.js';

export default defineRule({
  id: 'mysql-require-algorithm-lock',
  severity: 'warn',
  preset: 'strict',
  category: 'locks',
  dialects: ['mysql'],
  docs: {
    summary: 'MySQL: an ALTER TABLE on an existing table without explicit ALGORITHM= and LOCK=',
    why:
      'Without the clauses MySQL picks the fastest algorithm it can (INSTANT, else INPLACE, else COPY) and the weakest lock it can, silently. ' +
      'A change that runs in place today copies the table tomorrow when the table differs from what the author tested on (a FULLTEXT index, ROW_FORMAT=COMPRESSED, 64 row versions used up, a column wider than expected), and the copy blocks writes. ' +
      'With ALGORITHM= and LOCK= written out, the server fails the statement instead of quietly taking the slow path.',
    fix:
      'Append the strongest clauses the online-DDL matrix allows for the server version (the fix does): ALGORITHM=INSTANT for metadata changes (MySQL allows no LOCK= with it), ALGORITHM=INPLACE, LOCK=NONE for in-place ones (on MariaDB ALGORITHM=NOCOPY when nothing is rebuilt):\n\n' +
      'ALTER TABLE users ADD COLUMN nickname VARCHAR(50) NULL, ALGORITHM=INSTANT;\n' +
      'ALTER TABLE users ADD INDEX users_email_idx (email), ALGORITHM=INPLACE, LOCK=NONE;\n' +
      'CREATE INDEX users_name_idx ON users (name) ALGORITHM=INPLACE LOCK=NONE;',
    example: {
      bad: 'ALTER TABLE users ADD INDEX users_email_idx (email);',
      good: 'ALTER TABLE users ADD INDEX users_email_idx (email), ALGORITHM=INPLACE, LOCK=NONE;',
    },
  },
  fixable: true,
  create: () => ({}),
  mysql: (ctx) => {
    const check = (_body: unknown, stmt: MysqlStatement): void => {
      const ddl = ctx.ddlOf(stmt);
      if (!ddl || ddl.refused || ddl.unknown.length || !ddl.ops.length || ctx.isNewTable(ddl.table)) return;
      const instant = ddl.effective.algorithm === 'INSTANT';
      const needsLock = !instant || ctx.target.mariadb;
      if (ddl.algorithm && (ddl.lock || !needsLock)) return;
      const kind = stmt.kind === 'AlterTable' ? 'alter' : 'index';
      const want = clausesFor(ddl.natural, ctx.target, kind);
      const sep = kind === 'alter' ? ', ' : ' ';
      // only the clause that is missing, after the statement's last token
      let text: string;
      if (!ddl.algorithm && !ddl.lock) text = want;
      else if (!ddl.algorithm) text = want.split(sep)[0];
      else text = want.split(sep).slice(1).join(sep);
      const what = !ddl.algorithm && !ddl.lock ? 'ALGORITHM= and LOCK=' : !ddl.algorithm ? 'ALGORITHM=' : 'LOCK=';
      ctx.report({
        stmt,
        message:
          `${stmt.kind === 'AlterTable' ? 'ALTER TABLE' : stmt.kind === 'CreateIndex' ? 'CREATE INDEX' : 'DROP INDEX'} on "${displayMysqlName(ddl.table)}" without ${what}: MySQL silently takes a slower path if it must.\n` +
          `On ${ctx.target.name} it can run with ${want}; written out, the server fails the statement instead of copying the table when it cannot.`,
        fix: text ? { range: [stmt.end, stmt.end], text: `${sep}${text}` } : undefined,
      });
    };
    return { AlterTable: check, CreateIndex: check, DropIndex: check };
  },
});
