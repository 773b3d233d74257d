/**
 * The front ends on MySQL files, unchanged: every reporter, --fix / --fix-dry-run, --cache,
 * suppressions in `#` comments, stdin with --dialect, the ESLint plugin.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { runMain } from './plan-helpers.js';
import { ready } from './helpers.js';
import plugin from '../src/eslint/index.js';
import { lintProject, lintVirtualFile } from '../src/project.js';

beforeAll(ready);

function project(): { dir: string; m: string } {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-mysql-cli-'));
  mkdirSync(join(dir, '.git'));
  const m = join(dir, 'db', 'mysql');
  mkdirSync(m, { recursive: true });
  writeFileSync(join(m, '001_init.sql'), 'CREATE TABLE `users` (`id` BIGINT NOT NULL, `email` VARCHAR(50) NOT NULL, `legacy` INT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n');
  writeFileSync(join(m, '002_change.sql'), 'ALTER TABLE users ADD INDEX users_email_idx (email);\n');
  writeFileSync(join(m, '003_widen.sql'), '# godwit-ignore require-lock-timeout -- the runner sets it\nALTER TABLE users MODIFY COLUMN email VARCHAR(100) NOT NULL;\n');
  return { dir, m };
}

describe('MySQL files through the CLI', () => {
  it('every reporter reports MySQL findings with their MySQL locks', async () => {
    const { dir } = project();
    const json = await runMain(['lint', 'db', '--format', 'json'], dir);
    expect(json.code).toBe(1);
    const results = JSON.parse(json.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; lock?: { mode: string } }> }>;
    const widen = results.find((r) => r.filePath.endsWith('003_widen.sql'))!;
    const online = widen.messages.find((m) => m.ruleId === 'mysql-require-online-ddl')!;
    expect(online.lock?.mode).toBe('ALGORITHM=COPY, LOCK=SHARED');
    // the `#` suppression works
    expect(widen.messages.map((m) => m.ruleId)).not.toContain('require-lock-timeout');
    expect(widen.messages.map((m) => m.ruleId)).not.toContain('unused-suppression');
    for (const format of ['stylish', 'sarif', 'github', 'gitlab', 'junit', 'markdown']) {
      const r = await runMain(['lint', 'db', '--format', format, '--no-color'], dir);
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
      expect(r.stdout, format).toContain('mysql-require-online-ddl');
    }
    const stylish = await runMain(['lint', 'db', '--no-color'], dir);
    expect(stylish.stdout).toContain('lock ALGORITHM=COPY, LOCK=SHARED on users · blocks writes, ddl · rewrite');
  });

  it('--fix applies the MySQL fixes (a lock_wait_timeout, the ALGORITHM=/LOCK= clauses); a second --fix changes nothing', async () => {
    const { dir, m } = project();
    const dry = await runMain(['lint', 'db/mysql/002_change.sql', '--preset', 'strict', '--fix-dry-run'], dir);
    expect(dry.stdout).toContain('+SET SESSION lock_wait_timeout = 5;');
    expect(readFileSync(join(m, '002_change.sql'), 'utf8')).toBe('ALTER TABLE users ADD INDEX users_email_idx (email);\n');
    const r = await runMain(['lint', 'db/mysql/002_change.sql', '--preset', 'strict', '--fix'], dir);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(readFileSync(join(m, '002_change.sql'), 'utf8')).toBe('SET SESSION lock_wait_timeout = 5;\nALTER TABLE users ADD INDEX users_email_idx (email), ALGORITHM=INPLACE, LOCK=NONE;\n');
    const again = await runMain(['lint', 'db/mysql/002_change.sql', '--preset', 'strict', '--fix'], dir);
    expect(again.code).toBe(0);
    expect(readFileSync(join(m, '002_change.sql'), 'utf8')).toContain('LOCK=NONE;\n');
  });

  it('--cache gives the same results, and a history edit re-lints what follows', async () => {
    const { dir, m } = project();
    const first = await runMain(['lint', 'db', '--format', 'json', '--cache'], dir);
    const second = await runMain(['lint', 'db', '--format', 'json', '--cache'], dir);
    expect(second.stdout).toBe(first.stdout);
    // latin1: VARCHAR(50) → (100) stays under 255 bytes: no copy any more
    writeFileSync(join(m, '001_init.sql'), readFileSync(join(m, '001_init.sql'), 'utf8').replace('utf8mb4', 'latin1'));
    const third = await runMain(['lint', 'db', '--format', 'json', '--cache'], dir);
    const uncached = await runMain(['lint', 'db', '--format', 'json'], dir);
    expect(third.stdout).toBe(uncached.stdout);
    expect(third.stdout).not.toContain('mysql-require-online-ddl');
  });

  it('an unsaved buffer (stdin, an editor) gets its MySQL history; --mysql-version picks the matrix', async () => {
    const { dir } = project();
    const buffer = await lintVirtualFile('ALTER TABLE users MODIFY COLUMN email VARCHAR(64) NOT NULL;\n', join(dir, 'db', 'mysql', '004_new.sql'), { cwd: dir, overrides: {} });
    // the history says VARCHAR(50) utf8mb4 (200 bytes): 64 characters are 256 bytes, a copy
    expect(buffer.messages.map((m) => m.ruleId)).toContain('mysql-require-online-ddl');
    const res = await lintProject([join(dir, 'db', 'mysql')], { cwd: dir, overrides: { dialect: 'mysql', mysqlVersion: 'mariadb-10.11' } });
    const widen = res.results.find((x) => x.filePath.endsWith('003_widen.sql'))!;
    // MariaDB: still a copy (200 → 400 bytes crosses 255)
    expect(widen.messages.map((m) => m.ruleId)).toContain('mysql-require-online-ddl');
  });

  it('usage errors for the new flags exit 2', async () => {
    const { dir } = project();
    expect((await runMain(['lint', 'db', '--dialect', 'oracle'], dir)).code).toBe(2);
    const v = await runMain(['lint', 'db', '--mysql-version', '5.6'], dir);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/--mysql-version must be one of 8\.0, 8\.4, mariadb-10\.11, mariadb-11\.4/);
  });
});

describe('MySQL files through the ESLint plugin', () => {
  it('reports the same rule ids at the same positions as godwit lint', async () => {
    const { dir } = project();
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended] as never });
    const viaEslint = await eslint.lintFiles(['db']);
    const cli = await lintProject([join(dir, 'db')], { cwd: dir, overrides: {} });
    for (const r of cli.results) {
      const e = viaEslint.find((x) => x.filePath === r.filePath)!;
      expect(e.messages.map((m) => [m.ruleId?.replace('godwit/', ''), m.line, m.column])).toEqual(r.messages.map((m) => [m.ruleId, m.line, m.column]));
    }
    expect(viaEslint.flatMap((r) => r.messages).some((m) => m.ruleId === 'godwit/mysql-require-online-ddl')).toBe(true);
  });
});
