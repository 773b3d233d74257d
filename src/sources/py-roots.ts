/**
 * Migration roots of Python runners:
 *
 *   alembic  a folder of revision files (`versions/` beside `env.py`, or any folder of
 *            revisions: module-level `revision = …` and `def upgrade()`), ordered by the
 *            revision graph (`down_revision`, tuples for merges, `depends_on`) the way Alembic's
 *            RevisionMap._topological_sort walks it; `transaction_per_migration=True` in env.py
 *            (a literal in `context.configure(…)`) gives each revision its own transaction.
 *   django   a project: every `<app>/migrations/NNNN_*.py` under the folder holding
 *            `manage.py` (or, without one, the apps beside the app found), one root, ordered the way
 *            `manage.py migrate` plans them (MigrationLoader's graph, leaf nodes sorted, each
 *            target's forwards plan: iterative DFS over sorted parents); `replaces` (squashed
 *            migrations) as on a fresh database: the squashed migration runs, the replaced ones
 *            are skipped.
 *
 * Only folders named like migrations (`*migrat*`, `versions`), folders given on the command
 * line and the folders of Python files named explicitly are read — never every .py file.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { DjangoState } from './extract/builders/django.js';
import { extractPyMigration, type PyExtractOptions, type PyMigration } from './extract/python/extract.js';
import { initPyParser, isPyMigrationPath, parsePython } from './extract/python/parse.js';
import { child, textOf } from './extract/python/parse.js';
import { isPyRunnerName, type PyRunnerName } from './extract/types.js';
import { compareStrings } from './order.js';
import { readSourceFileOr } from './read.js';
import type { FindOptions, MigrationFile, MigrationRoot, SkippedFile } from './types.js';
import { walkFiles, type ListDir } from './walk.js';
import { readdirSync } from 'node:fs';

const SKIPPED_DIRS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'virtualenv', 'dist', 'build']);
/** Python files in a migrations folder that are not migrations. */
const NOT_MIGRATIONS = new Set(['__init__.py', 'env.py', 'conftest.py', 'script.py.mako']);

function read(path: string): string {
  return readSourceFileOr(path, '');
}

function pyFiles(dir: string, list?: ListDir): string[] {
  try {
    const entries = list ? list(dir) : readdirSync(dir, { withFileTypes: true });
    return entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.py') && !e.name.startsWith('.') && !NOT_MIGRATIONS.has(e.name))
      .map((e) => e.name)
      .sort(compareStrings);
  } catch {
    return [];
  }
}

/** Folders under `paths` that may hold Python migrations. */
export function pyCandidateDirs(paths: string[], opts: FindOptions = {}, list?: ListDir): string[] {
  const forced = !!opts.runner && opts.runner !== 'auto' && isPyRunnerName(opts.runner);
  const dirs = new Set<string>();
  for (const p of paths) {
    const abs = resolve(p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      continue;
    }
    if (!isDir) {
      if (isPyMigrationPath(abs)) dirs.add(dirname(abs));
      continue;
    }
    if ((forced || /migrat|^versions$/i.test(basename(abs))) && pyFiles(abs, list).length) dirs.add(abs);
    const found = walkFiles(abs, { file: (name, parent) => parent !== '' && name.endsWith('.py') && /migrat|^versions$/i.test(basename(parent)), skipDir: (name) => SKIPPED_DIRS.has(name.toLowerCase()) }, list);
    for (const f of found) dirs.add(dirname(f));
  }
  return [...dirs].sort(compareStrings);
}

/** Extractions for detection (headers only: runner, revision identifiers, dependencies), by path and text. */
const headers = new Map<string, { text: string; m: PyMigration }>();

function header(path: string, runner?: PyRunnerName): PyMigration {
  const text = read(path);
  const key = `${runner ?? ''}\0${path}`;
  const hit = headers.get(key);
  if (hit && hit.text === text) return hit.m;
  const m = extractPyMigration(path, text, { runner, headerOnly: true });
  if (headers.size > 5000) headers.clear();
  headers.set(key, { text, m });
  return m;
}

/** The Python migration roots among `dirs` (the Python parser must be loaded: `initPyParser()`). */
export function findPyRoots(dirs: string[], opts: FindOptions = {}): MigrationRoot[] {
  const forced = opts.runner && opts.runner !== 'auto' ? opts.runner : undefined;
  if (forced && !isPyRunnerName(forced)) return [];
  const roots: MigrationRoot[] = [];
  /** Django project folders: whether manage.py is in it */
  const djangoProjects = new Map<string, boolean>();
  for (const dir of dirs) {
    const names = pyFiles(dir);
    if (!names.length) continue;
    const ms = names.map((n) => header(join(dir, n), forced as PyRunnerName | undefined));
    const votes = { alembic: ms.filter((m) => m.runner === 'alembic' && m.hasUp).length, django: ms.filter((m) => m.runner === 'django' && m.hasUp).length };
    const runner: PyRunnerName | undefined = forced ? (forced as PyRunnerName) : votes.alembic === 0 && votes.django === 0 ? undefined : votes.alembic >= votes.django ? 'alembic' : 'django';
    if (runner === 'alembic') roots.push(alembicRoot(dir, forced ? `--runner alembic` : `${votes.alembic} of ${names.length} Python files are Alembic revisions${existsSync(join(dirname(dir), 'env.py')) || existsSync(join(dir, 'env.py')) ? ' (env.py beside them)' : ''}`));
    // Django loads an app's migrations from its `migrations` package: a Django migration anywhere
    // else is in no project (linted alone, with a note)
    else if (runner === 'django' && basename(dir) === 'migrations') {
      const project = djangoProjectDir(dir);
      djangoProjects.set(project.dir, project.manage || djangoProjects.get(project.dir) === true);
    }
  }
  const projects = [...djangoProjects.keys()].sort(compareStrings);
  for (const p of projects) {
    // a project nested in another found project belongs to it
    if (projects.some((o) => o !== p && p.startsWith(o + sep) && djangoProjects.get(o))) continue;
    const root = djangoRoot(p, djangoProjects.get(p)!, forced ? '--runner django' : undefined);
    if (root.files.length || root.skipped.length) roots.push(root);
  }
  return roots;
}

/**
 * The Python root `file` belongs to (found from its folder): the root listing it (or, with
 * `skipped`, skipping it: a down script, a file of another tool); for a file not on disk (stdin,
 * an unsaved editor buffer), the folder's root.
 */
export function pyRootContaining(file: string, opts: FindOptions = {}, skipped = false): MigrationRoot | undefined {
  const abs = resolve(file);
  const roots = findPyRoots([dirname(abs)], opts);
  const member = roots.find((r) => r.files.some((f) => f.path === abs) || (skipped && r.skipped.some((f) => f.path === abs)));
  if (member || existsSync(abs)) return member;
  return roots[0];
}

/** The Python root a file belongs to. */
export async function pyRootOf(file: string, opts: FindOptions = {}): Promise<MigrationRoot | undefined> {
  await initPyParser();
  const abs = resolve(file);
  let root = pyRootContaining(abs, opts, true);
  if (!root) return undefined;
  if (!root.files.some((f) => f.path === abs) && !root.skipped.some((f) => f.path === abs)) {
    // a file not saved yet (stdin, an editor buffer): placed last
    root = { ...root, files: [...root.files, { path: abs, version: basename(abs, '.py'), kind: 'up', transaction: root.files[0]?.transaction ?? 'none', txReason: root.files[0]?.txReason ?? '', exclude: [] }] };
  }
  return root;
}

/**
 * A migration that does not parse has no place in the order (its revision or dependencies are
 * unread): it is linted last, where its parse error is reported, and the root says so.
 */
function withUnparsed(notes: string[], unparsed: string[]): string[] {
  return [...notes, ...unparsed.map((p) => `${basename(p)} does not parse: linted last, outside the migration order (what it depends on is unread)`)];
}

/* ---------------------------------------------------------------- alembic */

function alembicRoot(dir: string, detectedBy: string): MigrationRoot {
  const names = pyFiles(dir);
  const perMigration = transactionPerMigration(dir);
  const skipped: SkippedFile[] = [];
  const revs: Array<{ path: string; m: PyMigration; revision: string }> = [];
  const notes: string[] = [];
  const unparsed: string[] = [];
  for (const n of names) {
    const path = join(dir, n);
    const m = header(path, 'alembic');
    if (m.error) {
      unparsed.push(path);
      continue;
    }
    if (!m.hasUp || !m.alembic?.revision) {
      skipped.push({ path, kind: 'ignored', reason: 'not an Alembic revision (no `revision = …` and `def upgrade()`)' });
      continue;
    }
    if (revs.some((r) => r.revision === m.alembic!.revision)) notes.push(`two Alembic revisions share the id ${m.alembic.revision}`);
    revs.push({ path, m, revision: m.alembic.revision });
  }
  const order = alembicOrder(
    revs.map((r) => ({ id: r.revision, down: r.m.alembic!.downRevisions, deps: r.m.alembic!.dependsOn })),
    notes,
  );
  const byId = new Map(revs.map((r) => [r.revision, r]));
  const txReason = perMigration
    ? 'Alembic runs each migration in its own transaction on PostgreSQL (transaction_per_migration=True in env.py)'
    : 'Alembic runs all pending migrations in one transaction on PostgreSQL (transactional DDL; transaction_per_migration=False, the default)';
  const files: MigrationFile[] = [...order.map((id) => byId.get(id)!.path), ...unparsed].map((path, i) => ({ path, version: order[i] ?? basename(path, '.py'), kind: 'up' as const, transaction: perMigration ? ('file' as const) : ('all' as const), txReason, exclude: [] }));
  return { dir, runner: 'alembic', detectedBy, files, skipped, notes: withUnparsed(notes, unparsed) };
}

/**
 * Alembic's upgrade order: RevisionMap._topological_sort from the heads (revision map order =
 * file name order), reversed. `notes` gets unknown down revisions and cycles.
 */
export function alembicOrder(revs: Array<{ id: string; down: string[]; deps: string[] }>, notes: string[] = []): string[] {
  const map = new Map(revs.map((r) => [r.id, r]));
  const order = revs.map((r) => r.id);
  const parents = (id: string): string[] => {
    const r = map.get(id)!;
    const out = [...r.down, ...r.deps].filter((p) => {
      if (map.has(p)) return true;
      if (!notes.some((n) => n.includes(` ${p} `))) notes.push(`revision ${id} names down revision ${p} , which is not in the folder`);
      return false;
    });
    return [...new Set(out)];
  };
  const ancestorCache = new Map<string, Set<string>>();
  const ancestors = (id: string): Set<string> => {
    let s = ancestorCache.get(id);
    if (s) return s;
    s = new Set<string>();
    const stack = [id];
    while (stack.length) {
      const x = stack.pop()!;
      if (s.has(x)) continue;
      s.add(x);
      stack.push(...parents(x));
    }
    ancestorCache.set(id, s);
    return s;
  };
  const children = new Set(revs.flatMap((r) => parents(r.id)));
  const todo = new Set(order);
  const heads = order.filter((id) => !children.has(id));
  const ancestorsByIdx = heads.map((h) => new Set(ancestors(h)));
  const output: string[] = [];
  let idx = 0;
  let guard = 0;
  while (heads.length && guard++ < 1_000_000) {
    const candidate = heads[idx];
    const blocked = ancestorsByIdx.findIndex((a, i) => i !== idx && a.has(candidate));
    if (blocked !== -1) {
      idx = blocked;
      continue;
    }
    if (todo.has(candidate)) {
      output.push(candidate);
      todo.delete(candidate);
    }
    const add = parents(candidate).filter((p) => todo.has(p) && !heads.includes(p));
    if (!add.length) {
      heads.splice(idx, 1);
      ancestorsByIdx.splice(idx, 1);
      idx = Math.max(idx - 1, 0);
    } else {
      heads[idx] = add[0];
      ancestorsByIdx[idx] = new Set(ancestors(add[0]));
      for (const p of add.slice(1)) {
        heads.push(p);
        ancestorsByIdx.push(new Set(ancestors(p)));
      }
    }
  }
  if (todo.size) {
    notes.push(`the Alembic revisions ${[...todo].join(', ')} form a cycle`);
    output.push(...[...todo].sort(compareStrings));
  }
  return output.reverse();
}

/** `context.configure(…, transaction_per_migration=True, …)` in env.py (beside the folder or above it). */
function transactionPerMigration(dir: string): boolean {
  for (const p of [join(dirname(dir), 'env.py'), join(dir, 'env.py')]) {
    const text = read(p);
    if (!text) continue;
    try {
      const tree = parsePython(text);
      const stack = [tree];
      while (stack.length) {
        const n = stack.pop()!;
        if (n.type === 'keyword_argument' && textOf(text, child(n, 'name')!) === 'transaction_per_migration') return child(n, 'value')?.type === 'true';
        stack.push(...n.children);
      }
    } catch {
      return false;
    }
  }
  return false;
}

/* ----------------------------------------------------------------- django */

/** The folder holding manage.py above an app's migrations folder, or the folder above the app. */
function djangoProjectDir(migrationsDir: string): { dir: string; manage: boolean } {
  const app = dirname(migrationsDir);
  let d = app;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(d, 'manage.py'))) return { dir: d, manage: true };
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return { dir: dirname(app), manage: false };
}

/**
 * Every `<app>/migrations` folder of Django migrations of a project: anywhere under the folder of
 * manage.py; without one, only the apps beside the app found (`<folder>/<app>/migrations`), so a
 * project guessed from an app never walks a home directory.
 */
function djangoMigrationDirs(project: string, manage: boolean): string[] {
  const keep = (name: string, parent: string): boolean => basename(parent) === 'migrations' && name.endsWith('.py') && !NOT_MIGRATIONS.has(name);
  const found = walkFiles(project, { file: keep, skipDir: (name) => SKIPPED_DIRS.has(name.toLowerCase()) }, manage ? undefined : shallow(project));
  return [...new Set(found.map((f) => dirname(f)))].sort(compareStrings);
}

/** A directory lister that lists nothing deeper than `<top>/<app>/migrations`. */
function shallow(top: string): ListDir {
  return (dir) => {
    const depth = dir === top ? 0 : dir.slice(top.length + 1).split(sep).length;
    if (depth > 2 || (depth === 2 && basename(dir) !== 'migrations')) return [];
    return readdirSync(dir, { withFileTypes: true });
  };
}

interface DjangoNode {
  key: string;
  app: string;
  name: string;
  path: string;
  m: PyMigration;
  parents: Set<string>;
  children: Set<string>;
}

function djangoRoot(project: string, manage: boolean, forcedBy?: string): MigrationRoot {
  const nodes = new Map<string, DjangoNode>();
  const skipped: SkippedFile[] = [];
  const notes: string[] = [];
  const unparsed: string[] = [];
  for (const dir of djangoMigrationDirs(project, manage)) {
    const app = basename(dirname(dir));
    for (const n of pyFiles(dir)) {
      const path = join(dir, n);
      const m = header(path, 'django');
      if (m.error) {
        unparsed.push(path);
        continue;
      }
      if (!m.hasUp || !m.django) {
        skipped.push({ path, kind: 'ignored', reason: 'not a Django migration (no class Migration with operations)' });
        continue;
      }
      const name = n.replace(/\.py$/, '');
      nodes.set(`${app}.${name}`, { key: `${app}.${name}`, app, name, path, m, parents: new Set(), children: new Set() });
    }
  }
  // squashed migrations replace theirs (a fresh database runs the squashed one)
  for (const node of [...nodes.values()]) {
    const replaces = node.m.django!.replaces.map(([a, b]) => `${a}.${b}`);
    if (!replaces.length) continue;
    for (const r of replaces) {
      const old = nodes.get(r);
      if (!old) continue;
      nodes.delete(r);
      skipped.push({ path: old.path, kind: 'ignored', reason: `replaced by the squashed migration ${node.key}` });
      for (const other of nodes.values()) {
        other.m.django!.dependencies = other.m.django!.dependencies.map(([a, b]) => (`${a}.${b}` === r ? [node.app, node.name] : [a, b]));
      }
    }
  }
  const byApp = (app: string): DjangoNode[] => [...nodes.values()].filter((n) => n.app === app);
  const link = (child: DjangoNode, parentKey: string): void => {
    if (parentKey === child.key || !nodes.has(parentKey)) return;
    child.parents.add(parentKey);
    nodes.get(parentKey)!.children.add(child.key);
  };
  const resolveDep = (app: string, name: string): string | undefined => {
    if (name === '__first__' || name === '__latest__') {
      const list = byApp(app);
      if (!list.length) return undefined;
      const sameAppParents = (n: DjangoNode): string[] => n.m.django!.dependencies.filter(([a]) => a === app).map(([a, b]) => `${a}.${b}`);
      if (name === '__first__') return list.filter((n) => sameAppParents(n).length === 0).map((n) => n.key).sort(compareStrings)[0];
      const withChildren = new Set(list.flatMap((n) => sameAppParents(n)));
      return list.filter((n) => !withChildren.has(n.key)).map((n) => n.key).sort(compareStrings).at(-1);
    }
    return nodes.has(`${app}.${name}`) ? `${app}.${name}` : undefined;
  };
  for (const node of nodes.values()) {
    for (const [app, name] of node.m.django!.dependencies) {
      const key = resolveDep(app, name);
      if (key) link(node, key);
      else if (byApp(app).length) notes.push(`${node.key} depends on ${app}.${name}, which is not in the project`);
    }
    for (const [app, name] of node.m.django!.runBefore) {
      const key = resolveDep(app, name);
      if (key) link(nodes.get(key)!, node.key);
    }
  }
  const order = djangoPlan(nodes, notes);
  const files: MigrationFile[] = order.map((key) => {
    const node = nodes.get(key)!;
    const atomic = node.m.django!.atomic;
    return {
      path: node.path,
      version: key,
      kind: 'up',
      transaction: atomic ? 'file' : 'none',
      txReason: atomic ? 'Django runs each migration in a transaction on PostgreSQL (Migration.atomic = True, the default)' : 'atomic = False: Django runs each statement of this migration on its own, in autocommit',
      exclude: [],
    };
  });
  for (const path of unparsed) {
    const app = basename(dirname(dirname(path)));
    files.push({ path, version: `${app}.${basename(path, '.py')}`, kind: 'up', transaction: 'file', txReason: 'Django runs each migration in a transaction on PostgreSQL (Migration.atomic = True, the default)', exclude: [] });
  }
  const apps = [...new Set([...nodes.values()].map((n) => n.app))].sort(compareStrings);
  const detectedBy = forcedBy ?? `Django migrations of ${apps.length} app${apps.length === 1 ? '' : 's'} (${apps.join(', ')})${existsSync(join(project, 'manage.py')) ? ' beside manage.py' : ''}`;
  return { dir: project, runner: 'django', detectedBy, files, skipped, notes: withUnparsed(notes, unparsed) };
}

/** `manage.py migrate`'s plan: for each leaf node (sorted), its forwards plan (iterative DFS, sorted parents). */
function djangoPlan(nodes: Map<string, DjangoNode>, notes: string[]): string[] {
  const keyOf = (k: string): [string, string] => {
    const n = nodes.get(k)!;
    return [n.app, n.name];
  };
  const cmp = (a: string, b: string): number => {
    const [x1, y1] = keyOf(a);
    const [x2, y2] = keyOf(b);
    return compareStrings(x1, x2) || compareStrings(y1, y2);
  };
  const leaves = [...nodes.values()].filter((n) => [...n.children].every((c) => nodes.get(c)!.app !== n.app)).map((n) => n.key).sort(cmp);
  const plan: string[] = [];
  const applied = new Set<string>();
  for (const target of leaves) {
    const visited: string[] = [];
    const seen = new Set<string>();
    const stack: Array<[string, boolean]> = [[target, false]];
    const onPath = new Set<string>();
    while (stack.length) {
      const [node, processed] = stack.pop()!;
      if (seen.has(node)) continue;
      if (processed) {
        seen.add(node);
        onPath.delete(node);
        visited.push(node);
      } else {
        if (onPath.has(node)) {
          notes.push(`the Django migrations around ${node} form a dependency cycle`);
          continue;
        }
        onPath.add(node);
        stack.push([node, true]);
        for (const p of [...nodes.get(node)!.parents].sort(cmp)) if (!seen.has(p)) stack.push([p, false]);
      }
    }
    for (const k of visited) {
      if (applied.has(k)) continue;
      applied.add(k);
      plan.push(k);
    }
  }
  for (const k of [...nodes.keys()].sort(cmp)) if (!applied.has(k)) plan.push(k);
  return plan;
}

/* --------------------------------------------------------- per-file state */

interface Timeline {
  texts: string[];
  /** states[i]: the project state before files[i] */
  states: DjangoState[];
}

const timelines = new Map<string, Timeline>();

/**
 * The extraction options of a file of a Python root: Alembic's transaction setting, Django's app
 * label and the project state the migrations before it leave (computed once per root, in order).
 */
export function pyExtractOptions(root: MigrationRoot, file: string): PyExtractOptions {
  if (root.runner === 'alembic') return { runner: 'alembic', transactionPerMigration: root.files[0]?.transaction === 'file' };
  if (root.runner !== 'django') return {};
  const appLabel = basename(dirname(dirname(file)));
  const index = root.files.findIndex((f) => f.path === resolve(file));
  const upto = index === -1 ? root.files.length : index;
  const key = root.dir;
  let t = timelines.get(key);
  if (!t) {
    t = { texts: [], states: [new DjangoState()] };
    timelines.set(key, t);
  }
  // replay (and cache) the states up to this file; a changed file invalidates what follows it
  for (let i = 0; i < upto; i++) {
    const f = root.files[i];
    const text = read(f.path);
    if (t.texts[i] === text && t.states[i + 1]) continue;
    t.texts.length = i;
    t.states.length = i + 1;
    const state = t.states[i].clone();
    extractPyMigration(f.path, text, { runner: 'django', appLabel: basename(dirname(dirname(f.path))), state });
    t.texts[i] = text;
    t.states[i + 1] = state;
  }
  return { runner: 'django', appLabel, state: t.states[upto].clone() };
}

/** The Python migrations of `roots` under `paths` (directories) or named by them. */
export function pyMigrationsUnder(roots: MigrationRoot[], paths: string[]): string[] {
  const dirs: string[] = [];
  const files = new Set<string>();
  for (const p of paths) {
    try {
      if (statSync(p).isDirectory()) dirs.push(p.endsWith(sep) ? p : p + sep);
      else files.add(p);
    } catch {
      // missing: reported by the caller
    }
  }
  const out: string[] = [];
  for (const r of roots) {
    if (!isPyRunnerName(r.runner)) continue;
    for (const f of r.files) if (files.has(f.path) || dirs.some((d) => f.path.startsWith(d))) out.push(f.path);
  }
  return out;
}

