/**
 * The one place that talks to libpg-query. The WASM module is loaded once (`initParser`);
 * afterwards every call is synchronous.
 */
import * as pg from 'libpg-query';
import type { Node } from 'libpg-query';

export type { Node };

let ready: Promise<void> | null = null;
let loaded = false;

export function initParser(): Promise<void> {
  if (!ready) ready = pg.loadModule().then(() => { loaded = true; });
  return ready;
}

function assertLoaded(): void {
  if (!loaded) throw new Error('godwit: the SQL parser is not loaded; await initParser() first');
}

export interface RawStmt {
  stmt: Node;
  stmt_location?: number;
  stmt_len?: number;
}

export class PgSyntaxError extends Error {
  /** 0-based code-point offset into the parsed text. */
  constructor(message: string, readonly cursor: number) {
    super(message);
  }
}

/** Parse SQL; throws PgSyntaxError. Empty/whitespace input yields no statements. */
export function parseSql(sql: string): RawStmt[] {
  assertLoaded();
  if (sql.trim() === '') return [];
  try {
    return (pg.parseSync(sql).stmts ?? []) as RawStmt[];
  } catch (e) {
    throw toSyntaxError(e);
  }
}

export interface PlpgsqlResult {
  plpgsql_funcs: Array<{ PLpgSQL_function: Record<string, unknown> }>;
}

export function parsePlpgsql(functionSql: string): PlpgsqlResult {
  assertLoaded();
  try {
    return pg.parsePlPgSQLSync(functionSql) as unknown as PlpgsqlResult;
  } catch (e) {
    throw toSyntaxError(e);
  }
}

export interface Token {
  start: number; // byte offset
  end: number; // byte offset
  name: string; // token name, e.g. SQL_COMMENT, C_COMMENT, ASCII_59, IDENT, SCONST
  keyword: boolean;
  text: string;
}

/** Tokenize; returns null when the scanner rejects the text (unterminated literal or comment). */
export function scanSql(sql: string): Token[] | null {
  assertLoaded();
  if (sql === '') return [];
  try {
    return pg.scanSync(sql).tokens.map((t) => ({
      start: t.start,
      end: t.end,
      name: t.tokenName,
      keyword: t.keywordKind !== 0,
      text: t.text,
    }));
  } catch {
    return null;
  }
}

function toSyntaxError(e: unknown): PgSyntaxError {
  if (pg.hasSqlDetails(e)) return new PgSyntaxError(e.message, e.sqlDetails?.cursorPosition ?? 0);
  const message = e instanceof Error ? e.message : String(e);
  return new PgSyntaxError(message, 0);
}
