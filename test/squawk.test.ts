/**
 * Coming from squawk (issue 15, item 10): `-- squawk-ignore` comments with squawk's rule names,
 * `.squawk.toml` when no godwit config exists, the mapping table of docs/squawk.md, and the
 * closest id suggested for a misspelt one (suppressions, `godwit rules`, `--rule`).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ESLint } from 'eslint';
import plugin from '../src/eslint/index.js';
import { initParser, lintSql, rules } from '../src/lint.js';
import { SQUAWK_RULES } from '../src/engine/squawk-rules.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

function godwit(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-squawk-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const ids = (json: string) => (JSON.parse(json) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number; message: string }> }>).flatMap((r) => r.messages.map((m) => `${m.line} ${m.ruleId}`));

const SQUAWK_FILE = [
  '-- squawk-ignore ban-drop-column -- contract of the v42 rename',
  'ALTER TABLE users DROP COLUMN legacy;',
  '-- squawk-ignore require-concurrent-index-creation, renaming-column',
  'CREATE INDEX users_a_idx ON users (a);',
  '-- squawk-ignore ban-drop-colum',
  'DROP TABLE archive;',
  '-- squawk-ignore',
  'TRUNCATE sessions;',
  '-- squawk-ignore require-table-schema',
  'ALTER TABLE users RENAME COLUMN a TO b;',
  '',
].join('\n');

beforeAll(async () => {
  await initParser();
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
});

describe('-- squawk-ignore comments', () => {
  it('suppress the godwit rules of the squawk names; a misspelt name is reported with the closest one', () => {
    const r = lintSql(SQUAWK_FILE, 'm.sql', { preset: 'all' });
    const found = r.messages.map((m) => `${m.line} ${m.ruleId}`);
    expect(found).not.toContain('2 no-drop-column');
    expect(found).not.toContain('4 require-concurrent-index');
    expect(found).not.toContain('8 no-truncate'); // no names: every rule
    expect(found).toContain('6 no-drop-table'); // the typo suppresses nothing…
    const typo = r.messages.find((m) => m.ruleId === 'unused-suppression' && m.line === 5)!;
    expect(typo.message).toContain('unknown squawk rule "ban-drop-colum"');
    expect(typo.message).toContain('did you mean "ban-drop-column"?');
    // a squawk rule godwit has no counterpart of suppresses nothing, and is not reported
    expect(found).toContain('10 no-rename-column');
    expect(r.messages.filter((m) => m.ruleId === 'unused-suppression').map((m) => m.line)).toEqual([5]);
  });

  it('the CLI and ESLint agree on a file with squawk comments', async () => {
    const dir = project({ 'db/migrations/0001_x.sql': SQUAWK_FILE });
    const cli = godwit(['lint', 'db/migrations', '--preset', 'all', '-f', 'json'], dir);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.all as ESLint.Options['overrideConfig'] });
    const viaEslint = (await eslint.lintFiles(['db/migrations/0001_x.sql']))[0].messages.map((m) => `${m.line} ${m.ruleId?.replace('godwit/', '')}`);
    expect(viaEslint.sort()).toEqual(ids(cli.stdout).sort());
  });
});

describe('.squawk.toml', () => {
  const migration = { 'db/migrations/0001_x.sql': 'ALTER TABLE users DROP COLUMN legacy;\nCREATE INDEX CONCURRENTLY users_a_idx ON users (a);\nREINDEX TABLE users;\n' };

  it('is read when no godwit config exists: pg_version, assume_in_transaction, excluded_rules, excluded_paths', () => {
    const dir = project({
      ...migration,
      'db/migrations/legacy/0000_old.sql': 'TRUNCATE users;\n',
      '.squawk.toml': 'pg_version = "11.0"\nassume_in_transaction = true\nexcluded_rules = ["ban-drop-column", "require-timeout-settings"]\nexcluded_paths = ["db/migrations/legacy"]\n\n[upload_to_github]\nfail_on_violations = true\n',
    });
    const r = godwit(['lint', 'db', '-f', 'json', '--preset', 'all'], dir);
    const found = ids(r.stdout);
    expect(found).not.toContain('1 no-drop-column'); // excluded_rules
    expect(found).not.toContain('1 require-lock-timeout'); // require-timeout-settings → both timeouts off
    expect(found).toContain('2 no-concurrently-in-transaction'); // assume_in_transaction
    expect(found).not.toContain('3 require-concurrent-reindex'); // PostgreSQL 11: no REINDEX CONCURRENTLY
    expect(r.stdout).not.toContain('0000_old.sql'); // excluded_paths
  });

  it('a godwit config takes precedence', () => {
    const dir = project({ ...migration, '.squawk.toml': 'excluded_rules = ["ban-drop-column"]\n', 'godwit.config.json': '{"pgVersion": 15}\n' });
    expect(ids(godwit(['lint', 'db', '-f', 'json'], dir).stdout)).toContain('1 no-drop-column');
  });

  it('an unknown squawk rule name or invalid TOML is a configuration error (exit 2) with the closest name', () => {
    const dir = project({ ...migration, '.squawk.toml': 'excluded_rules = ["ban-drop-colum"]\n' });
    const r = godwit(['lint', 'db'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.squawk.toml: unknown squawk rule "ban-drop-colum" in "excluded_rules"; did you mean "ban-drop-column"?');
    const bad = project({ ...migration, '.squawk.toml': 'excluded_rules = [\n' });
    const b = godwit(['lint', 'db'], bad);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/\.squawk\.toml:\d+:\d+: invalid TOML/);
  });
});

describe('the mapping table (docs/squawk.md)', () => {
  it('lists every squawk rule name with godwit rules that exist', () => {
    const doc = readFileSync(join(root, 'docs', 'squawk.md'), 'utf8');
    const known = new Set(rules.map((r) => r.id));
    for (const [name, targets] of Object.entries(SQUAWK_RULES)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      for (const t of targets) {
        expect(known.has(t), t).toBe(true);
        expect(row).toContain(`\`${t}\``);
      }
    }
    expect(Object.keys(SQUAWK_RULES)).toHaveLength(41);
  });
});

describe('misspelt rule ids get the closest one', () => {
  it('in godwit rules, --rule and godwit-ignore', () => {
    const r = godwit(['rules', 'require-concurent-index'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean "require-concurrent-index"?');
    expect(godwit(['lint', 'fixtures/no-truncate', '--rule', 'no-truncat:off'], root).stderr).toContain('Did you mean "no-truncate"?');
    const m = lintSql('-- godwit-ignore no-trunacte\nTRUNCATE t;\n', 'm.sql').messages.find((x) => x.ruleId === 'unused-suppression')!;
    expect(m.message).toContain('"no-trunacte": did you mean "no-truncate"?');
  });
});
