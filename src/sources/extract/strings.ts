/**
 * Static evaluation of the SQL argument of a call, character-exact: string literals, template
 * literals, `+` concatenation, and constants of the same module. The result is the text the
 * runner sends (escapes decoded, template CRLF normalised to LF) with, for every UTF-16 unit,
 * the range of raw source characters it came from (FragmentMap). Values that cannot be known
 * statically become placeholders.
 *
 * Escapes are decoded from the source text itself (not the AST's `raw`, which has CRLF already
 * normalised), then checked against the parser's cooked value.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { memberPath, resolveBinding, snippet, unwrap, type Node } from './ast.js';
import type { FragmentMap, Placeholder } from './types.js';

export const KIND_CHAR = 0;
export const KIND_ESCAPE = 1;
export const KIND_PLACEHOLDER = 2;
export const KIND_CONST = 3;

/** How interpolations become SQL: spliced as text, or sent as bind parameters (`sql` tags). */
export type TagMode = 'text' | 'kysely' | 'params';

export class MappedBuilder {
  text = '';
  readonly map: FragmentMap = { rawStart: [], rawEnd: [], group: [], kind: [], literal: [], quotes: [] };
  readonly placeholders: Placeholder[] = [];
  /** why each placeholder's value is unknown, parallel to `placeholders` */
  readonly reasons: string[] = [];
  private nextGroup = 0;
  private params = 0;

  constructor(
    readonly source: string,
    readonly program: TSESTree.Program,
  ) {}

  group(): number {
    return this.nextGroup++;
  }

  push(s: string, rawStart: number, rawEnd: number, kind: number, group: number, literal: number): void {
    for (let k = 0; k < s.length; k++) {
      this.map.rawStart.push(rawStart);
      this.map.rawEnd.push(rawEnd);
      this.map.group.push(group);
      this.map.kind.push(kind);
      this.map.literal.push(literal);
    }
    this.text += s;
  }

  placeholder(expr: Node, range: [number, number], reason: string, mode: TagMode): void {
    const n = this.placeholders.length + 1;
    const stand = mode === 'text' ? `__godwit_${n}__` : `$${++this.params}`;
    const start = this.text.length;
    this.push(stand, range[0], range[1], KIND_PLACEHOLDER, this.group(), -1);
    const e = snippet(this.source, expr);
    this.placeholders.push({ start, end: this.text.length, expr: e, range, text: stand, shown: `\${${e}}` });
    this.reasons.push(reason);
  }

  /** true when the text has something besides placeholders and white space */
  hasStaticSql(): boolean {
    for (let i = 0; i < this.text.length; i++) {
      if (this.map.kind[i] !== KIND_PLACEHOLDER && !/\s/.test(this.text[i])) return true;
    }
    return false;
  }
}

/**
 * Replace ranges of a built text by placeholders (Sequelize `replacements`, substituted by the
 * client before the query is sent). Ranges are [start, end) in `b.text`, sorted, not overlapping.
 */
export function substitute(b: MappedBuilder, ranges: Array<{ start: number; end: number; shown: string; expr: string }>, by = 'Sequelize'): MappedBuilder {
  if (ranges.length === 0) return b;
  const out = new MappedBuilder(b.source, b.program);
  out.map.quotes.push(...b.map.quotes);
  const copy = (from: number, to: number): void => {
    for (let i = from; i < to; i++) out.push(b.text[i], b.map.rawStart[i], b.map.rawEnd[i], b.map.kind[i], b.map.group[i] + 1_000_000, b.map.literal[i]);
  };
  const moved = (at: number): number => {
    let delta = 0;
    for (const r of ranges) if (r.end <= at) delta += `__godwit_r${ranges.indexOf(r) + 1}__`.length - (r.end - r.start);
    return at + delta;
  };
  let at = 0;
  ranges.forEach((r, k) => {
    copy(at, r.start);
    const stand = `__godwit_r${k + 1}__`;
    const start = out.text.length;
    out.push(stand, b.map.rawStart[r.start], b.map.rawEnd[r.end - 1], KIND_PLACEHOLDER, out.group(), -1);
    out.placeholders.push({ start, end: out.text.length, expr: r.expr, range: [b.map.rawStart[r.start], b.map.rawEnd[r.end - 1]], text: stand, shown: r.shown });
    out.reasons.push(`${r.shown} is replaced by ${by} at run time`);
    at = r.end;
  });
  copy(at, b.text.length);
  const all = [...out.placeholders.map((p, i) => ({ p, why: out.reasons[i] })), ...b.placeholders.map((p, i) => ({ p: { ...p, start: moved(p.start), end: moved(p.end) }, why: b.reasons[i] }))];
  all.sort((x, y) => x.p.start - y.p.start);
  out.placeholders.length = 0;
  out.reasons.length = 0;
  for (const { p, why } of all) {
    out.placeholders.push(p);
    out.reasons.push(why);
  }
  return out;
}

/**
 * Append the value of `expr` (a SQL argument) to `b`. Unknown parts become placeholders;
 * returns false when nothing at all could be read (the caller reports a dynamic call).
 */
export function evaluate(b: MappedBuilder, expr: Node, mode: TagMode = 'text', depth = 0): boolean {
  const n = unwrap(expr);
  if (depth > 25) {
    b.placeholder(n, n.range, 'constants nest too deeply', mode);
    return true;
  }
  switch (n.type) {
    case 'Literal':
      if (typeof n.value === 'string') {
        stringLiteral(b, n);
        return true;
      }
      if (typeof n.value === 'number' || typeof n.value === 'boolean' || typeof n.value === 'bigint') {
        b.push(String(n.value), n.range[0], n.range[1], KIND_CONST, b.group(), -1);
        return true;
      }
      break;
    case 'TemplateLiteral':
      return templateLiteral(b, n, mode, depth);
    case 'TaggedTemplateExpression': {
      const tag = memberPath(n.tag);
      if (tag === 'String.raw') return templateLiteral(b, n.quasi, mode, depth, true);
      if (tag === 'sql' || tag?.endsWith('.sql')) return templateLiteral(b, n.quasi, tag === 'sql' ? 'kysely' : 'params', depth);
      break;
    }
    case 'BinaryExpression':
      if (n.operator === '+') {
        evaluate(b, n.left as Node, mode, depth + 1);
        evaluate(b, n.right, mode, depth + 1);
        return true;
      }
      break;
    case 'Identifier': {
      const binding = resolveBinding(n, b.program);
      if (binding?.kind === 'const') return evaluate(b, binding.init, mode, depth + 1);
      b.placeholder(n, n.range, whyUnknown(n, binding), mode);
      return true;
    }
  }
  b.placeholder(n, n.range, describeUnknown(b.source, n), mode);
  return true;
}

export function whyUnknown(n: TSESTree.Identifier, binding: ReturnType<typeof resolveBinding>): string {
  if (!binding) return `\`${n.name}\` is not defined in this file`;
  switch (binding.kind) {
    case 'param':
      return `\`${n.name}\` is a parameter of the function`;
    case 'import':
      return `\`${n.name}\` is imported from '${binding.source}'`;
    case 'function':
      return `\`${n.name}\` is a function`;
    case 'other':
      return binding.why;
    default:
      return `\`${n.name}\` is not a constant`;
  }
}

export function describeUnknown(source: string, n: Node): string {
  switch (n.type) {
    case 'CallExpression':
      return `\`${snippet(source, n, 40)}\` is computed at run time`;
    case 'MemberExpression':
      return `\`${snippet(source, n, 40)}\` is read at run time`;
    case 'ConditionalExpression':
    case 'LogicalExpression':
      return `\`${snippet(source, n, 40)}\` depends on a run-time condition`;
    default:
      return `\`${snippet(source, n, 40)}\` is not a string constant`;
  }
}

function addLiteral(b: MappedBuilder, quote: string): number {
  b.map.quotes.push(quote);
  return b.map.quotes.length - 1;
}

function stringLiteral(b: MappedBuilder, n: TSESTree.StringLiteral): void {
  const quote = b.source[n.range[0]];
  const lit = addLiteral(b, quote);
  const before = b.text.length;
  decode(b, n.range[0] + 1, n.range[1] - 1, 'string', lit);
  if (b.text.slice(before) !== n.value) replaceWhole(b, before, n.value, n.range, lit);
}

/**
 * The source ranges of a template's quasis and interpolations (`${ … }`), found from the
 * template's and the expressions' ranges: TemplateElement ranges include the delimiters in
 * typescript-estree and exclude them in espree, so they are not used.
 */
function templateParts(src: string, n: TSESTree.TemplateLiteral): { quasis: Array<[number, number]>; interpolations: Array<[number, number]> } {
  const quasis: Array<[number, number]> = [];
  const interpolations: Array<[number, number]> = [];
  let start = n.range[0] + 1;
  n.expressions.forEach((e, i) => {
    // back from the expression over white space to `${`
    let open = e.range[0] - 1;
    while (open > start && /\s/.test(src[open])) open--;
    let close = e.range[1];
    while (close < n.range[1] && /\s/.test(src[close])) close++;
    if (src[open] !== '{' || src[open - 1] !== '$' || src[close] !== '}') {
      // a comment inside `${ }`: fall back to the quasi ranges (typescript-estree convention)
      const q = n.quasis[i];
      const next = n.quasis[i + 1];
      open = src[q.range[1] - 1] === '{' ? q.range[1] - 1 : q.range[1] + 1;
      close = src[next.range[0]] === '}' ? next.range[0] : next.range[0] - 1;
    }
    quasis.push([start, open - 1]);
    interpolations.push([open - 1, close + 1]);
    start = close + 1;
  });
  quasis.push([start, n.range[1] - 1]);
  return { quasis, interpolations };
}

function templateLiteral(b: MappedBuilder, n: TSESTree.TemplateLiteral, mode: TagMode, depth: number, raw = false): boolean {
  const lit = addLiteral(b, '`');
  const parts = templateParts(b.source, n);
  n.quasis.forEach((q, i) => {
    const [start, end] = parts.quasis[i];
    const before = b.text.length;
    decode(b, start, end, raw ? 'raw' : 'template', lit);
    const expected = raw ? q.value.raw : q.value.cooked;
    if (expected === null || expected === undefined) {
      // an invalid escape in a tagged template: the tag sees `undefined`
      b.text = b.text.slice(0, before);
      truncate(b, before);
      b.placeholder(n, [start, end], 'the template has an invalid escape sequence', mode);
    } else if (b.text.slice(before) !== expected) {
      replaceWhole(b, before, expected, [start, end], lit);
    }
    if (i < n.expressions.length) interpolation(b, n.expressions[i] as Node, parts.interpolations[i], mode, depth);
  });
  return true;
}

/** `${expr}`: a constant is spliced in; anything else becomes a placeholder (or a bind parameter in a `sql` tag). */
function interpolation(b: MappedBuilder, expr: Node, range: [number, number], mode: TagMode, depth: number): void {
  const e = unwrap(expr);
  if (mode !== 'text') {
    // a `sql` tag sends interpolations as parameters, except Kysely's helpers that splice SQL
    if (mode === 'kysely') {
      const spliced = kyselyHelper(e);
      if (spliced !== undefined) {
        b.push(spliced, range[0], range[1], KIND_CONST, b.group(), -1);
        return;
      }
      if (e.type === 'CallExpression' && memberPath(e.callee) === 'sql.raw' && e.arguments.length === 1) {
        spliceConstant(b, e.arguments[0] as Node, range, mode, depth, e);
        return;
      }
      if (e.type === 'TaggedTemplateExpression' && memberPath(e.tag) === 'sql') {
        spliceConstant(b, e, range, mode, depth, e);
        return;
      }
    }
    b.placeholder(e, range, `\`${snippet(b.source, e, 40)}\` is sent as a query parameter`, mode);
    return;
  }
  spliceConstant(b, e, range, mode, depth, e);
}

/** Evaluate `value` in a scratch builder; splice its text as one constant group if fully static. */
function spliceConstant(b: MappedBuilder, value: Node, range: [number, number], mode: TagMode, depth: number, shown: Node): void {
  const scratch = new MappedBuilder(b.source, b.program);
  evaluate(scratch, value, mode === 'params' ? 'text' : mode, depth + 1);
  if (scratch.placeholders.length === 0) {
    b.push(scratch.text, range[0], range[1], KIND_CONST, b.group(), -1);
    return;
  }
  b.placeholder(shown, range, scratch.reasons[0], mode === 'kysely' ? 'text' : mode);
}

/** Kysely's `sql.ref('a.b')`, `sql.table('t')`, `sql.id('a', 'b')`, `sql.lit('x')` with literal arguments. */
function kyselyHelper(e: Node): string | undefined {
  if (e.type !== 'CallExpression') return undefined;
  const fn = memberPath(e.callee);
  const args = e.arguments.map((a) => unwrap(a as Node));
  if (!args.every((a) => a.type === 'Literal')) return undefined;
  const vals = args.map((a) => (a as TSESTree.Literal).value);
  const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  switch (fn) {
    case 'sql.ref':
    case 'sql.table':
      return typeof vals[0] === 'string' ? vals[0].split('.').map(ident).join('.') : undefined;
    case 'sql.id':
      return vals.every((v) => typeof v === 'string') ? (vals as string[]).map(ident).join('.') : undefined;
    case 'sql.lit':
      if (typeof vals[0] === 'string') return `'${vals[0].replace(/'/g, "''")}'`;
      if (typeof vals[0] === 'number' || typeof vals[0] === 'boolean') return String(vals[0]);
      return vals[0] === null ? 'null' : undefined;
    default:
      return undefined;
  }
}

/** Parser and decoder disagree (should not happen): keep the parser's value, mapped to the whole literal. */
function replaceWhole(b: MappedBuilder, from: number, value: string, range: [number, number], lit: number): void {
  truncate(b, from);
  b.push(value, range[0], range[1], KIND_ESCAPE, b.group(), lit);
}

function truncate(b: MappedBuilder, len: number): void {
  b.text = b.text.slice(0, len);
  for (const k of ['rawStart', 'rawEnd', 'group', 'kind', 'literal'] as const) b.map[k].length = len;
}

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

/**
 * Decode the source characters [start, end) of a string literal or template quasi into `b`.
 * 'raw' (String.raw): only CRLF/CR → LF.
 */
function decode(b: MappedBuilder, start: number, end: number, mode: 'string' | 'template' | 'raw', lit: number): void {
  const src = b.source;
  let i = start;
  while (i < end) {
    const c = src.charCodeAt(i);
    if (c === 92 && mode !== 'raw' && i + 1 < end) {
      const { cooked, len } = escapeAt(src, i, end, mode);
      if (cooked.length) b.push(cooked, i, i + len, KIND_ESCAPE, b.group(), lit);
      i += len;
    } else if (c === 13 && mode !== 'string') {
      const len = src.charCodeAt(i + 1) === 10 && i + 1 < end ? 2 : 1;
      b.push('\n', i, i + len, KIND_ESCAPE, b.group(), lit);
      i += len;
    } else {
      b.push(src[i], i, i + 1, KIND_CHAR, b.group(), lit);
      i++;
    }
  }
}

function escapeAt(src: string, i: number, end: number, mode: 'string' | 'template'): { cooked: string; len: number } {
  const n = src[i + 1];
  if (n in SIMPLE) return { cooked: SIMPLE[n], len: 2 };
  if (n === '\r') return { cooked: '', len: src[i + 2] === '\n' && i + 2 < end ? 3 : 2 };
  if (n === '\n' || n === '\u2028' || n === '\u2029') return { cooked: '', len: 2 };
  if (n === 'x') {
    const hex = src.slice(i + 2, i + 4);
    if (/^[0-9a-fA-F]{2}$/.test(hex)) return { cooked: String.fromCharCode(parseInt(hex, 16)), len: 4 };
  }
  if (n === 'u') {
    if (src[i + 2] === '{') {
      const close = src.indexOf('}', i + 3);
      const hex = close === -1 || close >= end ? '' : src.slice(i + 3, close);
      if (/^[0-9a-fA-F]+$/.test(hex) && parseInt(hex, 16) <= 0x10ffff) return { cooked: String.fromCodePoint(parseInt(hex, 16)), len: close + 1 - i };
    } else {
      const hex = src.slice(i + 2, i + 6);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) return { cooked: String.fromCharCode(parseInt(hex, 16)), len: 6 };
    }
  }
  if (n >= '0' && n <= '7') {
    if (n === '0' && !(src[i + 2] >= '0' && src[i + 2] <= '9')) return { cooked: '\0', len: 2 };
    if (mode === 'string') {
      // legacy octal escape (sloppy-mode strings): up to three digits, value <= 0o377
      let digits = n;
      for (let k = i + 2; k < end && digits.length < 3 && src[k] >= '0' && src[k] <= '7'; k++) {
        if (parseInt(digits + src[k], 8) > 0o377) break;
        digits += src[k];
      }
      return { cooked: String.fromCharCode(parseInt(digits, 8)), len: 1 + digits.length };
    }
  }
  // identity escape (\' \" \\ \` \$ …); a surrogate pair stays whole
  const cp = src.codePointAt(i + 1)!;
  const ch = String.fromCodePoint(cp);
  return { cooked: ch, len: 1 + ch.length };
}
