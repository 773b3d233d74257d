/**
 * Knex's project-wide migration setting `migrations: { disableTransactions: true }`, read from
 * the knexfile (knexfile.{js,cjs,mjs,ts} in the migration's folder or above it, up to the
 * repository root) without running it. Knex (Migrator._useTransaction) then runs every
 * migration without a transaction, unless the migration itself says `config = { transaction:
 * true }`. A knexfile with several environments counts only when they all agree.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { keyName, walk, type Node } from './ast.js';
import { parseJs } from './parse.js';

export interface KnexfileSetting {
  /** the knexfile that says so */
  file: string;
  disableTransactions: boolean;
}

const NAMES = ['knexfile.js', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.ts'];
const cache = new Map<string, { mtime: number; setting: KnexfileSetting | undefined }>();

/** The nearest knexfile's `disableTransactions`, when it sets one (the same value in every environment). */
export function knexfileSetting(migrationPath: string): KnexfileSetting | undefined {
  if (migrationPath.startsWith('<')) return undefined;
  let dir = dirname(migrationPath);
  for (let depth = 0; depth < 8; depth++) {
    for (const n of NAMES) {
      const file = join(dir, n);
      if (existsSync(file)) return read(file);
    }
    if (existsSync(join(dir, '.git')) || existsSync(join(dir, 'package.json'))) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

function read(file: string): KnexfileSetting | undefined {
  let mtime = 0;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const hit = cache.get(file);
  if (hit && hit.mtime === mtime) return hit.setting;
  let setting: KnexfileSetting | undefined;
  try {
    const program = parseJs(readFileSync(file, 'utf8'), file);
    const values: boolean[] = [];
    walk(program, (n: Node) => {
      if (n.type !== 'Property' || keyName(n.key as Node, n.computed) !== 'migrations' || n.value.type !== 'ObjectExpression') return;
      for (const p of (n.value as TSESTree.ObjectExpression).properties) {
        if (p.type === 'Property' && keyName(p.key as Node, p.computed) === 'disableTransactions' && p.value.type === 'Literal' && typeof p.value.value === 'boolean') values.push(p.value.value);
      }
    });
    if (values.length && values.every((v) => v === values[0])) setting = { file, disableTransactions: values[0] };
  } catch {
    setting = undefined; // a knexfile godwit cannot read changes nothing
  }
  cache.set(file, { mtime, setting });
  return setting;
}
