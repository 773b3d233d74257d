/**
 * Everything godwit writes goes through one writer (src/io/write.ts) and never turns against
 * the user: reports (`-o`), the cache, `--fix`, plan phases. What stands at the path decides —
 * a device or FIFO is written through, a link is followed, a directory, a dangling link, a
 * read-only file or directory is a clear error (exit 2) — permissions and owner are kept, and a
 * plan is written all or nothing. Identifiers never reach a comment of a phase file or the
 * terminal with a raw control character. As root (CI), what only a non-root user would see
 * is checked by running the CLI as `nobody`.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initParser, scanSql } from '../src/dialects/postgresql/pg.js';
import { commentOut } from '../src/plan/writers/sql.js';
import { escapeControl } from '../src/io/control.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let dir: string;

function godwit(args: string[], opts: { cwd?: string; uid?: number; timeout?: number } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? dir,
    encoding: 'utf8',
    timeout: opts.timeout ?? 60_000,
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    env: { ...process.env, NO_COLOR: '1', GODWIT_CACHE_DIR: join(dir, '.trace-cache') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder of its own with one migration that has a finding. */
function project(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'm.sql'), 'CREATE INDEX orders_total_idx ON orders (total);\n');
  return d;
}

const temps = (d: string) => readdirSync(d).filter((f) => f.includes('.tmp'));

beforeAll(async () => {
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'godwit-output-'));
  chmodSync(dir, 0o755);
  await initParser();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reports (-o / --output-file)', () => {
  it('a character device is written through, never replaced by a regular file (-o /dev/null)', () => {
    const d = project('device');
    // as root, a private copy of /dev/null (the machine's own must never be at risk); otherwise /dev/null itself
    let dev = '/dev/null';
    if (asRoot) {
      dev = join(d, 'null');
      expect(spawnSync('mknod', [dev, 'c', '1', '3']).status).toBe(0);
      chmodSync(dev, 0o666);
    }
    const r = godwit(['lint', 'm.sql', '-o', dev], { cwd: d });
    expect(r.code, r.stderr).toBe(1);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(temps(d)).toEqual([]);
  });

  it('a FIFO is written through (its reader gets the report), and stays a FIFO', async () => {
    const d = project('fifo');
    const fifo = join(d, 'report.pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (c) => (got += c));
    const r = godwit(['lint', 'm.sql', '-o', fifo, '-f', 'json'], { cwd: d });
    await new Promise((res) => reader.on('close', res));
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(got)[0].messages[0].ruleId).toBe('require-concurrent-index');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a symbolic link is followed: the link stays, its target gets the report with its mode', () => {
    const d = project('link');
    writeFileSync(join(d, 'target.txt'), 'old\n');
    chmodSync(join(d, 'target.txt'), 0o640);
    symlinkSync('target.txt', join(d, 'report.txt'));
    const r = godwit(['lint', 'm.sql', '-o', 'report.txt'], { cwd: d });
    expect(r.code).toBe(1);
    expect(lstatSync(join(d, 'report.txt')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'target.txt'), 'utf8')).toContain('require-concurrent-index');
    expect(statSync(join(d, 'target.txt')).mode & 0o777).toBe(0o640);
  });

  it('a dangling link, a directory, a missing parent: a clear message, exit 2, nothing created, no temporary file, no stack trace', () => {
    const d = project('refused');
    symlinkSync('elsewhere/nothing.txt', join(d, 'dangling.txt'));
    mkdirSync(join(d, 'adir'));
    for (const [target, message] of [
      ['dangling.txt', /dangling\.txt is a symbolic link to a file that does not exist/],
      ['adir', /adir is a directory/],
      ['no/such/dir/r.txt', /no such directory: .*no\/such\/dir/],
    ] as const) {
      const r = godwit(['lint', 'm.sql', '-o', target], { cwd: d });
      expect(r.code, target).toBe(2);
      expect(r.stderr, target).toMatch(message);
      expect(r.stderr, target).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(d, 'elsewhere'))).toBe(false);
    expect(readdirSync(join(d, 'adir'))).toEqual([]);
    expect(temps(d)).toEqual([]);
  });

  it('the same for `godwit trace -o`', () => {
    const d = project('trace-out');
    mkdirSync(join(d, 'adir'));
    const r = godwit(['trace', 'm.sql', '-o', 'adir'], { cwd: d, timeout: 120_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/adir is a directory/);
    expect(readdirSync(join(d, 'adir'))).toEqual([]);
  });

  it('a read-only file and a read-only directory are refused for a user without write permission (exit 2), and left as they were', () => {
    const d = project('readonly');
    chmodSync(d, 0o755);
    writeFileSync(join(d, 'locked.txt'), 'keep\n');
    chmodSync(join(d, 'locked.txt'), 0o444);
    const uid = asRoot ? NOBODY : undefined;
    if (asRoot) chownSync(join(d, 'locked.txt'), NOBODY, NOBODY);
    const file = godwit(['lint', 'm.sql', '-o', 'locked.txt'], { cwd: d, uid });
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/locked\.txt is read-only/);
    expect(readFileSync(join(d, 'locked.txt'), 'utf8')).toBe('keep\n');
    // a directory nobody may write to (root-owned 0755 for nobody; 0555 otherwise)
    if (!asRoot) chmodSync(d, 0o555);
    const newFile = godwit(['lint', 'm.sql', '-o', 'new.txt'], { cwd: d, uid });
    chmodSync(d, 0o755);
    expect(newFile.code).toBe(2);
    expect(newFile.stderr).toMatch(/cannot create files in .*: permission denied/);
    expect(existsSync(join(d, 'new.txt'))).toBe(false);
    expect(temps(d)).toEqual([]);
  });

  it.skipIf(!asRoot)('run as root, a file keeps its owner and mode', () => {
    const d = project('owner');
    writeFileSync(join(d, 'report.txt'), 'old\n');
    chownSync(join(d, 'report.txt'), NOBODY, NOBODY);
    chmodSync(join(d, 'report.txt'), 0o604);
    expect(godwit(['lint', 'm.sql', '-o', 'report.txt'], { cwd: d }).code).toBe(1);
    const st = statSync(join(d, 'report.txt'));
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([NOBODY, NOBODY, 0o604]);
    expect(readFileSync(join(d, 'report.txt'), 'utf8')).toContain('require-concurrent-index');
  });
});

describe('the cache (--cache-location)', () => {
  it('through a link to a file: the link stays; a dangling link: a warning, nothing created', () => {
    const d = project('cache');
    writeFileSync(join(d, 'real-cache'), '');
    symlinkSync('real-cache', join(d, 'cache-link'));
    const r = godwit(['lint', 'm.sql', '--cache', '--cache-location', 'cache-link'], { cwd: d });
    expect(r.code).toBe(1);
    expect(lstatSync(join(d, 'cache-link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'real-cache'), 'utf8')).toContain('"godwit"');
    symlinkSync('gone/cache', join(d, 'cache-dangling'));
    const dangling = godwit(['lint', 'm.sql', '--cache', '--cache-location', 'cache-dangling'], { cwd: d });
    expect(dangling.code).toBe(1);
    expect(dangling.stderr).toMatch(/warning: could not write the cache: .*symbolic link to a file that does not exist/);
    expect(existsSync(join(d, 'gone'))).toBe(false);
  });

  it('at a device node: no run record is created beside it, and a second run lints again (nothing replayed)', () => {
    if (!asRoot) return; // a private device node needs root (CI runs as root); /dev itself is never written
    const d = project('cache-device');
    const dev = join(d, 'null');
    expect(spawnSync('mknod', [dev, 'c', '1', '3']).status).toBe(0);
    chmodSync(dev, 0o666);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_500); // the migration old enough to be recorded (run-record.ts RACY_MS)
    for (let i = 0; i < 2; i++) {
      const r = godwit(['lint', 'm.sql', '--cache', '--cache-location', dev], { cwd: d });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toContain('require-concurrent-index');
    }
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(readdirSync(d).sort()).toEqual(['m.sql', 'null']);
  });

  it('a run record that is a symbolic link stays a link, also when a just-edited input keeps the run from being recorded', () => {
    const d = project('cache-record-link');
    writeFileSync(join(d, 'record-target'), 'keep');
    symlinkSync('record-target', join(d, '.godwitcache.run'));
    writeFileSync(join(d, 'm.sql'), 'CREATE INDEX orders_total_idx ON orders (total);\n'); // just now: too recent to trust
    const r = godwit(['lint', 'm.sql', '--cache'], { cwd: d });
    expect(r.code, r.stderr).toBe(1);
    expect(lstatSync(join(d, '.godwitcache.run')).isSymbolicLink()).toBe(true);
  });
});

describe('--fix', () => {
  it('does not rewrite a file its user cannot write (0444): exit 2, the file unchanged', () => {
    const d = project('fix-readonly');
    chmodSync(join(d, 'm.sql'), 0o444);
    if (asRoot) chownSync(join(d, 'm.sql'), NOBODY, NOBODY);
    const r = godwit(['lint', 'm.sql', '--fix'], { cwd: d, uid: asRoot ? NOBODY : undefined });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/m\.sql is read-only/);
    expect(readFileSync(join(d, 'm.sql'), 'utf8')).toBe('CREATE INDEX orders_total_idx ON orders (total);\n');
    expect(statSync(join(d, 'm.sql')).mode & 0o777).toBe(0o444);
  });

  it.skipIf(!asRoot)('run as root on someone else\'s file: the owner and mode stay', () => {
    const d = project('fix-owner');
    chownSync(join(d, 'm.sql'), NOBODY, NOBODY);
    chmodSync(join(d, 'm.sql'), 0o664);
    const r = godwit(['lint', 'm.sql', '--fix'], { cwd: d });
    expect(readFileSync(join(d, 'm.sql'), 'utf8'), r.stderr).toContain('CONCURRENTLY');
    const st = statSync(join(d, 'm.sql'));
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([NOBODY, NOBODY, 0o664]);
  });
});

describe('godwit plan', () => {
  const HISTORY = 'CREATE TABLE users (id bigint PRIMARY KEY, oldcol text, keep int);\nCREATE TABLE keepme (id int);\n';

  function planProject(name: string, rename: string): string {
    const d = join(dir, name);
    mkdirSync(join(d, 'db'), { recursive: true });
    mkdirSync(join(d, '.git'));
    writeFileSync(join(d, 'db', '000001_init.up.sql'), HISTORY);
    writeFileSync(join(d, 'db', '000001_init.down.sql'), 'DROP TABLE users;\n');
    writeFileSync(join(d, 'db', '000002_rename.up.sql'), rename);
    return d;
  }

  it('a dangling link at one of the targets: nothing is written (all or nothing), exit 2', () => {
    const d = planProject('plan-dangling', 'ALTER TABLE users RENAME COLUMN oldcol TO newcol;\n');
    const dry = godwit(['plan', 'db/000002_rename.up.sql'], { cwd: d });
    expect(dry.code, dry.stderr).toBe(0);
    const names = [...dry.stdout.matchAll(/^-- ==> (.+)$/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(2);
    // a link where the last file would go: the plan must not be left half-written
    symlinkSync('/nonexistent/target', join(d, 'db', names[names.length - 1]));
    const before = readdirSync(join(d, 'db')).sort();
    const r = godwit(['plan', 'db/000002_rename.up.sql', '--out', 'db'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exist|never overwrites/);
    expect(readdirSync(join(d, 'db')).sort()).toEqual(before);
  });

  it('an identifier with a carriage return never ends a comment of a phase file: the plan is refused (exit 2), nothing written', () => {
    const d = planProject('plan-inject', 'ALTER TABLE users RENAME COLUMN oldcol TO "x\rDROP TABLE keepme; --";\n');
    const before = readdirSync(join(d, 'db')).sort();
    const r = godwit(['plan', 'db/000002_rename.up.sql', '--out', 'db'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('control character');
    expect(r.stderr).not.toContain('\r');
    expect(readdirSync(join(d, 'db')).sort()).toEqual(before);
    const printed = godwit(['plan', 'db/000002_rename.up.sql'], { cwd: d });
    expect(printed.code).toBe(2);
    expect(printed.stdout).toBe('');
  });

  it('a MySQL table name with line breaks never becomes a command of a gh-ost / pt-osc script', () => {
    const d = join(dir, 'osc-inject');
    mkdirSync(join(d, 'db'), { recursive: true });
    mkdirSync(join(d, '.git'));
    const name = '`t\ntouch /tmp/godwit-pwned-osc\n`';
    writeFileSync(join(d, 'db', '001_init.sql'), `CREATE TABLE ${name} (id bigint PRIMARY KEY, v int) ENGINE=InnoDB;\n`);
    writeFileSync(join(d, 'db', '002_change.sql'), `ALTER TABLE ${name} MODIFY COLUMN v bigint;\n`);
    for (const tool of ['gh-ost', 'pt-osc']) {
      const r = godwit(['plan', 'db/002_change.sql', '--emit', tool], { cwd: d });
      // refused (a reviewer reads a script line by line), and the message shows the name escaped
      expect(r.stdout, tool).not.toContain('#!/usr/bin/env bash');
      expect(r.stderr, tool).toContain(`${tool} refused for "t\\ntouch /tmp/godwit-pwned-osc\\n"`);
      expect(r.stderr, tool).not.toMatch(/^touch/m);
    }
  });

  it('comments escape every line break and control character: PostgreSQL reads them as comments only', () => {
    for (const evil of ['x\rDROP TABLE keepme;', 'x\u2028DROP TABLE keepme;', 'x\u001b[2JDROP TABLE keepme;', 'x\u000bDROP TABLE keepme;', 'x\fDROP TABLE keepme;']) {
      const text = commentOut(`rename column oldcol to "${evil}"\nsecond line`);
      const tokens = scanSql(`${text}\nSELECT 1;`)!;
      expect(tokens.filter((t) => t.name !== 'SQL_COMMENT').map((t) => t.text)).toEqual(['SELECT', '1', ';']);
      expect(text).not.toMatch(/[\r\u2028\u001b\u000b\f]/);
    }
  });
});

describe('the terminal never gets a raw control character from a name', () => {
  const evil = 'orders\u001b[2J\r\u2028\u202e';
  it('lint (stylish): message, lock and code frame', () => {
    const d = join(dir, 'terminal');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'm.sql'), `CREATE INDEX i ON "${evil}" (total);\n`);
    const r = godwit(['lint', 'm.sql'], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('require-concurrent-index');
    expect(r.stdout).not.toMatch(/[\u001b\r\u2028\u202e]/);
    expect(r.stdout).toContain(escapeControl(evil));
  });

  it('trace (stylish): SQL, relation names and server messages', () => {
    const d = join(dir, 'terminal-trace');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'm.sql'), `CREATE TABLE "${evil}" (id int);\nALTER TABLE "${evil}" ADD COLUMN x int;\nSELECT * FROM "missing${evil}";\n`);
    const r = godwit(['trace', 'm.sql'], { cwd: d, timeout: 120_000 });
    // the SELECT fails on purpose (its server message names the table): a trace with a failed statement exits 1
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('ACCESS EXCLUSIVE');
    expect(r.stdout).not.toMatch(/[\u001b\r\u2028\u202e]/);
  });
});
