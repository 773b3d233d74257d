/**
 * Names as people write them: the closest known name to a misspelt one (rule ids in `godwit
 * rules`, `--rule` and suppression comments; config keys), by edit distance.
 */

/** Levenshtein distance (case-insensitive). */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The known name closest to `name`, if it is close enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  const lower = name.toLowerCase();
  const near = bestD <= Math.max(2, Math.floor(name.length * 0.4));
  // "concurrent-index" → "require-concurrent-index", "godwit/no-truncate" → "no-truncate"
  const contained = lower.length >= 4 && known.find((k) => k.toLowerCase().endsWith(lower) || lower.endsWith(k.toLowerCase()));
  return near ? best : contained || undefined;
}

/** " Did you mean "x"?" for a message, or '' when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const c = closest(name, known);
  return c ? ` Did you mean "${c}"?` : '';
}
