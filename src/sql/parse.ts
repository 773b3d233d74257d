/**
 * Split a file into statements with per-statement error recovery.
 *
 * Fast path: the whole file is parsed once. When PostgreSQL's parser rejects it, the
 * statement holding the error position is cut out at the surrounding top-level `;`
 * tokens (found by PostgreSQL's own scanner), becomes a syntax-error statement, and the
 * text before and after it is parsed again: the text before in one parse, the text after in
 * windows of statements that double while they parse (see parseRange). A psql meta-command
 * line (`\connect db`) is one syntax error ending at its line end.
 */
import { parseSql, scanSql, PgSyntaxError, type RawStmt, type Token } from './pg.js';
import { SourceText, indexOfCodePoint } from './source.js';
import type { Comment, ParsedFile, Statement } from './types.js';
import { parseDirectives } from './directives.js';
import { expandDoBlock } from './plpgsql.js';

/** Tokens with UTF-16 positions in the file text. */
interface FileToken {
  start: number;
  end: number;
  name: string;
  text: string;
  /** a keyword (reserved or not) */
  keyword?: boolean;
}

const COMMENT_TOKENS = new Set(['SQL_COMMENT', 'C_COMMENT']);

export function parseFile(path: string, raw: string): ParsedFile {
  // PostgreSQL rejects NUL characters in a query, and the parser reads C strings that a NUL
  // would cut short: each NUL becomes its own syntax error, and the text is parsed with a
  // space in its place so positions stay exact and the other statements are still linted.
  const nuls: number[] = [];
  if (raw.includes('\0')) {
    const bom = raw.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (let i = raw.indexOf('\0'); i !== -1; i = raw.indexOf('\0', i + 1)) nuls.push(i - bom);
    raw = raw.replaceAll('\0', ' ');
  }
  const source = new SourceText(raw);
  const text = source.text;
  const { tokens, scannedTo } = scanFile(source);
  const semicolons: number[] = [];
  const codeTokens: FileToken[] = [];
  const comments: Comment[] = [];
  const depth = new StatementDepth();
  for (const t of tokens) {
    if (COMMENT_TOKENS.has(t.name)) {
      comments.push({
        text: t.text,
        start: t.start,
        end: t.end,
        line: source.position(t.start).line,
        endLine: source.position(Math.max(t.start, t.end - 1)).line,
        block: t.name === 'C_COMMENT',
      });
    } else {
      codeTokens.push(t);
      // only a top-level `;` ends a statement (not one inside parentheses or a BEGIN ATOMIC body)
      if (depth.next(t)) semicolons.push(t.start);
    }
  }

  const statements: Statement[] = [];
  const ctx: SplitContext = { source, codeTokens, semicolons, scannedTo, out: statements };
  parseRange(ctx, 0, text.length);
  for (const at of nuls) {
    statements.push({
      index: 0, kind: 'SyntaxError', body: {}, start: at, end: at + 1, text: '\0',
      locate: () => at,
      error: { message: 'invalid character: NUL (0x00) is not allowed in SQL text', index: at },
    });
  }
  if (nuls.length) statements.sort((a, b) => a.start - b.start);
  statements.forEach((s, i) => { s.index = i; });
  for (const s of statements) if (s.kind === 'DoStmt') expandDoBlock(s, source, tokens);

  return { path, source, statements, comments, directives: parseDirectives(comments), tokens: codeTokens };
}

/**
 * Which `;` tokens end a statement, the way psql decides it (psqlscan.l): not inside
 * parentheses, and not inside the BEGIN … END body of `CREATE [OR REPLACE] FUNCTION|PROCEDURE`
 * (SQL-standard `BEGIN ATOMIC` bodies hold `;`-separated statements; CASE … END nests there).
 */
class StatementDepth {
  private parens = 0;
  private begins = 0;
  private words: string[] = [];

  /** Feed the next code token; true when it is a `;` that ends the statement. */
  next(t: FileToken): boolean {
    if (t.name === 'ASCII_59') {
      if (this.parens > 0 || this.begins > 0) return false;
      this.words = [];
      return true;
    }
    if (t.name === 'ASCII_40') this.parens++;
    else if (t.name === 'ASCII_41') this.parens = Math.max(0, this.parens - 1);
    else if (t.keyword || t.name === 'IDENT') {
      const w = t.text.toLowerCase();
      if (this.words.length < 4) this.words.push(w);
      const [a, b, c, d] = this.words;
      const routine = (x: string | undefined): boolean => x === 'function' || x === 'procedure';
      if (a === 'create' && (routine(b) || (b === 'or' && c === 'replace' && routine(d))) && this.parens === 0) {
        if (w === 'begin') this.begins++;
        else if (w === 'case' && this.begins > 0) this.begins++;
        else if (w === 'end' && this.begins > 0) this.begins--;
      }
    }
    return false;
  }
}

interface SplitContext {
  source: SourceText;
  codeTokens: FileToken[];
  semicolons: number[];
  /** the scanner stopped here (an unterminated literal); text after it has no tokens */
  scannedTo: number;
  out: Statement[];
}

/**
 * Parse [start, end). The whole range is parsed at once first (one parse for a valid file).
 * After a syntax error, parsing goes on in windows of top-level statements that double while
 * they parse, so each error costs a parse of its neighbourhood rather than of the rest of the
 * file, and the work is a loop, not a recursion per error.
 */
function parseRange(ctx: SplitContext, start: number, end: number): void {
  const { source } = ctx;
  let pos = start;
  let span = Infinity; // top-level statements per parse
  while (pos < end) {
    const wEnd = windowEnd(ctx.semicolons, pos, end, span);
    const chunk = source.text.slice(pos, wEnd);
    let raws: RawStmt[];
    try {
      raws = parseSql(chunk);
    } catch (e) {
      if (!(e instanceof PgSyntaxError)) throw e;
      const errIndex = pos + indexOfCodePoint(chunk, e.cursor);
      if (wEnd < end && errIndex >= pos + chunk.trimEnd().length - 1) {
        // an error at the window's last `;` or at its end: the window may have cut a statement
        span *= 2;
        continue;
      }
      if (isMetaCommand(ctx, errIndex)) {
        // a psql meta-command (`\connect db`, `\set x 1`) runs to the end of its line, not to a `;`
        const line = source.position(errIndex).line;
        const lineEnd = Math.min(end, source.lineStarts[line - 1] + source.lineText(line).length);
        parseRange(ctx, pos, errIndex); // no `\` before errIndex: this recursion is one level deep
        pushError(ctx, errIndex, lineEnd, e.message, errIndex);
        pos = lineEnd;
        span = 1;
        continue;
      }
      // the statement holding the error runs from the last `;` before it to the first `;` at or after it
      const before = lastBefore(ctx.semicolons, errIndex, pos);
      const after = firstAtOrAfter(ctx.semicolons, errIndex, end);
      const stmtStart = before === -1 ? pos : before + 1;
      const stmtEnd = after === -1 ? end : after;
      if (stmtStart > pos) pushParsed(ctx, pos, stmtStart); // the parser accepted these statements
      pushError(ctx, stmtStart, stmtEnd, e.message, Math.min(errIndex, source.text.length));
      pos = after === -1 ? end : after + 1;
      span = 1;
      continue;
    }
    pushStatements(ctx, pos, chunk, raws);
    pos = wEnd;
    span *= 2;
  }
}

/** End of a window of `span` top-level statements from `pos` (just after its last `;`). */
function windowEnd(semicolons: number[], pos: number, end: number, span: number): number {
  if (span === Infinity) return end;
  let lo = 0;
  let hi = semicolons.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (semicolons[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  const j = lo + span - 1;
  return j < semicolons.length && semicolons[j] < end ? semicolons[j] + 1 : end;
}

/** Parse a range known to hold only complete statements; should it fail after all, it is one error. */
function pushParsed(ctx: SplitContext, start: number, end: number): void {
  const chunk = ctx.source.text.slice(start, end);
  try {
    pushStatements(ctx, start, chunk, parseSql(chunk));
  } catch (e) {
    if (!(e instanceof PgSyntaxError)) throw e;
    pushError(ctx, start, end, e.message, Math.min(start + indexOfCodePoint(chunk, e.cursor), ctx.source.text.length));
  }
}

function pushStatements(ctx: SplitContext, start: number, chunk: string, raws: RawStmt[]): void {
  const { source } = ctx;
  const baseByte = source.byteOfIndex(start);
  const chunkBytes = Buffer.byteLength(chunk, 'utf8');
  for (const r of raws) {
    const locByte = r.stmt_location ?? 0;
    const lenByte = r.stmt_len ? r.stmt_len : chunkBytes - locByte;
    const s = source.indexOfByte(baseByte + locByte);
    const e = source.indexOfByte(baseByte + locByte + lenByte);
    const [ts, te] = trimToTokens(ctx.codeTokens, s, e);
    const kind = Object.keys(r.stmt)[0];
    ctx.out.push({
      index: 0,
      kind,
      node: r.stmt,
      body: (r.stmt as Record<string, unknown>)[kind],
      start: ts,
      end: te,
      text: source.text.slice(ts, te),
      locate: (loc) => (loc === undefined || loc < 0 ? ts : source.indexOfByte(baseByte + loc)),
    });
  }
}

function pushError(ctx: SplitContext, start: number, end: number, message: string, errIndex: number): void {
  const [ts, te] = trimToTokens(ctx.codeTokens, start, end);
  // a range holding nothing but comments/whitespace cannot hold an error; keep the raw range then
  const s = ts < te ? ts : start + (end - start - ctx.source.text.slice(start, end).trimStart().length);
  let e = ts < te ? te : end;
  if (end > ctx.scannedTo) e = start + ctx.source.text.slice(start, end).trimEnd().length;
  ctx.out.push({
    index: 0,
    kind: 'SyntaxError',
    body: {},
    start: s,
    end: e,
    text: ctx.source.text.slice(s, e),
    locate: () => errIndex,
    error: { message, index: errIndex },
  });
}

/** The error is at a backslash that starts a psql meta-command. */
function isMetaCommand(ctx: SplitContext, errIndex: number): boolean {
  const i = lowerBound(ctx.codeTokens, errIndex);
  const t = ctx.codeTokens[i];
  return !!t && t.start === errIndex && t.text === '\\';
}

/** Shrink [s, e) to the first and last code token inside it (skips comments and whitespace). */
function trimToTokens(tokens: FileToken[], s: number, e: number): [number, number] {
  let i = lowerBound(tokens, s);
  let first = -1;
  let last = -1;
  for (; i < tokens.length && tokens[i].start < e; i++) {
    const t = tokens[i];
    if (t.name === 'ASCII_59') continue;
    if (first === -1) first = t.start;
    last = Math.min(t.end, e);
  }
  if (first === -1) return [s, s];
  return [first, last];
}

function lowerBound(tokens: FileToken[], pos: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lastBefore(sorted: number[], pos: number, min: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  return i >= 0 && sorted[i] >= min ? sorted[i] : -1;
}

function firstAtOrAfter(sorted: number[], pos: number, max: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] < max ? sorted[lo] : -1;
}

/**
 * Scan the whole file. When the scanner rejects it (an unterminated quote, dollar quote or
 * comment), scan the part before the failure and leave the rest as one unscanned tail: the
 * parser reports the same error there, and the splitter turns it into one syntax error.
 */
function scanFile(source: SourceText): { tokens: FileToken[]; scannedTo: number } {
  const text = source.text;
  let tokens = scanSql(text);
  let scannedTo = text.length;
  if (tokens === null) {
    let cut = text.length;
    try {
      parseSql(text);
    } catch (e) {
      if (e instanceof PgSyntaxError) cut = indexOfCodePoint(text, e.cursor);
    }
    tokens = null;
    // back off until the prefix scans (the error position is the literal's start)
    while (cut > 0 && tokens === null) {
      tokens = scanSql(text.slice(0, cut));
      if (tokens === null) cut = Math.floor(cut / 2);
    }
    tokens ??= [];
    scannedTo = cut;
  }
  const prefix = scannedTo === text.length ? text : text.slice(0, scannedTo);
  const ascii = Buffer.byteLength(prefix, 'utf8') === prefix.length;
  const out: FileToken[] = new Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t: Token = tokens[i];
    out[i] = {
      start: ascii ? t.start : source.indexOfByte(t.start),
      end: ascii ? t.end : source.indexOfByte(t.end),
      name: t.name,
      text: t.text,
      keyword: t.keyword,
    };
  }
  return { tokens: out, scannedTo };
}

export type { FileToken };
