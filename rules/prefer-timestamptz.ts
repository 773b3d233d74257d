import { defineRule } from '../src/engine/types.js';
import { displayName } from '../src/analysis/names.js';
import { isBuiltinType, type WrittenColumn } from '../src/analysis/column-defs.js';
import { replaceTypeFix, typeModifiers, writtenColumnVisitors, writtenTypeSpan } from '../src/analysis/type-fixes.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

export default defineRule({
  id: 'prefer-timestamptz',
  severity: 'warn',
  preset: 'strict',
  category: 'hygiene',
  docs: {
    summary: 'timestamp (without time zone) columns: use timestamptz',
    why:
      'timestamp without time zone stores a wall-clock reading with no zone: the same instant written by servers or sessions in different time zones is stored as different values, comparisons across a DST change are off by an hour, ' +
      'and now() is silently converted to the session\'s local time on insert. timestamptz stores an absolute instant (UTC internally, same 8 bytes) and converts on output. ' +
      'Fixing it later is ALTER COLUMN … TYPE timestamptz, which rewrites the table under an ACCESS EXCLUSIVE lock (unless the session time zone is UTC, on PostgreSQL 12+), and needs a decision about what zone the old values were in.',
    fix: 'Use timestamptz (timestamp with time zone); keep the precision if you gave one:\n\nCREATE TABLE events (created_at timestamptz NOT NULL DEFAULT now(), processed_at timestamptz(3));',
    example: {
      bad: 'CREATE TABLE events (created_at timestamp NOT NULL DEFAULT now());',
      good: 'CREATE TABLE events (created_at timestamptz NOT NULL DEFAULT now());',
    },
  },
  fixable: true,
  create: (ctx) => {
    const check = (stmt: Statement, cols: WrittenColumn[]): void => {
      for (const c of cols) {
        if (!isBuiltinType(c.typeName, 'timestamp')) continue;
        const mods = typeModifiers(c);
        const span = writtenTypeSpan(ctx, stmt, c);
        const written = span && span.text.toLowerCase().endsWith('zone') ? span.text : `${span?.text ?? 'timestamp'} (without time zone)`;
        const replacement = `timestamptz${mods.length ? `(${mods[0]})` : ''}`;
        ctx.report({
          stmt,
          node: c.typeName,
          message:
            `Column "${c.name}" of "${displayName(c.table)}" is ${written}: use ${replacement}.\n` +
            `Its values carry no zone, so instants written from different time zones or across DST changes do not compare correctly.`,
          lock: null,
          fix: replaceTypeFix(c, span, replacement),
        });
      }
    };
    return writtenColumnVisitors(ctx, check);
  },
});
