/** Binary searches over positions in file order (tokens, statement boundaries, `;`s). */

/** Index of the first number at or after `pos` in an ascending array (its length when none is). */
export function lowerBound(sorted: ArrayLike<number>, pos: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first token starting at or after `pos` (tokens in file order; their length when none does). */
export function firstTokenAt(tokens: ReadonlyArray<{ start: number }>, pos: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
