/**
 * Worker threads (src/parallel/): a run split across threads gives byte for byte the output
 * of a single-threaded run — on the corpus through the built CLI (GODWIT_WORKERS forces the
 * thread count), and in-process on a project of several roots — and the scheduling rules
 * (when to start workers, how roots are shared) hold.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MigrationRoot } from '../src/sources/index.js';
import type { RootUnit } from '../src/project.js';
import { assign, autoWorkers, unitCost, AUTO_MIN_BYTES, MIN_CORES } from '../src/parallel/plan.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const corpus = resolve(root, '..', 'shared', 'corpus');
const SQL_FOLDERS = ['LemmyNet+lemmy', 'element-hq+synapse', 'ory+kratos', 'supabase+storage', 'goharbor+harbor'];
const hasCorpus = SQL_FOLDERS.every((f) => existsSync(join(corpus, f)));

function godwit(args: string[], workers: string, cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, GODWIT_WORKERS: workers, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasCorpus)('the corpus, single-threaded and on worker threads', () => {
  it('gives byte-identical JSON, exit code and stderr', () => {
    const folders = SQL_FOLDERS.map((f) => join(corpus, f));
    const serial = godwit(['lint', ...folders, '-f', 'json'], '0');
    const parallel = godwit(['lint', ...folders, '-f', 'json'], '2');
    expect(serial.code).toBe(1);
    expect(JSON.parse(serial.stdout).length).toBeGreaterThan(1000);
    expect(parallel.code).toBe(serial.code);
    expect(parallel.stderr).toBe(serial.stderr);
    expect(parallel.stdout === serial.stdout, 'the parallel JSON differs from the single-threaded JSON').toBe(true);
  });

  it('gives the same stylish report with one worker', () => {
    const folders = ['ory+kratos', 'supabase+storage', 'goharbor+harbor'].map((f) => join(corpus, f));
    const serial = godwit(['lint', ...folders], '0');
    const parallel = godwit(['lint', ...folders], '1');
    expect(parallel.code).toBe(serial.code);
    expect(parallel.stdout).toBe(serial.stdout);
  });
});

describe('a project of several roots, in-process', () => {
  let dir: string;
  beforeAll(() => {
    expect(existsSync(join(root, 'dist', 'src', 'parallel', 'worker.js')), 'run `npm run build` first').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'godwit-parallel-'));
    mkdirSync(join(dir, '.git'));
    // three golang-migrate roots, each with history, findings, a syntax error and a note-worthy file
    for (const [name, n] of [['billing', 6], ['accounts', 4], ['search', 3]] as const) {
      const d = join(dir, name, 'migrations');
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, '000001_create.up.sql'), `CREATE TABLE ${name} (id bigint PRIMARY KEY, email text, total int);\n`);
      for (let i = 2; i <= n; i++) {
        const body = [
          `CREATE INDEX ${name}_${i}_idx ON ${name} (email);`,
          `ALTER TABLE ${name} ADD COLUMN c${i} int NOT NULL;`,
          i % 2 ? `ALTER TABLE ${name} RENAME COLUMN total TO total_${i};` : 'SELEC 1;',
          `UPDATE ${name} SET email = lower(email);`,
        ].join('\n');
        writeFileSync(join(d, `00000${i}_change.up.sql`), body + '\n');
        writeFileSync(join(d, `00000${i}_change.down.sql`), `DROP INDEX ${name}_${i}_idx;\n`);
      }
    }
    writeFileSync(join(dir, 'loose.sql'), 'DROP TABLE billing;\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same results, in the same order, as one thread', async () => {
    const { lintProject } = (await import(pathToFileURL(join(root, 'dist', 'src', 'project.js')).href)) as typeof import('../src/project.js');
    const pool = (await import(pathToFileURL(join(root, 'dist', 'src', 'parallel', 'pool.js')).href)) as typeof import('../src/parallel/pool.js');
    const opts = { cwd: dir, overrides: {} };
    // (loose.sql sits beside the migration folders: not a migration, linted only when named)
    const paths = [dir, join(dir, 'loose.sql')];
    const serial = await lintProject(paths, { ...opts, workers: 0 });
    const before = pool.workersStarted;
    const parallel = await lintProject(paths, { ...opts, workers: 2 });
    expect(pool.workersStarted - before).toBe(2); // three roots: this thread and two workers
    expect(serial.results.length).toBe(14); // 13 up migrations and the loose file
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(serial));
  });

  it('reports an invalid config from this thread, as a single-threaded run does', async () => {
    const { lintProject } = (await import(pathToFileURL(join(root, 'dist', 'src', 'project.js')).href)) as typeof import('../src/project.js');
    writeFileSync(join(dir, 'search', 'godwit.config.json'), '{ "pgVersion": "fifteen" }');
    try {
      const serial = await lintProject([dir], { cwd: dir, overrides: {}, workers: 0 }).catch((e: Error) => e.message);
      const parallel = await lintProject([dir], { cwd: dir, overrides: {}, workers: 2 }).catch((e: Error) => e.message);
      expect(typeof serial).toBe('string');
      expect(parallel).toBe(serial);
    } finally {
      rmSync(join(dir, 'search', 'godwit.config.json'));
    }
  });
});

describe('scheduling', () => {
  const unit = (name: string, sizes: number[]): RootUnit => {
    const files = sizes.map((_, i) => ({ path: `/nonexistent/${name}/${i}.sql`, version: String(i), kind: 'up' as const, transaction: 'none' as const, txReason: '', exclude: [] }));
    const root: MigrationRoot = { dir: `/nonexistent/${name}`, runner: 'plain', detectedBy: 'test', files, skipped: [], notes: [] };
    return { root, wanted: files.map((f) => f.path) };
  };
  // unitCost stats the files; for these units, give the sizes directly through a real directory
  let dir: string;
  const real = (name: string, sizes: number[]): RootUnit => {
    const u = unit(name, sizes);
    mkdirSync(join(dir, name), { recursive: true });
    u.root.files.forEach((f, i) => {
      f.path = join(dir, name, `${i}.sql`);
      writeFileSync(f.path, 'x'.repeat(sizes[i]));
    });
    u.root.dir = join(dir, name);
    u.wanted = u.root.files.map((f) => f.path);
    return u;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'godwit-schedule-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('costs a root by the bytes up to its last linted file', () => {
    const u = real('cost', [100, 200, 300]);
    expect(unitCost(u)).toBe(600);
    const v = real('cost2', [100, 200, 300]);
    v.wanted = [v.root.files[1].path];
    expect(unitCost(v)).toBe(300);
  });

  it('starts no worker on 2 cores, for small runs, or for one root', () => {
    const big = [real('a', [AUTO_MIN_BYTES]), real('b', [AUTO_MIN_BYTES])];
    expect(autoWorkers(big, 2)).toBe(0);
    expect(autoWorkers(big, MIN_CORES)).toBe(1);
    expect(autoWorkers([real('c', [AUTO_MIN_BYTES * 2])], 16)).toBe(0);
    expect(autoWorkers([real('d', [1000]), real('e', [1000])], 16)).toBe(0);
  });

  it('shares roots biggest first to the least loaded thread, each thread in root order', () => {
    const units = [real('s1', [10]), real('s2', [500_000]), real('s3', [400_000]), real('s4', [300_000]), real('s5', [20])];
    const bins = assign(units, 2);
    expect(bins.flat().sort()).toEqual([0, 1, 2, 3, 4]);
    for (const b of bins) expect([...b].sort((x, y) => x - y)).toEqual(b);
    const load = bins.map((b) => b.reduce((n, i) => n + unitCost(units[i]), 0));
    expect(Math.max(...load) - Math.min(...load)).toBeLessThan(500_000);
  });
});
