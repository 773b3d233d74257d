/** The reporters through the built binary: `godwit lint … -f <format> [-o file]`. */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './report-helpers.js';
import { parseXml } from './xml-check.js';

const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const fixture = 'fixtures/report/db/migrations';

function godwit(args: string[]) {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let out: string;
beforeAll(() => {
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
  out = mkdtempSync(join(tmpdir(), 'godwit-report-cli-'));
});

describe('godwit lint --format', () => {
  it('writes SARIF to -o atomically and exits 1 on errors', () => {
    const file = join(out, 'out.sarif');
    const r = godwit(['lint', fixture, '-f', 'sarif', '-o', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const log = JSON.parse(readFileSync(file, 'utf8'));
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0].results;
    expect(results).toHaveLength(7);
    expect(results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: `${fixture}/002_orders.sql`, uriBaseId: '%SRCROOT%' });
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${root}/`);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('exits 0 with an empty SARIF run for clean files', () => {
    const r = godwit(['lint', `${fixture}/003_clean.sql`, '-f', 'sarif']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs[0].results).toEqual([]);
  });

  it('prints github workflow commands', () => {
    const r = godwit(['lint', fixture, '-f', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[3]).toMatch(/^::error file=fixtures\/report\/db\/migrations\/002_orders\.sql,line=5,col=1,endLine=5,endColumn=60,title=godwit\/require-concurrent-index::CREATE INDEX/);
    expect(lines[7]).toBe('godwit: 7 problems (6 errors, 1 warning) in 1 file');
    expect(lines[8]).toMatch(/^::notice title=godwit coverage::\d+ files?, \d+ statements analysed, 0 calls not analysable$/);
  });

  it('writes a GitLab Code Quality report', () => {
    const file = join(out, 'gl-code-quality-report.json');
    const r = godwit(['lint', fixture, '--format', 'gitlab', '--output-file', file]);
    expect(r.code).toBe(1);
    const issues = JSON.parse(readFileSync(file, 'utf8'));
    expect(issues).toHaveLength(7);
    expect(issues[0]).toMatchObject({ check_name: 'require-lock-timeout', location: { path: `${fixture}/002_orders.sql`, lines: { begin: 2 } } });
  });

  it('writes JUnit XML and markdown', () => {
    const junit = godwit(['lint', fixture, '-f', 'junit']);
    expect(junit.code).toBe(1);
    expect(parseXml(junit.stdout).attrs).toMatchObject({ tests: '9', failures: '7' });
    const md = godwit(['lint', fixture, '-f', 'markdown', '--quiet']);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^### ❌ godwit: 6 errors, 0 warnings in 1 of 3 files/);
    expect(md.stdout).toContain('`SHARE` on `orders`');
  });

  it('names every format when the format is unknown', () => {
    const r = godwit(['lint', fixture, '-f', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be one of stylish, json, sarif, github, gitlab, junit, markdown');
  });
});
