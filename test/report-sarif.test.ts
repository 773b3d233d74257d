/** `--format sarif`: valid SARIF 2.1.0, exact regions and fixes, stable fingerprints. */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { rules } from '../src/lint.js';
import { lintProject } from '../src/project.js';
import { formatSarif } from '../src/report/sarif.js';
import { FINGERPRINT_KEY, ruleDocsUrl, urlsOf } from '../src/report/common.js';
import { constructed, cwd, fixtureResults, root, SOURCE } from './report-helpers.js';

const schema = JSON.parse(readFileSync(join(root, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
ajv.addFormat('uri', (s: string) => {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
});
ajv.addFormat('uri-reference', (s: string) => !/[\s<>"{}|\\^`]/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

function valid(log: unknown): void {
  const ok = validate(log);
  expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

beforeAll(() => initParser());

describe('sarif', () => {
  it('is valid SARIF 2.1.0 for constructed results (fix, suggestion, syntax error, unreadable file, clean file)', () => {
    const log = JSON.parse(formatSarif(constructed(), { cwd }));
    valid(log);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///repo/');
    expect(run.tool.driver.name).toBe('godwit');
    expect(run.tool.driver.version).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    expect(run.tool.driver.rules.map((r: Any) => r.id)).toEqual(rules.map((r) => r.id));
    expect(run.results).toHaveLength(3);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it('describes each rule with its docs, default level, preset and category', () => {
    const run = JSON.parse(formatSarif([], { cwd })).runs[0];
    const rule = run.tool.driver.rules.find((r: Any) => r.id === 'require-concurrent-index');
    const def = rules.find((r) => r.id === 'require-concurrent-index')!;
    expect(rule.shortDescription.text).toBe(def.docs.summary);
    expect(rule.fullDescription.text).toBe(def.docs.why);
    expect(rule.help.text).toContain(def.docs.fix);
    expect(rule.help.markdown).toContain('```sql\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);\n```');
    expect(rule.defaultConfiguration).toEqual({ level: 'error', enabled: true });
    expect(rule.properties).toMatchObject({ category: 'locks', preset: 'recommended', fixable: true });
    expect(rule.properties.tags).toContain('postgresql');
    const strict = run.tool.driver.rules.find((r: Any) => r.id === 'prefer-text');
    expect(strict.defaultConfiguration).toEqual({ level: 'warning', enabled: false });
  });

  it('reports levels, relative URIs, UTF-16 regions with char offsets, locks and plans', () => {
    const run = JSON.parse(formatSarif(constructed(), { cwd })).runs[0];
    const [warn, err, syntax] = run.results;
    expect(warn.level).toBe('warning');
    expect(err.level).toBe('error');
    const loc = err.locations[0].physicalLocation;
    expect(loc.artifactLocation).toEqual({ uri: 'db/migrations/002_index.sql', uriBaseId: '%SRCROOT%' });
    const start = SOURCE.indexOf('CREATE');
    expect(loc.region).toEqual({ startLine: 2, startColumn: 1, endLine: 2, endColumn: 47, charOffset: start, charLength: 46 });
    // the offset counts UTF-16 code units: the elephant on line 1 is two
    expect(SOURCE.slice(loc.region.charOffset, loc.region.charOffset + loc.region.charLength)).toBe('CREATE INDEX users_email_idx ON users (email);');
    expect(err.properties.lock).toEqual({ table: 'users', mode: 'SHARE', blocks: ['writes', 'ddl'], duration: 'long' });
    expect(err.properties.plan).toEqual({ kind: 'create-index-concurrently' });
    expect(err.message.text).toContain('<blocks> writes | & more');
    // a syntax error is a result of the syntax-error rule at its position (an empty range: no end, no offsets)
    expect(syntax.ruleId).toBe('syntax-error');
    expect(syntax.properties.fatal).toBe(true);
    expect(syntax.locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 1 });
  });

  it('turns fixes and suggestions into SARIF fixes with char offsets and line/column', () => {
    const [warn, err] = JSON.parse(formatSarif(constructed(), { cwd })).runs[0].results;
    const at = SOURCE.indexOf(' users_email_idx');
    expect(err.fixes).toHaveLength(1);
    const change = err.fixes[0].artifactChanges[0];
    expect(change.artifactLocation.uri).toBe('db/migrations/002_index.sql');
    expect(change.replacements[0]).toEqual({
      deletedRegion: { charOffset: at, charLength: 0, startLine: 2, startColumn: 13, endLine: 2, endColumn: 13 },
      insertedContent: { text: ' CONCURRENTLY' },
    });
    expect(warn.fixes[0].description.text).toBe("Insert SET lock_timeout = '2s'");
    expect(warn.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe("SET lock_timeout = '2s';\n");
  });

  it('reports an unreadable file as a failed invocation, not a result', () => {
    const run = JSON.parse(formatSarif(constructed(), { cwd })).runs[0];
    expect(run.results.some((r: Any) => r.locations[0].physicalLocation.artifactLocation.uri.includes('003_secret'))).toBe(false);
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications[0]).toMatchObject({ level: 'error', message: { text: 'db/migrations/003_secret.sql: cannot read file: EACCES' } });
    const clean = JSON.parse(formatSarif([], { cwd })).runs[0];
    expect(clean.invocations[0]).toEqual({ executionSuccessful: true });
    expect(clean.results).toEqual([]);
  });

  it('is valid for a real lint of fixtures/report, with exact UTF-16 end columns', async () => {
    const log = JSON.parse(formatSarif(await fixtureResults(), { cwd: root }));
    valid(log);
    const results = log.runs[0].results;
    expect(results.map((r: Any) => r.ruleId)).toEqual([
      'require-lock-timeout',
      'no-add-column-not-null',
      'require-not-valid-constraint',
      'require-concurrent-index',
      'no-rename-column',
      'no-unbatched-backfill',
      'no-unbatched-backfill',
    ]);
    for (const r of results) expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('fixtures/report/db/migrations/002_orders.sql');
    const text = readFileSync(join(root, 'fixtures/report/db/migrations/002_orders.sql'), 'utf8');
    const last = results[6].locations[0].physicalLocation.region;
    const line8 = text.split('\n')[7];
    // the statement (without its semicolon) ends after the elephant, a surrogate pair: two columns
    expect(last.endColumn).toBe(line8.length);
    expect(text.slice(last.charOffset, last.charOffset + last.charLength)).toBe(line8.slice(0, -1));
    const fixed = results.filter((r: Any) => r.fixes);
    expect(fixed.map((r: Any) => r.ruleId)).toEqual(['require-lock-timeout', 'require-not-valid-constraint', 'require-concurrent-index']);
    // two findings of one rule in one file get different fingerprints
    expect(results[5].partialFingerprints[FINGERPRINT_KEY]).not.toBe(results[6].partialFingerprints[FINGERPRINT_KEY]);
  });

  it('keeps fingerprints when the statement moves to another line, and changes them when it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-sarif-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const stmt = 'CREATE INDEX users_email_idx ON users (email);\n';
    const other = 'CREATE INDEX users_name_idx ON users (name);\n';
    writeFileSync(join(dir, 'a', 'x.sql'), `SET lock_timeout = '2s';\n${stmt}${other}`);
    writeFileSync(join(dir, 'b', 'x.sql'), `SET lock_timeout = '2s';\n-- a comment\n\nALTER TABLE t ADD COLUMN c text;\n\n${stmt}\n${other}`);
    const prints = async (sub: string) => {
      const { results } = await lintProject([join(dir, sub, 'x.sql')], { cwd: join(dir, sub), overrides: {} });
      const run = JSON.parse(formatSarif(results, { cwd: join(dir, sub) })).runs[0];
      return run.results
        .filter((r: Any) => r.ruleId === 'require-concurrent-index')
        .map((r: Any) => ({ line: r.locations[0].physicalLocation.region.startLine, fp: r.partialFingerprints[FINGERPRINT_KEY] }));
    };
    const a = await prints('a');
    const b = await prints('b');
    expect(a.map((x: Any) => x.line)).toEqual([2, 3]);
    expect(b.map((x: Any) => x.line)).toEqual([6, 8]);
    expect(b.map((x: Any) => x.fp)).toEqual(a.map((x: Any) => x.fp));
    expect(a[0].fp).not.toBe(a[1].fp);
    expect(a[0].fp).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives identical statements in one file distinct, stable fingerprints (occurrence index)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-sarif-'));
    const stmt = 'CREATE INDEX i ON users (email);\n';
    writeFileSync(join(dir, 'x.sql'), `SET lock_timeout = '2s';\n${stmt}${stmt}`);
    const { results } = await lintProject([join(dir, 'x.sql')], { cwd: dir, overrides: {} });
    const fps = JSON.parse(formatSarif(results, { cwd: dir })).runs[0].results.map((r: Any) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(fps).toHaveLength(2);
    expect(new Set(fps).size).toBe(2);
  });

  it('links rule docs only when package.json names the GitHub repository', () => {
    expect(ruleDocsUrl('no-truncate', { name: 'godwit', version: '1.2.3' })).toBeUndefined();
    const info = { name: 'godwit', version: '1.2.3', ...urlsOf({ repository: { url: 'git+https://github.com/acme/godwit.git' } }) };
    expect(info.repository).toBe('https://github.com/acme/godwit');
    expect(ruleDocsUrl('no-truncate', info)).toBe('https://github.com/acme/godwit/blob/v1.2.3/docs/rules/no-truncate.md');
    expect(urlsOf({ repository: 'acme/godwit' }).repository).toBe('https://github.com/acme/godwit');
    const log = JSON.parse(formatSarif([], { cwd, tool: info }));
    valid(log);
    expect(log.runs[0].tool.driver.informationUri).toBe('https://github.com/acme/godwit');
    expect(log.runs[0].tool.driver.rules[0].helpUri).toMatch(/^https:\/\/github\.com\/acme\/godwit\/blob\/v1\.2\.3\/docs\/rules\/.+\.md$/);
  });

  it('uses file: URIs for files outside the working directory and encodes odd names', () => {
    const [, a] = constructed();
    const outside = JSON.parse(formatSarif([{ ...a, filePath: '/elsewhere/my file#1.sql' }], { cwd })).runs[0];
    expect(outside.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'file:///elsewhere/my%20file%231.sql' });
    const inside = JSON.parse(formatSarif([{ ...a, filePath: '/repo/db/my file#1.sql' }], { cwd }));
    valid(inside);
    expect(inside.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('db/my%20file%231.sql');
  });
});
