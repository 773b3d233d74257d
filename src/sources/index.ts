/**
 * Migration-root discovery and runner semantics (docs/runners.md).
 *
 *   const { roots, loose } = await findRoots(['db/'], { runner: 'auto' });
 *   for (const root of roots)
 *     for (const f of root.files)          // up migrations, in run order
 *       lint(blank(text(f.path), f.exclude), { transaction: f.transaction });
 *
 * `fileTransaction()` recomputes one file's semantics from its text (e.g. for --stdin).
 */
export { findRoots, ownsPopFile, rootOf, rootOfSync, type FoundRoots } from './roots.js';
export { fileTransaction, flywayNonTransactional, type FileTransactionOptions } from './transaction.js';
export { naturalCompare, compareFlywayVersions } from './order.js';
export {
  RUNNERS,
  isRunnerName,
  type RunnerName,
  type MigrationFile,
  type MigrationRoot,
  type SkippedFile,
  type FileTransaction,
  type FindOptions,
  type Range,
  type TransactionMode,
} from './types.js';

/**
 * Replace the excluded ranges with spaces, keeping line breaks, so every offset, line and
 * column of the up part is unchanged.
 */
export function blankRanges(text: string, ranges: Array<[number, number]>): string {
  if (ranges.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    out += text.slice(at, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    at = end;
  }
  return out + text.slice(at);
}
