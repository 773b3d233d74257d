/** Output formats (CLI.md `-f, --format`): name → formatter. One formatter per file. */
import type { LintResult } from '../engine/types.js';
import type { Paint } from './color.js';
import { formatStylish } from './stylish.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';

export const FORMATS = ['stylish', 'json', 'sarif', 'github', 'gitlab', 'junit', 'markdown'] as const;
export type FormatName = (typeof FORMATS)[number];

export function isFormat(s: string): s is FormatName {
  return (FORMATS as readonly string[]).includes(s);
}

export interface FormatContext {
  /** paths are reported relative to it */
  cwd: string;
  /** colours for the stylish format (the others never colour) */
  paint: Paint;
}

/** The whole report text for `results` in a format. */
export function formatResults(format: FormatName, results: LintResult[], ctx: FormatContext): string {
  switch (format) {
    case 'stylish':
      return formatStylish(results, ctx.paint, ctx.cwd);
    case 'json':
      return formatJson(results) + '\n';
    case 'sarif':
      return formatSarif(results, { cwd: ctx.cwd });
    case 'github':
      return formatGithub(results, { cwd: ctx.cwd });
    case 'gitlab':
      return formatGitlab(results, { cwd: ctx.cwd });
    case 'junit':
      return formatJunit(results, { cwd: ctx.cwd });
    case 'markdown':
      return formatMarkdown(results, { cwd: ctx.cwd });
  }
}
