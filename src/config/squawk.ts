/**
 * `.squawk.toml`, read when no godwit config applies (docs/squawk.md): a project coming from
 * squawk keeps its settings. Parsed with smol-toml (a TOML 1.0 parser), then translated:
 *
 *   pg_version = "13.0"               → pgVersion: 13
 *   assume_in_transaction = true      → transaction: "file" (the runner wraps each file)
 *   excluded_rules = ["ban-drop-column"]   → rules: { "no-drop-column": "off" }
 *   included_rules = ["require-timeout-settings"] → those rules on ("warn")
 *   excluded_paths = ["legacy/*.sql"] → exclude (globs relative to the file's folder)
 *
 * Other keys (upload_to_github, …) concern squawk's own GitHub integration and are ignored.
 * A rule name squawk does not have is an error, with the closest name suggested.
 */
import { parse, TomlError } from 'smol-toml';
import { ConfigError } from './errors.js';
import { godwitRulesForSquawk, SQUAWK_RULE_NAMES } from '../engine/squawk-rules.js';
import { closest } from '../engine/rule-names.js';
import type { GodwitConfig } from './schema.js';

export const SQUAWK_CONFIG_NAME = '.squawk.toml';

/** A `.squawk.toml`'s text as a godwit config (not yet validated). */
export function squawkToGodwit(text: string, display: string): GodwitConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) throw new ConfigError(display, `invalid TOML: ${e.message.split('\n')[0]}`, { line: e.line, column: e.column, cause: e });
    throw e;
  }
  const problems: string[] = [];
  const config: GodwitConfig = {};
  const strings = (key: string): string[] => {
    const v = doc[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      problems.push(`"${key}" must be a list of strings`);
      return [];
    }
    return v as string[];
  };
  if (doc.pg_version !== undefined) {
    const major = typeof doc.pg_version === 'string' || typeof doc.pg_version === 'number' ? Number.parseInt(String(doc.pg_version), 10) : NaN;
    if (Number.isInteger(major) && major >= 9 && major <= 99) config.pgVersion = major;
    else problems.push(`"pg_version" must be a PostgreSQL version such as "15.0" (got ${JSON.stringify(doc.pg_version)})`);
  }
  if (doc.assume_in_transaction !== undefined) {
    if (typeof doc.assume_in_transaction !== 'boolean') problems.push('"assume_in_transaction" must be true or false');
    else if (doc.assume_in_transaction) config.transaction = 'file';
  }
  const rules: NonNullable<GodwitConfig['rules']> = {};
  const mapped = (key: string, setting: 'off' | 'warn'): void => {
    for (const name of strings(key)) {
      const ids = godwitRulesForSquawk(name);
      if (ids === undefined) {
        const near = closest(name, SQUAWK_RULE_NAMES);
        problems.push(`unknown squawk rule "${name}" in "${key}"${near ? `; did you mean "${near}"?` : ''}`);
        continue;
      }
      for (const id of ids) rules[id] = setting;
    }
  };
  mapped('included_rules', 'warn');
  mapped('excluded_rules', 'off');
  if (Object.keys(rules).length) config.rules = rules;
  const excluded = strings('excluded_paths');
  if (excluded.length) config.exclude = excluded;
  if (problems.length) throw new ConfigError(display, problems);
  return config;
}
