/**
 * The ESLint plugin on real projects, through ESLint's own `ESLint` class (flat config,
 * `overrideConfigFile: true` + `overrideConfig: configs.*`): the same findings as
 * `godwit lint` (rule ids, positions, severities, messages, fixes) for every runner layout in
 * fixtures/, the godwit config file read the same way, history replayed from the migration
 * root (and re-read when a migration changes), and `settings.godwit`.
 */
import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';
import { mkdtempSync, mkdirSync, writeFileSync, utimesSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import plugin from '../src/eslint/index.js';
import { lintProject } from '../src/project.js';
import type { Finding, PresetName } from '../src/engine/types.js';

const root = resolve(import.meta.dirname, '..');

type Config = ESLint.Options['overrideConfig'];

async function eslintOn(paths: string[], cwd: string, preset: PresetName = 'recommended', extra: object[] = []) {
  // (fixtures may carry directives for other plugins' rules: ESLint would report them unused)
  extra = [{ linterOptions: { reportUnusedDisableDirectives: 'off' } }, ...extra];
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [...plugin.configs[preset], ...extra] as Config });
  return eslint.lintFiles(paths);
}

/** A temporary project: files by relative path; a `.git` directory stops the config search. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-eslint-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** What must agree between the CLI and ESLint for one message. */
function shape(m: { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; severity: number; message: string; fix?: unknown; suggestions?: unknown[] }) {
  return {
    ruleId: m.ruleId?.replace(/^godwit\//, ''),
    line: m.line,
    column: m.column,
    endLine: m.endLine,
    endColumn: m.endColumn,
    severity: m.severity,
    message: m.message,
    fix: m.fix,
    suggestions: m.suggestions?.length ?? 0,
  };
}

async function compare(dir: string, preset: PresetName, cwd = root) {
  const cli = await lintProject([dir], { cwd, overrides: { preset } });
  const viaEslint = await eslintOn([dir], cwd, preset);
  const fromCli = new Map(cli.results.map((r) => [r.filePath, r.messages.map(shape)]));
  const fromEslint = new Map(viaEslint.map((r) => [r.filePath, r.messages.map((m) => shape(m as never))]));
  // every file godwit lints, ESLint lints with the same messages…
  for (const [file, messages] of fromCli) expect({ file, messages: fromEslint.get(file) }).toEqual({ file, messages });
  // …and the other SQL files ESLint sees (down scripts, files the runner ignores) get none
  for (const [file, messages] of fromEslint) if (!fromCli.has(file)) expect({ file, messages }).toEqual({ file, messages: [] });
  return { cli: cli.results, eslint: viaEslint };
}

describe('ESLint and godwit lint agree', () => {
  const layouts = ['atlas', 'dbmate', 'diesel', 'drizzle', 'flyway', 'golang-migrate', 'goose', 'node-pg-migrate', 'plain', 'plain-folders', 'pop', 'prisma'];
  for (const layout of layouts) {
    it(`on the ${layout} fixtures (preset all)`, async () => {
      const { cli } = await compare(join(root, 'fixtures', 'runners', layout), 'all');
      expect(cli.length).toBeGreaterThan(0);
    });
  }

  it('on pop files linted one at a time (an editor): a dialect-less file is PostgreSQL, whichever file came first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-eslint-pop-'));
    mkdirSync(join(dir, '.git'));
    cpSync(join(root, 'fixtures', 'runners', 'pop'), dir, { recursive: true });
    const m = (n: string) => join(dir, 'migrations', n);
    const cli = await lintProject([dir], { cwd: dir, overrides: { preset: 'all' } });
    const want = (f: string) => cli.results.find((r) => r.filePath === f)!.messages.map(shape);
    // the MySQL file first (its root is found and kept), then the file both dialects apply
    for (const f of [m('20200101000000000000_identities.mysql.up.sql'), m('20200301000000000000_identities_state.up.sql')]) {
      const [r] = await eslintOn([f], dir, 'all');
      expect({ f, messages: r.messages.map((x) => shape(x as never)) }).toEqual({ f, messages: want(f) });
    }
    expect(want(m('20200301000000000000_identities_state.up.sql')).map((x) => x.ruleId)).toContain('require-lock-timeout');
  });

  it('on the history fixture: the history of each migration is its root’s earlier migrations', async () => {
    const { eslint } = await compare(join(root, 'fixtures', 'project', 'history'), 'recommended');
    const byName = (n: string) => eslint.find((r) => r.filePath.endsWith(n))!.messages.map((m) => m.ruleId);
    expect(byName('0002_widen_name.up.sql')).not.toContain('godwit/no-column-type-change');
    expect(byName('0003_narrow_name.up.sql')).toContain('godwit/no-column-type-change');
    expect(byName('0001_create_users.down.sql')).toEqual([]); // a down script is not an up migration
  });

  it('on a monorepo: each package’s nearest godwit config', async () => {
    await compare(join(root, 'fixtures', 'project', 'config-monorepo'), 'recommended');
  });

  it('on a project of their own, with fixes, suggestions, suppressions and a syntax error', async () => {
    const dir = project({
      'godwit.config.json': JSON.stringify({ pgVersion: 11, rules: { 'no-drop-table': 'off' } }),
      'db/migrations/000001_users.up.sql': 'CREATE TABLE users (id int PRIMARY KEY, name varchar(40), bio json);\n',
      'db/migrations/000002_changes.up.sql': [
        '-- naïve 😀 comment: columns count UTF-16 code units',
        "ALTER TABLE users ADD COLUMN created timestamp DEFAULT now(); CREATE INDEX users_name ON users (name);",
        'DROP TABLE legacy;',
        '-- godwit-ignore no-truncate -- emptied by the cleanup job',
        'TRUNCATE users;',
        'SELEC 1;',
        'REINDEX TABLE users;',
        'ALTER TABLE users ALTER COLUMN name TYPE varchar(80);',
      ].join('\n'),
      'db/migrations/000002_changes.down.sql': 'DROP TABLE users;\n',
    });
    for (const preset of ['recommended', 'strict', 'all'] as const) {
      const { eslint } = await compare(join(dir, 'db'), preset, dir);
      const ids = eslint.find((r) => r.filePath.endsWith('000002_changes.up.sql'))!.messages.map((m) => m.ruleId);
      expect(ids).toContain('godwit/syntax-error');
      expect(ids).not.toContain('godwit/no-drop-table'); // off in the godwit config
      expect(ids).not.toContain('godwit/no-truncate'); // godwit-ignore
      expect(ids).not.toContain('godwit/require-concurrent-reindex'); // PostgreSQL 11 from the config
      expect(ids).not.toContain('godwit/no-column-type-change'); // varchar(40) → varchar(80), known from 000001
    }
  });
  it('on a root that mixes dialects: a MySQL file is not PostgreSQL history (synapse delta/16 then delta/17)', async () => {
    // 0002 is MySQL (BIGINT UNSIGNED does not parse as PostgreSQL): its index lives in the MySQL
    // catalog, so the PostgreSQL DROP INDEX of 0003 does not know its table, in both
    const dir = project({
      'migrations/0001_users.sql': 'CREATE TABLE user_ips (user_id text NOT NULL);\n',
      'migrations/0002_sqlite_style.sql': 'CREATE TABLE IF NOT EXISTS t2 (last_seen BIGINT UNSIGNED NOT NULL);\nCREATE INDEX IF NOT EXISTS user_ips_user ON user_ips(user_id);\n',
      'migrations/0003_drop.sql': 'DROP INDEX IF EXISTS user_ips_user;\n',
    });
    const { eslint } = await compare(join(dir, 'migrations'), 'recommended', dir);
    const drop = eslint.find((r) => r.filePath.endsWith('0003_drop.sql'))!.messages.find((m) => m.ruleId === 'godwit/require-concurrent-index-drop');
    expect(drop?.message.split('\n')[0]).toBe('DROP INDEX without CONCURRENTLY locks its table ACCESS EXCLUSIVE.');
  });
});

describe('the godwit config, as the CLI reads it', () => {
  const migration = "SET lock_timeout = '2s';\nREINDEX TABLE users;\nTRUNCATE users;\n";
  const idsOf = async (dir: string, file: string, extra: object[] = []) => (await eslintOn([file], dir, 'recommended', extra))[0].messages.map((m) => m.ruleId);

  it('package.json "godwit" key, nearest config wins, no merging', async () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'x', godwit: { pgVersion: 11 } }),
      'a/m.sql': migration,
      'b/godwit.config.json': JSON.stringify({ rules: { 'no-truncate': 'off' } }),
      'b/m.sql': migration,
    });
    expect(await idsOf(dir, 'a/m.sql')).toEqual(['godwit/no-truncate']);
    expect(await idsOf(dir, 'b/m.sql')).toEqual(['godwit/require-concurrent-reindex']);
  });

  it('godwit.config.ts and .mjs are loaded synchronously', async () => {
    const dir = project({
      'base.mjs': 'export default { pgVersion: 11 };\n',
      'godwit.config.ts': "import base from './base.mjs';\nconst rules: Record<string, 'off'> = { 'no-truncate': 'off' };\nexport default { ...base, rules };\n",
      'm.sql': migration,
    });
    expect(await idsOf(dir, 'm.sql')).toEqual([]);
  });

  it('a config ESLint cannot load synchronously, or an invalid one, is an error naming the file', async () => {
    const tla = project({ 'godwit.config.mjs': 'await Promise.resolve();\nexport default {};\n', 'm.sql': migration });
    await expect(idsOf(tla, 'm.sql')).rejects.toThrow(/godwit\.config\.mjs: cannot load the config file in ESLint \(synchronously\)/);
    const invalid = project({ 'godwit.config.json': '{ "preset": "lax" }', 'm.sql': migration });
    await expect(idsOf(invalid, 'm.sql')).rejects.toThrow(/godwit\.config\.json: "preset" must be one of recommended, strict, all \(got "lax"\)/);
  });

  it('include/exclude leave files out, as for `godwit lint <dir>`', async () => {
    const dir = project({ 'godwit.config.json': JSON.stringify({ exclude: ['legacy'] }), 'legacy/m.sql': migration, 'm.sql': migration });
    expect(await idsOf(dir, 'legacy/m.sql')).toEqual([]);
    expect(await idsOf(dir, 'm.sql')).toEqual(['godwit/require-concurrent-reindex', 'godwit/no-truncate']);
  });

  it('settings.godwit: flags for ESLint (pgVersion, configFile), checked', async () => {
    const dir = project({ 'other.json': JSON.stringify({ rules: { 'no-truncate': 'off' } }), 'm.sql': migration });
    expect(await idsOf(dir, 'm.sql', [{ settings: { godwit: { pgVersion: 11 } } }])).toEqual(['godwit/no-truncate']);
    expect(await idsOf(dir, 'm.sql', [{ settings: { godwit: { configFile: 'other.json' } } }])).toEqual(['godwit/require-concurrent-reindex']);
    await expect(idsOf(dir, 'm.sql', [{ settings: { godwit: { pgversion: 11 } } }])).rejects.toThrow(/settings\.godwit: unknown key "pgversion"/);
    await expect(idsOf(dir, 'm.sql', [{ settings: { godwit: { runner: 'rails' } } }])).rejects.toThrow(/settings\.godwit\.runner must be auto or a runner name/);
  });
});

describe('history in a long-lived ESLint (an editor)', () => {
  it('an unsaved buffer is linted with its root’s history, which is re-read when a migration changes', async () => {
    const dir = project({
      'migrations/000001_users.up.sql': 'CREATE TABLE users (id bigint, name varchar(40));\n',
      'migrations/000003_widen.up.sql': '',
    });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Config });
    const buffer = "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(80);\n";
    const lintBuffer = async () => (await eslint.lintText(buffer, { filePath: join(dir, 'migrations/000003_widen.up.sql') }))[0].messages.map((m) => m.ruleId);
    expect(await lintBuffer()).toEqual([]); // widening varchar(40): no rewrite
    // an earlier migration changes: name is now text, and varchar(80) is a rewrite
    const first = join(dir, 'migrations/000001_users.up.sql');
    writeFileSync(first, 'CREATE TABLE users (id bigint, name text);\n');
    utimesSync(first, new Date(), new Date(Date.now() + 5_000));
    expect(await lintBuffer()).toEqual(['godwit/no-column-type-change']);
    // a migration is added before it
    writeFileSync(join(dir, 'migrations/000002_more.up.sql'), 'ALTER TABLE users ALTER COLUMN name TYPE varchar(10);\n');
    utimesSync(join(dir, 'migrations'), new Date(), new Date(Date.now() + 10_000));
    expect(await lintBuffer()).toEqual([]);
    // and edited
    writeFileSync(join(dir, 'migrations/000002_more.up.sql'), 'ALTER TABLE users ALTER COLUMN name TYPE text;\n');
    utimesSync(join(dir, 'migrations/000002_more.up.sql'), new Date(), new Date(Date.now() + 15_000));
    expect(await lintBuffer()).toEqual(['godwit/no-column-type-change']);
  });

  it('one ESLint instance linting a whole root twice: a history file changed between the runs is seen', async () => {
    // (checkpoints of the history replay are kept between runs; the stamps decide what is still valid)
    const files: Record<string, string> = { 'migrations/000001_users.up.sql': 'CREATE TABLE users (id bigint, name varchar(40));\n' };
    for (let i = 2; i < 70; i++) files[`migrations/${String(i).padStart(6, '0')}_t${i}.up.sql`] = `CREATE TABLE t${i} (id bigint);\n`;
    files['migrations/000070_widen.up.sql'] = "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(80);\n";
    const dir = project(files);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Config });
    const findings = async () => (await eslint.lintFiles(['migrations'])).flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)} ${m.ruleId}`));
    expect(await findings()).toEqual([]);
    // the first migration changes (same size, so only the modification time tells)
    const first = join(dir, 'migrations/000001_users.up.sql');
    writeFileSync(first, 'CREATE TABLE users (id bigint, name varchar(10));\n');
    utimesSync(first, new Date(), new Date(Date.now() + 5_000));
    expect(await findings()).toEqual([]); // widening varchar(10) to varchar(80): still no rewrite
    writeFileSync(first, 'CREATE TABLE users (id bigint, name text);\n');
    utimesSync(first, new Date(), new Date(Date.now() + 10_000));
    expect(await findings()).toEqual(['migrations/000070_widen.up.sql godwit/no-column-type-change']);
    // a migration in the middle (past a checkpoint) changes the column back
    const middle = join(dir, 'migrations/000050_t50.up.sql');
    writeFileSync(middle, "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(40);\n");
    utimesSync(middle, new Date(), new Date(Date.now() + 15_000));
    expect(await findings()).toEqual(['migrations/000050_t50.up.sql godwit/no-column-type-change']);
  });

  it('a new migration not yet on disk gets the history of every migration in its folder', async () => {
    const dir = project({ 'migrations/000001_users.up.sql': 'CREATE TABLE users (id bigint, name varchar(40));\n' });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Config });
    const [r] = await eslint.lintText("SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(80);\n", { filePath: join(dir, 'migrations/000002_widen.up.sql') });
    expect(r.messages).toEqual([]);
    const [alone] = await eslint.lintText("SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(80);\n", { filePath: join(dir, 'elsewhere/x.sql') });
    expect(alone.messages.map((m) => m.ruleId)).toEqual(['godwit/no-column-type-change']);
  });
});

describe('fixing through ESLint', () => {
  it('eslint --fix writes the same text as applying godwit’s fixes', async () => {
    const text = 'CREATE INDEX users_email ON users (email);\nALTER TABLE orders DROP CONSTRAINT x;\n';
    const dir = project({ 'm.sql': text });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Config, fix: true });
    const [r] = await eslint.lintFiles(['m.sql']);
    expect(r.output).toBe("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email ON users (email);\nALTER TABLE orders DROP CONSTRAINT x;\n");
    const cli = await lintProject([join(dir, 'm.sql')], { cwd: dir, overrides: {} });
    const fixes = cli.results[0].messages.filter((m): m is Finding & { fix: NonNullable<Finding['fix']> } => !!m.fix);
    expect(fixes.map((m) => m.ruleId).sort()).toEqual(['require-concurrent-index', 'require-lock-timeout']);
  });
});

describe('JS/TS migrations', () => {
  const runners = ['typeorm', 'knex', 'kysely', 'mikro-orm', 'node-pg-migrate', 'sequelize'];
  for (const runner of runners) {
    it(`${runner}: ESLint (@typescript-eslint/parser) and godwit lint agree on the extracted SQL`, async () => {
      const dir = project({});
      cpSync(join(root, 'fixtures', 'extract', runner), join(dir, 'db', 'migrations'), { recursive: true });
      const { cli, eslint } = await compare(join(dir, 'db'), 'recommended', dir);
      expect(cli.some((r) => /\.[cm]?[jt]s$/.test(r.filePath))).toBe(true);
      expect(eslint.some((r) => /\.[cm]?[jt]s$/.test(r.filePath) && r.messages.length > 0)).toBe(true);
    });
  }

  // builder calls (fixtures/builders/<tool>: history, invalid and valid operations in one folder):
  // the same rule ids at the same positions (the whole call), messages, severities and fixes
  for (const tool of ['knex', 'sequelize', 'node-pg-migrate', 'typeorm', 'kysely']) {
    it(`${tool}: ESLint and godwit lint agree on translated builder calls`, async () => {
      const dir = project({});
      const target = join(dir, 'db', 'migrations');
      for (const kind of ['history', 'invalid', 'valid']) cpSync(join(root, 'fixtures', 'builders', tool, kind), target, { recursive: true });
      const { eslint } = await compare(join(dir, 'db'), 'recommended', dir);
      const ids = eslint.flatMap((r) => r.messages.map((m) => m.ruleId));
      expect(ids).toEqual(expect.arrayContaining(['godwit/require-concurrent-index', 'godwit/no-rename-column', 'godwit/dynamic-sql'].filter((id) => tool !== 'node-pg-migrate' || id !== 'godwit/dynamic-sql')));
      // and the fix of a builder call (Sequelize runs addIndex outside a transaction: `concurrently: true`) reaches ESLint too
      if (tool === 'sequelize') expect(eslint.some((r) => r.messages.some((m) => m.ruleId === 'godwit/require-concurrent-index' && m.fix?.text.includes('concurrently: true')))).toBe(true);
    });
  }

  it('a TypeORM migration: findings inside the template literal, history from the earlier migrations, fixes in the string', async () => {
    const dir = project({
      'src/migration/1700000000000-CreateUsers.ts': [
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class CreateUsers1700000000000 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`CREATE TABLE users (id bigint PRIMARY KEY, name varchar(40))`);',
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {}',
        '}',
        '',
      ].join('\n'),
      'src/migration/1700000000001-Widen.ts': [
        "import { MigrationInterface, QueryRunner } from 'typeorm';",
        'export class Widen1700000000001 implements MigrationInterface {',
        '  public async up(queryRunner: QueryRunner): Promise<void> {',
        "    await queryRunner.query(`SET lock_timeout = '2s'`);",
        '    await queryRunner.query(`ALTER TABLE users ALTER COLUMN name TYPE varchar(80)`);',
        '    // eslint-disable-next-line godwit/no-truncate -- emptied by the cleanup job',
        '    await queryRunner.query(`TRUNCATE users`);',
        '    await queryRunner.query(`CREATE INDEX users_name ON users (name)`);',
        '  }',
        '  public async down(queryRunner: QueryRunner): Promise<void> {}',
        '}',
        '',
      ].join('\n'),
    });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Config });
    const [r] = await eslint.lintFiles(['src/migration/1700000000001-Widen.ts']);
    // varchar(40) → varchar(80) is known from the first migration: no type-change finding;
    // TRUNCATE is disabled by an ESLint comment; CREATE INDEX runs in TypeORM's transaction,
    // after TRUNCATE took its ACCESS EXCLUSIVE lock
    expect(r.messages.map((m) => [m.ruleId, m.line, m.column, m.endColumn])).toEqual([
      ['godwit/no-slow-op-under-lock', 8, 30, 69],
      ['godwit/require-concurrent-index', 8, 30, 69],
    ]);
    expect(r.suppressedMessages.map((m) => [m.ruleId, m.line, m.column])).toEqual([['godwit/no-truncate', 7, 30]]);
    const cli = await lintProject([join(dir, 'src/migration/1700000000001-Widen.ts')], { cwd: dir, overrides: {} });
    expect(cli.results[0].messages.map((m) => [m.ruleId, m.line, m.column, m.endColumn])).toEqual([
      ['no-slow-op-under-lock', 8, 30, 69],
      ['require-concurrent-index', 8, 30, 69],
    ]);
  });

  it('eslint --fix edits the SQL inside the string literal', async () => {
    const migration = [
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      'export class AddBio1700000000002 implements MigrationInterface {',
      '  public async up(queryRunner: QueryRunner): Promise<void> {',
      "    await queryRunner.query('ALTER TABLE users ADD COLUMN bio varchar(200)');",
      '  }',
      '  public async down(queryRunner: QueryRunner): Promise<void> {}',
      '}',
      '',
    ].join('\n');
    const dir = project({ 'src/migration/1700000000002-AddBio.ts': migration });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.strict as Config, fix: true });
    const [r] = await eslint.lintFiles(['src/migration/1700000000002-AddBio.ts']);
    expect(r.output).toBe(migration.replace('bio varchar(200)', 'bio text'));
  });
});
