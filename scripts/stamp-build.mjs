#!/usr/bin/env node
// Writes dist/build-id: the version and a unique stamp for this build. The lint cache
// (src/cache/lint-cache.ts) keys on it, so results cached by another build are never reused.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(join(root, 'dist', 'build-id'), `${version}+${Date.now().toString(36)}.${randomBytes(4).toString('hex')}\n`);
