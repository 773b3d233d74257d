/**
 * `godwit plan`: the expand-contract rewrite of a migration's unsafe changes.
 *
 *   const ctx = await migrationContext(file, projectOptions);      // history, runner, up text
 *   const plan = planParsed(parseFile(file, ctx.text), ctx.catalog, { runner, pgVersion });
 *   const out = renderPlan(plan, 'sql', { root: ctx.root, file });   // files in the runner's layout
 *   writeFilesNoClobber(outDir, out.files);
 */
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeNewFiles } from '../io/write.js';
import { escapeControl, hasControl } from '../io/control.js';
import { scanSql } from '../dialects/postgresql/pg.js';
import { PlanError } from './planner.js';
import type { MigrationRoot } from '../sources/types.js';
import type { Plan } from './types.js';
import { basenameOf, commentOut, phaseHeader, sqlFiles, type OutputFile } from './writers/sql.js';
import { alembicFiles, djangoFiles } from './writers/python.js';
import { jsFiles, JS_PLAN_RUNNERS } from './writers/js.js';
import type { RunnerName } from '../sources/types.js';
import { pgrollMigrations } from './writers/pgroll.js';
import { markdownRunbook } from './writers/markdown.js';

export { planParsed, PlanError, outsideTransaction } from './planner.js';
export { OutputExistsError } from '../io/write.js';
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
  checkPlanText(plan, emit);
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
    // one migration is one file: printed alone it is that file; several are listed like the sql files
    const text = files.length === 1 ? files[0].content : files.map((f) => `-- ==> ${f.path}\n${f.content}`).join('\n');
    const notes = files.length > 1 ? [...out.notes, `${files.length} pgroll migrations (pgroll runs a raw sql operation alone): write them with --out, then pgroll start each in order`] : out.notes;
    return { files, notes, text };
  }
  const md = markdownRunbook(plan, { title: escapeControl(opts.file) });
  return { files: [{ path: `${base}.plan.md`, content: md }], notes: [], text: md };
}

/**
 * Identifiers go into phase files as SQL (quoted where needed) and, through titles and notes,
 * into comments (escaped there: writers/sql.ts commentOut). A control character inside a quoted
 * identifier is valid PostgreSQL, but the runners read phase files as text first (goose splits
 * at line ends, drizzle at its breakpoint marker, editors and reviewers see a line break, a
 * terminal an escape sequence), so such a plan is refused rather than written.
 */
function checkPlanText(plan: Plan, emit: Emit): void {
  const texts = plan.phases.flatMap((p) => [...p.sql, ...p.rollback, ...p.verify.map((v) => v.sql)]);
  for (const text of texts) {
    for (const t of scanSql(text) ?? []) {
      if ((t.name === 'IDENT' || t.name === 'UIDENT') && hasControl(t.text)) {
        throw new PlanError(`the identifier ${escapeControl(t.text)} contains a control character: godwit does not write it into phase files (a runner or an editor could read it as a line break). Rename it first`);
      }
    }
    if (emit === 'sql' && text.includes('--> statement-breakpoint')) {
      throw new PlanError('a statement of the plan contains the text "--> statement-breakpoint", at which drizzle would split it: godwit does not write such a plan');
    }
  }
}

/**
 * Write every file under `dir`, all or nothing, never replacing one (src/io/write.ts): all
 * targets are checked first (a dangling link counts), each file is written to a temporary
 * name and hard-linked into place, and a failure half-way removes what was written.
 */
export function writeFilesNoClobber(dir: string, files: OutputFile[]): string[] {
  return writeNewFiles(dir, files);
}

/**
 * The files of an earlier plan of the same migration in `dir` (`plan --out` run twice would
 * otherwise write a second full set of phases, numbered after the first): phase files carry
 * the `-- godwit plan for <file> — phase` header (`//` in JS/TS phases); pgroll and markdown output go by name.
 */
export function existingPlan(dir: string, emit: Emit, file: string): string[] {
  const base = baseName(file);
  const names = namesIn(dir);
  if (emit === 'pgroll') return names.filter((n) => new RegExp(`^\\d+_${base}(_sql)?\\.json$`).test(n)).map((n) => join(dir, n));
  if (emit === 'markdown') return names.filter((n) => n === `${base}.plan.md`).map((n) => join(dir, n));
  // phase files are SQL (`--` comments) or JS/TS migrations (the same header as `//` lines: writers/js.ts)
  const line = commentOut(`godwit plan for ${basenameOf(file)} — phase `).slice(3);
  const found: string[] = [];
  const look = (path: string, depth: number): void => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (st.isDirectory() && depth < 2) for (const n of namesIn(path)) look(join(path, n), depth + 1);
    else if (st.isFile() && /\.(sql|[cm]?[jt]s)$/.test(path) && [`-- ${line}`, `// ${line}`].some((h) => startOf(path).includes(h))) found.push(path);
  };
  for (const n of names) look(join(dir, n), 1);
  return found.sort();
}

/** The first 4 kB of a file (the header block), as text. */
function startOf(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** File names in a directory (empty when it does not exist). */
export function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
