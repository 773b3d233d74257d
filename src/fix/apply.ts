import type { Edit } from '../engine/types.js';

/**
 * Apply non-overlapping edits to a text, as ESLint's SourceCodeFixer does. Edits are taken in
 * order of position; an edit that overlaps or touches one already taken (starts where it ends,
 * e.g. two insertions at the same point, or an insertion right after a replaced span) is skipped:
 * both were computed on the same text, and one after the other they can produce text neither
 * rule meant. The skipped edits are applied by a later pass of the fix loop (src/fix/loop.ts),
 * recomputed on the text the first one left.
 */
export function applyEdits<E extends Edit>(text: string, edits: E[]): { text: string; applied: E[]; skipped: E[] } {
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const applied: E[] = [];
  const skipped: E[] = [];
  let out = '';
  let pos = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const e of sorted) {
    const [start, end] = e.range;
    if (start <= lastEnd || start > end || start < 0 || end > text.length) {
      skipped.push(e);
      continue;
    }
    out += text.slice(pos, start) + e.text;
    pos = end;
    lastEnd = end;
    applied.push(e);
  }
  out += text.slice(pos);
  return { text: out, applied, skipped };
}
