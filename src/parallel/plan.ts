/**
 * When to use worker threads and how to share the roots among them. A root is the unit of
 * work (its history is replayed once, in order), so a run parallelises over roots: each thread
 * gets whole roots, the biggest first to the least loaded thread (LPT scheduling), with the
 * bytes each root makes a thread read and parse as the cost.
 *
 * The thresholds were measured (bench/README.md, "Worker threads"): a worker costs about
 * 0.15 s of start-up (its own module loading and parser compilation) and warms up its own
 * JIT, so small runs stay on one thread; and a single-threaded run already keeps about 1.5
 * cores busy (V8 compiles and collects garbage on helper threads), so on a 2-core machine a
 * worker made the corpus run slower (1.68 s instead of 1.55 s): workers start at 3 cores.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { RootUnit } from '../project.js';

/** Below this many bytes of SQL to parse, one thread is faster than starting a worker. */
export const AUTO_MIN_BYTES = 400_000;
/** A root smaller than this is not worth a worker of its own. */
export const AUTO_MIN_UNIT_BYTES = 100_000;
/** What a worker's start-up costs, in bytes of SQL the main thread lints meanwhile. */
export const WORKER_START_BYTES = 120_000;
/** Fewer cores than this: no workers (measured on 2 cores: slower, and 30% more memory). */
export const MIN_CORES = 3;
/** Never more than this many workers (memory: each holds its own parser and heap). */
export const MAX_WORKERS = 4;

const costs = new WeakMap<RootUnit, number>();

/** The bytes a root makes its thread read and parse: its files up to the last one linted. */
export function unitCost(unit: RootUnit): number {
  let c = costs.get(unit);
  if (c !== undefined) return c;
  const wanted = new Set(unit.wanted);
  let last = -1;
  unit.root.files.forEach((f, i) => {
    if (wanted.has(f.path)) last = i;
  });
  c = 0;
  for (let i = 0; i <= last; i++) {
    try {
      c += statSync(unit.root.files[i].path).size;
    } catch {
      // unreadable: reported when it is read
    }
  }
  costs.set(unit, c);
  return c;
}

/** Worker threads for a run with these roots: none unless it is big enough and there are cores to spare. */
export function autoWorkers(units: RootUnit[], cores = availableParallelism()): number {
  if (cores < MIN_CORES || units.length < 2) return 0;
  const sizes = units.map(unitCost);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < AUTO_MIN_BYTES) return 0;
  // roots big enough to be worth a thread (the main thread takes one of them)
  const big = sizes.filter((s) => s >= AUTO_MIN_UNIT_BYTES).length;
  // one core for this thread, about half of one for V8's helper threads
  return Math.max(0, Math.min(cores - 2, MAX_WORKERS, units.length - 1, big - 1));
}

/**
 * Share the units among `threads` threads (thread 0: the main thread, which starts at once; the
 * others start `workerStart` bytes late, WORKER_START_BYTES unless the thread count was forced):
 * unit indexes per thread, each list in unit order.
 */
export function assign(units: RootUnit[], threads: number, workerStart = WORKER_START_BYTES): number[][] {
  const load = Array.from({ length: threads }, (_, t) => (t === 0 ? 0 : workerStart));
  const bins: number[][] = Array.from({ length: threads }, () => []);
  const order = units.map((_, i) => i).sort((a, b) => unitCost(units[b]) - unitCost(units[a]) || a - b);
  for (const i of order) {
    let t = 0;
    for (let j = 1; j < threads; j++) if (load[j] < load[t]) t = j;
    bins[t].push(i);
    load[t] += unitCost(units[i]);
  }
  for (const b of bins) b.sort((x, y) => x - y);
  return bins;
}
