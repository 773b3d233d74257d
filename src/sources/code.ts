/**
 * Migrations written as code (JS/TS, Python) for the commands that read a migration as SQL
 * (`lint`, `plan`, `trace`): the migration extracted and laid out as its virtual SQL document
 * (the statements its tool sends), with the runner of its root and, for Django, the project state
 * its earlier migrations leave.
 */
import { buildDocument, isJsMigrationPath, isJsRunnerName, prepareJsMigration, type PreparedJsMigration } from './extract/index.js';
import { initPyParser, isPyMigrationPath, preparePyMigration } from './extract/python/index.js';
import { isPyRunnerName } from './extract/types.js';
import { pyExtractOptions } from './py-roots.js';
import type { MigrationRoot } from './types.js';

/**
 * A JS/TS or Python migration, extracted and laid out (undefined for an SQL file). In a root, the
 * root's runner and (Python) its history state; outside one, the runner given or detected from
 * the file. The SQL parser must be loaded, and the Python parser for .py files (initCodeParser).
 */
export function prepareCode(root: MigrationRoot | undefined, path: string, text: string, runner?: string): PreparedJsMigration | undefined {
  const r = root?.runner ?? runner;
  if (isJsMigrationPath(path)) return prepareJsMigration(path, text, { runner: r && isJsRunnerName(r) ? r : undefined });
  if (isPyMigrationPath(path)) return preparePyMigration(path, text, root && isPyRunnerName(root.runner) ? pyExtractOptions(root, path) : { runner: r && isPyRunnerName(r) ? r : undefined });
  return undefined;
}

/** Load the parser a code migration needs (the Python parser for .py files; JS/TS loads on demand). */
export async function initCodeParser(path: string): Promise<void> {
  if (isPyMigrationPath(path)) await initPyParser();
}

/**
 * The SQL a code migration sends, for `plan` and `trace`: its virtual document without the
 * stand-ins of calls godwit cannot read, which are listed (with their line) instead — they are
 * neither planned nor run.
 */
export function codeSql(prepared: PreparedJsMigration): { text: string; unreadable: string[] } {
  const m = prepared.migration;
  const text = buildDocument({ ...m, calls: m.calls.filter((c) => c.kind !== 'dynamic') }).text;
  const unreadable = m.dynamic.map((c) => {
    const line = m.text.slice(0, c.callRange[0]).split('\n').length;
    return `line ${line}: ${c.expr.startsWith(c.callee) ? c.expr : `${c.callee}(${c.expr})`} — ${c.reason}`;
  });
  if (m.error) unreadable.push(`line ${m.error.line}: the file does not parse: ${m.error.message}`);
  return { text, unreadable };
}
