/**
 * The one place that talks to the MySQL parser: ts-mysql-parser, the MySQL Workbench grammar
 * (MySQL's own grammar for its tools, with server-version predicates) compiled by ANTLR
 * (antlr4ts). Chosen by measurement (README, "MySQL parser"; bench/mysql-parsers.mjs): it
 * accepts the most of the corpus's MySQL statements and of the matrix's ALTER forms, keeps
 * ALGORITHM=/LOCK=, and locates every node. It is loaded on the first MySQL file only
 * (`initMysqlParser`), so a PostgreSQL run never pays for it.
 *
 * Nodes are ANTLR rule contexts (`ruleOf` names them). Offsets are UTF-16 indexes into the
 * parsed text.
 */
import { createRequire } from 'node:module';

export interface GrammarNode {
  ruleIndex?: number;
  childCount: number;
  getChild(i: number): GrammarNode;
  start: { startIndex: number };
  stop?: { stopIndex: number };
  /** terminal nodes: the token */
  symbol?: { type: number; text?: string; startIndex: number; stopIndex: number };
  text: string;
}

export interface GrammarResult {
  tree?: GrammarNode;
  /** the parser's (or lexer's) message and the offset it points at */
  error?: { message: string; offset: number };
}

interface WorkbenchParser {
  parse(sql: string): {
    tree: GrammarNode;
    parserError?: { message: string; data?: { offendingToken?: { startIndex: number } | null; line?: number; character?: number } };
    lexerError?: { message: string; data?: { line?: number; character?: number; startIndex?: number } };
  };
}

let ruleNames: readonly string[] = [];
const parsers = new Map<string, WorkbenchParser>();
let loaded: ((version: string) => WorkbenchParser) | undefined;
let loading: Promise<void> | undefined;

/** Load the grammar (once). */
export function initMysqlParser(): Promise<void> {
  loading ??= Promise.resolve().then(initMysqlParserSync);
  return loading;
}

/** `initMysqlParser` for synchronous callers (the ESLint plugin): the grammar is a CommonJS package, loaded with require. */
export function initMysqlParserSync(): void {
  if (loaded) return;
  {
    const require = createRequire(import.meta.url);
    const mod = require('ts-mysql-parser') as { default: new (o: { version: string }) => WorkbenchParser; MySQLParser: { prototype: { ruleNames: string[] } } & { ruleNames?: string[] } };
    ruleNames = (mod.MySQLParser as unknown as { ruleNames: string[] }).ruleNames ?? mod.MySQLParser.prototype.ruleNames;
    const Parser = mod.default;
    loaded = (version) => new Parser({ version });
  }
}

export function mysqlParserLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * Parse one statement (its text as split.ts hands it over: comments blanked). `serverVersion`
 * is a MySQL release such as `8.0.40`: the grammar's version predicates follow it.
 */
export function parseStatement(text: string, serverVersion: string): GrammarResult {
  if (!loaded) throw new Error('godwit: the MySQL parser is not loaded; await initMysqlParser() first');
  let p = parsers.get(serverVersion);
  if (!p) parsers.set(serverVersion, (p = loaded(serverVersion)));
  const r = p.parse(text);
  const err = r.lexerError ?? r.parserError;
  if (err) {
    const tok = r.lexerError ? undefined : r.parserError?.data?.offendingToken;
    let offset = tok && tok.startIndex >= 0 ? tok.startIndex : -1;
    if (offset < 0) offset = offsetOfLineColumn(text, err.data?.line ?? 1, err.data?.character ?? 0);
    return { error: { message: err.message, offset: Math.min(Math.max(0, offset), text.length) } };
  }
  return { tree: r.tree };
}

function offsetOfLineColumn(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl === -1) return text.length;
    off = nl + 1;
  }
  return off + column;
}

/**
 * The rule of a node (`alterListItem`), undefined for a token. A labelled alternative is named
 * by its label (`exprIs`, `primaryExprCompare`: its context class, `ExprIsContext`); the class
 * names are the package's own (node_modules is never bundled), with the grammar's rule names as
 * the fallback.
 */
export function ruleOf(n: GrammarNode): string | undefined {
  if (n.symbol || n.ruleIndex === undefined) return undefined;
  const c = (n as { constructor?: { name?: string } }).constructor?.name;
  if (c && c.length > 7 && c.endsWith('Context')) return c[0].toLowerCase() + c.slice(1, -7);
  return ruleNames[n.ruleIndex];
}
