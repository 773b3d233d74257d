/**
 * Python string literals, character-exact: every prefix (r, b, u, f, t and their pairs, any
 * case), single, double and triple quotes, every escape (\n, \\, \', \ooo, \xhh, \uXXXX,
 * \UXXXXXXXX, line continuations), raw strings, CRLF read as LF (Python reads source with
 * universal newlines), f-string `{{`/`}}` and interpolations, and implicit concatenation
 * (`"a" "b"`). The result is the value Python computes, with for every UTF-16 unit the range of
 * source characters it came from (FragmentMap), as for JS/TS strings (../strings.ts).
 */
import { KIND_CHAR, KIND_CONST, KIND_ESCAPE, KIND_PLACEHOLDER, MappedBuilder } from '../strings.js';
import type { PyNode } from './parse.js';

export interface PyStringLiteral {
  /** lower-cased prefix letters, e.g. `rb`, `f`, `` */
  prefix: string;
  /** `'`, `"`, `'''` or `"""` */
  quote: string;
  /** [start, end) of the content between the quotes */
  content: [number, number];
  /** f-string interpolations (`{…}` with conversion and format spec), in order */
  interpolations: PyNode[];
}

/**
 * The parts of one `string` node, from the node's own text (prefix letters, then one or three
 * quote characters; the same quote closes it): tree-sitter's string_start/string_end tokens are
 * not always split there (`R'\\''`).
 */
export function stringParts(src: string, n: PyNode): PyStringLiteral | undefined {
  const text = src.slice(n.start, n.end);
  const q = text.search(/['"]/);
  if (q < 0 || q > 3) return undefined;
  const ch = text[q];
  const quote = text.startsWith(ch.repeat(3), q) && text.length >= q + 6 ? ch.repeat(3) : ch;
  if (!text.endsWith(quote) || text.length < q + 2 * quote.length) return undefined;
  return {
    prefix: text.slice(0, q).toLowerCase(),
    quote,
    content: [n.start + q + quote.length, n.end - quote.length],
    interpolations: n.children.filter((c) => c.type === 'interpolation'),
  };
}

/** The quote key of a Python literal in FragmentMap.quotes (document.ts escapes fix text for it). */
export function quoteKey(lit: PyStringLiteral): string {
  return `py:${lit.prefix.replace(/[^rf]/g, '').split('').sort().join('')}${lit.quote}`;
}

/**
 * Append one literal's value to `b`. `interpolate` appends the value of an f-string
 * interpolation (a constant, or a placeholder).
 */
export function appendLiteral(b: MappedBuilder, src: string, lit: PyStringLiteral, interpolate: (node: PyNode, range: [number, number]) => void): void {
  b.map.quotes.push(quoteKey(lit));
  const index = b.map.quotes.length - 1;
  const raw = lit.prefix.includes('r');
  const bytes = lit.prefix.includes('b');
  const fstring = lit.prefix.includes('f') || lit.prefix.includes('t');
  let i = lit.content[0];
  const end = lit.content[1];
  let next = 0;
  while (i < end) {
    const interp = lit.interpolations[next];
    if (interp && i === interp.start) {
      interpolate(interp, [interp.start, interp.end]);
      i = interp.end;
      next++;
      continue;
    }
    const c = src[i];
    if (fstring && (c === '{' || c === '}') && src[i + 1] === c) {
      b.push(c, i, i + 2, KIND_ESCAPE, b.group(), index);
      i += 2;
    } else if (c === '\\' && i + 1 < end) {
      const { value, len } = raw ? { value: src.slice(i, i + 2), len: 2 } : escapeAt(src, i, end, bytes);
      if (value === undefined) {
        placeholderFor(b, src, [i, i + len], `the escape ${src.slice(i, i + len)} (a Unicode character name)`);
      } else if (raw && (src[i + 1] === '\r' || src[i + 1] === '\n')) {
        b.push('\\', i, i + 1, KIND_CHAR, b.group(), index);
        i = newline(b, src, i + 1, end, index);
        continue;
      } else if (value.length) {
        b.push(value, i, i + len, raw ? KIND_CHAR : KIND_ESCAPE, b.group(), index);
      }
      i += len;
    } else if (c === '\r') {
      i = newline(b, src, i, end, index);
    } else {
      // a surrogate pair is two units of one character
      b.push(c, i, i + 1, KIND_CHAR, b.group(), index);
      i++;
    }
  }
}

function newline(b: MappedBuilder, src: string, i: number, end: number, index: number): number {
  if (src[i] === '\n') {
    b.push('\n', i, i + 1, KIND_CHAR, b.group(), index);
    return i + 1;
  }
  const len = src[i + 1] === '\n' && i + 1 < end ? 2 : 1;
  b.push('\n', i, i + len, KIND_ESCAPE, b.group(), index);
  return i + len;
}

let placeholders = 0;

/**
 * A stand-in for a value godwit cannot know (an f-string interpolation, a `\N{…}` escape): an
 * identifier unique in the process, so strings built from several literals never share one.
 */
export function placeholderFor(b: MappedBuilder, src: string, range: [number, number], reason: string): void {
  const stand = `__godwit_py${++placeholders}__`;
  const start = b.text.length;
  b.push(stand, range[0], range[1], KIND_PLACEHOLDER, b.group(), -1);
  const expr = src.slice(range[0], range[1]).replace(/\s+/g, ' ');
  b.placeholders.push({ start, end: b.text.length, expr, range, text: stand, shown: expr });
  b.reasons.push(reason);
}

/** A constant spliced into the text (a name bound to a string, a number), mapped to its source range. */
export function pushConstant(b: MappedBuilder, value: string, range: [number, number]): void {
  b.push(value, range[0], range[1], KIND_CONST, b.group(), -1);
}

const SIMPLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * The value of the escape at `i` (a backslash). `value` undefined: `\N{name}`, whose character
 * godwit does not look up.
 */
function escapeAt(src: string, i: number, end: number, bytes: boolean): { value: string | undefined; len: number } {
  const n = src[i + 1];
  if (n in SIMPLE) return { value: SIMPLE[n], len: 2 };
  if (n === '\n') return { value: '', len: 2 };
  if (n === '\r') return { value: '', len: src[i + 2] === '\n' && i + 2 < end ? 3 : 2 };
  if (n >= '0' && n <= '7') {
    let k = i + 1;
    while (k < end && k < i + 4 && src[k] >= '0' && src[k] <= '7') k++;
    return { value: String.fromCharCode(parseInt(src.slice(i + 1, k), 8) & (bytes ? 0xff : 0x1ff)), len: k - i };
  }
  const hex = (digits: number): { value: string | undefined; len: number } | undefined => {
    const h = src.slice(i + 2, i + 2 + digits);
    if (h.length !== digits || !/^[0-9a-fA-F]+$/.test(h)) return undefined;
    const cp = parseInt(h, 16);
    return cp <= 0x10ffff ? { value: String.fromCodePoint(cp), len: 2 + digits } : undefined;
  };
  if (n === 'x') return hex(2) ?? keep(src, i);
  if (!bytes && n === 'u') return hex(4) ?? keep(src, i);
  if (!bytes && n === 'U') return hex(8) ?? keep(src, i);
  if (!bytes && n === 'N' && src[i + 2] === '{') {
    const close = src.indexOf('}', i + 3);
    if (close > 0 && close < end) return { value: undefined, len: close + 1 - i };
  }
  return keep(src, i);
}

/** An unrecognised escape keeps its backslash (Python: "invalid escape sequence", a warning). */
function keep(src: string, i: number): { value: string; len: number } {
  const cp = src.codePointAt(i + 1)!;
  const ch = String.fromCodePoint(cp);
  return { value: `\\${ch}`, len: 1 + ch.length };
}

/**
 * Text as it must be written inside a Python literal (quote key from quoteKey) to mean `s`;
 * undefined when the literal cannot hold it (a quote or line break in a raw string).
 */
export function escapePython(key: string, s: string): string | undefined {
  const flags = key.slice(3).replace(/['"]/g, '');
  const quote = key.slice(3 + flags.length);
  const raw = flags.includes('r');
  const f = flags.includes('f');
  const triple = quote.length === 3;
  let out = '';
  for (const c of s) {
    if (f && (c === '{' || c === '}')) out += c + c;
    else if (c === quote[0]) {
      if (raw) return undefined;
      out += `\\${c}`;
    } else if (c === '\\') out += raw ? c : '\\\\';
    else if (c === '\n' || c === '\r') {
      if (triple && c === '\n') out += c;
      else if (raw) return undefined;
      else out += c === '\n' ? '\\n' : '\\r';
    } else out += c;
  }
  return out;
}

export { KIND_CHAR, KIND_CONST, KIND_ESCAPE, KIND_PLACEHOLDER, MappedBuilder };
