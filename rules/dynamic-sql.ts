import { defineRule } from '../src/engine/types.js';

/** The SELECT that stands for such a call in the virtual SQL document (src/sources/extract/document.ts). */
const MARKER = '__godwit_dynamic_sql__';

export default defineRule({
  id: 'dynamic-sql',
  severity: 'warn',
  preset: 'recommended',
  category: 'meta',
  docs: {
    summary: 'a JS/TS migration sends SQL that cannot be read statically, so it is not checked',
    why:
      'godwit reads the SQL of JS/TS migrations (TypeORM queryRunner.query, knex.raw, pgm.sql, this.addSql, ' +
      'queryInterface.sequelize.query, Kysely sql`…`) without running them: string literals, template literals, `+` ' +
      'concatenation and constants of the same file. When the whole argument is something else — a function parameter, a ' +
      'value imported from another module, the result of a call such as fs.readFileSync() or a query builder, ' +
      "Kysely's sql.raw() of a variable — the statement is invisible to every other rule: a CREATE INDEX without " +
      'CONCURRENTLY or a table rewrite in it would ship unchecked. (Interpolations inside an otherwise static string are ' +
      'linted with a placeholder, and findings that depend on them say so.)',
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
      const [, callee, expr, reason, part] = values as string[];
      ctx.report({
        stmt,
        message:
          (part === 'statements'
            ? `Part of the SQL of this ${callee}() call stands for whole statements godwit cannot read, so it is not checked.\n` +
              `\`${expr}\`: ${reason}.\n`
            : `The SQL of this ${callee}() call cannot be read statically, so godwit does not check it.\n` +
              `\`${expr}\`: ${reason}.\n`) +
          `Use a string literal or a constant of this file,\nor review it by hand and suppress with // godwit-ignore dynamic-sql -- <why>.`,
        lock: null,
      });
    },
  }),
});
