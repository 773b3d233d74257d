/**
 * Lint migration roots on worker threads (ARCHITECTURE.md: "use worker threads for large
 * runs"). The main thread lints its share of the roots while the workers lint theirs; each
 * root's results come back whole and are put in the roots' order, so the output is the one
 * a single thread gives, byte for byte (test/parallel.test.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { lintRoot, type ProjectOptions, type RootLint, type RootUnit } from '../project.js';
import type { ConfigLoader } from '../config/load.js';
import { assign } from './plan.js';
import type { WorkerInput, WorkerOutput } from './worker.js';

export async function lintRootsInParallel(units: RootUnit[], opts: ProjectOptions, configs: ConfigLoader, workers: number): Promise<RootLint[]> {
  // (by way of ../parallel/: this module may run from the CLI bundle in dist/src/cli/, scripts/bundle-cli.mjs)
  const script = new URL('../parallel/worker.js', import.meta.url);
  const serial = async (): Promise<RootLint[]> => {
    const out: RootLint[] = [];
    for (const u of units) out.push(await lintRoot(u, configs, opts));
    return out;
  };
  // running from the TypeScript sources (no compiled worker beside this file): one thread
  if (script.protocol !== 'file:' || !existsSync(fileURLToPath(script))) return serial();

  // load (and validate) every config this thread would, in the order it would: an invalid
  // config is reported here exactly as in a single-threaded run, before any worker starts
  for (const u of units) {
    await configs.forFile(resolve(u.root.dir, 'x.sql'));
    for (const f of u.wanted) await configs.forFile(f);
  }

  // a forced thread count (`GODWIT_WORKERS=n`) gives every thread work; 'auto' counts start-up
  const bins = assign(units, workers + 1, opts.workers === 'auto' ? undefined : 0);
  const shared: WorkerInput['opts'] = { cwd: opts.cwd, configPath: opts.configPath, overrides: opts.overrides };
  const started: Array<Promise<RootLint[]>> = [];
  for (let t = 1; t < bins.length; t++) {
    if (bins[t].length === 0) continue;
    const input: WorkerInput = { opts: shared, units: bins[t].map((i) => units[i]) };
    started.push(runWorker(script, input));
  }
  const out: RootLint[] = new Array(units.length);
  // this thread's share, while the workers run
  for (const i of bins[0]) out[i] = await lintRoot(units[i], configs, opts);
  const chunks = await Promise.all(started);
  let w = 0;
  for (let t = 1; t < bins.length; t++) {
    if (bins[t].length === 0) continue;
    const got = chunks[w++];
    bins[t].forEach((i, k) => {
      out[i] = got[k];
    });
  }
  return out;
}

/** Worker threads started by this process so far (for tests and diagnostics). */
export let workersStarted = 0;

function runWorker(script: URL, input: WorkerInput): Promise<RootLint[]> {
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const worker = new Worker(script, { workerData: input });
    workersStarted++;
    worker.once('message', (msg: WorkerOutput) => {
      settled = true;
      if (msg.ok) resolvePromise(msg.chunks);
      else {
        const err = new Error(msg.message);
        err.stack = msg.stack;
        reject(err);
      }
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`godwit: a worker thread exited (code ${code}) before reporting its results`));
    });
  });
}
