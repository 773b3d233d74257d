/**
 * DO blocks: parse the PL/pgSQL body with PostgreSQL's PL/pgSQL parser (parsePlPgSQL) and
 * expose its static SQL statements as children of the DO statement, with their position in
 * the file and whether they run inside a loop (the batched-backfill pattern of the seeds).
 */
import { parsePlpgsql, parseSql, PgSyntaxError } from './pg.js';
import type { SourceText } from './source.js';
import type { Statement } from './types.js';
import type { FileToken } from './parse.js';

const LOOPS = new Set([
  'PLpgSQL_stmt_loop',
  'PLpgSQL_stmt_while',
  'PLpgSQL_stmt_fori',
  'PLpgSQL_stmt_fors',
  'PLpgSQL_stmt_forc',
  'PLpgSQL_stmt_foreach_a',
  'PLpgSQL_stmt_dynfors',
]);

interface InnerSql {
  query: string;
  lineno: number;
  inLoop: boolean;
}

/** `tokenAt(pos)`: the file's token (comments included) starting at `pos`, if any. */
export function expandDoBlock(stmt: Statement, source: SourceText, tokenAt: (pos: number) => FileToken | undefined): void {
  const args: any[] = stmt.body.args ?? [];
  let bodyArg: any;
  let language = 'plpgsql';
  for (const a of args) {
    const d = a.DefElem;
    if (!d) continue;
    if (d.defname === 'as') bodyArg = d;
    if (d.defname === 'language') language = String(d.arg?.String?.sval ?? '').toLowerCase();
  }
  if (!bodyArg || language !== 'plpgsql') return;
  const body: string = bodyArg.arg?.String?.sval ?? '';

  // where the body text starts in the file: after the dollar-quote tag. Positions are exact
  // only in a dollar-quoted body (a quoted one has its escapes resolved in `body`).
  const literalStart = stmt.locate(bodyArg.location);
  let bodyStart = literalStart;
  let exact = false;
  if (source.text.charCodeAt(literalStart) === 0x24) {
    // the parser's location is the string constant's first token; a `$` starts a dollar quote,
    // whose tag holds no `$`: the tag runs to the next one. Checked against the parsed body and
    // the closing tag, which spares scanning the whole DO statement (the scanner is the
    // fallback, as it was the only way before)
    const open = source.text.indexOf('$', literalStart + 1) + 1;
    const tag = source.text.slice(literalStart, open);
    if (open > 0 && source.text.startsWith(body, open) && source.text.startsWith(tag, open + body.length)) {
      bodyStart = open;
      exact = true;
    } else {
      const token = tokenAt(literalStart);
      if (token && token.text.startsWith('$')) {
        bodyStart = literalStart + token.text.indexOf('$', 1) + 1;
        exact = true;
      }
    }
  }

  let tag = '$godwit$';
  for (let i = 0; body.includes(tag); i++) tag = `$godwit${i}$`;
  let inner: InnerSql[];
  let dynamic = false;
  const queries: string[] = [];
  try {
    const res = parsePlpgsql(`CREATE FUNCTION godwit_do() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`);
    inner = [];
    const found = { dynamic: false };
    for (const f of res.plpgsql_funcs ?? []) collect(f, false, inner, found, queries);
    dynamic = found.dynamic;
  } catch (e) {
    // PostgreSQL rejects the block when it runs, or it is deeper than godwit analyses: either
    // way nothing inside it was checked, which is a finding (syntax-error), never a pass
    if (e instanceof PgSyntaxError) {
      stmt.unanalysable = { message: `DO block: ${e.message}`, index: bodyStart };
      return;
    }
    throw e;
  }
  stmt.bodyQueries = queries;

  const lineStarts = [0];
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) === 10) lineStarts.push(i + 1);

  const children: Statement[] = [];
  let searchFrom = 0;
  for (const q of inner) {
    let rel = -1;
    if (exact) {
      const from = lineStarts[Math.max(0, q.lineno - 1)] ?? 0;
      // statements come in text order: look after the previous one (equal statements on one line)
      rel = findQuery(body, q.query, Math.max(from, searchFrom));
      if (rel === -1) rel = findQuery(body, q.query, from);
      if (rel === -1) rel = findQuery(body, q.query, 0);
      if (rel !== -1) searchFrom = rel + q.query.length;
    }
    const start = rel === -1 ? stmt.start : bodyStart + rel;
    const end = rel === -1 ? stmt.end : start + q.query.length;
    let raws;
    try {
      raws = parseSql(q.query);
    } catch {
      continue; // PL/pgSQL expressions that are not plain SQL (rare) are not analysed
    }
    const queryText = q.query;
    for (const r of raws) {
      const kind = Object.keys(r.stmt)[0];
      children.push({
        index: children.length,
        kind,
        node: r.stmt,
        body: (r.stmt as Record<string, unknown>)[kind],
        start,
        end,
        text: source.text.slice(start, end),
        locate: (loc) => {
          if (rel === -1 || loc === undefined || loc < 0) return start;
          return start + Buffer.from(queryText, 'utf8').subarray(0, loc).toString('utf8').length;
        },
        parent: stmt,
        inLoop: q.inLoop,
      });
    }
  }
  stmt.children = children;
  if (dynamic) stmt.dynamicSql = true;
}

/**
 * Where `query` starts in the body. PL/pgSQL cuts `INTO target` out of a statement's text and
 * puts spaces of the same length in its place, so a space in the query matches any character.
 */
function findQuery(body: string, query: string, from: number): number {
  const exact = body.indexOf(query, from);
  if (exact !== -1) return exact;
  const gap = query.indexOf('  ');
  const head = gap === -1 ? query : query.slice(0, gap);
  if (!head.trim()) return -1;
  for (let p = body.indexOf(head, from); p !== -1; p = body.indexOf(head, p + 1)) {
    let ok = p + query.length <= body.length;
    for (let i = head.length; ok && i < query.length; i++) if (query[i] !== ' ' && query[i] !== body[p + i]) ok = false;
    if (ok) return p;
  }
  return -1;
}

function collect(node: unknown, inLoop: boolean, out: InnerSql[], found: { dynamic: boolean }, queries: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, inLoop, out, found, queries);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'query' && typeof value === 'string') queries.push(value);
    if (key === 'PLpgSQL_stmt_execsql') {
      const v = value as any;
      const query = v?.sqlstmt?.PLpgSQL_expr?.query;
      if (typeof query === 'string') out.push({ query, lineno: v.lineno ?? 1, inLoop });
    }
    if (key === 'PLpgSQL_stmt_dynexecute' || key === 'PLpgSQL_stmt_dynfors') found.dynamic = true;
    collect(value, inLoop || LOOPS.has(key), out, found, queries);
  }
}
