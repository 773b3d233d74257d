/**
 * Migration roots and runners (src/sources): detection, run order, up/down handling, the
 * transaction mode of each file, excluded Down sections — on fixtures/runners/<runner>/ and,
 * when present, on the real-world corpus in ../shared/corpus. Also the `implicit` transaction
 * mode of analysis/transactions.ts.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { modelTransactions, type TransactionMode } from '../src/analysis/transactions.js';
import { lintSql } from '../src/lint.js';
import {
  blankRanges,
  compareFlywayVersions,
  fileTransaction,
  findRoots,
  flywayNonTransactional,
  naturalCompare,
  rootOf,
  type MigrationRoot,
} from '../src/sources/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'runners');
const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'corpus');

beforeAll(async () => {
  await initParser();
});

async function only(path: string, opts: Parameters<typeof findRoots>[1] = {}): Promise<MigrationRoot> {
  const { roots } = await findRoots([join(FIXTURES, path)], opts);
  expect(roots, `one root under ${path}`).toHaveLength(1);
  return roots[0];
}

const names = (root: MigrationRoot): string[] => root.files.map((f) => relative(root.dir, f.path));
const modes = (root: MigrationRoot): Record<string, TransactionMode> =>
  Object.fromEntries(root.files.map((f) => [relative(root.dir, f.path), f.transaction]));
const skipped = (root: MigrationRoot): Record<string, string> => Object.fromEntries(root.skipped.map((f) => [relative(root.dir, f.path), f.kind]));

/** The up part of a file as the linter will see it: excluded ranges blanked, then parsed. */
function upStatements(path: string, exclude: Array<[number, number]>): string[] {
  const text = readFileSync(path, 'utf8');
  const blanked = blankRanges(text, exclude);
  expect(blanked.length).toBe(text.length);
  return parseFile(path, blanked).statements.map((s) => s.text.replace(/\s+/g, ' ').trim());
}

function tx(sql: string, mode: TransactionMode) {
  return modelTransactions(parseFile('t.sql', sql).statements, mode);
}

function concurrentlyFindings(sql: string, transaction: TransactionMode): number {
  const r = lintSql(sql, 't.sql', { transaction, preset: 'all' });
  return r.messages.filter((m) => m.ruleId === 'no-concurrently-in-transaction').length;
}

describe('transaction mode "implicit" (one simple-query message)', () => {
  it('runs a single statement in autocommit', () => {
    const m = tx('CREATE INDEX CONCURRENTLY i ON t (a);', 'implicit');
    expect(m.info).toEqual([{ inTransaction: false, id: null, explicit: false }]);
    expect(m.unclosedBegin).toBeNull();
  });

  it('puts every statement of a multi-statement file in one implicit block, the last one too', () => {
    const m = tx('ALTER TABLE t ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY i ON t (a);', 'implicit');
    expect(m.info.map((i) => [i.inTransaction, i.id, i.explicit])).toEqual([
      [true, 0, false],
      [true, 0, false],
    ]);
  });

  it('lets BEGIN turn the implicit block into an explicit one (same transaction, not nesting)', () => {
    const m = tx('CREATE TABLE a (x int);\nBEGIN;\nCREATE TABLE b (x int);\nCOMMIT;\nCREATE INDEX CONCURRENTLY i ON a (x);\nSELECT 1;', 'implicit');
    expect(m.info.map((i) => [i.inTransaction, i.id, i.explicit, i.nested ?? false])).toEqual([
      [true, 0, false, false], // part of the block the BEGIN converts
      [true, 0, true, false], // BEGIN: no warning in PostgreSQL, no nesting
      [true, 0, true, false],
      [true, 0, true, false], // COMMIT closes 0
      [true, 1, false, false], // a new implicit block after COMMIT
      [true, 1, false, false],
    ]);
    expect(m.info[3].closes).toBe(0);
    expect(m.unclosedBegin).toBeNull();
  });

  it('starts a new implicit block after a ROLLBACK without BEGIN', () => {
    const m = tx('INSERT INTO t VALUES (1);\nROLLBACK;\nINSERT INTO t VALUES (2);', 'implicit');
    expect(m.info.map((i) => i.id)).toEqual([0, 0, 1]);
    expect(m.info[1].closes).toBe(0);
  });

  it('does not open a block after a final COMMIT', () => {
    const m = tx('BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;', 'implicit');
    expect(m.info.map((i) => i.id)).toEqual([0, 0, 0]);
    expect(m.unclosedBegin).toBeNull();
  });

  it('reports an explicit BEGIN left open, and a second BEGIN as nesting', () => {
    const m = tx('SELECT 1;\nBEGIN;\nCREATE TABLE a (x int);\nBEGIN;', 'implicit');
    expect(m.unclosedBegin).toBe(1);
    expect(m.info[3].nested).toBe(true);
  });

  it('keeps none/file/all unchanged', () => {
    const sql = 'CREATE TABLE a (x int);\nBEGIN;\nCREATE TABLE b (x int);\nCOMMIT;\nSELECT 1;';
    expect(tx(sql, 'none').info.map((i) => [i.inTransaction, i.id, i.explicit])).toEqual([
      [false, null, false],
      [false, 0, true],
      [true, 0, true],
      [true, 0, true],
      [false, null, false],
    ]);
    for (const mode of ['file', 'all'] as const) {
      const m = tx(sql, mode);
      expect(m.info.map((i) => [i.inTransaction, i.id, i.nested ?? false])).toEqual([
        [true, 0, false],
        [true, 0, true],
        [true, 0, false],
        [true, 0, false],
        [false, null, false],
      ]);
    }
  });

  it('drives no-concurrently-in-transaction: a lone CONCURRENTLY passes, a second statement fails', () => {
    expect(concurrentlyFindings('CREATE INDEX CONCURRENTLY i ON t (a);', 'implicit')).toBe(0);
    expect(concurrentlyFindings('SET lock_timeout = 1000;\nCREATE INDEX CONCURRENTLY i ON t (a);', 'implicit')).toBe(1);
    expect(concurrentlyFindings('SET lock_timeout = 1000;\nCREATE INDEX CONCURRENTLY i ON t (a);', 'none')).toBe(0);
    const msg = lintSql('SELECT 1;\nCREATE INDEX CONCURRENTLY i ON t (a);', 't.sql', { transaction: 'implicit', preset: 'all' }).messages.find(
      (m) => m.ruleId === 'no-concurrently-in-transaction',
    );
    expect(msg?.message).toMatch(/implicit/);
  });
});

describe('orderings', () => {
  it('natural order compares digit runs by value', () => {
    const files = ['10_x.sql', '2_x.sql', '1_x.sql', '00010-j.sql', '0009-i.sql', 'b.sql', 'a.sql'];
    expect([...files].sort(naturalCompare)).toEqual(['1_x.sql', '2_x.sql', '0009-i.sql', '00010-j.sql', '10_x.sql', 'a.sql', 'b.sql']);
  });

  it('Flyway versions compare numerically per dotted part, missing parts are 0', () => {
    const v = ['1.10', '1.2', '2', '1', '1.2.9.4', '1.2.10', '1_1'];
    expect([...v].sort(compareFlywayVersions)).toEqual(['1', '1_1', '1.2', '1.2.9.4', '1.2.10', '1.10', '2']);
    expect(compareFlywayVersions('1.2.10', '1.2.010')).toBe(0);
    expect(compareFlywayVersions('1', '1.0')).toBe(0);
  });
});

describe('fixtures/runners: detection, order, up/down, transactions', () => {
  it('prisma: migration_lock.toml, folder order, one simple query per migration.sql', async () => {
    const root = await only('prisma');
    expect(root.runner).toBe('prisma');
    expect(root.detectedBy).toBe('migration_lock.toml');
    expect(names(root)).toEqual([
      '20240101120000_init/migration.sql',
      '20240215090000_add_email_index/migration.sql',
      '20240301100000_add_order_index/migration.sql',
    ]);
    expect(root.files.map((f) => f.version)[0]).toBe('20240101120000_init');
    expect(new Set(root.files.map((f) => f.transaction))).toEqual(new Set(['implicit']));
    // the lone CONCURRENTLY passes, the one after an ALTER TABLE does not
    const lintFile = (i: number) => concurrentlyFindings(readFileSync(root.files[i].path, 'utf8'), root.files[i].transaction);
    expect(lintFile(1)).toBe(0);
    expect(lintFile(2)).toBe(1);
  });

  it('drizzle: journal order (not alphabetical), all migrations in one transaction, unlisted files skipped', async () => {
    const root = await only('drizzle');
    expect(root.runner).toBe('drizzle');
    expect(root.detectedBy).toBe('meta/_journal.json');
    expect(names(root)).toEqual(['users_init.sql', 'add_orders.sql', 'backfill_totals.sql']);
    expect(names(root)).not.toEqual([...names(root)].sort());
    expect(root.files.every((f) => f.transaction === 'all')).toBe(true);
    expect(skipped(root)).toEqual({ 'scratch_notes.sql': 'ignored' });
    // the statement-breakpoint marker is a comment: the file parses as its statements
    expect(upStatements(root.files[0].path, root.files[0].exclude)).toHaveLength(2);
  });

  it('golang-migrate: numeric versions (2 before 10), up files only, whole file as one query', async () => {
    const root = await only('golang-migrate/sequential');
    expect(root.runner).toBe('golang-migrate');
    expect(names(root)).toEqual(['000001_create_users.up.sql', '000002_add_email_index.up.sql', '000010_add_orders.up.sql']);
    expect(Object.values(skipped(root))).toEqual(['down', 'down', 'down']);
    expect(root.files.every((f) => f.transaction === 'implicit')).toBe(true);
    const [, single, multi] = root.files;
    expect(concurrentlyFindings(readFileSync(single.path, 'utf8'), single.transaction)).toBe(0);
    expect(concurrentlyFindings(readFileSync(multi.path, 'utf8'), multi.transaction)).toBe(1);

    const ts = await only('golang-migrate/timestamps');
    expect(ts.runner).toBe('golang-migrate');
    expect(ts.files.map((f) => f.version)).toEqual(['1700000000', '1710000000']);
  });

  it('flyway: V by dotted version, then R by description; U skipped; CONCURRENTLY, mixed and .conf', async () => {
    const root = await only('flyway');
    expect(root.runner).toBe('flyway');
    expect(names(root)).toEqual([
      'V1__create_users.sql',
      'V1.2__add_name.sql',
      'V1.9__add_status.sql',
      'V1.10__index_email.sql',
      'V2__mixed.sql',
      'V3__backfill.sql',
      'R__a_email_domains_view.sql',
      'R__active_users_view.sql',
    ]);
    expect(root.files.map((f) => f.kind)).toEqual(['up', 'up', 'up', 'up', 'up', 'up', 'repeatable', 'repeatable']);
    expect(skipped(root)).toEqual({ 'U1.2__add_name.sql': 'undo' });
    expect(modes(root)).toEqual({
      'V1__create_users.sql': 'file',
      'V1.2__add_name.sql': 'file',
      'V1.9__add_status.sql': 'file',
      'V1.10__index_email.sql': 'none',
      'V2__mixed.sql': 'none',
      'V3__backfill.sql': 'none',
      'R__a_email_domains_view.sql': 'file',
      'R__active_users_view.sql': 'file',
    });
    const reason = (n: string) => root.files.find((f) => basename(f.path) === n)!.txReason;
    expect(reason('V1.10__index_email.sql')).toMatch(/CREATE INDEX CONCURRENTLY as non-transactional/);
    expect(reason('V2__mixed.sql')).toMatch(/mixed=true/);
    expect(reason('V3__backfill.sql')).toMatch(/executeInTransaction=false/);
  });

  it('flyway: the non-transactional statements are exactly those of its PostgreSQL parser', () => {
    const label = (sql: string, pg = 15) => flywayNonTransactional(parseFile('x.sql', sql).statements[0], pg);
    expect(label('CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)')).toBe('CREATE INDEX CONCURRENTLY');
    expect(label('DROP INDEX CONCURRENTLY i')).toBe('DROP INDEX CONCURRENTLY');
    expect(label('VACUUM t')).toBe('VACUUM');
    expect(label('CREATE DATABASE d')).toBe('CREATE DATABASE');
    expect(label('ALTER SYSTEM SET work_mem = 1')).toBe('ALTER SYSTEM');
    expect(label('REINDEX SCHEMA s')).toBe('REINDEX SCHEMA');
    expect(label('DISCARD ALL')).toBe('DISCARD ALL');
    expect(label("ALTER TYPE e ADD VALUE 'x'", 11)).toMatch(/ADD VALUE/);
    expect(label("ALTER TYPE e ADD VALUE 'x'", 12)).toBeNull();
    // not detected by Flyway: it runs them in a transaction (where PostgreSQL rejects them)
    expect(label('REINDEX TABLE CONCURRENTLY t')).toBeNull();
    expect(label('ALTER TABLE p DETACH PARTITION c CONCURRENTLY')).toBeNull();
    expect(label('ANALYZE t')).toBeNull();
    expect(label('CREATE INDEX i ON t (a)')).toBeNull();
  });

  it('goose: version order, NO TRANSACTION, Down sections excluded', async () => {
    const root = await only('goose');
    expect(root.runner).toBe('goose');
    expect(root.detectedBy).toBe('-- +goose Up annotations');
    expect(names(root)).toEqual(['00001_create_users.sql', '00002_index_email.sql', '00003_touch_trigger.sql', '20240501120000_add_orders.sql']);
    expect(modes(root)).toEqual({
      '00001_create_users.sql': 'file',
      '00002_index_email.sql': 'none',
      '00003_touch_trigger.sql': 'file',
      '20240501120000_add_orders.sql': 'file',
    });
    for (const f of root.files) {
      expect(f.exclude).toHaveLength(1);
      const text = readFileSync(f.path, 'utf8');
      expect(text.slice(f.exclude[0][0])).toMatch(/^-- \+goose Down\n/);
      expect(f.exclude[0][1]).toBe(text.length);
    }
    expect(upStatements(root.files[0].path, root.files[0].exclude)).toEqual(['CREATE TABLE users ( id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL )']);
    expect(upStatements(root.files[1].path, root.files[1].exclude)).toEqual(['CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)']);
    // a "-- +goose Down" line inside a dollar-quoted body is not a directive
    const trigger = upStatements(root.files[2].path, root.files[2].exclude);
    expect(trigger).toHaveLength(1);
    expect(trigger[0]).toMatch(/^CREATE FUNCTION touch\(\)/);
  });

  it('dbmate: transaction:false is one query without a transaction; migrate:down excluded', async () => {
    const root = await only('dbmate');
    expect(root.runner).toBe('dbmate');
    expect(names(root)).toEqual(['20240101000000_create_users.sql', '20240102000000_index_email.sql', '20240103000000_add_orders.sql']);
    expect(modes(root)).toEqual({
      '20240101000000_create_users.sql': 'file',
      '20240102000000_index_email.sql': 'implicit',
      '20240103000000_add_orders.sql': 'file',
    });
    const idx = root.files[1];
    expect(upStatements(idx.path, idx.exclude)).toEqual(['CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email)']);
    expect(concurrentlyFindings(blankRanges(readFileSync(idx.path, 'utf8'), idx.exclude), idx.transaction)).toBe(0);
    expect(upStatements(root.files[2].path, root.files[2].exclude)).toHaveLength(2);
  });

  it('dbmate: several up sections in one file each lose their down part', () => {
    const text = '-- migrate:up\nCREATE TABLE a (x int);\n-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE b (x int);\n-- migrate:down\nDROP TABLE b;\n';
    const t = fileTransaction('dbmate', 'x.sql', text);
    expect(t.transaction).toBe('file');
    expect(t.exclude.map(([s, e]) => text.slice(s, e))).toEqual(['-- migrate:down\nDROP TABLE a;\n', '-- migrate:down\nDROP TABLE b;\n']);
  });

  it('node-pg-migrate: timestamp order (13-digit ms and 17-digit UTC), one transaction, everything but Up excluded', async () => {
    const root = await only('node-pg-migrate');
    expect(root.runner).toBe('node-pg-migrate');
    expect(names(root)).toEqual(['1700000000000_create-users.sql', '1700000100000_add-status.sql', '20240103000000000_index-email.sql']);
    expect(root.files.every((f) => f.transaction === 'all')).toBe(true);
    const downFirst = root.files[1];
    // header comment and the Down section before the Up marker are both excluded
    expect(downFirst.exclude).toHaveLength(1);
    expect(downFirst.exclude[0][0]).toBe(0);
    expect(upStatements(downFirst.path, downFirst.exclude)).toEqual(['ALTER TABLE users ADD COLUMN status text']);
    expect(upStatements(root.files[2].path, root.files[2].exclude)).toEqual(['CREATE INDEX users_email_idx ON users (email)']);
  });

  it('node-pg-migrate: a file without markers is all up', () => {
    const t = fileTransaction('node-pg-migrate', 'x.sql', 'CREATE TABLE a (x int);\n');
    expect(t.exclude).toEqual([]);
  });

  it('atlas: atlas.sum, name order, `-- atlas:txmode none` only in the header', async () => {
    const root = await only('atlas');
    expect(root.runner).toBe('atlas');
    expect(root.detectedBy).toBe('atlas.sum');
    expect(root.notes).toEqual([]);
    expect(modes(root)).toEqual({
      '20240101000000_init.sql': 'file',
      '20240102000000_index_email.sql': 'none',
      '20240103000000_orders.sql': 'file',
    });
  });

  it('diesel: version order, up.sql only, metadata.toml run_in_transaction = false', async () => {
    const root = await only('diesel');
    expect(root.runner).toBe('diesel');
    expect(names(root)).toEqual([
      '00000000000000_diesel_initial_setup/up.sql',
      '2024-01-01-000000_create_users/up.sql',
      '2024-02-01-000000_index_email/up.sql',
      '2024-03-01-000000-0000_add_orders/up.sql',
    ]);
    expect(Object.values(skipped(root))).toEqual(['down', 'down', 'down', 'down']);
    expect(modes(root)['2024-02-01-000000_index_email/up.sql']).toBe('implicit');
    expect(modes(root)['2024-01-01-000000_create_users/up.sql']).toBe('file');
  });

  it('plain: natural order, no wrapping; an unnumbered folder is loose', async () => {
    const { roots, loose } = await findRoots([join(FIXTURES, 'plain')]);
    expect(roots).toHaveLength(1);
    const root = roots[0];
    expect(root.runner).toBe('plain');
    expect(names(root)).toEqual(['1_init.sql', '2_add_email.sql', '10_index_email.sql']);
    expect(root.files.every((f) => f.transaction === 'none' && f.exclude.length === 0)).toBe(true);
    expect(loose.map((f) => relative(FIXTURES, f))).toEqual(['plain/seed/seed.sql']);
  });

  it('plain: numbered folders form one root, ordered by folder then file, .sql.postgres included', async () => {
    const root = await only('plain-folders');
    expect(root.runner).toBe('plain');
    expect(root.detectedBy).toBe('numbered folders of SQL files');
    expect(basename(root.dir)).toBe('delta');
    expect(names(root)).toEqual(['1/rooms.sql', '2/a_events_index.sql.postgres', '2/b_events.sql', '10/rooms_name.sql']);
  });

  it('pop/fizz: plain root of PostgreSQL up files; popx wraps each file unless .autocommit.', async () => {
    const root = await only('pop', { dialect: 'postgresql' });
    expect(root.runner).toBe('plain');
    expect(root.flavor).toBe('pop');
    expect(names(root)).toEqual([
      '20200101000000000000_identities.postgres.up.sql',
      '20200201000000000000_identities_index.postgres.autocommit.up.sql',
      '20200301000000000000_identities_state.up.sql',
    ]);
    expect(root.files.map((f) => f.transaction)).toEqual(['file', 'implicit', 'file']);
    expect(skipped(root)).toEqual({
      '20200101000000000000_identities.mysql.up.sql': 'ignored',
      '20200101000000000000_identities.postgres.down.sql': 'down',
      '20200201000000000000_identities_index.postgres.autocommit.down.sql': 'down',
    });
  });

  it('pop/fizz: the MySQL up files (and the dialect-less ones) are a second root of the folder, dialect mysql', async () => {
    const { roots } = await findRoots([join(FIXTURES, 'pop')]);
    expect(roots.map((r) => r.dialect)).toEqual(['postgresql', 'mysql']);
    expect(names(roots[1])).toEqual(['20200101000000000000_identities.mysql.up.sql', '20200301000000000000_identities_state.up.sql']);
    expect((await only('pop', { dialect: 'mysql' })).dialect).toBe('mysql');
  });

  it('pop/fizz: a dialect-less file belongs to the PostgreSQL root, as `godwit lint <dir>` lints it; a .mysql. file to the MySQL root', async () => {
    const dir = join(FIXTURES, 'pop', 'migrations');
    expect((await rootOf(join(dir, '20200301000000000000_identities_state.up.sql')))?.dialect).toBe('postgresql');
    expect((await rootOf(join(dir, '20200101000000000000_identities.mysql.up.sql')))?.dialect).toBe('mysql');
    expect((await rootOf(join(dir, '20200101000000000000_identities.postgres.up.sql')))?.dialect).toBe('postgresql');
  });

  it('finds every fixture root at once, each with its runner', async () => {
    const { roots, loose } = await findRoots([FIXTURES]);
    const byDir = Object.fromEntries(roots.map((r) => [relative(FIXTURES, r.dir), r.runner]));
    expect(byDir).toEqual({
      'atlas/migrations': 'atlas',
      'dbmate/db/migrations': 'dbmate',
      'diesel/migrations': 'diesel',
      'drizzle/drizzle': 'drizzle',
      'flyway/sql': 'flyway',
      'golang-migrate/sequential': 'golang-migrate',
      'golang-migrate/timestamps': 'golang-migrate',
      'goose/migrations': 'goose',
      'node-pg-migrate/migrations': 'node-pg-migrate',
      'plain-folders/schema/delta': 'plain',
      'plain/sql': 'plain',
      'pop/migrations': 'plain',
      'prisma/migrations': 'prisma',
    });
    expect(loose.map((f) => relative(FIXTURES, f))).toEqual(['plain/seed/seed.sql']);
  });
});

describe('single files, sub-folders and forced runners', () => {
  it('rootOf finds the root of a file, nested or flat; a down file belongs to it but is skipped', async () => {
    const up = join(FIXTURES, 'diesel/migrations/2024-02-01-000000_index_email/up.sql');
    const root = await rootOf(up);
    expect(root?.runner).toBe('diesel');
    expect(root?.files.map((f) => f.path)).toContain(up);

    const down = join(FIXTURES, 'golang-migrate/sequential/000010_add_orders.down.sql');
    const gm = await rootOf(down);
    expect(gm?.runner).toBe('golang-migrate');
    expect(gm?.skipped.find((f) => f.path === down)?.kind).toBe('down');

    expect(await rootOf(join(FIXTURES, 'plain/seed/seed.sql'))).toBeUndefined();
    expect((await rootOf(join(FIXTURES, 'prisma/migrations/20240101120000_init/migration.sql')))?.runner).toBe('prisma');
    expect((await rootOf(join(FIXTURES, 'plain-folders/schema/delta/2/b_events.sql')))?.files).toHaveLength(4);
  });

  it('a file or a migration sub-folder given as a path brings in its whole root', async () => {
    const { roots, loose } = await findRoots([join(FIXTURES, 'diesel/migrations/2024-01-01-000000_create_users'), join(FIXTURES, 'goose/migrations/00002_index_email.sql')]);
    expect(roots.map((r) => r.runner).sort()).toEqual(['diesel', 'goose']);
    expect(roots.find((r) => r.runner === 'diesel')?.files).toHaveLength(4);
    expect(loose).toEqual([]);
  });

  it('an explicit runner overrides detection', async () => {
    const root = await only('plain/sql', { runner: 'golang-migrate' });
    expect(root.runner).toBe('golang-migrate');
    expect(root.detectedBy).toBe('--runner golang-migrate');
    expect(root.files).toHaveLength(0); // no <version>_<name>.up.sql files
    expect(root.skipped).toHaveLength(3);

    const goose = await only('goose', { runner: 'plain' });
    expect(goose.runner).toBe('plain');
    expect(goose.files.every((f) => f.transaction === 'none' && f.exclude.length === 0)).toBe(true);

    const seed = await findRoots([join(FIXTURES, 'plain/seed')], { runner: 'dbmate' });
    expect(seed.roots[0]?.runner).toBe('dbmate');
    expect(seed.loose).toEqual([]);

    expect((await findRoots([join(FIXTURES, 'plain')], { runner: 'auto' })).roots[0].runner).toBe('plain');
  });

  it('never follows a symlinked directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-runners-'));
    try {
      mkdirSync(join(dir, 'migrations'));
      writeFileSync(join(dir, 'migrations', '1_a.sql'), 'SELECT 1;\n');
      symlinkSync(dir, join(dir, 'migrations', 'loop'), 'dir');
      const { roots } = await findRoots([dir]);
      expect(roots).toHaveLength(1);
      expect(roots[0].files.map((f) => basename(f.path))).toEqual(['1_a.sql']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('numbered folders holding another runner\'s migrations stay separate roots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-runners-'));
    try {
      for (const n of ['1', '2']) {
        mkdirSync(join(dir, 'schemas', n), { recursive: true });
        writeFileSync(join(dir, 'schemas', n, '00001_a.sql'), '-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n');
      }
      const { roots } = await findRoots([join(dir, 'schemas', '2')]);
      expect(roots.map((r) => [basename(r.dir), r.runner])).toEqual([['2', 'goose']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exclude ranges are UTF-16 offsets in the text as read (BOM and non-ASCII)', () => {
    const text = '\ufeff-- +goose Up\nINSERT INTO t VALUES (\'é😀\');\n-- +goose Down\nDELETE FROM t;\n';
    const t = fileTransaction('goose', 'x.sql', text);
    expect(t.exclude).toEqual([[text.indexOf('-- +goose Down'), text.length]]);
    const parsed = parseFile('x.sql', blankRanges(text, t.exclude));
    expect(parsed.statements.map((s) => s.text)).toEqual(["INSERT INTO t VALUES ('é😀')"]);
  });

  it('handles CRLF line endings', () => {
    const text = '-- migrate:up transaction:false\r\nCREATE INDEX CONCURRENTLY i ON t (a);\r\n-- migrate:down\r\nDROP INDEX i;\r\n';
    const t = fileTransaction('dbmate', 'x.sql', text);
    expect(t.transaction).toBe('implicit');
    expect(t.exclude).toEqual([[text.indexOf('-- migrate:down'), text.length]]);
    const g = fileTransaction('goose', 'x.sql', text.replace('-- migrate:up transaction:false', '-- +goose Up').replace('-- migrate:down', '-- +goose Down'));
    expect(g.exclude[0][1] - g.exclude[0][0]).toBe('-- +goose Down\r\nDROP INDEX i;\r\n'.length);
  });

  it('reads goose directives from comments only, falling back to comment lines when the scanner fails', () => {
    const text = "-- +goose Up\nSELECT '-- +goose NO TRANSACTION';\n-- +goose Down\nSELECT 'unterminated;\n";
    const t = fileTransaction('goose', 'x.sql', text);
    expect(t.transaction).toBe('file');
    expect(t.exclude).toEqual([[text.indexOf('-- +goose Down'), text.length]]);
  });
});

describe.skipIf(!existsSync(CORPUS))('real-world corpus', () => {
  const corpus = (p: string) => join(CORPUS, p);

  it('goharbor/harbor: golang-migrate, numeric order, one simple query per file', async () => {
    const { roots } = await findRoots([corpus('goharbor+harbor')]);
    expect(roots.map((r) => [relative(CORPUS, r.dir), r.runner])).toEqual([['goharbor+harbor/make/migrations/postgresql', 'golang-migrate']]);
    const v = roots[0].files.map((f) => Number(f.version));
    expect(v).toEqual([...v].sort((a, b) => a - b));
    expect(v[0]).toBe(1);
    expect(roots[0].files.every((f) => f.transaction === 'implicit')).toBe(true);
  });

  it('LemmyNet/lemmy: diesel, version order, up.sql only', async () => {
    const { roots } = await findRoots([corpus('LemmyNet+lemmy')]);
    expect(roots).toHaveLength(1);
    const [root] = roots;
    expect(root.runner).toBe('diesel');
    expect(basename(dirname(root.files[0].path))).toBe('00000000000000_diesel_initial_setup');
    expect(root.files.every((f) => basename(f.path) === 'up.sql')).toBe(true);
    expect(root.skipped.every((f) => f.kind === 'down')).toBe(true);
    const keys = root.files.map((f) => f.version.replace(/-/g, ''));
    expect(keys).toEqual([...keys].sort());
    expect(root.files.length).toBeGreaterThan(300);
  });

  it('ory/kratos: pop files as plain roots, PostgreSQL up files only, timestamp order', async () => {
    const { roots } = await findRoots([corpus('ory+kratos')], { dialect: 'postgresql' });
    expect(roots.map((r) => [basename(r.dir), r.runner, r.flavor])).toEqual([
      ['legacy', 'plain', 'pop'],
      ['sql', 'plain', 'pop'],
    ]);
    for (const root of roots) {
      expect(root.files.every((f) => /\.up\.sql$/.test(f.path) && !/\.(mysql|sqlite3|cockroach)\./.test(f.path))).toBe(true);
      const v = root.files.map((f) => f.version);
      expect(v).toEqual([...v].sort(naturalCompare));
    }
    const sql = roots[1];
    const auto = sql.files.filter((f) => f.path.includes('.autocommit.'));
    expect(auto.length).toBeGreaterThan(0);
    expect(auto.every((f) => f.transaction === 'implicit')).toBe(true);
  });

  it('supabase/storage: plain roots per folder, NNNN-name.sql in numeric order (00010 after 0009)', async () => {
    const { roots } = await findRoots([corpus('supabase+storage')]);
    expect(roots.map((r) => [basename(r.dir), r.runner])).toEqual([
      ['multitenant', 'plain'],
      ['tenant', 'plain'],
      ['vector_store', 'plain'],
    ]);
    const tenant = roots[1].files.map((f) => basename(f.path));
    expect(tenant.indexOf('00010-search-files-search-function.sql')).toBe(tenant.indexOf('0009-fix-search-function.sql') + 1);
    expect(tenant[0]).toBe('0001-initialmigration.sql');
  });

  it('element-hq/synapse: numbered delta folders, folder then file order', async () => {
    const { roots } = await findRoots([corpus('element-hq+synapse')]);
    const main = roots.find((r) => r.dir.endsWith(join('main', 'delta')));
    expect(main?.runner).toBe('plain');
    const folders = main!.files.map((f) => Number(f.version.split('/')[0]));
    expect(folders).toEqual([...folders].sort((a, b) => a - b));
    expect(main!.files.some((f) => f.path.endsWith('.sql.postgres'))).toBe(true);
    expect(roots.map((r) => relative(corpus('element-hq+synapse/synapse/storage/schema'), r.dir)).sort()).toEqual(['common/delta', 'main/delta', 'state/delta']);
  });
});
