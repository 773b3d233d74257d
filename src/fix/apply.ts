import type { Edit } from '../engine/types.js';

/**
 * Apply non-overlapping edits to a text. Edits are taken in order of position; an edit that
 * overlaps one already taken is skipped (it is applied by a later pass, as ESLint does).
 */
export function applyEdits(text: string, edits: Edit[]): { text: string; applied: Edit[]; skipped: Edit[] } {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const applied: Edit[] = [];
  const skipped: Edit[] = [];
  let out = '';
  let pos = 0;
  let lastEnd = -1;
  for (const e of sorted) {
    if (e.range[0] < lastEnd || (e.range[0] === lastEnd && applied.length && applied[applied.length - 1].range[0] === e.range[0] && e.range[0] === e.range[1])) {
      skipped.push(e);
      continue;
    }
    out += text.slice(pos, e.range[0]) + e.text;
    pos = e.range[1];
    lastEnd = e.range[1];
    applied.push(e);
  }
  out += text.slice(pos);
  return { text: out, applied, skipped };
}
