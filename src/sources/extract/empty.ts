import type { ExtractedMigration } from './types.js';

/**
 * A migration file's extraction before anything is read from it: no calls, no transaction, the
 * runner only when it was forced. Each front end (JS/TS, Python) starts from this and returns it
 * as is when the file does not parse or shows no migration.
 */
export function emptyMigration(path: string, raw: string, runner: ExtractedMigration['runner']): ExtractedMigration {
  return {
    path,
    text: raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw,
    runner,
    detectedBy: runner ? `--runner ${runner}` : 'nothing recognised',
    hasUp: false,
    calls: [],
    fragments: [],
    dynamic: [],
    wrapped: false,
    transaction: 'none',
    txReason: '',
    txOrigin: '',
    fileDirectives: [],
    eslintDirectives: [],
    builderCalls: 0,
  };
}
