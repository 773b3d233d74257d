#!/usr/bin/env node
import { statSync } from 'node:fs';
import type { main as Main } from './main.js';

// PostgreSQL's parser (WASM) runs on V8's baseline compiler only. By default V8 recompiles the
// parser's hot functions with its optimizing compiler in the background, which costs more CPU
// than it saves in a lint run (measured on the corpus: 2.5 s of CPU instead of 2.1 s), and
// exiting waits for those compile jobs: 0.1 s added to every one-file run (bench/README.md).
// Not for `godwit trace`, whose embedded PostgreSQL (WASM too) runs long enough to profit.
// Set when a command starts its work (main.ts `beforeWork`): a run the cache answers never
// compiles WASM, and does not load node:v8 (bench/README.md).
async function beforeWork(command: string): Promise<void> {
  if (command !== 'trace') (await import('node:v8')).setFlagsFromString('--liftoff-only');
}

/**
 * The CLI bundled into a few files (scripts/bundle-cli.mjs, part of `npm run build`) starts
 * ~35 ms faster than its ~110 modules; used only when it is not older than main.js, so a
 * plain `tsc` never runs stale code.
 */
function bundled(): boolean {
  try {
    const bundle = statSync(new URL('./main.bundle.js', import.meta.url), { throwIfNoEntry: false });
    return !!bundle && bundle.mtimeMs >= statSync(new URL('./main.js', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

// A reader that stops reading (`godwit lint . -f sarif | head -c 10`) closes the pipe: the rest
// of the report has nowhere to go, which is not an error of godwit's. Stop writing, and exit with
// the lint's own code (the default would be a crash on the unhandled EPIPE 'error' event).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stream.destroy();
  });
}

const { main } = (await import(bundled() ? './main.bundle.js' : './main.js')) as { main: typeof Main };
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
  beforeWork,
  recordChecked: (globalThis as Record<symbol, unknown>)[Symbol.for('godwit.record-checked')] === true,
});
process.exitCode = code;
