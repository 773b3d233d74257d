import { defineRule } from '../src/engine/types.js';
import { displayName } from '../src/analysis/names.js';
import { isBuiltinType, type WrittenColumn } from '../src/analysis/column-defs.js';
import { replaceTypeFix, writtenColumnVisitors, writtenTypeSpan } from '../src/analysis/type-fixes.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

export default defineRule({
  id: 'prefer-jsonb',
  severity: 'warn',
  preset: 'strict',
  category: 'hygiene',
  docs: {
    summary: 'json columns: use jsonb',
    why:
      'json stores the input text verbatim and re-parses it on every access. It has no equality operator, so SELECT DISTINCT, GROUP BY, UNION and unique constraints on it fail, and it cannot be indexed with GIN for containment (@>) or key-existence (?) queries. ' +
      'jsonb stores a parsed binary form: faster to query, comparable, indexable. Converting later is ALTER COLUMN … TYPE jsonb, a full rewrite under an ACCESS EXCLUSIVE lock that blocks reads and writes.',
    fix: 'Use jsonb (it does not keep key order, duplicate keys or whitespace; keep json only if you need the exact input text back):\n\nCREATE TABLE events (payload jsonb NOT NULL);',
    example: {
      bad: 'CREATE TABLE events (payload json NOT NULL);',
      good: 'CREATE TABLE events (payload jsonb NOT NULL);',
    },
  },
  fixable: true,
  create: (ctx) => {
    const check = (stmt: Statement, cols: WrittenColumn[]): void => {
      for (const c of cols) {
        if (!isBuiltinType(c.typeName, 'json')) continue;
        const span = writtenTypeSpan(ctx, stmt, c);
        ctx.report({
          stmt,
          node: c.typeName,
          message:
            `Column "${c.name}" of "${displayName(c.table)}" is json: use jsonb.\n` +
            `json is re-parsed on every access, has no equality operator (no DISTINCT, GROUP BY or unique index) and no GIN indexing.`,
          lock: null,
          fix: replaceTypeFix(c, span, 'jsonb'),
        });
      }
    };
    return writtenColumnVisitors(ctx, check);
  },
});
