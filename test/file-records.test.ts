/**
 * The file records of `godwit lint --cache` (src/cache/run-record.ts): a run naming files that
 * earlier runs named, unchanged, prints their results from the per-file cache without loading
 * the parser, the rules or the analyses (a pre-commit hook names other files each time, so the
 * run record, which answers only a repeated run, does not help there). A change to the file,
 * to its history or to the config is linted again. Through the built CLI, as users run it.
 *
 * What a run loads is seen by a preload module that logs the files Node reads (modules
 * included); a run that lints is the positive control (it reads libpg-query).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// the package's bin (bin.cjs answers from the records itself, and leaves every other run to bin.js)
const bin = join(root, 'dist', 'src', 'cli', 'bin.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'godwit-file-records-'));
const preload = join(scratch, 'loads.cjs');
writeFileSync(
  preload,
  `const fs = require('node:fs');
const fsp = require('node:fs/promises');
const { syncBuiltinESMExports } = require('node:module');
const seen = [];
for (const [t, names] of [[fs, ['readFileSync', 'readFile', 'openSync', 'open']], [fsp, ['readFile', 'open']]]) {
  for (const n of names) {
    const orig = t[n];
    t[n] = function (p, ...rest) { seen.push(String(p)); return orig.call(this, p, ...rest); };
  }
}
syncBuiltinESMExports();
process.on('exit', () => fs.writeFileSync(process.env.LOADS_LOG, seen.join('\\n')));
`,
);

let runs = 0;
/** Run the CLI; `loaded` lists the files it read (its modules among them). */
function godwit(args: string[], cwd: string) {
  const log = join(scratch, `loads-${runs++}.txt`);
  const r = spawnSync(process.execPath, ['-r', preload, bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GODWIT_WORKERS: '0', NO_COLOR: '1', LOADS_LOG: log },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, loaded: readFileSync(log, 'utf8').split('\n') };
}
const parserLoaded = (loaded: string[]) => loaded.some((p) => p.includes('libpg-query'));
const linterLoaded = (loaded: string[]) => loaded.some((p) => /libpg-query|typescript|main\.bundle\.(rules|load|lint-command)-|dist\/rules\/|engine\/linter|analysis\//.test(p));

const mig = (dir: string, name: string) => join('db', 'migrations', name);
const FILES = ['000001_users.up.sql', '000002_index.up.sql', '000003_wide.up.sql'];
const rulesOf = (json: string) => (JSON.parse(json) as Array<{ messages: Array<{ ruleId: string }> }>).flatMap((r) => r.messages.map((m) => m.ruleId));

/** A golang-migrate project in a git work tree, with a config. */
function project(): string {
  const dir = mkdtempSync(join(scratch, 'p-'));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ rules: {} }));
  mkdirSync(join(dir, 'db', 'migrations'), { recursive: true });
  writeFileSync(join(dir, mig(dir, FILES[0])), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
  writeFileSync(join(dir, mig(dir, FILES[1])), 'CREATE INDEX users_email ON users (email);\n');
  writeFileSync(join(dir, mig(dir, FILES[2])), 'ALTER TABLE users ALTER COLUMN email TYPE text;\n');
  return dir;
}

/** The uncached run's output; the --cache run must print the same (and end the same). */
function expectSame(dir: string, args: string[], cached: ReturnType<typeof godwit>) {
  const plain = godwit(args, dir);
  expect(cached.stdout === plain.stdout, 'the --cache output differs from the uncached output').toBe(true);
  expect(cached.stderr).toBe(plain.stderr);
  expect(cached.code).toBe(plain.code);
}

describe('lint --cache file records', () => {
  const pool: string[] = [];
  beforeAll(() => {
    for (let i = 0; i < 5; i++) pool.push(project());
    // the records trust only files modified RACY_MS (2 s) before a run
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2200);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const use = () => pool.pop()!;
  const named = (...names: string[]) => ['lint', ...names.map((n) => mig('', n)), '-f', 'json'];

  it('a run naming files named before answers from the cache without loading the parser, the rules or the analyses', () => {
    const dir = use();
    const first = godwit([...named(...FILES), '--cache'], dir);
    expect(parserLoaded(first.loaded), 'a run that lints loads the parser (the control)').toBe(true);
    // other files each time, in any order; stylish too (a record per set of flags)
    for (const args of [named(FILES[1]), named(FILES[2]), named(FILES[2], FILES[0]), named(FILES[0])]) {
      const r = godwit([...args, '--cache'], dir);
      expect(linterLoaded(r.loaded), `${args.join(' ')}: the linter was loaded`).toBe(false);
      expect(r.loaded.filter((m) => /cli\/(bin\.js|main\.bundle)/.test(m)), 'answered by bin.cjs, without the ES module CLI').toEqual([]);
      expectSame(dir, args, r);
    }
    expect(rulesOf(godwit([...named(FILES[1]), '--cache'], dir).stdout)).toContain('require-concurrent-index');
    const stylishArgs = ['lint', mig('', FILES[1])];
    godwit([...stylishArgs, mig('', FILES[2]), '--cache'], dir);
    const stylish = godwit([...stylishArgs, '--cache'], dir);
    expect(linterLoaded(stylish.loaded)).toBe(false);
    expectSame(dir, stylishArgs, stylish);
    // other flags: not answered by the records of these
    const strict = godwit([...named(FILES[1]), '--preset', 'strict', '--cache'], dir);
    expect(parserLoaded(strict.loaded)).toBe(true);
  });

  it('an edited file is linted again, even with its size and modification time kept', () => {
    const dir = use();
    godwit([...named(...FILES), '--cache'], dir);
    const file = join(dir, mig(dir, FILES[1]));
    const before = statSync(file);
    writeFileSync(file, 'CREATE INDEX users_email ON users (id   );\n'.slice(0, before.size - 1) + '\n');
    utimesSync(file, before.atime, before.mtime);
    const r = godwit([...named(FILES[1]), '--cache'], dir);
    expect(parserLoaded(r.loaded)).toBe(true);
    expectSame(dir, named(FILES[1]), r);
  });

  it('an edited, added or removed earlier migration (the history) is linted again', () => {
    const dir = use();
    const first = godwit([...named(...FILES), '--cache'], dir);
    expect(rulesOf(first.stdout)).not.toContain('no-column-type-change');
    writeFileSync(join(dir, mig(dir, FILES[0])), 'CREATE TABLE users (id bigint PRIMARY KEY, email integer);\n');
    const r = godwit([...named(FILES[2]), '--cache'], dir);
    expect(parserLoaded(r.loaded)).toBe(true);
    expect(rulesOf(r.stdout)).toContain('no-column-type-change');
    expectSame(dir, named(FILES[2]), r);

    const added = use();
    godwit([...named(...FILES), '--cache'], added);
    writeFileSync(join(added, mig(added, '000002_drop_index.up.sql')), 'DROP INDEX users_email;\n');
    const a = godwit([...named(FILES[2]), '--cache'], added);
    expect(parserLoaded(a.loaded)).toBe(true);
    expectSame(added, named(FILES[2]), a);
    rmSync(join(added, mig(added, FILES[0])));
    const removed = godwit([...named(FILES[1]), '--cache'], added);
    expect(parserLoaded(removed.loaded)).toBe(true);
    expectSame(added, named(FILES[1]), removed);
  });

  it('a changed config, or a new one nearer the file, is linted again', () => {
    const dir = use();
    godwit([...named(...FILES), '--cache'], dir);
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ rules: { 'require-concurrent-index': 'off' } }));
    const r = godwit([...named(FILES[1]), '--cache'], dir);
    expect(parserLoaded(r.loaded)).toBe(true);
    expect(rulesOf(r.stdout)).not.toContain('require-concurrent-index');
    expectSame(dir, named(FILES[1]), r);

    godwit([...named(...FILES), '--cache'], dir);
    writeFileSync(join(dir, 'db', 'godwit.config.json'), JSON.stringify({ rules: { 'require-concurrent-index': 'error' } }));
    const nearer = godwit([...named(FILES[1]), '--cache'], dir);
    expect(parserLoaded(nearer.loaded)).toBe(true);
    expect(rulesOf(nearer.stdout)).toContain('require-concurrent-index');
    expectSame(dir, named(FILES[1]), nearer);
  });
});
