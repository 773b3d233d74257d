/**
 * The config check without zod (src/config/accept.ts) against the schema (src/config/schema.ts):
 * on thousands of generated configs, valid and not, whatever the quick check accepts the schema
 * accepts, and the config returned is the schema's to the byte (key order included). And the
 * configs people write — `godwit init`'s, the fixtures' — are accepted without loading zod.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { acceptedAsIs } from '../src/config/accept.js';
import { validateConfig, CONFIG_KEYS } from '../src/config/schema.js';
import { rules } from '../rules/index.js';

const root = resolve(import.meta.dirname, '..');

/** A small seeded PRNG (mulberry32): the same configs every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ids = rules.map((r) => r.id);
const weird = [null, undefined, true, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, '', ' ', 'x', [], [''], ['a', ''], {}, { a: 1 }, [1], ['warn'], ['warn', {}, 1]];
const VALUES: Record<string, unknown[]> = {
  $schema: ['./schema.json', '', 1],
  pgVersion: [9, 10, 15, 17, 99, 8, 100, 15.5, '15', -15],
  dialect: ['auto', 'postgresql', 'mysql', 'MySQL', 'sqlite'],
  mysqlVersion: ['8.0', '8.4', 'mariadb-10.11', 'mariadb-11.4', '8.0.28', '8.0.123', '5.7', ' 8.0', '8.0\n'],
  preset: ['recommended', 'strict', 'all', 'none'],
  runner: ['auto', 'golang-migrate', 'flyway', 'prisma', 'rails'],
  transaction: ['auto', 'none', 'file', 'all', 'implicit', 'each'],
  lockTimeout: ['runner', 'app'],
  include: [['db/**/*.sql'], [], ['a', 'b'], [''], 'db/**', [1]],
  exclude: [['seed/**'], [], [' ']],
  schema: ['schema.sql', '', 0],
  searchPath: [['public'], ['app', 'public'], [], [''], 'public'],
  stats: ['sizes.json', ''],
  smallTable: [0, 1024, '10MB', '512 kB', ' 1 gb ', '1.5mb', '-1', -5, '10 PB', 'ten', Infinity],
};

function ruleSettings(r: () => number): unknown {
  const out: Record<string, unknown> = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const id = r() < 0.9 ? ids[Math.floor(r() * ids.length)] : r() < 0.5 ? 'no-such-rule' : '__proto__';
    const pick = r();
    out[id] =
      pick < 0.35 ? ['off', 'warn', 'error'][Math.floor(r() * 3)] : pick < 0.6 ? ['warn', { max: 3, names: ['a'] }] : pick < 0.7 ? ['error', { nested: { deep: [1, null, 'x'] } }] : weird[Math.floor(r() * weird.length)];
  }
  if (r() < 0.05) return Object.assign(Object.create(null), out);
  return r() < 0.05 ? [out] : out;
}

function config(r: () => number): unknown {
  if (r() < 0.03) return weird[Math.floor(r() * weird.length)];
  const c: Record<string, unknown> = {};
  const keys = [...CONFIG_KEYS, 'rules', 'unknownKey', 'pgversion'];
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const key = keys[Math.floor(r() * keys.length)];
    const pool = key === 'rules' ? undefined : VALUES[key];
    c[key] = key === 'rules' ? ruleSettings(r) : pool && r() < 0.85 ? pool[Math.floor(r() * pool.length)] : weird[Math.floor(r() * weird.length)];
  }
  // JSON's own shape, mostly (a config file's), sometimes a JS object as is
  return r() < 0.8 ? JSON.parse(JSON.stringify(c) ?? 'null') : c;
}

/** The schema's verdict: its config, or the error. */
function schemaSays(value: unknown): { config?: unknown; error?: string } {
  try {
    return { config: validateConfig(value, 'godwit.config.json') };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('the config check without zod', () => {
  it('accepts only what the schema accepts, and returns exactly the schema’s config', () => {
    const r = prng(16);
    let accepted = 0;
    let valid = 0;
    for (let i = 0; i < 6000; i++) {
      const value = config(r);
      const quick = acceptedAsIs(value);
      const slow = schemaSays(value);
      if (!slow.error) valid++;
      if (quick === undefined) continue;
      accepted++;
      expect({ value, error: slow.error }).toEqual({ value, error: undefined });
      expect(JSON.stringify(quick)).toBe(JSON.stringify(slow.config));
      expect(quick).toEqual(slow.config);
      expect(quick).not.toBe(value); // a copy, as the schema's parse returns
    }
    // the generator makes both kinds, and the quick check answers most valid ones itself
    expect(valid).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(valid * 0.8);
  });

  it('accepts the configs people write: godwit init’s, the fixtures’, the README’s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-accept-'));
    const init = spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'bin.cjs'), 'init'], { cwd: dir, encoding: 'utf8' });
    expect(init.status).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'godwit.config.json'), 'utf8'));
    const examples = [
      written,
      JSON.parse(readFileSync(join(root, 'fixtures', 'project', 'config-monorepo', 'packages', 'legacy', 'godwit.config.json'), 'utf8')),
      { pgVersion: 16, preset: 'strict', rules: { 'no-drop-table': 'off', 'require-lock-timeout': ['error', {}] }, include: ['db/migrations/**'], exclude: ['db/seed/**'] },
      { dialect: 'mysql', mysqlVersion: '8.0.28', runner: 'golang-migrate', transaction: 'none', lockTimeout: 'runner', searchPath: ['app', 'public'], smallTable: '10MB', stats: 'sizes.json', schema: 'schema.sql' },
    ];
    for (const c of examples) {
      expect(acceptedAsIs(c), JSON.stringify(c)).toBeDefined();
      expect(acceptedAsIs(c)).toEqual(validateConfig(c, 'x'));
    }
  });
});
