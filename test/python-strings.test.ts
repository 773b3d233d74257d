/**
 * Python string literals read character-exact (prefixes, quotes, escapes, raw strings, CRLF,
 * implicit concatenation, f-strings) and findings inside them located at the exact line and
 * UTF-16 column of the source.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { initPyParser, extractPyMigration, preparePyMigration, parsePython } from '../src/sources/extract/python/index.js';
import { escapePython } from '../src/sources/extract/python/strings.js';
import type { Fragment } from '../src/sources/extract/types.js';

beforeAll(async () => {
  await initParser();
  await initPyParser();
});

const head = 'from alembic import op\n\nrevision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n';

/** The fragment of `op.execute(<literal>)`. */
function fragment(literal: string, before = ''): { text: string; f: Fragment } {
  const text = `${head}${before}    op.execute(${literal})\n`;
  const m = extractPyMigration('v/a1.py', text);
  expect(m.error).toBeUndefined();
  const f = m.calls[0];
  expect(f?.kind).toBe('sql');
  return { text, f: f as Fragment };
}

describe('Python string literals', () => {
  const values: Array<[string, string]> = [
    [`"SELECT 1"`, 'SELECT 1'],
    [`'it''s'`, 'its'],
    [`"a\\nb\\t\\\\c\\'d\\"e"`, 'a\nb\t\\c\'d"e'],
    [`"\\x41\\101\\u00e9\\U0001F600"`, 'AAé😀'],
    [`r"\\d+\\n"`, '\\d+\\n'],
    [`R'\\''`, "\\'"],
    [`u"x"`, 'x'],
    [`b"x\\n"`, 'x\n'],
    [`"""a\n'b'\n"c\\""""`, 'a\n\'b\'\n"c"'],
    [`'''x\\\ny'''`, 'xy'],
    [`"a" 'b' """c"""`, 'abc'],
    [`("SELECT "\n        "1")`, 'SELECT 1'],
    [`f"SELECT {{1}}"`, 'SELECT {1}'],
    [`"\\q"`, '\\q'],
  ];
  for (const [lit, value] of values) {
    it(`${lit} → ${JSON.stringify(value)}`, () => {
      expect(fragment(lit).f.sql).toBe(value);
    });
  }

  it('CRLF inside a triple-quoted string is read as LF (universal newlines)', () => {
    const { f } = fragment('"""a\r\nb"""');
    expect(f.sql).toBe('a\nb');
  });

  it('f-string interpolations: constants are spliced in, other values become placeholders', () => {
    const { f } = fragment('f"CREATE INDEX ix ON {TABLE} ({col})"', '    col = compute()\n');
    expect(f.sql).toMatch(/^CREATE INDEX ix ON __godwit_py\d+__ \(__godwit_py\d+__\)$/);
    const withConst = extractPyMigration('v/a1.py', `${head.replace('revision', 'TABLE = "users"\nrevision')}    op.execute(f"CREATE INDEX ix ON {TABLE} (a)")\n`);
    expect((withConst.calls[0] as Fragment).sql).toBe('CREATE INDEX ix ON users (a)');
    expect((withConst.calls[0] as Fragment).placeholders).toEqual([]);
  });

  it('every character maps back to the source character it came from', () => {
    const { text, f } = fragment('"é😀 \\n" r"\\d" """\nX"""');
    for (let i = 0; i < f.sql.length; i++) {
      const raw = text.slice(f.map.rawStart[i], f.map.rawEnd[i]);
      if (f.sql[i] === '\n' && raw === '\\n') continue;
      if (raw.length === 1 || raw.length === 2) expect([f.sql[i], f.sql.slice(i, i + 2), '\\d'].some((x) => raw.includes(x)), `${i}: ${raw}`).toBe(true);
    }
    expect(text.slice(f.map.rawStart[0], f.map.rawEnd[0])).toBe('é');
  });
});

describe('findings inside Python strings', () => {
  it('point at the exact line and UTF-16 column, past escapes, non-BMP characters and implicit concatenation', () => {
    const text = `${head}    op.execute(\n        "-- 😀 it\\'s\\n"\n        'ALTER TABLE users ADD COLUMN n int NOT NULL'\n    )\n`;
    const result = preparePyMigration('v/a1.py', text).lint({ rules: { 'require-lock-timeout': 'off' } }).result;
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('ALTER TABLE')) + 1;
    // (the rule reports at the ADD COLUMN subcommand, as for the same SQL in a .sql file)
    const col = lines[line - 1].indexOf('ADD COLUMN') + 1;
    expect(result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual([`${line}:${col} no-add-column-not-null`]);
  });

  it('a suppression comment above the call applies to its statements', () => {
    const text = `${head}    # godwit-ignore no-add-column-not-null -- reviewed in #12\n    op.execute("ALTER TABLE users ADD COLUMN n int NOT NULL")\n`;
    const result = preparePyMigration('v/a1.py', text).lint({ rules: { 'require-lock-timeout': 'off' } }).result;
    expect(result.messages).toEqual([]);
  });

  it('a file that does not parse is one fatal message at the parser’s position', () => {
    const text = `${head}    op.execute("x"\n`;
    const result = preparePyMigration('v/a1.py', text).lint({}).result;
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatchObject({ fatal: true, line: 8, column: 5 });
    expect(result.messages[0].message).toMatch(/^cannot parse v\/a1\.py: invalid syntax/);
  });
});

describe('the parser', () => {
  it('reads modern syntax (3.8 – 3.14) without error', () => {
    const src = [
      'type Point = tuple[float, float]',
      'def first[T](xs: list[T]) -> T:\n    return xs[0]',
      'f = lambda x, /, y: x',
      '@a.b[1](c)\ndef g():\n    pass',
      'with (open(a) as f, open(b) as h):\n    pass',
      'match x:\n    case {"k": 1, **rest}:\n        pass\n    case _:\n        pass',
      'x = f"{f"{a!r}"}" + t"{b}"',
      'try:\n    pass\nexcept* E:\n    pass',
      'if (n := 1):\n    pass',
    ].join('\n');
    expect(() => parsePython(src)).not.toThrow();
  });

  it('fix text is escaped for the literal it lands in, or refused when the literal cannot hold it', () => {
    expect(escapePython('py:"', 'a"b\nc\\')).toBe('a\\"b\\nc\\\\');
    expect(escapePython("py:'''", "it's\nok")).toBe("it\\'s\nok");
    expect(escapePython('py:r"', 'a\\d')).toBe('a\\d');
    expect(escapePython('py:r"', 'a"b')).toBeUndefined();
    expect(escapePython('py:f"', '{x}')).toBe('{{x}}');
  });
});
