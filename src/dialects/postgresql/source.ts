/**
 * Text positions. libpg-query reports UTF-8 byte offsets (AST `location`, `stmt_location`,
 * scanner tokens) and, for errors, 0-based code-point offsets. godwit reports what ESLint
 * and SARIF use: 1-based lines, 1-based UTF-16 columns, and ranges that index the JS string.
 *
 * The text a SourceText holds has its BOM removed (as ESLint's SourceCode#text does);
 * `bom` remembers it so a fix can write it back.
 */
import { lowerBound } from './search.js';

export interface Position {
  line: number; // 1-based
  column: number; // 1-based, UTF-16 code units
}

export class SourceText {
  readonly text: string;
  readonly bom: boolean;
  /** UTF-16 offset of the start of each line. */
  readonly lineStarts: number[];
  /** null when the text is ASCII-only (byte offset === string offset). */
  private readonly byteToIndex: Int32Array | null;
  private readonly byteLength: number;

  constructor(raw: string) {
    this.bom = raw.charCodeAt(0) === 0xfeff;
    this.text = this.bom ? raw.slice(1) : raw;
    this.lineStarts = computeLineStarts(this.text);
    this.byteLength = Buffer.byteLength(this.text, 'utf8');
    this.byteToIndex = this.byteLength === this.text.length ? null : buildByteMap(this.text, this.byteLength);
  }

  /** the text is ASCII-only: UTF-8 byte offsets and string indexes coincide */
  get isAscii(): boolean {
    return this.byteToIndex === null;
  }

  /** UTF-16 string index for a UTF-8 byte offset into `text`. */
  indexOfByte(byte: number): number {
    if (byte <= 0) return 0;
    if (this.byteToIndex === null) return Math.min(byte, this.text.length);
    if (byte >= this.byteLength) return this.text.length;
    return this.byteToIndex[byte];
  }

  /** UTF-8 byte offset for a UTF-16 string index. */
  byteOfIndex(index: number): number {
    const map = this.byteToIndex;
    if (map === null) return index;
    if (index <= 0) return 0;
    if (index >= this.text.length) return this.byteLength;
    // the first byte of the character at `index` (the map is non-decreasing)
    return lowerBound(map, index);
  }

  position(index: number): Position {
    const starts = this.lineStarts;
    // the last line starting at or before `index`
    const line = Math.max(0, lowerBound(starts, index + 1) - 1);
    return { line: line + 1, column: index - starts[line] + 1 };
  }

  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line] ?? this.text.length + 1;
    return this.text.slice(start, next - 1).replace(/\r$/, '');
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    // (the common case: \n only, found by the string search rather than a loop over every character)
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

function buildByteMap(text: string, byteLength: number): Int32Array {
  const map = new Int32Array(byteLength + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let n: number;
    if (c < 0x80) n = 1;
    else if (c < 0x800) n = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // surrogate pair: 4 bytes, 2 code units
      for (let k = 0; k < 4; k++) map[b + k] = i;
      b += 4;
      i++;
      continue;
    } else n = 3; // BMP (lone surrogates are written as U+FFFD, 3 bytes)
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
  }
  map[byteLength] = text.length;
  return map;
}

/** UTF-16 index of the `cp`-th code point of `s` (libpg-query error positions count code points). */
export function indexOfCodePoint(s: string, cp: number): number {
  let i = 0;
  let n = 0;
  while (i < s.length && n < cp) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    n++;
  }
  return i;
}
