/**
 * Split a file into statements with per-statement error recovery.
 *
 * Fast path: the whole file is parsed once. When PostgreSQL's parser accepts it, the parser's
 * statement locations already split it, and PostgreSQL's scanner is run only where it can
 * tell something the parse does not: on the statements and the gaps between them whose text
 * holds `--` or `/*` (a comment can only be there; a string that merely contains them is
 * scanned too, which is slower but not wrong), and lazily, per statement, when a rule or a
 * fix asks for tokens. Scanning a statement alone yields the tokens a whole-file scan would:
 * statement boundaries are token boundaries, and PostgreSQL's core scanner carries no state
 * across them.
 *
 * Error path: when PostgreSQL's parser rejects the file, the whole file is scanned, the
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
import { firstTokenAt, lowerBound } from './search.js';

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

export interface ParseFileOptions {
  /**
   * Scan the whole file up front, as the error-recovery path does, even when it parses (the
   * reference the lazy fast path is tested against).
   */
  fullScan?: boolean;
}

export function parseFile(path: string, raw: string, opts: ParseFileOptions = {}): ParsedFile {
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
  let firstError: PgSyntaxError | undefined;
  if (!opts.fullScan) {
    let raws: RawStmt[] | undefined;
    try {
      raws = parseSql(source.text);
    } catch (e) {
      if (!(e instanceof PgSyntaxError)) throw e;
      firstError = e;
    }
    if (raws) {
      const fast = parseValid(path, source, raws, nuls);
      if (fast) return fast;
    }
  }
  return parseWithRecovery(path, source, nuls, firstError);
}

/** The error path: scan the whole file, then parse with per-statement recovery. */
function parseWithRecovery(path: string, source: SourceText, nuls: number[], firstError?: PgSyntaxError): ParsedFile {
  const text = source.text;
  const { tokens, scannedTo } = scanFile(source);
  const semicolons: number[] = [];
  const codeTokens: FileToken[] = [];
  const comments: Comment[] = [];
  const depth = new StatementDepth();
  for (const t of tokens) {
    if (COMMENT_TOKENS.has(t.name)) {
      comments.push(commentOf(source, t));
    } else {
      codeTokens.push(t);
      // only a top-level `;` ends a statement (not one inside parentheses or a BEGIN ATOMIC body)
      if (depth.next(t)) semicolons.push(t.start);
    }
  }

  const statements: Statement[] = [];
  const ctx: SplitContext = { source, codeTokens, semicolons, scannedTo, out: statements };
  parseRange(ctx, 0, text.length, firstError);
  finishStatements(statements, nuls, source, (pos) => tokenStartingAt(tokens, pos));
  return {
    path,
    source,
    statements,
    comments,
    directives: parseDirectives(comments),
    tokens: codeTokens,
    tokensIn: (start, end) => codeTokens.slice(firstTokenAt(codeTokens, start), firstTokenAt(codeTokens, end)),
  };
}

function commentOf(source: SourceText, t: FileToken): Comment {
  return {
    text: t.text,
    start: t.start,
    end: t.end,
    line: source.position(t.start).line,
    endLine: source.position(Math.max(t.start, t.end - 1)).line,
    block: t.name === 'C_COMMENT',
  };
}

/** NUL errors in place, indexes, DO blocks expanded. */
function finishStatements(statements: Statement[], nuls: number[], source: SourceText, tokenAt: (pos: number) => FileToken | undefined): void {
  for (const at of nuls) {
    statements.push({
      index: 0, kind: 'SyntaxError', body: {}, start: at, end: at + 1, text: '\0',
      locate: () => at,
      error: { message: 'invalid character: NUL (0x00) is not allowed in SQL text', index: at },
    });
  }
  if (nuls.length) statements.sort((a, b) => a.start - b.start);
  statements.forEach((s, i) => { s.index = i; });
  for (const s of statements) if (s.kind === 'DoStmt') expandDoBlock(s, source, tokenAt);
}

function tokenStartingAt(tokens: FileToken[], pos: number): FileToken | undefined {
  const i = firstTokenAt(tokens, pos);
  return i < tokens.length && tokens[i].start === pos ? tokens[i] : undefined;
}

/**
 * A part of a file that parsed: a statement (from its first token to the `;` that ends it)
 * or the gap before, between or after statements (`;`, comments, whitespace). Both start and
 * end at token boundaries. Its tokens (comments included) are scanned when first needed.
 */
interface Segment {
  start: number;
  end: number;
  /** all tokens of the segment, comments included; undefined until scanned */
  tokens?: FileToken[];
}

/** The fast path: the file parsed as a whole. Undefined when the parser's locations are unusable. */
function parseValid(path: string, source: SourceText, raws: RawStmt[], nuls: number[]): ParsedFile | undefined {
  const text = source.text;
  const segments: Segment[] = [];
  const stmtSegments: Segment[] = [];
  const totalBytes = source.byteOfIndex(text.length);
  let pos = 0;
  for (const r of raws) {
    const locByte = r.stmt_location ?? 0;
    const lenByte = r.stmt_len ? r.stmt_len : totalBytes - locByte;
    const s = source.indexOfByte(locByte);
    const e = source.indexOfByte(locByte + lenByte);
    if (s < pos || e <= s) return undefined; // not in file order: let the full scan decide
    if (s > pos) segments.push({ start: pos, end: s });
    const seg: Segment = { start: s, end: e };
    segments.push(seg);
    stmtSegments.push(seg);
    pos = e;
  }
  if (pos < text.length) segments.push({ start: pos, end: text.length });

  const lazy = new LazyTokens(source, segments);
  const statements: Statement[] = [];
  for (let i = 0; i < raws.length; i++) {
    const r = raws[i];
    const seg = stmtSegments[i];
    let ts: number;
    let te: number;
    const codeEnd = isPgSpace(text.charCodeAt(seg.start)) ? -1 : lastCodeEnd(text, seg.start, seg.end);
    if (codeEnd !== -1) {
      // from its first token (the parser's location) to the end of its last token
      ts = seg.start;
      te = codeEnd;
    } else {
      [ts, te] = trimToTokens(lazy.segmentTokens(seg).filter((t) => !COMMENT_TOKENS.has(t.name)), seg.start, seg.end);
    }
    statements.push(statementOf(r, source, ts, te, 0));
  }
  finishStatements(statements, nuls, source, (p) => lazy.tokenAt(p));

  return new ValidFile(path, source, statements, lazy, segments);
}

/**
 * A file that parsed. Its comments, directives and tokens are found when first asked for:
 * replaying a migration as history needs none of them, and linting one needs its comments
 * only when it may hold a suppression directive. (Getters of a class: defining them on each
 * file's object was 0.5% of a corpus run.)
 */
class ValidFile implements ParsedFile {
  private commentList: Comment[] | undefined;
  private directiveList: ParsedFile['directives'] | undefined;
  // own functions, not methods: callers pass them on detached from the file (eslint/analysis.ts)
  readonly tokensIn: (start: number, end: number) => FileToken[];
  readonly tokensBetween: (start: number, end: number) => FileToken[];

  constructor(
    readonly path: string,
    readonly source: SourceText,
    readonly statements: Statement[],
    private readonly lazy: LazyTokens,
    private readonly segments: Segment[],
  ) {
    this.tokensIn = (start, end) => lazy.codeTokensIn(start, end);
    this.tokensBetween = (start, end) => lazy.codeTokensBetween(start, end);
  }

  get comments(): Comment[] {
    if (!this.commentList) {
      const { text } = this.source;
      const comments: Comment[] = [];
      for (const seg of this.segments) {
        if (!mayHoldComment(text, seg.start, seg.end)) continue;
        for (const t of this.lazy.segmentTokens(seg)) if (COMMENT_TOKENS.has(t.name)) comments.push(commentOf(this.source, t));
      }
      this.commentList = comments;
    }
    return this.commentList;
  }

  get directives(): ParsedFile['directives'] {
    // a directive comment starts with one of these words (directives.ts): without them, none
    return (this.directiveList ??= mayHoldDirective(this.source.text) ? parseDirectives(this.comments) : []);
  }

  get tokens(): FileToken[] {
    return this.lazy.allCodeTokens();
  }
}

/**
 * The end of the last token of a statement that runs from `start` to `end` (its `;` or the end
 * of the file), when provable without scanning; -1 when only the scanner can tell. The last
 * non-blank character is part of a token unless it ends a comment: a `--` comment starts on
 * its line, and a block comment ends with `/`. (`end` is never inside a comment: the scanner
 * found the `;` there, or the file ends, which an open comment would have made an error.)
 */
function lastCodeEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && isPgSpace(text.charCodeAt(i - 1))) i--;
  if (i === start || text.charCodeAt(i - 1) === 0x2f) return -1;
  let lineStart = i - 1;
  while (lineStart > start && text.charCodeAt(lineStart - 1) !== 10 && text.charCodeAt(lineStart - 1) !== 13) lineStart--;
  return text.slice(lineStart, i).includes('--') ? -1 : i;
}

/** Could the text hold a suppression directive (directives.ts)? Without these words it cannot. */
function mayHoldDirective(text: string): boolean {
  return text.includes('godwit-ignore') || text.includes('eslint-') || text.includes('squawk-ignore');
}

/** A comment starts with `--` or `/*`: a range holding neither holds no comment. */
function mayHoldComment(text: string, start: number, end: number): boolean {
  // (a slice, not indexOf from `start`: that would search on to the end of the file)
  const range = text.slice(start, end);
  return range.includes('--') || range.includes('/*');
}

/** PostgreSQL's whitespace (scan.l `space`): space, tab, newline, carriage return, form feed, vertical tab. */
function isPgSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** The tokens of a parsed file's segments, scanned per segment on demand. */
class LazyTokens {
  private all: FileToken[] | undefined;
  private readonly starts: number[];

  constructor(
    private readonly source: SourceText,
    private readonly segments: Segment[],
  ) {
    this.starts = segments.map((s) => s.start);
  }

  segmentTokens(seg: Segment): FileToken[] {
    if (seg.tokens) return seg.tokens;
    const out = this.scanRange(seg.start, seg.end);
    if (out === null) {
      // cannot happen for text the parser accepted; should it, the whole file's scan decides
      this.scanWholeFile();
      return seg.tokens!;
    }
    seg.tokens = out;
    return out;
  }

  /** All tokens of [start, end) with file positions; null when the scanner rejects the range. */
  private scanRange(start: number, end: number): FileToken[] | null {
    const { source } = this;
    const scanned = scanSql(source.text.slice(start, end));
    if (scanned === null) return null;
    const ascii = source.isAscii;
    const base = ascii ? start : source.byteOfIndex(start);
    const out: FileToken[] = new Array(scanned.length);
    for (let i = 0; i < scanned.length; i++) {
      const t: Token = scanned[i];
      out[i] = {
        start: ascii ? base + t.start : source.indexOfByte(base + t.start),
        end: ascii ? base + t.end : source.indexOfByte(base + t.end),
        name: t.name,
        text: t.text,
        keyword: t.keyword,
      };
    }
    return out;
  }

  private scanWholeFile(): void {
    const { tokens } = scanFile(this.source);
    for (const seg of this.segments) seg.tokens = tokens.filter((t) => t.start >= seg.start && t.start < seg.end);
  }

  /** Index of the segment holding `pos` (the last one starting at or before it). */
  private segmentAt(pos: number): number {
    // (positions are integers: the first start after `pos` is the first at or after pos + 1)
    return Math.max(0, lowerBound(this.starts, pos + 1) - 1);
  }

  /** Code tokens (no comments) starting in [start, end), in order. */
  codeTokensIn(start: number, end: number): FileToken[] {
    if (this.all) return this.all.slice(firstTokenAt(this.all, start), firstTokenAt(this.all, end));
    const out: FileToken[] = [];
    for (let i = this.segmentAt(start); i < this.segments.length && this.segments[i].start < end; i++) {
      for (const t of this.segmentTokens(this.segments[i])) {
        if (t.start >= start && t.start < end && !COMMENT_TOKENS.has(t.name)) out.push(t);
      }
    }
    return out;
  }

  /**
   * Code tokens of [start, end), two token boundaries in one segment. An unscanned segment is
   * not scanned whole: the scanner runs on that range alone (a range from one token boundary to
   * another scans to the same tokens, as a statement does), and nothing is cached.
   */
  codeTokensBetween(start: number, end: number): FileToken[] {
    const seg = this.segments[this.segmentAt(start)];
    if (this.all || !seg || seg.tokens || end > seg.end || end <= start) return this.codeTokensIn(start, end);
    const scanned = this.scanRange(start, end);
    if (!scanned) return this.codeTokensIn(start, end);
    return scanned.filter((t) => !COMMENT_TOKENS.has(t.name));
  }

  /** The token (comments included) starting at `pos`. */
  tokenAt(pos: number): FileToken | undefined {
    if (this.segments.length === 0) return undefined;
    return tokenStartingAt(this.segmentTokens(this.segments[this.segmentAt(pos)]), pos);
  }

  allCodeTokens(): FileToken[] {
    if (!this.all) {
      const out: FileToken[] = [];
      for (const seg of this.segments) for (const t of this.segmentTokens(seg)) if (!COMMENT_TOKENS.has(t.name)) out.push(t);
      this.all = out;
    }
    return this.all;
  }
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
function parseRange(ctx: SplitContext, start: number, end: number, firstError?: PgSyntaxError): void {
  const { source } = ctx;
  let pos = start;
  let span = Infinity; // top-level statements per parse
  let known = firstError; // the whole range's parse already failed with this error
  while (pos < end) {
    const wEnd = windowEnd(ctx.semicolons, pos, end, span);
    const chunk = source.text.slice(pos, wEnd);
    let raws: RawStmt[];
    try {
      if (known) {
        const e = known;
        known = undefined;
        throw e;
      }
      raws = parseSql(chunk);
    } catch (e) {
      if (!(e instanceof PgSyntaxError)) throw e;
      if (!e.located && span !== 1) {
        // the parser did not say where: parse statement by statement to find the one that fails
        span = 1;
        continue;
      }
      // (an error without a position is reported at its statement's first token)
      const errIndex = e.located ? pos + indexOfCodePoint(chunk, e.cursor) : Math.min(ctx.codeTokens[firstTokenAt(ctx.codeTokens, pos)]?.start ?? pos, wEnd);
      if (wEnd < end && errIndex >= pos + chunk.trimEnd().length - 1) {
        // an error at the window's last `;` or at its end: the window may have cut a statement
        span *= 2;
        continue;
      }
      // (not at the range's very end: that is "end of input" before a `\` that a caller's range stops at)
      if (errIndex < end && isMetaCommand(ctx, errIndex)) {
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
  const j = lowerBound(semicolons, pos) + span - 1;
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
    ctx.out.push(statementOf(r, source, ts, te, baseByte));
  }
}

/**
 * A parsed statement at [start, end) of the text; the parser's byte locations in its tree are
 * relative to `baseByte` (the start of the chunk that was parsed). `index` is set later.
 */
function statementOf(r: RawStmt, source: SourceText, start: number, end: number, baseByte: number): Statement {
  const kind = Object.keys(r.stmt)[0];
  return {
    index: 0,
    kind,
    node: r.stmt,
    body: (r.stmt as Record<string, unknown>)[kind],
    start,
    end,
    text: source.text.slice(start, end),
    locate: (loc) => (loc === undefined || loc < 0 ? start : source.indexOfByte(baseByte + loc)),
  };
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
  const i = firstTokenAt(ctx.codeTokens, errIndex);
  const t = ctx.codeTokens[i];
  return !!t && t.start === errIndex && t.text === '\\';
}

/** Shrink [s, e) to the first and last code token inside it (skips comments and whitespace). */
function trimToTokens(tokens: FileToken[], s: number, e: number): [number, number] {
  let i = firstTokenAt(tokens, s);
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

/** The last of `sorted` before `pos`, if it is at least `min`; else -1. */
function lastBefore(sorted: number[], pos: number, min: number): number {
  const i = lowerBound(sorted, pos) - 1;
  return i >= 0 && sorted[i] >= min ? sorted[i] : -1;
}

/** The first of `sorted` at or after `pos`, if it is before `max`; else -1. */
function firstAtOrAfter(sorted: number[], pos: number, max: number): number {
  const i = lowerBound(sorted, pos);
  return i < sorted.length && sorted[i] < max ? sorted[i] : -1;
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
