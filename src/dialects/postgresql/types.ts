import type { Node } from './pg.js';
import type { SourceText } from './source.js';
import type { Directive } from './directives.js';

/** A SQL comment, positions as UTF-16 indexes into the file text. */
export interface Comment {
  text: string;
  start: number;
  end: number;
  line: number;
  endLine: number;
  block: boolean;
}

export interface Statement {
  /** position in ParsedFile.statements (top-level) or in the parent's children */
  index: number;
  /** libpg-query node type, e.g. 'IndexStmt'; 'SyntaxError' for a statement that did not parse */
  kind: string;
  /** the node wrapper `{ [kind]: body }`, absent for syntax errors */
  node?: Node;
  /** the node body (`node[kind]`) */
  body: any;
  /** UTF-16 range in the file text, from the first token to the last (no `;`) */
  start: number;
  end: number;
  text: string;
  /** map a libpg-query `location` (a byte offset in this statement's parsed text) to a file index */
  locate(location: number | undefined): number;
  error?: { message: string; index: number };
  /** for statements inside a DO block */
  parent?: Statement;
  /** inside a PL/pgSQL loop (LOOP, WHILE, FOR) */
  inLoop?: boolean;
  /** statements of a DO block's PL/pgSQL body (static SQL only) */
  children?: Statement[];
  /** a DO block with EXECUTE of dynamic SQL the analysis cannot see */
  dynamicSql?: boolean;
  /** a DO block: every SQL text of its PL/pgSQL (statements and expressions such as PERFORM's), as PL/pgSQL's parser gives them */
  bodyQueries?: string[];
  /** a DO block whose PL/pgSQL body godwit could not parse: why (reported as a syntax-error; nothing inside was analysed) */
  unanalysable?: { message: string; index: number };
}

export interface ParsedFile {
  path: string;
  source: SourceText;
  statements: Statement[];
  comments: Comment[];
  directives: Directive[];
  /** code tokens (no comments), UTF-16 positions, in order (may be scanned on first access) */
  tokens: Array<{ start: number; end: number; name: string; text: string }>;
  /**
   * The code tokens starting in [start, end), as `tokens` filtered, but scanning only that part
   * of the file when the tokens were not needed before. Prefer it over `tokens`.
   */
  tokensIn?(start: number, end: number): Array<{ start: number; end: number; name: string; text: string; keyword?: boolean }>;
  /**
   * The code tokens of [start, end) when both are token boundaries of one top-level statement
   * (its start, a parse-tree location): what `tokensIn` gives, but scanning only that range
   * instead of the whole statement when it was not scanned before.
   */
  tokensBetween?(start: number, end: number): Array<{ start: number; end: number; name: string; text: string; keyword?: boolean }>;
}
