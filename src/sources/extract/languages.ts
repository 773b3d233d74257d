/**
 * The front ends that read migrations written in a programming language: JS/TS
 * (typescript-estree, extract.ts) and — registered by its own module — Python (Alembic,
 * Django). Each turns a file into the same ExtractedMigration (fragments of SQL, translated
 * builder calls, dynamic calls, the runner's transaction), which everything downstream — the
 * linter, history replay, the ESLint plugin, `godwit plan`, `godwit trace`, the coverage line —
 * handles without knowing the language.
 */
import { extractMigration } from './extract.js';
import { prepareExtracted, type PreparedJsMigration } from './lint.js';
import { initJsParser, initJsParserSync, isJsMigrationPath } from './parse.js';
import { isJsRunnerName, type DynamicCall, type ExtractedMigration } from './types.js';
import { buildDocument, toFile } from './document.js';
import { parseFile } from '../../dialects/postgresql/parse.js';
import { SourceText } from '../../dialects/postgresql/source.js';
import type { ParsedFile } from '../../dialects/postgresql/types.js';
import type { MigrationRoot } from '../types.js';

export interface MigrationLanguage {
  /** how notes name it: `JS/TS`, `Python` */
  name: string;
  /** the files it reads (by extension) */
  handles(path: string): boolean;
  /** load its parser (once) */
  init(): Promise<void>;
  /** the same, synchronously (ESLint rules cannot await) */
  initSync(): void;
  /**
   * Extract a migration. `runner` is the runner of its folder or `--runner` (ignored when it is
   * not one of this language's); `ast` an already parsed tree (ESLint's, for JS/TS); `root` its
   * migration root when the caller has it (Python: Django's model state is the root's history).
   */
  extract(path: string, text: string, opts: { runner?: string; ast?: unknown; includeDown?: boolean; root?: MigrationRoot }): ExtractedMigration;
}

export const JS_LANGUAGE: MigrationLanguage = {
  name: 'JS/TS',
  handles: isJsMigrationPath,
  init: initJsParser,
  initSync: initJsParserSync,
  extract: (path, text, opts) => extractMigration(path, text, { runner: opts.runner && isJsRunnerName(opts.runner) ? opts.runner : undefined, ast: opts.ast, includeDown: opts.includeDown }),
};

const languages: MigrationLanguage[] = [JS_LANGUAGE];

/** Add a front end (the Python one registers itself). Later registrations win for a path. */
export function registerLanguage(language: MigrationLanguage): void {
  if (!languages.includes(language)) languages.unshift(language);
}

/** The front end that reads `path`, if it is a migration written in a programming language. */
export function languageOf(path: string): MigrationLanguage | undefined {
  return languages.find((l) => l.handles(path));
}

/** A file read by a language front end (not SQL). */
export function isExtractedPath(path: string): boolean {
  return languageOf(path) !== undefined;
}

/** Extract and lay out a migration of any language (its parser must be loaded: `init`/`initSync`). Undefined for SQL. */
export function prepareMigration(path: string, text: string, opts: { runner?: string; ast?: unknown; root?: MigrationRoot } = {}): PreparedJsMigration | undefined {
  const language = languageOf(path);
  if (!language) return undefined;
  return prepareExtracted(path, language.extract(path, text, opts), text);
}

/** Load the parser of the language that reads `path` (nothing for SQL). */
export async function initLanguageOf(path: string): Promise<void> {
  await languageOf(path)?.init();
}

/** A migration as the statements it sends, for `godwit plan` and `godwit trace`. */
export interface SentStatements {
  /** the statements, parsed (calls godwit could not read or translate left out) */
  parsed: ParsedFile;
  /** the 1-based line in the migration file of an offset of `parsed` (the call that sends it) */
  lineOf(offset: number): number;
  /** the calls left out: godwit cannot say what they send */
  unreadable: DynamicCall[];
}

/** The statements an extracted migration sends, with the way back to its file's lines. */
export function sentStatements(prepared: PreparedJsMigration): SentStatements {
  const m = prepared.migration;
  const unreadable = m.dynamic;
  let { document, parsed } = prepared;
  if (unreadable.length) {
    document = buildDocument({ ...m, calls: m.calls.filter((c) => c.kind !== 'dynamic'), dynamic: [] });
    parsed = parseFile(prepared.parsed.path, document.text);
  }
  const file = new SourceText(m.text);
  return { parsed, unreadable, lineOf: (offset) => file.position(toFile(document, offset, 'start')).line };
}
