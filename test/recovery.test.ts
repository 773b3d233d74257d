/**
 * Bad input is data: a syntax error costs one statement, and the rest of the file is linted.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser, lint as lintAsync } from '../src/lint.js';
import { lintWithRule } from './helpers.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import type { Finding, LintResult } from '../src/engine/types.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

beforeAll(() => initParser());

const RULE = 'require-concurrent-index';

/** Only require-concurrent-index (and syntax-error, always on), so other rules cannot add findings. */
function lint(text: string): LintResult {
  return lintWithRule(text, RULE);
}
const hits = (r: LintResult, id: string): Finding[] => r.messages.filter((m) => m.ruleId === id);

describe('one syntax error costs one statement', () => {
  it('lints the statements before and after the bad one', () => {
    const text = 'CREATE INDEX a ON users(x); SELEC 1; CREATE INDEX b ON users(y);';
    const r = lint(text);
    expect(hits(r, RULE)).toHaveLength(2);
    const errors = hits(r, 'syntax-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ fatal: true, severity: 2, line: 1, column: text.indexOf('SELEC') + 1 });
    expect(errors[0].message).toMatch(/syntax error at or near "SELEC"/);
    expect(r.fatalErrorCount).toBe(1);
    expect(r.errorCount).toBe(3);
    // the messages are in file order
    expect(r.messages.map((m) => m.ruleId)).toEqual([RULE, 'syntax-error', RULE]);
  });

  it('gives the bad statement a range from its first token to its last', () => {
    const text = 'SELECT 1;\n  -- lead\n  SELEC 1 FROM t  ;\nSELECT 2;';
    const s = parseFile('x.sql', text).statements;
    expect(s.map((x) => x.kind)).toEqual(['SelectStmt', 'SyntaxError', 'SelectStmt']);
    expect(s[1].text).toBe('SELEC 1 FROM t');
    expect(s[1].error!.index).toBe(text.indexOf('SELEC 1 FROM'));
    expect(s.map((x) => x.index)).toEqual([0, 1, 2]);
  });

  it('reports several errors in one file, each at its position', () => {
    const text = 'SELEC 1;\nCREATE INDEX a ON users(x);\nALTER TABLE;\nCREATE INDEX b ON users(y);\nINSERT INTO VALUES;\n';
    const r = lint(text);
    const errors = hits(r, 'syntax-error');
    expect(errors.map((e) => e.line)).toEqual([1, 3, 5]);
    expect(errors.every((e) => e.fatal === true)).toBe(true);
    expect(hits(r, RULE).map((h) => h.line)).toEqual([2, 4]);
  });

  it('survives thousands of errors (no recursion per error) and keeps linting between them', () => {
    const n = 3000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(i % 2 ? `CREATE INDEX i${i} ON users (c${i});` : `INSERT INTO \`t\` VALUES ('é😀${i}');`);
    const text = lines.join('\n');
    const t0 = Date.now();
    const r = lint(text);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(hits(r, 'syntax-error')).toHaveLength(n / 2);
    expect(hits(r, RULE)).toHaveLength(n / 2);
    expect(hits(r, RULE)[0]).toMatchObject({ line: 2, column: 1 });
    expect(hits(r, 'syntax-error')[n / 2 - 1]).toMatchObject({ line: n - 1, column: 13 });
  });

  it('lints a long valid stretch after an error', () => {
    const good = Array.from({ length: 200 }, (_, i) => `CREATE INDEX i${i} ON users (c${i});`).join('\n');
    const r = lint(`SELEC 1;\n${good}\nSELEC 2;\n${good}`);
    expect(hits(r, 'syntax-error').map((e) => e.line)).toEqual([1, 202]);
    expect(hits(r, RULE)).toHaveLength(400);
  });

  it('reports an error in the last statement without a trailing semicolon', () => {
    const r = lint('CREATE INDEX a ON users(x);\nSELECT FROM WHERE');
    expect(hits(r, RULE)).toHaveLength(1);
    expect(hits(r, 'syntax-error')).toHaveLength(1);
    expect(hits(r, 'syntax-error')[0].line).toBe(2);
  });
});

describe('unterminated literals and comments', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['string', "SELECT 'abc;\nCREATE INDEX b ON users(y);\n", /unterminated quoted string/],
    ['dollar quote', 'DO $$ BEGIN;\nCREATE INDEX b ON users(y);\n', /unterminated dollar-quoted string/],
    ['tagged dollar quote', 'SELECT $fn$ abc;\nCREATE INDEX b ON users(y);\n', /unterminated dollar-quoted string/],
    ['block comment', '/* open comment\nCREATE INDEX b ON users(y);\n', /unterminated \/\* comment/],
    ['quoted identifier', 'SELECT "abc;\nCREATE INDEX b ON users(y);\n', /unterminated quoted identifier/],
  ];
  for (const [name, tail, message] of cases) {
    it(`an unterminated ${name} makes the rest of the file one error; statements before are linted`, () => {
      const head = "SELECT 'é';\nCREATE INDEX a ON users(x);\n";
      const text = head + tail;
      const r = lint(text);
      expect(hits(r, RULE).map((h) => h.line)).toEqual([2]);
      const errors = hits(r, 'syntax-error');
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(message);
      expect(errors[0].line).toBe(3);
      const stmts = parseFile('x.sql', text).statements;
      expect(stmts.map((s) => s.kind)).toEqual(['SelectStmt', 'IndexStmt', 'SyntaxError']);
      // the error statement starts at its first character (not at the whitespace before it) and runs to the end
      expect(stmts[2].start).toBe(head.length);
      expect(stmts[2].text).toBe(tail.trimEnd());
    });
  }

  it('keeps the statements before the first error when a grammar error precedes an unterminated literal', () => {
    const text = "CREATE INDEX a ON users(x);\nSELEC 1;\nSELECT 'abc";
    const r = lint(text);
    expect(hits(r, RULE)).toHaveLength(1);
    expect(hits(r, 'syntax-error').length).toBeGreaterThanOrEqual(1);
    expect(hits(r, 'syntax-error')[0].line).toBe(2);
  });
});

describe('empty input', () => {
  for (const [name, text] of [
    ['an empty file', ''],
    ['a BOM-only file', '\ufeff'],
    ['a whitespace-only file', '  \n\t\r\n  '],
    ['a comment-only file', '-- just a comment\n/* and a block\n   comment */\n'],
    ['empty statements', ';;;'],
    ['empty statements with whitespace and comments', ' ; -- x\n ;\n/* y */ ; '],
  ] as const) {
    it(`${name} has no statements and no findings`, () => {
      expect(parseFile('x.sql', text).statements).toEqual([]);
      const r = lint(text);
      expect(r.messages).toEqual([]);
      expect(r.errorCount + r.warningCount).toBe(0);
    });
  }

  it('the async lint() API gives the same answer', async () => {
    const r = await lintAsync('-- nothing here\n', 'x.sql');
    expect(r.messages).toEqual([]);
    const e = await lintAsync('SELEC 1;', 'x.sql');
    expect(e.messages.map((m) => m.ruleId)).toEqual(['syntax-error']);
  });

  it('collects comments of a comment-only file', () => {
    const p = parseFile('x.sql', '-- a\n/* b\n c */\n');
    expect(p.comments.map((c) => [c.text, c.line, c.endLine, c.block])).toEqual([
      ['-- a', 1, 1, false],
      ['/* b\n c */', 2, 3, true],
    ]);
  });

  it('skips empty statements around real ones', () => {
    const text = ';; CREATE INDEX a ON users(x);;; ;';
    const s = parseFile('x.sql', text).statements;
    expect(s).toHaveLength(1);
    expect(s[0].text).toBe('CREATE INDEX a ON users(x)');
    expect(hits(lint(text), RULE)).toHaveLength(1);
  });
});

describe('statements with inner semicolons', () => {
  const atomic = 'CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 END;\nEND;';

  it('parses a BEGIN ATOMIC body as one statement', () => {
    const s = parseFile('x.sql', `${atomic}\nCREATE INDEX a ON users(x);`).statements;
    expect(s.map((x) => x.kind)).toEqual(['CreateFunctionStmt', 'IndexStmt']);
    expect(s[0].text).toBe(atomic.slice(0, -1));
  });

  it('keeps a broken BEGIN ATOMIC body in one error statement (no stray END = COMMIT)', () => {
    const text = 'CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELEC 1;\n  SELECT CASE WHEN true THEN 2 END;\nEND;\nCREATE INDEX a ON users(x);';
    const s = parseFile('x.sql', text).statements;
    expect(s.map((x) => x.kind)).toEqual(['SyntaxError', 'IndexStmt']);
    expect(s[0].text.endsWith('END')).toBe(true);
    expect(hits(lint(text), RULE)).toHaveLength(1);
  });

  it('keeps a broken statement with parenthesised semicolons whole', () => {
    const text = 'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERTT INTO b VALUES (2));\nCREATE INDEX a ON users(x);';
    const s = parseFile('x.sql', text).statements;
    expect(s.map((x) => x.kind)).toEqual(['SyntaxError', 'IndexStmt']);
  });
});

describe('psql meta-commands', () => {
  it('turns each meta-command line into a syntax error and lints the rest', () => {
    const text = '\\connect mydb\nCREATE INDEX a ON users(x);\n\\set ON_ERROR_STOP on\nCREATE INDEX b ON users(y);\n';
    const r = lint(text);
    expect(hits(r, 'syntax-error').map((e) => [e.line, e.column, e.fatal])).toEqual([
      [1, 1, true],
      [3, 1, true],
    ]);
    expect(hits(r, RULE).map((h) => h.line)).toEqual([2, 4]);
    const s = parseFile('x.sql', text).statements;
    expect(s.map((x) => x.text)).toEqual(['\\connect mydb', 'CREATE INDEX a ON users(x)', '\\set ON_ERROR_STOP on', 'CREATE INDEX b ON users(y)']);
  });

  it('ends a statement without a semicolon at a meta-command (\\gset)', () => {
    const text = 'CREATE INDEX a ON users(x)\n\\gset\r\nCREATE INDEX b ON users(y);';
    const s = parseFile('x.sql', text).statements;
    expect(s.map((x) => x.kind)).toEqual(['IndexStmt', 'SyntaxError', 'IndexStmt']);
    expect(s[1].text).toBe('\\gset');
  });
});

describe('DO blocks', () => {
  const text = [
    '-- é 😀', //                                       1
    'DO $$', //                                          2
    'DECLARE r record; j int;', //                       3
    'BEGIN', //                                          4
    '  UPDATE t SET a = 1 WHERE id = 1;', //             5
    '  LOOP', //                                         6
    '    UPDATE t SET b = 2 WHERE id IN (SELECT id FROM t LIMIT 10);', // 7
    '    EXIT WHEN NOT FOUND;', //                       8
    '  END LOOP;', //                                    9
    '  WHILE true LOOP DELETE FROM t WHERE x; END LOOP;', // 10
    '  FOR i IN 1..10 LOOP INSERT INTO t VALUES (i); END LOOP;', // 11
    '  FOR r IN SELECT * FROM t LOOP UPDATE t SET c = 1; END LOOP;', // 12
    '  FOREACH j IN ARRAY ARRAY[1] LOOP UPDATE t SET c = 2; END LOOP;', // 13
    '  IF true THEN UPDATE t SET d = 1; END IF;', //     14
    '  CREATE INDEX a ON users (x);', //                 15
    'END $$;',
  ].join('\n');

  function children(src: string): Statement[] {
    const [doStmt] = parseFile('x.sql', src).statements;
    expect(doStmt.kind).toBe('DoStmt');
    return doStmt.children ?? [];
  }

  it('exposes the inner statements with their file positions', () => {
    const p = parseFile('x.sql', text);
    const kids = p.statements[0].children!;
    expect(kids.map((c) => c.kind)).toEqual(['UpdateStmt', 'UpdateStmt', 'DeleteStmt', 'InsertStmt', 'UpdateStmt', 'UpdateStmt', 'UpdateStmt', 'IndexStmt']);
    expect(kids.map((c) => p.source.position(c.start).line)).toEqual([5, 7, 10, 11, 12, 13, 14, 15]);
    expect(kids[1].text).toBe('UPDATE t SET b = 2 WHERE id IN (SELECT id FROM t LIMIT 10)');
    expect(p.source.position(kids[1].start).column).toBe(5);
    for (const c of kids) {
      expect(c.parent).toBe(p.statements[0]);
      expect(p.source.text.slice(c.start, c.end)).toBe(c.text);
    }
  });

  it('marks statements inside LOOP, WHILE, FOR and FOREACH as inLoop, and only those', () => {
    expect(children(text).map((c) => c.inLoop)).toEqual([false, true, true, true, true, true, false, false]);
  });

  it('maps node locations of inner statements into the file', () => {
    const p = parseFile('x.sql', text);
    const upd = p.statements[0].children![1];
    const rel = upd.body.relation;
    const at = upd.locate(rel.location);
    expect(p.source.text.slice(at, at + 1)).toBe('t');
    expect(p.source.position(at)).toEqual({ line: 7, column: 12 });
  });

  it('gives two equal statements on one line their own positions', () => {
    const src = 'DO $$ BEGIN UPDATE t SET a = 1; UPDATE t SET a = 1; END $$;';
    const kids = children(src);
    expect(kids.map((c) => c.start)).toEqual([src.indexOf('UPDATE'), src.lastIndexOf('UPDATE')]);
  });

  it('finds a statement whose INTO clause PL/pgSQL cut out of its text', () => {
    const src = 'DO $$\nDECLARE v int;\nBEGIN\n  SELECT id INTO v FROM t WHERE x = 1;\nEND $$;';
    const [c] = children(src);
    expect(c.kind).toBe('SelectStmt');
    expect(c.start).toBe(src.indexOf('SELECT id'));
    expect(c.text).toBe('SELECT id INTO v FROM t WHERE x = 1');
  });

  it('flags dynamic EXECUTE as dynamicSql', () => {
    const [d] = parseFile('x.sql', "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'x'; END $$;").statements;
    expect(d.dynamicSql).toBe(true);
    const [s] = parseFile('x.sql', 'DO $$ BEGIN UPDATE t SET a = 1; END $$;').statements;
    expect(s.dynamicSql).toBeUndefined();
  });

  it('lints inner statements (the finding is on the inner line)', () => {
    const r = lint(text);
    const [f] = hits(r, RULE);
    expect(f).toMatchObject({ line: 15, column: 3 });
  });

  it('handles a tagged dollar quote, LANGUAGE plpgsql and multi-byte text in the body', () => {
    const src = "DO $x$ BEGIN PERFORM 1; UPDATE t SET a = '😀' WHERE b = 1; END $x$ LANGUAGE plpgsql;";
    const [c] = children(src);
    expect(c.kind).toBe('UpdateStmt');
    expect(src.slice(c.start, c.end)).toBe("UPDATE t SET a = '😀' WHERE b = 1");
  });

  it('does not expand DO blocks in other languages, and survives a PL/pgSQL error', () => {
    expect(parseFile('x.sql', "DO $$ print('x') $$ LANGUAGE plpython3u;").statements[0].children).toBeUndefined();
    const p = parseFile('x.sql', 'DO $$ BEGIN FOR q IN SELECT 1 LOOP END LOOP; END $$;\nCREATE INDEX a ON users(x);');
    expect(p.statements.map((s) => s.kind)).toEqual(['DoStmt', 'IndexStmt']);
  });
});
