/** Orderings the runners use for their file names. Deterministic: no locale. */

/** Compare two strings of decimal digits by numeric value (any length, leading zeros ignored). */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const CHUNK = /(\d+)|(\D+)/g;

/**
 * Natural order: runs of digits compare by value, so `2_x.sql` < `10_x.sql` and
 * `0009-a.sql` < `00010-b.sql`. Ties (e.g. `01` vs `1`) fall back to plain code-unit order.
 */
export function naturalCompare(a: string, b: string): number {
  const xa = a.match(CHUNK) ?? [];
  const xb = b.match(CHUNK) ?? [];
  const n = Math.min(xa.length, xb.length);
  for (let i = 0; i < n; i++) {
    const p = xa[i];
    const q = xb[i];
    const pd = p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57;
    const qd = q.charCodeAt(0) >= 48 && q.charCodeAt(0) <= 57;
    let c: number;
    if (pd && qd) c = compareDigits(p, q);
    else c = compareStrings(p, q);
    if (c !== 0) return c;
  }
  if (xa.length !== xb.length) return xa.length - xb.length;
  return compareStrings(a, b);
}

/**
 * Flyway versions: parts separated by `.` or `_`, each compared as an integer, left-aligned
 * with missing parts counting as 0 (`1.2.10` > `1.2.9.4`, `1.2.10` == `1.2.010`).
 */
export function compareFlywayVersions(a: string, b: string): number {
  const pa = a.split(/[._]/);
  const pb = b.split(/[._]/);
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(pa[i] ?? '0', pb[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}
