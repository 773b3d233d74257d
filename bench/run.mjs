#!/usr/bin/env node
/**
 * `npm run bench`: godwit against squawk (the Rust reference linter) on the SQL migrations of
 * the shared corpus, a one-file run (the pre-commit case), and the ESLint plugin. Runs are
 * interleaved (godwit, squawk, godwit, squawk, …) so a noisy neighbour slows both alike;
 * the table shows the median wall time (min–max) and the median peak RSS of each case.
 *
 *   node bench/run.mjs [--runs 7] [--json out.json] [--no-eslint]
 *   GODWIT_CORPUS=/path/to/corpus  (default: ../shared/corpus beside the repository)
 *
 * Fair comparison: both tools lint the same files (the ones `godwit lint <folders>` lints:
 * up migrations, not down files), with their default rules, printing JSON to a pipe that is
 * discarded (`godwit -f json`, `squawk --reporter json`). squawk runs as `npx squawk` does:
 * through its npm wrapper (a Node script that spawns the native binary); the native binary
 * alone is shown too. `godwit --cache (warm)` is a repeated run over unchanged migrations
 * (the cache filled by the uncounted warm-up run). Peak RSS comes from GNU time (`/usr/bin/time -f %M`), which reports the
 * largest process of the tree; without it, from polling /proc/<pid>/status (VmHWM).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const RUNS = Number(option('--runs', process.env.BENCH_RUNS ?? 7));
const jsonOut = option('--json', undefined);
const corpus = resolve(process.env.GODWIT_CORPUS ?? join(root, '..', 'shared', 'corpus'));
const FOLDERS = ['LemmyNet+lemmy', 'element-hq+synapse', 'ory+kratos', 'supabase+storage', 'goharbor+harbor'];

const godwitBin = join(root, 'dist', 'src', 'cli', 'bin.js');
const squawkWrapper = join(root, 'node_modules', '.bin', 'squawk');
if (!existsSync(godwitBin)) fail('dist/ is missing: run `npm run build` first');
if (!existsSync(squawkWrapper)) fail('node_modules/.bin/squawk is missing: run `npm install`');
for (const f of FOLDERS) if (!existsSync(join(corpus, f))) fail(`corpus folder missing: ${join(corpus, f)} (set GODWIT_CORPUS)`);
const squawkNative = nativeSquawk();
const gnuTime = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p) && spawnSync(p, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0);

// ---------------------------------------------------------------- inputs
const folders = FOLDERS.map((f) => join(corpus, f));
const probe = spawnSync(process.execPath, [godwitBin, 'lint', ...folders, '-f', 'json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
if (probe.status !== 0 && probe.status !== 1) fail(`godwit failed on the corpus (exit ${probe.status}):\n${probe.stderr}`);
const corpusFiles = JSON.parse(probe.stdout).map((r) => r.filePath);
const corpusBytes = corpusFiles.reduce((n, f) => n + readFileSync(f).length, 0);

const work = mkdtempSync(join(tmpdir(), 'godwit-bench-'));
const listFile = join(work, 'files.txt');
writeFileSync(listFile, corpusFiles.join('\n'));
// the pre-commit case: one new migration in a project of its own (a repository root)
const project = join(work, 'project');
mkdirSync(join(project, '.git'), { recursive: true });
mkdirSync(join(project, 'db', 'migrations'), { recursive: true });
const oneFile = join(project, 'db', 'migrations', '0001_add_users_email_index.sql');
writeFileSync(
  oneFile,
  '-- look users up by email\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN nickname text;\n',
);
// one file of a migration root, linted with the root's history (39 golang-migrate files)
const harborDir = join(corpus, 'goharbor+harbor', 'make', 'migrations', 'postgresql');
const harborLast = corpusFiles.filter((f) => f.startsWith(harborDir)).sort().at(-1);

// ---------------------------------------------------------------- cases
const godwit = (paths) => [process.execPath, godwitBin, 'lint', ...paths, '-f', 'json'];
const squawk = (files) => [squawkWrapper, ...files, '--reporter', 'json'];
// `--cache` with a warm cache (the uncounted warm-up run fills it): what a repeated run costs,
// e.g. a pre-commit hook or CI with a restored cache, when the migrations are unchanged
const cached = (paths, name) => [...godwit(paths), '--cache', '--cache-location', join(work, `${name}.godwitcache`)];
const cases = [
  {
    name: `corpus: ${FOLDERS.length} projects, ${corpusFiles.length} files, ${(corpusBytes / 1e6).toFixed(1)} MB`,
    tools: { godwit: godwit(folders), 'godwit --cache (warm)': cached(folders, 'corpus'), squawk: squawk(corpusFiles), ...(squawkNative ? { 'squawk (native binary)': [squawkNative, ...corpusFiles, '--reporter', 'json'] } : {}) },
  },
  {
    name: 'one small migration (pre-commit): 3 statements',
    tools: { godwit: godwit([oneFile]), squawk: squawk([oneFile]) },
  },
  {
    name: `one migration with its history: harbor ${harborLast ? harborLast.split('/').at(-1) : '(missing)'} (38 earlier files replayed)`,
    tools: harborLast ? { godwit: godwit([harborLast]), 'godwit --cache (warm)': cached([harborLast], 'harbor'), squawk: squawk([harborLast]) } : {},
  },
  {
    name: 'startup: godwit --version',
    tools: { godwit: [process.execPath, godwitBin, '--version'] },
  },
];
if (!flag('--no-eslint')) {
  cases.push({
    name: `ESLint (\`godwit/eslint\` configs.recommended), corpus: ${corpusFiles.length} files`,
    tools: { eslint: [process.execPath, join(root, 'bench', 'eslint-run.mjs'), corpus, listFile] },
  });
  cases.push({
    name: 'ESLint (`godwit/eslint` configs.recommended), one small migration',
    tools: { eslint: [process.execPath, join(root, 'bench', 'eslint-run.mjs'), project, writeList(join(work, 'one.txt'), [oneFile])] },
  });
}

// ---------------------------------------------------------------- run
const results = [];
for (const c of cases) {
  const names = Object.keys(c.tools);
  if (names.length === 0) continue;
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await measure(c.tools[n]); // warm the page cache (not counted)
  for (let i = 0; i < RUNS; i++) for (const n of names) samples[n].push(await measure(c.tools[n]));
  results.push({ name: c.name, samples });
  process.stderr.write(`${c.name}: done\n`);
}
rmSync(work, { recursive: true, force: true });

// ---------------------------------------------------------------- report
const machine = machineInfo();
const lines = [];
lines.push(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GB; Node ${process.version}; godwit ${machine.godwit}; squawk ${machine.squawk}. ${RUNS} runs per tool, interleaved; median wall time (min–max), median peak RSS.`);
lines.push('');
lines.push('| case | tool | wall time | peak RSS | vs squawk |');
lines.push('|---|---|---:|---:|---:|');
for (const r of results) {
  const squawkMedian = r.samples.squawk ? median(r.samples.squawk.map((s) => s.wall)) : undefined;
  for (const [tool, s] of Object.entries(r.samples)) {
    const walls = s.map((x) => x.wall);
    const rss = s.map((x) => x.rss).filter((x) => x !== undefined);
    const m = median(walls);
    const ratio = tool.startsWith('godwit') && squawkMedian ? `${(m / squawkMedian).toFixed(2)}×` : '';
    lines.push(`| ${r.name} | ${tool} | ${fmtTime(m)} (${fmtTime(Math.min(...walls))}–${fmtTime(Math.max(...walls))}) | ${rss.length ? `${Math.round(median(rss) / 1024)} MB` : 'n/a'} | ${ratio} |`);
  }
}
const table = lines.join('\n');
process.stdout.write(table + '\n');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine, runs: RUNS, results }, null, 2));

// ---------------------------------------------------------------- helpers
function measure(argv) {
  return new Promise((resolvePromise, reject) => {
    const cmd = gnuTime ? [gnuTime, '-f', '%M', ...argv] : argv;
    const start = process.hrtime.bigint();
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let hwm;
    child.stderr.on('data', (d) => (stderr += d));
    const poll = gnuTime ? undefined : setInterval(() => (hwm = vmHwm(child.pid) ?? hwm), 5);
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - start) / 1e6;
      if (poll) clearInterval(poll);
      if (code !== 0 && code !== 1) return reject(new Error(`${argv.join(' ')} exited ${code}:\n${stderr}`));
      const rss = gnuTime ? Number(stderr.trim().split('\n').at(-1)) : hwm;
      resolvePromise({ wall, rss: Number.isFinite(rss) ? rss : undefined });
    });
  });
}

/** Peak RSS so far (kB) of a running process, from /proc (Linux); undefined elsewhere. */
function vmHwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function nativeSquawk() {
  try {
    const index = join(root, 'node_modules', 'squawk-cli', 'js', 'index.js');
    const r = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(index)}).getBinaryPath())`], { encoding: 'utf8' });
    return r.status === 0 && existsSync(r.stdout) ? r.stdout : undefined;
  } catch {
    return undefined;
  }
}

function writeList(path, files) {
  writeFileSync(path, files.join('\n'));
  return path;
}

function machineInfo() {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux
  }
  const sq = spawnSync(squawkWrapper, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^squawk\s*/, '');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return { cpu, cores: availableParallelism(), memGb: Math.round(Number(readMem()) / 2 ** 30), node: process.version, godwit: pkg.version, squawk: sq };
}

function readMem() {
  try {
    const m = /MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function fmtTime(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
