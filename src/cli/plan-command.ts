/**
 * `godwit plan <file> [--out dir] [--emit sql|pgroll|markdown|gh-ost|pt-osc]` (CLI.md): the expand-contract
 * rewrite of a migration's unsafe changes. With --out the files are written there (never
 * replacing a file); without it they are printed. Exit 0 on success (also when there is
 * nothing to plan), 2 on a usage error, a file that does not parse, or an existing file.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseFile } from '../dialects/postgresql/parse.js';
import { migrationContext, type ProjectOptions } from '../project.js';
import { ConfigError } from '../config/index.js';
import { FileReadError } from '../sources/read.js';
import { isRunnerName, RUNNERS } from '../sources/index.js';
import { sentStatements } from '../sources/extract/index.js';
import { EMITS, existingPlan, namesIn, OutputExistsError, PlanError, planParsed, renderPlan, writeFilesNoClobber, type Emit } from '../plan/index.js';
import { WriteError } from '../io/write.js';
import { escapeControl } from '../io/control.js';
import { lintOptionsFrom } from './lint-command.js';
import { parseMysqlFile } from '../dialects/mysql/parse.js';
import { DEFAULT_MYSQL_VERSION, parseMysqlTarget } from '../dialects/mysql/matrix.js';
import { planOnlineSchemaChange, type OscTool } from '../plan/osc.js';
import { mysqlPhaseFiles, planMysqlExpandContract } from '../plan/mysql-expand.js';
import { basename } from 'node:path';
import { UsageError, type Io } from './main.js';

type Values = Record<string, string | boolean | string[] | undefined>;

export async function planCommand(args: string[], values: Values, io: Io): Promise<number> {
  if (args.length !== 1) throw new UsageError(args.length ? `'godwit plan' takes one migration file (got ${args.length})` : "'godwit plan' needs a migration file: godwit plan <file> [--out dir] [--emit sql|pgroll|markdown|gh-ost|pt-osc]");
  const emit = String(values.emit ?? 'sql');
  if (!(EMITS as readonly string[]).includes(emit) && emit !== 'gh-ost' && emit !== 'pt-osc') throw new UsageError(`--emit must be one of ${[...EMITS, 'gh-ost', 'pt-osc'].join(', ')} (got '${emit}')`);
  const cwd = io.cwd;
  const file = resolve(cwd, args[0]);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(await folderGiven(args[0], file, cwd));
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`no such file: ${args[0]}`);
  const runnerFlag = values.runner === undefined ? undefined : String(values.runner);
  if (runnerFlag !== undefined && runnerFlag !== 'auto' && !isRunnerName(runnerFlag)) throw new UsageError(`--runner must be one of auto, ${RUNNERS.join(', ')} (got '${runnerFlag}')`);
  const options = lintOptionsFrom(values);
  if (values.schema && !existsSync(resolve(cwd, String(values.schema)))) throw new UsageError(`--schema: no such file: ${values.schema}`);
  const project: ProjectOptions = {
    cwd,
    configPath: values.config ? resolve(cwd, String(values.config)) : undefined,
    overrides: { ...options, runner: runnerFlag && isRunnerName(runnerFlag) ? runnerFlag : undefined, schema: values.schema ? String(values.schema) : undefined },
  };
  const out = values.out === undefined ? undefined : resolve(cwd, String(values.out));
  if (out && existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out must be a directory: ${values.out}`);

  let ctx;
  try {
    ctx = await migrationContext(file, project);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr.write(`godwit: invalid configuration:\n${e.message}\n`);
      return 2;
    }
    if (e instanceof FileReadError) {
      io.stderr.write(`godwit: cannot read ${args[0]}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (emit === 'gh-ost' || emit === 'pt-osc') return oscCommand(file, ctx, emit, out, io);
  if (ctx.dialect === 'mysql') {
    if (emit !== 'sql') {
      io.stderr.write(`godwit: ${relative(cwd, file) || file} is MySQL: plan it with --emit sql (expand-contract phases), gh-ost or pt-osc (pgroll and the markdown runbook are PostgreSQL's)\n`);
      return 2;
    }
    return mysqlExpandCommand(file, ctx, out, io);
  }
  const runner = ctx.root?.runner ?? 'plain';
  const shown = relative(cwd, file) || file;
  // a JS/TS or Python migration is planned as the statements it sends (its calls translated)
  const sent = ctx.extracted ? sentStatements(ctx.extracted) : undefined;
  if (ctx.extracted?.migration.error) {
    const e = ctx.extracted.migration.error;
    io.stderr.write(`godwit: ${shown}:${e.line}:${e.column}: cannot parse: ${e.message}\n`);
    return 2;
  }
  for (const d of sent?.unreadable ?? []) {
    io.stderr.write(`godwit: warning: ${shown}:${lineAt(ctx.extracted!.migration.text, d.callRange[0])}: not planned: godwit cannot read or translate this ${d.callee}() call (${d.reason}); review it by hand\n`);
  }
  let plan;
  try {
    plan = planParsed(sent ? sent.parsed : parseFile(file, ctx.text), ctx.catalog, { pgVersion: ctx.pgVersion, runner });
  } catch (e) {
    if (e instanceof PlanError) {
      io.stderr.write(`godwit: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (sent) {
    // lines of the migration file (the call that sends each statement), not of the translated SQL
    for (const c of plan.changes) c.line = sent.lineOf(sent.parsed.statements[c.statementIndex]?.start ?? 0);
  }
  const safe = (s: string): string => escapeControl(s);
  for (const u of plan.unplanned) io.stderr.write(`godwit: warning: ${safe(shown)}: not planned, kept as written: ${safe(u.source.split('\n')[0])} — ${safe(u.reason)}\n`);
  if (!plan.changes.length) {
    io.stderr.write(`godwit: ${safe(shown)}: nothing to plan (no statement needs an expand-contract rewrite)\n`);
    return 0;
  }
  let rendered;
  try {
    rendered = renderPlan(plan, emit as Emit, { root: ctx.root, file: shown, outNames: out ? namesIn(out) : [] });
  } catch (e) {
    if (e instanceof PlanError) {
      io.stderr.write(`godwit: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (!out) {
    io.stdout.write(rendered.text);
    for (const n of rendered.notes) io.stderr.write(`godwit: note: ${safe(n)}\n`);
    return 0;
  }
  const earlier = existingPlan(out, emit as Emit, shown);
  if (earlier.length) {
    io.stderr.write(`godwit: ${safe(relative(cwd, out) || '.')} already holds a plan for ${safe(shown)} (${earlier.map((f) => safe(relative(cwd, f))).join(', ')}): godwit does not write a second one. Delete those files to plan again, or choose another --out directory\n`);
    return 2;
  }
  let written: string[];
  try {
    written = writeFilesNoClobber(out, rendered.files);
  } catch (e) {
    if (e instanceof WriteError) {
      io.stderr.write(`godwit: ${e instanceof OutputExistsError ? '' : 'cannot write the plan: '}${e.message}${e instanceof OutputExistsError ? '' : ' (nothing was written)'}\n`);
      return 2;
    }
    throw e;
  }
  io.stdout.write(escapeControl(summary(plan, rendered.files, written, shown, runner, out, cwd, emit as Emit, rendered.notes), { keep: '\n' }));
  return 0;
}

/** `godwit plan <folder>`: say it takes one migration, and name the folder's newest one. */
async function folderGiven(arg: string, dir: string, cwd: string): Promise<string> {
  const { findRoots } = await import('../sources/index.js');
  const { roots } = await findRoots([dir]);
  const newest = roots.flatMap((r) => r.files).at(-1);
  return (
    `'godwit plan' plans one migration file, and ${arg} is a folder` +
    (newest ? `: name the migration to plan, e.g. godwit plan ${relative(cwd, newest.path)}` : ': name the migration to plan')
  );
}

function summary(
  plan: ReturnType<typeof planParsed>,
  files: Array<{ path: string; phase?: number }>,
  written: string[],
  shown: string,
  runner: string,
  out: string,
  cwd: string,
  emit: Emit,
  notes: string[],
): string {
  const lines: string[] = [];
  lines.push(`godwit: planned ${plan.changes.length} change${plan.changes.length > 1 ? 's' : ''} in ${shown} (${runner}, PostgreSQL ${plan.pgVersion}):`);
  for (const c of plan.changes) lines.push(`  - ${c.title} (line ${c.line}, ${c.kind})`);
  lines.push(`wrote ${written.length} file${written.length > 1 ? 's' : ''} to ${relative(cwd, out) || '.'}:`);
  if (emit === 'sql') {
    const release = (r: 1 | 2): void => {
      for (const p of plan.phases.filter((x) => x.release === r)) {
        const mine = files.filter((f) => f.phase === p.index).map((f) => f.path);
        lines.push(`    ${p.index}. ${mine.join(', ')}${p.irreversible ? '  [irreversible: pre-flight checklist inside]' : ''}`);
      }
    };
    lines.push('  release 1 — deploy now, in order (safe with the code running today):');
    release(1);
    if (plan.switchNotes.length) {
      lines.push('  then switch the application:');
      for (const s of plan.switchNotes) lines.push(`    - ${s}`);
    }
    if (plan.phases.some((p) => p.release === 2)) {
      lines.push('  release 2 — only after the switch; commit these in a later pull request:');
      release(2);
    }
    lines.push(`the phases replace ${shown}: remove it (and its down file, if any) from the pull request — godwit does not delete files`);
  } else {
    for (const w of written) lines.push(`  ${relative(cwd, w)}`);
  }
  for (const n of notes) lines.push(`note: ${n}`);
  return lines.join('\n') + '\n';
}

/**
 * `--emit gh-ost|pt-osc`: one shell script per statement that copies a table or blocks its
 * writes (dry run, then the real run), after the tool's preconditions were checked against the
 * history. Printed, or written to --out (never replacing a file). A refused statement is reported
 * with its reason and makes the exit code 1; a PostgreSQL file is a usage error (exit 2).
 */
async function oscCommand(file: string, ctx: Awaited<ReturnType<typeof migrationContext>>, tool: OscTool, out: string | undefined, io: Io): Promise<number> {
  const shown = relative(io.cwd, file) || file;
  if (ctx.dialect !== 'mysql') {
    io.stderr.write(`godwit: ${shown} is PostgreSQL: ${tool} runs MySQL schema changes (use --emit sql, pgroll or markdown; --dialect mysql if it is MySQL)\n`);
    return 2;
  }
  const target = parseMysqlTarget(ctx.mysqlVersion ?? DEFAULT_MYSQL_VERSION) ?? parseMysqlTarget(DEFAULT_MYSQL_VERSION)!;
  const parsed = parseMysqlFile(file, ctx.text, { target: target.name });
  const errors = parsed.statements.filter((s) => s.kind === 'SyntaxError');
  if (errors.length) {
    const p = parsed.source.position(errors[0].error!.index);
    io.stderr.write(`godwit: ${shown}:${p.line}:${p.column}: ${errors[0].error!.message}: fix the syntax error first\n`);
    return 2;
  }
  const plan = planOnlineSchemaChange(parsed, ctx.mysqlCatalog, target, tool);
  for (const o of plan.online) io.stderr.write(`${escapeControl(`godwit: note: ${shown}:${o.line}: runs online as written, no ${tool} needed: ${o.text}`)}\n`);
  if (!plan.changes.length) {
    io.stderr.write(`godwit: ${shown}: nothing to plan (no statement copies a table or blocks its writes on ${target.name})\n`);
    return 0;
  }
  let refused = 0;
  const files: Array<{ path: string; content: string }> = [];
  const stem = basename(file).replace(/\.sql$/i, '');
  for (const c of plan.changes) {
    if (c.refused) {
      refused++;
      io.stderr.write(`${escapeControl(`godwit: ${shown}:${c.line}: ${tool} refused for "${c.table}": ${c.refused}`)}\n`);
      continue;
    }
    files.push({ path: `${stem}.${c.line}.${tool}.sh`, content: c.script! });
  }
  if (!out) for (const f of files) io.stdout.write(`# ── ${f.path}\n${f.content}`);
  else if (files.length) {
    try {
      const written = writeFilesNoClobber(out, files);
      io.stdout.write(`godwit: wrote ${written.length} ${tool} script${written.length > 1 ? 's' : ''} to ${relative(io.cwd, out) || '.'}: ${written.join(', ')}\n`);
    } catch (e) {
      if (e instanceof WriteError) {
        io.stderr.write(`godwit: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  }
  return refused ? 1 : 0;
}

/**
 * A MySQL migration's expand-contract plan (src/plan/mysql-expand.ts): column renames and
 * column changes MySQL would copy the table for, as numbered phase files after the root's last
 * migration (goose roots get goose's annotations). Printed, or written to --out.
 */
async function mysqlExpandCommand(file: string, ctx: Awaited<ReturnType<typeof migrationContext>>, out: string | undefined, io: Io): Promise<number> {
  const shown = relative(io.cwd, file) || file;
  const target = parseMysqlTarget(ctx.mysqlVersion ?? DEFAULT_MYSQL_VERSION) ?? parseMysqlTarget(DEFAULT_MYSQL_VERSION)!;
  const parsed = parseMysqlFile(file, ctx.text, { target: target.name });
  const plan = planMysqlExpandContract(parsed, ctx.mysqlCatalog, target);
  for (const u of plan.unplanned) io.stderr.write(`${escapeControl(`godwit: warning: ${shown}:${u.line}: not planned, kept as written: ${u.source.split('\n')[0]} — ${u.reason}`)}\n`);
  if (!plan.changes.length) {
    io.stderr.write(`godwit: ${shown}: nothing to plan (no column rename or table-copying column change; --emit gh-ost|pt-osc runs other copies online)\n`);
    return 0;
  }
  // numbered after the root's migrations (their width), or from 1
  const versions = (ctx.root?.files ?? []).map((f) => /^\d+/.exec(basename(f.path))?.[0]).filter((v): v is string => !!v);
  const width = versions.length ? Math.max(...versions.map((v) => v.length)) : 3;
  const start = versions.length ? Number(versions.map(BigInt).reduce((a, b) => (a > b ? a : b))) + 1 : 1;
  const files = mysqlPhaseFiles(plan, start, width, ctx.root?.runner === 'goose');
  if (!out) {
    for (const f of files) io.stdout.write(`-- ── ${f.path}\n${f.content}\n`);
  } else {
    try {
      writeFilesNoClobber(out, files);
    } catch (e) {
      if (e instanceof WriteError) {
        io.stderr.write(`godwit: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    const lines = [`godwit: planned ${plan.changes.length} change${plan.changes.length > 1 ? 's' : ''} in ${shown} (MySQL ${target.name}):`];
    for (const c of plan.changes) lines.push(`  - ${c.title} (line ${c.line})`);
    lines.push(`wrote ${files.length} files to ${relative(io.cwd, out) || '.'}:`);
    for (const [i, f] of files.entries()) {
      const p = plan.phases[i];
      if (p.release === 2 && plan.switchNotes.length && (i === 0 || plan.phases[i - 1].release === 1)) for (const n of plan.switchNotes) lines.push(`  then: ${n}`);
      lines.push(`  ${f.phase}. ${f.path}${p.release === 2 ? '  [release 2]' : ''}${p.repeat ? '  [repeat until it changes 0 rows]' : ''}`);
    }
    io.stdout.write(`${escapeControl(lines.join('\n'), { keep: '\n' })}\n`);
  }
  return 0;
}

/** 1-based line of an offset of a text. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
