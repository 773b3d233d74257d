/** Output formats (CLI.md `-f, --format`): name → formatter. One formatter per file. */
import type { LintResult } from '../engine/types.js';
import { formatStylish } from './stylish.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';

import type { FormatContext, FormatName } from './formats.js';

export { FORMATS, isFormat, formatResultsLazily, type FormatName, type FormatContext } from './formats.js';

/** The whole report text for `results` in a format. */
export function formatResults(format: FormatName, results: LintResult[], ctx: FormatContext): string {
  switch (format) {
    case 'stylish':
      return formatStylish(results, ctx.paint, ctx.cwd, ctx.width);
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
