/**
 * MySQL's lexical rules (sql/sql_lex.cc, and the mysql client's for `DELIMITER`), as a
 * tokenizer with UTF-16 positions into the file text. It is what the splitter, the dialect
 * detector, suppression comments and fixes stand on; the grammar itself is the parser's
 * (parse.ts). What it knows:
 *
 * - comments: `#` to the end of the line; `-- ` only when the dashes are followed by a space,
 *   a control character or the end of the text (`5--3` is five minus minus three); `/* … *\/`
 *   (not nested); optimizer hints `/*+ … *\/` are comments here.
 * - versioned comments: `/*! … *\/` and `/*!NNNNN … *\/` hold code the server runs when its
 *   version is at least NNNNN; `/*M!NNNNNN … *\/` the same for MariaDB only. Run: the marker and
 *   the closing `*\/` are `vopen`/`vclose` tokens and the text between is lexed as code. Not
 *   run: the whole is one comment.
 * - strings `'…'` and `"…"` (double quotes delimit strings unless ANSI_QUOTES) with doubled
 *   quotes and backslash escapes (unless NO_BACKSLASH_ESCAPES), with `N`, `_charset`, `X`/`B`
 *   prefixes; backquoted identifiers with doubled backquotes; user and system variables.
 * - identifiers may start with a digit (`1st_name`) unless they read as a number.
 * - a custom delimiter (`DELIMITER $$`) ends a statement wherever it stands outside quotes and
 *   comments, as in the mysql client.
 */

export type MysqlTokenType =
  | 'word' // keyword or unquoted identifier
  | 'quoted' // `backquoted identifier`
  | 'string'
  | 'number'
  | 'variable' // @x, @@session.x
  | 'param' // ?
  | 'op' // operators and punctuation, `;` included
  | 'comment'
  | 'vopen' // `/*!80013` that opens a versioned comment the target server runs
  | 'vclose' // the `*/` that closes it
  | 'delimiter' // the current custom delimiter (not `;`) where it ends a statement
  | 'error'; // an unterminated string, identifier or comment (runs to the end of the text)

export interface MysqlToken {
  type: MysqlTokenType;
  /** UTF-16 offsets into the text */
  start: number;
  end: number;
  text: string;
}

export interface MysqlLexOptions {
  /** `"…"` is an identifier (sql_mode ANSI_QUOTES), not a string */
  ansiQuotes?: boolean;
  /** backslash is an ordinary character in strings (sql_mode NO_BACKSLASH_ESCAPES) */
  noBackslashEscapes?: boolean;
  /**
   * The server that reads versioned comments: `/*!NNNNN` runs when NNNNN is at most
   * `version` (e.g. 80099 for any 8.0 release); `/*M!` runs only when `mariadb`.
   */
  server?: { version: number; mariadb: boolean };
}

/** The server the target of `--mysql-version` stands for, as versioned comments see it. */
export function serverOf(target: string): { version: number; mariadb: boolean } {
  const m = /^(mariadb-)?(\d+)\.(\d+)/.exec(target);
  if (!m) return { version: 80099, mariadb: false };
  const major = Number(m[2]);
  const minor = Number(m[3]);
  // MySQL writes 5 digits (8.0.13 = 80013), MariaDB 6 (10.11.2 = 101102); any patch release
  return m[1] ? { version: major * 10000 + minor * 100 + 99, mariadb: true } : { version: major * 10000 + minor * 100 + 99, mariadb: false };
}

const DEFAULT_SERVER = { version: 80099, mariadb: false };

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 0x80;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

const THREE_CHAR_OPS = ['<=>', '->>'];
const TWO_CHAR_OPS = ['<=', '>=', '<>', '!=', ':=', '&&', '||', '<<', '>>', '->'];

/**
 * Tokenize MySQL text. `delimiterAt(pos)` gives the current delimiter; the splitter moves it
 * with DELIMITER commands (split.ts), so the lexer is driven one token at a time there.
 */
export class MysqlLexer {
  private pos = 0;
  /** inside a versioned comment that runs: its `*\/` is a vclose token */
  private inVersioned = false;
  private readonly server: { version: number; mariadb: boolean };

  constructor(
    readonly text: string,
    private readonly opts: MysqlLexOptions = {},
  ) {
    this.server = opts.server ?? DEFAULT_SERVER;
  }

  get position(): number {
    return this.pos;
  }

  /** Skip to `pos` (after a DELIMITER command line, which the splitter reads itself). */
  seek(pos: number): void {
    this.pos = pos;
  }

  /** The next token, or undefined at the end. `delimiter`: the current custom delimiter (not `;`). */
  next(delimiter?: string): MysqlToken | undefined {
    const { text } = this;
    let i = this.pos;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) {
      this.pos = i;
      return undefined;
    }
    const start = i;
    const c = text.charCodeAt(i);
    const tok = (type: MysqlTokenType, end: number): MysqlToken => {
      this.pos = end;
      return { type, start, end, text: text.slice(start, end) };
    };
    if (delimiter && text.startsWith(delimiter, i)) return tok('delimiter', i + delimiter.length);
    // closing a versioned comment
    if (this.inVersioned && c === 42 && text.charCodeAt(i + 1) === 47) {
      this.inVersioned = false;
      return tok('vclose', i + 2);
    }
    // comments
    if (c === 35) return tok('comment', lineEnd(text, i));
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const after = text.charCodeAt(i + 2);
      if (i + 2 >= text.length || after <= 32) return tok('comment', lineEnd(text, i));
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) return this.blockComment(start);
    // quoted things
    if (c === 39) return this.quoted(start, i, 39, 'string');
    if (c === 34) return this.quoted(start, i, 34, this.opts.ansiQuotes ? 'quoted' : 'string');
    if (c === 96) return this.quoted(start, i, 96, 'quoted');
    // prefixed strings: N'…', X'…', B'…', _utf8mb4'…'
    if ((c === 78 || c === 110 || c === 88 || c === 120 || c === 66 || c === 98) && text.charCodeAt(i + 1) === 39) {
      return this.quoted(start, i + 1, 39, 'string');
    }
    if (c === 64) {
      // @var, @'var', @@global.var
      let j = i + 1;
      if (text.charCodeAt(j) === 64) j++;
      const q = text.charCodeAt(j);
      if (q === 39 || q === 34 || q === 96) {
        const t = this.quoted(start, j, q, 'variable');
        return t;
      }
      while (j < text.length && (isWordChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      return tok('variable', j);
    }
    if (c === 63) return tok('param', i + 1);
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) return this.cut(this.numberOrWord(start), delimiter);
    if (isWordChar(c)) {
      let j = i + 1;
      // (a custom delimiter ends a word: `END$$` is END, then the delimiter `$$`)
      while (j < text.length && isWordChar(text.charCodeAt(j)) && !(delimiter && text.startsWith(delimiter, j))) j++;
      // _charset introducer directly before a string: one string token
      if (c === 95 && text.charCodeAt(j) === 39) return this.quoted(start, j, 39, 'string');
      return tok('word', j);
    }
    for (const op of THREE_CHAR_OPS) if (text.startsWith(op, i)) return tok('op', i + 3);
    for (const op of TWO_CHAR_OPS) if (text.startsWith(op, i)) return tok('op', i + 2);
    return tok('op', i + (c >= 0xd800 && c <= 0xdbff ? 2 : 1));
  }

  /** A number or word token that runs into the custom delimiter ends where the delimiter starts. */
  private cut(t: MysqlToken, delimiter: string | undefined): MysqlToken {
    if (!delimiter) return t;
    const k = t.text.indexOf(delimiter, 1);
    if (k < 0) return t;
    this.pos = t.start + k;
    return { type: /^\d+$/.test(t.text.slice(0, k)) ? 'number' : 'word', start: t.start, end: t.start + k, text: t.text.slice(0, k) };
  }

  /** All tokens (no custom delimiter). */
  all(): MysqlToken[] {
    const out: MysqlToken[] = [];
    for (let t = this.next(); t; t = this.next()) out.push(t);
    return out;
  }

  private blockComment(start: number): MysqlToken {
    const { text } = this;
    const close = text.indexOf('*/', start + 2);
    const end = close === -1 ? text.length : close + 2;
    const tok = (type: MysqlTokenType, e: number): MysqlToken => {
      this.pos = e;
      return { type, start, end: e, text: text.slice(start, e) };
    };
    if (close === -1) return tok('error', end);
    // /*! or /*M! : a versioned comment
    let j = start + 2;
    let mariadbOnly = false;
    if (text.charCodeAt(j) === 77 && text.charCodeAt(j + 1) === 33) {
      mariadbOnly = true;
      j++;
    }
    if (text.charCodeAt(j) !== 33 || this.inVersioned) return tok('comment', end);
    j++;
    let digits = 0;
    while (digits < 6 && isDigit(text.charCodeAt(j + digits))) digits++;
    // MySQL reads 5 digits (a sixth belongs to the code: `/*!500001 …`); MariaDB 5 or 6
    if (digits === 6 && !mariadbOnly && !this.server.mariadb) digits = 5;
    const version = digits >= 5 ? Number(text.slice(j, j + digits)) : 0;
    const runs = (!mariadbOnly || this.server.mariadb) && version <= this.server.version;
    if (!runs) return tok('comment', end);
    this.inVersioned = true;
    return tok('vopen', j + (digits >= 5 ? digits : 0));
  }

  private quoted(start: number, openAt: number, quote: number, type: MysqlTokenType): MysqlToken {
    const { text } = this;
    const backslash = quote !== 96 && !this.opts.noBackslashEscapes;
    let j = openAt + 1;
    while (j < text.length) {
      const ch = text.charCodeAt(j);
      if (backslash && ch === 92) {
        j += 2;
        continue;
      }
      if (ch === quote) {
        if (text.charCodeAt(j + 1) === quote) {
          j += 2;
          continue;
        }
        this.pos = j + 1;
        return { type, start, end: j + 1, text: text.slice(start, j + 1) };
      }
      j++;
    }
    this.pos = text.length;
    return { type: 'error', start, end: text.length, text: text.slice(start) };
  }

  private numberOrWord(start: number): MysqlToken {
    const { text } = this;
    let j = start;
    const tok = (type: MysqlTokenType, e: number): MysqlToken => {
      this.pos = e;
      return { type, start, end: e, text: text.slice(start, e) };
    };
    // 0x1F, 0b101
    if (text.charCodeAt(j) === 48 && (text.charCodeAt(j + 1) === 120 || text.charCodeAt(j + 1) === 98)) {
      let k = j + 2;
      while (k < text.length && isWordChar(text.charCodeAt(k))) k++;
      return tok(/^0x[0-9a-f]+$|^0b[01]+$/i.test(text.slice(j, k)) ? 'number' : 'word', k);
    }
    while (isDigit(text.charCodeAt(j))) j++;
    let isNumber = true;
    if (text.charCodeAt(j) === 46) {
      j++;
      while (isDigit(text.charCodeAt(j))) j++;
    }
    const e = text.charCodeAt(j);
    if ((e === 101 || e === 69) && (isDigit(text.charCodeAt(j + 1)) || ((text.charCodeAt(j + 1) === 43 || text.charCodeAt(j + 1) === 45) && isDigit(text.charCodeAt(j + 2))))) {
      j += 2;
      while (isDigit(text.charCodeAt(j))) j++;
    }
    // digits followed by identifier characters: an identifier (`1st_name`), unless a `.` was read
    if (isWordChar(text.charCodeAt(j)) && !text.slice(start, j).includes('.')) {
      isNumber = false;
      while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
    }
    return tok(isNumber ? 'number' : 'word', j);
  }
}

function lineEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
  return j;
}

/** Tokenize the whole text with `;` as the only delimiter (no DELIMITER commands). */
export function tokenizeMysql(text: string, opts: MysqlLexOptions = {}): MysqlToken[] {
  return new MysqlLexer(text, opts).all();
}

/** A code token (not a comment, versioned-comment marker or delimiter). */
export function isCode(t: MysqlToken): boolean {
  return t.type !== 'comment' && t.type !== 'vopen' && t.type !== 'vclose';
}

/** The identifier a `word` or `quoted` token names (backquotes removed, doubled ones undone). */
export function identifierOf(t: MysqlToken): string {
  if (t.type === 'quoted') {
    const q = t.text[0];
    return t.text.slice(1, -1).split(q + q).join(q);
  }
  return t.text;
}
