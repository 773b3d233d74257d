/**
 * Positions: libpg-query speaks UTF-8 bytes (and code points for error cursors); godwit reports
 * 1-based lines, UTF-16 columns and ranges that index the (BOM-less) JS string (CLI.md).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser } from '../src/lint.js';
import { lintWithRule } from './helpers.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { SourceText, indexOfCodePoint } from '../src/dialects/postgresql/source.js';
import { applyEdits } from '../src/fix/apply.js';
import { lintParsed } from '../src/engine/linter.js';
import { defineRule, type Finding, type LintResult } from '../src/engine/types.js';

beforeAll(() => initParser());

const RULE = 'require-concurrent-index';

/** Only require-concurrent-index (plus syntax-error, always on). */
function lintOnly(text: string): LintResult {
  return lintWithRule(text, RULE);
}

function only(result: LintResult, ruleId: string): Finding[] {
  return result.messages.filter((m) => m.ruleId === ruleId);
}

/** 1-based line/column of a UTF-16 index, computed independently of SourceText. */
function expectedPos(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

describe('SourceText', () => {
  it('maps UTF-8 byte offsets to UTF-16 indexes across 2-, 3- and 4-byte characters', () => {
    const s = new SourceText('aé日😀b');
    // bytes: a(0) é(1,2) 日(3,4,5) 😀(6..9) b(10); UTF-16: a0 é1 日2 😀3,4 b5
    expect(s.indexOfByte(0)).toBe(0);
    expect(s.indexOfByte(1)).toBe(1);
    expect(s.indexOfByte(3)).toBe(2);
    expect(s.indexOfByte(6)).toBe(3);
    expect(s.indexOfByte(10)).toBe(5);
    expect(s.indexOfByte(11)).toBe(6);
    expect(s.indexOfByte(999)).toBe(6);
    for (const i of [0, 1, 2, 3, 5, 6]) expect(s.indexOfByte(s.byteOfIndex(i))).toBe(i);
    expect([0, 1, 2, 3, 5, 6].map((i) => s.byteOfIndex(i))).toEqual([0, 1, 3, 6, 10, 11]);
  });

  it('is the identity on ASCII text', () => {
    const s = new SourceText('SELECT 1;');
    expect(s.indexOfByte(7)).toBe(7);
    expect(s.byteOfIndex(7)).toBe(7);
  });

  it('counts LF, CRLF and lone CR as one line break each', () => {
    const s = new SourceText('a\nb\r\nc\rd');
    expect(s.lineStarts).toEqual([0, 2, 5, 7]);
    expect(s.position(0)).toEqual({ line: 1, column: 1 });
    expect(s.position(3)).toEqual({ line: 2, column: 2 }); // the \r of the CRLF
    expect(s.position(5)).toEqual({ line: 3, column: 1 });
    expect(s.position(7)).toEqual({ line: 4, column: 1 });
    expect(s.lineText(2)).toBe('b');
    expect(s.lineText(3)).toBe('c');
    expect(s.lineText(4)).toBe('d');
  });

  it('removes a BOM and remembers it', () => {
    const s = new SourceText('\ufeffSELECT 1;');
    expect(s.bom).toBe(true);
    expect(s.text).toBe('SELECT 1;');
    expect(new SourceText('SELECT 1;').bom).toBe(false);
  });

  it('counts code points for parser cursors (a surrogate pair is one code point)', () => {
    expect(indexOfCodePoint('😀x', 1)).toBe(2);
    expect(indexOfCodePoint('é日😀😀x', 4)).toBe(6);
    expect(indexOfCodePoint('abc', 10)).toBe(3);
  });
});

describe('finding locations', () => {
  it('uses UTF-16 columns after multi-byte text on earlier lines', () => {
    const text = '-- é 日本 😀\nCREATE INDEX a ON users (x);\n';
    const [f] = only(lintOnly(text), RULE);
    expect(f).toMatchObject({ line: 2, column: 1, endLine: 2, endColumn: 28 });
  });

  it('uses UTF-16 columns after multi-byte text earlier on the same line', () => {
    // 'é日本😀' is 5 UTF-16 units but 12 UTF-8 bytes: a byte column would be 24, not 17
    const text = "SELECT 'é日本😀'; CREATE INDEX a ON users (x);";
    const [f] = only(lintOnly(text), RULE);
    expect(text.indexOf('CREATE')).toBe(16);
    expect(f).toMatchObject({ line: 1, column: 17, endLine: 1, endColumn: 17 + 'CREATE INDEX a ON users (x)'.length });
  });

  it('gives each of several statements after emoji its own right column', () => {
    const text = "SELECT '😀'; CREATE INDEX a ON users (x); SELECT '😀😀'; CREATE INDEX b ON users (y);";
    const hits = only(lintOnly(text), RULE);
    expect(hits).toHaveLength(2);
    const starts = [text.indexOf('CREATE INDEX a'), text.indexOf('CREATE INDEX b')];
    expect(hits.map((h) => h.column)).toEqual(starts.map((s) => s + 1));
  });

  it('gives a fix range that indexes the JS string', () => {
    const text = "-- 😀 日本\nSELECT 'é'; CREATE INDEX a ON users (x);";
    const [f] = only(lintOnly(text), RULE);
    expect(f.fix).toBeDefined();
    const [s, e] = f.fix!.range;
    expect(text.slice(s - 'INDEX'.length, e)).toBe('INDEX');
    const out = text.slice(0, s) + f.fix!.text + text.slice(e);
    expect(out).toBe("-- 😀 日本\nSELECT 'é'; CREATE INDEX CONCURRENTLY a ON users (x);");
  });

  it('handles CRLF files', () => {
    const text = 'SELECT 1;\r\n-- note\r\nCREATE INDEX a\r\n  ON users (x);\r\n';
    const [f] = only(lintOnly(text), RULE);
    expect(f).toMatchObject({ line: 3, column: 1, endLine: 4, endColumn: 15 });
  });

  it('handles lone-CR files', () => {
    const text = 'SELECT 1;\rSELECT 2;\r  CREATE INDEX a ON users (x);';
    const [f] = only(lintOnly(text), RULE);
    expect(f).toMatchObject({ line: 3, column: 3 });
  });

  it('handles a BOM: ranges index the BOM-less text and columns do not count it', () => {
    const raw = '\ufeffCREATE INDEX a ON users (x);';
    const [f] = only(lintOnly(raw), RULE);
    expect(f).toMatchObject({ line: 1, column: 1, endColumn: 28 });
    const text = parseFile('x.sql', raw).source.text;
    expect(text.startsWith('CREATE')).toBe(true);
    expect(f.fix!.range).toEqual([12, 12]);
    expect(text.slice(7, f.fix!.range[0])).toBe('INDEX');
    expect(applyEdits(text, [f.fix!]).text).toBe('CREATE INDEX CONCURRENTLY a ON users (x);');
  });

  it('handles a BOM with multi-byte text and CRLF together', () => {
    const raw = '\ufeff-- ünïcödé 😀\r\nSELECT 1; CREATE INDEX a ON users (x);\r\n';
    const [f] = only(lintOnly(raw), RULE);
    expect(f).toMatchObject({ line: 2, column: 11 });
  });

  it('reports the statement location of every finding consistently with the text', () => {
    const text = '/* 日本語 */ SELECT 1;\n\t-- 😀😀😀\n\tCREATE UNIQUE INDEX a ON users (x);';
    const [f] = only(lintOnly(text), RULE);
    expect({ line: f.line, column: f.column }).toEqual(expectedPos(text, text.indexOf('CREATE')));
    expect({ line: f.endLine, column: f.endColumn }).toEqual(expectedPos(text, text.indexOf(';', text.indexOf('CREATE'))));
  });
});

describe('syntax error positions', () => {
  function syntaxErrors(text: string): Finding[] {
    return only(lintOnly(text), 'syntax-error');
  }

  it('counts the code points before the error (an emoji is one code point, two columns)', () => {
    const text = "SELECT '😀'; SELEC 1;";
    const [e] = syntaxErrors(text);
    expect(e).toMatchObject({ line: 1, column: 14, fatal: true });
    expect(text.slice(e.column - 1, e.column - 1 + 5)).toBe('SELEC');
  });

  it('places an error inside a statement after astral characters', () => {
    const text = "-- x\nSELECT '😀😀' FROM;";
    const [e] = syntaxErrors(text);
    expect(e.message).toContain(';');
    expect(e).toMatchObject({ line: 2, column: 19 }); // at the `;`
  });

  it('places a second error right (parsed from a later offset of the file)', () => {
    const text = "SELEC '😀'; SELECT 'é日本' FROM; CREATE INDEX a ON users (x);";
    const errors = syntaxErrors(text);
    expect(errors).toHaveLength(2);
    expect(errors[0].column).toBe(1);
    const semi = text.indexOf('FROM;') + 4;
    expect(errors[1]).toMatchObject({ line: 1, column: semi + 1 });
    const [f] = only(lintOnly(text), RULE);
    expect(f.column).toBe(text.indexOf('CREATE') + 1);
  });

  it('places an unterminated literal at its opening quote after multi-byte text', () => {
    const text = "SELECT '😀';\nSELECT 'abc";
    const [e] = syntaxErrors(text);
    expect(e.message).toMatch(/unterminated quoted string/);
    expect(e).toMatchObject({ line: 2, column: 8 });
  });

  it('places errors right in CRLF and BOM files', () => {
    const raw = '\ufeffSELECT 1;\r\n  SELEC 2;\r\n';
    const [e] = syntaxErrors(raw);
    expect(e).toMatchObject({ line: 2, column: 3 });
  });
});

describe('DO block positions', () => {
  it('points a finding inside a DO block at the inner statement, after multi-byte text', () => {
    const text = '-- 😀\nDO $$\nBEGIN\n  PERFORM 1; -- é\n  CREATE INDEX a ON users (x);\nEND $$;';
    const [f] = only(lintOnly(text), RULE);
    expect(f).toMatchObject({ line: 5, column: 3, endLine: 5, endColumn: 3 + 'CREATE INDEX a ON users (x)'.length });
    expect(f.fix).toBeUndefined(); // CONCURRENTLY cannot run inside a DO block
  });
});

describe('node locations (AST byte offsets → UTF-16)', () => {
  // a test rule that points at the indexed table's name
  const atRelation = defineRule({
    id: 'test-at-relation',
    severity: 'warn',
    preset: 'recommended',
    category: 'locks',
    docs: { summary: 'test', why: 'test', fix: 'test' },
    create: (ctx) => ({
      IndexStmt(node, stmt) {
        ctx.report({ stmt, node: node.relation, message: 'here', lock: null });
      },
    }),
  });
  const run = (text: string): Finding[] => lintParsed(parseFile('x.sql', text), [atRelation]).messages.filter((m) => m.ruleId === atRelation.id);

  it('points at the node after multi-byte text in the same statement', () => {
    const text = "CREATE INDEX \"😀日本\" ON users (x);";
    const [f] = run(text);
    expect(f.column).toBe(text.indexOf('users') + 1);
  });

  it('points at the node in a statement parsed after a syntax error (a later parse offset)', () => {
    const text = "SELEC 'é😀';\nSELECT '日本'; CREATE INDEX i ON app.users (x);";
    const [f] = run(text);
    expect(f).toMatchObject({ line: 2, column: text.split('\n')[1].indexOf('app.users') + 1 });
  });

  it('points at the node inside a DO block', () => {
    const text = "DO $$\nBEGIN\n  PERFORM '😀';\n  CREATE INDEX i ON users (x);\nEND $$;";
    const [f] = run(text);
    expect(f).toMatchObject({ line: 4, column: 21 });
  });
});
