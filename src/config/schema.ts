/**
 * The one config schema. It validates config files at run time (`validateConfig`) and is
 * exported as a draft-07 JSON Schema (`configJsonSchema`, written to
 * schema/godwit.config.schema.json by scripts/gen-config-schema.mjs) for editor completion.
 */
import * as z from 'zod';
import { rules as builtinRules } from '../../rules/index.js';
import type { RuleDefinition } from '../engine/types.js';
import { ConfigError, formatIssues } from './errors.js';
import { CONFIG_DIALECTS, CONFIG_KEYS, CONFIG_PRESETS, CONFIG_RUNNERS, CONFIG_SEVERITIES, CONFIG_TRANSACTIONS, MYSQL_VERSION, SIZE_TEXT, type ConfigRuleSetting, type GodwitConfig } from './shape.js';

export * from './shape.js';

function buildSchema(ruleDefs: RuleDefinition[]) {
  const severity = z.enum(CONFIG_SEVERITIES).meta({
    id: 'Severity',
    description: '"off" disables the rule; "warn" reports it as a warning; "error" fails the run.',
  });
  const ruleOptions = z.record(z.string(), z.unknown()).meta({ description: 'Rule options.' });
  const ruleSetting = z
    .union([severity, z.tuple([severity, ruleOptions])])
    .meta({ id: 'RuleSetting', description: 'A severity, or [severity, options].' });

  const ruleShape: Record<string, z.ZodOptional<typeof ruleSetting>> = {};
  for (const rule of [...ruleDefs].sort((a, b) => a.id.localeCompare(b.id))) {
    const where = rule.preset === 'recommended' ? `"${rule.severity}" in recommended` : `"${rule.severity}" in ${rule.preset} (off in recommended)`;
    ruleShape[rule.id] = ruleSetting.optional().meta({
      description: `${rule.docs.summary.replace(/\.$/, '')}. Default: ${where}.`,
    });
  }

  const globs = (what: string) =>
    z.array(z.string().min(1)).meta({
      description: `Globs of files ${what}, relative to the config file's directory (a pattern that matches a directory covers everything under it).`,
    });

  return z
    .strictObject({
      $schema: z.string().optional().meta({ description: 'The JSON Schema of this file, for editors. Ignored by godwit.' }),
      pgVersion: z.int().min(9).max(99).optional().meta({
        description: 'The PostgreSQL major version the migrations run on (default 15). Rules that depend on the version use it.',
        default: 15,
        examples: [15, 16, 17],
      }),
      dialect: z.enum(CONFIG_DIALECTS).optional().meta({
        description:
          'The SQL dialect of the migrations: auto (the default) decides per file from the runner layout (pop *.mysql.up.sql, a mysql/ folder), the runner\'s configuration (Prisma provider, Drizzle dialect, Flyway url), then MySQL-only syntax; postgresql or mysql for every file.',
        default: 'auto',
      }),
      mysqlVersion: z
        .string()
        .regex(MYSQL_VERSION)
        .optional()
        .meta({
          description: 'The MySQL or MariaDB server the MySQL migrations run on, which picks the online-DDL matrix: 8.0 (the default: its latest release), 8.4, mariadb-10.11, mariadb-11.4, or a MySQL release such as 8.0.28.',
          default: '8.0',
          examples: ['8.0', '8.4', 'mariadb-10.11', 'mariadb-11.4', '8.0.28'],
        }),
      preset: z.enum(CONFIG_PRESETS).optional().meta({
        description: 'The rule preset: recommended (the default), strict (adds hygiene rules), or all.',
        default: 'recommended',
      }),
      rules: z.strictObject(ruleShape).optional().meta({
        description: 'Per-rule settings on top of the preset: rule id → "off" | "warn" | "error", or [severity, options].',
      }),
      runner: z.enum(CONFIG_RUNNERS).optional().meta({
        description: 'The migration runner, which decides file order and transaction wrapping (default auto: detected from the project).',
        default: 'auto',
      }),
      transaction: z.enum(CONFIG_TRANSACTIONS).optional().meta({
        description: 'How each file is wrapped in a transaction, overriding what the runner implies (default auto).',
        default: 'auto',
      }),
      lockTimeout: z.literal('runner').optional().meta({
        description: '"runner": the migration runner sets lock_timeout before each migration, so require-lock-timeout is satisfied.',
      }),
      include: globs('to lint').optional(),
      exclude: globs('not to lint').optional(),
      schema: z.string().min(1).optional().meta({
        description: "A pg_dump --schema-only file that seeds the schema catalog, relative to the config file's directory.",
      }),
      searchPath: z.array(z.string().min(1)).min(1).optional().meta({
        description:
          'The search_path of the connection the runner migrates with (default ["public"]): where unqualified table and index names are looked up, and where new objects are created.',
        examples: [['app', 'public']],
      }),
      stats: z.string().min(1).optional().meta({
        description:
          "A table-sizes file (JSON rows, bytes per table: the query in docs/table-sizes.md produces it), relative to the config file's directory: findings give durations, and findings on small tables are warnings.",
      }),
      smallTable: z
        .union([z.number().min(0), z.string().regex(SIZE_TEXT, 'a size such as "10MB"')])
        .optional()
        .meta({ description: 'With table sizes: findings on tables smaller than this are warnings, not errors (a number of bytes, or "512kB", "10MB", "1GB"; default "10MB").', default: '10MB' }),
    })
    .meta({
      title: 'godwit configuration',
      description: 'Configuration for godwit, the PostgreSQL migration linter.',
    });
}

const schema = buildSchema(builtinRules);
const ruleIds = builtinRules.map((r) => r.id).sort();

// The schema's output type must fit the documented interface (rule entries left undefined
// by a JS config are dropped by validateConfig).
type Out = z.output<typeof schema>;
type _Fits = Omit<Out, 'rules'> extends Omit<GodwitConfig, 'rules'>
  ? NonNullable<Out['rules']>[string] extends ConfigRuleSetting | undefined
    ? true
    : never
  : never;
const _fits: _Fits = true;
void _fits;

/** The config schema as a draft-07 JSON Schema (what editors and SchemaStore read). */
export const configJsonSchema: Record<string, unknown> = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' });

/**
 * Validate a parsed config. `file` names the source in messages; `keyPrefix` is prepended
 * to key paths (`godwit` for a package.json key). Throws ConfigError listing every problem.
 */
export function validateConfig(value: unknown, file: string, keyPrefix?: string): GodwitConfig {
  const result = schema.safeParse(value);
  if (result.success) {
    const config = result.data as GodwitConfig;
    if (config.rules) {
      for (const [id, setting] of Object.entries(config.rules)) if (setting === undefined) delete config.rules[id];
    }
    return config;
  }
  const problems = formatIssues(result.error.issues, value, {
    keyPrefix,
    ruleIds,
    topKeys: CONFIG_KEYS,
  });
  throw new ConfigError(file, problems);
}
