/**
 * Accuracy classes found on real migrations (issue 15): each reproduced here with the exact
 * wording or location it got wrong, beside the rule fixtures that prove the finding / non-finding
 * (fixtures/<rule>/{invalid,valid}/).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { initParser, lintSql } from '../src/lint.js';
import { catalogFromDump } from '../src/analysis/history.js';
import { initJsParser, lintJsMigration } from '../src/sources/extract/index.js';
import type { LintOptions } from '../src/engine/types.js';

beforeAll(async () => {
  await initParser();
  await initJsParser();
});

function lint(sql: string, history?: string, options: LintOptions = {}) {
  const catalog = history ? catalogFromDump(history, 'history.sql') : undefined;
  return lintSql(sql, 'migration.sql', { preset: 'all', ...options, ...(catalog ? { catalog } : {}) }).messages;
}

describe('an unqualified index name resolves through the catalog and the search_path', () => {
  const history = `CREATE SCHEMA storage;
CREATE TABLE storage.objects (id text PRIMARY KEY, name text);
CREATE INDEX objects_name_idx ON storage.objects (name);`;

  it('the only index of that name (in schema storage) names its table', () => {
    const ms = lint('DROP INDEX objects_name_idx;', history);
    const drop = ms.find((m) => m.ruleId === 'require-concurrent-index-drop')!;
    expect(drop.lock?.table).toBe('storage.objects');
    expect(drop.message).toContain('"storage.objects"');
    const timeout = ms.find((m) => m.ruleId === 'require-lock-timeout')!;
    expect(timeout.message).toContain('"storage.objects"');
    expect(timeout.message).not.toContain('query on "objects_name_idx"');
  });

  it('SET search_path picks the schema searched first', () => {
    const both = `${history}\nCREATE TABLE public.objects (id text PRIMARY KEY, name text);\nCREATE INDEX objects_name_idx ON public.objects (name);`;
    expect(lint('DROP INDEX objects_name_idx;', both).find((m) => m.ruleId === 'require-concurrent-index-drop')!.lock?.table).toBe('objects');
    const viaPath = lint('SET search_path TO storage, public;\nDROP INDEX objects_name_idx;', both);
    expect(viaPath.find((m) => m.ruleId === 'require-concurrent-index-drop')!.lock?.table).toBe('storage.objects');
  });

  it('the runner search_path from the config (searchPath) is where lookups start', () => {
    const both = `${history}\nCREATE TABLE public.objects (id text PRIMARY KEY, name text);\nCREATE INDEX objects_name_idx ON public.objects (name);`;
    const ms = lint('DROP INDEX objects_name_idx;', both, { searchPath: ['storage', 'public'] });
    expect(ms.find((m) => m.ruleId === 'require-concurrent-index-drop')!.lock?.table).toBe('storage.objects');
  });

  it('a table created in another schema is new for an unqualified reference on that path', () => {
    const ms = lint('SET search_path TO app, public;\nCREATE TABLE app.events (id bigint PRIMARY KEY, kind text);\nCREATE INDEX events_kind_idx ON events (kind);');
    expect(ms.filter((m) => m.ruleId === 'require-concurrent-index')).toEqual([]);
  });
});

describe('ROW EXCLUSIVE is worded as what it is', () => {
  it('UPDATE: the table lock conflicts with SHARE and stronger; the row locks block other writers', () => {
    const m = lint("UPDATE orders SET status = 'open' WHERE status IS NULL;").find((x) => x.ruleId === 'no-unbatched-backfill')!;
    expect(m.message).not.toMatch(/ROW EXCLUSIVE lock on "orders" blocks writes/);
    expect(m.message).toMatch(/row locks/);
    expect(m.message).toMatch(/SHARE and stronger/);
  });
});

describe('no-multi-table-exclusive-locks on one statement that locks two tables', () => {
  const history = `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id));`;
  it('gives advice that can be followed (it cannot be split: alone in its transaction, with a lock_timeout)', () => {
    const m = lint('BEGIN;\nALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;\nCOMMIT;', history).find((x) => x.ruleId === 'no-multi-table-exclusive-locks')!;
    expect(m.message).not.toMatch(/one table per transaction/i);
    expect(m.message).toMatch(/lock_timeout/);
    expect(m.message).toMatch(/cannot be split/);
  });
  it('two statements on two tables keep the split advice', () => {
    const m = lint('BEGIN;\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;\nCOMMIT;', history).find((x) => x.ruleId === 'no-multi-table-exclusive-locks')!;
    expect(m.message).toMatch(/one table per transaction/i);
  });
});

describe('a template-literal placeholder that stands for whole statements', () => {
  const ts = (body: string) => `import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeTriggerSql } from '../util';

export class Init1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const trigger = makeTriggerSql('users');
    await queryRunner.query(\`${body}\`);
  }
  async down(): Promise<void> {}
}
`;

  it('is an opaque dynamic statement (dynamic-sql), and the statement after it is linted', () => {
    const text = ts('\n      ${trigger}\n      CREATE INDEX users_email_idx ON users (email);\n    ');
    const r = lintJsMigration(text, '/tmp/migrations/1700000000000-Init.ts', { runner: 'typeorm', preset: 'all' });
    const ids = r.messages.map((m) => m.ruleId);
    expect(ids).not.toContain('syntax-error');
    expect(ids).toContain('dynamic-sql');
    expect(ids).toContain('require-concurrent-index');
    const dyn = r.messages.find((m) => m.ruleId === 'dynamic-sql')!;
    expect(dyn.line).toBe(8);
    expect(dyn.column).toBe(7);
    expect(dyn.message).toContain('${trigger}');
    const idx = r.messages.find((m) => m.ruleId === 'require-concurrent-index')!;
    expect(idx.line).toBe(9);
    expect(idx.message).not.toContain('depends on the value');
  });

  it('also between statements, with or without a semicolon after it', () => {
    const text = ts('ALTER TABLE users ADD COLUMN a int;\n${trigger};\nCREATE INDEX users_a_idx ON users (a);');
    const r = lintJsMigration(text, '/tmp/migrations/1700000000000-Init.ts', { runner: 'typeorm', preset: 'all' });
    expect(r.messages.map((m) => m.ruleId)).not.toContain('syntax-error');
    expect(r.messages.filter((m) => m.ruleId === 'dynamic-sql')).toHaveLength(1);
    expect(r.messages.map((m) => m.ruleId)).toContain('require-concurrent-index');
  });

  it('a placeholder inside a statement stays a placeholder (the finding says it depends on it)', () => {
    const text = ts('CREATE INDEX users_email_idx ON ${trigger} (email);');
    const r = lintJsMigration(text, '/tmp/migrations/1700000000000-Init.ts', { runner: 'typeorm', preset: 'all' });
    expect(r.messages.map((m) => m.ruleId)).not.toContain('dynamic-sql');
    const idx = r.messages.find((m) => m.ruleId === 'require-concurrent-index')!;
    expect(idx.message).toContain('depends on the value');
  });
});
