/**
 * One `godwit lint --fix` / `--fix-dry-run` run over a project: the hook lintProject calls for
 * each file (ProjectOptions.fix), the outcomes it collects, and what happens after linting —
 * the atomic writes (`--fix`) or the diff (`--fix-dry-run`), and the messages for stderr.
 *
 * As ESLint: each result whose text a fix changed carries the fixed text as `output`; the
 * findings reported are those that remain in it. Files are written only after every file was
 * linted, each on its own (a failure leaves that file as it was and the others written).
 */
import { relative, sep } from 'node:path';
import type { Finding } from '../engine/types.js';
import { fixText, type FixOutcome, type Linted } from './loop.js';
import { writeOutput } from '../io/write.js';
import { unifiedDiff } from './diff.js';
import type { Paint } from '../report/color.js';

export interface FixSessionOptions {
  /** which findings' fixes to apply (`--quiet`: errors only, as ESLint) */
  filter?: (m: Finding) => boolean;
}

export interface FixReport {
  /** lines for stderr (refused fixes, files left unfixed, write failures), each ending in a newline */
  messages: string[];
  /** a file could not be fixed or written: exit code 2 */
  failed: boolean;
  /** files written (`--fix`) */
  written: string[];
}

export class FixSession {
  /** per file path (as linted), in lint order */
  readonly outcomes = new Map<string, FixOutcome<Linted>>();

  constructor(private readonly options: FixSessionOptions = {}) {}

  /** the ProjectOptions.fix hook: run the fix loop, report the remaining findings with `output` */
  readonly fixer = <T extends Linted>(file: string, text: string, lintText: (text: string) => T): T => {
    const outcome = fixText(text, lintText, { filter: this.options.filter });
    this.outcomes.set(file, outcome);
    if (!outcome.changed) return outcome.final;
    return { ...outcome.final, result: { ...outcome.final.result, output: outcome.output } };
  };

  /** `--fix-dry-run`: the unified diff of every file a fix would change, in lint order */
  diff(cwd: string, paint?: Paint): string {
    let out = '';
    for (const [file, o] of this.outcomes) if (o.changed) out += unifiedDiff(displayPath(file, cwd), o.input, o.output, paint);
    return out;
  }

  /** write the fixed files (`--fix`; with `write: false` only the messages) */
  finish(cwd: string, write: boolean): FixReport {
    const messages: string[] = [];
    const written: string[] = [];
    let failed = false;
    for (const [file, o] of this.outcomes) {
      const name = displayPath(file, cwd);
      for (const r of o.refused) messages.push(`godwit: ${name}:${r.line}:${r.column}: the fix of ${r.ruleId} was not applied: ${r.reason}\n`);
      if (o.abandoned) {
        failed = true;
        const a = o.abandoned;
        messages.push(
          `godwit: ${name}: no fixes ${write ? 'written' : 'shown'}: the fix${a.rules.length === 1 ? '' : 'es'} of ${a.rules.join(', ')} would make the file fail to parse ` +
            `(${a.message} at ${a.line}:${a.column}); this is a bug in godwit, please report it\n`,
        );
        continue;
      }
      if (!write || !o.changed || file.startsWith('<')) continue;
      try {
        writeOutput(file, o.output, { expected: o.input });
        written.push(file);
      } catch (e) {
        failed = true;
        messages.push(`godwit: ${name}: could not write the fixes: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
    return { messages, failed, written };
  }
}

/** the name a diff or a message shows: relative to the working directory when inside it, `/` separated */
function displayPath(file: string, cwd: string): string {
  if (file.startsWith('<')) return file;
  const rel = relative(cwd, file);
  const shown = rel && !rel.startsWith('..') ? rel : file;
  return shown.split(sep).join('/');
}

