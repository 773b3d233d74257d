/**
 * Python migrations (Alembic, Django) behind the same extraction interface as JS/TS: an
 * ExtractedMigration whose calls are translated operations (builders/alembic.ts,
 * builders/django.ts), SQL read from strings, and dynamic calls.
 *
 *   await initParser(); await initPyParser();
 *   const m = extractPyMigration(path, text);            // runner, calls, transaction
 *   const prepared = preparePyMigration(path, text);     // the virtual SQL document, lint()
 */
import { prepareExtracted, type PreparedJsMigration } from '../lint.js';
import { extractPyMigration, type PyExtractOptions } from './extract.js';
export { PY_LANGUAGE } from './language.js';

export { initPyParser, isPyParserLoaded, isPyMigrationPath, parsePython, PY_EXTENSIONS } from './parse.js';
export { extractPyMigration, detectPyRunner, type PyExtractOptions, type PyMigration } from './extract.js';

/** Extract and lay out a Python migration; lint it, or replay it as history. Needs initParser() and initPyParser(). */
export function preparePyMigration(path: string, text: string, opts: PyExtractOptions = {}): PreparedJsMigration {
  return prepareExtracted(path, extractPyMigration(path, text, opts));
}
