/**
 * The config's keys, their allowed values and its TypeScript type, without zod: the schema
 * (schema.ts) is built from these, and accept.ts checks the common configs against them
 * without loading zod.
 */
import type { PresetName, RuleSetting } from '../engine/types.js';
import { RUNNERS } from '../sources/types.js';

export const CONFIG_PRESETS = ['recommended', 'strict', 'all'] as const satisfies readonly PresetName[];
export const CONFIG_SEVERITIES = ['off', 'warn', 'error'] as const satisfies readonly RuleSetting[];
/** `auto` (detect the runner from the project layout), or a runner (src/sources) */
export const CONFIG_RUNNERS = ['auto', ...RUNNERS] as const;
export const CONFIG_TRANSACTIONS = ['auto', 'none', 'file', 'all', 'implicit'] as const;

export const CONFIG_DIALECTS = ['auto', 'postgresql', 'mysql'] as const;
export type ConfigDialect = (typeof CONFIG_DIALECTS)[number];

export type ConfigRunner = (typeof CONFIG_RUNNERS)[number];
export type ConfigTransaction = (typeof CONFIG_TRANSACTIONS)[number];
export type ConfigRuleSetting = RuleSetting | [RuleSetting, Record<string, unknown>];

/** A godwit config file's contents (all keys optional; unknown keys are errors). */
export interface GodwitConfig {
  /** JSON Schema reference for editors; ignored */
  $schema?: string;
  /** PostgreSQL major version the migrations run on (default 15) */
  pgVersion?: number;
  /** the SQL dialect of the migrations (default `auto`: per file, from the layout, the runner's configuration, then the syntax) */
  dialect?: ConfigDialect;
  /** the MySQL or MariaDB server MySQL migrations run on (default `8.0`): picks the online-DDL matrix */
  mysqlVersion?: string;
  /** rule preset (default `recommended`) */
  preset?: PresetName;
  /** per-rule overrides: rule id → severity, or [severity, options] */
  rules?: Record<string, ConfigRuleSetting>;
  /** migration runner (default `auto`: detected from the project layout) */
  runner?: ConfigRunner;
  /** how files are wrapped in transactions (default `auto`: what the runner does) */
  transaction?: ConfigTransaction;
  /** `"runner"`: the runner sets lock_timeout, so require-lock-timeout is satisfied */
  lockTimeout?: 'runner';
  /** globs of files to lint, relative to the config file's directory */
  include?: string[];
  /** globs of files not to lint, relative to the config file's directory */
  exclude?: string[];
  /** a `pg_dump --schema-only` file seeding the catalog, relative to the config file's directory */
  schema?: string;
  /** the search_path the runner's connection has (default ["public"]) */
  searchPath?: string[];
  /** a table-sizes file (docs/table-sizes.md), relative to the config file's directory */
  stats?: string;
  /** with table sizes: findings on tables smaller than this are warnings (default "10MB") */
  smallTable?: string | number;
}

/** The keys a config may have, in documentation order. */
export const CONFIG_KEYS = [
  '$schema',
  'pgVersion',
  'dialect',
  'mysqlVersion',
  'preset',
  'rules',
  'runner',
  'transaction',
  'lockTimeout',
  'include',
  'exclude',
  'schema',
  'searchPath',
  'stats',
  'smallTable',
] as const satisfies ReadonlyArray<keyof GodwitConfig>;

/** Type-checks a config written in JS/TS (`export default defineConfig({ … })`). */
export function defineConfig(config: GodwitConfig): GodwitConfig {
  return config;
}

/** mysqlVersion: the servers whose online-DDL matrix godwit has */
export const MYSQL_VERSION = /^(8\.0|8\.4|mariadb-10\.11|mariadb-11\.4|8\.0\.\d{1,2}|8\.4\.\d{1,2})$/;
/** smallTable as text: a size such as "10MB" */
export const SIZE_TEXT = /^\s*\d+(\.\d+)?\s*(b|bytes?|kb|mb|gb|tb)?\s*$/i;
