/**
 * godwit's ESLint plugin (`godwit/eslint`), for ESLint >= 9.15 with flat config:
 *
 *   // eslint.config.js
 *   import godwit from 'godwit/eslint';
 *   export default [...godwit.configs.recommended];
 *
 * - `languages.sql`: the `godwit/sql` language for `.sql` files (language.ts);
 * - `rules`: `godwit/<id>` for every godwit rule (rules.ts), in `.sql` files and in JS/TS
 *   migrations;
 * - `configs.recommended` / `strict` / `all` (configs.ts).
 *
 * Importing this module loads PostgreSQL's parser (libpg-query, WASM) with a top-level
 * await, because ESLint calls a language's `parse()` and rules synchronously. ESLint loads
 * `eslint.config.js`/`.mjs` with `import()`, which waits for it; a CommonJS config
 * (`eslint.config.cjs`) cannot `require()` this module (Node refuses to require an ES module
 * with top-level await) — use an ES module config. See docs/eslint.md.
 */
import type { ESLint, Rule } from 'eslint';
import type { Language } from '@eslint/core';
import { initParser } from '../dialects/postgresql/pg.js';
import { packageInfo } from '../report/common.js';
import { rules as godwitRules } from '../lint.js';
import type { PresetName } from '../engine/types.js';
import { sqlLanguage } from './language.js';
import { createRules } from './rules.js';
import { presetConfig, type FlatConfig } from './configs.js';

await initParser();

/** The plugin, typed as ESLint types plugins (its rules are written with typescript-eslint's types). */
export type GodwitPlugin = ESLint.Plugin & {
  meta: { name: string; version: string; namespace: string };
  languages: { sql: Language };
  rules: Record<string, Rule.RuleModule>;
  configs: Record<PresetName, FlatConfig[]>;
};

const plugin = {
  meta: { name: 'godwit', version: packageInfo().version, namespace: 'godwit' },
  languages: { sql: sqlLanguage as unknown as Language },
  rules: createRules(godwitRules) as unknown as Record<string, Rule.RuleModule>,
  configs: {} as Record<PresetName, FlatConfig[]>,
} as GodwitPlugin;

// built on first use: reading a config requires the (optional) TypeScript parser
for (const preset of ['recommended', 'strict', 'all'] as const) {
  let built: FlatConfig[] | undefined;
  Object.defineProperty(plugin.configs, preset, {
    enumerable: true,
    get: () => (built ??= presetConfig(plugin, godwitRules, preset)),
  });
}

export default plugin;
export const meta: GodwitPlugin['meta'] = plugin.meta;
export const languages: GodwitPlugin['languages'] = plugin.languages;
export const rules: GodwitPlugin['rules'] = plugin.rules;
export const configs: GodwitPlugin['configs'] = plugin.configs;
export { sqlLanguage } from './language.js';
export { SqlSourceCode } from './source-code.js';
export { SQL_FILES, MIGRATION_FILES, type FlatConfig } from './configs.js';
export type { GodwitSettings } from './settings.js';
export type { SqlProgram, SqlStatementNode, SqlComment, SqlNode } from './ast.js';
