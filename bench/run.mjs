#!/usr/bin/env node
/**
 * `npm run bench`: godwit against squawk (the Rust reference linter) and pgfence (a TypeScript
 * peer) on the PostgreSQL migrations of the shared corpus, a one-file run (the pre-commit
 * case) and one migration with its history, cold and with a warm `--cache`; godwit alone on
 * the corpus's MySQL migrations and on JS/TS (and Python) migrations; godwit's start-up; and
 * the ESLint plugin on the corpus next to `godwit lint` on the same files. Runs are interleaved
 * (godwit, squawk, pgfence, godwit, …) so a noisy neighbour slows every tool alike; the table
 * shows the median wall time (min–max) and the median peak RSS of each case.
 *
 *   node bench/run.mjs [--runs 7] [--json out.json] [--no-eslint] [--only <case>]
 *   GODWIT_CORPUS=/path/to/corpus GODWIT_CORPUS_ORM=/path/to/corpus-orm
 *
 * Fair comparison (bench/README.md): every tool lints the same files, with its default rules,
 * printing JSON to a pipe that is discarded. godwit reads them as PostgreSQL
 * (`--dialect postgresql`), as squawk and pgfence do. squawk and pgfence run as `npx` runs
 * them (their npm bin scripts); squawk's native binary alone is shown too. pgfence stops a
 * whole run at the first file it cannot parse, so it gets the corpus files less the six it
 * rejects (SQLite-only files of synapse): fewer files than the others. `--cache (warm)` is a
 * repeated run over unchanged migrations (the cache filled by the uncounted warm-up run). Peak
 * RSS comes from GNU time (`/usr/bin/time -f %M`: the largest process of the tree); without
 * it, from polling /proc/<pid>/status (VmHWM).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const RUNS = Number(option('--runs', process.env.BENCH_RUNS ?? 7));
const only = option('--only', undefined);
const jsonOut = option('--json', undefined);
const corpus = resolve(process.env.GODWIT_CORPUS ?? join(root, '..', 'shared', 'corpus'));
const corpusOrm = resolve(process.env.GODWIT_CORPUS_ORM ?? join(root, '..', 'shared', 'corpus-orm'));
const FOLDERS = ['LemmyNet+lemmy', 'element-hq+synapse', 'ory+kratos', 'supabase+storage', 'goharbor+harbor'];

// the package's bin (bin.cjs: a recorded --cache run replayed without the ES module loader, any other run bin.js's)
const godwitBin = join(root, 'dist', 'src', 'cli', 'bin.cjs');
const squawkWrapper = join(root, 'node_modules', '.bin', 'squawk');
const pgfenceBin = join(root, 'node_modules', '.bin', 'pgfence');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
if (!existsSync(godwitBin)) fail('dist/ is missing: run `npm run build` first');
if (!existsSync(squawkWrapper)) fail('node_modules/.bin/squawk is missing: run `npm install`');
for (const f of FOLDERS) if (!existsSync(join(corpus, f))) fail(`corpus folder missing: ${join(corpus, f)} (set GODWIT_CORPUS)`);
const havePgfence = existsSync(pgfenceBin);
const squawkNative = nativeSquawk();
const gnuTime = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p) && spawnSync(p, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0);

// ---------------------------------------------------------------- inputs
const work = mkdtempSync(join(tmpdir(), 'godwit-bench-'));
const folders = FOLDERS.map((f) => join(corpus, f));
const PG = ['--dialect', 'postgresql'];
const lintJson = (paths, extra = []) => {
  const r = spawnSync(process.execPath, [godwitBin, 'lint', ...paths, '-f', 'json', ...extra], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) fail(`godwit failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
};
const corpusResults = lintJson(folders, PG);
const corpusFiles = corpusResults.map((r) => r.filePath);
const corpusBytes = corpusFiles.reduce((n, f) => n + readFileSync(f).length, 0);
// pgfence aborts its whole run on a file it cannot parse: those files are left out of its list
const pgfenceFiles = havePgfence ? corpusFiles.filter((f) => corpusResults.find((r) => r.filePath === f).messages.every((m) => m.ruleId !== 'syntax-error')) : [];
const pgfenceRejects = havePgfence ? pgfenceRejected(pgfenceFiles) : [];
const pgfenceList = pgfenceFiles.filter((f) => !pgfenceRejects.includes(f));

// the MySQL migrations of the corpus (kratos' pop `*.mysql.up.sql`, openfga's mysql folder), as godwit finds them
const mysqlSources = [join(corpus, 'ory+kratos'), join(corpus, 'openfga+openfga')].filter(existsSync);
const mysqlFiles = lintJson(mysqlSources)
  .map((r) => r.filePath)
  .filter((f) => f.includes('.mysql.') || f.includes('/mysql/'));
// JS/TS (and Python) migrations: Sequelize (outline), Kysely (atproto), Alembic and Django
const jsFolders = [join(corpus, 'outline+outline'), ...(existsSync(corpusOrm) ? readdirSync(corpusOrm, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(corpusOrm, d.name)) : [])].filter(existsSync);
const jsResults = jsFolders.length ? lintJson(jsFolders) : [];
const jsKinds = countBy(jsResults.map((r) => r.filePath.split('.').at(-1)));

// the pre-commit case: one new migration in a project of its own (a repository root)
const project = join(work, 'project');
mkdirSync(join(project, '.git'), { recursive: true });
mkdirSync(join(project, 'db', 'migrations'), { recursive: true });
const oneFile = join(project, 'db', 'migrations', '0001_add_users_email_index.sql');
writeFileSync(oneFile, '-- look users up by email\nCREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD COLUMN nickname text;\n');
// one file of a migration root, linted with the root's history (39 golang-migrate files)
const harborDir = join(corpus, 'goharbor+harbor', 'make', 'migrations', 'postgresql');
const harborFiles = corpusFiles.filter((f) => f.startsWith(harborDir)).sort();
const harborLast = harborFiles.at(-1);

// ESLint: the eslint command with godwit/eslint's configs.recommended; the godwit config it
// points to reads the files as PostgreSQL, as the godwit rows do
const eslintDir = join(work, 'eslint');
mkdirSync(eslintDir);
writeFileSync(join(eslintDir, 'godwit.config.json'), JSON.stringify({ dialect: 'postgresql' }));
writeFileSync(
  join(eslintDir, 'eslint.config.mjs'),
  `import godwit from ${JSON.stringify(pathToFileURL(join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports['./eslint'].default)).href)};\n` +
    `export default [...godwit.configs.recommended, { settings: { godwit: { configFile: ${JSON.stringify(join(eslintDir, 'godwit.config.json'))} } } }];\n`,
);

// ---------------------------------------------------------------- cases
const godwit = (paths, extra = []) => [process.execPath, godwitBin, 'lint', ...paths, '-f', 'json', ...extra];
const squawk = (files) => [squawkWrapper, ...files, '--reporter', 'json'];
const pgfence = (files) => [pgfenceBin, 'analyze', '--output', 'json', ...files];
// `--cache` with a warm cache (the uncounted warm-up run fills it): what a repeated run costs,
// e.g. a pre-commit hook or CI with a restored cache, when the migrations are unchanged
const cached = (paths, name, extra = []) => [...godwit(paths, extra), '--cache', '--cache-location', join(work, `${name}.godwitcache`)];
const eslint = (files) => [process.execPath, eslintBin, '-c', join(eslintDir, 'eslint.config.mjs'), '-f', 'json', ...files];
const peers = (files, pgfenceOnes = files) => ({
  squawk: squawk(files),
  ...(squawkNative ? { 'squawk (native binary)': [squawkNative, ...files, '--reporter', 'json'] } : {}),
  ...(havePgfence ? { pgfence: pgfence(pgfenceOnes) } : {}),
});
const cases = [
  {
    id: 'corpus',
    name: `corpus (PostgreSQL): ${FOLDERS.length} projects, ${corpusFiles.length} files, ${(corpusBytes / 1e6).toFixed(1)} MB${havePgfence ? ` (pgfence: ${pgfenceList.length}, see bench/README.md)` : ''}`,
    tools: { godwit: godwit(folders, PG), 'godwit --cache (warm)': cached(folders, 'corpus', PG), ...peers(corpusFiles, pgfenceList) },
  },
  {
    id: 'one',
    name: 'one small migration (pre-commit): 3 statements',
    tools: { godwit: godwit([oneFile]), 'godwit --cache (warm)': cached([oneFile], 'one'), ...peers([oneFile]) },
  },
  {
    id: 'history',
    name: `one migration with its history: harbor ${harborLast ? harborLast.split('/').at(-1) : '(missing)'} (38 earlier files replayed)`,
    tools: harborLast ? { godwit: godwit([harborLast]), 'godwit --cache (warm)': cached([harborLast], 'harbor'), ...peers([harborLast]) } : {},
  },
  {
    // a pre-commit hook names other files each run: the warm-up names every harbor migration
    // once (with --cache), then each run names one of them (the --cache file records answer it)
    id: 'precommit',
    name: 'pre-commit, another file each run: one harbor migration named (all were named once before)',
    tools: harborFiles.length
      ? {
          'godwit --cache (warm)': (i) => cached(i < 0 ? harborFiles : [harborFiles[i % harborFiles.length]], 'precommit'),
          squawk: (i) => squawk([harborFiles[Math.max(i, 0) % harborFiles.length]]),
          ...(squawkNative ? { 'squawk (native binary)': (i) => [squawkNative, harborFiles[Math.max(i, 0) % harborFiles.length], '--reporter', 'json'] } : {}),
        }
      : {},
  },
  {
    id: 'mysql',
    name: `MySQL migrations (kratos, openfga): ${mysqlFiles.length} files`,
    tools: mysqlFiles.length ? { godwit: godwit(mysqlFiles), 'godwit --cache (warm)': cached(mysqlFiles, 'mysql') } : {},
  },
  {
    id: 'js',
    name: `JS/TS/Python migrations (outline, ${jsFolders.length - 1} corpus-orm projects): ${jsResults.length} files (${Object.entries(jsKinds).map(([k, n]) => `${n} .${k}`).join(', ')})`,
    tools: jsResults.length ? { godwit: godwit(jsFolders), 'godwit --cache (warm)': cached(jsFolders, 'js') } : {},
  },
  {
    id: 'startup',
    name: 'startup: godwit --version',
    tools: { godwit: [process.execPath, godwitBin, '--version'] },
  },
];
if (!flag('--no-eslint')) {
  cases.push({
    id: 'eslint',
    name: `ESLint (\`eslint\` with \`godwit/eslint\` configs.recommended) vs \`godwit lint\`, corpus: ${corpusFiles.length} files`,
    tools: { 'godwit lint': godwit(folders, PG), eslint: eslint(corpusFiles) },
    cwd: corpus,
    relativeTo: 'godwit lint',
  });
  cases.push({
    id: 'eslint-one',
    name: 'ESLint vs `godwit lint`, one small migration',
    tools: { 'godwit lint': godwit([oneFile]), eslint: eslint([oneFile]) },
    cwd: project,
    relativeTo: 'godwit lint',
  });
}
const eslintSame = flag('--no-eslint') || (only && only !== 'eslint') ? undefined : sameFindings();

// ---------------------------------------------------------------- run
const results = [];
const loadBefore = loadavg()[0];
for (const c of cases) {
  if (only && c.id !== only) continue;
  const names = Object.keys(c.tools);
  if (names.length === 0) continue;
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  // (a tool given as a function of the run's number names other files each run; -1: the warm-up)
  const argvOf = (tool, i) => (typeof tool === 'function' ? tool(i) : tool);
  for (const n of names) await measure(argvOf(c.tools[n], -1), c.cwd); // warm the page cache, fill the caches (not counted)
  for (let i = 0; i < RUNS; i++) for (const n of names) samples[n].push(await measure(argvOf(c.tools[n], i), c.cwd));
  results.push({ id: c.id, name: c.name, samples, relativeTo: c.relativeTo });
  process.stderr.write(`${c.name}: done\n`);
}
rmSync(work, { recursive: true, force: true });

// ---------------------------------------------------------------- report
const machine = machineInfo();
const lines = [];
lines.push(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGb} GB; Node ${process.version}; godwit ${machine.godwit}; squawk ${machine.squawk}; pgfence ${machine.pgfence}. ` +
    `${RUNS} runs per tool, interleaved; median wall time (min–max), median CPU time (user+sys, the process tree), median peak RSS; ratios: wall / CPU. Load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after.`,
);
lines.push('');
lines.push('| case | tool | wall time | CPU time | peak RSS | vs squawk (npm) | vs pgfence |');
lines.push('|---|---|---:|---:|---:|---:|---:|');
for (const r of results) {
  const med = (tool, k) => {
    const v = (r.samples[tool] ?? []).map((s) => s[k]).filter((x) => x !== undefined);
    return v.length ? median(v) : undefined;
  };
  for (const [tool, s] of Object.entries(r.samples)) {
    const walls = s.map((x) => x.wall);
    const rss = s.map((x) => x.rss).filter((x) => x !== undefined);
    const m = median(walls);
    const c = med(tool, 'cpu');
    // wall-time ratio / CPU-time ratio
    const ratio = (other) => `${(m / med(other, 'wall')).toFixed(2)}× / ${c !== undefined && med(other, 'cpu') ? `${(c / med(other, 'cpu')).toFixed(2)}×` : 'n/a'}`;
    const vs = (other) => (r.samples[other] && tool !== 'squawk' && tool !== 'pgfence' && !tool.startsWith('squawk') ? ratio(other) : '');
    const first = r.relativeTo ? (tool === r.relativeTo ? '' : `${ratio(r.relativeTo)} \`${r.relativeTo}\``) : vs('squawk');
    lines.push(`| ${r.name} | ${tool} | ${fmtTime(m)} (${fmtTime(Math.min(...walls))}–${fmtTime(Math.max(...walls))}) | ${c !== undefined ? fmtTime(c) : 'n/a'} | ${rss.length ? `${Math.round(median(rss) / 1024)} MB` : 'n/a'} | ${first} | ${r.relativeTo ? '' : vs('pgfence')} |`);
  }
}
if (eslintSame !== undefined) lines.push('', `ESLint and \`godwit lint\` on the corpus: ${eslintSame}.`);
const table = lines.join('\n');
process.stdout.write(table + '\n');
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine, runs: RUNS, results, eslintSame }, null, 2));

// ---------------------------------------------------------------- helpers
function measure(argv, cwd) {
  return new Promise((resolvePromise, reject) => {
    const cmd = gnuTime ? [gnuTime, '-f', '%M %U %S', ...argv] : argv;
    const start = process.hrtime.bigint();
    const child = spawn(cmd[0], cmd.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let hwm;
    child.stderr.on('data', (d) => (stderr += d));
    const poll = gnuTime ? undefined : setInterval(() => (hwm = vmHwm(child.pid) ?? hwm), 5);
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - start) / 1e6;
      if (poll) clearInterval(poll);
      const exit = gnuTime ? Number(/Command exited with non-zero status (\d+)/.exec(stderr)?.[1] ?? code) : code;
      if (exit !== 0 && exit !== 1) return reject(new Error(`${argv.join(' ').slice(0, 300)} exited ${exit}:\n${stderr}`));
      // GNU time: peak RSS (kB), user and system CPU seconds of the tree (the children it waited for)
      const [kb, user, sys] = gnuTime ? stderr.trim().split('\n').at(-1).split(' ').map(Number) : [hwm];
      const cpu = (user + sys) * 1000;
      resolvePromise({ wall, rss: Number.isFinite(kb) ? kb : undefined, cpu: Number.isFinite(cpu) ? cpu : undefined });
    });
  });
}

/** The same findings (file, rule, position, message) from the eslint command and `godwit lint`, on the corpus. */
function sameFindings() {
  const key = (file, m) => `${file}:${m.line}:${m.column}:${m.endLine}:${m.endColumn} ${String(m.ruleId).replace(/^godwit\//, '')} ${m.message}`;
  const r = spawnSync(eslint(corpusFiles)[0], eslint(corpusFiles).slice(1), { cwd: corpus, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0 && r.status !== 1) return `eslint failed (exit ${r.status}): ${r.stderr.slice(0, 300)}`;
  const fromEslint = JSON.parse(r.stdout).flatMap((x) => x.messages.map((m) => key(x.filePath, m))).sort();
  const fromGodwit = corpusResults.flatMap((x) => x.messages.map((m) => key(x.filePath, m))).sort();
  const same = fromEslint.length === fromGodwit.length && fromEslint.every((k, i) => k === fromGodwit[i]);
  return same ? `the same ${fromGodwit.length} findings` : `DIFFERENT findings (eslint ${fromEslint.length}, godwit ${fromGodwit.length})`;
}

/** Files pgfence refuses (its run stops at the first): found by running it on each suspect alone. */
function pgfenceRejected(files) {
  const r = spawnSync(pgfenceBin, ['analyze', '--output', 'json', ...files], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 2) return [];
  // bisect: the files whose lone run fails
  const bad = [];
  const search = (list) => {
    const run = spawnSync(pgfenceBin, ['analyze', '--output', 'json', ...list], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (run.status !== 2) return;
    if (list.length === 1) return void bad.push(list[0]);
    const half = list.length >> 1;
    search(list.slice(0, half));
    search(list.slice(half));
  };
  search(files);
  return bad;
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

function countBy(xs) {
  const out = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
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
  const pgf = havePgfence ? JSON.parse(readFileSync(join(root, 'node_modules', '@flvmnt', 'pgfence', 'package.json'), 'utf8')).version : 'not installed';
  return { cpu, cores: availableParallelism(), memGb: Math.round(Number(readMem()) / 2 ** 30), node: process.version, godwit: pkg.version, squawk: sq, pgfence: pgf };
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
