/**
 * Flat configs: `recommended`, `strict` and `all`, named after the godwit presets and
 * enabling the same rules at the same default severities, so `eslint` and `godwit lint`
 * report the same rule ids for a project whose godwit config uses that preset.
 *
 * Each is an array of two config objects:
 * - `.sql` files, in the `godwit/sql` language;
 * - JS/TS migrations (`MIGRATION_FILES`) in ESLint's JavaScript language, parsed with
 *   `@typescript-eslint/parser`. That parser is an optional peer dependency: without it, only
 *   `.js`/`.cjs`/`.mjs` migrations are covered (ESLint's default parser cannot read TypeScript).
 *   It is loaded when ESLint first parses a migration with it, not when a config is read, so a
 *   run over SQL files never loads TypeScript (~0.5 s).
 */
import { createRequire } from 'node:module';
import type { ESLint, Linter } from 'eslint';
import type { RuleDefinition, PresetName, Severity } from '../engine/types.js';

/** SQL migrations (and any other SQL file: a file outside a migration root is linted without history), as `godwit lint <dir>` finds them. */
export const SQL_FILES = ['**/*.sql'];

/** JS/TS migrations of knex, TypeORM (`src/migration/`), Sequelize, MikroORM, Kysely, node-pg-migrate. */
export const MIGRATION_FILES = ['**/{migrations,migration}/**/*.{js,cjs,mjs,ts,cts,mts}'];
const JS_ONLY_MIGRATION_FILES = ['**/{migrations,migration}/**/*.{js,cjs,mjs}'];
const IGNORES = ['**/*.d.ts', '**/*.d.cts', '**/*.d.mts'];

const RANK: Record<PresetName, number> = { recommended: 0, strict: 1, all: 2 };

/** A flat config object, as ESLint types it. */
export type FlatConfig = Linter.Config;

/** `godwit/<id>` → severity, for the rules a preset enables. */
export function presetRuleConfig(defs: readonly RuleDefinition[], preset: PresetName): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  for (const d of defs) if (RANK[d.preset] <= RANK[preset]) out[`godwit/${d.id}`] = d.severity;
  return out;
}

export function presetConfig(plugin: ESLint.Plugin, defs: readonly RuleDefinition[], preset: PresetName): FlatConfig[] {
  const rules = presetRuleConfig(defs, preset);
  const parser = typescriptParser();
  return [
    { name: `godwit/${preset}/sql`, files: SQL_FILES, plugins: { godwit: plugin }, language: 'godwit/sql', rules },
    {
      name: `godwit/${preset}/migrations`,
      files: parser ? MIGRATION_FILES : JS_ONLY_MIGRATION_FILES,
      ignores: IGNORES,
      plugins: { godwit: plugin },
      ...(parser ? { languageOptions: { parser } } : {}),
      rules,
    },
  ];
}

let installed: boolean | undefined;
let lazy: Linter.Parser | undefined;

/**
 * @typescript-eslint/parser if installed (null otherwise), as a parser that loads the real one
 * on its first parse. Its `meta` (name, version: what ESLint's `--cache` and `--print-config`
 * serialize) comes from its package.json.
 */
export function typescriptParser(): Linter.Parser | null {
  if (installed === undefined) {
    const require = createRequire(import.meta.url);
    let version: string | undefined;
    try {
      version = (require('@typescript-eslint/parser/package.json') as { version: string }).version;
      installed = true;
    } catch {
      installed = false;
    }
    if (installed) {
      type Real = { parseForESLint(code: string, options?: unknown): unknown };
      let real: Real | undefined;
      lazy = {
        meta: { name: '@typescript-eslint/parser', version },
        parseForESLint: (code: string, options?: unknown) => (real ??= require('@typescript-eslint/parser') as Real).parseForESLint(code, options),
      } as Linter.Parser;
    }
  }
  return installed ? lazy! : null;
}
