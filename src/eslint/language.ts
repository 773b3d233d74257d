/**
 * The `godwit/sql` language: ESLint's languages API (ESLint >= 9.7; the plugin targets
 * >= 9.15) for `.sql` files, on PostgreSQL's own parser.
 *
 * `parse` is synchronous, as ESLint requires: the libpg-query WASM module is loaded when the
 * plugin module is imported (a top-level await in src/eslint/index.ts), and every parse after
 * that is a synchronous call. A statement PostgreSQL rejects does not fail the parse: it
 * becomes a `SyntaxError` node (and the `godwit/syntax-error` rule reports it), and the other
 * statements are linted, as `godwit lint` does.
 */
import type { Language, File, OkParseResult, NotOkParseResult } from '@eslint/core';
import { parseFile } from '../dialects/postgresql/parse.js';
import { MAX_FILE_BYTES } from '../sources/read.js';
import { buildProgram, type SqlNode, type SqlProgram } from './ast.js';
import { SqlSourceCode, type SqlLanguageOptions } from './source-code.js';

type SqlLanguage = Language<{ LangOptions: SqlLanguageOptions; Code: SqlSourceCode; RootNode: SqlProgram; Node: SqlNode }>;

export const sqlLanguage: SqlLanguage = {
  fileType: 'text',
  lineStart: 1,
  columnStart: 1,
  nodeTypeKey: 'type',
  visitorKeys: { Program: ['body'], LineComment: [], BlockComment: [] },
  defaultLanguageOptions: {},

  /**
   * godwit/sql has no language options: PostgreSQL version, runner, transaction and schema come
   * from the godwit config file or `settings.godwit` (docs/eslint.md). Other keys are ignored,
   * not rejected, because configs often set `languageOptions` (globals, ecmaVersion) for every
   * file, .sql files included — as @eslint/json and @eslint/css do.
   */
  validateLanguageOptions(options: SqlLanguageOptions): void {
    if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError('godwit/sql: languageOptions must be an object');
  },

  parse(file: File): OkParseResult<SqlProgram> | NotOkParseResult {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    // the CLI's size limit (src/sources/read.ts): a bigger file is reported, not parsed
    const bytes = typeof file.body === 'string' ? Buffer.byteLength(text, 'utf8') : file.body.byteLength;
    if (bytes > MAX_FILE_BYTES) {
      return { ok: false, errors: [{ message: `godwit: too large to lint (${(bytes / 1048576).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB)`, line: 1, column: 1 }] };
    }
    try {
      return { ok: true, ast: buildProgram(parseFile(file.path, text)) };
    } catch (err) {
      // parseFile recovers from syntax errors per statement; this is an internal failure
      return { ok: false, errors: [{ message: `godwit could not read the file: ${(err as Error).message}`, line: 1, column: 1 }] };
    }
  },

  createSourceCode(file: File, result: OkParseResult<SqlProgram>): SqlSourceCode {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    return new SqlSourceCode({ text, ast: result.ast });
  },
};
