/** ConfigError and the messages for invalid config: file, key path, what was given, what is allowed. */
import { closest } from '../engine/rule-names.js';
import type * as z from 'zod';

/** An unreadable or invalid config file. The CLI prints `message` and exits 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** the config file as shown in messages */
  readonly file: string;
  /** one line per problem, without the file prefix */
  readonly problems: string[];
  /** 1-based position of a syntax error, when known */
  readonly line?: number;
  readonly column?: number;

  constructor(file: string, problems: string | string[], options: { line?: number; column?: number; cause?: unknown } = {}) {
    const list = Array.isArray(problems) ? problems : [problems];
    const where = options.line !== undefined ? `${file}:${options.line}:${options.column ?? 1}` : file;
    super(list.map((p) => `${where}: ${p}`).join('\n'), options.cause !== undefined ? { cause: options.cause } : undefined);
    this.file = file;
    this.problems = list;
    if (options.line !== undefined) {
      this.line = options.line;
      this.column = options.column ?? 1;
    }
  }
}

type Path = ReadonlyArray<PropertyKey>;

export interface FormatContext {
  /** prepended to key paths, e.g. `godwit` for package.json */
  keyPrefix?: string;
  ruleIds: readonly string[];
  topKeys: readonly string[];
}

/** A value as shown after "got". */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return String(value);
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = Object.prototype.toString.call(value);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function keyPath(prefix: string | undefined, path: Path): string {
  let out = prefix ?? '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function subject(ctx: FormatContext, path: Path): string {
  const k = keyPath(ctx.keyPrefix, path);
  return k ? `"${k}"` : 'the config';
}

function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

const oneOf = (values: readonly unknown[]) =>
  values.length === 1 ? `must be ${JSON.stringify(values[0])}` : `must be one of ${values.map(String).join(', ')}`;

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  tuple: 'an array',
};

/** Messages for specific keys, whatever the failure (path without the prefix). */
function keyMessage(path: Path): string | undefined {
  const [top, index] = path;
  if (top === 'pgVersion' && path.length === 1) return 'must be a PostgreSQL major version: an integer from 9 to 99';
  if ((top === 'include' || top === 'exclude') && path.length === 1) return 'must be an array of glob strings';
  if ((top === 'include' || top === 'exclude') && typeof index === 'number' && path.length === 2) return 'must be a non-empty glob string';
  if (top === 'schema' && path.length === 1) return 'must be a non-empty path to a pg_dump --schema-only file';
  if (top === 'rules' && path.length === 1) return 'must be an object mapping rule ids to "off", "warn", "error" or [severity, options]';
  if (top === 'rules' && path.length === 3 && path[2] === 1) return 'must be an object of rule options';
  if (path.length === 0) return 'must be an object';
  return undefined;
}

const RULE_SETTING = 'must be "off", "warn" or "error", or [severity, options]';

/** Turn zod issues into one line per problem (no file prefix). */
export function formatIssues(issues: readonly z.core.$ZodIssue[], root: unknown, ctx: FormatContext, base: Path = []): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path: Path = [...base, ...issue.path];
    const value = valueAt(root, path);
    const who = subject(ctx, path);
    const got = ` (got ${show(value)})`;
    switch (issue.code) {
      case 'unrecognized_keys': {
        for (const key of issue.keys) {
          if (path.length === 1 && path[0] === 'rules') {
            const near = closest(key, ctx.ruleIds);
            out.push(
              `unknown rule "${key}" in ${who}` +
                (near ? `; did you mean "${near}"?` : ` (run 'godwit rules' to list the rule ids)`),
            );
          } else {
            const near = closest(key, ctx.topKeys);
            const where = path.length ? ` in ${who}` : '';
            out.push(
              `unknown key "${key}"${where}` + (near ? `; did you mean "${near}"?` : ` (allowed keys: ${ctx.topKeys.join(', ')})`),
            );
          }
        }
        break;
      }
      case 'invalid_union': {
        // The only union is a rule setting: severity | [severity, options].
        if (typeof value === 'string') {
          out.push(`${who} must be one of off, warn, error${got}`);
        } else if (Array.isArray(value) && issue.errors.length) {
          // the branch that accepts arrays: no type or value mismatch at its own root
          const branch = issue.errors.find(
            (errs) => !errs.some((e) => (e.code === 'invalid_type' || e.code === 'invalid_value') && e.path.length === 0),
          );
          if (branch) out.push(...formatIssues(branch, root, ctx, path));
          else out.push(`${who} ${RULE_SETTING}${got}`);
        } else {
          out.push(`${who} ${RULE_SETTING}${got}`);
        }
        break;
      }
      case 'too_big':
      case 'too_small': {
        if (issue.origin === 'array' && path[0] === 'rules' && path.length === 2) {
          out.push(`${who} must be a [severity, options] pair${got}`);
          break;
        }
        const special = keyMessage(path);
        if (special) {
          out.push(`${who} ${special}${got}`);
          break;
        }
        if (issue.origin === 'string' && issue.code === 'too_small') out.push(`${who} must not be empty`);
        else out.push(`${who}: ${issue.message}${got}`);
        break;
      }
      case 'invalid_value': {
        out.push(`${who} ${oneOf(issue.values)}${got}`);
        break;
      }
      case 'invalid_type': {
        const special = keyMessage(path);
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        out.push(`${who} ${special ?? `must be ${expected}`}${got}`);
        break;
      }
      default:
        out.push(`${who}: ${issue.message}${got}`);
    }
  }
  return out;
}


export { closest };
