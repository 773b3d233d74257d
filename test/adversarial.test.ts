/**
 * Adversarial inputs through the built CLI, each with its defined outcome and exit code
 * (README, "Decisions"): huge files, deep nesting, 100,000 statements, NUL bytes, binary
 * data, symbolic-link loops, FIFOs, dangling links, endless standard input. Every run has a
 * time limit, and the big ones a memory limit (peak RSS, from process.resourceUsage()).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const MB = 1024 * 1024;
/** prints the peak RSS of the run (worker threads included) on stderr when the process exits */
const RSS_HOOK = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\ngodwit-test-maxrss-kb:"+process.resourceUsage().maxRSS+"\\n"))`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** peak RSS in MB */
  rssMb: number;
  results: Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string; line: number; column: number; fatal?: boolean }> }>;
}

function godwit(args: string[], opts: { cwd?: string; input?: string; timeout?: number; uid?: number } = {}): Run {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, bin, ...args], {
    cwd: opts.cwd ?? root,
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: opts.timeout ?? 120_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - start;
  const m = /godwit-test-maxrss-kb:(\d+)/.exec(r.stderr ?? '');
  let results: Run['results'] = [];
  try {
    results = JSON.parse(r.stdout);
  } catch {
    // not JSON (a usage error, a crash): the assertions on `code` and `stderr` tell
  }
  return { code: r.status, stdout: r.stdout, stderr: (r.stderr ?? '').replace(/\n?godwit-test-maxrss-kb:\d+\n/, ''), ms, rssMb: m ? Number(m[1]) / 1024 : NaN, results };
}

let dir: string;
beforeAll(() => {
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'godwit-adversarial-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file alone in a folder of its own (runner detection reads the folder's files). */
function alone(name: string, content: string | Buffer): string {
  const d = join(dir, name.replace(/\W/g, '_'));
  mkdirSync(d, { recursive: true });
  const f = join(d, name);
  writeFileSync(f, content);
  return f;
}

/** A 50 MB migration of real DDL (written once). */
function hugeFile(): string {
  const f = join(dir, 'big', 'huge.sql');
  if (existsSync(f)) return f;
  mkdirSync(join(dir, 'big'), { recursive: true });
  const fd = openSync(f, 'w');
  const chunk = Buffer.from('CREATE TABLE t (id bigint PRIMARY KEY, name text);\nCREATE INDEX t_name ON t (name);\n'.repeat(12_000));
  for (let written = 0; written < 50 * MB; written += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  return f;
}

describe('huge inputs', () => {
  it('a 50 MB file is reported as too large (exit 2) without being parsed, in bounded time and memory', () => {
    const f = hugeFile();
    const r = godwit(['lint', f, '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.results[0].messages[0]).toMatchObject({ ruleId: null, fatal: true });
    expect(r.results[0].messages[0].message).toMatch(/^cannot read file: too large to lint \(5\d\.\d MB; the limit is 5\.0 MB\)/);
    console.log(`50 MB file: ${Math.round(r.ms)} ms, peak RSS ${Math.round(r.rssMb)} MB`);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.rssMb).toBeLessThan(200);
  });

  it('the 50 MB file given to plan and trace, or as the --schema dump: a clear message, exit 2, nothing parsed', () => {
    const f = hugeFile();
    const plan = godwit(['plan', f]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/cannot read .*huge\.sql: too large to lint/);
    const trace = godwit(['trace', f], { timeout: 60_000 });
    expect(trace.code).toBe(2);
    expect(trace.stderr).toMatch(/too large to lint/);
    const small = alone('0001_small.sql', 'CREATE INDEX i ON t (c);\n');
    const schema = godwit(['lint', small, '--schema', f, '-f', 'json']);
    expect(schema.code).toBe(2);
    expect(schema.stderr).toMatch(/huge\.sql: the schema dump cannot be read: too large to lint \(5\d\.\d MB; the limit is 20\.0 MB\)/);
    expect(Math.max(plan.rssMb, schema.rssMb)).toBeLessThan(200);
  });

  it('standard input over the limit (an endless stream) stops at the limit: exit 2', () => {
    const r = spawnSync('sh', ['-c', `head -c ${20 * MB} /dev/zero | "${process.execPath}" "${bin}" lint --stdin -f json`], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)[0].messages[0].message).toMatch(/too large to lint/);
  });

  it('100,000 statements: all linted, in bounded time and memory', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`ALTER TABLE t${i % 50} ADD COLUMN c${i} int;`);
    const f = alone('stmts.sql', lines.join('\n') + '\n');
    const r = godwit(['lint', f, '-f', 'json'], { timeout: 180_000 });
    expect(r.code).toBe(0); // only the once-per-file require-lock-timeout warning
    expect(r.results[0].messages.map((m) => m.ruleId)).toEqual(['require-lock-timeout']);
    console.log(`100,000 statements (${(lines.join('\n').length / MB).toFixed(1)} MB): ${Math.round(r.ms)} ms, peak RSS ${Math.round(r.rssMb)} MB`);
    expect(r.ms).toBeLessThan(90_000);
    expect(r.rssMb).toBeLessThan(1536);
  });

  it('a too-large file in a migration folder is not replayed as history (noted on stderr); the others are linted', () => {
    const d = join(dir, 'history', 'migrations');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, '000001_users.up.sql'), 'CREATE TABLE users (id bigint);\n');
    writeFileSync(join(d, '000002_seed.up.sql'), Buffer.alloc(6 * MB, 'x'));
    writeFileSync(join(d, '000003_index.up.sql'), 'CREATE INDEX users_id ON users (id);\n');
    const r = godwit(['lint', join(d, '000003_index.up.sql'), '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('000002_seed.up.sql: not replayed as history: too large to lint');
    expect(r.results.map((x) => x.messages.map((m) => m.ruleId))).toEqual([['require-concurrent-index', 'require-lock-timeout']]);
  });
});

describe('deep nesting', () => {
  it('10,000 nested parentheses: a syntax error from PostgreSQL\'s parser (exit 1)', () => {
    const f = alone('parens.sql', `SELECT ${'('.repeat(10_000)}1${')'.repeat(10_000)};\nCREATE INDEX i ON t (c);\n`);
    const r = godwit(['lint', f, '-f', 'json']);
    expect(r.code).toBe(1);
    const [first, ...rest] = r.results[0].messages;
    expect(first).toMatchObject({ ruleId: 'syntax-error', fatal: true, line: 1 });
    expect(rest.map((m) => m.ruleId)).toContain('require-concurrent-index'); // the next statement is still linted
  });

  it('expressions nested thousands deep: "nested too deeply", never a stack overflow (exit 1)', () => {
    const nests = ['1 + (', 'f(', '(SELECT ', 'NOT (', 'ARRAY['];
    const sql = nests.map((open) => `UPDATE t SET a = ${open.repeat(3000)}1${(open === 'ARRAY[' ? ']' : ')').repeat(3000)};`).join('\n');
    const f = alone('deep.sql', `${sql}\nCREATE INDEX i ON t (c);\n`);
    const r = godwit(['lint', f, '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|call stack/);
    const messages = r.results[0].messages;
    expect(messages.filter((m) => m.ruleId === 'syntax-error').map((m) => m.line)).toEqual([1, 2, 3, 4, 5]);
    for (const m of messages.filter((x) => x.ruleId === 'syntax-error')) expect(m.message).toMatch(/nested too deeply|memory exhausted/);
    expect(messages.some((m) => m.ruleId === 'require-concurrent-index' && m.line === 6)).toBe(true);
  });

  it('a 1,500-branch UNION view (left-deep, 1,500 levels) is still analysed', () => {
    const f = alone('union.sql', `CREATE VIEW v AS ${Array.from({ length: 1500 }, (_, i) => `SELECT ${i} AS x`).join(' UNION ALL ')};\nCREATE INDEX i ON t (c);\n`);
    const r = godwit(['lint', f, '-f', 'json', '--preset', 'all']);
    expect(r.code).toBe(1);
    expect(r.results[0].messages.filter((m) => m.ruleId === 'syntax-error')).toEqual([]);
  });
});

describe('silence where a finding belongs (issue 11): what godwit cannot analyse is a finding or an error, never a pass', () => {
  it('a DO block nested deeper than the PL/pgSQL parser goes (700 IFs around a TRUNCATE): a syntax-error, exit 1', () => {
    const body = 'BEGIN\n' + 'IF true THEN\n'.repeat(700) + 'TRUNCATE orders;\n' + 'END IF;\n'.repeat(700) + 'END';
    const f = alone('deep-do.sql', `DO $$${body}$$;\n`);
    const r = godwit(['lint', f, '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.results[0].messages).toEqual([expect.objectContaining({ ruleId: 'syntax-error', fatal: true, line: 1, message: expect.stringMatching(/^DO block: PL\/pgSQL block nested too deeply to analyze/) })]);
  });

  it('standard input that is a directory, or a closed descriptor: "cannot read file", exit 2', () => {
    const d = join(dir, 'stdin-dir');
    mkdirSync(d, { recursive: true });
    const fd = openSync(d, 'r');
    try {
      const r = spawnSync(process.execPath, [bin, 'lint', '--stdin', '-f', 'json'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(JSON.parse(r.stdout)[0].messages[0]).toMatchObject({ fatal: true, message: 'cannot read file: standard input is a directory' });
    } finally {
      closeSync(fd);
    }
    const closed = spawnSync('sh', ['-c', `exec "${process.execPath}" "${bin}" lint --stdin -f json <&-`], { encoding: 'utf8' });
    expect(closed.status).toBe(2);
    expect(JSON.parse(closed.stdout)[0].messages[0].message).toBe('cannot read file: standard input is closed');
    // an empty input stays a clean, empty file
    const empty = spawnSync('sh', ['-c', `exec "${process.execPath}" "${bin}" lint --stdin -f json < /dev/null`], { encoding: 'utf8' });
    expect(empty.status).toBe(0);
  });

  it("a JS call whose SQL ends inside a string does not swallow the next call's SQL", () => {
    const d = join(dir, 'js-unterminated');
    mkdirSync(join(d, 'migrations'), { recursive: true });
    writeFileSync(join(d, 'package.json'), '{"dependencies":{"typeorm":"*"}}');
    writeFileSync(
      join(d, 'migrations', '1700000000000-add.js'),
      [
        'module.exports = class Add1700000000000 {',
        '  async up(queryRunner) {',
        '    await queryRunner.query("ALTER TABLE users ADD COLUMN note text DEFAULT \'abc");',
        '    await queryRunner.query("CREATE INDEX users_email_idx ON users (email)");',
        '  }',
        '};',
        '',
      ].join('\n'),
    );
    const r = godwit(['lint', join(d, 'migrations'), '-f', 'json'], { cwd: d });
    expect(r.code).toBe(1);
    const m = r.results[0].messages;
    expect(m.find((x) => x.ruleId === 'syntax-error')).toMatchObject({ line: 3, message: 'unterminated quoted string at or near "\'abc"' });
    expect(m.find((x) => x.ruleId === 'require-concurrent-index')).toMatchObject({ line: 4 });
  });

  it('a config whose top-level await never settles, or whose getter throws: "invalid configuration", exit 2 (not 13, no stack trace)', () => {
    for (const [name, code] of [
      ['tla', 'await new Promise(() => {});\nexport default {};\n'],
      ['getter', 'export default { get rules() { throw new Error("boom"); } };\n'],
    ]) {
      const d = join(dir, `config-${name}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'godwit.config.mjs'), code);
      writeFileSync(join(d, 'm.sql'), 'CREATE INDEX i ON t (c);\n');
      const r = godwit(['lint', 'm.sql'], { cwd: d });
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(name === 'tla' ? /it never finished loading \(a top-level await that never settles\)/ : /reading the config's default export threw: boom/);
      expect(r.stderr, name).not.toMatch(/\n\s+at /);
    }
  });
});

describe('bytes that are not SQL', () => {
  it('NUL bytes: one syntax error each, the statements around them linted (exit 1)', () => {
    const f = alone('nul.sql', 'CREATE INDEX a ON t (c);\0\0\nCREATE INDEX b ON t (c);\0');
    const r = godwit(['lint', f, '-f', 'json']);
    expect(r.code).toBe(1);
    const m = r.results[0].messages;
    expect(m.filter((x) => x.ruleId === 'syntax-error' && /NUL/.test(x.message))).toHaveLength(3);
    expect(m.filter((x) => x.ruleId === 'require-concurrent-index')).toHaveLength(2);
  });

  it('a binary file named .sql: syntax errors, no crash, bounded time (exit 1)', () => {
    const b = Buffer.alloc(2 * MB);
    let x = 12345;
    for (let i = 0; i < b.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      b[i] = (x >> 16) & 255;
    }
    const f = alone('binary.sql', b);
    const r = godwit(['lint', f, '-f', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.results[0].messages.length).toBeGreaterThan(0);
    expect(r.results[0].messages.every((m) => m.ruleId === 'syntax-error' || !m.fatal)).toBe(true);
    expect(r.ms).toBeLessThan(30_000);
  });
});

describe('the file system', () => {
  let project: string;
  beforeAll(() => {
    project = join(dir, 'fs-project');
    const m = join(project, 'db', 'migrations');
    mkdirSync(m, { recursive: true });
    mkdirSync(join(project, '.git'));
    writeFileSync(join(m, '0001_index.sql'), 'CREATE INDEX i ON t (c);\n');
    symlinkSync('..', join(m, 'parent-loop')); // a directory loop
    symlinkSync('.', join(m, 'self-loop'));
    symlinkSync('nowhere.sql', join(m, '0002_dangling.sql')); // a dangling link
    symlinkSync('0003_link-loop.sql', join(m, '0003_link-loop.sql')); // a link to itself
    mkdirSync(join(m, '0004_folder.sql')); // a directory named like a migration
    writeFileSync(join(m, '0004_folder.sql', 'inside.sql'), 'SELECT 1;\n');
    if (spawnSync('mkfifo', [join(m, '0005_fifo.sql')]).status !== 0) throw new Error('mkfifo failed');
  });

  it('a directory with link loops, a dangling link, a FIFO and a folder named .sql: finishes, lints the real files', () => {
    const r = godwit(['lint', join(project, 'db'), '-f', 'json'], { timeout: 30_000 });
    expect(r.code).toBe(1);
    expect(r.results.map((x) => x.filePath.slice(project.length + 1)).sort()).toEqual(['db/migrations/0001_index.sql', 'db/migrations/0004_folder.sql/inside.sql']);
  });

  it('an unreadable migration: "cannot read file: EACCES" (exit 2); the rest of the folder is still linted', () => {
    // as root, permission bits do not stop reads: the run is then made as nobody
    const asRoot = process.getuid?.() === 0;
    const d = join(dir, 'unreadable', 'migrations');
    mkdirSync(d, { recursive: true });
    mkdirSync(join(dir, 'unreadable', '.git'));
    writeFileSync(join(d, '0001_users.sql'), 'CREATE TABLE users (id bigint, email text);\n');
    writeFileSync(join(d, '0002_secret.sql'), 'SELECT 1;\n');
    writeFileSync(join(d, '0003_index.sql'), 'CREATE INDEX users_email ON users (email);\n');
    chmodSync(join(d, '0002_secret.sql'), 0o000);
    if (asRoot) for (const p of [dir, join(dir, 'unreadable'), d]) chmodSync(p, 0o755);
    const r = godwit(['lint', d, '-f', 'json'], { cwd: join(dir, 'unreadable'), uid: asRoot ? 65534 : undefined });
    expect(r.code, r.stderr).toBe(2);
    const byName = Object.fromEntries(r.results.map((x) => [x.filePath.split('/').at(-1), x.messages]));
    expect(byName['0002_secret.sql']).toEqual([expect.objectContaining({ fatal: true, message: 'cannot read file: EACCES' })]);
    expect(byName['0003_index.sql'].map((m) => m.ruleId)).toContain('require-concurrent-index');
  });

  it('a FIFO named on the command line is "not a regular file" (exit 2), never read', () => {
    const r = godwit(['lint', join(project, 'db', 'migrations', '0005_fifo.sql'), '-f', 'json'], { timeout: 30_000 });
    expect(r.code).toBe(2);
    expect(r.results[0].messages[0].message).toBe('cannot read file: not a regular file (a FIFO, socket or device); pipe text to --stdin instead');
  });

  it('a dangling link or a link to itself named on the command line: "no such file or directory" (exit 2)', () => {
    for (const name of ['0002_dangling.sql', '0003_link-loop.sql']) {
      const r = godwit(['lint', join(project, 'db', 'migrations', name), '-f', 'json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`no such file or directory: ${join(project, 'db', 'migrations', name)}`);
      expect(r.results).toEqual([]);
    }
  });

  it('a directory named x.sql on the command line is searched as a directory', () => {
    const r = godwit(['lint', join(project, 'db', 'migrations', '0004_folder.sql'), '-f', 'json']);
    expect(r.code).toBe(0);
    expect(r.results.map((x) => x.filePath)).toEqual([join(project, 'db', 'migrations', '0004_folder.sql', 'inside.sql')]);
  });
});


describe('directory walking (src/sources/walk.ts) finds what fast-glob found', () => {
  const SQL_IGNORE = ['**/node_modules/**', '**/.git/**'];
  const JS_IGNORE = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/build/**', '**/coverage/**'];
  const same = async (cwd: string): Promise<void> => {
    const fg = (await import('fast-glob')).default;
    const { sqlFilesUnder, jsMigrationCandidatesUnder } = await import('../src/sources/walk.js');
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(sqlFilesUnder(cwd))).toEqual(sorted(await fg('**/*.sql', { cwd, absolute: true, ignore: SQL_IGNORE, followSymbolicLinks: false, dot: false, suppressErrors: true })));
    expect(sorted(sqlFilesUnder(cwd, true))).toEqual(
      sorted(await fg(['**/*.sql', '**/*.sql.postgres'], { cwd, absolute: true, ignore: SQL_IGNORE, followSymbolicLinks: false, dot: false, onlyFiles: true, suppressErrors: true })),
    );
    expect(sorted(jsMigrationCandidatesUnder(cwd))).toEqual(
      sorted(await fg(['**/*migrat*/*.{js,cjs,mjs,ts,cts,mts}'], { cwd, absolute: true, ignore: JS_IGNORE, caseSensitiveMatch: false, followSymbolicLinks: false, dot: false, onlyFiles: true, suppressErrors: true })),
    );
  };

  it('on a tree of edge cases: dot names, node_modules in any case, links, loops, FIFOs, odd names', async () => {
    const t = join(dir, 'walk-tree');
    const files = [
      'a.sql', 'A.SQL', '.dot.sql', 'x.sql.postgres', 'sub/b.sql', 'sub/deeper/c.sql', '.hidden/d.sql', 'node_modules/e.sql', 'Node_Modules/f.sql',
      'Dist/migrations/1.js', 'BUILD/migrations/2.ts', 'src/MIGRATIONS/3.JS', 'src/migrations/sub/4.ts', 'src/migrations/5.mts', 'src/migrations/.6.js',
      'x/.migrations/7.js', 'migrations/8.cjs', 'migrations/9.d.ts', 'weird [dir]/migrations/10.js', 'weird [dir]/a(1).sql', 'coverage/migrations/11.js',
      'db.migrations/12.ts', 'migrations/13.sql', 'm/node_modules/migrations/14.js',
    ];
    for (const f of files) {
      mkdirSync(join(t, f, '..'), { recursive: true });
      writeFileSync(join(t, f), '');
    }
    mkdirSync(join(t, 'folder.sql'));
    symlinkSync('a.sql', join(t, 'link.sql'));
    symlinkSync('sub', join(t, 'linked-dir'));
    symlinkSync('.', join(t, 'loop'));
    symlinkSync('missing.sql', join(t, 'dangling.sql'));
    spawnSync('mkfifo', [join(t, 'fifo.sql')]);
    await same(t);
  });

  it.skipIf(!existsSync(resolve(root, '..', 'shared', 'corpus')))('on the corpus', async () => {
    await same(resolve(root, '..', 'shared', 'corpus'));
  });
});
