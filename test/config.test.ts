import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import {
  ConfigError,
  ConfigLoader,
  configJsonSchema,
  isIncluded,
  loadConfigFile,
  validateConfig,
  type ResolvedConfig,
} from '../src/config/index.js';

let tmp: string;
beforeAll(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'godwit-config-')));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
/** A fresh project directory holding the given files (a `.git` marks it as a repo root). */
function project(files: Record<string, string | object>, { git = true } = {}): string {
  const root = join(tmp, `p${++n}`);
  mkdirSync(root, { recursive: true });
  if (git) mkdirSync(join(root, '.git'));
  for (const [rel, content] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

/** The ConfigError message a failing call throws. */
async function errorOf(fn: () => unknown): Promise<ConfigError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const invalid = (value: unknown, file = 'godwit.config.json') => errorOf(() => validateConfig(value, file)).then((e) => e.message);

describe('config file forms', () => {
  const forms: Array<[string, string | object]> = [
    ['godwit.config.json', { pgVersion: 16 }],
    ['godwit.config.js', 'export default { pgVersion: 16 };\n'],
    ['godwit.config.mjs', 'const config = { pgVersion: 16 };\nexport default config;\n'],
    ['godwit.config.ts', "import type {} from 'node:fs';\nconst v: number = 16;\nexport default { pgVersion: v } satisfies { pgVersion: number };\n"],
    ['.godwitrc.json', { pgVersion: 16 }],
    ['package.json', { name: 'app', godwit: { pgVersion: 16 } }],
  ];
  for (const [name, content] of forms) {
    it(`finds ${name}`, async () => {
      const root = project({ [name]: content, 'db/migrations/001_init.sql': 'select 1;' });
      const loader = new ConfigLoader({ cwd: root });
      const r = await loader.forFile(join(root, 'db/migrations/001_init.sql'));
      expect(r).toEqual({ config: { pgVersion: 16 }, file: join(root, name), dir: root });
    });
  }

  it('a .js config in a CommonJS package (module.exports) loads too', async () => {
    const root = project({ 'package.json': { name: 'cjs' }, 'godwit.config.js': 'module.exports = { preset: "strict" };\n' });
    const r = await new ConfigLoader({ cwd: root }).forFile(join(root, 'x.sql'));
    expect(r.config).toEqual({ preset: 'strict' });
  });

  it('the .ts config is type-stripped with its types (interfaces, satisfies, enums)', async () => {
    const root = project({
      'godwit.config.ts':
        "interface C { preset: 'strict' | 'all'; rules: Record<string, string | [string, object]> }\n" +
        "enum V { Pg = 17 }\n" +
        "const c: C = { preset: 'all', rules: { 'require-lock-timeout': 'off', 'no-drop-column': ['error', { note: 'x' }] } };\n" +
        'export default { ...c, pgVersion: V.Pg };\n',
    });
    const r = await new ConfigLoader({ cwd: root }).forFile(join(root, 'm.sql'));
    expect(r.config).toEqual({
      preset: 'all',
      pgVersion: 17,
      rules: { 'require-lock-timeout': 'off', 'no-drop-column': ['error', { note: 'x' }] },
    });
  });

  it('within one directory the first name in the list wins', async () => {
    const root = project({
      'package.json': { godwit: { pgVersion: 12 } },
      '.godwitrc.json': { pgVersion: 13 },
      'godwit.config.mjs': 'export default { pgVersion: 14 };',
      'godwit.config.json': { pgVersion: 15 },
    });
    const r = await new ConfigLoader({ cwd: root }).forFile(join(root, 'a.sql'));
    expect(r.file).toBe(join(root, 'godwit.config.json'));
    expect(r.config.pgVersion).toBe(15);
  });

  it('a config file the user wrote with a BOM still parses', async () => {
    const root = project({ 'godwit.config.json': '\uFEFF{"preset":"strict"}' });
    expect((await new ConfigLoader({ cwd: root }).forFile(join(root, 'a.sql'))).config).toEqual({ preset: 'strict' });
  });
});

describe('search', () => {
  it('nearest config wins in a monorepo; no merging across levels', async () => {
    const root = project({
      'godwit.config.json': { pgVersion: 13, preset: 'strict' },
      'packages/api/godwit.config.json': { pgVersion: 16 },
      'packages/api/db/migrations/001.sql': '',
      'packages/web/package.json': { name: 'web' },
      'packages/web/migrations/001.sql': '',
      'packages/jobs/package.json': { name: 'jobs', godwit: { runner: 'knex' } },
      'packages/jobs/migrations/001.sql': '',
    });
    const loader = new ConfigLoader({ cwd: root });
    const api = await loader.forFile(join(root, 'packages/api/db/migrations/001.sql'));
    expect(api).toEqual({ config: { pgVersion: 16 }, file: join(root, 'packages/api/godwit.config.json'), dir: join(root, 'packages/api') });
    const web = await loader.forFile(join(root, 'packages/web/migrations/001.sql'));
    expect(web).toEqual({ config: { pgVersion: 13, preset: 'strict' }, file: join(root, 'godwit.config.json'), dir: root });
    const jobs = await loader.forFile(join(root, 'packages/jobs/migrations/001.sql'));
    expect(jobs.config).toEqual({ runner: 'knex' });
    expect(jobs.file).toBe(join(root, 'packages/jobs/package.json'));
  });

  it('a package.json without the "godwit" key does not count; the search continues upward', async () => {
    const root = project({
      '.godwitrc.json': { preset: 'all' },
      'app/package.json': { name: 'app', version: '1.0.0' },
      'app/migrations/001.sql': '',
    });
    const r = await new ConfigLoader({ cwd: root }).forFile(join(root, 'app/migrations/001.sql'));
    expect(r.file).toBe(join(root, '.godwitrc.json'));
    expect(r.config).toEqual({ preset: 'all' });
  });

  it('paths relative to the cwd, and files that do not exist (stdin filename), are looked up too', async () => {
    const root = project({ 'godwit.config.json': { pgVersion: 14 } });
    const loader = new ConfigLoader({ cwd: root });
    expect((await loader.forFile('db/not-yet/001.sql')).config).toEqual({ pgVersion: 14 });
  });

  it('stops at the repository root (a directory holding .git)', async () => {
    const outer = project({ 'godwit.config.json': { pgVersion: 12 } }, { git: false });
    const repo = join(outer, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'migrations'));
    const r = await new ConfigLoader({ cwd: repo }).forFile(join(repo, 'migrations/001.sql'));
    expect(r).toEqual({ config: {}, file: null, dir: repo });
    // a config in the repo root itself is still found
    writeFileSync(join(repo, 'godwit.config.json'), '{"pgVersion": 17}');
    expect((await new ConfigLoader({ cwd: repo }).forFile(join(repo, 'migrations/001.sql'))).config).toEqual({ pgVersion: 17 });
    // a .git file (worktree, submodule) also marks the root
    const sub = join(outer, 'sub');
    mkdirSync(join(sub, 'm'), { recursive: true });
    writeFileSync(join(sub, '.git'), 'gitdir: ../.git/modules/sub\n');
    expect((await new ConfigLoader({ cwd: sub }).forFile(join(sub, 'm/1.sql'))).file).toBeNull();
  });

  it('without a .git, searches up to the filesystem root', async () => {
    const outer = project({ 'godwit.config.json': { pgVersion: 11 } }, { git: false });
    const r = await new ConfigLoader({ cwd: outer }).forFile(join(outer, 'a/b/c/d.sql'));
    expect(r.config).toEqual({ pgVersion: 11 });
  });

  it('caches per directory: files in one directory share one lookup and one config object', async () => {
    const root = project({ 'godwit.config.json': { pgVersion: 15 }, 'm/1.sql': '', 'm/2.sql': '', 'n/1.sql': '' });
    const loader = new ConfigLoader({ cwd: root });
    const p1 = loader.forFile(join(root, 'm/1.sql'));
    const p2 = loader.forFile(join(root, 'm/2.sql'));
    expect(p1).toBe(p2);
    const [a, b] = await Promise.all([p1, loader.forFile(join(root, 'n/1.sql'))]);
    expect(a).toBe(b); // both resolved through the root directory's entry
    // a changed file is not re-read by the same loader
    writeFileSync(join(root, 'godwit.config.json'), '{"pgVersion": 16}');
    expect((await loader.forFile(join(root, 'm/3.sql'))).config.pgVersion).toBe(15);
    expect((await new ConfigLoader({ cwd: root }).forFile(join(root, 'm/3.sql'))).config.pgVersion).toBe(16);
  });

  it('an invalid config is reported for the files it governs', async () => {
    const root = project({ 'godwit.config.json': { preset: 'lax' }, 'm/1.sql': '' });
    const err = await errorOf(() => new ConfigLoader({ cwd: root }).forFile(join(root, 'm/1.sql')));
    expect(err.message).toBe('godwit.config.json: "preset" must be one of recommended, strict, all (got "lax")');
    expect(err.file).toBe('godwit.config.json');
  });

  it('names a config outside the cwd by its absolute path', async () => {
    const root = project({ 'godwit.config.json': { preset: 'lax' }, 'pkg/m/1.sql': '' });
    const err = await errorOf(() => new ConfigLoader({ cwd: join(root, 'pkg') }).forFile(join(root, 'pkg/m/1.sql')));
    expect(err.message).toBe(`${join(root, 'godwit.config.json')}: "preset" must be one of recommended, strict, all (got "lax")`);
  });
});

describe('--config', () => {
  it('loads exactly that file for every linted file, with no search', async () => {
    const root = project({
      'godwit.config.json': { pgVersion: 13 },
      'pkg/godwit.config.json': { pgVersion: 14 },
      'ci/godwit.ci.json': { pgVersion: 17, preset: 'strict' },
    });
    const loader = new ConfigLoader({ cwd: root, explicitPath: 'ci/godwit.ci.json' });
    const expected: ResolvedConfig = { config: { pgVersion: 17, preset: 'strict' }, file: join(root, 'ci/godwit.ci.json'), dir: join(root, 'ci') };
    expect(await loader.forFile(join(root, 'pkg/m/1.sql'))).toEqual(expected);
    expect(await loader.forFile('/somewhere/else/2.sql')).toEqual(expected);
  });

  it('any supported form works, including package.json (which must then have the key)', async () => {
    const root = project({
      'conf.mjs': 'export default { runner: "flyway" };',
      'package.json': { name: 'x' },
      'conf.ts': 'export default { transaction: "none" as const };',
    });
    expect((await new ConfigLoader({ cwd: root, explicitPath: 'conf.mjs' }).forFile('a.sql')).config).toEqual({ runner: 'flyway' });
    expect((await new ConfigLoader({ cwd: root, explicitPath: 'conf.ts' }).forFile('a.sql')).config).toEqual({ transaction: 'none' });
    const err = await errorOf(() => new ConfigLoader({ cwd: root, explicitPath: 'package.json' }).forFile('a.sql'));
    expect(err.message).toBe('package.json: has no "godwit" key');
  });

  it('a missing file is a ConfigError', async () => {
    const root = project({});
    for (const name of ['missing.json', 'missing.mjs', 'missing.ts']) {
      const err = await errorOf(() => new ConfigLoader({ cwd: root, explicitPath: name }).forFile('a.sql'));
      expect(err.message).toBe(`${name}: cannot read the config file: file not found`);
    }
  });
});

describe('validation messages', () => {
  it('accepts a full config', () => {
    const config = {
      $schema: './node_modules/godwit/schema/godwit.config.schema.json',
      pgVersion: 16,
      preset: 'strict',
      rules: { 'require-lock-timeout': 'off', 'no-drop-column': ['error', { reason: 'x' }], 'prefer-text': 'warn' },
      runner: 'golang-migrate',
      transaction: 'implicit',
      lockTimeout: 'runner',
      include: ['db/migrations/**/*.sql'],
      exclude: ['db/migrations/legacy'],
      schema: 'db/schema.sql',
    };
    expect(validateConfig(config, 'godwit.config.json')).toEqual(config);
    expect(validateConfig({}, 'godwit.config.json')).toEqual({});
  });

  it('bad preset', async () => {
    expect(await invalid({ preset: 'lax' })).toBe('godwit.config.json: "preset" must be one of recommended, strict, all (got "lax")');
  });

  it('bad runner / transaction / lockTimeout list the allowed values', async () => {
    expect(await invalid({ runner: 'rails' })).toBe(
      'godwit.config.json: "runner" must be one of auto, plain, prisma, drizzle, golang-migrate, flyway, goose, dbmate, node-pg-migrate, knex, typeorm, mikro-orm, sequelize, kysely, atlas, diesel, alembic, django (got "rails")',
    );
    expect(await invalid({ transaction: 'yes' })).toBe('godwit.config.json: "transaction" must be one of auto, none, file, all, implicit (got "yes")');
    expect(await invalid({ lockTimeout: '2s' })).toBe('godwit.config.json: "lockTimeout" must be "runner" (got "2s")');
  });

  it('unknown rule id names it and suggests the closest id', async () => {
    expect(await invalid({ rules: { 'require-concurent-index': 'error' } })).toBe(
      'godwit.config.json: unknown rule "require-concurent-index" in "rules"; did you mean "require-concurrent-index"?',
    );
    expect(await invalid({ rules: { 'godwit/no-truncate': 'error' } })).toBe(
      'godwit.config.json: unknown rule "godwit/no-truncate" in "rules"; did you mean "no-truncate"?',
    );
    expect(await invalid({ rules: { semi: 'error' } })).toBe(
      "godwit.config.json: unknown rule \"semi\" in \"rules\" (run 'godwit rules' to list the rule ids)",
    );
  });

  it('bad severity', async () => {
    expect(await invalid({ rules: { 'no-truncate': 'warning' } })).toBe(
      'godwit.config.json: "rules.no-truncate" must be one of off, warn, error (got "warning")',
    );
    expect(await invalid({ rules: { 'no-truncate': 2 } })).toBe(
      'godwit.config.json: "rules.no-truncate" must be "off", "warn" or "error", or [severity, options] (got 2)',
    );
  });

  it('bad rule tuple', async () => {
    expect(await invalid({ rules: { 'no-truncate': ['warning', {}] } })).toBe(
      'godwit.config.json: "rules.no-truncate[0]" must be one of off, warn, error (got "warning")',
    );
    expect(await invalid({ rules: { 'no-truncate': ['warn', 'x'] } })).toBe(
      'godwit.config.json: "rules.no-truncate[1]" must be an object of rule options (got "x")',
    );
    expect(await invalid({ rules: { 'no-truncate': ['warn'] } })).toBe(
      'godwit.config.json: "rules.no-truncate" must be a [severity, options] pair (got ["warn"])',
    );
    expect(await invalid({ rules: { 'no-truncate': ['warn', {}, 1] } })).toBe(
      'godwit.config.json: "rules.no-truncate" must be a [severity, options] pair (got ["warn",{},1])',
    );
    expect(await invalid({ rules: ['no-truncate'] })).toBe(
      'godwit.config.json: "rules" must be an object mapping rule ids to "off", "warn", "error" or [severity, options] (got ["no-truncate"])',
    );
  });

  it('unknown key', async () => {
    expect(await invalid({ pgversion: 15 })).toBe('godwit.config.json: unknown key "pgversion"; did you mean "pgVersion"?');
    expect(await invalid({ extends: 'x' })).toBe(
      'godwit.config.json: unknown key "extends" (allowed keys: $schema, pgVersion, dialect, mysqlVersion, preset, rules, runner, transaction, lockTimeout, include, exclude, schema, searchPath, stats, smallTable)',
    );
  });

  it('pgVersion must be an integer major version', async () => {
    const msg = (got: string) => `godwit.config.json: "pgVersion" must be a PostgreSQL major version: an integer from 9 to 99 (got ${got})`;
    expect(await invalid({ pgVersion: 15.5 })).toBe(msg('15.5'));
    expect(await invalid({ pgVersion: '15' })).toBe(msg('"15"'));
    expect(await invalid({ pgVersion: 8 })).toBe(msg('8'));
    expect(await invalid({ pgVersion: 100 })).toBe(msg('100'));
  });

  it('include / exclude / schema types', async () => {
    expect(await invalid({ include: 'db/**' })).toBe('godwit.config.json: "include" must be an array of glob strings (got "db/**")');
    expect(await invalid({ exclude: ['a', 3] })).toBe('godwit.config.json: "exclude[1]" must be a non-empty glob string (got 3)');
    expect(await invalid({ exclude: [''] })).toBe('godwit.config.json: "exclude[0]" must be a non-empty glob string (got "")');
    expect(await invalid({ schema: '' })).toBe('godwit.config.json: "schema" must be a non-empty path to a pg_dump --schema-only file (got "")');
  });

  it('the config must be an object', async () => {
    expect(await invalid([1])).toBe('godwit.config.json: the config must be an object (got [1])');
    expect(await invalid(null)).toBe('godwit.config.json: the config must be an object (got null)');
  });

  it('lists every problem, one line each, with the file name', async () => {
    const err = await errorOf(() => validateConfig({ preset: 'lax', pgVersion: 'x', foo: 1 }, 'godwit.config.json'));
    expect(err.problems).toHaveLength(3);
    expect(err.message.split('\n')).toEqual([
      'godwit.config.json: "pgVersion" must be a PostgreSQL major version: an integer from 9 to 99 (got "x")',
      'godwit.config.json: "preset" must be one of recommended, strict, all (got "lax")',
      'godwit.config.json: unknown key "foo" (allowed keys: $schema, pgVersion, dialect, mysqlVersion, preset, rules, runner, transaction, lockTimeout, include, exclude, schema, searchPath, stats, smallTable)',
    ]);
  });

  it('key paths in package.json start at "godwit"', async () => {
    const root = project({ 'package.json': { name: 'x', godwit: { preset: 'lax', rules: { 'no-truncat': 'off' } } } });
    const err = await errorOf(() => new ConfigLoader({ cwd: root }).forFile('a.sql'));
    expect(err.message.split('\n')).toEqual([
      'package.json: "godwit.preset" must be one of recommended, strict, all (got "lax")',
      'package.json: unknown rule "no-truncat" in "godwit.rules"; did you mean "no-truncate"?',
    ]);
    const bad = project({ 'package.json': { godwit: 'strict' } });
    expect((await errorOf(() => new ConfigLoader({ cwd: bad }).forFile('a.sql'))).message).toBe(
      'package.json: "godwit" must be an object (got "strict")',
    );
  });

  it('rule entries a JS config leaves undefined are dropped', async () => {
    const root = project({ 'godwit.config.mjs': "export default { rules: { 'no-truncate': undefined, 'prefer-text': 'warn' } };" });
    expect((await new ConfigLoader({ cwd: root }).forFile('a.sql')).config).toEqual({ rules: { 'prefer-text': 'warn' } });
  });
});

describe('unparseable files', () => {
  const cases: Array<[string, string, string]> = [
    ['{\n  "preset": "strict"\n  "pgVersion": 15\n}\n', '3:3', "expected ','"],
    ['{\n  "preset": }\n', '2:13', 'expected a value'],
    ['{"preset": "strict",}', '1:21', 'expected a property name in double quotes (trailing commas are not allowed)'],
    ['{\n  // comment\n}', '2:3', 'comments are not allowed in JSON'],
    ['', '1:1', 'expected a value'],
    ['{"pgVersion": 15} x', '1:19', 'unexpected character'],
    ['{"pgVersion": 15}\n{}', '2:1', 'unexpected content after the end of the JSON value'],
  ];
  for (const [text, pos, what] of cases) {
    it(`bad JSON: ${what} at ${pos}`, async () => {
      const root = project({ 'godwit.config.json': text });
      const err = await errorOf(() => new ConfigLoader({ cwd: root }).forFile('a.sql'));
      expect(err.message).toBe(`godwit.config.json:${pos}: invalid JSON: ${what}`);
      const [line, column] = pos.split(':').map(Number);
      expect([err.line, err.column]).toEqual([line, column]);
    });
  }

  it('a broken package.json in the search path is an error, not skipped', async () => {
    const root = project({ 'package.json': '{"name": "x",}' });
    const err = await errorOf(() => new ConfigLoader({ cwd: root }).forFile('a.sql'));
    expect(err.message).toMatch(/^package\.json:1:14: invalid JSON: /);
  });

  it('a JS config that throws, does not parse, or has no default export', async () => {
    const root = project({
      'a/godwit.config.mjs': 'export default {',
      'b/godwit.config.js': 'throw new Error("boom");',
      'c/godwit.config.mjs': 'export const pgVersion = 15;',
      'd/godwit.config.ts': 'export default { pgVersion: 15 as number, } satisfies ;',
      'e/godwit.config.mjs': 'export default 15;',
    });
    const loader = new ConfigLoader({ cwd: root });
    expect((await errorOf(() => loader.forFile('a/x.sql'))).message).toMatch(/^a\/godwit\.config\.mjs: cannot load the config file: .+/);
    expect((await errorOf(() => loader.forFile('b/x.sql'))).message).toBe('b/godwit.config.js: cannot load the config file: boom');
    expect((await errorOf(() => loader.forFile('c/x.sql'))).message).toBe(
      'c/godwit.config.mjs: has no default export (write `export default { … }`)',
    );
    expect((await errorOf(() => loader.forFile('d/x.sql'))).message).toMatch(/^d\/godwit\.config\.ts: cannot load the config file: /);
    expect((await errorOf(() => loader.forFile('e/x.sql'))).message).toBe('e/godwit.config.mjs: the config must be an object (got 15)');
  });

  it('loadConfigFile loads one file directly', async () => {
    const root = project({ 'x.json': { preset: 'all' }, 'package.json': { name: 'n' } });
    expect(await loadConfigFile(join(root, 'x.json'))).toEqual({ preset: 'all' });
    expect(await loadConfigFile(join(root, 'package.json'))).toBeUndefined();
  });
});

describe('include / exclude', () => {
  const root = '/repo/pkg';
  const resolved = (config: ResolvedConfig['config']): ResolvedConfig => ({ config, file: `${root}/godwit.config.json`, dir: root });

  it('no include / exclude: every file', () => {
    expect(isIncluded(resolved({}), '/repo/pkg/a.sql')).toBe(true);
    expect(isIncluded(resolved({ include: [], exclude: [] }), '/elsewhere/a.sql')).toBe(true);
  });

  it('include globs are relative to the config directory', () => {
    const r = resolved({ include: ['db/migrations/**/*.sql'] });
    expect(isIncluded(r, '/repo/pkg/db/migrations/001.sql')).toBe(true);
    expect(isIncluded(r, '/repo/pkg/db/migrations/2024/001.sql')).toBe(true);
    expect(isIncluded(r, '/repo/pkg/db/seeds/001.sql')).toBe(false);
    expect(isIncluded(r, '/repo/db/migrations/001.sql')).toBe(false); // outside the config directory
    expect(isIncluded(resolved({ include: ['./db/migrations/*.sql'] }), '/repo/pkg/db/migrations/001.sql')).toBe(true);
  });

  it('exclude wins over include; a directory pattern covers what is under it', () => {
    const r = resolved({ include: ['db/**'], exclude: ['db/migrations/legacy', '**/*.down.sql'] });
    expect(isIncluded(r, '/repo/pkg/db/migrations/001.sql')).toBe(true);
    expect(isIncluded(r, '/repo/pkg/db/migrations/legacy/001.sql')).toBe(false);
    expect(isIncluded(r, '/repo/pkg/db/migrations/legacy/old/002.sql')).toBe(false);
    expect(isIncluded(r, '/repo/pkg/db/migrations/003.down.sql')).toBe(false);
    expect(isIncluded(resolved({ include: ['db/migrations/'] }), '/repo/pkg/db/migrations/x/1.sql')).toBe(true);
  });

  it('dot directories match like any other', () => {
    expect(isIncluded(resolved({ exclude: ['**/tmp/**'] }), '/repo/pkg/.cache/tmp/1.sql')).toBe(false);
    expect(isIncluded(resolved({ include: ['**/*.sql'] }), '/repo/pkg/.db/1.sql')).toBe(true);
  });

  it('works with a loaded config', async () => {
    const dir = project({ 'godwit.config.json': { exclude: ['migrations/0*_seed.sql'] } });
    const loader = new ConfigLoader({ cwd: dir });
    const a = join(dir, 'migrations/001_init.sql');
    const b = join(dir, 'migrations/002_seed.sql');
    expect(isIncluded(await loader.forFile(a), a)).toBe(true);
    expect(isIncluded(await loader.forFile(b), b)).toBe(false);
  });
});

describe('JSON Schema', () => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  const validate = ajv.compile(configJsonSchema);

  it('is draft-07 with every config key and every rule id', () => {
    expect(configJsonSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const props = configJsonSchema.properties as Record<string, any>;
    expect(Object.keys(props)).toEqual(['$schema', 'pgVersion', 'dialect', 'mysqlVersion', 'preset', 'rules', 'runner', 'transaction', 'lockTimeout', 'include', 'exclude', 'schema', 'searchPath', 'stats', 'smallTable']);
    expect(Object.keys(props.rules.properties)).toContain('require-concurrent-index');
    expect(props.rules.properties['require-concurrent-index'].description).toMatch(/Default: "error" in recommended/);
  });

  it('validates a good config', () => {
    const good = {
      $schema: './node_modules/godwit/schema/godwit.config.schema.json',
      pgVersion: 16,
      preset: 'recommended',
      rules: { 'require-lock-timeout': 'off', 'no-drop-column': ['error', { reason: 'contract' }] },
      runner: 'drizzle',
      transaction: 'file',
      lockTimeout: 'runner',
      include: ['db/**/*.sql'],
      exclude: ['db/legacy'],
      schema: 'db/schema.sql',
    };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({})).toBe(true);
  });

  it('rejects what validateConfig rejects', async () => {
    const bad: unknown[] = [
      { preset: 'lax' },
      { pgVersion: 15.5 },
      { pgVersion: 8 },
      { rules: { 'no-such-rule': 'error' } },
      { rules: { 'no-truncate': 'warning' } },
      { rules: { 'no-truncate': ['warn'] } },
      { rules: { 'no-truncate': ['warn', 3] } },
      { unknown: true },
      { include: 'x' },
      { lockTimeout: '2s' },
      [],
    ];
    for (const value of bad) {
      expect(validate(value), JSON.stringify(value)).toBe(false);
      await invalid(value);
    }
  });

  it('the built schema file matches (when the build has written it)', () => {
    const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'godwit.config.schema.json');
    if (!existsSync(file)) return;
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(configJsonSchema);
  });
});
