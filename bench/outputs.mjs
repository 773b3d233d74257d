#!/usr/bin/env node
/**
 * Output before/after a change: runs the built CLI (dist/) and the ESLint plugin on the shared
 * corpora and writes each output to a folder; with `--compare <folder>`, says which outputs
 * differ from an earlier run's, byte for byte (exit 1 when any does).
 *
 *   node bench/outputs.mjs --out /tmp/before            # on the old build
 *   node bench/outputs.mjs --out /tmp/after --compare /tmp/before
 *   node bench/outputs.mjs --out /tmp/after --only corpus-json   # some cases only (repeatable)
 *
 * Every performance change of issue 16 was checked with it (bench/README.md). The cases cover
 * what a speed change can break: the SQL corpus in JSON (auto dialect: PostgreSQL and MySQL
 * files; --dialect postgresql; --preset all), stylish, the JS/TS and Python migrations, a run
 * with a cold and a warm `--cache` (both must equal the uncached run), explicit file lists (the
 * pre-commit shape), and the ESLint plugin's messages on the corpus.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const only = args.flatMap((a, i) => (args[i - 1] === '--only' ? [a] : []));
const out = resolve(option('--out') ?? fail('--out <folder> is required'));
const compare = option('--compare');
const shared = resolve(process.env.GODWIT_SHARED ?? join(root, '..', 'shared'));
const corpus = join(shared, 'corpus');
const orm = join(shared, 'corpus-orm');
const bin = join(root, 'dist', 'src', 'cli', 'bin.cjs'); // (the package's bin)
if (!existsSync(bin)) fail('dist/ is missing: run `npm run build` first');
if (!existsSync(corpus)) fail(`no corpus at ${corpus}`);

const SQL = ['LemmyNet+lemmy', 'element-hq+synapse', 'ory+kratos', 'supabase+storage', 'goharbor+harbor', 'openfga+openfga'].map((f) => join(corpus, f));
const JS = [join(corpus, 'outline+outline'), ...['bluesky-social+atproto', 'CTFd+CTFd', 'getredash+redash', 'healthchecks+healthchecks'].map((f) => join(orm, f))].filter(existsSync);
const work = mkdtempSync(join(tmpdir(), 'godwit-outputs-'));
const lemmy = join(corpus, 'LemmyNet+lemmy', 'migrations');
const harbor = join(corpus, 'goharbor+harbor', 'make', 'migrations', 'postgresql');

const cases = {
  'corpus-json': ['lint', ...SQL, '-f', 'json'],
  'corpus-pg-json': ['lint', ...SQL, '-f', 'json', '--dialect', 'postgresql'],
  'corpus-all-json': ['lint', ...SQL, '-f', 'json', '--preset', 'all'],
  'corpus-stylish': ['lint', ...SQL, '-f', 'stylish', '--no-color'],
  'js-python-json': ['lint', ...JS, '-f', 'json'],
  'js-python-stylish': ['lint', ...JS, '-f', 'stylish', '--no-color'],
  // the pre-commit shape: files named one by one (each with its root's history)
  'files-json': ['lint', ...lastOf(lemmy, 40, (n) => join(n, 'up.sql')), ...lastOf(harbor, 5), '-f', 'json'],
  // --cache: a cold then a warm run must both print what the uncached run prints
  'cache-cold-json': ['lint', ...SQL, ...JS, '-f', 'json', '--cache', '--cache-location', join(work, 'c1')],
  'cache-warm-json': ['lint', ...SQL, ...JS, '-f', 'json', '--cache', '--cache-location', join(work, 'c1')],
  'nocache-json': ['lint', ...SQL, ...JS, '-f', 'json'],
  // --cache's file records: files named by an earlier run are answered without the linter (run-record.ts)
  'files-cache-cold-json': ['lint', ...lastOf(harbor, 5), '-f', 'json', '--cache', '--cache-location', join(work, 'c2')],
  'files-answered-json': ['lint', ...lastOf(harbor, 5).slice(1, 3).reverse(), '-f', 'json', '--cache', '--cache-location', join(work, 'c2')],
  'files-nocache-json': ['lint', ...lastOf(harbor, 5).slice(1, 3).reverse(), '-f', 'json'],
};

mkdirSync(out, { recursive: true });
const written = [];
for (const [name, argv] of Object.entries(cases)) {
  if (only.length && !only.includes(name)) continue;
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0 && r.status !== 1) fail(`${name}: exit ${r.status}\n${r.stderr}`);
  writeFileSync(join(out, `${name}.out`), `exit ${r.status}\n--- stderr\n${r.stderr}--- stdout\n${r.stdout}`);
  written.push(name);
  process.stderr.write(`${name}: written\n`);
}
if (!only.length || only.includes('eslint')) {
  // the ESLint plugin's messages on the SQL corpus (configs.recommended), one line per message
  const list = join(work, 'eslint-files.txt');
  const json = JSON.parse(readFileSync(join(out, 'corpus-json.out'), 'utf8').split('--- stdout\n')[1]);
  writeFileSync(list, json.map((r) => r.filePath).join('\n'));
  const r = spawnSync(process.execPath, [join(root, 'bench', 'eslint-run.mjs'), corpus, list, '--messages'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) fail(`eslint: exit ${r.status}\n${r.stderr}`);
  writeFileSync(join(out, 'eslint.out'), r.stdout);
  written.push('eslint');
  process.stderr.write('eslint: written\n');
}
// the cached runs are the uncached one
const same = (a, b) => existsSync(join(out, a)) && existsSync(join(out, b)) && readFileSync(join(out, a), 'utf8') === readFileSync(join(out, b), 'utf8');
let failed = false;
for (const [c, plain] of [['cache-cold-json.out', 'nocache-json.out'], ['cache-warm-json.out', 'nocache-json.out'], ['files-answered-json.out', 'files-nocache-json.out']]) {
  if (existsSync(join(out, c)) && existsSync(join(out, plain)) && !same(c, plain)) {
    process.stderr.write(`DIFFERENT: ${c} is not the uncached run's output\n`);
    failed = true;
  }
}
rmSync(work, { recursive: true, force: true });

if (compare) {
  for (const name of written) {
    const a = join(resolve(compare), `${name}.out`);
    if (!existsSync(a)) {
      process.stderr.write(`${name}: not in ${compare}\n`);
      continue;
    }
    const identical = readFileSync(a).equals(readFileSync(join(out, `${name}.out`)));
    process.stderr.write(`${identical ? 'identical' : 'DIFFERENT'}: ${name}\n`);
    if (!identical) failed = true;
  }
}
process.exit(failed ? 1 : 0);

/** The last `n` migrations of a folder (sorted by name), as `pick(path)` (a file inside, for nested layouts). */
function lastOf(dir, n, pick = (p) => p) {
  if (!existsSync(dir)) return [];
  return readdirNames(dir)
    .filter((x) => !x.startsWith('.') && !x.endsWith('.down.sql'))
    .sort()
    .slice(-n)
    .map((x) => pick(join(dir, x)));
}

function readdirNames(dir) {
  return readdirSync(dir);
}

function fail(message) {
  process.stderr.write(`outputs: ${message}\n`);
  process.exit(2);
}
