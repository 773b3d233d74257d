/**
 * `godwit lint --fix` / `--fix-dry-run` (src/fix): the fix loop on every fixable fixture (the
 * expected output, re-parse, idempotence), fixes that must not be offered for the file's runner
 * and transaction mode, the guards of the loop, BOM and line endings, atomic writes, and the
 * command line through the built binary.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  lstatSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ready, rules, fixtureOptions, sqlFiles } from './helpers.js';
import { lintSql } from '../src/lint.js';
import { catalogFromDump } from '../src/analysis/history.js';
import { fixText, RUNTIME_FAILURE_RULES, type Linted } from '../src/fix/loop.js';
import { applyEdits } from '../src/fix/apply.js';
import { writeFileAtomic, FileChangedError } from '../src/fix/write.js';
import { unifiedDiff } from '../src/fix/diff.js';
import { FixSession } from '../src/fix/session.js';
import { lintProject } from '../src/project.js';
import type { Finding, LintOptions, LintResult } from '../src/engine/types.js';

const root = resolve(import.meta.dirname, '..');
const fixtures = join(root, 'fixtures');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

beforeAll(ready);

/** the lint callback of the fix loop for one text under fixed options */
function linter(options: LintOptions, path = 'fixture.sql'): (text: string) => Linted {
  return (text) => ({ result: lintSql(text, path, options) });
}

function onlyRule(ruleId: string): Record<string, 'off' | 'error'> {
  const only: Record<string, 'off' | 'error'> = {};
  for (const r of rules) only[r.id] = r.id === ruleId ? 'error' : 'off';
  return only;
}

function fixtureLinter(file: string, extra: LintOptions = {}): (text: string) => Linted {
  const text = readFileSync(file, 'utf8');
  const options: LintOptions = { preset: 'all', ...fixtureOptions(text), ...extra };
  if (extra.rules || fixtureOptions(text).rules) options.rules = { ...(extra.rules ?? {}), ...(fixtureOptions(text).rules ?? {}) };
  const history = file.replace(/\.sql$/, '.history.sql');
  return (t) => {
    const o = { ...options };
    if (existsSync(history)) o.catalog = catalogFromDump(readFileSync(history, 'utf8'), history);
    return { result: lintSql(t, file, o) };
  };
}

const count = (r: LintResult, ruleId: string): number => r.messages.filter((m) => m.ruleId === ruleId).length;

describe('every fixable fixture', () => {
  for (const rule of rules.filter((r) => r.fixable)) {
    describe(rule.id, () => {
      for (const file of sqlFiles(join(fixtures, rule.id, 'invalid'))) {
        const name = file.split('/').pop()!;
        it(`invalid/${name}: the fix loop gives the expected output, which parses and is fixed for good`, () => {
          const text = readFileSync(file, 'utf8');
          const lint = fixtureLinter(file, { rules: onlyRule(rule.id) });
          const outcome = fixText(text, lint);
          expect(outcome.abandoned).toBeUndefined();
          expect(outcome.refused).toEqual([]);
          // x.loop.fixed.sql: the loop's result when it differs from one pass (x.fixed.sql)
          const loopFixed = file.replace(/\.sql$/, '.loop.fixed.sql');
          const fixed = file.replace(/\.sql$/, '.fixed.sql');
          const expected = existsSync(loopFixed) ? loopFixed : existsSync(fixed) ? fixed : undefined;
          if (expected) expect(outcome.output).toBe(readFileSync(expected, 'utf8'));
          else expect(outcome.output, 'an invalid fixture with a fix needs an x.fixed.sql').toBe(text);
          // the output re-parses and breaks nothing the input did not
          const before = lint(text).result;
          const after = lint(outcome.output).result;
          expect(count(after, 'syntax-error')).toBeLessThanOrEqual(count(before, 'syntax-error'));
          for (const r of RUNTIME_FAILURE_RULES) expect(count(after, r), r).toBeLessThanOrEqual(count(before, r));
          expect(after.messages.filter((m) => m.ruleId === rule.id && m.fix)).toEqual([]);
          // a second --fix changes nothing
          expect(fixText(outcome.output, lint).changed).toBe(false);
        });
      }
    });
  }

  it('every fixture under every rule (preset all): the output parses, adds no run-time failure, and a second pass changes nothing', () => {
    const problems: string[] = [];
    for (const rule of readdirSync(fixtures)) {
      for (const kind of ['invalid', 'valid']) {
        for (const file of sqlFiles(join(fixtures, rule, kind))) {
          const lint = fixtureLinter(file);
          const text = readFileSync(file, 'utf8');
          const o = fixText(text, lint);
          const where = `${rule}/${kind}/${file.split('/').pop()}`;
          if (o.abandoned) problems.push(`${where}: abandoned ${JSON.stringify(o.abandoned)}`);
          if (o.refused.length) problems.push(`${where}: refused ${JSON.stringify(o.refused)}`);
          if (o.passes >= 10) problems.push(`${where}: 10 passes`);
          const before = lint(text).result;
          for (const r of ['syntax-error', ...RUNTIME_FAILURE_RULES]) if (count(o.final.result, r) > count(before, r)) problems.push(`${where}: new ${r}`);
          if (fixText(o.output, lint).changed) problems.push(`${where}: a second pass changes it`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('no-concurrently-in-transaction: dropping BEGIN/COMMIT', () => {
  const block = 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCOMMIT;\n';
  const fix = (text: string, options: LintOptions = {}) => fixText(text, linter({ preset: 'recommended', ...options })).output;

  it('in autocommit (transaction mode none): the block holding only the CONCURRENTLY statement is unwrapped', () => {
    expect(fix(block)).toBe('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n');
  });

  it('implicit (golang-migrate, Prisma): only when the statement is then alone in the file', () => {
    expect(fix(block, { transaction: 'implicit' })).toBe('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n');
    const more = 'ALTER TABLE orders ADD COLUMN note text;\n' + block;
    expect(fix(more, { transaction: 'implicit' })).toBe(more);
  });

  it('a runner that wraps the file (file, all): no fix, BEGIN/COMMIT are not the problem', () => {
    expect(fix(block, { transaction: 'file' })).toBe(block);
    expect(fix(block, { transaction: 'all' })).toBe(block);
  });

  it('not when the block holds other work, SET LOCAL, or ends in ROLLBACK', () => {
    for (const text of [
      'BEGIN;\nCREATE TABLE t (id bigint);\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);\nCOMMIT;\n',
      'BEGIN;\nSET LOCAL lock_timeout = 0;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCOMMIT;\n',
      'BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nROLLBACK;\n',
      'BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCOMMIT AND CHAIN;\nCOMMIT;\n',
    ]) {
      const r = lintSql(text, 'x.sql', { preset: 'recommended' });
      expect(r.messages.find((m) => m.ruleId === 'no-concurrently-in-transaction')?.fix, text).toBeUndefined();
    }
  });

  it('a file with an unclosed block: COMMIT is appended first, then the block is unwrapped', () => {
    const o = fixText('BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n', linter({ preset: 'recommended' }));
    expect(o.output).toBe('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n');
    expect(o.applied).toEqual({ 'no-uncommitted-transaction': 1, 'no-concurrently-in-transaction': 1 });
    expect(o.passes).toBe(2);
  });

  it('under the strict preset the unwrapped statement then gets IF NOT EXISTS (a later pass)', () => {
    const o = fixText(block + 'ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;\n', linter({ preset: 'strict' }));
    expect(o.output).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx');
    expect(o.output).not.toContain('BEGIN');
    expect(fixText(o.output, linter({ preset: 'strict' })).changed).toBe(false);
  });
});

describe('fixes are only offered where the result runs', () => {
  const index = 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n';

  it('no CONCURRENTLY under --transaction file / all, or in a multi-statement implicit file', () => {
    for (const transaction of ['file', 'all'] as const) {
      const o = fixText(index, linter({ preset: 'recommended', transaction }));
      expect(o.output, transaction).not.toContain('CONCURRENTLY');
    }
    const two = 'ALTER TABLE orders ADD COLUMN note text;\n' + index;
    expect(fixText(two, linter({ preset: 'recommended', transaction: 'implicit' })).output).not.toContain('CONCURRENTLY');
    // alone in an implicit file it runs on its own
    expect(fixText(index, linter({ preset: 'recommended', transaction: 'implicit' })).output).toContain('CREATE INDEX CONCURRENTLY');
  });

  it('no lock_timeout SET over a CONCURRENTLY build the loop just made (the file-wide SET waits for its own pass)', () => {
    for (const transaction of ['none', 'implicit'] as const) {
      const o = fixText(index, linter({ preset: 'recommended', transaction }));
      expect(o.output, transaction).toBe('CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\n');
    }
  });

  it('no SET inserted into a one-statement implicit file whose statement cannot run in a transaction block', () => {
    const vacuum = 'VACUUM FULL orders;\n';
    expect(fixText(vacuum, linter({ preset: 'strict', transaction: 'implicit' })).output).toBe(vacuum);
    expect(fixText(vacuum, linter({ preset: 'strict' })).output).toContain("SET lock_timeout = '2s';\nVACUUM FULL orders;");
  });

  it('no SET at the top when a later RESET or SET … = 0 undoes it before the statement', () => {
    const text = "SET lock_timeout = '2s';\nSET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;\n";
    expect(fixText(text, linter({ preset: 'recommended' })).output).toBe(text);
  });

  it('NOT VALID + VALIDATE: in autocommit right after, after the COMMIT of an explicit block, else only a suggestion', () => {
    const add = 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)';
    const only = { preset: 'all' as const, rules: onlyRule('require-not-valid-constraint') };
    expect(fixText(`${add};\n`, linter(only)).output).toBe(`${add} NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n`);
    expect(fixText(`BEGIN;\n${add};\nCOMMIT;\n`, linter({ ...only, transaction: 'implicit' })).output).toBe(
      `BEGIN;\n${add} NOT VALID;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n`,
    );
    for (const transaction of ['file', 'all', 'implicit'] as const) {
      const r = lintSql(`${add};\n`, 'x.sql', { ...only, transaction });
      const m = r.messages.find((x) => x.ruleId === 'require-not-valid-constraint')!;
      expect(m.fix, transaction).toBeUndefined();
      expect(m.suggestions?.[0].fix.text, transaction).toBe(' NOT VALID');
    }
  });
});

describe('the fix loop', () => {
  /** lint with the recommended preset, plus findings of a fake rule with the given fixes */
  function withFakeFixes(fakes: (text: string) => Array<{ fix: { range: [number, number]; text: string }; ruleId?: string }>) {
    return (text: string): Linted => {
      const result = lintSql(text, 'x.sql', { preset: 'recommended' });
      const extra: Finding[] = fakes(text).map((f) => ({ ruleId: f.ruleId ?? 'fake-rule', severity: 1, message: 'fake', line: 1, column: 1, endLine: 1, endColumn: 1, fix: f.fix }));
      return { result: { ...result, messages: [...result.messages, ...extra] } };
    };
  }

  it('a fix that would make the file fail to parse: nothing is written for the file, and it is reported', () => {
    const text = 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n';
    const lint = withFakeFixes((t) => (t.startsWith('CREATE') ? [{ fix: { range: [0, 6], text: 'CREAT' } }] : []));
    const o = fixText(text, lint);
    expect(o.abandoned).toMatchObject({ rules: expect.arrayContaining(['fake-rule']) });
    expect(o.changed).toBe(false);
    expect(o.output).toBe(text);
    expect(o.final.result.messages.some((m) => m.ruleId === 'require-concurrent-index')).toBe(true);
  });

  it('a fix that would add a run-time failure is refused; the other fixes are applied', () => {
    const text = 'CREATE INDEX CONCURRENTLY a_idx ON orders (a);\nCREATE INDEX b_idx ON orders (b);\n';
    // the fake fix opens a transaction around the concurrent build
    const lint = withFakeFixes((t) => (t.startsWith('CREATE INDEX CONCURRENTLY') ? [{ fix: { range: [0, 0], text: 'BEGIN;\n' } }] : []));
    const o = fixText(text, lint);
    expect(o.refused).toHaveLength(1);
    expect(o.refused[0]).toMatchObject({ ruleId: 'fake-rule' });
    expect(o.refused[0].reason).toContain('no-concurrently-in-transaction');
    expect(o.output).toBe('CREATE INDEX CONCURRENTLY a_idx ON orders (a);\nCREATE INDEX CONCURRENTLY b_idx ON orders (b);\n');
    expect(o.abandoned).toBeUndefined();
  });

  it('a fix that does not resolve its finding is refused instead of being applied on every pass', () => {
    const lint = withFakeFixes((t) => [{ fix: { range: [t.length, t.length], text: '-- again\n' } }]);
    const o = fixText('SELECT 1;\n', lint);
    expect(o.output).toBe('SELECT 1;\n');
    expect(o.refused[0].reason).toContain('does not resolve');
  });

  it('at most 10 passes', () => {
    let n = 0;
    const lint = withFakeFixes(() => [{ fix: { range: [0, 0], text: `-- ${n++}\n` } }]);
    const o = fixText('SELECT 1;\n', lint);
    expect(o.passes).toBe(10);
  });

  it('with a filter (--quiet) only the chosen findings are fixed', () => {
    const text = 'ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0);\n';
    const errorsOnly = fixText(text, linter({ preset: 'recommended' }), { filter: (m) => m.severity === 2 });
    expect(errorsOnly.applied).toEqual({ 'require-not-valid-constraint': 1 });
    expect(fixText(text, linter({ preset: 'recommended' })).applied).toEqual({ 'require-not-valid-constraint': 1, 'require-lock-timeout': 1 });
  });

  it('edits never overlap or touch: two insertions at one point go in two passes', () => {
    const r = applyEdits('abc', [
      { range: [1, 1], text: 'X' },
      { range: [1, 1], text: 'Y' },
      { range: [1, 2], text: 'Z' },
      { range: [2, 3], text: 'W' },
    ]);
    expect(r.text).toBe('aXbW');
    expect(r.skipped.map((e) => e.text)).toEqual(['Y', 'Z']);
  });
});

describe('BOM and line endings', () => {
  const crlf = 'CREATE TABLE t (id int);\r\nCREATE INDEX orders_a_idx ON orders (a);\r\nALTER TABLE orders ADD CONSTRAINT orders_a_check CHECK (a > 0);\r\n';

  it('a CRLF file keeps CRLF, also in inserted lines', () => {
    const o = fixText(crlf, linter({ preset: 'strict' }));
    expect(o.changed).toBe(true);
    expect(o.output).toContain('NOT VALID;\r\nALTER TABLE orders VALIDATE CONSTRAINT orders_a_check;\r\n');
    expect(o.output.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('a lone LF a fix inserts into a CRLF file becomes CRLF', () => {
    const text = 'SELECT 1;\r\nSELECT 2;\r\n';
    let done = false;
    const o = fixText(text, (t) => {
      const r = lintSql(t, 'x.sql', { preset: 'recommended' });
      const fake: Finding[] = done || t.includes('-- note') ? [] : [{ ruleId: 'fake', severity: 1, message: 'm', line: 1, column: 1, endLine: 1, endColumn: 1, fix: { range: [0, 0], text: '-- note\n' } }];
      done = done || t.includes('-- note');
      return { result: { ...r, messages: [...r.messages, ...fake] } };
    });
    expect(o.output).toBe('-- note\r\nSELECT 1;\r\nSELECT 2;\r\n');
  });

  it('a BOM stays; the fix ranges index the text without it', () => {
    const text = '\uFEFFCREATE INDEX orders_a_idx ON orders (a);\n';
    const o = fixText(text, linter({ preset: 'recommended' }));
    expect(o.output).toBe('\uFEFFCREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);\n');
    expect(fixText(o.output, linter({ preset: 'recommended' })).changed).toBe(false);
  });
});

describe('writing', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'godwit-fix-write-'));
  });

  it('atomic: the file mode is kept and no temporary file is left', () => {
    const file = join(dir, 'mode.sql');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o640);
    writeFileAtomic(file, 'new\n', 'old\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    chmodSync(file, 0o755);
    writeFileAtomic(file, 'newer\n');
    expect(statSync(file).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('through a symbolic link: the link stays, its target gets the text', () => {
    const target = join(dir, 'target.sql');
    const link = join(dir, 'link.sql');
    writeFileSync(target, 'old\n');
    symlinkSync(target, link);
    writeFileAtomic(link, 'new\n', 'old\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });

  it('not over a file that changed since it was read, nor over one that is not valid UTF-8', () => {
    const file = join(dir, 'changed.sql');
    writeFileSync(file, 'edited meanwhile\n');
    expect(() => writeFileAtomic(file, 'new\n', 'old\n')).toThrow(FileChangedError);
    expect(readFileSync(file, 'utf8')).toBe('edited meanwhile\n');
    const latin1 = join(dir, 'latin1.sql');
    writeFileSync(latin1, Buffer.from([0x2d, 0x2d, 0x20, 0xe9, 0x0a]));
    const asRead = readFileSync(latin1, 'utf8');
    expect(() => writeFileAtomic(latin1, asRead + 'x', asRead)).toThrow(/not valid UTF-8/);
    expect(readFileSync(latin1)).toEqual(Buffer.from([0x2d, 0x2d, 0x20, 0xe9, 0x0a]));
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('the diff is a unified diff with a/ b/ names; a removed SQL comment is not a header', () => {
    const d = unifiedDiff('db/x.sql', '-- a\nSELECT 1;\n', 'SELECT 1;\n');
    expect(d).toBe('--- a/db/x.sql\n+++ b/db/x.sql\n@@ -1,2 +1,1 @@\n--- a\n SELECT 1;\n');
    expect(unifiedDiff('x.sql', 'same', 'same')).toBe('');
  });
});

describe('in a project (runner layouts, history)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'godwit-fix-project-'));
  });

  it('goose: the Down section is left alone; NO TRANSACTION makes CONCURRENTLY valid, a transactional file gets no CONCURRENTLY', async () => {
    const root = join(dir, 'goose');
    mkdirSync(root);
    writeFileSync(join(root, '00001_users.sql'), '-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\n-- +goose Down\nDROP TABLE users;\n');
    const noTx = '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX users_email_idx ON users (email);\n-- +goose Down\nDROP INDEX users_email_idx;\n';
    const inTx = '-- +goose Up\nCREATE INDEX users_id_idx ON users (id);\n-- +goose Down\nDROP INDEX users_id_idx;\n';
    writeFileSync(join(root, '00002_email_idx.sql'), noTx);
    writeFileSync(join(root, '00003_id_idx.sql'), inTx);
    const session = new FixSession();
    const { results } = await lintProject([root], { cwd: dir, overrides: {}, fix: session.fixer });
    const byName = (n: string) => results.find((r) => r.filePath.endsWith(n))!;
    expect(byName('00002_email_idx.sql').output).toBe(noTx.replace('CREATE INDEX users_email_idx', 'CREATE INDEX CONCURRENTLY users_email_idx'));
    expect(byName('00003_id_idx.sql').output ?? '').not.toContain('CONCURRENTLY');
    expect(byName('00003_id_idx.sql').messages.some((m) => m.ruleId === 'require-concurrent-index')).toBe(true);
    expect(session.finish(dir, false)).toEqual({ messages: [], failed: false, written: [] });
    expect(readFileSync(join(root, '00002_email_idx.sql'), 'utf8')).toBe(noTx);
  });

  it('the history of a later migration is the fixed text of the earlier ones', async () => {
    const root = join(dir, 'plain');
    mkdirSync(root);
    writeFileSync(join(root, '001_t.sql'), 'CREATE TABLE t (id bigint PRIMARY KEY, created timestamp);\n');
    // prefer-timestamptz makes it timestamptz: the later ALTER … TYPE timestamptz is then no change at all
    writeFileSync(join(root, '002_tz.sql'), 'ALTER TABLE t ALTER COLUMN created TYPE timestamptz;\n');
    const plainRun = await lintProject([root], { cwd: dir, overrides: { preset: 'strict' } });
    expect(plainRun.results[1].messages.some((m) => m.ruleId === 'no-column-type-change')).toBe(true);
    const session = new FixSession();
    const { results } = await lintProject([root], { cwd: dir, overrides: { preset: 'strict' }, fix: session.fixer });
    expect(results[0].output).toBe('CREATE TABLE t (id bigint PRIMARY KEY, created timestamptz);\n');
    expect(results[1].messages.filter((m) => m.ruleId === 'no-column-type-change')).toEqual([]);
  });
});

describe('JS/TS migrations (src/sources/extract): the edit lands inside the string literal', () => {
  it('Knex: CONCURRENTLY where the migration opts out of the transaction, not where Knex wraps it; hygiene fixes in template literals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-fix-js-'));
    const mig = join(dir, 'migrations');
    mkdirSync(mig);
    writeFileSync(join(mig, '20240101000000_create_users.js'), "exports.up = (knex) => knex.raw(`\n  CREATE TABLE users (id bigint PRIMARY KEY, email text, name text)\n`);\nexports.down = (knex) => knex.raw('DROP TABLE users');\n");
    const optOut =
      "import type { Knex } from 'knex';\n\nexport const config = { transaction: false };\n\nexport async function up(knex: Knex): Promise<void> {\n  await knex.raw('CREATE INDEX users_email_idx ON users (email)');\n}\n\nexport async function down(knex: Knex): Promise<void> {\n  await knex.raw('DROP INDEX users_email_idx');\n}\n";
    const wrapped = "exports.up = async function (knex) {\n  await knex.raw('CREATE INDEX users_name_idx ON users (name)');\n  await knex.raw(`ALTER TABLE users ADD COLUMN nick varchar(20)`);\n};\n\nexports.down = async function (knex) {};\n";
    writeFileSync(join(mig, '20240102000000_email_index.ts'), optOut);
    writeFileSync(join(mig, '20240103000000_wrapped.js'), wrapped);
    const session = new FixSession();
    const { results } = await lintProject([mig], { cwd: dir, overrides: { preset: 'strict' }, fix: session.fixer });
    const byName = (n: string) => results.find((r) => r.filePath.endsWith(n))!;
    expect(byName('20240102000000_email_index.ts').output).toBe(
      optOut.replace("'CREATE INDEX users_email_idx", "'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx"),
    );
    const w = byName('20240103000000_wrapped.js');
    expect(w.output).toBe(wrapped.replace('nick varchar(20)', 'nick text'));
    expect(w.messages.some((m) => m.ruleId === 'require-concurrent-index' && !m.fix)).toBe(true);
    // written through the same atomic writer; a second run changes nothing
    expect(session.finish(dir, true).written).toHaveLength(2);
    const again = new FixSession();
    await lintProject([mig], { cwd: dir, overrides: { preset: 'strict' }, fix: again.fixer });
    expect([...again.outcomes.values()].filter((o) => o.changed)).toEqual([]);
    expect(readFileSync(join(mig, '20240103000000_wrapped.js'), 'utf8')).toBe(wrapped.replace('nick varchar(20)', 'nick text'));
  });
});

describe('command line', () => {
  let dir: string;
  function godwit(args: string[], opts: { input?: string; cwd?: string } = {}) {
    const env: Record<string, string> = { ...process.env, NO_COLOR: '1' } as Record<string, string>;
    delete env.FORCE_COLOR;
    const r = spawnSync(process.execPath, [bin, ...args], { input: opts.input ?? '', encoding: 'utf8', env, cwd: opts.cwd ?? dir });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const bad = 'BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;\nCREATE INDEX users_name_idx ON users (name);\n';
  const good = 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCREATE INDEX CONCURRENTLY users_name_idx ON users (name);\n';

  beforeAll(() => {
    expect(existsSync(bin), 'run `npm run build` first').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'godwit-fix-cli-'));
  });

  it('--fix writes the fixed file atomically (mode kept, no temp file), exits 0 when nothing remains; a second --fix changes nothing', () => {
    const file = join(dir, 'fix.sql');
    writeFileSync(file, bad);
    chmodSync(file, 0o600);
    const r = godwit(['lint', '--fix', 'fix.sql']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1 file, \d+ statements? analysed, 0 calls not analysable\n$/); // nothing left but the coverage line
    expect(readFileSync(file, 'utf8')).toBe(good);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const again = godwit(['lint', '--fix', 'fix.sql']);
    expect(again.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(good);
  });

  it('--fix-dry-run prints a unified diff and leaves the file unchanged', () => {
    const file = join(dir, 'dry.sql');
    writeFileSync(file, bad);
    const r = godwit(['lint', '--fix-dry-run', 'dry.sql']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--- a/dry.sql\n+++ b/dry.sql\n');
    expect(r.stdout).toContain('-BEGIN;\n');
    expect(r.stdout).toContain('+CREATE INDEX CONCURRENTLY users_name_idx ON users (name);\n');
    expect(readFileSync(file, 'utf8')).toBe(bad);
  });

  it('--fix-dry-run --format json: each changed result has the fixed text as "output" (ESLint), the messages are what remains', () => {
    const file = join(dir, 'json.sql');
    const text = 'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);\nALTER TABLE users RENAME COLUMN a TO b;\n';
    writeFileSync(file, text);
    const r = godwit(['lint', '--fix-dry-run', '-f', 'json', 'json.sql']);
    expect(r.code).toBe(1);
    const [res] = JSON.parse(r.stdout);
    expect(res.output).toBe(
      "SET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_age_check;\nALTER TABLE users RENAME COLUMN a TO b;\n",
    );
    expect(res.messages.map((m: Finding) => m.ruleId)).toEqual(['no-rename-column']);
    expect(readFileSync(file, 'utf8')).toBe(text);
    // a clean file has no output
    writeFileSync(join(dir, 'clean.sql'), good);
    expect(JSON.parse(godwit(['lint', '--fix-dry-run', '-f', 'json', 'clean.sql']).stdout)[0].output).toBeUndefined();
  });

  it('remaining findings are reported after fixing, and the exit code reflects them', () => {
    const file = join(dir, 'remain.sql');
    writeFileSync(file, 'CREATE INDEX a_idx ON users (a);\nALTER TABLE users DROP COLUMN legacy;\nALTER TABLE users RENAME COLUMN b TO c;\n');
    const r = godwit(['lint', '--fix', 'remain.sql']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no-rename-column');
    expect(r.stdout).not.toContain('require-concurrent-index');
    expect(readFileSync(file, 'utf8')).toContain('CREATE INDEX CONCURRENTLY a_idx');
  });

  it('--transaction file: no CONCURRENTLY is added (it would fail in the runner\'s transaction)', () => {
    const file = join(dir, 'tx.sql');
    const text = "SET lock_timeout = '2s';\nCREATE INDEX a_idx ON users (a);\n";
    writeFileSync(file, text);
    const r = godwit(['lint', '--fix', '--transaction', 'file', 'tx.sql']);
    expect(r.code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('golang-migrate (implicit): CONCURRENTLY only where the statement is alone in its file', () => {
    const mig = join(dir, 'gm');
    mkdirSync(mig);
    writeFileSync(join(mig, '1_users.up.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);\n');
    writeFileSync(join(mig, '1_users.down.sql'), 'DROP TABLE users;\n');
    writeFileSync(join(mig, '2_email.up.sql'), 'CREATE INDEX users_email_idx ON users (email);\n');
    writeFileSync(join(mig, '2_email.down.sql'), 'DROP INDEX users_email_idx;\n');
    writeFileSync(join(mig, '3_name.up.sql'), 'ALTER TABLE users ADD COLUMN nick text;\nCREATE INDEX users_name_idx ON users (name);\n');
    writeFileSync(join(mig, '3_name.down.sql'), 'DROP INDEX users_name_idx;\n');
    godwit(['lint', '--fix', 'gm']);
    expect(readFileSync(join(mig, '2_email.up.sql'), 'utf8')).toBe('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n');
    expect(readFileSync(join(mig, '3_name.up.sql'), 'utf8')).not.toContain('CONCURRENTLY');
    expect(readFileSync(join(mig, '2_email.down.sql'), 'utf8')).toBe('DROP INDEX users_email_idx;\n');
  });

  it('CRLF and BOM files keep their line endings and BOM', () => {
    const file = join(dir, 'crlf.sql');
    const text = '\uFEFF-- +migrate\r\nALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);\r\n';
    writeFileSync(file, text);
    expect(godwit(['lint', '--fix', 'crlf.sql']).code).toBe(0);
    const out = readFileSync(file, 'utf8');
    expect(out).toBe(
      "\uFEFF-- +migrate\r\nSET lock_timeout = '2s';\r\nALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;\r\nALTER TABLE users VALIDATE CONSTRAINT users_age_check;\r\n",
    );
  });

  it('--quiet fixes errors only', () => {
    const file = join(dir, 'quiet.sql');
    writeFileSync(file, 'ALTER TABLE users ADD COLUMN note text;\nALTER TABLE users ADD CONSTRAINT c CHECK (a > 0);\n');
    godwit(['lint', '--fix', '--quiet', 'quiet.sql']);
    // the lock_timeout warning's SET is not added
    expect(readFileSync(file, 'utf8')).toBe('ALTER TABLE users ADD COLUMN note text;\nALTER TABLE users ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\n');
  });

  it('stdin: --fix is refused as in ESLint; --fix-dry-run gives the output', () => {
    const input = 'CREATE INDEX a_idx ON users (a);\n';
    const refused = godwit(['lint', '--fix', '--stdin'], { input });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--fix-dry-run');
    const json = godwit(['lint', '--fix-dry-run', '--stdin', '-f', 'json'], { input });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)[0].output).toBe('CREATE INDEX CONCURRENTLY a_idx ON users (a);\n');
    const diff = godwit(['lint', '--fix-dry-run', '--stdin'], { input });
    expect(diff.stdout).toContain('+CREATE INDEX CONCURRENTLY a_idx ON users (a);');
  });

  it('--fix and --fix-dry-run together are a usage error', () => {
    expect(godwit(['lint', '--fix', '--fix-dry-run', 'x.sql']).code).toBe(2);
  });
});
