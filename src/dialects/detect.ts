/**
 * Which dialect a file is written in, when neither `--dialect`, the config, the runner layout
 * (pop's `*.mysql.up.sql`, a `mysql/` migrations folder) nor the runner's configuration says
 * (sources/roots.ts): MySQL-only syntax, found with MySQL's tokenizer (outside strings and
 * comments) — backquoted identifiers, `ENGINE =`, `AUTO_INCREMENT`, `UNSIGNED`, `MODIFY` /
 * `CHANGE [COLUMN]` in ALTER TABLE, `DELIMITER` commands, versioned comments
 * (`/*!40101 … *\/`) — and only when PostgreSQL's parser rejects the file: a file PostgreSQL
 * accepts is PostgreSQL, whatever it holds (a backquote inside a dollar-quoted function body, a
 * column named `engine`). (`#` is no marker: it is an operator in PostgreSQL, `#>>` among them.)
 */
import { tokenizeMysql, type MysqlToken } from './mysql/lexer.js';
import { parseSql, PgSyntaxError } from './postgresql/pg.js';

export type DialectChoice = 'postgresql' | 'mysql';

/** Words that must occur (in any case) for a file to hold MySQL-only syntax: without them, no tokenizing. */
const HINTS = ['`', 'engine', 'auto_increment', 'unsigned', 'modify', 'change', 'delimiter', '/*!'];

/** The first MySQL-only construct of the text, or undefined. */
export function mysqlMarker(text: string): string | undefined {
  // binary or mis-encoded bytes (NUL, U+FFFD) are no migration of either dialect: PostgreSQL reports them
  if (text.includes('\0') || text.includes('\uFFFD')) return undefined;
  const lower = text.toLowerCase();
  if (!HINTS.some((h) => lower.includes(h))) return undefined;
  const tokens = tokenizeMysql(text);
  let stmtStart = true;
  let inAlterTable = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'comment') continue;
    // (`/*!40101` with its version: a bare `/*!` could be a PostgreSQL comment's decoration)
    if (t.type === 'vopen' && t.text.length > 3) return 'versioned comments (/*!40101 … */)';
    if (t.type === 'quoted' && t.text.startsWith('`') && looksLikeIdentifier(t.text)) return 'backquoted identifiers';
    const prev = previousCode(tokens, i);
    if (t.type === 'op' && t.text === ';') {
      stmtStart = true;
      inAlterTable = false;
      continue;
    }
    if (t.type !== 'word') {
      stmtStart = false;
      continue;
    }
    const w = t.text.toUpperCase();
    if (stmtStart) {
      if (w === 'DELIMITER' && nextCode(tokens, i)?.start !== undefined && sameLine(text, t, nextCode(tokens, i)!)) return 'DELIMITER commands';
      inAlterTable = w === 'ALTER' && nextCode(tokens, i)?.text.toUpperCase() === 'TABLE';
    }
    stmtStart = false;
    const next = nextCode(tokens, i);
    if (w === 'ENGINE' && next?.text === '=' && prev?.text === ')') return 'ENGINE=';
    if (w === 'AUTO_INCREMENT' && prev && prev.type === 'word' && !['ADD', 'COLUMN', 'TABLE', 'AS'].includes(prev.text.toUpperCase())) return 'AUTO_INCREMENT';
    if (w === 'AUTO_INCREMENT' && prev?.text === ')') return 'AUTO_INCREMENT';
    if (w === 'UNSIGNED' && prev && (prev.text === ')' || NUMERIC_TYPES.has(prev.text.toUpperCase()))) return 'UNSIGNED';
    if (inAlterTable && (w === 'MODIFY' || w === 'CHANGE') && next && (next.type === 'word' || next.type === 'quoted') && startsAlterItem(tokens, i)) return `${w} COLUMN`;
  }
  return undefined;
}

/** `name`: 1–64 characters on one line, none of them a control character (MySQL's identifier limits) */
function looksLikeIdentifier(quoted: string): boolean {
  const body = quoted.slice(1, -1);
  if (body.length === 0 || body.length > 64 + 8) return false;
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) < 32) return false;
  return true;
}

const NUMERIC_TYPES = new Set(['TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'INTEGER', 'BIGINT', 'DECIMAL', 'FLOAT', 'DOUBLE']);

/** The word at `i` starts an item of ALTER TABLE's list: after a `,`, or right after `ALTER TABLE name`. */
function startsAlterItem(tokens: MysqlToken[], i: number): boolean {
  const prev = previousCode(tokens, i);
  if (prev?.text === ',') return true;
  // ALTER TABLE [schema.]name MODIFY
  let j = i - 1;
  while (j >= 0 && (tokens[j].type === 'comment' || tokens[j].type === 'vopen' || tokens[j].type === 'vclose')) j--;
  j--; // the name
  while (j >= 1 && tokens[j].text === '.') j -= 2;
  while (j >= 0 && (tokens[j].type === 'comment' || tokens[j].type === 'vopen' || tokens[j].type === 'vclose')) j--;
  return j >= 0 && tokens[j].text.toUpperCase() === 'TABLE';
}

function previousCode(tokens: MysqlToken[], i: number): MysqlToken | undefined {
  for (let j = i - 1; j >= 0; j--) if (tokens[j].type !== 'comment' && tokens[j].type !== 'vopen' && tokens[j].type !== 'vclose') return tokens[j];
  return undefined;
}

function nextCode(tokens: MysqlToken[], i: number): MysqlToken | undefined {
  for (let j = i + 1; j < tokens.length; j++) if (tokens[j].type !== 'comment' && tokens[j].type !== 'vopen' && tokens[j].type !== 'vclose') return tokens[j];
  return undefined;
}

function sameLine(text: string, a: MysqlToken, b: MysqlToken): boolean {
  const between = text.slice(a.end, b.start);
  return !between.includes('\n') && !between.includes('\r');
}

/** The dialect of a file from its text alone (PostgreSQL's parser must be loaded: initParser). */
export function detectDialect(text: string): DialectChoice {
  if (!mysqlMarker(text)) return 'postgresql';
  try {
    parseSql(text);
    return 'postgresql';
  } catch (e) {
    if (e instanceof PgSyntaxError) return 'mysql';
    throw e;
  }
}
