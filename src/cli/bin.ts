#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { main } from './main.js';

// PostgreSQL's parser (WASM) runs on V8's baseline compiler only. By default V8 recompiles the
// parser's hot functions with its optimizing compiler in the background, which costs more CPU
// than it saves in a lint run (measured on the corpus: 2.5 s of CPU instead of 2.1 s), and
// exiting waits for those compile jobs: 0.1 s added to every one-file run (bench/README.md).
setFlagsFromString('--liftoff-only');

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
