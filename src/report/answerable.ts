/**
 * The report formats that print from the results alone: a `--cache` run the file records answer
 * (src/cli/replay.ts) prints these without the linter. SARIF (rule metadata) and GitLab (the
 * coverage of the rules) need the linter's modules, and are left to a linting run.
 */
import type { LintResult } from '../engine/types.js';
import type { FormatContext } from './formats.js';

export const ANSWERABLE = ['stylish', 'json', 'github', 'junit', 'markdown'] as const;
export type AnswerableFormat = (typeof ANSWERABLE)[number];

export function isAnswerable(format: string): format is AnswerableFormat {
  return (ANSWERABLE as readonly string[]).includes(format);
}

/** One of these formats, importing only its formatter. */
export async function formatAnswerable(format: AnswerableFormat, results: LintResult[], ctx: FormatContext): Promise<string> {
  switch (format) {
    case 'stylish':
      return (await import('./stylish.js')).formatStylish(results, ctx.paint, ctx.cwd, ctx.width);
    case 'json':
      return (await import('./json.js')).formatJson(results) + '\n';
    case 'github':
      return (await import('./github.js')).formatGithub(results, { cwd: ctx.cwd });
    case 'junit':
      return (await import('./junit.js')).formatJunit(results, { cwd: ctx.cwd });
    case 'markdown':
      return (await import('./markdown.js')).formatMarkdown(results, { cwd: ctx.cwd });
  }
}
