#!/usr/bin/env node
/**
 * The `godwit` command. A CommonJS file, so that a repeated `godwit lint --cache` run whose
 * record answers it (src/cache/run-record.ts) is printed by a CommonJS bundle of replay.ts
 * (`replay.bundle.cjs`, scripts/bundle-cli.mjs) before Node's ES module loader, the CLI or the
 * linter load: ~30 ms less than bin.js on such a run (bench/README.md). Every other run, and
 * any run when the bundle is missing or older than replay.js (a bare `tsc`), is bin.js's.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

function replayed(): number | undefined {
  if (!process.argv.includes('--cache')) return undefined; // (only a --cache run has a record)
  const bundle = join(__dirname, 'replay.bundle.cjs');
  const bundleStat = statSync(bundle, { throwIfNoEntry: false });
  if (!bundleStat || bundleStat.mtimeMs < (statSync(join(__dirname, 'replay.js'), { throwIfNoEntry: false })?.mtimeMs ?? Infinity)) return undefined;
  const { replayRecordedRun } = require(bundle) as typeof import('./replay.js');
  return replayRecordedRun(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
}

// A reader that stops reading closes the pipe: as in bin.js, stop writing (the exit code stays the lint's)
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stream.destroy();
  });
}

const code = replayed();
if (code === undefined) void import('./bin.js');
else process.exitCode = code;
