/**
 * Suppression directives (RULES.md "Suppressions") and unused-suppression.
 *
 * Most cases run two test-local rules that flag every CREATE INDEX (so they do not depend on
 * the rules being written in rules/ at the same time), with the real syntax-error and
 * unused-suppression definitions; the end-to-end cases use require-concurrent-index.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser, lintSql, rules as builtin } from '../src/lint.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { lintParsed } from '../src/engine/linter.js';
import { defineRule, type LintOptions, type LintResult, type RuleDefinition } from '../src/engine/types.js';

beforeAll(() => initParser());

function indexRule(id: string): RuleDefinition {
  return defineRule({
    id,
    severity: 'error',
    preset: 'recommended',
    category: 'locks',
    docs: { summary: `test rule ${id}`, why: 'test', fix: 'test' },
    create: (ctx) => ({
      IndexStmt(_node, stmt) {
        ctx.report({ stmt, message: `${id} here`, lock: null });
      },
    }),
  });
}

const A = 'test-a';
const B = 'test-b';
const meta = builtin.filter((r) => r.id === 'syntax-error' || r.id === 'unused-suppression');
const RULES: RuleDefinition[] = [indexRule(A), indexRule(B), ...meta];

function run(text: string, options: LintOptions = {}): LintResult {
  return lintParsed(parseFile('x.sql', text), RULES, options);
}
/** `ruleId@line` for every message, in order. */
function summary(r: LintResult): string[] {
  return r.messages.map((m) => `${m.ruleId}@${m.line}`);
}

describe('the rule set used here', () => {
  it('has the meta rules', () => {
    expect(meta.map((r) => r.id).sort()).toEqual(['syntax-error', 'unused-suppression']);
  });

  it('reports both test rules on every CREATE INDEX without directives', () => {
    expect(summary(run('CREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);'))).toEqual([`${A}@1`, `${B}@1`, `${A}@2`, `${B}@2`]);
  });
});

describe('godwit-ignore', () => {
  it('with no rules suppresses every rule on the statement below, and only that one', () => {
    const r = run('-- godwit-ignore\nCREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);');
    expect(summary(r)).toEqual([`${A}@3`, `${B}@3`]);
  });

  it('naming one rule suppresses only that rule', () => {
    expect(summary(run(`-- godwit-ignore ${A}\nCREATE INDEX a ON t (x);`))).toEqual([`${B}@2`]);
  });

  it('naming two rules (comma or space separated) suppresses both', () => {
    expect(summary(run(`-- godwit-ignore ${A}, ${B}\nCREATE INDEX a ON t (x);`))).toEqual([]);
    expect(summary(run(`-- godwit-ignore ${A} ${B}\nCREATE INDEX a ON t (x);`))).toEqual([]);
  });

  it('takes the text after " -- " as the reason, not as rule names', () => {
    const text = `-- godwit-ignore ${A} -- contract of the v42 rename, see ${B}\nCREATE INDEX a ON t (x);`;
    const p = parseFile('x.sql', text);
    expect(p.directives).toHaveLength(1);
    expect(p.directives[0]).toMatchObject({ kind: 'ignore', rules: [A], reason: `contract of the v42 rename, see ${B}` });
    expect(summary(run(text))).toEqual([`${B}@2`]);
  });

  it('with a reason but no rules suppresses every rule', () => {
    const text = '-- godwit-ignore -- table is empty in production\nCREATE INDEX a ON t (x);';
    expect(parseFile('x.sql', text).directives[0]).toMatchObject({ rules: null, reason: 'table is empty in production' });
    expect(summary(run(text))).toEqual([]);
  });

  it('works with other comment lines between it and the statement', () => {
    expect(summary(run(`-- godwit-ignore ${A}\n-- builds the index for the report\nCREATE INDEX a ON t (x);`))).toEqual([`${B}@3`]);
  });

  it('in a block comment on the same line, before the statement', () => {
    expect(summary(run(`/* godwit-ignore ${A} */ CREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);`))).toEqual([`${B}@1`, `${A}@2`, `${B}@2`]);
  });

  it('after code on the same line applies to that statement, not the next', () => {
    const r = run(`CREATE INDEX a ON t (x); -- godwit-ignore ${A}\nCREATE INDEX b ON t (y);`);
    expect(summary(r)).toEqual([`${B}@1`, `${A}@2`, `${B}@2`]);
  });

  it('after code on the last line of a multi-line statement applies to that statement', () => {
    const r = run(`CREATE INDEX a\n  ON t (x); -- godwit-ignore\nCREATE INDEX b ON t (y);`);
    expect(summary(r)).toEqual([`${A}@3`, `${B}@3`]);
  });

  it('inside a multi-line statement applies to that statement', () => {
    const r = run(`CREATE INDEX a\n  -- godwit-ignore ${A}\n  ON t (x);\nCREATE INDEX b ON t (y);`);
    expect(summary(r)).toEqual([`${B}@1`, `${A}@4`, `${B}@4`]);
  });

  it('two directives above one statement both apply', () => {
    expect(summary(run(`-- godwit-ignore ${A}\n-- godwit-ignore ${B}\nCREATE INDEX a ON t (x);`))).toEqual([]);
  });

  it('covers findings inside a DO block below it', () => {
    const r = run(`-- godwit-ignore ${A}\nDO $$\nBEGIN\n  CREATE INDEX a ON t (x);\nEND $$;`);
    expect(summary(r)).toEqual([`${B}@4`]);
  });

  it('works in CRLF files', () => {
    expect(summary(run(`-- godwit-ignore ${A}\r\nCREATE INDEX a ON t (x);\r\nCREATE INDEX b ON t (y);\r\n`))).toEqual([`${B}@2`, `${A}@3`, `${B}@3`]);
  });
});

describe('godwit-ignore-file', () => {
  it('without rules suppresses everything in the file, wherever it is', () => {
    expect(summary(run('CREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);\n-- godwit-ignore-file\n'))).toEqual([]);
  });

  it('with rules suppresses only those', () => {
    expect(summary(run(`-- godwit-ignore-file ${B} -- legacy file\nCREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);`))).toEqual([`${A}@2`, `${A}@3`]);
  });
});

describe('ESLint directive forms', () => {
  it('eslint-disable-next-line godwit/<id> suppresses that rule on the next line only', () => {
    const r = run(`-- eslint-disable-next-line godwit/${A}\nCREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);`);
    expect(summary(r)).toEqual([`${B}@2`, `${A}@3`, `${B}@3`]);
  });

  it('eslint-disable-next-line with two rules and a description', () => {
    const r = run(`-- eslint-disable-next-line godwit/${A}, godwit/${B} -- reviewed\nCREATE INDEX a ON t (x);`);
    expect(summary(r)).toEqual([]);
  });

  it('eslint-disable-line godwit/<id> suppresses that rule on its own line', () => {
    const r = run(`CREATE INDEX a ON t (x); -- eslint-disable-line godwit/${A}\nCREATE INDEX b ON t (y);`);
    expect(summary(r)).toEqual([`${B}@1`, `${A}@2`, `${B}@2`]);
  });

  it('eslint-disable … eslint-enable suppresses a region', () => {
    const text = [
      'CREATE INDEX a ON t (x);',
      `/* eslint-disable godwit/${A} */`,
      'CREATE INDEX b ON t (x);',
      'CREATE INDEX c ON t (x);',
      `/* eslint-enable godwit/${A} */`,
      'CREATE INDEX d ON t (x);',
    ].join('\n');
    expect(summary(run(text))).toEqual([`${A}@1`, `${B}@1`, `${B}@3`, `${B}@4`, `${A}@6`, `${B}@6`]);
  });

  it('eslint-disable without rules and without enable covers every rule to the end of the file', () => {
    const r = run('CREATE INDEX a ON t (x);\n/* eslint-disable */\nCREATE INDEX b ON t (x);\nCREATE INDEX c ON t (x);');
    expect(summary(r)).toEqual([`${A}@1`, `${B}@1`]);
  });

  it('a bare eslint-enable closes every open region', () => {
    const r = run(`/* eslint-disable godwit/${A} */\nCREATE INDEX a ON t (x);\n/* eslint-enable */\nCREATE INDEX b ON t (x);`);
    expect(summary(r)).toEqual([`${B}@2`, `${A}@4`, `${B}@4`]);
  });

  it('eslint-enable of one rule ends the region for that rule only', () => {
    const text = [
      `/* eslint-disable godwit/${A}, godwit/${B} */`,
      'CREATE INDEX a ON t (x);',
      `/* eslint-enable godwit/${A} */`,
      'CREATE INDEX b ON t (x);',
    ].join('\n');
    expect(summary(run(text))).toEqual([`${A}@4`]);
  });

  it('eslint-enable of one rule inside a disable-everything region re-enables just that rule', () => {
    const text = ['/* eslint-disable */', 'CREATE INDEX a ON t (x);', `/* eslint-enable godwit/${A} */`, 'CREATE INDEX b ON t (x);'].join('\n');
    expect(summary(run(text))).toEqual([`${A}@4`]);
  });

  it('ignores ESLint directives that name only other plugins’ rules', () => {
    const text = '-- eslint-disable-next-line other/rule\nCREATE INDEX a ON t (x);';
    expect(parseFile('x.sql', text).directives[0].foreign).toBe(true);
    expect(summary(run(text))).toEqual([`${A}@2`, `${B}@2`]);
  });
});

describe('unused-suppression', () => {
  it('reports a directive naming an unknown rule, at the comment, as a warning', () => {
    const r = run('SELECT 1;\n  -- godwit-ignore no-such-rule\nCREATE INDEX a ON t (x);');
    const u = r.messages.filter((m) => m.ruleId === 'unused-suppression');
    expect(u).toHaveLength(1);
    expect(u[0]).toMatchObject({ severity: 1, line: 2, column: 3, endLine: 2 });
    expect(u[0].message).toContain('no-such-rule');
    // the unknown name suppresses nothing
    expect(summary(r).filter((s) => !s.startsWith('unused'))).toEqual([`${A}@3`, `${B}@3`]);
  });

  it('reports a directive that suppresses nothing', () => {
    const r = run(`-- godwit-ignore ${A}\nSELECT 1;`);
    expect(summary(r)).toEqual(['unused-suppression@1']);
    expect(r.messages[0].message).toMatch(/suppresses nothing/);
    expect(r.warningCount).toBe(1);
  });

  it('reports a godwit-ignore-file that suppresses nothing', () => {
    expect(summary(run(`-- godwit-ignore-file ${A}\nSELECT 1;`))).toEqual(['unused-suppression@1']);
  });

  it('reports a trailing directive after the last statement', () => {
    expect(summary(run(`CREATE INDEX a ON t (x);\n-- godwit-ignore ${A}\n`))).toEqual([`${A}@1`, `${B}@1`, 'unused-suppression@2']);
  });

  it('does not report a used directive', () => {
    expect(summary(run(`-- godwit-ignore ${A}, ${B}\nCREATE INDEX a ON t (x);`))).toEqual([]);
  });

  it('does not report a suppression of a rule that is turned off', () => {
    const r = run(`-- godwit-ignore ${B}\nCREATE INDEX a ON t (x);`, { rules: { [B]: 'off' } });
    expect(summary(r)).toEqual([`${A}@2`]);
    const f = run(`-- godwit-ignore-file ${B}\nCREATE INDEX a ON t (x);`, { rules: { [B]: 'off' } });
    expect(summary(f)).toEqual([`${A}@2`]);
  });

  it('is not reported when unused-suppression itself is off', () => {
    expect(summary(run('-- godwit-ignore no-such-rule\nSELECT 1;', { rules: { 'unused-suppression': 'off' } }))).toEqual([]);
  });

  it('takes the configured severity', () => {
    const r = run('-- godwit-ignore no-such-rule\nSELECT 1;', { rules: { 'unused-suppression': 'error' } });
    expect(r.messages[0]).toMatchObject({ ruleId: 'unused-suppression', severity: 2 });
  });
});

describe('what cannot be suppressed', () => {
  it('a syntax error survives godwit-ignore, godwit-ignore-file and eslint-disable', () => {
    for (const directive of ['-- godwit-ignore', '-- godwit-ignore syntax-error', '-- godwit-ignore-file', '/* eslint-disable */', '-- eslint-disable-next-line godwit/syntax-error']) {
      const r = run(`${directive}\nSELEC 1;`);
      const errors = r.messages.filter((m) => m.ruleId === 'syntax-error');
      expect(errors, directive).toHaveLength(1);
      expect(errors[0]).toMatchObject({ fatal: true, line: 2 });
    }
  });

  it('a directive over a statement that does not parse is not called unused (it cannot be known)', () => {
    expect(summary(run(`-- godwit-ignore ${A}\nCREATE INDEXX a ON t (x);\nCREATE INDEX b ON t (y);`))).toEqual(['syntax-error@2', `${A}@3`, `${B}@3`]);
    expect(summary(run(`-- godwit-ignore-file ${A}\nSELEC 1;`))).toEqual(['syntax-error@2']);
    // an unknown rule name is still wrong
    expect(summary(run('-- godwit-ignore no-such-rule\nSELEC 1;'))).toEqual(['unused-suppression@1', 'syntax-error@2']);
  });
});

describe('inlineConfig: false', () => {
  it('disables every directive and reports no unused suppressions', () => {
    const text = [
      '-- godwit-ignore-file',
      `-- godwit-ignore ${A}`,
      'CREATE INDEX a ON t (x);',
      `-- eslint-disable-next-line godwit/${B}`,
      'CREATE INDEX b ON t (x);',
      '-- godwit-ignore no-such-rule',
      'SELECT 1;',
    ].join('\n');
    expect(summary(run(text, { inlineConfig: false }))).toEqual([`${A}@3`, `${B}@3`, `${A}@5`, `${B}@5`]);
    expect(summary(run(text))).toEqual(['unused-suppression@6']);
  });
});

describe('end to end with require-concurrent-index', () => {
  const RULE = 'require-concurrent-index';
  const opts: LintOptions = { preset: 'recommended', rules: Object.fromEntries(builtin.filter((r) => ![RULE, 'syntax-error', 'unused-suppression'].includes(r.id)).map((r) => [r.id, 'off'])) };

  it('is reported without a directive and suppressed with each form', () => {
    const stmt = 'CREATE INDEX a ON users (x);';
    expect(lintSql(stmt, 'x.sql', opts).messages.map((m) => m.ruleId)).toEqual([RULE]);
    for (const text of [
      `-- godwit-ignore ${RULE} -- users is tiny\n${stmt}`,
      `-- godwit-ignore\n${stmt}`,
      `${stmt} -- godwit-ignore ${RULE}`,
      `-- godwit-ignore-file ${RULE}\n${stmt}`,
      `-- eslint-disable-next-line godwit/${RULE}\n${stmt}`,
      `${stmt} -- eslint-disable-line godwit/${RULE}`,
      `/* eslint-disable godwit/${RULE} */\n${stmt}\n/* eslint-enable godwit/${RULE} */`,
    ]) {
      expect(lintSql(text, 'x.sql', opts).messages, text).toEqual([]);
    }
  });

  it('a misspelt rule id does not suppress and is reported', () => {
    const r = lintSql('-- godwit-ignore require-concurent-index\nCREATE INDEX a ON users (x);', 'x.sql', opts);
    expect(r.messages.map((m) => m.ruleId).sort()).toEqual([RULE, 'unused-suppression']);
  });
});
