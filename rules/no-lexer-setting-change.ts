import { defineRule } from '../src/engine/types.js';
import { describeChange, lexingChangesOf, type LexingChange } from '../src/analysis/lexing.js';

function message(c: LexingChange): string {
  const what = describeChange(c);
  if (c.scope !== 'session') {
    return [
      `${what} changes how later migrations split.`,
      `Every later session of this ${c.scope} reads SQL with it.`,
      'The migrations after this one then run as statements godwit does not see.',
      'Text godwit reads as a string can hold statements for PostgreSQL.',
      'Leave the setting at its default.',
    ].join('\n');
  }
  const how =
    c.setting === 'standard_conforming_strings'
      ? [
          "From here on PostgreSQL reads a backslash in '…' strings as an escape (`'a\\''` does not end at the second quote).",
          'godwit reads it as PostgreSQL does by default.',
        ]
      : [
          `In ${c.value ?? 'that encoding'} a multibyte character can end in the byte of a backslash.`,
          'PostgreSQL and godwit (which reads UTF-8) then disagree on where strings end.',
        ];
  return [
    `${what} changes where later statements end.`,
    ...how,
    'A statement can hide inside what godwit checks as a string.',
    'The statements after this one are not the ones PostgreSQL runs.',
    'godwit trace refuses such a file.',
    "Remove the setting: write E'…' for strings with backslash escapes, and save the file as UTF-8.",
  ].join('\n');
}

export default defineRule({
  id: 'no-lexer-setting-change',
  severity: 'error',
  preset: 'recommended',
  category: 'transactions',
  docs: {
    summary: 'A setting that changes where PostgreSQL splits SQL into statements (standard_conforming_strings, client_encoding)',
    why:
      "godwit, like PostgreSQL by default, reads a backslash in an ordinary '…' string as an ordinary character and the file as UTF-8. " +
      "`SET standard_conforming_strings = off` makes PostgreSQL read backslashes in '…' strings as escapes, and `SET client_encoding` to SJIS, BIG5, GBK, UHC, GB18030 or JOHAB makes it read multibyte characters whose last byte is a backslash. " +
      "From that statement on, PostgreSQL can cut the file into different statements than godwit did: in `SELECT 'a\\'' ; COMMIT ; DROP TABLE orders; SELECT ' --\\'' AS y;` godwit sees one SELECT of a string, PostgreSQL a COMMIT and a DROP TABLE. " +
      'Every check godwit makes on the rest of the file is then a check of statements PostgreSQL does not run; a reviewer is misled the same way. ' +
      '`ALTER DATABASE … SET` / `ALTER ROLE … SET` of these settings does the same to every later migration. Setting them to their defaults (`on`, `UTF8`, as pg_dump output does) is fine. ' +
      'Reported also for set_config() with constant arguments and for a SET inside a DO block; `godwit trace` refuses such a file instead of running it.',
    fix:
      "Remove the setting. Write strings that need backslash escapes as E'…' (they mean the same whatever the setting), and save the file as UTF-8:\n\n" +
      "SELECT E'a\\'b';",
    example: {
      bad: "SET standard_conforming_strings = off;\nUPDATE settings SET value = 'C:\\\\path';",
      good: "UPDATE settings SET value = E'C:\\\\path';",
    },
  },
  create: (ctx) => ({
    Statement(stmt) {
      for (const c of lexingChangesOf(stmt)) {
        if (!c.boundaries) continue;
        ctx.report({ stmt, message: message(c), lock: null });
      }
    },
  }),
});
