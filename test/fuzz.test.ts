/**
 * Property/fuzz tests: nothing a user feeds godwit may crash it or make it hang.
 *
 * Seeds are the SQL files of the shared corpus (../shared/corpus, when present) and the
 * repository's fixtures. Each input is one to three mutations of a seed — tokens dropped,
 * duplicated or swapped, the file cut at a random byte, random bytes, invalid UTF-8, bit
 * flips, two files spliced, a slice repeated, an expression nested thousands deep — drawn
 * from a fixed-seed PRNG, so a run is reproducible. For each input (test/fuzz-worker.mjs):
 *   - parseFile returns statements in order, inside the text, and the lazy fast path gives
 *     exactly what scanning the whole file gives (also when it scans a statement only up to a
 *     relation's location, as a bounded ctx.findToken does);
 *   - lintSql (every rule) returns, with every message inside the text;
 *   - the fix loop returns (every 4th input);
 *   - PostgreSQL's parser still gives the reference tree afterwards;
 *   - lintProject lints a migration folder of mutated files (every PROJECT_EVERY-th input).
 * Inputs run in a worker thread; one that runs longer than HANG_MS is a hang: the worker is
 * terminated and the input saved for reproduction.
 *
 * CI runs a fixed number of inputs (3,000) with a fixed seed: about 15 s on 2 cores. A longer run:
 *   npm run fuzz:long                          (vitest --mode fuzz-long: 20,000 inputs)
 *   GODWIT_FUZZ_ITERATIONS=100000 GODWIT_FUZZ_SEED=7 npm run fuzz:long
 * A failing input is written to $TMPDIR/godwit-fuzz/ and reproduces with `godwit lint <file>`.
 */
import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const corpus = resolve(root, '..', 'shared', 'corpus');
const SQL_FOLDERS = ['LemmyNet+lemmy', 'element-hq+synapse', 'ory+kratos', 'supabase+storage', 'goharbor+harbor'];

const long = import.meta.env.MODE === 'fuzz-long';
const ITERATIONS = Number(process.env.GODWIT_FUZZ_ITERATIONS ?? (long ? 20_000 : 3_000));
const SEED = Number(process.env.GODWIT_FUZZ_SEED ?? 20_260_521);
/** an input running longer than this is a hang */
const HANG_MS = Number(process.env.GODWIT_FUZZ_HANG_MS ?? 20_000);
/** every input must finish within this (a slow input is a failure too, well before a hang) */
const SLOW_MS = Number(process.env.GODWIT_FUZZ_SLOW_MS ?? 5_000);
const PROJECT_EVERY = 50;
const WORKERS = 2;

interface Seed {
  name: string;
  text: string;
}

function sqlFilesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sqlFilesUnder(p, out);
    else if (e.isFile() && /\.sql(\.postgres)?$/.test(e.name)) out.push(p);
  }
  return out;
}

function seeds(): Seed[] {
  const files = sqlFilesUnder(join(root, 'fixtures'));
  if (existsSync(corpus)) for (const f of SQL_FOLDERS) if (existsSync(join(corpus, f))) sqlFilesUnder(join(corpus, f), files);
  return files
    .sort()
    .filter((f) => statSync(f).size <= 64 * 1024)
    .map((f) => ({ name: relative(resolve(root, '..'), f), text: readFileSync(f, 'utf8') }));
}

interface Failure {
  i: number;
  ops: string[];
  source: string;
  problems: string[];
  file: string;
}

type Message =
  | { type: 'start'; i: number; text: string; ops: string[]; source: string }
  | { type: 'done'; i: number; ms: number }
  | { type: 'fail'; i: number; ms: number; ops: string[]; source: string; problems: string[]; text: string }
  | { type: 'end' };

function save(i: number, text: string): string {
  const dir = join(tmpdir(), 'godwit-fuzz');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `seed-${SEED}-input-${i}.sql`);
  writeFileSync(file, text);
  return file;
}

/** Run inputs [from, to) in a worker; resolve with the failures (a hang is one, and ends the range). */
function runRange(seedFiles: Seed[], from: number, to: number, stats: { inputs: number; slowest: number; slowestI: number }): Promise<Failure[]> {
  return new Promise((resolvePromise, reject) => {
    const failures: Failure[] = [];
    const worker = new Worker(pathToFileURL(join(root, 'test', 'fuzz-worker.mjs')), {
      workerData: { dist: pathToFileURL(dist).href, seedFiles, seed: SEED, from, to, projectEvery: PROJECT_EVERY },
    });
    let current: Extract<Message, { type: 'start' }> | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!current) return;
        failures.push({ i: current.i, ops: current.ops, source: current.source, problems: [`hangs: no result after ${HANG_MS} ms`], file: save(current.i, current.text) });
        void worker.terminate();
      }, HANG_MS);
    };
    arm(); // (also covers the worker's start-up)
    worker.on('message', (m: Message) => {
      if (m.type === 'start') {
        current = m;
        arm();
      } else if (m.type === 'done' || m.type === 'fail') {
        stats.inputs++;
        if (m.ms > stats.slowest) {
          stats.slowest = m.ms;
          stats.slowestI = m.i;
        }
        if (m.type === 'fail') failures.push({ i: m.i, ops: m.ops, source: m.source, problems: m.problems, file: save(m.i, m.text) });
        else if (m.ms > SLOW_MS && current) failures.push({ i: m.i, ops: current.ops, source: current.source, problems: [`slow: ${Math.round(m.ms)} ms`], file: save(m.i, current.text) });
        current = undefined;
      } else if (m.type === 'end') {
        clearTimeout(timer);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      resolvePromise(failures);
    });
  });
}

describe(`fuzz: ${ITERATIONS} mutated inputs, seed ${SEED}`, () => {
  it(
    'parses, lints and fixes every input without throwing or hanging, and the fast path matches the full scan',
    async () => {
      expect(existsSync(join(dist, 'src', 'lint.js')), 'run `npm run build` first (the fuzz inputs run on dist/)').toBe(true);
      const seedFiles = seeds();
      expect(seedFiles.length).toBeGreaterThan(50);
      const stats = { inputs: 0, slowest: 0, slowestI: -1 };
      const started = performance.now();
      // the inputs split between two workers (each reproducible on its own: input i depends on the seed and i only)
      const per = Math.ceil(ITERATIONS / WORKERS);
      const ranges = Array.from({ length: WORKERS }, (_, w) => [w * per, Math.min(ITERATIONS, (w + 1) * per)] as const).filter(([a, b]) => a < b);
      const failures = (await Promise.all(ranges.map(([a, b]) => runRange(seedFiles, a, b, stats)))).flat();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`fuzz: ${stats.inputs} inputs from ${seedFiles.length} seed files in ${seconds} s (seed ${SEED}); slowest input ${stats.slowestI}: ${Math.round(stats.slowest)} ms`);
      const report = failures
        .slice(0, 20)
        .map((f) => `input ${f.i} (${f.ops.join(' + ')} of ${f.source}), saved as ${f.file}:\n  ${f.problems.slice(0, 5).join('\n  ').slice(0, 2000)}`)
        .join('\n');
      expect(failures, report).toEqual([]);
      expect(stats.inputs).toBe(ITERATIONS);
    },
    Math.max(120_000, ITERATIONS * 200),
  );
});
