/**
 * Python migrations through the built binary and the root finder: `godwit lint` on Alembic and
 * Django folders (JSON and stylish), history across files, the runners' order and transaction
 * semantics, suppressions, --fix, a single file and stdin (docs/python-migrations.md).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findRoots } from '../src/sources/roots.js';
import { alembicOrder } from '../src/sources/py-roots.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const fixtures = join(root, 'fixtures', 'python');

interface Message {
  ruleId: string;
  line: number;
  column: number;
  message: string;
  fix?: { range: [number, number]; text: string };
  suggestions?: Array<{ desc: string; fix: { range: [number, number]; text: string } }>;
}

function godwit(args: string[], opts: { input?: string; cwd?: string } = {}) {
  const env = { ...process.env } as Record<string, string>;
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [bin, ...args], { input: opts.input ?? '', encoding: 'utf8', env, cwd: opts.cwd ?? root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[], opts: { input?: string; cwd?: string } = {}): { code: number | null; files: Array<{ filePath: string; messages: Message[] }> } {
  const r = godwit([...args, '--format', 'json'], opts);
  expect(r.stderr).not.toContain('internal error');
  return { code: r.code, files: JSON.parse(r.stdout) };
}

function summary(files: Array<{ filePath: string; messages: Message[] }>, skip = ['require-lock-timeout']): string[] {
  return files.flatMap((f) => f.messages.filter((m) => !skip.includes(m.ruleId)).map((m) => `${f.filePath.split('/').pop()}:${m.line}:${m.column} ${m.ruleId}`));
}

function at(file: string, needle: string): string {
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf(needle);
  expect(i, needle).toBeGreaterThan(-1);
  const lines = text.slice(0, i).split('\n');
  return `${lines.length}:${lines[lines.length - 1].length + 1}`;
}

beforeAll(() => {
  expect(existsSync(bin), 'run `npm run build` first').toBe(true);
});

const A = join(fixtures, 'alembic', 'versions');
const add = join(A, '2b3c4d5e6f70_add_columns.py');
const conc = join(A, '3c4d5e6f7081_concurrent.py');

describe('the Python parser is loaded lazily', () => {
  it('linting SQL and JS/TS migrations never loads it; the first .py migration does', () => {
    const dist = join(root, 'dist', 'src');
    const script = `
      const { lintProject } = await import(${JSON.stringify(join(dist, 'project.js'))});
      const { isPyParserLoaded } = await import(${JSON.stringify(join(dist, 'sources', 'extract', 'python', 'parse.js'))});
      const out = [];
      for (const dir of ${JSON.stringify([join(root, 'fixtures', 'runners'), join(root, 'fixtures', 'builders'), join(root, 'fixtures', 'python', 'alembic')])}) {
        await lintProject([dir], { cwd: dir, overrides: {} });
        out.push(isPyParserLoaded());
      }
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([false, false, true]);
  });
});

describe('godwit lint on an Alembic folder', () => {
  it('JSON: the findings of each operation at its call, with history (users is new in the first revision, existing after)', () => {
    const { code, files } = json(['lint', 'fixtures/python/alembic']);
    expect(code).toBe(1);
    expect(summary(files)).toEqual([
      `2b3c4d5e6f70_add_columns.py:${at(add, 'op.create_index')} require-concurrent-index`,
      `2b3c4d5e6f70_add_columns.py:${at(add, 'op.add_column')} no-add-column-not-null`,
      `2b3c4d5e6f70_add_columns.py:${at(add, 'UPDATE users')} no-slow-op-under-lock`,
      `2b3c4d5e6f70_add_columns.py:${at(add, 'UPDATE users')} no-unbatched-backfill`,
      `2b3c4d5e6f70_add_columns.py:${at(add, 'build_backfill("users")')} dynamic-sql`,
      `3c4d5e6f7081_concurrent.py:${at(conc, 'CREATE INDEX CONCURRENTLY')} no-concurrently-in-transaction`,
    ]);
    expect(files.map((f) => f.filePath.split('/').pop())).toEqual(['1a2b3c4d5e6f_create_users.py', '2b3c4d5e6f70_add_columns.py', '3c4d5e6f7081_concurrent.py']);
    const dyn = files[1].messages.find((m) => m.ruleId === 'dynamic-sql')!;
    expect(dyn.message).toContain('# godwit-ignore dynamic-sql');
    const idx = files[1].messages.find((m) => m.ruleId === 'require-concurrent-index')!;
    expect(idx.message).toContain('Alembic: pass postgresql_concurrently=True');
    // inside Alembic's transaction the rule offers no fix; moving the call out of it is a suggestion
    expect(idx.fix).toBeUndefined();
    expect(idx.suggestions?.[0].fix.text).toBe('with op.get_context().autocommit_block():\n        op.create_index("ix_users_name", "users", ["name"], postgresql_concurrently=True)');
  });

  it('stylish: the findings under the file, the call as the source line', () => {
    const r = godwit(['lint', 'fixtures/python/alembic']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fixtures/python/alembic/versions/2b3c4d5e6f70_add_columns.py');
    expect(r.stdout).toMatch(/16:5\s+error\s+CREATE INDEX without CONCURRENTLY blocks writes to existing table "users"/);
    expect(r.stdout).toContain('op.create_index("ix_users_name", "users", ["name"])');
    expect(r.stdout).toMatch(/✖ \d+ problems/);
    // the coverage line counts the statements the operations send and the call godwit cannot read
    expect(r.stdout).toContain('3 files, 8 statements analysed, 1 call not analysable (dynamic-sql)');
    const stats = json(['lint', 'fixtures/python/alembic']).files.map((f) => (f as unknown as { stats: unknown }).stats);
    expect(stats).toEqual([{ statements: 2, unanalysable: 0 }, { statements: 4, unanalysable: 1 }, { statements: 2, unanalysable: 0 }]);
  });

  it('a single revision named on the command line is linted with its history; so is stdin under its name', () => {
    const one = json(['lint', 'fixtures/python/alembic/versions/2b3c4d5e6f70_add_columns.py']);
    expect(summary(one.files)).toContain(`2b3c4d5e6f70_add_columns.py:${at(add, 'op.create_index')} require-concurrent-index`);
    const text = 'from alembic import op\nrevision = "9"\ndown_revision = "3c4d5e6f7081"\n\n\ndef upgrade():\n    op.create_index("ix_users_x", "users", ["name"])\n';
    const stdin = json(['lint', '--stdin', '--stdin-filename', 'fixtures/python/alembic/versions/9_new.py'], { input: text });
    expect(summary(stdin.files)).toEqual(['9_new.py:7:5 require-concurrent-index']);
  });

  it('--fix adds postgresql_concurrently=True to op.create_index inside an autocommit block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-alembic-'));
    cpSync(join(fixtures, 'alembic'), dir, { recursive: true });
    const file = join(dir, 'versions', '4d5e6f708192_autocommit.py');
    writeFileSync(file, 'from alembic import op\n\nrevision = "4d5e6f708192"\ndown_revision = "3c4d5e6f7081"\n\n\ndef upgrade():\n    with op.get_context().autocommit_block():\n        op.create_index("ix_users_email_name", "users", ["email", "name"])\n');
    const r = godwit(['lint', '--fix', dir, '--format', 'json']);
    expect(r.stderr).not.toContain('internal error');
    expect(readFileSync(file, 'utf8')).toContain('        op.create_index("ix_users_email_name", "users", ["email", "name"], postgresql_concurrently=True)\n');
    const again = json(['lint', dir]);
    expect(summary(again.files).filter((s) => s.startsWith('4d5e6f708192'))).toEqual([]);
    // the call inside the migration's transaction is not edited by --fix (its edit is a suggestion)
    expect(readFileSync(join(dir, 'versions', '2b3c4d5e6f70_add_columns.py'), 'utf8')).toBe(readFileSync(add, 'utf8'));
  });

  it('transactions: one for the whole run by default, per migration with transaction_per_migration=True in env.py', async () => {
    const { roots } = await findRoots([join(fixtures, 'alembic')]);
    const alembic = roots.find((r) => r.runner === 'alembic')!;
    expect(alembic.dir).toBe(A);
    expect(alembic.files.map((f) => f.transaction)).toEqual(['all', 'all', 'all']);
    const dir = mkdtempSync(join(tmpdir(), 'godwit-alembic-'));
    cpSync(join(fixtures, 'alembic'), dir, { recursive: true });
    writeFileSync(join(dir, 'env.py'), readFileSync(join(dir, 'env.py'), 'utf8').replace('target_metadata=None)', 'target_metadata=None, transaction_per_migration=True)'));
    const again = await findRoots([dir]);
    expect(again.roots[0].files.map((f) => f.transaction)).toEqual(['file', 'file', 'file']);
  });

  it('the revision graph orders branches and merges the way Alembic upgrades them', () => {
    const revs = [
      { id: 'a', down: [], deps: [] },
      { id: 'b1', down: ['a'], deps: [] },
      { id: 'b2', down: ['a'], deps: [] },
      { id: 'm', down: ['b1', 'b2'], deps: [] },
      { id: 'c', down: ['m'], deps: [] },
    ];
    const order = alembicOrder(revs);
    expect(order[0]).toBe('a');
    expect(order.slice(-2)).toEqual(['m', 'c']);
    expect(new Set(order.slice(1, 3))).toEqual(new Set(['b1', 'b2']));
    // a file listing order that is not the graph order
    expect(alembicOrder([revs[4], revs[3], revs[2], revs[1], revs[0]])).toEqual(expect.arrayContaining(['a', 'b1', 'b2', 'm', 'c']));
    expect(alembicOrder([revs[4], revs[3], revs[2], revs[1], revs[0]]).indexOf('a')).toBe(0);
    const notes: string[] = [];
    alembicOrder([{ id: 'x', down: ['gone'], deps: [] }], notes);
    expect(notes[0]).toMatch(/names down revision gone/);
  });
});

describe('godwit lint on a Django project', () => {
  const shop = join(fixtures, 'django', 'shop', 'migrations');

  it('the project is one root across apps, in `migrate` order, with Django’s transactions', async () => {
    const { roots } = await findRoots([join(fixtures, 'django')]);
    const django = roots.find((r) => r.runner === 'django')!;
    expect(django.dir).toBe(join(fixtures, 'django'));
    expect(django.files.map((f) => `${f.version} ${f.transaction}`)).toEqual(['accounts.0001_initial file', 'shop.0001_initial file', 'shop.0002_order_status file', 'shop.0003_concurrent none']);
    expect(django.detectedBy).toContain('beside manage.py');
  });

  it('JSON: findings at the operations; new tables and concurrent indexes outside a transaction are fine', () => {
    const { files } = json(['lint', 'fixtures/python/django']);
    const f2 = join(shop, '0002_order_status.py');
    expect(summary(files)).toEqual([
      `0002_order_status.py:${at(f2, 'migrations.AddIndex(')} no-slow-op-under-lock`,
      `0002_order_status.py:${at(f2, 'migrations.AddIndex(')} require-concurrent-index`,
      `0002_order_status.py:${at(f2, 'UPDATE shop_order')} no-slow-op-under-lock`,
      `0002_order_status.py:${at(f2, 'UPDATE shop_order')} no-unbatched-backfill`,
      `0002_order_status.py:${at(f2, 'migrations.RunPython(fill_status')} dynamic-sql`,
    ]);
    const idx = files.find((f) => f.filePath.endsWith('0002_order_status.py'))!.messages.find((m) => m.ruleId === 'require-concurrent-index')!;
    expect(idx.message).toContain('AddIndexConcurrently');
  });

  it('the order follows dependencies across apps, run_before and __first__', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-django-'));
    writeFileSync(join(dir, 'manage.py'), '');
    const mig = (app: string, name: string, deps: string, extra = ''): void => {
      mkdirSync(join(dir, app, 'migrations'), { recursive: true });
      writeFileSync(join(dir, app, 'migrations', `${name}.py`), `from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [${deps}]\n${extra}    operations = []\n`);
    };
    mig('zeta', '0001_initial', '');
    mig('alpha', '0001_initial', '("zeta", "__first__")');
    mig('alpha', '0002_more', '("alpha", "0001_initial")');
    mig('zeta', '0002_late', '("zeta", "0001_initial")', '    run_before = [("alpha", "0002_more")]\n');
    const { roots } = await findRoots([dir]);
    // leaves (alpha.0002, zeta.0002) sorted; alpha.0002's forwards plan pops its sorted parents last-first:
    // zeta.0002 (and its parent zeta.0001) before alpha.0001 — what `manage.py migrate` runs
    expect(roots[0].files.map((f) => f.version)).toEqual(['zeta.0001_initial', 'zeta.0002_late', 'alpha.0001_initial', 'alpha.0002_more']);
  });
});

describe('a Python migration outside a migration folder', () => {
  const djangoText = 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = [migrations.RunSQL("CREATE INDEX orders_a ON orders (a)")]\n';
  const alembicText = 'from alembic import op\n\nrevision = "x1"\ndown_revision = None\n\n\ndef upgrade():\n    op.create_index("ix_users_a", "users", ["a"])\n';

  it('named on the command line: linted alone with a note naming its own runner, beside a revision of another tool', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-py-alone-'));
    writeFileSync(join(dir, '0002_orders.py'), djangoText);
    writeFileSync(join(dir, 'x1_users.py'), alembicText);
    const r = godwit(['lint', join(dir, '0002_orders.py'), '--format', 'json']);
    expect(r.code).toBe(1);
    const files = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Message[] }>;
    expect(summary(files)).toEqual(['0002_orders.py:6:38 require-concurrent-index']);
    expect(r.stderr).toContain('0002_orders.py: not in a migration folder godwit recognises: linted alone, without the history of earlier migrations (django, class Migration(migrations.Migration))');
    const a = godwit(['lint', join(dir, 'x1_users.py'), '--format', 'json']);
    expect(summary(JSON.parse(a.stdout))).toEqual(['x1_users.py:8:5 require-concurrent-index']);
  });

  it('a Django migration in a folder not named migrations makes no project of the folders above it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-py-alone-'));
    writeFileSync(join(dir, '0002_orders.py'), djangoText);
    const { roots } = await findRoots([join(dir, '0002_orders.py')]);
    expect(roots.filter((r) => !r.dir.startsWith(dir))).toEqual([]);
    // an app's migrations without manage.py: the project is the folder above the app, and only its apps are read
    mkdirSync(join(dir, 'proj', 'shop', 'migrations'), { recursive: true });
    mkdirSync(join(dir, 'proj', 'deep', 'er', 'other', 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'proj', 'shop', 'migrations', '0001_initial.py'), djangoText);
    writeFileSync(join(dir, 'proj', 'deep', 'er', 'other', 'migrations', '0001_initial.py'), djangoText);
    const again = await findRoots([join(dir, 'proj', 'shop', 'migrations')]);
    expect(again.roots.map((r) => [r.dir, r.runner, r.files.map((f) => f.version)])).toEqual([[join(dir, 'proj'), 'django', ['shop.0001_initial']]]);
  });
});

describe('a Python migration that does not parse', () => {
  it('is a fatal error when its folder is linted (exit 1), never left out: Alembic and Django', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-py-broken-'));
    mkdirSync(join(dir, 'alembic', 'versions'), { recursive: true });
    cpSync(join(A, '1a2b3c4d5e6f_create_users.py'), join(dir, 'alembic', 'versions', '1a2b3c4d5e6f_create_users.py'));
    writeFileSync(join(dir, 'alembic', 'versions', 'b1_broken.py'), 'from alembic import op\n\nrevision = "b1"\ndown_revision = "1a2b3c4d5e6f"\n\n\ndef upgrade(:\n    op.drop_column("users", "name")\n');
    mkdirSync(join(dir, 'site', 'shop', 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'site', 'manage.py'), '');
    writeFileSync(join(dir, 'site', 'shop', 'migrations', '0001_initial.py'), 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = [migrations.RunSQL("CREATE TABLE shop_order (id int)")]\n');
    writeFileSync(join(dir, 'site', 'shop', 'migrations', '0002_broken.py'), 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("shop", "0001_initial")]\n    operations = [migrations.RunSQL("SELECT 1"\n');
    for (const folder of ['alembic', 'site']) {
      const r = godwit(['lint', folder, '--format', 'json'], { cwd: dir });
      expect(r.code, folder).toBe(1);
      const files = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<Message & { fatal?: boolean }> }>;
      const broken = files.find((f) => f.filePath.endsWith('_broken.py'));
      expect(broken, folder).toBeDefined();
      expect(broken!.messages, folder).toEqual([expect.objectContaining({ fatal: true })]);
      expect(r.stderr, folder).toContain('_broken.py does not parse: linted last, outside the migration order');
    }
  });
});

describe('godwit plan and trace on Python migrations', () => {
  it('plan: an Alembic migration becomes revision files chained after the head; unreadable calls are named, not planned', () => {
    const r = godwit(['plan', 'fixtures/python/alembic/versions/2b3c4d5e6f70_add_columns.py']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('2b3c4d5e6f70_add_columns.py:25: not planned: godwit cannot read or translate this op.execute() call');
    const files = r.stdout.split(/^# ==> /m).filter(Boolean);
    expect(files.length).toBeGreaterThan(2);
    const revs = files.map((f) => /^revision = "([0-9a-f]{12})"$/m.exec(f)?.[1]);
    const downs = files.map((f) => /^down_revision = "([0-9a-f]+)"$/m.exec(f)?.[1]);
    expect(downs[0]).toBe('3c4d5e6f7081');
    for (let i = 1; i < files.length; i++) expect(downs[i]).toBe(revs[i - 1]);
    expect(files[0].split('\n')[0]).toMatch(/^[0-9a-f]{12}_add_columns_expand_users\.py$/);
    // the index is built in its own revision, concurrently, outside the transaction
    const index = files.find((f) => f.includes('CREATE INDEX CONCURRENTLY'))!;
    expect(index).toContain('    with op.get_context().autocommit_block():\n        op.execute("""CREATE INDEX CONCURRENTLY');
    expect(r.stdout).not.toContain('__godwit_dynamic_sql__');
  });

  it('plan: backslashes in names stay text in the written Python (docstring and strings read back by Python itself)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-py-plan-bs-'));
    cpSync(join(root, 'fixtures', 'python', 'alembic'), join(dir, 'alembic'), { recursive: true });
    // a column renamed to a name with escapes Python would read (\\N{…}, \\x) where the written file does not escape them
    const odd = join(dir, 'alembic', 'versions', '4d5e6f708192_rename.py');
    writeFileSync(odd, 'from alembic import op\n\nrevision = "4d5e6f708192"\ndown_revision = "3c4d5e6f7081"\n\n\ndef upgrade():\n    op.alter_column("users", "name", new_column_name="full\\\\N{x}\\\\xname")\n');
    const out = join(dir, 'out');
    const r = godwit(['plan', odd, '--out', out], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const py = spawnSync('python3', ['-c', [
      'import ast, json, os, sys',
      'res = []',
      'for root, _, names in os.walk(sys.argv[1]):',
      '    for n in sorted(names):',
      '        t = ast.parse(open(os.path.join(root, n), encoding="utf-8").read())',
      '        res.append([ast.get_docstring(t, clean=False), [c.args[0].value for c in ast.walk(t) if isinstance(c, ast.Call) and getattr(c.func, "attr", "") == "execute"]])',
      'print(json.dumps(res))',
    ].join('\n'), out], { encoding: 'utf8' });
    expect(py.error, 'python3 reads the written files').toBeUndefined();
    expect(py.status, py.stderr).toBe(0);
    const files = JSON.parse(py.stdout) as Array<[string, string[]]>;
    expect(files.length).toBeGreaterThan(1);
    expect(files.some(([doc]) => doc.includes('full\\N{x}\\xname'))).toBe(true);
    expect(files.some(([, sql]) => sql.some((q) => q.includes('"full\\N{x}\\xname"')))).toBe(true);
    for (const [doc] of files) {
      expect(doc).toContain('godwit plan for 4d5e6f708192_rename.py');
    }
  });

  it('plan: a Django migration becomes RunSQL migrations after the app’s last one, atomic = False where needed', () => {
    const r = godwit(['plan', 'fixtures/python/django/shop/migrations/0002_order_status.py']);
    expect(r.code).toBe(0);
    const files = r.stdout.split(/^# ==> /m).filter(Boolean);
    expect(files[0].split('\n')[0]).toMatch(/^shop\/migrations\/0004_order_status_/);
    expect(files[0]).toContain('dependencies = [("shop", "0003_concurrent")]');
    expect(files.some((f) => f.includes('    atomic = False') && f.includes('CREATE INDEX CONCURRENTLY'))).toBe(true);
    expect(r.stderr).toContain('RunSQL changes the database but not Django');
  });

  it('trace: the statements an Alembic migration sends run in PGlite after its history', () => {
    const r = godwit(['trace', 'fixtures/python/alembic/versions/2b3c4d5e6f70_add_columns.py', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as { history: { files: number; failed: number }; statements: Array<{ sql: string }>; disagreements?: unknown[] };
    expect(t.history).toMatchObject({ files: 1, failed: 0 });
    expect(t.statements.map((s) => s.sql)).toEqual(['CREATE INDEX ix_users_name ON users (name)', 'ALTER TABLE users ADD COLUMN age INTEGER NOT NULL', "UPDATE users SET name = 'é😀' WHERE name IS NULL", 'ALTER TABLE users ALTER COLUMN name SET NOT NULL']);
  }, 120_000);

  it('trace: the statements a Django migration sends (its model state from the migrations before it) run after its history; RunPython is listed, not traced', () => {
    const file = join(fixtures, 'django', 'shop', 'migrations', '0002_order_status.py');
    const r = godwit(['trace', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as { history: { files: number; failed: number }; statements: Array<{ line: number; sql: string; error: string | null; locks: Array<{ relation: string; mode: string }> }>; unreadable: Array<{ line: number; callee: string }> };
    // accounts.0001 and shop.0001 come before it in `migrate` order
    expect(t.history).toMatchObject({ files: 2, failed: 0 });
    const line = (needle: string): number => Number(at(file, needle).split(':')[0]);
    expect(t.statements.map((s) => `${s.line} ${s.sql}`)).toEqual([
      `${line('migrations.AddField(')} ALTER TABLE "shop_order" ADD COLUMN "status" varchar(20) DEFAULT 'new' NOT NULL`,
      `${line('migrations.AddField(')} ALTER TABLE "shop_order" ALTER COLUMN "status" DROP DEFAULT`,
      `${line('migrations.AddIndex(')} CREATE INDEX "shop_order_status_idx" ON "shop_order" ("status")`,
      `${line('migrations.AlterField(')} ALTER TABLE "shop_order" ALTER COLUMN "total" TYPE numeric(12, 2)`,
      `${line('UPDATE shop_order')} UPDATE shop_order SET status = 'new' WHERE status = ''`,
    ]);
    expect(t.statements.every((s) => s.error === null)).toBe(true);
    expect(t.statements[2].locks).toContainEqual(expect.objectContaining({ relation: 'shop_order', mode: 'SHARE' }));
    expect(t.unreadable).toEqual([expect.objectContaining({ line: line('migrations.RunPython(fill_status'), callee: 'migrations.RunPython' })]);
  }, 120_000);
});
