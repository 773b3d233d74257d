/**
 * MySQL expand-contract plans (src/plan/mysql-expand.ts): the phases for a column rename and a
 * table-copying type change; with GODWIT_TEST_MARIADB_URL each phase runs on MariaDB with data:
 * old-code and new-code writes stay in step through the triggers, the backfill converges, every
 * phase's rollback restores the schema before it, and no phase copies the table.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ready } from './helpers.js';
import { runMain } from './plan-helpers.js';
import { MysqlCatalog, parseMysqlFile, replayMysql } from '../src/dialects/index.js';
import { parseMysqlTarget } from '../src/dialects/mysql/matrix.js';
import { planMysqlExpandContract, type MysqlExpandPlan } from '../src/plan/mysql-expand.js';

beforeAll(ready);

const url = process.env.GODWIT_TEST_MARIADB_URL;
const TABLE = 'CREATE TABLE users (id BIGINT NOT NULL AUTO_INCREMENT, email VARCHAR(50) NOT NULL, score INT NOT NULL DEFAULT 0, PRIMARY KEY (id), KEY users_email (email)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4';

function planFor(migration: string, target = 'mariadb-10.11'): MysqlExpandPlan {
  const t = parseMysqlTarget(target)!;
  const h = replayMysql(new MysqlCatalog(), parseMysqlFile('h.sql', `${TABLE};`, { target }), target);
  h.sealAsHistory();
  return planMysqlExpandContract(parseMysqlFile('m.sql', migration, { target }), h, t);
}

function sql(db: string, statements: string[]): string {
  const u = new URL(url!);
  return execFileSync('mariadb', ['--no-defaults', '--protocol=tcp', '-h', u.hostname, '-P', u.port, '-u', 'root', '-N', '--batch', db, '-e', statements.map((s) => `${s};`).join('\n')], { encoding: 'utf8' }).trim();
}

function affected(db: string, statement: string): number {
  return Number(sql(db, [statement, 'SELECT ROW_COUNT()']).split('\n').pop());
}

describe('MySQL expand-contract plans', () => {
  it('a rename: expand (column, triggers, index copy), backfill, NOT NULL, contract in release 2', () => {
    const p = planFor('ALTER TABLE users RENAME COLUMN email TO email_address;');
    expect(p.unplanned).toEqual([]);
    expect(p.phases.map((x) => [x.name, x.release])).toEqual([
      ['expand_users_email_address', 1],
      ['backfill_users_email_address', 1],
      ['not_null_users_email_address', 1],
      ['contract_users_email_address', 2],
    ]);
    expect(p.phases[0].sql[0]).toBe('ALTER TABLE `users` ADD COLUMN `email_address` VARCHAR(50) NULL, ALGORITHM=INSTANT, LOCK=NONE');
    expect(p.phases[0].sql.some((s) => s.startsWith('CREATE TRIGGER `users_email_address_sync_ins` BEFORE INSERT ON `users` FOR EACH ROW'))).toBe(true);
    expect(p.phases[0].sql.some((s) => s.includes('ADD INDEX `users_email_email_address` (`email_address`)'))).toBe(true);
    expect(p.phases[1].sql[0]).toBe('UPDATE `users` SET `email_address` = `email` WHERE `email_address` IS NULL AND `email` IS NOT NULL ORDER BY `id` LIMIT 1000');
  });

  it('a type change MySQL would copy the table for goes through a new column; an in-place change is not planned', () => {
    const p = planFor('ALTER TABLE users MODIFY COLUMN score BIGINT NOT NULL DEFAULT 0;', '8.0');
    expect(p.changes[0].title).toMatch(/through a new column "score_new"/);
    expect(p.phases[0].sql[0]).toBe('ALTER TABLE `users` ADD COLUMN `score_new` BIGINT NULL, ALGORITHM=INSTANT');
    expect(planFor('ALTER TABLE users MODIFY COLUMN email VARCHAR(60) NOT NULL;').changes).toEqual([]);
    expect(planFor('ALTER TABLE users RENAME COLUMN email TO e, ADD COLUMN x INT;').unplanned[0].reason).toMatch(/split it/);
  });

  it('godwit plan writes the phases after the root\'s migrations, in goose\'s layout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-mysql-plan-'));
    const m = join(dir, 'db', 'mysql');
    mkdirSync(m, { recursive: true });
    writeFileSync(join(m, '001_init.sql'), `-- +goose Up\n${TABLE};\n`);
    writeFileSync(join(m, '002_rename.sql'), '-- +goose Up\nALTER TABLE users RENAME COLUMN email TO email_address;\n');
    const out = join(dir, 'out');
    const r = await runMain(['plan', join(m, '002_rename.sql'), '--out', out], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/003_expand_users_email_address\.sql/);
    expect(r.stdout).toMatch(/then: deploy the code that reads and writes "users"."email_address"/);
    expect(r.stdout).toMatch(/006_contract_users_email_address\.sql {2}\[release 2\]/);
  });

  describe.skipIf(!url)('on MariaDB (GODWIT_TEST_MARIADB_URL)', () => {
    it('every phase runs with data, both releases\' writes stay in step, every rollback restores the schema', () => {
      const db = 'godwit_expand';
      sql('', [`DROP DATABASE IF EXISTS ${db}`, `CREATE DATABASE ${db}`]);
      sql(db, [TABLE, "INSERT INTO users (email, score) VALUES ('a@x', 1), ('b@x', 2), ('c@x', 3)"]);
      const p = planFor('ALTER TABLE users RENAME COLUMN email TO email_address;');
      const schema = (): string => sql(db, ['SHOW CREATE TABLE users']) + sql(db, ['SHOW TRIGGERS']);
      const before = schema();
      // each phase's rollback restores what was before it
      const [expand, backfill, notNull, contract] = p.phases;
      sql(db, expand.sql);
      sql(db, expand.rollback);
      expect(schema()).toBe(before);
      sql(db, expand.sql);
      // old code writes email, new code writes email_address: both filled
      sql(db, ["INSERT INTO users (email, score) VALUES ('old@x', 4)", "INSERT INTO users (email_address, score) VALUES ('new@x', 5)", "UPDATE users SET email = 'a2@x' WHERE id = 1"]);
      // the backfill converges (batches of 2 here: run until 0 rows)
      const batch = backfill.sql[0].replace('LIMIT 1000', 'LIMIT 2');
      let runs = 0;
      while (affected(db, batch) > 0) runs++;
      expect(runs).toBeGreaterThan(0);
      expect(sql(db, ['SELECT COUNT(*) FROM users WHERE NOT (email <=> email_address)'])).toBe('0');
      const withNull = schema();
      sql(db, notNull.sql);
      sql(db, notNull.rollback);
      expect(schema()).toBe(withNull);
      sql(db, notNull.sql);
      // after the switch: new code updates email_address, old column follows until it is dropped
      sql(db, ["UPDATE users SET email_address = 'b2@x' WHERE id = 2"]);
      expect(sql(db, ['SELECT email FROM users WHERE id = 2'])).toBe('b2@x');
      const beforeContract = schema();
      sql(db, contract.sql);
      expect(sql(db, ['SELECT email_address FROM users ORDER BY id']).split('\n')).toEqual(['a2@x', 'b2@x', 'c@x', 'old@x', 'new@x']);
      sql(db, contract.rollback);
      expect(sql(db, ['SELECT COUNT(*) FROM users WHERE NOT (email <=> email_address)'])).toBe('0');
      expect(beforeContract).toMatch(/users_email_address_sync_ins/);
      expect(sql(db, ['SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()'])).toBe('2');
      sql('', [`DROP DATABASE ${db}`]);
    });
  });
});
