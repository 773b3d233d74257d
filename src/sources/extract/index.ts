/**
 * SQL inside JS/TS migrations (docs/js-migrations.md).
 *
 *   await initParser(); await initJsParser();            // libpg-query + typescript-estree
 *   const m = extractMigration(path, text);              // fragments, runner, transaction, dynamic calls
 *   const result = lintJsMigration(text, path, options); // a LintResult located in the JS/TS file
 *
 * The lint of a migration is the lint of one virtual SQL document (its calls' SQL, in run
 * order), whose findings, fixes and suggestions are mapped back to the JS/TS file. A fix is
 * kept only when it lands inside one string literal with nothing in the way (escapes,
 * interpolations); its text is escaped for that literal.
 *
 * In ESLint, pass `sourceCode.ast` as `ast` (no second parse, no typescript-estree load).
 */
export { initJsParser, initJsParserSync, isJsParserLoaded, isJsMigrationPath, JS_EXTENSIONS } from './parse.js';
export { extractMigration } from './extract.js';
export { lintJsMigration, prepareJsMigration, prepareExtracted, type JsLintOptions, type PreparedJsMigration } from './lint.js';
export { JS_LANGUAGE, registerLanguage, languageOf, isExtractedPath, prepareMigration, initLanguageOf, sentStatements, type MigrationLanguage, type SentStatements } from './languages.js';
export { buildDocument, type VirtualDocument } from './document.js';
export {
  JS_RUNNERS,
  isJsRunnerName,
  type JsRunnerName,
  type JsRange,
  type ExtractedMigration,
  type ExtractedCall,
  type Fragment,
  type DynamicCall,
  type ControlCall,
  type BuilderCall,
  type Placeholder,
  type FragmentMap,
  type ExtractOptions,
} from './types.js';
