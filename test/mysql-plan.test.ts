/**
 * `godwit plan --emit gh-ost | pt-osc` on MySQL migrations with their history: the script runs a
 * dry run, then the real run, with the load guards, chunk size, --cut-over (gh-ost) and
 * --alter-foreign-keys-method (pt-osc); the tool's preconditions come from the earlier migrations
 * and a failed one is refused with the reason (exit 1). The emitted scripts are valid bash
 * (`bash -n`), and every identifier, however odd, reaches the tool as one word.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runMain } from './plan-helpers.js';
import { ready } from './helpers.js';
import { shellQuote } from '../src/plan/shell.js';

beforeAll(ready);

/** A goose MySQL project: db/mysql/001_init.sql (history), then the migration under test. */
function project(history: string, migration: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'godwit-osc-'));
  const m = join(dir, 'db', 'mysql');
  mkdirSync(m, { recursive: true });
  writeFileSync(join(m, '001_init.sql'), `-- +goose Up\n${history}\n`);
  writeFileSync(join(m, '002_change.sql'), `-- +goose Up\n${migration}\n-- +goose Down\nSELECT 1;\n`);
  return { dir, file: join(m, '002_change.sql') };
}

const ORDERS = 'CREATE TABLE orders (id BIGINT NOT NULL, total INT NOT NULL, note VARCHAR(20), PRIMARY KEY (id)) ENGINE=InnoDB;';

describe('plan --emit gh-ost', () => {
  it('writes the dry run and the real run with the load guards, chunk size and cut-over', async () => {
    const p = project(ORDERS, 'ALTER TABLE orders MODIFY COLUMN total BIGINT NOT NULL;');
    const r = await runMain(['plan', p.file, '--emit', 'gh-ost'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    const s = r.stdout;
    expect(s).toContain("--table='orders'");
    expect(s).toContain("--alter='MODIFY COLUMN total BIGINT NOT NULL'");
    expect(s).toMatch(/--max-load=Threads_running=25 --critical-load=Threads_running=100/);
    expect(s).toContain('--chunk-size=1000');
    expect(s).toContain('--cut-over=default');
    expect(s).toContain('key: PRIMARY KEY (id)');
    // dry run (no --execute) before the real run
    const lines = s.split('\n');
    expect(lines.indexOf('ghost')).toBeGreaterThan(0);
    expect(lines.indexOf('ghost --execute')).toBeGreaterThan(lines.indexOf('ghost'));
    execFileSync('bash', ['-n'], { input: s.replace(/^# ── .*\n/, '') });
  });

  it('refuses a table with foreign keys, with the reason (exit 1)', async () => {
    const p = project(`CREATE TABLE customers (id BIGINT PRIMARY KEY);\n${ORDERS.replace('PRIMARY KEY (id)', 'PRIMARY KEY (id), customer_id BIGINT, CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)')}`, 'ALTER TABLE orders MODIFY COLUMN total BIGINT NOT NULL;');
    const r = await runMain(['plan', p.file, '--emit', 'gh-ost'], p.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gh-ost refused for "orders": "orders" has foreign keys \(orders_customer_fk\): gh-ost does not support tables with foreign keys; use --emit pt-osc/);
    expect(r.stdout).toBe('');
  });

  it('refuses a referenced table, a table with triggers, and one without a usable key', async () => {
    const child = project(`${ORDERS}\nCREATE TABLE order_lines (id INT PRIMARY KEY, order_id BIGINT, FOREIGN KEY (order_id) REFERENCES orders (id));`, 'ALTER TABLE orders MODIFY COLUMN total BIGINT NOT NULL;');
    expect((await runMain(['plan', child.file, '--emit', 'gh-ost'], child.dir)).stderr).toMatch(/foreign keys of "order_lines" reference "orders"/);
    const trig = project(`${ORDERS}\nCREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = 'x';`, 'ALTER TABLE orders MODIFY COLUMN total BIGINT NOT NULL;');
    expect((await runMain(['plan', trig.file, '--emit', 'gh-ost'], trig.dir)).stderr).toMatch(/"orders" has triggers \(orders_bi\): gh-ost does not support tables with triggers/);
    const nokey = project('CREATE TABLE logs (id BIGINT NULL, msg VARCHAR(10), UNIQUE KEY logs_id (id));', 'ALTER TABLE logs MODIFY COLUMN msg TEXT;');
    const r = await runMain(['plan', nokey.file, '--emit', 'gh-ost'], nokey.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no PRIMARY KEY and no UNIQUE KEY on NOT NULL columns/);
  });

  it('refuses without history, and on a PostgreSQL file', async () => {
    const p = project('SELECT 1;', 'ALTER TABLE orders MODIFY COLUMN total BIGINT NOT NULL;');
    expect((await runMain(['plan', p.file, '--emit', 'gh-ost'], p.dir)).stderr).toMatch(/no earlier migration creates "orders"/);
    const dir = mkdtempSync(join(tmpdir(), 'godwit-osc-pg-'));
    writeFileSync(join(dir, '001.sql'), 'ALTER TABLE orders ALTER COLUMN total TYPE bigint;\n');
    const r = await runMain(['plan', join(dir, '001.sql'), '--emit', 'pt-osc'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is PostgreSQL: pt-osc runs MySQL schema changes/);
  });

  it('plans only what blocks: an online statement needs no tool', async () => {
    const p = project(ORDERS, 'ALTER TABLE orders ADD COLUMN c INT NULL, ALGORITHM=INSTANT;');
    const r = await runMain(['plan', p.file, '--emit', 'gh-ost'], p.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/runs online as written, no gh-ost needed/);
    expect(r.stderr).toMatch(/nothing to plan/);
  });
});

describe('plan --emit pt-osc', () => {
  it('handles child foreign keys and triggers with its flags; dry run first', async () => {
    const p = project(`${ORDERS}\nCREATE TABLE order_lines (id INT PRIMARY KEY, order_id BIGINT, FOREIGN KEY (order_id) REFERENCES orders (id));\nCREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = 'x';`, 'ALTER TABLE orders MODIFY COLUMN total BIGINT NOT NULL;');
    const r = await runMain(['plan', p.file, '--emit', 'pt-osc'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("--alter 'MODIFY COLUMN total BIGINT NOT NULL'");
    expect(r.stdout).toContain('--alter-foreign-keys-method auto');
    expect(r.stdout).toContain('--preserve-triggers');
    expect(r.stdout).toMatch(/--max-load Threads_running=25 --critical-load Threads_running=100/);
    expect(r.stdout).toContain('--chunk-size 1000');
    expect(r.stdout.indexOf('ptosc --dry-run')).toBeLessThan(r.stdout.indexOf('ptosc --execute'));
    expect(r.stdout).toMatch(/foreign keys of "order_lines" reference it/);
    execFileSync('bash', ['-n'], { input: r.stdout.replace(/^# ── .*\n/, '') });
  });

  it('refuses a column rename (expand-contract instead)', async () => {
    const p = project(ORDERS, 'ALTER TABLE orders CHANGE total amount BIGINT NOT NULL;');
    const r = await runMain(['plan', p.file, '--emit', 'pt-osc'], p.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/renames a column/);
  });

  it('writes one script per statement to --out, never over an existing file', async () => {
    const p = project(ORDERS, 'ALTER TABLE orders MODIFY COLUMN total BIGINT NOT NULL;\nALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4;');
    const out = join(p.dir, 'plans');
    const r = await runMain(['plan', p.file, '--emit', 'pt-osc', '--out', out], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['002_change.2.pt-osc.sh', '002_change.3.pt-osc.sh']);
    expect(readFileSync(join(out, '002_change.3.pt-osc.sh'), 'utf8')).toContain("--alter 'CONVERT TO CHARACTER SET utf8mb4'");
    const again = await runMain(['plan', p.file, '--emit', 'pt-osc', '--out', out], p.dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exist/);
  });
});

describe('shell quoting', () => {
  it('passes any identifier as one word', () => {
    for (const s of ["o'brien", 'a b', '$(rm -rf /)', '`x`', 'a"b', "it's \"$HOME\"\n;", '']) {
      const out = execFileSync('bash', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' });
      expect(out).toBe(s);
    }
  });

  it('a table named to break the script stays one argument', async () => {
    const p = project("CREATE TABLE `we'ird $(x) t` (id INT PRIMARY KEY, v INT);", "ALTER TABLE `we'ird $(x) t` MODIFY COLUMN v BIGINT;");
    const r = await runMain(['plan', p.file, '--emit', 'gh-ost'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`--table=${shellQuote("we'ird $(x) t")}`);
    execFileSync('bash', ['-n'], { input: r.stdout.replace(/^# ── .*\n/, '') });
  });
});
