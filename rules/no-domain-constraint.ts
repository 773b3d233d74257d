import { defineRule } from '../src/engine/types.js';
import { nameListToString } from '../src/analysis/names.js';

export default defineRule({
  id: 'no-domain-constraint',
  severity: 'warn',
  preset: 'strict',
  category: 'hygiene',
  docs: {
    summary: 'CREATE DOMAIN … CHECK / ALTER DOMAIN … ADD CONSTRAINT: a domain constraint is validated against every column that uses the domain',
    why:
      'ALTER DOMAIN … ADD CONSTRAINT (and SET NOT NULL) checks every row of every table with a column of that domain, holding a SHARE lock on each of those tables, which blocks their INSERTs, UPDATEs and DELETEs for the whole scan. ' +
      'A CHECK written into CREATE DOMAIN costs nothing today, but it is the constraint that later has to be changed that way: domain constraints cannot be altered in place, only dropped and re-added. ' +
      'A CHECK on the table column can be added online instead (NOT VALID, then VALIDATE CONSTRAINT under a SHARE UPDATE EXCLUSIVE lock that lets writes through).',
    fix:
      'Put the rule on the columns, as table constraints that can be added without blocking writes:\n\n' +
      'CREATE DOMAIN email AS text;\n' +
      "ALTER TABLE users ADD CONSTRAINT users_email_format CHECK (email ~ '^[^@]+@[^@]+$') NOT VALID;\n" +
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_format;\n\n' +
      'If it must be a domain constraint, add it NOT VALID so existing rows are not checked (new values are):\n' +
      "ALTER DOMAIN email ADD CONSTRAINT email_format CHECK (VALUE ~ '^[^@]+@[^@]+$') NOT VALID;",
    example: {
      bad: "ALTER DOMAIN email ADD CONSTRAINT email_format CHECK (VALUE ~ '^[^@]+@[^@]+$');",
      good: "ALTER DOMAIN email ADD CONSTRAINT email_format CHECK (VALUE ~ '^[^@]+@[^@]+$') NOT VALID;",
    },
  },
  create: (ctx) => ({
    CreateDomainStmt(node, stmt) {
      const name = nameListToString(node.domainname);
      for (const c of node.constraints ?? []) {
        const con = c?.Constraint;
        if (con?.contype !== 'CONSTR_CHECK') continue;
        ctx.report({
          stmt,
          node: con,
          message:
            `CREATE DOMAIN "${name}" with a CHECK: changing it later scans every column of the type.\n` +
            `Domain constraints${con.conname ? ` ("${con.conname}")` : ''} cannot be altered in place:\nadding one later scans every column that uses "${name}"\n` +
            `under a SHARE lock that blocks writes to those tables.\nCheck the columns with table constraints instead.`,
          lock: null,
        });
      }
    },
    AlterDomainStmt(node, stmt) {
      const name = nameListToString(node.typeName);
      // 'C': ADD CONSTRAINT, 'O': SET NOT NULL
      if (node.subtype === 'C') {
        const con = node.def?.Constraint;
        if (!con || con.skip_validation) return;
        ctx.report({
          stmt,
          node: con,
          message:
            `ALTER DOMAIN "${name}" ADD CONSTRAINT scans every column that uses the domain (SHARE).\n` +
            `It validates every row of those tables${con.conname ? ` for "${con.conname}"` : ''}:\n` +
            'a SHARE lock on each of them blocks writes and DDL while it scans the whole table.\n' +
            (con.contype === 'CONSTR_CHECK' ? 'Add it NOT VALID, or check the columns with table constraints (NOT VALID, then VALIDATE).' : 'Check the columns with table constraints instead.'),
        });
      } else if (node.subtype === 'O') {
        ctx.report({
          stmt,
          message:
            `ALTER DOMAIN "${name}" SET NOT NULL scans every column that uses the domain for NULLs (SHARE).\n` +
            'A SHARE lock on each of those tables blocks writes and DDL while it scans the whole table.\n' +
            'Enforce NOT NULL on the columns instead (CHECK (col IS NOT NULL) NOT VALID, then VALIDATE).',
        });
      }
    },
  }),
});
