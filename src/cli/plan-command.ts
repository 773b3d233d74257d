/**
 * `godwit plan <file> [--out dir] [--emit sql|pgroll|markdown]` (CLI.md): the expand-contract
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
import { EMITS, existingPlan, namesIn, OutputExistsError, PlanError, planParsed, renderPlan, writeFilesNoClobber, type Emit } from '../plan/index.js';
import { WriteError } from '../io/write.js';
import { escapeControl } from '../io/control.js';
import { lintOptionsFrom } from './lint-command.js';
import { UsageError, type Io } from './main.js';

type Values = Record<string, string | boolean | string[] | undefined>;

export async function planCommand(args: string[], values: Values, io: Io): Promise<number> {
  if (args.length !== 1) throw new UsageError(args.length ? `'godwit plan' takes one migration file (got ${args.length})` : "'godwit plan' needs a migration file: godwit plan <file> [--out dir] [--emit sql|pgroll|markdown]");
  const emit = String(values.emit ?? 'sql');
  if (!(EMITS as readonly string[]).includes(emit)) throw new UsageError(`--emit must be one of ${EMITS.join(', ')} (got '${emit}')`);
  const cwd = io.cwd;
  const file = resolve(cwd, args[0]);
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
  const runner = ctx.root?.runner ?? 'plain';
  let plan;
  try {
    plan = planParsed(parseFile(file, ctx.text), ctx.catalog, { pgVersion: ctx.pgVersion, runner });
  } catch (e) {
    if (e instanceof PlanError) {
      io.stderr.write(`godwit: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const shown = relative(cwd, file) || file;
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
