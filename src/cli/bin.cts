#!/usr/bin/env node
/**
 * The `godwit` command. A CommonJS file, so that a `godwit lint --cache` run the records answer
 * (a repeated run, or files a pre-commit hook names; src/cli/replay.ts) is printed by a CommonJS
 * bundle of replay.ts (`replay.bundle*.cjs`, scripts/bundle-cli.mjs) before Node's ES module
 * loader, the CLI or the linter load: ~30 ms less than bin.js on such a run (bench/README.md).
 * Every other run, and any run when the bundle is missing or older than replay.js (a bare
 * `tsc`), is bin.js's.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

async function answered(): Promise<number | undefined> {
  if (!process.argv.includes('--cache')) return undefined; // (only a --cache run has records)
  const bundle = join(__dirname, 'replay.bundle.cjs');
  const bundleStat = statSync(bundle, { throwIfNoEntry: false });
  if (!bundleStat || bundleStat.mtimeMs < (statSync(join(__dirname, 'replay.js'), { throwIfNoEntry: false })?.mtimeMs ?? Infinity)) return undefined;
  const { answerRecorded } = require(bundle) as typeof import('./replay.js');
  const code = await answerRecorded(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
  // (bin.js tells main.ts, which then does not read the records a second time)
  if (code === undefined) (globalThis as Record<symbol, unknown>)[Symbol.for('godwit.record-checked')] = true;
  return code;
}

// A reader that stops reading closes the pipe: as in bin.js, stop writing (the exit code stays the lint's)
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stream.destroy();
  });
}

// (anything unexpected here leaves the run to bin.js, which reports what it must)
void answered()
  .catch(() => undefined)
  .then((code) => {
    if (code === undefined) return import('./bin.js');
    process.exitCode = code;
  });
