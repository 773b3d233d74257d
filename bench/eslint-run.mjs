#!/usr/bin/env node
/**
 * The ESLint plugin case of the benchmark: ESLint's own `ESLint` class with
 * `godwit/eslint`'s `configs.recommended`, on the files given (one per line in the file named
 * by argv[3]), from the directory argv[2] (ESLint ignores files outside its cwd).
 * Prints `<files> <messages>` so the benchmark can check the run did the work; with
 * `--messages`, every message instead (`file:line:column rule message`, for bench/outputs.mjs).
 */
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import godwit from '../dist/src/eslint/index.bundle.js'; // (what package.json exports as godwit/eslint)

const [cwd, listFile] = process.argv.slice(2);
const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: godwit.configs.recommended });
const results = await eslint.lintFiles(files);
if (process.argv.includes('--messages')) {
  const lines = [];
  for (const r of results) for (const m of r.messages) lines.push(`${r.filePath}:${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.severity} ${m.ruleId} ${JSON.stringify(m.message)}${m.fix ? ` fix ${JSON.stringify(m.fix)}` : ''}`);
  process.stdout.write(lines.join('\n') + '\n');
} else {
  process.stdout.write(`${results.length} ${results.reduce((n, r) => n + r.messages.length, 0)}\n`);
}
