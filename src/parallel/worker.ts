/** A worker thread of src/parallel/pool.ts: lints whole migration roots and posts the results back. */
import { parentPort, workerData } from 'node:worker_threads';
import { initParser } from '../dialects/postgresql/pg.js';
import { ConfigLoader } from '../config/load.js';
import { lintRoot, type ProjectOptions, type RootLint, type RootUnit } from '../project.js';

export interface WorkerInput {
  /** the run's options that cross a thread boundary (no `fix`, no `only`: the units say what to lint) */
  opts: Pick<ProjectOptions, 'cwd' | 'configPath' | 'overrides'>;
  units: RootUnit[];
}

export type WorkerOutput = { ok: true; chunks: RootLint[] } | { ok: false; message: string; stack?: string };

async function run(input: WorkerInput): Promise<WorkerOutput> {
  try {
    await initParser();
    const opts: ProjectOptions = { ...input.opts };
    const configs = new ConfigLoader({ explicitPath: opts.configPath, cwd: opts.cwd });
    const chunks: RootLint[] = [];
    for (const u of input.units) chunks.push(await lintRoot(u, configs, opts));
    return { ok: true, chunks };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
  }
}

if (parentPort && workerData) parentPort.postMessage(await run(workerData as WorkerInput));
