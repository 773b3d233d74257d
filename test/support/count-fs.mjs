// Preloaded (`node --import`) by test/eslint-cli.test.ts: counts the synchronous stat and read
// calls on paths under GODWIT_COUNT_DIR and prints them to stderr at exit as
// `fs-count <stats> <reads>`. ES modules see the wrapped functions (syncBuiltinESMExports).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const dir = process.env.GODWIT_COUNT_DIR;
let stats = 0;
let reads = 0;
const under = (p) => typeof p === 'string' && dir && p.startsWith(dir) && p.endsWith('.sql');
const { statSync, readFileSync } = fs;
fs.statSync = function (p, ...rest) {
  if (under(p)) stats++;
  return statSync.call(this, p, ...rest);
};
fs.readFileSync = function (p, ...rest) {
  if (under(p)) reads++;
  return readFileSync.call(this, p, ...rest);
};
syncBuiltinESMExports();
process.on('exit', () => process.stderr.write(`fs-count ${stats} ${reads}\n`));
