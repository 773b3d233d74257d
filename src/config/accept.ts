/**
 * The config schema's verdict on the configs people write, without loading zod (~150 ms of a
 * run: the library and the schema built on it). `acceptedAsIs` returns what `validateConfig`
 * (schema.ts) would return for a value it can vouch for — every key known, every value of the
 * simple kinds the schema allows — and undefined for anything else, which the schema then
 * validates and words the errors of. It never accepts what the schema refuses:
 * test/config-accept.test.ts compares the two on generated configs, valid and not.
 */
import { rules } from '../../rules/index.js';
import { CONFIG_DIALECTS, CONFIG_KEYS, CONFIG_PRESETS, CONFIG_RUNNERS, CONFIG_SEVERITIES, CONFIG_TRANSACTIONS, MYSQL_VERSION, SIZE_TEXT, type GodwitConfig } from './shape.js';

const RULE_IDS = new Set(rules.map((r) => r.id));
/** the schema's order of rule ids (its shape is built sorted this way) */
const byRuleId = (a: string, b: string): number => a.localeCompare(b);

const oneOf =
  (values: readonly string[]) =>
  (v: unknown): boolean =>
    typeof v === 'string' && values.includes(v);
const text = (v: unknown): v is string => typeof v === 'string';
const nonEmpty = (v: unknown): boolean => text(v) && v.length > 0;
const texts = (v: unknown): boolean => Array.isArray(v) && v.every(nonEmpty);

/** A plain object (from JSON, TOML or an object literal) with no `__proto__` key of its own. */
function plain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !Object.prototype.hasOwnProperty.call(v, '__proto__');
}

const severity = oneOf(CONFIG_SEVERITIES);

/** JSON-like data only (what a config from a file holds): copied as it is. */
function data(v: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => x !== undefined && data(x, depth + 1));
  return plain(v) && Object.values(v).every((x) => x !== undefined && data(x, depth + 1));
}

const CHECKS: Record<(typeof CONFIG_KEYS)[number], (v: unknown) => boolean> = {
  $schema: text,
  pgVersion: (v) => Number.isSafeInteger(v) && (v as number) >= 9 && (v as number) <= 99,
  dialect: oneOf(CONFIG_DIALECTS),
  mysqlVersion: (v) => text(v) && MYSQL_VERSION.test(v),
  preset: oneOf(CONFIG_PRESETS),
  rules: (v) =>
    plain(v) &&
    Object.entries(v).every(([id, setting]) => RULE_IDS.has(id) && (severity(setting) || (Array.isArray(setting) && setting.length === 2 && severity(setting[0]) && plain(setting[1]) && data(setting[1])))),
  runner: oneOf(CONFIG_RUNNERS),
  transaction: oneOf(CONFIG_TRANSACTIONS),
  lockTimeout: (v) => v === 'runner',
  include: texts,
  exclude: texts,
  schema: nonEmpty,
  searchPath: (v) => texts(v) && (v as string[]).length > 0,
  stats: nonEmpty,
  smallTable: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0) || (text(v) && SIZE_TEXT.test(v)),
};

/** The config `validateConfig` would return for `value`, when it certainly accepts it; else undefined. */
export function acceptedAsIs(value: unknown): GodwitConfig | undefined {
  if (!plain(value)) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const check = (CHECKS as Record<string, ((v: unknown) => boolean) | undefined>)[key];
    if (!check || !Object.prototype.hasOwnProperty.call(CHECKS, key) || !check(v)) return undefined;
  }
  // a copy, in the schema's key order (as its parse returns it)
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const v = value[key];
    if (key === 'rules') {
      const rulesIn = v as Record<string, unknown>;
      const rulesOut: Record<string, unknown> = {};
      for (const id of Object.keys(rulesIn).sort(byRuleId)) rulesOut[id] = structuredClone(rulesIn[id]);
      out.rules = rulesOut;
    } else {
      out[key] = structuredClone(v);
    }
  }
  return out as GodwitConfig;
}
