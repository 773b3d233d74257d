/**
 * The Python front end (languages.ts): `.py` migrations of Alembic and Django, read with
 * tree-sitter's Python grammar. Importing this module registers it. A migration is extracted in
 * the context of its root — Alembic's transaction setting from env.py, Django's project state
 * left by the migrations before it — found from the file's folder (py-roots.ts).
 */
import { resolve } from 'node:path';
import { registerLanguage, type MigrationLanguage } from '../languages.js';
import { isPyRunnerName } from '../types.js';
import type { MigrationRoot } from '../../types.js';
import { pyExtractOptions, pyRootContaining } from '../../py-roots.js';
import { extractPyMigration, type PyExtractOptions } from './extract.js';
import { initPyParser, isPyMigrationPath, isPyParserLoaded } from './parse.js';

/**
 * The options of a file: those of its root (given, or found from its folder) when the root lists
 * it, else the runner given (none: the file's own, detected). A root that skips the file (a Django
 * migration beside Alembic revisions) says nothing about it.
 */
function optionsFor(path: string, runner: string | undefined, given: MigrationRoot | undefined): PyExtractOptions {
  const abs = resolve(path);
  if (given && isPyRunnerName(given.runner) && given.files.some((f) => f.path === abs)) return pyExtractOptions(given, abs);
  const forced = runner && isPyRunnerName(runner) ? runner : undefined;
  if (runner && runner !== 'auto' && !forced) return {};
  const root = pyRootContaining(abs, forced ? { runner: forced } : {});
  return root ? pyExtractOptions(root, abs) : { runner: forced };
}

export const PY_LANGUAGE: MigrationLanguage = {
  name: 'Python',
  handles: isPyMigrationPath,
  init: initPyParser,
  initSync() {
    // web-tree-sitter loads its WASM asynchronously only
    if (!isPyParserLoaded()) throw new Error('the Python parser loads asynchronously: await initPyParser() first');
  },
  extract: (path, text, opts) => extractPyMigration(path, text, optionsFor(path, opts.runner, opts.root)),
};

registerLanguage(PY_LANGUAGE);
