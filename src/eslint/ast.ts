/**
 * The ESLint AST of a SQL file: a `Program` whose `body` holds the file's statements, in
 * file order. A statement node's `type` is its libpg-query node kind (`IndexStmt`,
 * `AlterTableStmt`, …; `SyntaxError` for a statement PostgreSQL rejects), so a custom rule
 * can listen for `IndexStmt`. A DO block's static SQL statements are its `children`.
 * Ranges index the file text (BOM removed, as ESLint's); lines and columns are 1-based
 * (the `godwit/sql` language declares lineStart 1, columnStart 1).
 *
 * The godwit objects (`statement`, `parsed`) are attached as non-enumerable properties, so
 * ESLint's generic traversal helpers never walk into the libpg-query tree.
 */
import type { ParsedFile, Statement, Comment } from '../dialects/postgresql/types.js';
import type { SourceText } from '../dialects/postgresql/source.js';

export interface Position {
  line: number;
  column: number;
}

export interface SqlLocation {
  start: Position;
  end: Position;
}

export interface SqlNode {
  type: string;
  range: [number, number];
  loc: SqlLocation;
}

export interface SqlStatementNode extends SqlNode {
  /** statements of a DO block's PL/pgSQL body */
  children?: SqlStatementNode[];
  /** the godwit statement (non-enumerable) */
  readonly statement: Statement;
}

export interface SqlComment extends SqlNode {
  type: 'LineComment' | 'BlockComment';
  /** the text without `--`, or without `/*` and `*\/` */
  value: string;
}

export interface SqlProgram extends SqlNode {
  type: 'Program';
  body: SqlStatementNode[];
  comments: SqlComment[];
  /** the godwit parse of the file (non-enumerable) */
  readonly parsed: ParsedFile;
}

export function buildProgram(parsed: ParsedFile): SqlProgram {
  const src = parsed.source;
  const program = {
    type: 'Program' as const,
    range: [0, src.text.length] as [number, number],
    loc: locOf(src, 0, src.text.length),
    body: parsed.statements.map((s) => statementNode(src, s)),
  };
  // the comments when first asked for (ESLint's directives, a rule): finding them scans the file
  let comments: SqlComment[] | undefined;
  Object.defineProperty(program, 'comments', { enumerable: true, get: () => (comments ??= parsed.comments.map((c) => commentNode(src, c))) });
  return hide(program as typeof program & { comments: SqlComment[] }, 'parsed', parsed);
}

function statementNode(src: SourceText, s: Statement): SqlStatementNode {
  const node: Omit<SqlStatementNode, 'statement'> = { type: s.kind, range: [s.start, s.end], loc: locOf(src, s.start, s.end) };
  if (s.children?.length) node.children = s.children.map((c) => statementNode(src, c));
  return hide(node, 'statement', s);
}

function commentNode(src: SourceText, c: Comment): SqlComment {
  return {
    type: c.block ? 'BlockComment' : 'LineComment',
    value: c.block ? c.text.slice(2, c.text.endsWith('*/') ? -2 : undefined) : c.text.slice(2),
    range: [c.start, c.end],
    loc: locOf(src, c.start, c.end),
  };
}

function locOf(src: SourceText, start: number, end: number): SqlLocation {
  return { start: src.position(start), end: src.position(end) };
}

function hide<T extends object, K extends string, V>(obj: T, key: K, value: V): T & { readonly [k in K]: V } {
  Object.defineProperty(obj, key, { value, enumerable: false });
  return obj as T & { readonly [k in K]: V };
}

/** Visitor keys for the node types of one program (a statement's kind is open-ended). */
export function visitorKeysOf(program: SqlProgram): Record<string, string[]> {
  const keys: Record<string, string[]> = { Program: ['body'], LineComment: [], BlockComment: [] };
  const add = (n: SqlStatementNode): void => {
    keys[n.type] ??= [];
    if (n.children) {
      keys[n.type] = ['children'];
      n.children.forEach(add);
    }
  };
  program.body.forEach(add);
  return keys;
}
