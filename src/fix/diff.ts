/** `--fix-dry-run`: what `--fix` would write, as a unified diff (`git apply` / `patch -p1` read it). */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Paint } from '../report/color.js';

/**
 * The unified diff of one file, with `a/` and `b/` prefixes on `name` (a path relative to the
 * working directory, `/` separated). Empty when nothing changed.
 */
export function unifiedDiff(name: string, before: string, after: string, paint: Paint = (_s, t) => t): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
  const lines = patch.split(/(?<=\n)/);
  return lines
    .map((line, i) => {
      // a removed SQL comment reads `--- …`: only the first two lines are file headers
      const body = line.replace(/\r?\n$/, '');
      const eol = line.slice(body.length);
      if (i < 2) return paint('bold', body) + eol;
      if (line.startsWith('@@')) return paint('cyan', body) + eol;
      if (line.startsWith('+')) return paint('green', body) + eol;
      if (line.startsWith('-')) return paint('red', body) + eol;
      return line;
    })
    .join('');
}
