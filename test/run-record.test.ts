/**
 * The run record of `godwit lint --cache` (src/cache/run-record.ts): a repeated run over
 * unchanged inputs replays the last run's output without loading the linter, and never replays
 * a stale one — an edited migration (even with its size and modification time kept), an edited
 * earlier migration (the history), an added migration, a changed or new config, other flags,
 * another godwit build. Through the built CLI, as users run it.
 *
 * To see whether a run was replayed, the tests append a marker to the recorded output: a
 * replayed run prints it, a run that lints does not (and must print what an uncached run prints).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// the package's bin (bin.cjs: it replays a record itself, and leaves every other run to bin.js)
const bin = join(root, 'dist', 'src', 'cli', 'bin.cjs');
const esmBin = join(root, 'dist', 'src', 'cli', 'bin.js');
const MARK = 'REPLAYED FROM THE RUN RECORD\n';

function godwit(args: string[], cwd: string, env: Record<string, string> = {}, node: string[] = [bin]) {
  const r = spawnSync(process.execPath, [...node, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GODWIT_WORKERS: '0', NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const mig = (dir: string, name: string) => join(dir, 'db', 'migrations', name);
const record = (dir: string) => join(dir, '.godwitcache.run');

/** A golang-migrate project in a git work tree (the config search stops at `.git`). */
function project(config?: [name: string, text: string]): string {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-record-'));
  if (config) writeFileSync(join(dir, config[0]), config[1]);
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'db', 'migrations'), { recursive: true });
  writeFileSync(mig(dir, '000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
  writeFileSync(mig(dir, '000002_index.up.sql'), 'CREATE INDEX users_email ON users (email);\n');
  writeFileSync(mig(dir, '000003_wide.up.sql'), 'ALTER TABLE users ALTER COLUMN email TYPE text;\n');
  return dir;
}

/** Run with --cache (recording it), check a record was written, mark its output; the run's result. */
function recordRun(dir: string, args: string[]) {
  const first = godwit([...args, '--cache'], dir);
  expect(existsSync(record(dir)), 'a run over files older than RACY_MS is recorded').toBe(true);
  appendFileSync(record(dir), MARK);
  return first;
}

/** The run with --cache prints what an uncached run prints, and was not replayed. */
function expectFresh(dir: string, args: string[]) {
  const plain = godwit(args, dir);
  const cached = godwit([...args, '--cache'], dir);
  expect(cached.stdout).not.toContain(MARK.trim());
  expect(cached.stdout === plain.stdout, 'the --cache output differs from the uncached output').toBe(true);
  expect(cached.stderr).toBe(plain.stderr);
  expect(cached.code).toBe(plain.code);
  return cached;
}

const ARGS = ['lint', 'db', '-f', 'json'];
const rulesOf = (json: string) => (JSON.parse(json) as Array<{ messages: Array<{ ruleId: string }> }>).flatMap((r) => r.messages.map((m) => m.ruleId));

describe('lint --cache run record', () => {
  const all: string[] = [];
  const pool: string[] = [];
  let withConfig: string;
  let withJsConfig: string;
  beforeAll(() => {
    for (let i = 0; i < 14; i++) pool.push(project());
    withConfig = project(['godwit.config.json', JSON.stringify({ rules: {} })]);
    withJsConfig = project(['godwit.config.mjs', 'export default { rules: {} };\n']);
    all.push(...pool, withConfig, withJsConfig);
    // the record trusts only files modified RACY_MS (2 s) before a run
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2200);
  });
  afterAll(() => {
    for (const d of all) rmSync(d, { recursive: true, force: true });
  });
  const use = () => pool.pop()!;

  it('replays the output and exit code of an unchanged run (stylish and json alike)', () => {
    const dir = use();
    const first = recordRun(dir, ARGS);
    expect(first.code).toBe(1);
    const again = godwit([...ARGS, '--cache'], dir);
    expect(again.stdout).toBe(first.stdout + MARK);
    expect(again.code).toBe(1);
    const stylish = recordRun(dir, ['lint', 'db']);
    expect(godwit(['lint', 'db', '--cache'], dir).stdout).toBe(stylish.stdout + MARK);
  });

  it('bin.cjs replays without loading the ES module loader or any godwit module but its replay bundle; bin.js replays the same', () => {
    const dir = use();
    const first = recordRun(dir, ARGS);
    // (outside the project: a new file in its folder is an input changed)
    const probe = mkdtempSync(join(tmpdir(), 'godwit-probe-'));
    all.push(probe);
    const loaded = join(probe, 'loaded.json');
    const preload = join(probe, 'preload.cjs');
    writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify({ internal: process.moduleLoadList, files: Object.keys(require.cache) })));\n`);
    const again = godwit([...ARGS, '--cache'], dir, {}, ['-r', preload, bin]);
    expect(again.stdout).toBe(first.stdout + MARK);
    expect(again.code).toBe(first.code);
    const { internal, files } = JSON.parse(readFileSync(loaded, 'utf8')) as { internal: string[]; files: string[] };
    // (internal/modules/esm/utils is part of every Node start-up; the loader itself is not)
    expect(internal.filter((m) => /internal\/modules\/esm\/(loader|translators|module_job)$/.test(m))).toEqual([]);
    const ours = files.filter((f) => f.includes(join('dist', 'src'))).map((f) => f.slice(f.indexOf('dist')));
    expect(ours.slice(0, 2)).toEqual([join('dist', 'src', 'cli', 'bin.cjs'), join('dist', 'src', 'cli', 'replay.bundle.cjs')]);
    expect(ours.filter((f) => !/^dist\/src\/cli\/replay\.bundle\.(args|run-record)-[\w-]+\.cjs$/.test(f)).slice(2)).toEqual([]);
    // the same record through the ES module entry (a record is the same whichever bin made it)
    expect(godwit([...ARGS, '--cache'], dir, {}, [esmBin])).toEqual(again);
    // a usage error is bin.js's to report, as ever
    const bad = godwit([...ARGS, '--cache', '--no-such-flag'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--no-such-flag'");
  });

  it('a reader that closes the pipe early does not crash a replay', () => {
    const dir = use();
    const first = recordRun(dir, ARGS);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" ${ARGS.join(' ')} --cache | head -c 10`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toBe(first.stdout.slice(0, 10));
    expect(r.stderr).toBe('');
    expect(first.stdout.length).toBeGreaterThan(10);
  });

  it('an edited migration is linted again, even with its size and modification time kept', () => {
    const dir = use();
    recordRun(dir, ARGS);
    const file = mig(dir, '000002_index.up.sql');
    const before = statSync(file);
    // same length, same mtime: only the change time (and the text) tell
    writeFileSync(file, 'CREATE INDEX users_email ON users (id   );\n'.slice(0, before.size - 1) + '\n');
    expect(statSync(file).size).toBe(before.size);
    utimesSync(file, before.atime, before.mtime);
    expectFresh(dir, ARGS);
  });

  it('an edited earlier migration (the history) changes the later results', () => {
    const dir = use();
    const first = recordRun(dir, ARGS);
    expect(rulesOf(first.stdout)).not.toContain('no-column-type-change');
    writeFileSync(mig(dir, '000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email integer);\n');
    const after = expectFresh(dir, ARGS);
    expect(rulesOf(after.stdout)).toContain('no-column-type-change');
  });

  it('an added or removed migration is seen', () => {
    const dir = use();
    recordRun(dir, ARGS);
    writeFileSync(mig(dir, '000004_drop.up.sql'), 'ALTER TABLE users DROP COLUMN email;\n');
    expect(rulesOf(expectFresh(dir, ARGS).stdout)).toContain('no-drop-column');

    const other = use();
    recordRun(other, ARGS);
    rmSync(mig(other, '000002_index.up.sql'));
    expect(rulesOf(expectFresh(other, ARGS).stdout)).not.toContain('require-concurrent-index');
  });

  it('a changed config, a new config in a parent directory, and other flags are seen', () => {
    const dir = withConfig;
    recordRun(dir, ARGS);
    writeFileSync(join(dir, 'godwit.config.json'), JSON.stringify({ rules: { 'require-concurrent-index': 'off' } }));
    expect(rulesOf(expectFresh(dir, ARGS).stdout)).not.toContain('require-concurrent-index');

    const other = use();
    recordRun(other, ARGS);
    writeFileSync(join(other, 'db', 'godwit.config.json'), JSON.stringify({ rules: { 'require-concurrent-index': 'off' } }));
    expect(rulesOf(expectFresh(other, ARGS).stdout)).not.toContain('require-concurrent-index');

    const flags = use();
    recordRun(flags, ARGS);
    expectFresh(flags, [...ARGS, '--rule', 'require-concurrent-index:off']);
    expectFresh(flags, [...ARGS, '--pg-version', '11']);
    expectFresh(flags, ['lint', 'db']);
  });

  it('a record made by another godwit build, Node or GODWIT_ settings is not replayed', () => {
    const dir = use();
    const first = recordRun(dir, ARGS);
    const text = readFileSync(record(dir), 'utf8');
    const build = readFileSync(join(root, 'dist', 'build-id'), 'utf8').trim();
    expect(text).toContain(JSON.stringify(build).slice(1, -1));
    // the same record, as another build would have written it
    writeFileSync(record(dir), text.replace(JSON.stringify(build).slice(1, -1), `${build}-other`));
    expectFresh(dir, ARGS);
    expect(godwit([...ARGS, '--cache'], dir).stdout).toBe(first.stdout); // (recorded again)

    const envDir = use();
    recordRun(envDir, ARGS);
    const r = godwit([...ARGS, '--cache'], envDir, { GODWIT_WORKERS: '1' });
    expect(r.stdout).not.toContain(MARK.trim());
  });

  it('is not written when a file changed just before the run, nor for a JS config or --fix-dry-run', () => {
    const racy = use();
    writeFileSync(mig(racy, '000003_wide.up.sql'), 'ALTER TABLE users ALTER COLUMN email TYPE text ;\n');
    godwit([...ARGS, '--cache'], racy);
    expect(existsSync(record(racy)), 'a file modified within RACY_MS may change again unseen').toBe(false);

    const js = withJsConfig;
    godwit([...ARGS, '--cache'], js);
    expect(existsSync(record(js)), 'a config module may read anything').toBe(false);

    const fix = use();
    godwit(['lint', 'db', '--cache', '--fix-dry-run'], fix);
    expect(existsSync(record(fix))).toBe(false);
  });
});
