/**
 * Pieces of the user's own SQL text, cut with PostgreSQL's scanner tokens (never with
 * regexes): a subcommand of an ALTER TABLE, the type and DEFAULT of a column definition,
 * the USING expression of a type change, the CHECK expression of a constraint.
 */
import type { ParsedFile, Statement } from '../dialects/postgresql/types.js';
import { subcommandSpans, type Span } from '../analysis/alter-subcommands.js';

export interface Tok {
  start: number;
  end: number;
  name: string;
  text: string;
}

/** The code tokens of a statement, in order. */
export function tokensOf(file: ParsedFile, stmt: Statement): Tok[] {
  return (file.tokensIn ? file.tokensIn(stmt.start, stmt.end) : file.tokens).filter((t) => t.start >= stmt.start && t.end <= stmt.end);
}

/** The span of every subcommand of an ALTER TABLE (undefined when the split fails). */
export function spansOf(file: ParsedFile, stmt: Statement): Span[] | undefined {
  return subcommandSpans(stmt, tokensOf(file, stmt));
}

export function textOf(file: ParsedFile, span: Span): string {
  return file.source.text.slice(span.start, span.end);
}

/** The statement's text (statements never include their `;`). */
export function statementText(stmt: Statement): string {
  return stmt.text.trim();
}

const COLUMN_STOP = new Set(['not', 'null', 'constraint', 'check', 'unique', 'primary', 'references', 'generated', 'collate', 'default', 'deferrable', 'initially', 'compression', 'storage']);

/** Tokens of a span. */
function inSpan(tokens: Tok[], span: Span): Tok[] {
  return tokens.filter((t) => t.start >= span.start && t.end <= span.end);
}

/** Text from token i up to (not including) the first top-level token whose word is in `stop`. */
function runUntil(text: string, toks: Tok[], from: number, stop: Set<string>): string | undefined {
  let depth = 0;
  let last: Tok | undefined;
  for (let j = from; j < toks.length; j++) {
    const t = toks[j];
    if (depth === 0 && stop.has(t.text.toLowerCase())) break;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    last = t;
  }
  return last && from < toks.length ? text.slice(toks[from].start, last.end) : undefined;
}

/** `ADD [COLUMN] [IF NOT EXISTS] name <type> …`: the type as written. */
export function columnTypeText(file: ParsedFile, stmt: Statement, span: Span, colname: string): string | undefined {
  const toks = inSpan(tokensOf(file, stmt), span);
  const at = toks.findIndex((t) => unquote(t.text) === colname && !['add', 'column', 'if', 'not', 'exists'].includes(t.text.toLowerCase()));
  if (at < 0) return undefined;
  return runUntil(file.source.text, toks, at + 1, COLUMN_STOP);
}

/** The DEFAULT expression of a column definition, as written. */
export function defaultText(file: ParsedFile, stmt: Statement, span: Span): string | undefined {
  const toks = inSpan(tokensOf(file, stmt), span);
  const at = toks.findIndex((t) => t.text.toLowerCase() === 'default');
  if (at < 0) return undefined;
  return runUntil(file.source.text, toks, at + 1, COLUMN_STOP);
}

/** `ALTER COLUMN c [SET DATA] TYPE <type> [COLLATE …] [USING expr]`: the type and the USING expression. */
export function typeChangeText(file: ParsedFile, stmt: Statement, span: Span): { type?: string; using?: string; collate?: string } {
  const toks = inSpan(tokensOf(file, stmt), span);
  const text = file.source.text;
  const at = toks.findIndex((t) => t.text.toLowerCase() === 'type');
  if (at < 0) return {};
  const type = runUntil(text, toks, at + 1, new Set(['using', 'collate']));
  const u = toks.findIndex((t, i) => i > at && t.text.toLowerCase() === 'using');
  const c = toks.findIndex((t, i) => i > at && t.text.toLowerCase() === 'collate');
  const using = u >= 0 && u + 1 < toks.length ? text.slice(toks[u + 1].start, toks[toks.length - 1].end) : undefined;
  const collate = c >= 0 && c + 1 < toks.length && (u < 0 || c < u) ? toks[c + 1].text : undefined;
  return { type, using, collate };
}

/** The parenthesised expression after a keyword (`CHECK (…)`), without the outer parentheses. */
export function parenAfter(file: ParsedFile, stmt: Statement, span: Span, keyword: string): string | undefined {
  const toks = inSpan(tokensOf(file, stmt), span);
  const at = toks.findIndex((t) => t.text.toLowerCase() === keyword);
  if (at < 0 || toks[at + 1]?.text !== '(') return undefined;
  let depth = 0;
  for (let j = at + 1; j < toks.length; j++) {
    if (toks[j].text === '(') depth++;
    else if (toks[j].text === ')') {
      depth--;
      if (depth === 0) return j > at + 2 ? file.source.text.slice(toks[at + 2].start, toks[j - 1].end) : '';
    }
  }
  return undefined;
}

/** Insert text after the first token matching a keyword in a span of the statement. */
export function insertAfterKeyword(file: ParsedFile, stmt: Statement, keyword: string, insert: string): string | undefined {
  const t = tokensOf(file, stmt).find((x) => x.text.toLowerCase() === keyword);
  if (!t) return undefined;
  const text = file.source.text;
  return (text.slice(stmt.start, t.end) + insert + text.slice(t.end, stmt.end)).trim();
}

/** The text of a clause from its keyword (`WHERE`) to the next top-level stop word, or to the end. */
export function clauseText(file: ParsedFile, stmt: Statement, keyword: string, stop: string[]): string | undefined {
  const toks = tokensOf(file, stmt);
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.text.toLowerCase() === keyword) {
      const s = runUntil(file.source.text, toks.filter((x) => x.text !== ';'), i + 1, new Set(stop));
      return s;
    }
  }
  return undefined;
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase();
}

/**
 * The assignments of an UPDATE's SET clause, as written: `col = expr` split at its top-level
 * commas (scanner tokens). Undefined for a form godwit does not split (`SET (a, b) = …`).
 */
export function setAssignments(file: ParsedFile, stmt: Statement): Array<{ column: string; expr: string }> | undefined {
  const toks = tokensOf(file, stmt).filter((x) => x.text !== ';');
  const text = file.source.text;
  let depth = 0;
  let at = -1;
  for (let i = 0; i < toks.length && at < 0; i++) {
    const t = toks[i];
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.text.toLowerCase() === 'set') at = i;
  }
  if (at < 0) return undefined;
  const parts: Tok[][] = [[]];
  depth = 0;
  for (let i = at + 1; i < toks.length; i++) {
    const t = toks[i];
    const word = t.text.toLowerCase();
    if (depth === 0 && (word === 'where' || word === 'from' || word === 'returning')) break;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    if (depth === 0 && t.text === ',') parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  const out: Array<{ column: string; expr: string }> = [];
  for (const p of parts) {
    const eq = p.findIndex((t) => t.text === '=');
    if (eq !== 1 || eq + 1 >= p.length) return undefined;
    out.push({ column: unquote(p[0].text), expr: text.slice(p[eq + 1].start, p[p.length - 1].end) });
  }
  return out;
}
