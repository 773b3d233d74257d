/**
 * A MySQL file as statements: split (split.ts), each statement parsed on its own by the
 * grammar (grammar.ts) and normalised (normalize.ts). A statement the grammar rejects is a
 * SyntaxError statement at the parser's position; the others are still parsed — recovery is per
 * statement by construction.
 *
 * Grammar gaps. The Workbench grammar predates MySQL 8.0.16's `DROP CHECK` and 8.0.19's `DROP
 * CONSTRAINT`, and has no MariaDB-only forms. When the parser stops at one of these, the
 * statement is parsed again with that word read as a form the grammar knows, of the same length
 * (`DROP CONSTRAINT c` as `DROP KEY        c`), and the operation is put back as what was
 * written (`drop-constraint`). MariaDB's `IF [NOT] EXISTS` after ADD/DROP/MODIFY (and
 * `ALGORITHM=NOCOPY`, which the grammar reads as any name) are handled the same way for MariaDB
 * targets. Nothing else is rewritten.
 */
import { SourceText } from '../postgresql/source.js';
import { parseDirectives } from '../postgresql/directives.js';
import type { Comment } from '../postgresql/types.js';
import { splitMysql, parseTextOf, type SplitStatement } from './split.js';
import { parseStatement, type GrammarNode } from './grammar.js';
import { normalize } from './normalize.js';
import { serverOf, type MysqlToken } from './lexer.js';
import type { AlterOp, MysqlParsedFile, MysqlStatement } from './types.js';

/** The deepest parenthesis nesting parsed (the corpus's deepest MySQL statement has 3). */
export const MAX_MYSQL_DEPTH = 100;
/** The longest statement parsed, in characters (the corpus's longest MySQL statement has ~2,000). */
export const MAX_MYSQL_STATEMENT = 1_000_000;

export interface MysqlParseOptions {
  /** `--mysql-version`: 8.0, 8.4, mariadb-10.11, mariadb-11.4 (or a release, 8.0.28) */
  target?: string;
}

/** The MySQL release whose grammar predicates a target reads with (MariaDB: the MySQL it tracks). */
function grammarVersion(target: string): string {
  const m = /^(mariadb-)?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(target);
  if (!m || m[1]) return '8.0.40';
  if (m[4] !== undefined) return `${m[2]}.${m[3]}.${m[4]}`;
  return `${m[2]}.${m[3]}.99`;
}

export function parseMysqlFile(path: string, raw: string, opts: MysqlParseOptions = {}): MysqlParsedFile {
  const target = opts.target ?? '8.0';
  const mariadb = target.startsWith('mariadb');
  // (a NUL is no character MySQL's client sends; it is read as a space so positions stay exact)
  const source = new SourceText(raw.includes('\0') ? raw.replaceAll('\0', ' ') : raw);
  const text = source.text;
  const split = splitMysql(text, { server: serverOf(target) });
  const version = grammarVersion(target);
  const statements: MysqlStatement[] = [];
  for (const s of split.statements) statements.push(parseOne(text, s, version, mariadb));
  statements.forEach((s, i) => (s.index = i));
  const comments: Comment[] = split.comments.map((t) => commentOf(source, t));
  const tokens = split.tokens.map((t) => ({ start: t.start, end: t.end, name: t.type, text: t.text }));
  return {
    dialect: 'mysql',
    path,
    source,
    statements,
    comments,
    directives: parseDirectives(comments),
    tokens,
    tokensIn: (start, end) => tokens.filter((t) => t.start >= start && t.start < end),
  };
}

function commentOf(source: SourceText, t: MysqlToken): Comment {
  return {
    text: t.text,
    start: t.start,
    end: t.end,
    line: source.position(t.start).line,
    endLine: source.position(Math.max(t.start, t.end - 1)).line,
    block: t.text.startsWith('/*'),
  };
}

function parseOne(text: string, s: SplitStatement, version: string, mariadb: boolean): MysqlStatement {
  const stmtText = text.slice(s.start, s.end);
  const base: MysqlStatement = {
    index: 0,
    kind: 'SyntaxError',
    body: {},
    start: s.start,
    end: s.end,
    text: stmtText,
    tokens: s.tokens,
    locate: (loc) => (loc === undefined || loc < 0 ? s.start : loc),
  };
  if (s.lexError) {
    base.error = s.lexError;
    return base;
  }
  // a statement nested deeper than any migration is not handed to the grammar (ANTLR's
  // prediction grows with the depth; PostgreSQL's side stops at MAX_TREE_DEPTH the same way)
  let depth = 0;
  let deepest = 0;
  for (const t of s.tokens) {
    if (t.text === '(') deepest = Math.max(deepest, ++depth);
    else if (t.text === ')') depth--;
  }
  if (deepest > MAX_MYSQL_DEPTH) {
    base.error = { message: `statement nested too deeply to analyze (more than ${MAX_MYSQL_DEPTH} levels of parentheses)`, index: s.start };
    return base;
  }
  if (s.end - s.start > MAX_MYSQL_STATEMENT) {
    base.error = { message: `statement too long to analyze (${s.end - s.start} characters; the limit is ${MAX_MYSQL_STATEMENT})`, index: s.start };
    return base;
  }
  const gaps = grammarGaps(parseTextOf(text, s), s, mariadb);
  const r = parseStatement(gaps.text, version);
  if (r.tree) return finish(base, r.tree, gaps.text, s.start, gaps.ops);
  base.error = { message: r.error!.message, index: Math.min(s.start + r.error!.offset, s.end) };
  return base;
}

function finish(stmt: MysqlStatement, tree: GrammarNode, parseText: string, start: number, patches: Array<{ at: number; kind: 'drop-constraint' | 'drop-check' }>): MysqlStatement {
  const n = normalize(tree, parseText, start);
  stmt.kind = n.kind;
  stmt.body = n.body;
  if (n.control) stmt.control = n.control;
  if (patches.length && n.kind === 'AlterTable') {
    const ops: AlterOp[] = n.body.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      const p = patches.find((x) => x.at >= op.start && x.at < op.end);
      if (p && op.kind === 'drop-index') ops[i] = { kind: 'drop-constraint', name: op.name, check: p.kind === 'drop-check', start: op.start, end: op.end };
    }
  }
  return stmt;
}

/** Replace [start, end) of the statement's parse text (file offsets) with `by`, padded to the same length. */
function replaceAt(parseText: string, s: SplitStatement, start: number, end: number, by: string): string {
  const a = start - s.start;
  const b = end - s.start;
  return parseText.slice(0, a) + by.padEnd(b - a, ' ') + parseText.slice(b);
}

/**
 * The statement's text with the known grammar gaps read as forms the grammar knows (same
 * lengths, so every offset stays): `DROP CHECK c` / `DROP CONSTRAINT c` in ALTER TABLE as
 * `DROP KEY c` (the operation is put back as drop-constraint), and for MariaDB `IF [NOT] EXISTS`
 * after ADD / DROP / MODIFY / CHANGE and `CREATE OR REPLACE` blanked.
 */
function grammarGaps(parseText: string, s: SplitStatement, mariadb: boolean): { text: string; ops: Array<{ at: number; kind: 'drop-constraint' | 'drop-check' }> } {
  const toks = s.tokens;
  const up = (k: number): string => (toks[k] && toks[k].type === 'word' ? toks[k].text.toUpperCase() : '');
  let text = parseText;
  const ops: Array<{ at: number; kind: 'drop-constraint' | 'drop-check' }> = [];
  if (up(0) === 'ALTER') {
    let depth = 0;
    for (let i = 1; i < toks.length; i++) {
      const t = toks[i];
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      if (depth !== 0) continue;
      if (up(i - 1) === 'DROP' && (up(i) === 'CHECK' || up(i) === 'CONSTRAINT')) {
        text = replaceAt(text, s, t.start, t.end, 'KEY');
        ops.push({ at: t.start, kind: up(i) === 'CHECK' ? 'drop-check' : 'drop-constraint' });
      }
    }
  }
  if (mariadb) {
    for (let i = 0; i < toks.length; i++) {
      if (up(i) !== 'IF') continue;
      const k = up(i + 1) === 'NOT' ? i + 2 : i + 1;
      if (up(k) !== 'EXISTS') continue;
      // (CREATE TABLE IF NOT EXISTS and DROP TABLE IF EXISTS are in the grammar: only ALTER's are not)
      if (up(0) === 'ALTER' && ['COLUMN', 'INDEX', 'KEY', 'ADD', 'DROP', 'MODIFY', 'CHANGE', 'CONSTRAINT', 'PARTITION'].includes(up(i - 1))) text = replaceAt(text, s, toks[i].start, toks[k].end, '');
    }
    if (up(0) === 'CREATE' && up(1) === 'OR' && up(2) === 'REPLACE') text = replaceAt(text, s, toks[1].start, toks[2].end, '');
  }
  return { text, ops };
}
