/**
 * V8's optimizing compiler (TurboFan) for a lint run: off unless an input is big.
 *
 * A lint run is short: most of its functions never run long enough to repay TurboFan's
 * compile jobs, which take CPU from the run itself on a 2-core machine (and a one-file run
 * waits for them at exit). Measured (bench/README.md): `--no-opt` is ~15% less CPU on the
 * corpus (1,133 files, 1.5 MB) and ~15% more on a single 3 MB file, where the hot loops run
 * long enough. So the CLI starts lint runs without it (`optimizeOnlyBigInputs`), and reading
 * a file over BIG_INPUT_BYTES turns it back on (`inputRead`), before that file is parsed.
 */
import { setFlagsFromString } from 'node:v8';

/** From this size of one input (a migration, a schema dump, stdin), TurboFan pays for itself. */
export const BIG_INPUT_BYTES = 512 * 1024;

let off = false;

/** Start without TurboFan (the CLI's lint runs, before any code of the run is hot). */
export function optimizeOnlyBigInputs(): void {
  setFlagsFromString('--no-opt');
  off = true;
}

/** An input of `bytes` was read: a big one turns TurboFan back on. */
export function inputRead(bytes: number): void {
  if (off && bytes > BIG_INPUT_BYTES) {
    setFlagsFromString('--opt');
    off = false;
  }
}
