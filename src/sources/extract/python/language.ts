/**
 * The Python front end (languages.ts): `.py` migrations of Alembic and Django, read with
 * tree-sitter's Python grammar. Importing this module registers it. A migration is extracted in
 * the context of its root — Alembic's transaction setting from env.py, Django's project state
 * left by the migrations before it — found from the file's folder (py-roots.ts).
 */
import { dirname } from 'node:path';
import { registerLanguage, type MigrationLanguage } from '../languages.js';
import { isPyRunnerName } from '../types.js';
import type { MigrationRoot } from '../../types.js';
import { findPyRoots, pyExtractOptions } from '../../py-roots.js';
import { extractPyMigration, type PyExtractOptions } from './extract.js';
import { initPyParser, isPyMigrationPath, isPyParserLoaded } from './parse.js';

/** The options of a file: those of its root (given, or found from its folder) when it is in one, else the runner given. */
function optionsFor(path: string, runner: string | undefined, given: MigrationRoot | undefined): PyExtractOptions {
  if (given && isPyRunnerName(given.runner)) return pyExtractOptions(given, path);
  const forced = runner && isPyRunnerName(runner) ? runner : undefined;
  if (runner && runner !== 'auto' && !forced) return {};
  const root = findPyRoots([dirname(path)], forced ? { runner: forced } : {})[0];
  return root ? pyExtractOptions(root, path) : { runner: forced };
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
