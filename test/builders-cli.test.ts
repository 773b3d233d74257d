/**
 * Builder calls through the built binary: fixes of the calls themselves (`{ concurrently: true }`,
 * `isConcurrent: true`, a knex.raw suggestion) only where they can run, each tool's transaction
 * semantics (knexfile, config.transaction, noTransaction(), `{ transaction }`, TypeORM
 * `transaction = false`), the coverage in every format, a single file outside a migration folder,
 * and `godwit plan` / `godwit trace` on Knex and Sequelize migrations.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

function godwit(args: string[], cwd: string) {
  const env = { ...process.env, NO_COLOR: '1' } as Record<string, string>;
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, cwd });
  expect(r.stderr).not.toContain('internal error');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Message {
  ruleId: string;
  line: number;
  column: number;
  message: string;
  fix?: { range: [number, number]; text: string };
  suggestions?: Array<{ desc: string; fix: { range: [number, number]; text: string } }>;
}

function lintJson(cwd: string, paths: string[] = ['migrations'], extra: string[] = []): Array<{ filePath: string; messages: Message[]; stats?: { statements: number; unanalysable: number } }> {
  return JSON.parse(godwit(['lint', ...paths, '--format', 'json', '--rule', 'require-lock-timeout:off', ...extra], cwd).stdout);
}

/** A project with a .git folder (config search stops there) and the given files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-builders-cli-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const SEQ_HISTORY = "module.exports = { async up(queryInterface, Sequelize) { await queryInterface.createTable('users', { id: { type: Sequelize.UUID, primaryKey: true }, email: Sequelize.STRING }); } };\n";
const KNEX_HISTORY = "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.bigIncrements('id'); t.string('email'); });\n";

function rulesOf(results: ReturnType<typeof lintJson>, file: string): string[] {
  return results.find((r) => r.filePath.endsWith(file))!.messages.map((m) => m.ruleId);
}

describe('fixes of builder calls', () => {
  it('Sequelize addIndex / removeIndex: --fix adds `concurrently: true` (no transaction), and the result is clean', () => {
    const migration = "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.addIndex('users', ['email']);\n    await queryInterface.addIndex('users', ['id', 'email'], { name: 'users_id_email' });\n    await queryInterface.removeIndex('users', 'users_old');\n  },\n};\n";
    const dir = project({ 'migrations/20240101000000-users.js': SEQ_HISTORY, 'migrations/20240102000000-idx.js': migration });
    const before = lintJson(dir);
    expect(rulesOf(before, '20240102000000-idx.js')).toEqual(['require-concurrent-index', 'require-concurrent-index', 'require-concurrent-index-drop']);
    expect(godwit(['lint', 'migrations', '--fix', '--rule', 'require-lock-timeout:off'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'migrations/20240102000000-idx.js'), 'utf8')).toBe(
      "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.addIndex('users', ['email'], { concurrently: true });\n    await queryInterface.addIndex('users', ['id', 'email'], { concurrently: true, name: 'users_id_email' });\n    await queryInterface.removeIndex('users', 'users_old', { concurrently: true });\n  },\n};\n",
    );
    expect(rulesOf(lintJson(dir), '20240102000000-idx.js')).toEqual([]);
  });

  it('Sequelize addIndex inside `{ transaction }`: no fix (CONCURRENTLY cannot run there)', () => {
    const migration = "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.sequelize.transaction(async (transaction) => {\n      await queryInterface.addIndex('users', ['email'], { transaction });\n    });\n  },\n};\n";
    const dir = project({ 'migrations/20240101000000-users.js': SEQ_HISTORY, 'migrations/20240102000000-idx.js': migration });
    const m = lintJson(dir).find((r) => r.filePath.endsWith('idx.js'))!.messages.find((x) => x.ruleId === 'require-concurrent-index')!;
    expect(m.fix).toBeUndefined();
  });

  it('node-pg-migrate createIndex: a fix after pgm.noTransaction(), none in the default single transaction', () => {
    const history = "exports.up = (pgm) => { pgm.createTable('users', { id: 'id', email: 'text' }); };\n";
    const wrapped = "exports.up = (pgm) => {\n  pgm.createIndex('users', 'email');\n};\n";
    const dir = project({ 'migrations/1700000000000_users.js': history, 'migrations/1700000000001_idx.js': wrapped, 'migrations/1700000000002_idx2.js': "exports.up = (pgm) => {\n  pgm.noTransaction();\n  pgm.createIndex('users', 'id', { name: 'users_id2' });\n};\n" });
    const results = lintJson(dir);
    expect(results.find((r) => r.filePath.endsWith('_idx.js'))!.messages.find((m) => m.ruleId === 'require-concurrent-index')!.fix).toBeUndefined();
    const text = readFileSync(join(dir, 'migrations/1700000000002_idx2.js'), 'utf8');
    const fix = results.find((r) => r.filePath.endsWith('_idx2.js'))!.messages.find((m) => m.ruleId === 'require-concurrent-index')!.fix!;
    expect(text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1])).toContain("pgm.createIndex('users', 'id', { concurrently: true, name: 'users_id2' });");
  });

  it('TypeORM createIndex with `transaction = false`: `isConcurrent: true` in the TableIndex', () => {
    const history = "import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class A1700000000000 implements MigrationInterface { async up(q: QueryRunner) { await q.query('CREATE TABLE users (id int, email text)'); } async down() {} }\n";
    const migration = "import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';\nexport class B1700000000001 implements MigrationInterface {\n  transaction = false;\n  async up(queryRunner: QueryRunner) {\n    await queryRunner.createIndex('users', new TableIndex({ name: 'users_email', columnNames: ['email'] }));\n  }\n  async down() {}\n}\n";
    const dir = project({ 'src/migration/1700000000000-A.ts': history, 'src/migration/1700000000001-B.ts': migration });
    expect(godwit(['lint', 'src/migration', '--fix', '--rule', 'require-lock-timeout:off'], dir).code).toBe(0);
    expect(readFileSync(join(dir, 'src/migration/1700000000001-B.ts'), 'utf8')).toContain("new TableIndex({ isConcurrent: true, name: 'users_email', columnNames: ['email'] })");
  });

  it('Knex has no CONCURRENTLY: a suggestion to send the index with knex.raw, outside a transaction only', () => {
    const migration = "exports.config = { transaction: false };\nexports.up = async (knex) => {\n  await knex.schema.alterTable('users', (t) => {\n    t.index('email');\n  });\n};\n";
    const dir = project({ 'migrations/20240101000000_users.js': KNEX_HISTORY, 'migrations/20240102000000_idx.js': migration });
    const m = lintJson(dir).find((r) => r.filePath.endsWith('_idx.js'))!.messages.find((x) => x.ruleId === 'require-concurrent-index')!;
    expect(m.fix).toBeUndefined();
    expect(m.suggestions?.map((s) => s.fix.text)).toEqual(['knex.raw("CREATE INDEX CONCURRENTLY \\"users_email_index\\" ON \\"users\\" (\\"email\\")")']);
    // in Knex's transaction (the default) there is none
    writeFileSync(join(dir, 'migrations/20240102000000_idx.js'), migration.replace('exports.config = { transaction: false };\n', ''));
    const wrapped = lintJson(dir).find((r) => r.filePath.endsWith('_idx.js'))!.messages.find((x) => x.ruleId === 'require-concurrent-index')!;
    expect(wrapped.suggestions).toBeUndefined();
  });
});

describe('transactions of builder calls', () => {
  const knexConcurrently = "exports.up = async (knex) => {\n  await knex.schema.alterTable('users', (t) => { t.text('bio'); });\n  await knex.raw('CREATE INDEX CONCURRENTLY users_email_idx ON users (email)');\n};\n";

  it('Knex: inside its transaction by default; `migrations.disableTransactions` in the knexfile turns it off; a migration opts back in', () => {
    const files = { 'migrations/20240101000000_users.js': KNEX_HISTORY, 'migrations/20240102000000_idx.js': knexConcurrently };
    expect(rulesOf(lintJson(project(files)), '_idx.js')).toContain('no-concurrently-in-transaction');
    const off = project({ ...files, 'knexfile.js': "module.exports = {\n  development: { client: 'pg', migrations: { directory: './migrations', disableTransactions: true } },\n  production: { client: 'pg', migrations: { disableTransactions: true } },\n};\n", 'package.json': '{}' });
    expect(rulesOf(lintJson(off), '_idx.js')).not.toContain('no-concurrently-in-transaction');
    writeFileSync(join(off, 'migrations/20240102000000_idx.js'), `exports.config = { transaction: true };\n${knexConcurrently}`);
    expect(rulesOf(lintJson(off), '_idx.js')).toContain('no-concurrently-in-transaction');
  });

  it('Sequelize: each call on its own (CONCURRENTLY is fine without `{ transaction }`)', () => {
    const migration = "module.exports = {\n  async up(queryInterface, Sequelize) {\n    await queryInterface.addIndex('users', ['email'], { concurrently: true });\n    await queryInterface.changeColumn('users', 'email', { type: Sequelize.STRING, allowNull: false });\n  },\n};\n";
    const dir = project({ 'migrations/20240101000000-users.js': SEQ_HISTORY, 'migrations/20240102000000-m.js': migration });
    const ids = rulesOf(lintJson(dir), '-m.js');
    expect(ids).not.toContain('no-concurrently-in-transaction');
    expect(ids).toContain('no-set-not-null');
  });
});

describe('coverage in every format', () => {
  const dir = project({
    'migrations/20240101000000-users.js': SEQ_HISTORY,
    'migrations/20240102000000-m.js': "module.exports = {\n  async up(queryInterface, Sequelize) {\n    await queryInterface.addColumn('users', 'lang', { type: Sequelize.STRING, defaultValue: process.env.LANG });\n    await queryInterface.addIndex('users', ['email'], { concurrently: true });\n  },\n};\n",
  });

  it('stylish: a last line with files, statements and calls not analysable', () => {
    const r = godwit(['lint', 'migrations'], dir);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('2 files, 2 statements analysed, 1 call not analysable (dynamic-sql)');
  });

  it('json: stats per result', () => {
    expect(lintJson(dir).map((r) => r.stats)).toEqual([
      { statements: 1, unanalysable: 0 },
      { statements: 1, unanalysable: 1 },
    ]);
  });

  it('sarif: run properties; github: a notice; junit: testsuite properties; markdown: a line; gitlab: stderr', () => {
    const sarif = JSON.parse(godwit(['lint', 'migrations', '-f', 'sarif'], dir).stdout);
    expect(sarif.runs[0].properties.coverage).toEqual({ files: 2, statements: 2, unanalysable: 1 });
    expect(godwit(['lint', 'migrations', '-f', 'github'], dir).stdout).toContain('::notice title=godwit coverage::2 files, 2 statements analysed, 1 call not analysable (dynamic-sql)\n');
    const junit = godwit(['lint', 'migrations', '-f', 'junit'], dir).stdout;
    expect(junit).toContain('<property name="statements" value="1"/>');
    expect(junit).toContain('<property name="unanalysable" value="1"/>');
    expect(godwit(['lint', 'migrations', '-f', 'markdown'], dir).stdout).toContain('<sub>Coverage: 2 files, 2 statements analysed, 1 call not analysable (dynamic-sql).</sub>');
    const gitlab = godwit(['lint', 'migrations', '-f', 'gitlab'], dir);
    expect(Array.isArray(JSON.parse(gitlab.stdout))).toBe(true);
    expect(gitlab.stderr).toContain('godwit: 2 files, 2 statements analysed, 1 call not analysable (dynamic-sql)');
  });
});

describe('a single JS/TS file outside a migration folder', () => {
  it('is linted alone, with a note, never skipped in silence', () => {
    const dir = project({ 'scripts/add_index.js': "exports.up = async (knex) => {\n  await knex.schema.alterTable('users', (t) => t.index('email'));\n};\n", 'scripts/util.ts': 'export const x = 1;\n' });
    const r = godwit(['lint', 'scripts/add_index.js'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('require-concurrent-index');
    const util = godwit(['lint', 'scripts/util.ts'], dir);
    expect(util.code).toBe(0);
    expect(util.stderr).toMatch(/util\.ts: not in a migration folder godwit recognises: linted alone, without the history of earlier migrations \(no JS\/TS migration runner recognised and no `up` found: nothing to analyse; --runner names one\)/);
    expect(util.stdout).toBe('1 file, 0 statements analysed, 0 calls not analysable\n');
  });
});

describe('a migration of a folder that does not parse', () => {
  it('is reported as a fatal error when its folder is linted (exit 1), and the files after it are still linted', () => {
    const dir = project({
      'knexfile.js': "module.exports = { client: 'pg' };\n",
      'migrations/20240101000000_users.js': KNEX_HISTORY,
      'migrations/20240102000000_broken.js': "exports.up = async (knex) => {\n  await knex.schema.dropTable('users'\n};\n",
      'migrations/20240103000000_index.js': "exports.up = (knex) => knex.schema.alterTable('users', (t) => t.index('email'));\n",
    });
    const r = godwit(['lint', 'migrations', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<Message & { fatal?: boolean }> }>;
    expect(results.map((x) => x.filePath.split('/').pop())).toEqual(['20240101000000_users.js', '20240102000000_broken.js', '20240103000000_index.js']);
    const broken = results[1].messages;
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ fatal: true, line: 3 });
    expect(rulesOf(results, '20240103000000_index.js')).toContain('require-concurrent-index');
  });
});

describe('plan and trace take builder migrations', () => {
  it('godwit plan on a Sequelize migration: phases written as Sequelize migrations, lines of the calls', () => {
    const dir = project({
      'migrations/20240101000000-users.js': SEQ_HISTORY,
      'migrations/20240102000000-rename.js': "module.exports = {\n  async up(queryInterface) {\n    await queryInterface.renameColumn('users', 'email', 'emailAddress');\n  },\n};\n",
    });
    const r = godwit(['plan', 'migrations/20240102000000-rename.js', '--out', 'plan'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(line 3, rename-column)');
    const files = readdirSync(join(dir, 'plan')).sort();
    expect(files.every((f) => /^\d{14}-rename-[a-z0-9-]+\.js$/.test(f))).toBe(true);
    const first = readFileSync(join(dir, 'plan', files[0]), 'utf8');
    expect(first).toContain('module.exports = {');
    expect(first).toContain('await queryInterface.sequelize.query(`ALTER TABLE');
  });

  it('godwit plan and trace on a Knex migration', () => {
    const dir = project({
      'migrations/20240101000000_users.js': KNEX_HISTORY,
      'migrations/20240102000000_idx.js': "exports.up = async (knex) => {\n  await knex.schema.alterTable('users', (t) => {\n    t.index('email');\n  });\n};\n",
    });
    const plan = godwit(['plan', 'migrations/20240102000000_idx.js'], dir);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("exports.config = { transaction: false };");
    expect(plan.stdout).toContain('await knex.raw(`create index CONCURRENTLY IF NOT EXISTS "users_email_index" on "users" ("email")`);');
    const trace = godwit(['trace', 'migrations/20240102000000_idx.js', '--format', 'json'], dir);
    expect(trace.code).toBe(0);
    const t = JSON.parse(trace.stdout);
    expect(t.history.statements).toBe(1);
    expect(t.statements.map((s: { line: number; sql: string; locks: Array<{ relation: string; mode: string }> }) => [s.line, s.sql, s.locks.find((l) => l.relation === 'users')?.mode])).toEqual([[2, 'create index "users_email_index" on "users" ("email")', 'SHARE']]);
  }, 60_000);
});
