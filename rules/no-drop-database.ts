import { defineRule } from '../src/engine/types.js';

export default defineRule({
  id: 'no-drop-database',
  severity: 'error',
  preset: 'recommended',
  category: 'breaking',
  docs: {
    summary: 'DROP DATABASE, or DROP SCHEMA … CASCADE, in a migration',
    why:
      'DROP DATABASE deletes every table of a database; DROP SCHEMA … CASCADE deletes every table, view, sequence, function and type in the schema, and the foreign keys and views elsewhere that depend on them. ' +
      'Both are irreversible without a backup, and a migration runs against every environment, production included: a statement meant for a developer reset or a test fixture wipes production data the day it is deployed.',
    fix:
      'Keep environment resets out of migrations (a separate script run by hand, never by the migration runner). To retire a schema, drop its objects one by one with explicit names, each reviewed like any other drop, and finish with DROP SCHEMA without CASCADE, which fails if anything is left:\n\n' +
      'DROP TABLE legacy.events;\n' +
      'DROP SCHEMA legacy;  -- RESTRICT: fails if the schema is not empty',
    example: {
      bad: 'DROP SCHEMA legacy CASCADE;',
      good: 'DROP TABLE legacy.events;\nDROP SCHEMA legacy;',
    },
  },
  create: (ctx) => {
    // a scratch schema created earlier in this migration holds nothing that existed before it
    const createdHere = new Set<string>();
    return {
      CreateSchemaStmt(node) {
        if (node.schemaname) createdHere.add(node.schemaname);
      },
      DropdbStmt(node, stmt) {
        ctx.report({
          stmt,
          message:
            `DROP DATABASE "${node.dbname}" in a migration deletes the whole database, irreversibly.\n` +
            `It runs in every environment the migration reaches, production included: keep it out of migrations.`,
          lock: null,
        });
      },
      DropStmt(node, stmt) {
        if (node.removeType !== 'OBJECT_SCHEMA' || node.behavior !== 'DROP_CASCADE') return;
        for (const o of node.objects ?? []) {
          const name = o?.String?.sval;
          if (!name || createdHere.has(name)) continue;
          ctx.report({
            stmt,
            message:
              `DROP SCHEMA "${name}" CASCADE deletes everything in the schema, irreversibly.\n` +
              `Every table, view, sequence, function and type in "${name}" goes, and what depends on them elsewhere.\n` +
              `Drop the objects by name and end with DROP SCHEMA "${name}" without CASCADE, which refuses to drop anything left over.`,
            lock: null,
          });
        }
      },
    };
  },
});
