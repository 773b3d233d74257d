import { defineRule, type Edit } from '../src/engine/types.js';
import { displayName } from '../src/analysis/names.js';
import { isBuiltinType, type WrittenColumn } from '../src/analysis/column-defs.js';
import { replaceTypeFix, typeModifiers, writtenColumnVisitors, writtenTypeSpan } from '../src/analysis/type-fixes.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

export default defineRule({
  id: 'prefer-text',
  severity: 'warn',
  preset: 'strict',
  category: 'hygiene',
  docs: {
    summary: 'varchar(n) / char(n) columns: use text (with a CHECK constraint if the length limit matters)',
    why:
      'In PostgreSQL varchar(n) is text with a length check built into the type, and it is no faster or smaller. The limit is the problem: raising it is cheap, but lowering it, or any change PostgreSQL cannot prove binary-coercible, ' +
      'is ALTER COLUMN … TYPE, which rewrites or scans the whole table under an ACCESS EXCLUSIVE lock that blocks reads and writes. A CHECK (char_length(col) <= n) enforces the same limit and can be replaced online (ADD … NOT VALID, then VALIDATE). ' +
      'char(n) pads values with spaces, ignores trailing spaces in comparisons and wastes space; it is almost never what the application expects.',
    fix:
      'Use text, and put the limit in a constraint if it matters:\n\n' +
      'CREATE TABLE users (email text NOT NULL CHECK (char_length(email) <= 320));\n\n' +
      'Changing the limit later, without a rewrite:\n' +
      'ALTER TABLE users ADD CONSTRAINT users_email_length CHECK (char_length(email) <= 500) NOT VALID;\n' +
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_length;',
    example: {
      bad: 'CREATE TABLE users (email varchar(255) NOT NULL, country char(2));',
      good: 'CREATE TABLE users (email text NOT NULL CHECK (char_length(email) <= 255), country text CHECK (char_length(country) = 2));',
    },
  },
  fixable: true,
  hasSuggestions: true,
  create: (ctx) => {
    const check = (stmt: Statement, cols: WrittenColumn[]): void => {
      for (const c of cols) {
        const varchar = isBuiltinType(c.typeName, 'varchar');
        const bpchar = isBuiltinType(c.typeName, 'bpchar');
        if (!varchar && !bpchar) continue;
        const mods = typeModifiers(c);
        // unbounded varchar is text under another name
        if (varchar && mods.length === 0) continue;
        const n = mods[0] ?? 1;
        const tokens = ctx.tokensOf(stmt);
        const span = writtenTypeSpan(ctx, stmt, c);
        const written = span?.text ?? `${varchar ? 'varchar' : 'char'}(${n})`;
        const toText = replaceTypeFix(c, span, 'text');
        // keep the limit: `text CHECK (char_length(col) <= n)` is a column constraint, so only where the column is defined
        const colToken = typeof c.def.location === 'number' ? tokens.find((t) => t.start === stmt.locate(c.def.location)) : undefined;
        const col = colToken?.text ?? c.name;
        const array = (c.typeName.arrayBounds?.length ?? 0) > 0;
        const withCheck: Edit | undefined =
          span && colToken && !array && c.how !== 'alter-type' ? { range: [span.start, span.end], text: `text CHECK (char_length(${colToken.text}) <= ${n})` } : undefined;
        const suggestions: Array<{ desc: string; fix: Edit }> = [];
        if (withCheck) suggestions.push({ desc: `Use text with CHECK (char_length(${colToken!.text}) <= ${n})`, fix: withCheck });
        if (bpchar && toText) suggestions.push({ desc: 'Use text (no blank padding)', fix: toText });
        ctx.report({
          stmt,
          node: c.typeName,
          message: varchar
            ? `Column "${c.name}" of "${displayName(c.table)}" is ${written}: use text.\n` +
              `Add CHECK (char_length(${col}) <= ${n}) if the limit matters: a CHECK can be replaced online,\n` +
              `while changing a varchar limit other than upwards rewrites the table under an ACCESS EXCLUSIVE lock.`
            : `Column "${c.name}" of "${displayName(c.table)}" is ${written}: use text.\n` +
              `char(n) pads values with spaces and ignores trailing spaces when comparing;\n` +
              `add CHECK (char_length(${col}) <= ${n}) if the length matters.`,
          lock: null,
          // varchar(n) → text is mechanical; char(n) → text changes padding semantics, so only a suggestion
          fix: varchar ? toText : undefined,
          suggestions: suggestions.length ? suggestions : undefined,
        });
      }
    };
    return writtenColumnVisitors(ctx, check);
  },
});
