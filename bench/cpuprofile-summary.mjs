#!/usr/bin/env node
/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by
 * package/file, so a profile can be read without DevTools.
 *   node bench/cpuprofile-summary.mjs <file.cpuprofile> [top=30]
 */
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/cpuprofile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fnTime = new Map();
const fileTime = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const url = cf.url || '(native)';
  const fkey = `${cf.functionName || '(anonymous)'} ${short(url)}:${cf.lineNumber + 1}`;
  fnTime.set(fkey, (fnTime.get(fkey) ?? 0) + us);
  const pkg = group(url);
  fileTime.set(pkg, (fileTime.get(pkg) ?? 0) + us);
}
// inclusive time per function name (counted once per sample stack)
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const seen = new Set();
  for (let id = prof.samples[i]; id !== undefined; id = parent.get(id)) {
    const cf = byId.get(id).callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${short(cf.url || '(native)')}:${cf.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    incl.set(key, (incl.get(key) ?? 0) + (dt[i] ?? 0));
  }
}
const ms = (us) => (us / 1000).toFixed(1).padStart(8);
console.log(`total sampled: ${ms(total)} ms`);
console.log('\nself time by package/file:');
for (const [k, v] of [...fileTime].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms  ${k}`);
console.log('\nself time by function:');
for (const [k, v] of [...fnTime].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms  ${k}`);
console.log('\ninclusive time by function:');
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms  ${k}`);

function short(url) {
  const i = url.lastIndexOf('node_modules/');
  if (i !== -1) return url.slice(i + 13);
  const j = url.indexOf('/dist/');
  return j !== -1 ? url.slice(j + 1) : url;
}
function group(url) {
  if (!url) return '(native/gc/program)';
  const i = url.lastIndexOf('node_modules/');
  if (i !== -1) {
    const rest = url.slice(i + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return short(url);
}
