/** The CI formats: github workflow commands, GitLab Code Quality, JUnit XML, markdown PR comments. */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { summarize } from '../src/engine/linter.js';
import { escapeData, escapeProperty, formatGithub } from '../src/report/github.js';
import { formatGitlab, gitlabSeverity } from '../src/report/gitlab.js';
import { formatJunit } from '../src/report/junit.js';
import { formatMarkdown, mdCell } from '../src/report/markdown.js';
import { FORMATS, formatResults } from '../src/report/index.js';
import { painter } from '../src/report/color.js';
import type { Finding, LintResult } from '../src/engine/types.js';
import { constructed, cwd, fixtureResults, root } from './report-helpers.js';
import { parseXml, type XmlElement } from './xml-check.js';

beforeAll(() => initParser());

describe('github', () => {
  it('escapes data and properties as @actions/core does', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('C:\\db\\a,b.sql')).toBe('C%3A\\db\\a%2Cb.sql');
    expect(escapeProperty('%0A')).toBe('%250A');
    expect(escapeData('::error::x')).toBe('::error::x'); // not at the start of a line: inert
  });

  it('writes one workflow command per finding, with positions, title, lock and escaping', () => {
    const out = formatGithub(constructed(), { cwd });
    const lines = out.trimEnd().split('\n');
    expect(lines).toEqual([
      '::warning file=db/migrations/002_index.sql,line=2,col=1,endLine=2,endColumn=47,title=godwit/require-lock-timeout::No lock_timeout: 100%25 of "users" waits, a:b, c%0D%0Asecond line%0Alock SHARE on users · blocks writes, ddl · long',
      '::error file=db/migrations/002_index.sql,line=2,col=1,endLine=2,endColumn=47,title=godwit/require-concurrent-index::CREATE INDEX on existing table "users" without CONCURRENTLY: <blocks> writes | & more%0Alock SHARE on users · blocks writes, ddl · long',
      '::error file=db/migrations/002_index.sql,line=3,col=1,title=godwit/syntax-error::syntax error at or near "SELEC"',
      '::error file=db/migrations/003_secret.sql,title=godwit::cannot read file: EACCES',
      'godwit: 4 problems (3 errors, 1 warning) in 2 files',
      // coverage, a notice without a file (the constructed results carry no stats)
      '::notice title=godwit coverage::3 files, 0 statements analysed, 0 calls not analysable',
    ]);
  });

  it('escapes file names with commas and colons, and annotates nothing for clean files', () => {
    const [, a] = constructed();
    const out = formatGithub([{ ...a, filePath: '/repo/db/a,b:c%.sql' }], { cwd });
    expect(out.split('\n')[0]).toMatch(/^::warning file=db\/a%2Cb%3Ac%25\.sql,line=2,/);
    // a clean run annotates nothing, and still states its coverage
    expect(formatGithub([{ ...summarize('/repo/x.sql', []), stats: { statements: 2140, unanalysable: 3 } }], { cwd })).toBe('::notice title=godwit coverage::1 file, 2,140 statements analysed, 3 calls not analysable (dynamic-sql)\n');
  });
});

describe('gitlab', () => {
  it('writes the Code Quality JSON shape with stable unique fingerprints', async () => {
    const issues = JSON.parse(formatGitlab(await fixtureResults(), { cwd: root }));
    expect(Array.isArray(issues)).toBe(true);
    expect(issues).toHaveLength(7);
    for (const i of issues) {
      expect(Object.keys(i).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
      expect(typeof i.description).toBe('string');
      expect(i.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(['info', 'minor', 'major', 'critical', 'blocker']).toContain(i.severity);
      expect(i.location.path).toBe('fixtures/report/db/migrations/002_orders.sql');
      expect(Number.isInteger(i.location.lines.begin)).toBe(true);
    }
    expect(new Set(issues.map((i: { fingerprint: string }) => i.fingerprint)).size).toBe(7);
    const fk = issues.find((i: { check_name: string }) => i.check_name === 'require-not-valid-constraint');
    expect(fk.location.lines).toEqual({ begin: 3, end: 4 });
    const again = JSON.parse(formatGitlab(await fixtureResults(), { cwd: root }));
    expect(again.map((i: { fingerprint: string }) => i.fingerprint)).toEqual(issues.map((i: { fingerprint: string }) => i.fingerprint));
  });

  it('maps severities by what the lock stops', () => {
    const base = { line: 1, column: 1, endLine: 1, endColumn: 2, message: 'm' };
    const lock = (duration: 'instant' | 'long', blocks: Array<'reads' | 'writes' | 'ddl'>) => ({ table: 't', mode: 'SHARE' as const, blocks, duration });
    const f = (x: Partial<Finding>): Finding => ({ ruleId: 'r', severity: 2, ...base, ...x }) as Finding;
    expect(gitlabSeverity(f({ fatal: true }))).toBe('blocker');
    expect(gitlabSeverity(f({ ruleId: null as unknown as string }))).toBe('blocker');
    expect(gitlabSeverity(f({ lock: lock('long', ['writes']) }))).toBe('critical');
    expect(gitlabSeverity(f({ lock: lock('instant', ['reads', 'writes']) }))).toBe('major');
    expect(gitlabSeverity(f({}))).toBe('major');
    expect(gitlabSeverity(f({ severity: 1, lock: lock('instant', ['reads']) }))).toBe('minor');
    expect(gitlabSeverity(f({ severity: 1, lock: lock('long', ['ddl']) }))).toBe('info');
    expect(gitlabSeverity(f({ severity: 1 }))).toBe('info');
  });

  it('reports unreadable files and syntax errors, and an empty array when clean', () => {
    const issues = JSON.parse(formatGitlab(constructed(), { cwd }));
    expect(issues.map((i: { check_name: string }) => i.check_name)).toEqual(['require-lock-timeout', 'require-concurrent-index', 'syntax-error', 'godwit']);
    expect(issues[3]).toMatchObject({ severity: 'blocker', location: { path: 'db/migrations/003_secret.sql', lines: { begin: 1 } } });
    expect(formatGitlab([], { cwd })).toBe('[]\n');
  });
});

describe('junit', () => {
  const find = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

  it('is well-formed XML: a suite per file, a test case per finding, a passing case for a clean file', () => {
    const xml = formatJunit(constructed(), { cwd });
    const doc = parseXml(xml);
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ name: 'godwit', tests: '5', failures: '2', errors: '2' });
    const suites = find(doc, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['db/migrations/001_init.sql', 'db/migrations/002_index.sql', 'db/migrations/003_secret.sql']);
    const [clean, bad, unreadable] = suites;
    expect(clean.attrs).toMatchObject({ tests: '1', failures: '0', errors: '0' });
    expect(find(clean, 'testcase')).toHaveLength(1);
    expect(find(clean, 'testcase')[0].children).toEqual([]);
    expect(bad.attrs).toMatchObject({ tests: '3', failures: '2', errors: '1' });
    const cases = find(bad, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['require-lock-timeout at 2:1', 'require-concurrent-index at 2:1', 'syntax-error at 3:1']);
    const failure = cases[1].children[0];
    expect(failure.name).toBe('failure');
    expect(failure.attrs.type).toBe('require-concurrent-index');
    expect(failure.attrs.message).toBe('CREATE INDEX on existing table "users" without CONCURRENTLY: <blocks> writes | & more');
    expect(failure.text).toContain('lock SHARE on users · blocks writes, ddl · long');
    // line breaks in an attribute survive as character references
    expect(cases[0].children[0].attrs.message).toBe('No lock_timeout: 100% of "users" waits, a:b, c\r\nsecond line');
    expect(cases[2].children[0].name).toBe('error');
    expect(find(unreadable, 'testcase')[0].children[0]).toMatchObject({ name: 'error', attrs: { type: 'io', message: 'cannot read file: EACCES' } });
  });

  it('replaces characters XML cannot hold and escapes markup-like text', () => {
    const r = summarize('/repo/x.sql', [
      { ruleId: 'no-truncate', severity: 2, message: 'bad \u0001 char ]]> <![CDATA[ & \uD800 lone', line: 1, column: 1, endLine: 1, endColumn: 2 },
    ]);
    const doc = parseXml(formatJunit([r], { cwd }));
    const failure = doc.children[0].children[0].children[0];
    expect(failure.attrs.message).toBe('bad \uFFFD char ]]> <![CDATA[ & \uFFFD lone');
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a></b>')).toThrow();
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>x & y</a>')).toThrow();
  });

  it('is well-formed for a real lint', async () => {
    const doc = parseXml(formatJunit(await fixtureResults(), { cwd: root }));
    expect(doc.attrs).toMatchObject({ tests: '9', failures: '7', errors: '0' });
  });
});

describe('markdown', () => {
  it('summarizes, tabulates findings with their locks, and lists the plans', async () => {
    const md = formatMarkdown(await fixtureResults(), { cwd: root });
    expect(md).toMatch(/^### ❌ godwit: 6 errors, 1 warning in 1 of 3 files\n/);
    expect(md).toContain('| `fixtures/report/db/migrations/002_orders.sql` | 6 | 1 |');
    expect(md).toContain('<details>\n<summary>❌ <code>fixtures/report/db/migrations/002_orders.sql</code>: 6 errors, 1 warning</summary>');
    expect(md).toContain('| line | severity | rule | message | lock | blocks | duration |');
    expect(md).toMatch(/\| 5:1 \| 🔴 error \| `require-concurrent-index` \| .+ \| `SHARE` on `orders` \| writes, ddl \| long \|/);
    expect(md).toMatch(/\| 2:1 \| 🟡 warning \| `require-lock-timeout` \| .+ \| `ACCESS EXCLUSIVE` on `orders` \| reads, writes, ddl \| instant \|/);
    expect(md).toContain('#### Needs an expand-contract plan');
    expect(md).toContain(
      '- `fixtures/report/db/migrations/002_orders.sql`: `add-column-not-null` (line 2), `add-constraint-not-valid` (line 3), `create-index-concurrently` (line 5), `rename-column` (line 6), `batched-backfill` (lines 7, 8) — needs an expand-contract plan: run `godwit plan fixtures/report/db/migrations/002_orders.sql`',
    );
    // every table row has the same number of cells
    for (const row of md.split('\n').filter((l) => /^\| \d+:\d+ /.test(l))) {
      expect(row.replace(/\\\|/g, '').split('|').length, row).toBe(9);
    }
  });

  it('escapes cells: pipes, HTML, markdown punctuation, line breaks', () => {
    expect(mdCell('a | b <b>x</b> *y* `z` \r\nnext & more')).toBe('a \\| b &lt;b&gt;x&lt;/b&gt; \\*y\\* \\`z\\` <br>next &amp; more');
    const md = formatMarkdown(constructed(), { cwd });
    expect(md).toContain('CREATE INDEX on existing table "users" without CONCURRENTLY: &lt;blocks&gt; writes \\| &amp; more');
    expect(md).toContain('| 1:1 | 🔴 error |  | cannot read file: EACCES |');
  });

  it('says so when there is nothing to report', () => {
    expect(formatMarkdown([{ ...summarize('/repo/a.sql', []), stats: { statements: 3, unanalysable: 0 } }, summarize('/repo/b.sql', [])], { cwd })).toBe(
      '### ✅ godwit: no problems in 2 migration files\n\n<sub>Coverage: 2 files, 3 statements analysed, 0 calls not analysable.</sub>\n',
    );
  });

  it('stays under the comment size limit', () => {
    const many: LintResult[] = [];
    for (let f = 0; f < 50; f++) {
      const messages: Finding[] = [];
      for (let k = 0; k < 20; k++) messages.push({ ruleId: 'no-truncate', severity: 2, message: 'x'.repeat(100), line: k + 1, column: 1, endLine: k + 1, endColumn: 2 });
      many.push(summarize(`/repo/db/${f}.sql`, messages));
    }
    const md = formatMarkdown(many, { cwd, maxLength: 20_000 });
    expect(md.length).toBeLessThan(25_000);
    expect(md).toMatch(/…and \d+ more files with problems/);
    expect(md.split('<details>').length - 1).toBeGreaterThan(0);
  });
});

describe('format registry', () => {
  it('has a formatter for every format of CLI.md', () => {
    expect([...FORMATS]).toEqual(['stylish', 'json', 'sarif', 'github', 'gitlab', 'junit', 'markdown']);
    for (const f of FORMATS) expect(typeof formatResults(f, constructed(), { cwd, paint: painter(false) })).toBe('string');
  });
});
