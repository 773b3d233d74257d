/** The built binary, end to end: exit codes, the JSON contract of CLI.md, stdin, colours. */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

function godwit(args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}) {
  const env: Record<string, string> = { ...process.env, ...(opts.env ?? {}) } as Record<string, string>;
  if (!opts.env || !('FORCE_COLOR' in opts.env)) delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { input: opts.input ?? '', encoding: 'utf8', env, cwd: opts.cwd ?? root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'godwit-cli-'));
  writeFileSync(join(dir, 'bad.sql'), "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n");
  writeFileSync(join(dir, 'good.sql'), 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n');
  writeFileSync(join(dir, 'broken.sql'), "SET lock_timeout = '2s';\nCREATE INDEX a ON users (x);\nSELEC 1;\nCREATE INDEX b ON users (y);\n");
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  writeFileSync(join(dir, 'nested', 'deeper', 'x.sql'), 'CREATE INDEX i ON t (a);\n');
  writeFileSync(join(dir, 'nested', 'notes.txt'), 'CREATE INDEX i ON t (a);\n');
});

describe('godwit lint', () => {
  it('exits 0 on a clean file and prints only what it analysed', () => {
    const r = godwit(['lint', join(dir, 'good.sql')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1 file, 1 statement analysed, 0 calls not analysable\n');
  });

  it('exits 1 with findings; the JSON matches CLI.md', () => {
    const r = godwit(['lint', join(dir, 'bad.sql'), '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(1);
    const [res] = out;
    expect(res.filePath).toBe(join(dir, 'bad.sql'));
    expect(res.errorCount).toBe(1);
    expect(res.warningCount).toBe(0);
    expect(res.fixableErrorCount).toBe(1);
    expect(res.fixableWarningCount).toBe(0);
    const m = res.messages[0];
    expect(m).toMatchObject({ ruleId: 'require-concurrent-index', severity: 2, line: 2, column: 1, endLine: 2 });
    expect(m.message).toContain('"users"');
    expect(m.lock).toEqual({ table: 'users', mode: 'SHARE', blocks: ['writes', 'ddl'], duration: 'long' });
    expect(m.fix).toEqual({ range: [37, 37], text: ' CONCURRENTLY' });
    expect(m.plan).toEqual({ kind: 'create-index-concurrently' });
    expect(res.source).toBeUndefined();
  });

  it('reports a syntax error as one fatal message and lints the other statements', () => {
    const r = godwit(['lint', join(dir, 'broken.sql'), '-f', 'json']);
    expect(r.code).toBe(1);
    const msgs = JSON.parse(r.stdout)[0].messages;
    expect(msgs.map((m: { ruleId: string }) => m.ruleId)).toEqual(['require-concurrent-index', 'syntax-error', 'require-concurrent-index']);
    expect(msgs[1]).toMatchObject({ fatal: true, line: 3, column: 1, severity: 2 });
    expect(msgs[1].message).toContain('SELEC');
  });

  it('searches directories recursively for *.sql only', () => {
    const r = godwit(['lint', dir, '-f', 'json']);
    const files = JSON.parse(r.stdout).map((x: { filePath: string }) => x.filePath.slice(dir.length + 1)).sort();
    expect(files).toEqual(['bad.sql', 'broken.sql', 'good.sql', 'nested/deeper/x.sql']);
  });

  it('lints stdin with --stdin-filename', () => {
    const r = godwit(['lint', '--stdin', '--stdin-filename', 'db/001.sql', '-f', 'json'], { input: 'DROP INDEX users_email_idx;' });
    const [res] = JSON.parse(r.stdout);
    expect(res.filePath).toBe(join(root, 'db/001.sql'));
    expect(r.code === 0 || r.code === 1).toBe(true);
    const r2 = godwit(['-', '-f', 'json'], { input: 'CREATE INDEX i ON t (a);' });
    expect(r2.code).toBe(1);
    expect(JSON.parse(r2.stdout)[0].filePath).toBe('<stdin>');
  });

  it('--rule turns a rule off or to a warning; --max-warnings and --quiet', () => {
    expect(godwit(['lint', join(dir, 'bad.sql'), '--rule', 'require-concurrent-index:off']).code).toBe(0);
    const warn = godwit(['lint', join(dir, 'bad.sql'), '--rule', 'require-concurrent-index:warn', '-f', 'json']);
    expect(warn.code).toBe(0);
    expect(JSON.parse(warn.stdout)[0].messages[0].severity).toBe(1);
    const strict = godwit(['lint', join(dir, 'bad.sql'), '--rule', 'require-concurrent-index:warn', '--max-warnings', '0']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('too many warnings');
    const quiet = godwit(['lint', join(dir, 'bad.sql'), '--rule', 'require-concurrent-index:warn', '--quiet', '-f', 'json']);
    expect(JSON.parse(quiet.stdout)[0].messages).toEqual([]);
  });

  it('--pg-version and --transaction change the analysis', () => {
    const sql = 'CREATE INDEX CONCURRENTLY i ON t (a);\nCREATE INDEX CONCURRENTLY j ON t (b);\n';
    writeFileSync(join(dir, 'two.sql'), sql);
    const none = godwit(['lint', join(dir, 'two.sql'), '-f', 'json', '--transaction', 'none']);
    const file = godwit(['lint', join(dir, 'two.sql'), '-f', 'json', '--transaction', 'file']);
    const count = (s: string) => JSON.parse(s)[0].messages.length;
    expect(count(file.stdout)).toBeGreaterThan(count(none.stdout));
  });

  it('exits 2 on usage errors, with a message on stderr', () => {
    for (const args of [['--format', 'xml', dir], ['--bogus'], ['--pg-version', 'abc', dir], ['--rule', 'no-such-rule:off', dir], ['--preset', 'lax', dir], ['--transaction', 'maybe', dir]]) {
      const r = godwit(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^godwit: /);
      expect(r.stdout).toBe('');
    }
  });

  it('exits 2 for a missing path but still lints the others', () => {
    const r = godwit(['lint', join(dir, 'nope.sql'), join(dir, 'bad.sql'), '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.sql');
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file and exits 2', () => {
    const f = join(dir, 'secret.sql');
    writeFileSync(f, 'SELECT 1;');
    chmodSync(f, 0o000);
    const r = godwit(['lint', f, '-f', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)[0].messages[0].fatal).toBe(true);
  });

  it('writes -o atomically', () => {
    const out = join(dir, 'report.json');
    const r = godwit(['lint', join(dir, 'bad.sql'), '-f', 'json', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8'))[0].errorCount).toBe(1);
  });

  it('stylish shows file, line:column, severity, message, rule, lock and a code frame', () => {
    const r = godwit(['lint', join(dir, 'bad.sql')], { env: { NO_COLOR: '1' } });
    expect(r.stdout).toContain('bad.sql');
    // the first sentence and the rule id on the finding's line, the details indented below it
    expect(r.stdout).toMatch(/2:1\s+error\s+CREATE INDEX without CONCURRENTLY blocks writes to existing table "users" \(SHARE\)\.\s+require-concurrent-index\n {6}SHARE lock on "users"/);
    // not a terminal: the details are wrapped to 80 columns
    for (const line of r.stdout.split('\n')) if (line.startsWith('      ') && !line.includes(' | ')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(r.stdout).toContain('lock SHARE on users');
    expect(r.stdout).toContain('2 | CREATE INDEX users_email_idx ON users (email);');
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toContain('1 problem (1 error, 0 warnings)');
  });

  it('colours follow FORCE_COLOR / NO_COLOR / --no-color', () => {
    expect(godwit(['lint', join(dir, 'bad.sql')], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[');
    expect(godwit(['lint', join(dir, 'bad.sql'), '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
    expect(godwit(['lint', join(dir, 'bad.sql'), '--color'], { env: { NO_COLOR: '1' } }).stdout).toContain('\u001b[');
  });
});

describe('godwit rules', () => {
  it('lists every rule and explains one', () => {
    const list = godwit(['rules'], { env: { NO_COLOR: '1' } });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('require-concurrent-index');
    const one = godwit(['rules', 'require-concurrent-index'], { env: { NO_COLOR: '1' } });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('CONCURRENTLY');
    expect(one.stdout).toContain('Safe alternative');
    expect(godwit(['rules', 'nope']).code).toBe(2);
  });

  it('--help and --version', () => {
    expect(godwit(['--help']).stdout).toContain('Usage:');
    expect(godwit(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
