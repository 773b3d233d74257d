/**
 * Static values of schema-builder arguments: what `queryInterface.addIndex('users', ['email'],
 * { unique: true })` passes, read from the AST without running the file. Literals, arrays,
 * objects, `const` values of the same file, string concatenation and templates (strings.ts),
 * and symbolic references the translators understand (`Sequelize.STRING(255)`,
 * `knex.raw('now()')`, `pgm.func('now()')`, `new TableIndex({…})`, Kysely's sql`…`). Anything
 * else is `unknown`, with the reason — a translator that needs it gives up on the call
 * (`Untranslatable`), which rule dynamic-sql then reports at the call.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { keyName, resolveBinding, snippet, unwrap, type Node } from '../ast.js';
import { describeUnknown, evaluate, MappedBuilder, whyUnknown } from '../strings.js';

export type Value =
  | { t: 'str'; v: string; node: Node }
  | { t: 'num'; v: number; node: Node }
  | { t: 'bool'; v: boolean; node: Node }
  | { t: 'null'; node: Node }
  | { t: 'undef'; node: Node }
  | { t: 'arr'; items: Value[]; node: Node }
  /** an object literal; keys of computed members are `[path]` (`[Op.is]` → `[Sequelize.Op.is]`) */
  | { t: 'obj'; props: Map<string, Value>; node: TSESTree.ObjectExpression }
  /** a name the file does not define as a value: `Sequelize.STRING`, `Op.is` (its canonical path) */
  | { t: 'ref'; path: string; node: Node }
  /** a call or `new`: `Sequelize.STRING(255)`, `knex.raw('now()')`, `new:TableIndex` */
  | { t: 'call'; path: string; args: Value[]; node: Node }
  | { t: 'fn'; node: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration }
  /** a Kysely / TypeORM `sql` tagged template with nothing unknown in it */
  | { t: 'sql'; text: string; node: Node }
  | { t: 'unknown'; why: string; node: Node };

/** A builder call godwit recognises but cannot translate; `reason` says what is unknown. */
export class Untranslatable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ValueEnv {
  text: string;
  program: TSESTree.Program;
  /** the canonical path of an expression (runner roles resolved: `$0.schema`, `$1.STRING`) */
  path(n: Node): string | undefined;
}

/** The static value of an expression. */
export function valueOf(n: Node, env: ValueEnv, depth = 0): Value {
  const u = unwrap(n);
  if (depth > 20) return { t: 'unknown', why: 'constants nest too deeply', node: u };
  switch (u.type) {
    case 'Literal':
      if (typeof u.value === 'string') return { t: 'str', v: u.value, node: u };
      if (typeof u.value === 'number') return { t: 'num', v: u.value, node: u };
      if (typeof u.value === 'boolean') return { t: 'bool', v: u.value, node: u };
      if (u.value === null && !('regex' in u && u.regex)) return { t: 'null', node: u };
      if (typeof u.value === 'bigint') return { t: 'num', v: Number(u.value), node: u };
      return { t: 'unknown', why: `\`${snippet(env.text, u, 40)}\` is not a plain value`, node: u };
    case 'UnaryExpression':
      if (u.operator === '-' && u.argument.type === 'Literal' && typeof u.argument.value === 'number') return { t: 'num', v: -u.argument.value, node: u };
      if (u.operator === '!' && u.argument.type === 'Literal' && typeof u.argument.value === 'number') return { t: 'bool', v: !u.argument.value, node: u };
      break;
    case 'TemplateLiteral':
    case 'BinaryExpression':
      return stringValue(u, env);
    case 'Identifier': {
      if (u.name === 'undefined') return { t: 'undef', node: u };
      const b = resolveBinding(u, env.program);
      if (b?.kind === 'const') return valueOf(b.init, env, depth + 1);
      if (b?.kind === 'function') return { t: 'fn', node: b.fn as TSESTree.FunctionDeclaration };
      const p = env.path(u);
      // a runner role (`Sequelize`, the second parameter), a name from another module, or a
      // namespace the file does not define (`Sequelize`, `DataTypes`, `Op`): the translators
      // know some of their members; a global value (`process`) is unknown
      if (p && (p.startsWith('$') || b?.kind === 'import' || b?.kind === 'destructured' || (!b && /^[A-Z]/.test(u.name)))) return { t: 'ref', path: p, node: u };
      return { t: 'unknown', why: whyUnknown(u, b), node: u };
    }
    case 'MemberExpression': {
      const p = env.path(u);
      if (p && !u.computed) {
        // a constant object's property: `const OPTS = { unique: true }; OPTS.unique`
        const obj = valueOf(u.object as Node, env, depth + 1);
        if (obj.t === 'obj' && u.property.type === 'Identifier') return obj.props.get(u.property.name) ?? { t: 'undef', node: u };
        if (obj.t === 'ref' || obj.t === 'call') return { t: 'ref', path: p, node: u };
        if (obj.t === 'unknown' && !p.startsWith('$')) return { t: 'unknown', why: describeUnknown(env.text, u), node: u };
      }
      return { t: 'unknown', why: describeUnknown(env.text, u), node: u };
    }
    case 'ArrayExpression': {
      const items: Value[] = [];
      for (const e of u.elements) {
        if (!e) return { t: 'unknown', why: 'the array has a hole', node: u };
        if (e.type === 'SpreadElement') return { t: 'unknown', why: `\`${snippet(env.text, e, 40)}\` spreads an array godwit cannot see`, node: u };
        items.push(valueOf(e as Node, env, depth + 1));
      }
      return { t: 'arr', items, node: u };
    }
    case 'ObjectExpression': {
      const props = new Map<string, Value>();
      for (const p of u.properties) {
        if (p.type === 'SpreadElement') {
          const spread = valueOf(p.argument as Node, env, depth + 1);
          if (spread.t === 'obj') {
            for (const [k, v] of spread.props) props.set(k, v);
            continue;
          }
          return { t: 'unknown', why: `\`${snippet(env.text, p, 40)}\` spreads options godwit cannot see`, node: u };
        }
        let key = keyName(p.key as Node, p.computed);
        if (key === undefined && p.computed) {
          const k = valueOf(p.key as Node, env, depth + 1);
          key = k.t === 'str' ? k.v : k.t === 'ref' ? `[${k.path}]` : undefined;
        }
        if (key === undefined && p.key.type === 'Literal') key = String(p.key.value);
        if (key === undefined) return { t: 'unknown', why: `the key \`${snippet(env.text, p.key as Node, 40)}\` is computed at run time`, node: u };
        if (p.kind !== 'init') return { t: 'unknown', why: `\`${key}\` is a getter or setter`, node: u };
        props.set(key, p.method ? { t: 'fn', node: p.value as TSESTree.FunctionExpression } : valueOf(p.value as Node, env, depth + 1));
      }
      return { t: 'obj', props, node: u };
    }
    case 'CallExpression':
    case 'NewExpression': {
      const callee = unwrap(u.callee as Node);
      const p = env.path(callee) ?? (callee.type === 'Identifier' ? callee.name : undefined);
      if (!p) return { t: 'unknown', why: describeUnknown(env.text, u), node: u };
      if (u.arguments.some((a) => a.type === 'SpreadElement')) return { t: 'unknown', why: `\`${snippet(env.text, u, 40)}\` spreads its arguments`, node: u };
      // a helper function of this file returning a value: unknown (it may compute anything)
      if (callee.type === 'Identifier') {
        const b = resolveBinding(callee, env.program);
        if (b && b.kind !== 'import' && !(b.kind === 'destructured')) return { t: 'unknown', why: describeUnknown(env.text, u), node: u };
      }
      return { t: 'call', path: u.type === 'NewExpression' ? `new:${p}` : p, args: u.arguments.map((a) => valueOf(a as Node, env, depth + 1)), node: u };
    }
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return { t: 'fn', node: u };
    case 'TaggedTemplateExpression': {
      const tag = env.path(u.tag as Node);
      if (tag === 'sql' || tag?.endsWith('.sql')) {
        const b = new MappedBuilder(env.text, env.program);
        evaluate(b, u, 'kysely');
        if (b.placeholders.length) return { t: 'unknown', why: b.reasons[0], node: u };
        return { t: 'sql', text: b.text, node: u };
      }
      return stringValue(u, env);
    }
  }
  return { t: 'unknown', why: describeUnknown(env.text, u), node: u };
}

/** A string built from literals, templates, `+` and constants (strings.ts), or unknown. */
function stringValue(n: Node, env: ValueEnv): Value {
  const b = new MappedBuilder(env.text, env.program);
  evaluate(b, n, 'text');
  if (b.placeholders.length) return { t: 'unknown', why: b.reasons[0], node: n };
  if (n.type === 'BinaryExpression' && /^-?\d+(\.\d+)?$/.test(b.text) && !b.map.quotes.length) return { t: 'num', v: Number(b.text), node: n };
  return { t: 'str', v: b.text, node: n };
}

/** What a value is, for messages: "`tableName` is a parameter of the function". */
export function unknownWhy(v: Value, text: string): string {
  if (v.t === 'unknown') return v.why;
  return `\`${snippet(text, v.node as Node, 40)}\` is not a value godwit reads here`;
}

// ---- assertions used by the translators (they throw Untranslatable) ----

/** The plain JS value of a static literal, object or array (a JSON default). */
export function plainValue(v: Value, text: string): unknown {
  switch (v.t) {
    case 'str':
    case 'num':
    case 'bool':
      return v.v;
    case 'null':
      return null;
    case 'arr':
      return v.items.map((x) => plainValue(x, text));
    case 'obj':
      return Object.fromEntries([...v.props].map(([k, x]) => [k, plainValue(x, text)]));
    default:
      throw new Untranslatable(`\`${snippet(text, v.node as Node, 40)}\` is not a JSON value godwit reads`);
  }
}

export function str(v: Value | undefined, what: string, text: string): string {
  if (v?.t === 'str') return v.v;
  if (!v || v.t === 'undef') throw new Untranslatable(`${what} is missing`);
  throw new Untranslatable(`${what}: ${unknownWhy(v, text)}`);
}

export function optStr(v: Value | undefined, what: string, text: string): string | undefined {
  return v === undefined || v.t === 'undef' || v.t === 'null' ? undefined : str(v, what, text);
}

export function bool(v: Value | undefined, what: string, text: string): boolean {
  if (v === undefined || v.t === 'undef') return false;
  if (v.t === 'bool') return v.v;
  if (v.t === 'null') return false;
  if (v.t === 'num') return v.v !== 0;
  if (v.t === 'str') return v.v !== '';
  throw new Untranslatable(`${what}: ${unknownWhy(v, text)}`);
}

export function num(v: Value | undefined, what: string, text: string): number | undefined {
  if (v === undefined || v.t === 'undef' || v.t === 'null') return undefined;
  if (v.t === 'num') return v.v;
  if (v.t === 'str' && /^\d+$/.test(v.v)) return Number(v.v);
  throw new Untranslatable(`${what}: ${unknownWhy(v, text)}`);
}

export function obj(v: Value | undefined, what: string, text: string): Map<string, Value> {
  if (v === undefined || v.t === 'undef' || v.t === 'null') return new Map();
  if (v.t === 'obj') return v.props;
  throw new Untranslatable(`${what}: ${unknownWhy(v, text)}`);
}

/** A string or an array of strings (as `toArray` in the tools). */
export function strs(v: Value | undefined, what: string, text: string): string[] {
  if (v?.t === 'arr') return v.items.map((x) => str(x, what, text));
  return [str(v, what, text)];
}

/** Reject options the translation does not know (they would change the SQL). */
export function onlyKeys(props: Map<string, Value>, known: readonly string[], what: string): void {
  for (const k of props.keys()) if (!known.includes(k)) throw new Untranslatable(`${what} option \`${k}\` is not translated by godwit`);
}

/** `"name"` with embedded quotes doubled: a PostgreSQL quoted identifier. */
export function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** `'text'` with embedded quotes doubled: a PostgreSQL string literal. */
export function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The last segment of a canonical path: `$1.STRING` → `STRING`. */
export function lastName(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}
