/**
 * `godwit plan`: the expand-contract rewrite of a migration's unsafe changes.
 *
 *   const ctx = await migrationContext(file, projectOptions);      // history, runner, up text
 *   const plan = planParsed(parseFile(file, ctx.text), ctx.catalog, { runner, pgVersion });
 *   const out = renderPlan(plan, 'sql', { root: ctx.root, file });   // files in the runner's layout
 *   writeFilesNoClobber(outDir, out.files);
 */
import { existsSync, linkSync, mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { MigrationRoot } from '../sources/types.js';
import type { Plan } from './types.js';
import { phaseHeader, sqlFiles, type OutputFile } from './writers/sql.js';
import { alembicFiles, djangoFiles } from './writers/python.js';
import { jsFiles, JS_PLAN_RUNNERS } from './writers/js.js';
import type { RunnerName } from '../sources/types.js';
import { pgrollMigrations } from './writers/pgroll.js';
import { markdownRunbook } from './writers/markdown.js';

export { planParsed, PlanError, outsideTransaction } from './planner.js';
export { sqlFiles, nextVersions, type OutputFile, type LayoutTarget } from './writers/sql.js';
export { pgrollMigrations, type PgrollMigration } from './writers/pgroll.js';
export { markdownRunbook } from './writers/markdown.js';
export * from './types.js';

/** Runners whose phases sql.ts writes as SQL migrations of their own layout. */
const SQL_RUNNERS: readonly RunnerName[] = ['plain', 'golang-migrate', 'prisma', 'flyway', 'goose', 'dbmate', 'diesel', 'node-pg-migrate', 'atlas', 'drizzle'];

export type Emit = 'sql' | 'pgroll' | 'markdown';
export const EMITS: readonly Emit[] = ['sql', 'pgroll', 'markdown'];

/** The migration's name without its runner's version prefix and extensions: `000010_add_orders.up.sql` → `add_orders`. */
export function baseName(file: string): string {
  let name = basename(file);
  if (['migration.sql', 'up.sql', 'down.sql'].includes(name)) name = basename(dirname(file));
  const python = name.endsWith('.py');
  name = name.replace(/\.([cm]?[jt]s|py)$/, ''); // a JS/TS or Python migration
  for (const ext of ['.sql', '.up', '.down', '.autocommit', '.postgres']) if (name.endsWith(ext)) name = name.slice(0, -ext.length);
  const flyway = /^[VUR][\d._]*__(.+)$/.exec(name);
  const alembic = python ? /^[0-9a-f]{12}_(.+)$/.exec(name) : null; // an Alembic revision id
  if (flyway) name = flyway[1];
  else if (alembic) name = alembic[1];
  else name = name.replace(/^[\d-]+[_-]?/, '');
  const slug = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // AddEmailIndex → Add_Email_Index
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug || 'migration';
}

export interface RenderOptions {
  /** the migration root of the planned file (its runner and files give the layout and numbering) */
  root?: MigrationRoot;
  /** the planned file (names the output) */
  file: string;
  /** existing file names in the output directory (pgroll numbering) */
  outNames?: string[];
  now?: Date;
}

export interface Rendered {
  files: OutputFile[];
  notes: string[];
  /** what to print without --out */
  text: string;
}

export function renderPlan(plan: Plan, emit: Emit, opts: RenderOptions): Rendered {
  const base = baseName(opts.file);
  if (emit === 'sql') {
    const root = opts.root;
    // a file in no migration root: number after the numbered files already in the output directory
    const loose = (opts.outNames ?? []).map((n) => ({ path: n, version: /^\d+/.exec(n)?.[0] ?? '' })).filter((f) => f.version);
    const runner = root?.runner ?? 'plain';
    const target = { runner, flavor: root?.flavor, files: root ? root.files.map((f) => ({ path: f.path, version: f.version })) : loose, base, now: opts.now };
    let out;
    if (JS_PLAN_RUNNERS.includes(runner)) out = jsFiles(plan, target);
    else if (SQL_RUNNERS.includes(runner)) out = sqlFiles(plan, target);
    else if (runner === 'alembic') out = alembicFiles(plan, target, (p) => phaseHeader(plan, p, runner));
    else if (runner === 'django') out = djangoFiles(plan, target, (p) => phaseHeader(plan, p, runner));
    else {
      // a runner without a writer of its own (e.g. a Python tool): plain SQL phase files
      out = sqlFiles(plan, { ...target, runner: 'plain' });
      out.notes.push(`godwit writes no ${runner} migrations: the phases are SQL files (run each with psql, or paste its SQL into a ${runner} migration of its own)`);
    }
    const text = out.files.map((f) => `${/\.[cm]?[jt]s$/.test(f.path) ? '//' : f.path.endsWith('.py') ? '#' : '--'} ==> ${f.path}\n${f.content}`).join('\n');
    return { files: out.files, notes: out.notes, text };
  }
  if (emit === 'pgroll') {
    const out = pgrollMigrations(plan, base);
    const used = (opts.outNames ?? []).map((n) => /^(\d+)_.*\.(json|ya?ml)$/.exec(n)).filter((m): m is RegExpExecArray => !!m);
    const width = used.length ? Math.max(...used.map((m) => m[1].length)) : 2;
    let next = used.length ? Math.max(...used.map((m) => Number(m[1]))) + 1 : 1;
    const files = out.migrations.map((m) => {
      const name = `${String(next++).padStart(width, '0')}_${m.name}`;
      m.name = name;
      return { path: `${name}.json`, content: JSON.stringify(m, null, 2) + '\n' };
    });
    const body = out.migrations.length === 1 ? out.migrations[0] : out.migrations;
    return { files, notes: out.notes, text: JSON.stringify(body, null, 2) + '\n' };
  }
  const md = markdownRunbook(plan, { title: opts.file });
  return { files: [{ path: `${base}.plan.md`, content: md }], notes: [], text: md };
}

export class OutputExistsError extends Error {}

/**
 * Write every file under `dir`, never replacing one: all targets are checked first, then each
 * file is written to a temporary name and hard-linked into place (link fails if the target
 * appeared meanwhile), so a reader never sees half a file.
 */
export function writeFilesNoClobber(dir: string, files: OutputFile[]): string[] {
  const targets = files.map((f) => join(dir, ...f.path.split('/')));
  const clash = targets.filter((t) => existsSync(t));
  if (clash.length) throw new OutputExistsError(`${clash.join(', ')} already exist${clash.length > 1 ? '' : 's'}: godwit never overwrites files (choose another --out directory)`);
  const written: string[] = [];
  files.forEach((f, i) => {
    const target = targets[i];
    mkdirSync(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    writeFileSync(tmp, f.content);
    try {
      linkSync(tmp, target);
    } finally {
      unlinkSync(tmp);
    }
    written.push(target);
  });
  return written;
}

/** File names in a directory (empty when it does not exist). */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
