/**
 * The format names (CLI.md `-f, --format`) and a formatter loader that imports only the
 * formatter asked for: a `--format json` run does not load SARIF's rule docs or JUnit's XML.
 */
import type { LintResult } from '../engine/types.js';
import type { Paint } from './color.js';

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
  /** the stylish format wraps the details of a message to this many columns (default 80) */
  width?: number;
}

/** `formatResults` of report/index.ts, importing only the one formatter it needs. */
export async function formatResultsLazily(format: FormatName, results: LintResult[], ctx: FormatContext): Promise<string> {
  switch (format) {
    case 'sarif':
      return (await import('./sarif.js')).formatSarif(results, { cwd: ctx.cwd });
    case 'gitlab':
      return (await import('./gitlab.js')).formatGitlab(results, { cwd: ctx.cwd });
    default:
      return (await import('./answerable.js')).formatAnswerable(format, results, ctx);
  }
}
