/**
 * Runner directives live in SQL comments (`-- +goose Down`, `-- migrate:up transaction:false`,
 * `-- atlas:txmode none`, `-- Up Migration`). The comments are found with PostgreSQL's own
 * scanner, so a directive-like line inside a string literal or a dollar-quoted body is not
 * taken for one. Only comment text is inspected here, never SQL statements.
 */
import { scanSql } from '../dialects/postgresql/pg.js';
import { SourceText } from '../dialects/postgresql/source.js';

export interface LineComment {
  /** UTF-16 offsets in the raw text (BOM included) */
  start: number;
  end: number;
  /** the comment, `--` included, no line break */
  text: string;
  /** starts in column 0 */
  atLineStart: boolean;
  /** only whitespace before it on its line */
  firstOnLine: boolean;
}

export interface ScannedComments {
  comments: LineComment[];
  /** raw offset of the first token that is not a comment (text length if none) */
  firstCode: number;
}

/** `--` comments of a file, in order. Requires the parser (`initParser()`). */
export function lineComments(raw: string): ScannedComments {
  const source = new SourceText(raw);
  const bom = source.bom ? 1 : 0;
  const tokens = scanSql(source.text);
  if (tokens === null) return fallbackLineComments(raw);
  const comments: LineComment[] = [];
  let firstCode = raw.length;
  for (const t of tokens) {
    if (t.name === 'C_COMMENT') continue;
    const start = source.indexOfByte(t.start) + bom;
    if (t.name !== 'SQL_COMMENT') {
      if (firstCode === raw.length) firstCode = start;
      continue;
    }
    const end = source.indexOfByte(t.end) + bom;
    const text = raw.slice(start, end).replace(/\r$/, '');
    comments.push({ start, end: start + text.length, text, ...linePosition(raw, start) });
  }
  return { comments, firstCode };
}

/**
 * When the scanner rejects the file (an unterminated literal or comment), read comment lines
 * the way the line-based runners themselves do: a line whose first non-blank characters are `--`.
 */
function fallbackLineComments(raw: string): ScannedComments {
  const comments: LineComment[] = [];
  let firstCode = raw.length;
  let at = raw.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at <= raw.length) {
    let eol = at;
    while (eol < raw.length && raw[eol] !== '\n' && raw[eol] !== '\r') eol++;
    const line = raw.slice(at, eol);
    const indent = line.length - line.trimStart().length;
    if (line.startsWith('--', indent)) {
      comments.push({ start: at + indent, end: eol, text: line.slice(indent), atLineStart: indent === 0, firstOnLine: true });
    } else if (line.trim() !== '' && firstCode === raw.length) {
      firstCode = at + indent;
    }
    if (eol >= raw.length) break;
    at = raw[eol] === '\r' && raw[eol + 1] === '\n' ? eol + 2 : eol + 1;
  }
  return { comments, firstCode };
}

function linePosition(raw: string, start: number): { atLineStart: boolean; firstOnLine: boolean } {
  let i = start - 1;
  while (i >= 0 && (raw[i] === ' ' || raw[i] === '\t' || raw[i] === '\ufeff')) i--;
  const firstOnLine = i < 0 || raw[i] === '\n' || raw[i] === '\r';
  const prev = raw[start - 1];
  const atLineStart = start === 0 || prev === '\n' || prev === '\r' || (start === 1 && prev === '\ufeff');
  return { atLineStart, firstOnLine };
}
