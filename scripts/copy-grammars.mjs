#!/usr/bin/env node
// Copies the Python grammar (tree-sitter-python's WASM build) into dist/, so the package ships
// it and tree-sitter-python stays a dev dependency: its native-addon install script (which
// godwit never needs) is not run or warned about when users install godwit.
// src/sources/extract/python/parse.ts loads dist/tree-sitter-python.wasm.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
mkdirSync(join(root, 'dist'), { recursive: true });
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), join(root, 'dist', 'tree-sitter-python.wasm'));
