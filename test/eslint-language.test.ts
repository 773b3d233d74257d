/**
 * The ESLint plugin on .sql files: the godwit/sql language (AST, locations, comments, inline
 * config and eslint-disable directives in SQL comments) and godwit rules through ESLint's own
 * RuleTester and Linter (ESLint 10, the installed version).
 */
import { describe, it, expect } from 'vitest';
import { Linter, RuleTester } from 'eslint';
import { mkdtempSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import plugin, { sqlLanguage, SqlSourceCode } from '../src/eslint/index.js';
import type { SqlProgram } from '../src/eslint/ast.js';
import { rules as godwitRules } from '../src/lint.js';
import { lintFixture, ready } from './helpers.js';
import tsParser from '@typescript-eslint/parser';

const root = resolve(import.meta.dirname, '..');

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

// an empty project: no godwit config, no migration root, a .git to stop the config search
// (created when the module loads: RuleTester reads its cases while the suite is collected)
const dir = mkdtempSync(join(tmpdir(), 'godwit-eslint-lang-'));
mkdirSync(join(dir, '.git'));
const file = (name = 'm.sql') => join(dir, name);

function parse(text: string, path = '/x/m.sql') {
  const result = sqlLanguage.parse({ path, physicalPath: path, bom: false, body: text }, { languageOptions: {} });
  if (!result.ok) throw new Error('parse failed');
  const sourceCode = sqlLanguage.createSourceCode({ path, physicalPath: path, bom: false, body: text }, result, { languageOptions: {} });
  return { ast: result.ast as SqlProgram, sourceCode };
}

function lint(text: string, opts: { name?: string; config?: Linter.Config[]; extra?: Linter.Config; linterOptions?: Linter.Config['linterOptions'] } = {}) {
  const linter = new Linter({ cwd: dir });
  const config = [...((opts.config ?? plugin.configs.recommended) as Linter.Config[]), ...(opts.extra ? [opts.extra] : [])];
  if (opts.linterOptions) config.push({ files: ['**/*.sql'], linterOptions: opts.linterOptions });
  return linter.verify(text, config, { filename: file(opts.name) });
}

describe('the godwit/sql language', () => {
  it('parses a file into a Program of statements with 1-based locations', () => {
    const text = "SET lock_timeout = '2s';\n-- the index\nCREATE INDEX i ON users (email);\nSELEC 1;\n";
    const { ast } = parse(text);
    expect(ast.type).toBe('Program');
    expect(ast.range).toEqual([0, text.length]);
    expect(ast.body.map((s) => s.type)).toEqual(['VariableSetStmt', 'IndexStmt', 'SyntaxError']);
    const index = ast.body[1];
    expect(text.slice(...index.range)).toBe('CREATE INDEX i ON users (email)');
    expect(index.loc).toEqual({ start: { line: 3, column: 1 }, end: { line: 3, column: 32 } });
    expect(index.statement.kind).toBe('IndexStmt');
    expect(Object.keys(index)).not.toContain('statement'); // non-enumerable: generic walkers stay out
    expect(ast.comments).toEqual([{ type: 'LineComment', value: ' the index', range: [25, 37], loc: { start: { line: 2, column: 1 }, end: { line: 2, column: 13 } } }]);
  });

  it('counts columns in UTF-16 code units and lines as godwit does (CRLF, LF, lone CR)', () => {
    const text = "SELECT '😀';\r\nCREATE INDEX i ON t (a);\rDROP TABLE t;";
    const { ast, sourceCode } = parse(text);
    expect(ast.body.map((s) => s.loc.start)).toEqual([
      { line: 1, column: 1 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
    ]);
    expect(ast.body[0].loc.end).toEqual({ line: 1, column: 12 }); // the emoji is 2 code units
    expect(sourceCode.lines).toEqual(["SELECT '😀';", 'CREATE INDEX i ON t (a);', 'DROP TABLE t;']);
    expect(sourceCode.getLocFromIndex(text.indexOf('DROP'))).toEqual({ line: 3, column: 1 });
    expect(sourceCode.getIndexFromLoc({ line: 2, column: 8 })).toBe(text.indexOf('INDEX'));
  });

  it('gives a DO block its static SQL statements as children, and parents to every node', () => {
    const text = 'DO $$ BEGIN UPDATE users SET a = 1; DELETE FROM t; END $$;';
    const { ast, sourceCode } = parse(text);
    const block = ast.body[0];
    expect(block.type).toBe('DoStmt');
    expect(block.children!.map((c) => c.type)).toEqual(['UpdateStmt', 'DeleteStmt']);
    expect(sourceCode.getParent(block.children![0])).toBe(block);
    expect(sourceCode.getParent(block)).toBe(ast);
    expect(sourceCode.visitorKeys.DoStmt).toEqual(['children']);
    const visited = [...sourceCode.traverse()].map((s) => `${(s as { phase: number }).phase === 1 ? '' : '/'}${((s as { target: { type: string } }).target).type}`);
    expect(visited).toEqual(['Program', 'DoStmt', 'UpdateStmt', '/UpdateStmt', 'DeleteStmt', '/DeleteStmt', '/DoStmt', '/Program']);
  });

  it('never fails to parse: a statement PostgreSQL rejects is a SyntaxError node', () => {
    const { ast } = parse("CREATE TABLE (;\nSELECT 'unterminated");
    expect(ast.body.every((s) => s.type === 'SyntaxError')).toBe(true);
    expect(ast.body.length).toBeGreaterThan(0);
  });

  it('ignores the JavaScript language options a config sets for every file', () => {
    const everyFile = { languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly' } } } as Linter.Config;
    const msgs = lint("SET lock_timeout = '2s';\nTRUNCATE users;\n", { extra: everyFile });
    expect(msgs.map((m) => m.ruleId)).toEqual(['godwit/no-truncate']);
    expect(() => sqlLanguage.validateLanguageOptions(42 as never)).toThrow(/languageOptions must be an object/);
  });

  it('finds the inline config comments: ESLint directives in line and block comments', () => {
    const { sourceCode } = parse('-- eslint-disable-next-line godwit/no-truncate -- ok\nTRUNCATE t;\n/* eslint godwit/prefer-text: "error" */\n-- an eslint-free comment\n/*eslint-enable*/');
    expect(sourceCode).toBeInstanceOf(SqlSourceCode);
    expect(sourceCode.getInlineConfigNodes().map((c) => c.value)).toEqual([' eslint-disable-next-line godwit/no-truncate -- ok', ' eslint godwit/prefer-text: "error" ', 'eslint-enable']);
    const { directives, problems } = sourceCode.getDisableDirectives();
    expect(problems).toEqual([]);
    expect(directives.map((d) => [d.type, d.value, d.justification])).toEqual([
      ['disable-next-line', 'godwit/no-truncate', 'ok'],
      ['enable', '', ''],
    ]);
    expect(sourceCode.applyInlineConfig().configs.map((c) => c.config.rules)).toEqual([{ 'godwit/prefer-text': 'error' }]);
  });
});

describe('godwit rules through RuleTester', () => {
  const tester = new RuleTester({ plugins: { godwit: plugin as never }, language: 'godwit/sql' });

  tester.run('require-concurrent-index', plugin.rules['require-concurrent-index'] as never, {
    valid: [
      { code: 'CREATE INDEX CONCURRENTLY i ON users (email);', filename: file() },
      { code: 'CREATE TABLE t (a int);\nCREATE INDEX i ON t (a);', filename: file() },
    ],
    invalid: [
      {
        code: "SET lock_timeout = '2s';\nCREATE INDEX i ON users (email);",
        filename: file(),
        output: "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON users (email);",
        errors: [{ messageId: 'finding', line: 2, column: 1, endLine: 2, endColumn: 32 }],
      },
    ],
  });

  tester.run('prefer-text', plugin.rules['prefer-text'] as never, {
    valid: [{ code: 'CREATE TABLE t (a text);', filename: file() }],
    invalid: [
      {
        code: 'CREATE TABLE t (a varchar(20));',
        filename: file(),
        output: 'CREATE TABLE t (a text);',
        errors: [
          {
            messageId: 'finding',
            line: 1,
            column: 19,
            endColumn: 31,
            suggestions: [{ messageId: 'suggestion', data: { desc: 'Use text with CHECK (char_length(a) <= 20)' }, output: 'CREATE TABLE t (a text CHECK (char_length(a) <= 20));' }],
          },
        ],
      },
    ],
  });

  tester.run('syntax-error', plugin.rules['syntax-error'] as never, {
    valid: [{ code: 'SELECT 1;', filename: file() }],
    invalid: [
      {
        code: 'SELECT 1;\nSELEC 2;\nCREATE TABLE (;',
        filename: file(),
        errors: [
          { message: 'syntax error at or near "SELEC"', line: 2, column: 1 },
          { message: 'syntax error at or near "("', line: 3, column: 14 },
        ],
      },
    ],
  });
});

describe('godwit rules through RuleTester, in a TypeScript migration', () => {
  const tester = new RuleTester({ languageOptions: { parser: tsParser } });
  const typeorm = (sql: string) =>
    [
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      'export class AddBio1700000000000 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      `    await queryRunner.query(\`${sql}\`);`,
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {}',
      '}',
    ].join('\n');
  const filename = join(dir, 'src', 'migration', '1700000000000-AddBio.ts');

  tester.run('prefer-text', plugin.rules['prefer-text'] as never, {
    valid: [{ code: typeorm('ALTER TABLE users ADD COLUMN bio text'), filename }],
    invalid: [
      {
        code: typeorm('ALTER TABLE users ADD COLUMN bio varchar(200)'),
        filename,
        output: typeorm('ALTER TABLE users ADD COLUMN bio text'),
        errors: [
          {
            messageId: 'finding',
            line: 4,
            column: 63, // inside the template literal
            endColumn: 75,
            suggestions: [{ messageId: 'suggestion', data: { desc: 'Use text with CHECK (char_length(bio) <= 200)' }, output: typeorm('ALTER TABLE users ADD COLUMN bio text CHECK (char_length(bio) <= 200)') }],
          },
        ],
      },
    ],
  });

  tester.run('no-truncate', plugin.rules['no-truncate'] as never, {
    valid: [{ code: 'export const notAMigration = 1;', filename }],
    invalid: [{ code: typeorm('TRUNCATE users'), filename, errors: [{ messageId: 'finding', line: 4, column: 30 }] }],
  });
});

describe('godwit rules through the Linter', () => {
  it('a syntax error does not stop the other statements from being linted', () => {
    const msgs = lint("SET lock_timeout = '2s';\nSELEC 1;\nCREATE INDEX i ON users (email);\n");
    expect(msgs.map((m) => [m.ruleId, m.line, m.column, m.severity])).toEqual([
      ['godwit/syntax-error', 2, 1, 2],
      ['godwit/require-concurrent-index', 3, 1, 2],
    ]);
    expect(msgs.every((m) => !m.fatal)).toBe(true);
  });

  it('reports at godwit positions, in UTF-16 columns, with the fix as an ESLint fix', () => {
    const text = "SET lock_timeout = '2s';\nCOMMENT ON TABLE users IS 'naïve 😀'; CREATE INDEX i ON users (email);\n";
    const [m] = lint(text);
    expect(m.ruleId).toBe('godwit/require-concurrent-index');
    expect(m.column).toBe(text.split('\n')[1].indexOf('CREATE') + 1);
    expect(m.fix).toEqual({ range: [text.indexOf(' i ON'), text.indexOf(' i ON')], text: ' CONCURRENTLY' });
  });

  it('-- eslint-disable-next-line godwit/<id> in a SQL comment works as in JavaScript', () => {
    const text = "SET lock_timeout = '2s';\n-- eslint-disable-next-line godwit/no-truncate -- emptied by the cleanup job\nTRUNCATE users;\nTRUNCATE orders;\n";
    const msgs = lint(text);
    expect(msgs.map((m) => [m.ruleId, m.line])).toEqual([['godwit/no-truncate', 4]]);
  });

  it('/* eslint-disable */ … /* eslint-enable */ regions, and eslint-disable-line', () => {
    const text = [
      "SET lock_timeout = '2s';",
      '/* eslint-disable godwit/no-truncate */',
      'TRUNCATE a;',
      '/* eslint-enable godwit/no-truncate */',
      'TRUNCATE b;',
      'TRUNCATE c; -- eslint-disable-line godwit/no-truncate',
      '/* eslint-disable */',
      'TRUNCATE d;',
    ].join('\n');
    expect(lint(text).map((m) => [m.ruleId, m.line])).toEqual([['godwit/no-truncate', 5]]);
  });

  it('ESLint reports an unused eslint-disable in SQL (godwit leaves its directives to ESLint)', () => {
    const text = "SET lock_timeout = '2s';\n-- eslint-disable-next-line godwit/no-truncate\nSELECT 1;\n";
    const msgs = lint(text, { linterOptions: { reportUnusedDisableDirectives: 'error' } });
    expect(msgs).toHaveLength(1);
    expect(msgs[0].ruleId).toBeNull();
    expect(msgs[0].message).toMatch(/Unused eslint-disable directive \(no problems were reported from 'godwit\/no-truncate'\)/);
    expect(msgs[0].line).toBe(2);
  });

  it('an eslint-disable-line comment spanning lines is a problem', () => {
    const msgs = lint('TRUNCATE a; /* eslint-disable-line godwit/no-truncate\n */');
    expect(msgs.map((m) => m.message)).toContain('eslint-disable-line comment should not span multiple lines.');
  });

  it('inline config in a SQL comment turns a rule on or off', () => {
    const off = lint("SET lock_timeout = '2s';\n/* eslint godwit/no-truncate: \"off\" */\nTRUNCATE users;\n");
    expect(off).toEqual([]);
    const strictRule = "SET lock_timeout = '2s';\n-- eslint godwit/prefer-text: \"warn\"\nCREATE TABLE t (a varchar(10));\n";
    expect(lint(strictRule).map((m) => [m.ruleId, m.severity])).toEqual([['godwit/prefer-text', 1]]);
    expect(lint(strictRule.replace('-- eslint godwit/prefer-text: "warn"\n', ''))).toEqual([]);
  });

  it('a malformed inline config is reported', () => {
    const msgs = lint('/* eslint godwit/no-truncate: [ */\nSELECT 1;');
    expect(msgs).toHaveLength(1);
    expect(msgs[0].fatal).toBe(true);
    expect(msgs[0].message).toMatch(/Failed to parse JSON/);
  });

  it('godwit-ignore comments are applied by godwit, and unused ones reported', () => {
    const text = "SET lock_timeout = '2s';\n-- godwit-ignore no-truncate -- reason\nTRUNCATE users;\n-- godwit-ignore no-truncate\nSELECT 1;\n";
    expect(lint(text).map((m) => [m.ruleId, m.line])).toEqual([['godwit/unused-suppression', 4]]);
  });

  it('the rules ESLint leaves off are off for godwit too (a bare godwit-ignore sees only enabled rules)', () => {
    // prefer-text is strict-only: with `recommended` the ignore suppresses nothing, as in `godwit lint`
    const text = "SET lock_timeout = '2s';\n-- godwit-ignore\nCREATE TABLE t (a varchar(10));\n";
    expect(lint(text).map((m) => m.ruleId)).toEqual(['godwit/unused-suppression']);
    expect(lint(text, { config: plugin.configs.strict as Linter.Config[] })).toEqual([]);
  });

  it('--fix applies godwit fixes until the file is clean of fixable findings', () => {
    const linter = new Linter({ cwd: dir });
    const out = linter.verifyAndFix('CREATE INDEX i ON users (email);\n', plugin.configs.recommended as Linter.Config[], { filename: file() });
    expect(out.fixed).toBe(true);
    expect(out.output).toBe("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON users (email);\n");
    expect(out.messages).toEqual([]);
  });

  it('keeps a byte order mark when fixing', () => {
    const linter = new Linter({ cwd: dir });
    const out = linter.verifyAndFix("\uFEFFSET lock_timeout = '2s';\nCREATE INDEX i ON users (email);\n", plugin.configs.recommended as Linter.Config[], { filename: file() });
    expect(out.output).toBe("\uFEFFSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON users (email);\n");
  });
});

describe('the rules', () => {
  it('there is one ESLint rule per godwit rule, with the godwit docs and fixability', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(godwitRules.map((r) => r.id).sort());
    for (const def of godwitRules) {
      const meta = plugin.rules[def.id].meta;
      expect(meta.docs?.description).toBe(def.docs.summary);
      expect(meta.fixable).toBe(def.fixable ? 'code' : undefined);
      expect(meta.hasSuggestions).toBe(def.hasSuggestions ?? false);
      expect(meta.languages).toEqual(['js/js', 'godwit/sql']);
    }
  });

  it('every rule that reports fixes or suggestions on its fixtures declares them (ESLint refuses undeclared ones)', async () => {
    await ready();
    const seen = { fix: new Set<string>(), suggestions: new Set<string>() };
    for (const def of godwitRules) {
      const invalid = join(root, 'fixtures', def.id, 'invalid');
      if (!existsSync(invalid)) continue;
      for (const name of readdirSync(invalid).filter((n) => n.endsWith('.sql') && !n.endsWith('.fixed.sql') && !n.endsWith('.history.sql'))) {
        for (const m of lintFixture(join(invalid, name), def.id).result.messages) {
          if (m.fix) seen.fix.add(m.ruleId);
          if (m.suggestions?.length) seen.suggestions.add(m.ruleId);
        }
      }
    }
    expect(seen.suggestions.size).toBeGreaterThan(0);
    for (const id of seen.fix) expect({ id, fixable: plugin.rules[id].meta.fixable }).toEqual({ id, fixable: 'code' });
    for (const id of seen.suggestions) expect({ id, hasSuggestions: plugin.rules[id].meta.hasSuggestions }).toEqual({ id, hasSuggestions: true });
  });

  it('the configs enable the rules of the godwit preset of the same name, at their default severities', () => {
    const sqlRules = (preset: 'recommended' | 'strict' | 'all') => plugin.configs[preset][0].rules;
    const recommended = godwitRules.filter((r) => r.preset === 'recommended');
    expect(sqlRules('recommended')).toEqual(Object.fromEntries(recommended.map((r) => [`godwit/${r.id}`, r.severity])));
    expect(Object.keys(sqlRules('strict')).length).toBe(godwitRules.filter((r) => r.preset !== 'all').length);
    expect(Object.keys(sqlRules('all')).length).toBe(godwitRules.length);
    expect(sqlRules('recommended')['godwit/no-truncate']).toBe('error');
    expect(sqlRules('recommended')['godwit/prefer-text']).toBeUndefined();
    expect(plugin.configs.recommended[0]).toMatchObject({ files: ['**/*.sql'], language: 'godwit/sql' });
    expect(plugin.configs.recommended[1].files).toEqual(['**/{migrations,migration}/**/*.{js,cjs,mjs,ts,cts,mts}']);
    expect(plugin.configs.recommended[1].languageOptions?.parser).toBeDefined();
  });
});
