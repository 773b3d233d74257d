/**
 * The two settings that change how PostgreSQL cuts SQL text into statements, and where a
 * migration changes them. godwit reads a file as PostgreSQL does by default — backslashes in
 * '…' strings are ordinary characters (standard_conforming_strings = on) and the text is UTF-8
 * — so after
 *
 *   SET standard_conforming_strings = off;   -- '…' strings take backslash escapes
 *   SET client_encoding = 'SJIS';            -- a multibyte character can end in the byte of '\'
 *
 * PostgreSQL can see statements inside what godwit read as a string: the statements godwit
 * checks are no longer the ones PostgreSQL runs. Found on the AST: SET / SET LOCAL / SET NAMES /
 * RESET, set_config() with constant arguments (also in a DO block's PL/pgSQL), and
 * ALTER DATABASE / ALTER ROLE … SET (the next sessions: later migrations).
 */
import type { Statement } from '../dialects/postgresql/types.js';
import { parseSql } from '../dialects/postgresql/pg.js';

export type LexingSetting = 'standard_conforming_strings' | 'client_encoding';

export interface LexingChange {
  /** the statement that makes it (a DO block's child, or the DO block for set_config() in its PL/pgSQL) */
  stmt: Statement;
  setting: LexingSetting;
  /** the new value as written; undefined for RESET / DEFAULT, null when it is not a constant */
  value: string | null | undefined;
  /** how it is written, for messages: `SET`, `SET LOCAL`, `RESET`, `set_config()`, `ALTER DATABASE … SET`, … */
  form: string;
  /** this session (the rest of the file), or the database's / a role's next sessions (later migrations) */
  scope: 'session' | 'database' | 'role';
  /** PostgreSQL may cut the text into statements where godwit does not */
  boundaries: boolean;
  /** the value is not the one godwit (and `godwit trace`'s connection) reads with: on, UTF8 */
  differs: boolean;
}

const TRUE = ['on', 'true', 'yes', '1', 't', 'tr', 'tru', 'y', 'ye'];

/**
 * Client encodings whose multibyte characters can contain bytes of ASCII characters — a
 * backslash among them (PostgreSQL's "client-only" encodings). Names as PostgreSQL compares
 * them: lower case, letters and digits only (pg_encname_tbl).
 */
const ASCII_TRAIL = new Set([
  'sjis', 'shiftjis', 'mskanji', 'win932', 'windows932', 'shiftjis2004',
  'big5', 'win950', 'windows950', 'gbk', 'win936', 'windows936', 'uhc', 'win949', 'windows949', 'gb18030', 'johab',
]);
const UTF8 = new Set(['utf8', 'unicode']);

/** An encoding name as PostgreSQL compares it. */
export function encodingKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function constant(node: any): string | null {
  const c = node?.A_Const;
  if (!c) return null;
  if (c.sval) return String(c.sval.sval ?? '');
  if (c.ival) return String(c.ival.ival ?? 0);
  if (c.boolval) return c.boolval.boolval ? 'true' : 'false';
  if (c.fval) return String(c.fval.fval);
  return null;
}

function judge(setting: LexingSetting, value: string | null | undefined): { boundaries: boolean; differs: boolean } {
  if (value === undefined) return { boundaries: false, differs: false };
  if (value === null) return { boundaries: true, differs: true };
  if (setting === 'standard_conforming_strings') {
    const on = TRUE.includes(value.trim().toLowerCase());
    return { boundaries: !on, differs: !on };
  }
  const key = encodingKey(value);
  return { boundaries: ASCII_TRAIL.has(key), differs: !UTF8.has(key) };
}

function isLexing(name: unknown): name is LexingSetting {
  return name === 'standard_conforming_strings' || name === 'client_encoding';
}

function fromSetStmt(stmt: Statement, set: any, scope: LexingChange['scope'], prefix: string): LexingChange | undefined {
  const name = String(set?.name ?? '').toLowerCase();
  if (!isLexing(name)) return undefined;
  let value: string | null | undefined;
  let form: string;
  if (set.kind === 'VAR_SET_VALUE') {
    value = set.args?.length === 1 ? constant(set.args[0]) : null;
    form = `${prefix}SET${set.is_local ? ' LOCAL' : ''}`;
  } else if (set.kind === 'VAR_SET_DEFAULT' || set.kind === 'VAR_RESET') {
    value = undefined;
    form = scope === 'session' ? 'RESET' : `${prefix}RESET`;
  } else {
    return undefined;
  }
  return { stmt, setting: name, value, form, scope, ...judge(name, value) };
}

/** set_config('<setting>', value, …) calls anywhere in a parse tree. */
function setConfigCalls(stmt: Statement, node: unknown, out: LexingChange[], form: string): void {
  if (Array.isArray(node)) {
    for (const n of node) setConfigCalls(stmt, n, out, form);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, any>;
  const call = o.FuncCall;
  if (call) {
    const names: string[] = (call.funcname ?? []).map((n: any) => String(n?.String?.sval ?? '').toLowerCase());
    const args: any[] = call.args ?? [];
    if (names[names.length - 1] === 'set_config' && (names.length === 1 || names[0] === 'pg_catalog') && args.length === 3) {
      const name = constant(args[0])?.toLowerCase();
      if (isLexing(name)) {
        const value = constant(args[1]);
        out.push({ stmt, setting: name, value, form, scope: 'session', ...judge(name, value) });
      }
    }
  }
  for (const k in o) {
    const v = o[k];
    if (v && typeof v === 'object') setConfigCalls(stmt, v, out, form);
  }
}

/**
 * The changes one statement makes (not those of a DO block's children: they are statements of
 * their own; the DO block's other PL/pgSQL — PERFORM set_config(…), assignments — counts as
 * the DO block's).
 */
export function lexingChangesOf(stmt: Statement): LexingChange[] {
  const out: LexingChange[] = [];
  const b = stmt.body;
  switch (stmt.kind) {
    case 'VariableSetStmt': {
      const c = fromSetStmt(stmt, b, 'session', '');
      if (c) out.push(c);
      break;
    }
    case 'AlterDatabaseSetStmt': {
      const c = fromSetStmt(stmt, b.setstmt, 'database', 'ALTER DATABASE … ');
      if (c) out.push(c);
      break;
    }
    case 'AlterRoleSetStmt': {
      const c = fromSetStmt(stmt, b.setstmt, 'role', 'ALTER ROLE … ');
      if (c) out.push(c);
      break;
    }
    case 'DoStmt':
      for (const q of stmt.bodyQueries ?? []) {
        if (!MAY_CALL_SET_CONFIG.test(q)) continue;
        const tree = plpgsqlQuery(q);
        if (tree) setConfigCalls(stmt, tree, out, 'set_config() in a DO block');
      }
      return out;
    case 'SyntaxError':
      return out;
  }
  if (stmt.node && MAY_CALL_SET_CONFIG.test(stmt.text)) setConfigCalls(stmt, stmt.node, out, 'set_config()');
  return out;
}

/**
 * Text that can call set_config: its name, in any case or quoted, or a Unicode-escaped
 * identifier (`U&"\0073et_config"`) that can spell it. Without either, no call in the parse
 * tree names it, and the tree is not walked (nor a DO block's query parsed).
 */
const MAY_CALL_SET_CONFIG = /set_config|u&/i;

/** A PL/pgSQL query or expression (`set_config(…)` of a PERFORM) as a parse tree; undefined when it is not SQL. */
export function plpgsqlQuery(q: string): unknown[] | undefined {
  for (const text of [q, `SELECT ${q}`]) {
    try {
      return parseSql(text);
    } catch {
      // an expression, not a statement: try it as SELECT <expr>
    }
  }
  return undefined;
}

/** Every change in a file's statements, DO blocks' children included, in order. */
export function lexingChanges(statements: Statement[]): LexingChange[] {
  const out: LexingChange[] = [];
  for (const s of statements) {
    out.push(...lexingChangesOf(s));
    for (const c of s.children ?? []) out.push(...lexingChangesOf(c));
  }
  return out;
}

/** `SET standard_conforming_strings = off`, as the finding names it. */
export function describeChange(c: LexingChange): string {
  if (c.value === undefined) return `${c.form} ${c.setting}`;
  const shown = c.value === null ? '<an expression>' : c.setting === 'client_encoding' ? `'${c.value}'` : c.value;
  if (c.form.startsWith('set_config')) return `set_config('${c.setting}', ${c.value === null ? '…' : `'${c.value}'`}, …)`;
  return `${c.form} ${c.setting} = ${shown}`;
}
