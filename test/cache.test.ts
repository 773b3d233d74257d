/**
 * `godwit lint --cache` (src/cache/lint-cache.ts): a cached run gives exactly the output of an
 * uncached one, in every case that can change a result — a migration edited, an earlier one
 * edited (the history), a config or a flag changed, another godwit build — and a bad or
 * unwritable cache never fails a lint. Through the built CLI, as users run it.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const corpus = resolve(root, '..', 'shared', 'corpus');

function godwit(args: string[], cwd: string, workers = '0') {
  // the per-file cache is what this file tests: no run record (test/run-record.test.ts) replays a
  // run, no file record (test/file-records.test.ts) answers one
  rmSync(join(cwd, '.godwitcache.run'), { force: true });
  rmSync(join(cwd, '.godwitcache.files'), { force: true });
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GODWIT_WORKERS: workers, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same run with and without the cache: identical stdout, stderr and exit code. */
function expectSameAsUncached(args: string[], cwd: string, cacheArgs = ['--cache']) {
  const plain = godwit(args, cwd);
  const cached = godwit([...args, ...cacheArgs], cwd);
  expect(cached.stderr).toBe(plain.stderr);
  expect(cached.code).toBe(plain.code);
  expect(cached.stdout === plain.stdout, 'the cached output differs from the uncached output').toBe(true);
  return cached;
}

describe('lint --cache on a golang-migrate project', () => {
  let dir: string;
  const mig = (name: string) => join(dir, 'db', 'migrations', name);
  const cacheFile = () => join(dir, '.godwitcache');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'godwit-cache-'));
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'db', 'migrations'), { recursive: true });
    writeFileSync(mig('000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
    writeFileSync(mig('000001_users.down.sql'), 'DROP TABLE users;\n');
    writeFileSync(mig('000002_index.up.sql'), 'CREATE INDEX users_email ON users (email);\n');
    writeFileSync(mig('000003_orders.up.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the uncached output, and a second run reads every result from the cache without rewriting it', () => {
    const first = expectSameAsUncached(['lint', 'db', '-f', 'json'], dir);
    expect(first.code).toBe(1);
    expect(existsSync(cacheFile())).toBe(true);
    const stored = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    expect(Object.keys(stored.files).sort()).toEqual(['000001_users.up.sql', '000002_index.up.sql', '000003_orders.up.sql'].map((f) => mig(f)));
    const written = statSync(cacheFile()).mtimeMs;
    const second = expectSameAsUncached(['lint', 'db', '-f', 'json'], dir);
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(cacheFile()).mtimeMs, 'an all-hits run must not rewrite the cache').toBe(written);
    // the stylish report (code frames come from the cached source) is the same too
    expectSameAsUncached(['lint', 'db'], dir);
  });

  it('a result comes from the cache, not from the files: a planted entry under the right key is reported', () => {
    godwit(['lint', 'db', '--cache'], dir);
    const stored = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    stored.files[mig('000002_index.up.sql')].result.messages[0].message = 'FROM THE CACHE';
    writeFileSync(cacheFile(), JSON.stringify(stored));
    expect(godwit(['lint', 'db', '--cache', '-f', 'json'], dir).stdout).toContain('FROM THE CACHE');
    // … and not when the cache is not asked for
    expect(godwit(['lint', 'db', '-f', 'json'], dir).stdout).not.toContain('FROM THE CACHE');
  });

  it('entries of deleted migrations are dropped when the cache is written', () => {
    godwit(['lint', 'db', '--cache'], dir);
    rmSync(mig('000003_orders.up.sql'));
    writeFileSync(mig('000004_more.up.sql'), 'SELECT 1;\n');
    expectSameAsUncached(['lint', 'db', '-f', 'json'], dir);
    expect(Object.keys(JSON.parse(readFileSync(cacheFile(), 'utf8')).files).sort()).toEqual(['000001_users.up.sql', '000002_index.up.sql', '000004_more.up.sql'].map((f) => mig(f)));
  });

  it('an edited migration is linted again', () => {
    godwit(['lint', 'db', '--cache'], dir);
    writeFileSync(mig('000002_index.up.sql'), 'CREATE INDEX CONCURRENTLY users_email ON users (email);\n');
    const r = expectSameAsUncached(['lint', 'db', '-f', 'json'], dir);
    expect(JSON.parse(r.stdout).find((x: { filePath: string }) => x.filePath === mig('000002_index.up.sql')).messages.map((m: { ruleId: string }) => m.ruleId)).not.toContain('require-concurrent-index');
  });

  it('an edited earlier migration changes the later results (their history)', () => {
    // 000004 widens varchar(50) to varchar(100): safe; after 000001 is edited to varchar(200), the
    // same unchanged 000004 narrows the column: a rewrite, flagged
    writeFileSync(mig('000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50));\n');
    writeFileSync(mig('000004_email.up.sql'), 'ALTER TABLE users ALTER COLUMN email TYPE varchar(100);\n');
    const rulesOf = (stdout: string) =>
      JSON.parse(stdout).find((x: { filePath: string }) => x.filePath === mig('000004_email.up.sql')).messages.map((m: { ruleId: string }) => m.ruleId);
    expect(rulesOf(expectSameAsUncached(['lint', 'db', '-f', 'json'], dir).stdout)).not.toContain('no-column-type-change');
    writeFileSync(mig('000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200));\n');
    expect(rulesOf(expectSameAsUncached(['lint', 'db', '-f', 'json'], dir).stdout)).toContain('no-column-type-change');
    // a migration inserted before it (the order of the history) counts too
    writeFileSync(mig('000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50));\n');
    expect(rulesOf(expectSameAsUncached(['lint', 'db', '-f', 'json'], dir).stdout)).not.toContain('no-column-type-change');
    writeFileSync(mig('000003_wide.up.sql'), 'ALTER TABLE users ALTER COLUMN email TYPE varchar(300);\n');
    expect(rulesOf(expectSameAsUncached(['lint', 'db', '-f', 'json'], dir).stdout)).toContain('no-column-type-change');
  });

  it('a changed config, flag or PostgreSQL version is not served from the cache', () => {
    godwit(['lint', 'db', '--cache'], dir);
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ rules: { 'require-concurrent-index': 'off' } }));
    expectSameAsUncached(['lint', 'db', '-f', 'json'], dir);
    expectSameAsUncached(['lint', 'db', '-f', 'json', '--rule', 'require-not-valid-constraint:warn'], dir);
    expectSameAsUncached(['lint', 'db', '-f', 'json', '--pg-version', '11'], dir);
    expectSameAsUncached(['lint', 'db', '-f', 'json', '--transaction', 'none'], dir);
  });

  it('one file of a root, and --changed-since style subsets, use the same entries', () => {
    godwit(['lint', 'db', '--cache'], dir);
    expectSameAsUncached(['lint', mig('000003_orders.up.sql'), '-f', 'json'], dir);
    expectSameAsUncached(['lint', mig('000002_index.up.sql'), mig('000003_orders.up.sql'), '-f', 'json'], dir);
  });

  it('ignores a corrupt cache, a cache of another build and a cache it cannot write', () => {
    writeFileSync(cacheFile(), '{ not json');
    expectSameAsUncached(['lint', 'db', '-f', 'json'], dir);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).files).toBeTypeOf('object');

    const stored = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    stored.godwit = 'another-build';
    stored.files[mig('000002_index.up.sql')].result.messages[0].message = 'STALE';
    writeFileSync(cacheFile(), JSON.stringify(stored));
    expect(godwit(['lint', 'db', '--cache', '-f', 'json'], dir).stdout).not.toContain('STALE');

    const plain = godwit(['lint', 'db', '-f', 'json'], dir);
    const unwritable = godwit(['lint', 'db', '-f', 'json', '--cache', '--cache-location', join(dir, 'no', 'such', 'dir', 'cache')], dir);
    expect(unwritable.code).toBe(plain.code);
    expect(unwritable.stdout).toBe(plain.stdout);
    expect(unwritable.stderr).toMatch(/warning: could not write the cache: no such directory: .*no\/such\/dir/);
  });

  it('--cache-location takes a file or a directory; without --cache it is a usage error', () => {
    mkdirSync(join(dir, 'cachedir'));
    expectSameAsUncached(['lint', 'db', '-f', 'json'], dir, ['--cache', '--cache-location', 'cachedir']);
    expect(existsSync(join(dir, 'cachedir', '.godwitcache'))).toBe(true);
    expectSameAsUncached(['lint', 'db', '-f', 'json'], dir, ['--cache', '--cache-location', 'my.cache']);
    expect(existsSync(join(dir, 'my.cache'))).toBe(true);
    const r = godwit(['lint', 'db', '--cache-location', 'x'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cache-location needs --cache');
  });

  it('is not used by --fix (the fixed files are written, the cache is left alone)', () => {
    const r = godwit(['lint', 'db', '--cache', '--fix'], dir);
    expect(r.code).toBe(0); // every finding here has a mechanical fix
    expect(readFileSync(mig('000002_index.up.sql'), 'utf8')).toContain('CONCURRENTLY');
    expect(existsSync(cacheFile())).toBe(false);
  });
});

const ROOT_FOLDERS = ['LemmyNet+lemmy', 'goharbor+harbor', 'ory+kratos'];
describe.skipIf(!ROOT_FOLDERS.every((f) => existsSync(join(corpus, f))))('lint --cache on copies of corpus projects', () => {
  it('cold, warm, after editing an early migration, and on worker threads: the uncached output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-cache-corpus-'));
    try {
      mkdirSync(join(dir, '.git'));
      for (const f of ROOT_FOLDERS) cpSync(join(corpus, f), join(dir, f), { recursive: true });
      const args = ['lint', ...ROOT_FOLDERS, '-f', 'json'];
      const cold = expectSameAsUncached(args, dir);
      expect(JSON.parse(cold.stdout).length).toBeGreaterThan(300);
      expectSameAsUncached(args, dir);
      // an early lemmy migration gets a table that later migrations' findings depend on
      const lemmy = join(dir, 'LemmyNet+lemmy', 'migrations');
      const early = join(lemmy, '2019-02-26-002946_create_user', 'up.sql');
      expect(existsSync(early)).toBe(true);
      writeFileSync(early, readFileSync(early, 'utf8') + '\nCREATE INDEX idx_user_late ON user_ (name);\n');
      expectSameAsUncached(args, dir);
      const threaded = godwit([...args, '--cache'], dir, '2');
      expect(threaded.stdout === godwit(args, dir).stdout).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
