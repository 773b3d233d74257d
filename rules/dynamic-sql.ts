import { defineRule } from '../src/engine/types.js';

/** The SELECT that stands for such a call in the virtual SQL document (src/sources/extract/document.ts). */
const MARKER = '__godwit_dynamic_sql__';

export default defineRule({
  id: 'dynamic-sql',
  severity: 'warn',
  preset: 'recommended',
  category: 'meta',
  docs: {
    summary: 'a migration sends SQL that cannot be read statically (or a builder call that cannot be translated), so it is not checked',
    why:
      'godwit reads the SQL of JS/TS migrations (TypeORM queryRunner.query, knex.raw, pgm.sql, this.addSql, ' +
      'queryInterface.sequelize.query, Kysely sql`…`) without running them: string literals, template literals, `+` ' +
      'concatenation and constants of the same file. When the whole argument is something else — a function parameter, a ' +
      'value imported from another module, the result of a call such as fs.readFileSync() or a query builder, ' +
      "Kysely's sql.raw() of a variable — the statement is invisible to every other rule: a CREATE INDEX without " +
      'CONCURRENTLY or a table rewrite in it would ship unchecked. (Interpolations inside an otherwise static string are ' +
      'linted with a placeholder, and findings that depend on them say so.) The same holds for schema-builder calls ' +
      '(queryInterface.addIndex, knex.schema.alterTable, pgm.createIndex, queryRunner.createIndex, db.schema…execute(), ' +
      "Alembic's op.*, Django operations): godwit translates them into the statements the tool sends, and a call it cannot " +
      'translate — a table name from a parameter, spread options, a helper from another module — is reported here instead of passing as clean.',
    fix:
      'Write the SQL as a literal or a module-level constant in the migration file, so it can be reviewed and linted:\n\n' +
      "const SQL = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)';\n" +
      'await queryRunner.query(SQL);\n\n' +
      'If it must stay dynamic, check it by hand and say so: `// godwit-ignore dynamic-sql -- generated from the partition list, reviewed in #123` on the line above the call.',
    example: {
      bad: 'await queryRunner.query(buildIndexSql(table));',
      good: "await queryRunner.query('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)');",
    },
  },
  create: (ctx) => ({
    SelectStmt(node, stmt) {
      if (stmt.parent) return;
      const values = (node.targetList ?? []).map((t: any) => t.ResTarget?.val?.A_Const?.sval?.sval);
      if (values[0] !== MARKER || values.length < 4 || values.some((v: unknown) => typeof v !== 'string')) return;
      // fifth: 'builder' for a builder call; sixth: the comment marker of the migration's language (`#` in Python)
      const [, callee, expr, reason, kind, comment = '//'] = values as string[];
      if (kind === 'builder') {
        // a schema-builder call (queryInterface.addIndex, knex.schema.alterTable, op.create_index …) godwit cannot translate
        ctx.report({
          stmt,
          message:
            `${callee}() is not checked: godwit cannot translate this call to SQL statically.\n` +
            `${reason[0].toUpperCase()}${reason.slice(1)}, so the statements it sends are not linted: \`${expr}\`.\n` +
            `Write the values it needs as literals or constants of this file,\nor review the call by hand and suppress with ${comment} godwit-ignore dynamic-sql -- <why>.`,
          lock: null,
        });
        return;
      }
      ctx.report({
        stmt,
        message:
          (kind === 'statements'
            ? `Part of the SQL of this ${callee}() call stands for whole statements godwit cannot read, so it is not checked.\n` +
              `\`${expr}\`: ${reason}.\n`
            : `The SQL of this ${callee}() call cannot be read statically, so godwit does not check it.\n` +
              `\`${expr}\`: ${reason}.\n`) +
          `Use a string literal or a constant of this file,\nor review it by hand and suppress with ${comment} godwit-ignore dynamic-sql -- <why>.`,
        lock: null,
      });
    },
  }),
});
