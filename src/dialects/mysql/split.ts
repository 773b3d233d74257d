/**
 * Split a MySQL file into statements, the way the server reads a multi-statement query (what
 * golang-migrate, goose, pop and Flyway send) and the way the mysql client reads a script:
 *
 * - a statement ends at `;` outside quotes, backquotes and comments, or at the custom
 *   delimiter of a `DELIMITER $$` command line (a client command: it is no statement);
 * - inside the body of `CREATE [DEFINER=…] TRIGGER|PROCEDURE|FUNCTION|EVENT`, `;` ends a
 *   statement of the body, not the definition: `BEGIN … END` and `CASE … END [CASE]` nest,
 *   `END IF|LOOP|WHILE|REPEAT` close blocks that never opened a level;
 * - the code inside versioned comments (`/*!80013 … *\/`) is code when the target server runs
 *   it (lexer.ts).
 *
 * Each statement spans its first to its last code token (the delimiter excluded). `parseText`
 * is its text with comments and versioned-comment markers blanked to spaces (line breaks
 * kept), so a parser's offsets into it are offsets into the file.
 */
import { MysqlLexer, isCode, type MysqlLexOptions, type MysqlToken } from './lexer.js';

export interface SplitStatement {
  /** UTF-16 range in the text, first code token to last */
  start: number;
  end: number;
  /** the statement's code tokens (comments, versioned-comment markers and the delimiter left out) */
  tokens: MysqlToken[];
  /** a lexical error inside it (an unterminated string, identifier or comment) */
  lexError?: { message: string; index: number };
}

export interface SplitFile {
  statements: SplitStatement[];
  /** every comment (`#`, `-- `, `/* *\/`, versioned comments that do not run) */
  comments: MysqlToken[];
  /** every code token of the file, in order */
  tokens: MysqlToken[];
}

const BODY_OBJECTS = new Set(['TRIGGER', 'PROCEDURE', 'FUNCTION', 'EVENT']);
/** CREATE … of these defines no body (`CREATE TABLE event (…)` is no event) */
const OTHER_OBJECTS = new Set(['TABLE', 'INDEX', 'VIEW', 'DATABASE', 'SCHEMA', 'USER', 'ROLE', 'SERVER', 'TABLESPACE', 'LOGFILE', 'SPATIAL', 'FULLTEXT', 'UNIQUE', 'TEMPORARY', 'SEQUENCE']);
const CLOSED_BY_THEIR_OWN_END = new Set(['IF', 'LOOP', 'WHILE', 'REPEAT']);

export function splitMysql(text: string, opts: MysqlLexOptions = {}): SplitFile {
  const lexer = new MysqlLexer(text, opts);
  const statements: SplitStatement[] = [];
  const comments: MysqlToken[] = [];
  const all: MysqlToken[] = [];
  let delimiter: string | undefined; // undefined: `;`
  let current: MysqlToken[] = [];
  let lexError: SplitStatement['lexError'];
  let body = new BodyDepth();

  const finish = (): void => {
    if (current.length) {
      const s: SplitStatement = { start: current[0].start, end: current[current.length - 1].end, tokens: current };
      if (lexError) s.lexError = lexError;
      statements.push(s);
    }
    current = [];
    lexError = undefined;
    body = new BodyDepth();
  };

  for (;;) {
    const t = lexer.next(delimiter);
    if (!t) break;
    if (t.type === 'comment') {
      comments.push(t);
      continue;
    }
    if (t.type === 'vopen' || t.type === 'vclose') continue;
    if (t.type === 'error') {
      // an unterminated literal runs to the end of the text: the statement ends there
      lexError ??= { message: unterminated(t), index: t.start };
      current.push(t);
      all.push(t);
      continue;
    }
    if (t.type === 'delimiter') {
      finish();
      continue;
    }
    // DELIMITER <string>: a client command at the start of a statement, to the end of its line
    if (current.length === 0 && t.type === 'word' && t.text.toUpperCase() === 'DELIMITER') {
      const line = restOfLine(text, t.end);
      const d = line.text.trim().split(/\s/)[0];
      if (d) {
        delimiter = d === ';' ? undefined : d;
        lexer.seek(line.end);
        continue;
      }
    }
    if (t.type === 'op' && t.text === ';' && !delimiter) {
      if (body.inBody(current)) {
        current.push(t);
        all.push(t);
        continue;
      }
      finish();
      continue;
    }
    body.feed(t, current);
    current.push(t);
    all.push(t);
  }
  finish();
  return { statements, comments, tokens: all };
}

function unterminated(t: MysqlToken): string {
  const c = t.text[0];
  if (c === '/') return 'unterminated /* comment';
  if (c === '`') return 'unterminated quoted identifier';
  return 'unterminated quoted string';
}

function restOfLine(text: string, from: number): { text: string; end: number } {
  let j = from;
  while (j < text.length && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
  return { text: text.slice(from, j), end: j };
}

/**
 * Nesting of compound statements in a stored-program body (only in statements that define
 * one), so that the `;` between the body's statements does not end the definition.
 */
class BodyDepth {
  private depth = 0;
  /** the statement defines a trigger, routine or event (decided on its first words) */
  private definesBody: boolean | undefined;
  /** the previous word was END (which closed a level; `END IF` and the like undo that) */
  private afterEnd = false;

  inBody(current: MysqlToken[]): boolean {
    return this.depth > 0 && this.isDefinition(current);
  }

  feed(t: MysqlToken, current: MysqlToken[]): void {
    const afterEnd = this.afterEnd;
    this.afterEnd = false;
    if (t.type !== 'word' || !this.isDefinition(current)) return;
    const w = t.text.toUpperCase();
    if (afterEnd) {
      // END IF / END LOOP / END WHILE / END REPEAT close blocks that opened no level
      if (CLOSED_BY_THEIR_OWN_END.has(w)) this.depth++;
      // END CASE closed the CASE level already
      if (w === 'CASE' || CLOSED_BY_THEIR_OWN_END.has(w)) return;
    }
    if (w === 'BEGIN' || w === 'CASE') this.depth++;
    else if (w === 'END' && this.depth > 0) {
      this.depth--;
      this.afterEnd = true;
    }
  }

  private isDefinition(current: MysqlToken[]): boolean {
    if (this.definesBody !== undefined) return this.definesBody;
    if (current.length === 0) return false;
    if (current[0].type !== 'word' || current[0].text.toUpperCase() !== 'CREATE') return (this.definesBody = false);
    // CREATE [OR REPLACE] [DEFINER = user] [SQL SECURITY …] [AGGREGATE] TRIGGER|PROCEDURE|FUNCTION|EVENT
    for (let i = 1; i < current.length && i < 16; i++) {
      const t = current[i];
      if (t.type === 'op' && t.text === '(') return (this.definesBody = false);
      if (t.type !== 'word') continue;
      const w = t.text.toUpperCase();
      if (BODY_OBJECTS.has(w)) return (this.definesBody = true);
      if (OTHER_OBJECTS.has(w)) return (this.definesBody = false);
    }
    if (current.length >= 16) return (this.definesBody = false);
    return false;
  }
}

export { isCode };

/**
 * The text a parser reads for a statement: its code tokens at their own offsets, everything
 * else (comments, versioned-comment markers) as spaces, line breaks kept. Offset k of it is
 * file offset `stmt.start + k`.
 */
export function parseTextOf(text: string, stmt: SplitStatement): string {
  const src = text.slice(stmt.start, stmt.end);
  let out = '';
  let pos = stmt.start;
  for (const t of stmt.tokens) {
    if (t.start > pos) out += blank(text.slice(pos, t.start));
    out += t.text;
    pos = t.end;
  }
  if (pos < stmt.end) out += blank(text.slice(pos, stmt.end));
  return out.length === src.length ? out : src;
}

function blank(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c === 10 || c === 13 ? s[i] : ' ';
  }
  return out;
}
