/**
 * Writers: the phase files in each runner's layout (checked with godwit's own runner
 * detection, ordering and transaction model, then linted as a project), the golang-migrate and
 * plain files run on PGlite exactly as the runner sends them (up in order, down in reverse),
 * the pgroll JSON shape, the markdown runbook, and `godwit plan` on the command line.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { findRoots, fileTransaction, blankRanges, type RunnerName } from '../src/sources/index.js';
import { lintProject, migrationContext } from '../src/project.js';
import { baseName, planParsed, renderPlan, writeFilesNoClobber, nextVersions, markdownRunbook, pgrollMigrations, type Plan } from '../src/plan/index.js';
import { comparable, fixture, planFixture, runMain, snapshot } from './plan-helpers.js';

const HISTORY = 'CREATE TABLE users (\n  id bigserial PRIMARY KEY,\n  email varchar(200) NOT NULL,\n  name text\n);\nCREATE INDEX users_email_idx ON users (email);\n';
const RENAME = 'ALTER TABLE users RENAME COLUMN email TO email_address;\n';

interface Layout {
  runner: RunnerName | 'pop';
  /** files relative to the project dir; the last one is the migration to plan */
  files: Record<string, string>;
  root: string;
  plan: string;
}

const LAYOUTS: Layout[] = [
  {
    runner: 'golang-migrate',
    root: 'db',
    plan: 'db/000002_rename_email.up.sql',
    files: { 'db/000001_create_users.up.sql': HISTORY, 'db/000001_create_users.down.sql': 'DROP TABLE users;\n', 'db/000002_rename_email.up.sql': RENAME },
  },
  {
    runner: 'prisma',
    root: 'prisma/migrations',
    plan: 'prisma/migrations/20240102000000_rename_email/migration.sql',
    files: {
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': HISTORY,
      'prisma/migrations/20240102000000_rename_email/migration.sql': RENAME,
    },
  },
  { runner: 'flyway', root: 'sql', plan: 'sql/V2__rename_email.sql', files: { 'sql/V1__create_users.sql': HISTORY, 'sql/V2__rename_email.sql': RENAME } },
  {
    runner: 'goose',
    root: 'migrations',
    plan: 'migrations/00002_rename_email.sql',
    files: {
      'migrations/00001_create_users.sql': `-- +goose Up\n${HISTORY}\n-- +goose Down\nDROP TABLE users;\n`,
      'migrations/00002_rename_email.sql': `-- +goose Up\n${RENAME}\n-- +goose Down\nALTER TABLE users RENAME COLUMN email_address TO email;\n`,
    },
  },
  {
    runner: 'dbmate',
    root: 'db/migrations',
    plan: 'db/migrations/20240102000000_rename_email.sql',
    files: {
      'db/migrations/20240101000000_create_users.sql': `-- migrate:up\n${HISTORY}\n-- migrate:down\nDROP TABLE users;\n`,
      'db/migrations/20240102000000_rename_email.sql': `-- migrate:up\n${RENAME}\n-- migrate:down\nALTER TABLE users RENAME COLUMN email_address TO email;\n`,
    },
  },
  {
    runner: 'diesel',
    root: 'migrations',
    plan: 'migrations/2024-01-02-000000_rename_email/up.sql',
    files: {
      'migrations/2024-01-01-000000_create_users/up.sql': HISTORY,
      'migrations/2024-01-01-000000_create_users/down.sql': 'DROP TABLE users;\n',
      'migrations/2024-01-02-000000_rename_email/up.sql': RENAME,
      'migrations/2024-01-02-000000_rename_email/down.sql': 'ALTER TABLE users RENAME COLUMN email_address TO email;\n',
    },
  },
  {
    runner: 'node-pg-migrate',
    root: 'migrations',
    plan: 'migrations/1700000100000_rename-email.sql',
    files: {
      'migrations/1700000000000_create-users.sql': `-- Up Migration\n${HISTORY}\n-- Down Migration\nDROP TABLE users;\n`,
      'migrations/1700000100000_rename-email.sql': `-- Up Migration\n${RENAME}\n-- Down Migration\nALTER TABLE users RENAME COLUMN email_address TO email;\n`,
    },
  },
  {
    runner: 'atlas',
    root: 'migrations',
    plan: 'migrations/20240102000000_rename.sql',
    files: { 'migrations/atlas.sum': 'h1:x\n', 'migrations/20240101000000_init.sql': HISTORY, 'migrations/20240102000000_rename.sql': RENAME },
  },
  {
    runner: 'drizzle',
    root: 'drizzle',
    plan: 'drizzle/0001_rename.sql',
    files: {
      'drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, tag: '0000_init' }, { idx: 1, tag: '0001_rename' }] }),
      'drizzle/0000_init.sql': HISTORY,
      'drizzle/0001_rename.sql': RENAME,
    },
  },
  { runner: 'plain', root: 'migrations', plan: 'migrations/002_rename_email.sql', files: { 'migrations/001_init.sql': HISTORY, 'migrations/002_rename_email.sql': RENAME } },
  {
    runner: 'pop',
    root: 'migrations',
    plan: 'migrations/20200102000000000000_rename.postgres.up.sql',
    files: { 'migrations/20200101000000000000_init.postgres.up.sql': HISTORY, 'migrations/20200102000000000000_rename.postgres.up.sql': RENAME },
  },
];

/** The rollback block at the end of a plain phase file, as SQL. */
function uncomment(block: string): string {
  return block
    .split('\n')
    .slice(1)
    .map((l) => (l === '--' ? '' : l.startsWith('-- ') ? l.slice(3) : l))
    .join('\n');
}

const NOW = new Date(Date.UTC(2025, 4, 6, 7, 8, 9));

function project(l: Layout): string {
  const dir = mkdtempSync(join(tmpdir(), `godwit-plan-${l.runner}-`));
  for (const [path, text] of Object.entries(l.files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

beforeAll(async () => {
  await initParser();
});

describe.each(LAYOUTS)('sql files for $runner', (l) => {
  let dir: string;
  let plan: Plan;
  let written: string[];
  const runner = l.runner === 'pop' ? 'plain' : l.runner;

  beforeAll(async () => {
    dir = project(l);
    const file = join(dir, l.plan);
    const ctx = await migrationContext(file, { cwd: dir, overrides: {} });
    expect(ctx.root?.runner).toBe(runner);
    plan = planParsed(parseFile(file, ctx.text), ctx.catalog, { runner, pgVersion: 15 });
    const out = renderPlan(plan, 'sql', { root: ctx.root, file, now: NOW });
    written = writeFilesNoClobber(join(dir, l.root), out.files);
    if (runner === 'drizzle') {
      // what the plan's note asks for: journal entries for the new files
      expect(out.notes.join('\n')).toContain('meta/_journal.json');
      const journal = join(dir, l.root, 'meta', '_journal.json');
      const j = JSON.parse(readFileSync(journal, 'utf8'));
      for (const w of written) j.entries.push({ idx: j.entries.length, tag: w.split('/').pop()!.slice(0, -4) });
      writeFileSync(journal, JSON.stringify(j));
    }
  });

  it('writes each phase as its own migration, numbered after the last one, in the runner\'s order', async () => {
    expect(plan.phases.map((p) => p.stage)).toEqual(['expand', 'backfill', 'index', 'validate', 'contract']);
    const { roots } = await findRoots([join(dir, l.root)]);
    expect(roots).toHaveLength(1);
    const root = roots[0];
    expect(root.runner).toBe(runner);
    const paths = root.files.map((f) => f.path);
    const planned = paths.indexOf(join(dir, l.plan));
    expect(planned).toBeGreaterThanOrEqual(0);
    const ups = written.filter((w) => paths.includes(w));
    // every phase is an up migration the runner applies, after the planned file, in phase order
    expect(ups).toHaveLength(plan.phases.length);
    expect(ups.map((u) => paths.indexOf(u))).toEqual(ups.map((_, i) => planned + 1 + i));
  });

  it('says how each phase runs the way the runner reads it', async () => {
    const { roots } = await findRoots([join(dir, l.root)]);
    const root = roots[0];
    const ups = root.files.filter((f) => written.includes(f.path));
    ups.forEach((f, i) => {
      const p = plan.phases[i];
      const text = readFileSync(f.path, 'utf8');
      const ft = fileTransaction(root, f.path, text);
      const statements = parseFile(f.path, blankRanges(text, ft.exclude)).statements;
      if (p.transaction) {
        if (runner === 'plain' && l.runner !== 'pop') expect(statements[0].kind).toBe('TransactionStmt');
        else expect(['file', 'implicit', 'all']).toContain(ft.transaction);
      } else if (runner === 'drizzle' || runner === 'node-pg-migrate') {
        // these runners cannot run a migration outside a transaction: the plan says so
        expect(ft.transaction).toBe('all');
      } else {
        expect(ft.transaction === 'none' || (ft.transaction === 'implicit' && statements.length === 1), `${f.path}: ${ft.transaction}`).toBe(true);
      }
    });
  });

  it('keeps each rollback where the runner looks for it', async () => {
    const { roots } = await findRoots([join(dir, l.root)]);
    const root = roots[0];
    const downs = root.skipped.filter((s) => written.includes(s.path));
    const expected: Record<string, number> = { 'golang-migrate': 5, prisma: 5, flyway: 5, diesel: 5, pop: 5 };
    expect(downs.length).toBe(expected[l.runner] ?? 0);
    if (l.runner === 'plain') expect(readFileSync(written[0], 'utf8')).toContain('-- rollback of phase 1:');
    for (const d of downs) expect(['down', 'undo']).toContain(d.kind);
    if (runner === 'goose') expect(readFileSync(written[0], 'utf8')).toContain('-- +goose Down');
    if (runner === 'dbmate') expect(readFileSync(written[0], 'utf8')).toMatch(/-- migrate:down\n/);
    if (runner === 'node-pg-migrate') expect(readFileSync(written[0], 'utf8')).toContain('-- Down Migration');
  });

  it('godwit lints the project with the phases in place of the planned file without errors', async () => {
    // the phases replace the planned migration (its folder, for folder-per-migration layouts)
    rmSync(runner === 'prisma' || runner === 'diesel' ? dirname(join(dir, l.plan)) : join(dir, l.plan), { recursive: true });
    if (runner === 'drizzle') {
      const journal = join(dir, l.root, 'meta', '_journal.json');
      const j = JSON.parse(readFileSync(journal, 'utf8'));
      j.entries = j.entries.filter((e: { tag: string }) => e.tag !== '0001_rename');
      writeFileSync(journal, JSON.stringify(j));
    }
    const r = await lintProject([join(dir, l.root)], { cwd: dir, overrides: {} });
    const messages = r.results.flatMap((x) => x.messages.map((m) => `${x.filePath}: ${m.ruleId}: ${m.message}`));
    if (runner === 'drizzle' || runner === 'node-pg-migrate') {
      // the two phases that must run outside a transaction are exactly what godwit flags
      expect(r.results.flatMap((x) => x.messages.map((m) => m.ruleId))).toEqual(['no-concurrently-in-transaction']);
    } else {
      expect(messages).toEqual([]);
    }
  });
});

describe('golang-migrate and plain files run on PostgreSQL as the runner sends them', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });

  it.each(['golang-migrate', 'plain'] as const)('%s: up in order, then down in reverse', async (runner) => {
    const l = LAYOUTS.find((x) => x.runner === runner)!;
    const dir = project(l);
    const file = join(dir, l.plan);
    const ctx = await migrationContext(file, { cwd: dir, overrides: {} });
    const plan = planParsed(parseFile(file, ctx.text), ctx.catalog, { runner, pause: 0 });
    const out = renderPlan(plan, 'sql', { root: ctx.root, file, now: NOW });
    await db.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
    await db.exec(HISTORY);
    await db.exec(`INSERT INTO users (email, name) SELECT 'u' || g || '@example.com', 'n' || g FROM generate_series(1, 1200) AS g`);
    const before = await snapshot(db);
    const ups = out.files.filter((f) => (runner === 'plain' ? true : f.path.endsWith('.up.sql')));
    // plain files keep their rollback as a comment block: uncomment it to run it
    const downs = runner === 'plain' ? ups.map((f) => ({ content: uncomment(f.content.slice(f.content.indexOf('-- rollback of phase'))) })) : out.files.filter((f) => f.path.endsWith('.down.sql'));
    // the whole file as one query string: golang-migrate's ExecContext, or psql -f for plain files
    for (const f of ups) await db.exec(f.content);
    const after = await snapshot(db);
    expect(after.columns.map((c) => c.column)).toContain('email_address');
    expect(after.columns.map((c) => c.column)).not.toContain('email');
    for (const f of [...downs].reverse()) {
      // the down migration as the runner sends it, then the rest of the restore from its comment
      // block as psql runs a script: statement by statement
      if (runner === 'plain') {
        // psql -f: statement by statement
        for (const st of parseFile('down.sql', f.content).statements) await db.exec(st.text);
        continue;
      }
      const at = f.content.indexOf('then finish the restore');
      await db.exec(at < 0 ? f.content : f.content.slice(0, f.content.lastIndexOf('\n', at)));
      if (at >= 0) {
        const block = uncomment(f.content.slice(f.content.lastIndexOf('\n', at) + 1));
        const script = block.slice(block.indexOf('\n\n') + 2);
        for (const st of parseFile('restore.sql', script).statements) await db.exec(st.text);
      }
    }
    const derived = plan.phases.flatMap((p) => p.derived);
    expect(comparable(await snapshot(db), { derived })).toEqual(comparable(before, { derived }));
  });
});

describe('versions', () => {
  const t = (runner: RunnerName, versions: string[]) => ({ runner, files: versions.map((v) => ({ path: `x/${v}`, version: v })), base: 'x', now: NOW });
  it('continue each runner\'s numbering', () => {
    expect(nextVersions(t('golang-migrate', ['000001', '000010']), 2)).toEqual(['000011', '000012']);
    expect(nextVersions(t('golang-migrate', ['1700000000', '1710000000']), 1)).toEqual(['1746515289']);
    expect(nextVersions(t('goose', ['00001', '20240501120000']), 2)).toEqual(['20250506070809', '20250506070810']);
    expect(nextVersions(t('goose', ['20991231000000']), 1)).toEqual(['20991231000001']);
    expect(nextVersions(t('flyway', ['1', '1.2', '1.9', '1.10']), 2)).toEqual(['1.11', '1.12']);
    expect(nextVersions(t('flyway', ['3']), 1)).toEqual(['4']);
    expect(nextVersions(t('prisma', ['20240101120000_init']), 1)).toEqual(['20250506070809']);
    expect(nextVersions(t('diesel', ['2024-01-01-000000']), 1)).toEqual(['2025-05-06-070809']);
    expect(nextVersions(t('node-pg-migrate', ['1700000000000']), 1)).toEqual([String(NOW.getTime())]);
    expect(nextVersions(t('node-pg-migrate', ['20240103000000000']), 1)).toEqual(['20250506070809000']);
    expect(nextVersions(t('drizzle', ['users_init', 'add_orders']), 2)).toEqual(['0002', '0003']);
    expect(nextVersions(t('plain', ['1', '2', '10']), 1)).toEqual(['11']);
    expect(nextVersions(t('plain', ['001', '002']), 1)).toEqual(['003']);
    expect(nextVersions(t('plain', []), 1)).toEqual(['001']);
  });

  it('name the phases after the planned migration', () => {
    expect(baseName('db/000010_add_orders.up.sql')).toBe('add_orders');
    expect(baseName('sql/V1.2__add_name.sql')).toBe('add_name');
    expect(baseName('prisma/migrations/20240101120000_init/migration.sql')).toBe('init');
    expect(baseName('migrations/2024-03-01-000000-0000_add_orders/up.sql')).toBe('add_orders');
    expect(baseName('migrations/1700000000000_create-users.sql')).toBe('create_users');
    expect(baseName('m/20200101000000000000_identities.postgres.autocommit.up.sql')).toBe('identities');
  });
});

describe('pgroll', () => {
  it('rename-column is one rename_column operation', () => {
    const out = pgrollMigrations(planFixture(fixture('rename-column')), 'rename_email');
    expect(out.migrations).toEqual([{ name: 'rename_email', operations: [{ rename_column: { table: 'users', from: 'email', to: 'email_address' } }] }]);
  });

  it('each planner maps to pgroll operations with their required fields', () => {
    const required: Record<string, string[]> = {
      rename_column: ['table', 'from', 'to'],
      rename_table: ['from', 'to'],
      alter_column: ['table', 'column', 'up', 'down'],
      add_column: ['table', 'column'],
      create_index: ['table', 'name', 'columns'],
      create_constraint: ['table', 'name', 'type', 'up', 'down'],
      drop_column: ['table', 'column'],
      drop_table: ['name'],
      drop_index: ['name'],
      sql: ['up'],
    };
    const kinds = ['rename-table', 'change-column-type', 'add-column-not-null', 'add-column-default', 'set-not-null', 'add-constraint-not-valid', 'add-unique-using-index', 'create-index-concurrently', 'drop-index-concurrently', 'drop-column', 'drop-table', 'mixed'];
    for (const kind of kinds) {
      const out = pgrollMigrations(planFixture(fixture(kind)), kind);
      expect(out.migrations.length, kind).toBeGreaterThan(0);
      for (const m of out.migrations) {
        for (const op of m.operations) {
          const [name, body] = Object.entries(op)[0];
          expect(Object.keys(required), `${kind}: ${name}`).toContain(name);
          for (const f of required[name]) expect(body, `${kind}: ${name}.${f}`).toHaveProperty(f);
          if (name === 'add_column') expect(typeof (body.column as { nullable?: unknown }).nullable, `${kind}: nullable is written out (pgroll defaults it to false)`).toBe('boolean');
          // index fields, as pgroll >= 0.10 takes them
          if (name === 'create_index') expect((body.columns as unknown[]).every((c) => typeof (c as { column?: unknown }).column === 'string')).toBe(true);
        }
        // a raw sql operation stands alone in its migration
        if (m.operations.some((o) => 'sql' in o)) expect(m.operations).toHaveLength(1);
      }
    }
    const type = pgrollMigrations(planFixture(fixture('change-column-type')), 'x').migrations[0].operations[0];
    // up is the column itself (an assignment, as ALTER TYPE does: nothing is cut short); down keeps what integer can hold
    expect(type).toEqual({ alter_column: { table: 'orders', column: 'amount', type: 'bigint', up: 'amount', down: 'CASE WHEN amount BETWEEN -2147483647 - 1 AND 2147483647 THEN amount END' } });
    const notNull = pgrollMigrations(planFixture(fixture('set-not-null')), 'x').migrations[0].operations[0];
    expect(notNull).toMatchObject({ alter_column: { table: 'users', column: 'name', nullable: false } });
  });

  it('says what pgroll cannot express', () => {
    const out = pgrollMigrations(planFixture(fixture('batched-backfill')), 'x');
    expect(out.migrations).toEqual([]);
    expect(out.notes.join('\n')).toContain('pgroll has no batched data operation');
  });
});

describe('markdown runbook', () => {
  it('has the phases in releases, their SQL, verification, rollback and the checklist', () => {
    const plan = planFixture(fixture('rename-column'));
    const md = markdownRunbook(plan, { title: 'db/migrations/002_rename.sql' });
    expect(md).toContain('# Migration plan: `db/migrations/002_rename.sql`');
    expect(md).toContain('## Release 1 — safe while the current application runs');
    expect(md).toContain('## Switch the application');
    expect(md).toContain('## Release 2 — after the application switch');
    for (const p of plan.phases) expect(md).toContain(`### Phase ${p.index} — ${p.title}`);
    expect(md).toContain('**Pre-flight checklist**');
    expect(md).toContain('- [ ] every deployed version of the application reads and writes email_address');
    expect(md).toContain('**Rollback**');
    expect(md).toContain('**Verify**');
    expect(md).toContain('```sql\nSET LOCAL lock_timeout');
    expect(md).toContain('pg_stat_statements');
  });
});

describe('godwit plan (command line)', () => {
  const run = runMain;
  const l = LAYOUTS[0];

  it('prints the phase files without --out', async () => {
    const dir = project(l);
    const r = await run(['plan', l.plan], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- ==> 000003_rename_email_expand_users\.up\.sql\n/);
    expect(r.stdout).toContain('-- ==> 000007_rename_email_contract_users.down.sql');
    expect(existsSync(join(dir, 'db', '000003_rename_email_expand_users.up.sql'))).toBe(false);
  });

  it('--emit pgroll prints a pgroll migration; --emit markdown the runbook', async () => {
    const dir = project(l);
    const r = await run(['plan', l.plan, '--emit', 'pgroll'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).operations).toEqual([{ rename_column: { table: 'users', from: 'email', to: 'email_address' } }]);
    const m = await run(['plan', l.plan, '--emit', 'markdown'], dir);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('### Phase 5 — Contract');
  });

  it('--out writes the files, summarises the releases, and never overwrites', async () => {
    const dir = project(l);
    const r = await run(['plan', l.plan, '--out', 'db'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('release 1 — deploy now');
    expect(r.stdout).toContain('release 2 — only after the switch');
    expect(existsSync(join(dir, 'db', '000007_rename_email_contract_users.up.sql'))).toBe(true);
    const md = await run(['plan', l.plan, '--out', 'docs', '--emit', 'markdown'], dir);
    expect(md.code).toBe(0);
    const again = await run(['plan', l.plan, '--out', 'docs', '--emit', 'markdown'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds a plan for');
    // run twice, a plan is not written a second time (numbered after the first): refused, exit 2
    const pg = await run(['plan', l.plan, '--out', 'pgroll', '--emit', 'pgroll'], dir);
    const pg2 = await run(['plan', l.plan, '--out', 'pgroll', '--emit', 'pgroll'], dir);
    expect([pg.code, pg2.code]).toEqual([0, 2]);
    expect(readdirSync(join(dir, 'pgroll')).sort()).toEqual(['01_rename_email.json']);
    const files = readdirSync(join(dir, 'db')).sort();
    const sql2 = await run(['plan', l.plan, '--out', 'db'], dir);
    expect(sql2.code).toBe(2);
    expect(sql2.stderr).toMatch(/db already holds a plan for db\/000002_rename_email\.up\.sql \(db\/000003_rename_email_expand_users\.up\.sql, .*\): godwit does not write a second one/);
    expect(readdirSync(join(dir, 'db')).sort()).toEqual(files);
  });

  it('usage errors, a file that does not parse, nothing to plan', async () => {
    const dir = project(l);
    expect((await run(['plan'], dir)).code).toBe(2);
    expect((await run(['plan', l.plan, '--emit', 'yaml'], dir)).code).toBe(2);
    expect((await run(['plan', 'nope.sql'], dir)).code).toBe(2);
    writeFileSync(join(dir, 'db', '000003_broken.up.sql'), 'ALTER TABLE users RENAM COLUMN a TO b;\n');
    const broken = await run(['plan', 'db/000003_broken.up.sql'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('syntax error');
    writeFileSync(join(dir, 'db', '000004_fine.up.sql'), 'CREATE TABLE t (id bigint);\n');
    const fine = await run(['plan', 'db/000004_fine.up.sql'], dir);
    expect(fine.code).toBe(0);
    expect(fine.stdout).toBe('');
    expect(fine.stderr).toContain('nothing to plan');
  });
});
