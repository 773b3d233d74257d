/**
 * End to end, as a user runs it: `godwit/eslint` imported by package name from an
 * `eslint.config.js` (and `.ts`), through package.json `exports` into the built dist/, by
 * ESLint's own command line — and `eslint --format json` reports what `godwit lint --format json`
 * reports on the same project (.sql migrations and a TypeORM migration).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const godwitBin = join(root, 'dist', 'src', 'cli', 'bin.js');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

interface Message { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; severity: number; message: string; fix?: unknown }
interface Result { filePath: string; messages: Message[]; suppressedMessages?: Message[] }

function run(bin: string, args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  expect(existsSync(join(root, 'dist', 'src', 'eslint', 'index.js')), 'run `npm run build` first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'godwit-eslint-cli-'));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'godwit'), 'dir'); // as if installed
  mkdirSync(join(dir, 'db', 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'db', 'migrations', '000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(40), email text);\n');
  writeFileSync(
    join(dir, 'db', 'migrations', '000002_changes.up.sql'),
    [
      'CREATE INDEX users_name ON users (name);',
      '-- eslint-disable-next-line godwit/no-truncate -- emptied by the cleanup job',
      'TRUNCATE users;',
      'ALTER TABLE users ALTER COLUMN name TYPE varchar(10);',
      'SELEC 1;',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'db', 'migrations', '000002_changes.down.sql'), 'DROP INDEX users_name;\n');
  mkdirSync(join(dir, 'src', 'migration'), { recursive: true });
  cpSync(join(root, 'fixtures', 'extract', 'typeorm', '1700000000001-AddEmailIndex.ts'), join(dir, 'src', 'migration', '1700000000001-AddEmailIndex.ts'));
});

function normalize(results: Result[]) {
  return results
    .filter((r) => r.messages.length > 0)
    .map((r) => ({
      file: r.filePath,
      messages: r.messages.map((m) => ({ ruleId: m.ruleId?.replace(/^godwit\//, ''), line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, severity: m.severity, message: m.message, fix: m.fix })),
    }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

describe('eslint with godwit/eslint, as installed', () => {
  for (const configName of ['eslint.config.js', 'eslint.config.ts']) {
    it(`${configName}: the same findings as godwit lint --format json`, () => {
      for (const n of ['eslint.config.js', 'eslint.config.ts']) rmSync(join(dir, n), { force: true });
      writeFileSync(join(dir, configName), "import godwit from 'godwit/eslint';\n\nexport default [...godwit.configs.recommended];\n");
      const viaEslint = run(eslintBin, ['.', '--format', 'json'], dir);
      expect(viaEslint.stderr).toBe('');
      expect(viaEslint.code).toBe(1);
      const viaGodwit = run(godwitBin, ['lint', '.', '--format', 'json'], dir);
      expect(viaGodwit.code).toBe(1);
      const eslintResults = JSON.parse(viaEslint.stdout) as Result[];
      const godwitResults = JSON.parse(viaGodwit.stdout) as Result[];
      expect(normalize(eslintResults)).toEqual(normalize(godwitResults));
      // what the comparison covered
      const files = normalize(eslintResults).map((r) => r.file.slice(dir.length + 1));
      expect(files).toEqual(['db/migrations/000002_changes.up.sql', 'src/migration/1700000000001-AddEmailIndex.ts']);
      const ids = normalize(eslintResults).flatMap((r) => r.messages.map((m) => m.ruleId));
      expect(ids).toEqual(expect.arrayContaining(['syntax-error', 'no-column-type-change', 'require-concurrent-index', 'require-not-valid-constraint']));
      expect(eslintResults.find((r) => r.filePath.endsWith('000002_changes.up.sql'))!.suppressedMessages!.map((m) => m.ruleId)).toEqual(['godwit/no-truncate']);
    });
  }
});

describe('one ESLint run checks a root once', () => {
  // 40 golang-migrate migrations; the last one widens a column the first one created
  function migrations(): string {
    const project = mkdtempSync(join(tmpdir(), 'godwit-eslint-run-'));
    mkdirSync(join(project, '.git'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules', 'godwit'), 'dir');
    mkdirSync(join(project, 'db'));
    const n = (i: number) => String(i).padStart(6, '0');
    writeFileSync(join(project, 'db', `${n(1)}_users.up.sql`), 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(40));\n');
    for (let i = 2; i < 40; i++) writeFileSync(join(project, 'db', `${n(i)}_t${i}.up.sql`), `CREATE TABLE t${i} (id bigint);\n`);
    writeFileSync(join(project, 'db', `${n(40)}_widen.up.sql`), "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(80);\n");
    writeFileSync(join(project, 'eslint.config.js'), "import godwit from 'godwit/eslint';\n\nexport default [...godwit.configs.recommended];\n");
    return project;
  }
  function eslintCounted(project: string, env: Record<string, string>) {
    const r = spawnSync(process.execPath, ['--import', join(root, 'test', 'support', 'count-fs.mjs'), eslintBin, 'db', '--format', 'json'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, GODWIT_COUNT_DIR: project, ...env },
    });
    const [, stats, reads] = /fs-count (\d+) (\d+)/.exec(r.stderr) ?? [];
    const results = JSON.parse(r.stdout) as Result[];
    return { stats: Number(stats), reads: Number(reads), messages: results.flatMap((x) => x.messages.map((m) => `${x.filePath.slice(project.length + 1)} ${m.ruleId}`)) };
  }

  it('the eslint command: no per-file re-check of the history; each migration replayed about once', () => {
    const project = migrations();
    const once = eslintCounted(project, {});
    const perFile = eslintCounted(project, { GODWIT_ESLINT_SINGLE_RUN: 'false' }); // as a long-lived ESLint does
    // the same findings either way (none: varchar(40) → varchar(80) is no rewrite)
    expect(once.messages).toEqual([]);
    expect(perFile.messages).toEqual(once.messages);
    // 40 files: a long-lived ESLint stats every earlier migration for every file (> 40·39/2);
    // one run stats each file a few times at most (root detection) and reads each about once or twice
    expect(perFile.stats).toBeGreaterThan((40 * 39) / 2);
    expect(once.stats).toBeLessThan(3 * 40);
    expect(once.reads).toBeLessThan(3 * 40);
    // and a changed first migration is seen by the next run (a new process)
    writeFileSync(join(project, 'db', '000001_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, name text);\n');
    expect(eslintCounted(project, {}).messages).toEqual(['db/000040_widen.up.sql godwit/no-column-type-change']);
  });
});

describe('one ESLint run carries the catalog from file to file', () => {
  // each migration adds a column and widens the one before (no rewrite: known only from the
  // history, so a file whose history lacks its predecessor is flagged); the last changes a type
  it('in any order the files are named, and with a file ESLint reads differently (a BOM): the findings of godwit lint', () => {
    const project = mkdtempSync(join(tmpdir(), 'godwit-eslint-carry-'));
    mkdirSync(join(project, '.git'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules', 'godwit'), 'dir');
    mkdirSync(join(project, 'db'));
    const n = (i: number) => join('db', `${String(i).padStart(6, '0')}_m${i}.up.sql`);
    writeFileSync(join(project, n(1)), 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(40));\n');
    for (let i = 2; i < 40; i++) writeFileSync(join(project, n(i)), `${i === 20 ? '\uFEFF' : ''}SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN c${i} varchar(10);\nALTER TABLE users ALTER COLUMN ${i === 2 ? 'name' : `c${i - 1}`} TYPE varchar(90);\n`);
    writeFileSync(
      join(project, n(40)),
      "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(100);\nALTER TABLE users ALTER COLUMN c39 TYPE varchar(100);\nALTER TABLE users ALTER COLUMN c30 TYPE integer USING c30::integer;\n",
    );
    writeFileSync(join(project, 'eslint.config.js'), "import godwit from 'godwit/eslint';\n\nexport default [...godwit.configs.recommended];\n");
    const files = Array.from({ length: 40 }, (_, i) => n(i + 1));
    const shuffled = [...files.slice(20), ...files.slice(0, 20).reverse()];
    const viaGodwit = normalize(JSON.parse(run(godwitBin, ['lint', 'db', '--format', 'json'], project).stdout) as Result[]);
    expect(viaGodwit.flatMap((r) => r.messages.map((m) => `${m.line} ${m.ruleId}`))).toEqual(['4 no-column-type-change']);
    for (const order of [files, [...files].reverse(), shuffled]) {
      const viaEslint = run(eslintBin, [...order, '--format', 'json'], project);
      expect(viaEslint.stderr).toBe('');
      expect(normalize(JSON.parse(viaEslint.stdout) as Result[])).toEqual(viaGodwit);
    }
  });
});

describe('the types', () => {
  it('a TypeScript eslint.config.ts type-checks: the configs are Linter.Config[], the plugin an ESLint.Plugin', () => {
    for (const pkg of ['eslint', '@eslint']) if (!existsSync(join(dir, 'node_modules', pkg))) symlinkSync(join(root, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir');
    const check = join(dir, 'types-check.mts');
    writeFileSync(
      check,
      [
        "import godwit, { type GodwitSettings } from 'godwit/eslint';",
        "import type { ESLint, Linter } from 'eslint';",
        "import { defineConfig } from 'eslint/config';",
        'const all: Linter.Config[] = [...godwit.configs.recommended, ...godwit.configs.strict, ...godwit.configs.all];',
        'const plugin: ESLint.Plugin = godwit;',
        "const settings: GodwitSettings = { pgVersion: 16, runner: 'golang-migrate' };",
        "export default defineConfig([...all, { files: ['**/*.sql'], plugins: { godwit: plugin }, language: 'godwit/sql', settings: { godwit: settings }, rules: { 'godwit/no-truncate': 'off' } }]);",
        '',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = run(tsc, ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', check], dir);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
    // and it can fail: a wrong rule severity is a type error
    writeFileSync(check, "import godwit from 'godwit/eslint';\nimport type { Linter } from 'eslint';\nconst c: Linter.Config = { plugins: { godwit }, rules: { 'godwit/no-truncate': 'fatal' } };\nexport default c;\n");
    expect(run(tsc, ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', check], dir).code).not.toBe(0);
  });
});
