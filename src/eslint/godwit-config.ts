/**
 * The godwit config of a file, found and loaded synchronously (ESLint rules are synchronous).
 *
 * Same search as the CLI's ConfigLoader (docs/config.md): the nearest directory holding one of
 * CONFIG_FILE_NAMES wins, names tried in that order, a package.json counts only with a
 * `godwit` key, the search stops at the directory holding `.git`. JSON configs are read
 * directly; `.js`/`.mjs`/`.ts` configs are loaded with jiti's synchronous require (the same
 * jiti the CLI uses for `.ts`), so they work as long as they do not use top-level await or
 * export a promise. Loaded configs and directory listings are cached by modification time,
 * so a long-lived ESLint (an editor) sees edits without serving stale results.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { ConfigError } from '../config/errors.js';
import { CONFIG_FILE_NAMES, PACKAGE_JSON_KEY, type ResolvedConfig } from '../config/load.js';
import type { GodwitConfig, validateConfig as ValidateConfig } from '../config/schema.js';
import { SQUAWK_CONFIG_NAME, squawkToGodwit } from '../config/squawk.js';
import { acceptedAsIs } from '../config/accept.js';

const cache = new Map<string, { mtime: number; config: GodwitConfig | undefined }>();
const require = createRequire(import.meta.url);

/**
 * The config schema (zod) is loaded when a config file is first read, not with the plugin: most
 * ESLint runs over migrations have no godwit config. A synchronous `require` of the ES module
 * (Node >= 20.19, as package.json's engines say); from the TypeScript sources (the tests), jiti.
 */
let schema: { validateConfig: typeof ValidateConfig } | undefined;
const validateConfig: typeof ValidateConfig = (...args) => {
  // (the common configs are accepted without loading zod and the schema: accept.ts)
  const accepted = acceptedAsIs(args[0]);
  if (accepted) return accepted;
  if (!schema) {
    try {
      schema = require('../config/schema.js') as typeof schema;
    } catch (err) {
      if (!import.meta.url.endsWith('.ts')) throw err;
      const { createJiti } = require('jiti') as typeof import('jiti');
      schema = createJiti(import.meta.url)('../config/schema.ts') as typeof schema;
    }
  }
  return schema!.validateConfig(...args);
};

export function resolveConfigSync(file: string, cwd: string, explicitPath?: string): ResolvedConfig {
  if (explicitPath !== undefined) {
    const path = resolve(cwd, explicitPath);
    const config = load(path, display(path, cwd), true)!;
    return { config, file: path, dir: dirname(path) };
  }
  // the nearest .squawk.toml applies when no godwit config does (as in the CLI's ConfigLoader)
  let squawk: ResolvedConfig | undefined;
  for (let dir = dirname(resolve(cwd, file)); ; dir = dirname(dir)) {
    const names = listDir(dir);
    for (const name of CONFIG_FILE_NAMES) {
      if (!names.has(name)) continue;
      const path = join(dir, name);
      const config = load(path, display(path, cwd), false);
      if (config) return { config, file: path, dir };
    }
    if (!squawk && names.has(SQUAWK_CONFIG_NAME)) {
      const path = join(dir, SQUAWK_CONFIG_NAME);
      squawk = { config: load(path, display(path, cwd), true)!, file: path, dir };
    }
    if (names.has('.git') || dirname(dir) === dir) return squawk ?? { config: {}, file: null, dir: resolve(cwd) };
  }
}

/** A cache key for a resolved config: changes when the file or its contents change. */
export function configKey(resolved: ResolvedConfig): string {
  return resolved.file ? `${resolved.file}@${cache.get(resolved.file)?.mtime ?? 0}` : '-';
}

const listings = new Map<string, { mtime: number; names: Set<string> }>();

/** The names a directory holds, re-read when its modification time changes (a config added or removed). */
function listDir(dir: string): Set<string> {
  const mtime = statSync(dir, { throwIfNoEntry: false })?.mtimeMs;
  if (mtime === undefined) return new Set(); // missing: keep looking upward
  const hit = listings.get(dir);
  if (hit && hit.mtime === mtime) return hit.names;
  let names: Set<string>;
  try {
    names = new Set(
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.name === '.git' || e.isFile() || e.isSymbolicLink())
        .map((e) => e.name),
    );
  } catch {
    names = new Set(); // unreadable: keep looking upward
  }
  listings.set(dir, { mtime, names });
  return names;
}

function load(path: string, shown: string, required: boolean): GodwitConfig | undefined {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch (err) {
    throw new ConfigError(shown, 'cannot read the config file: file not found', { cause: err });
  }
  const hit = cache.get(path);
  if (hit && hit.mtime === mtime) return hit.config;
  const config = read(path, shown, required);
  cache.set(path, { mtime, config });
  return config;
}

function read(path: string, shown: string, required: boolean): GodwitConfig | undefined {
  const ext = extname(path).toLowerCase();
  if (['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'].includes(ext)) return validateConfig(importSync(path, shown), shown);
  if (basename(path) === SQUAWK_CONFIG_NAME) return validateConfig(squawkToGodwit(readFileSync(path, 'utf8'), shown), shown);
  let value: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new ConfigError(shown, `invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (basename(path) !== 'package.json') return validateConfig(value, shown);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, PACKAGE_JSON_KEY)) {
    if (required) throw new ConfigError(shown, `has no "${PACKAGE_JSON_KEY}" key`);
    return undefined;
  }
  return validateConfig((value as Record<string, unknown>)[PACKAGE_JSON_KEY], shown, PACKAGE_JSON_KEY);
}

/** The default export of a JS/TS config, loaded synchronously. */
function importSync(path: string, shown: string): unknown {
  let mod: unknown;
  try {
    const { createJiti } = require('jiti') as typeof import('jiti');
    mod = createJiti(import.meta.url, { moduleCache: false, fsCache: false })(path);
  } catch (err) {
    throw new ConfigError(shown, `cannot load the config file in ESLint (synchronously): ${(err as Error).message}`, { cause: err });
  }
  const value = mod !== null && typeof mod === 'object' && 'default' in mod ? (mod as { default: unknown }).default : mod;
  if (value instanceof Promise || (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function')) {
    throw new ConfigError(shown, 'exports a promise, which the ESLint plugin cannot wait for (ESLint rules are synchronous): export the object itself, or use godwit.config.json');
  }
  return value;
}

function display(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
