/**
 * The virtual SQL document of a JS/TS migration: its calls' SQL in run order, one after the
 * other, and the way back from any offset of it to the JS/TS file.
 *
 *   -- godwit-ignore-file …              ← `// godwit-ignore-file …` anywhere in the file
 *   -- godwit-ignore rule -- reason      ← `// godwit-ignore …` above a call, before each of its statements
 *   <the SQL of call 1>                  ← a fragment: every character maps into the string literal
 *   ;
 *   SELECT '__godwit_dynamic_sql__', …;  ← a call whose SQL cannot be read (rules/dynamic-sql.ts)
 *   COMMIT;                              ← TypeORM queryRunner.commitTransaction()
 *   CREATE INDEX users_email ON users …; ← a builder call (queryInterface.addIndex …): the SQL the tool sends,
 *                                          one piece per statement, each anchored at the whole call
 *   SELECT '__godwit_dynamic_sql__', …, 'builder'; ← a builder call that cannot be translated
 *
 * Synthetic text (directives, separators, markers) maps to the JS range it stands for.
 */
import type { Edit } from '../../engine/types.js';
import { KIND_CHAR, KIND_ESCAPE } from './strings.js';
import { escapePython } from './python/strings.js';
import { isPyRunnerName, type ExtractedCall, type ExtractedMigration, type Fragment, type JsRange, type Placeholder } from './types.js';

/** The first value of the SELECT that stands for a dynamic call (rules/dynamic-sql.ts reads it). */
export const DYNAMIC_SQL_MARKER = '__godwit_dynamic_sql__';

export interface Piece {
  docStart: number;
  docEnd: number;
  /** a run of a fragment's SQL: units [from, from + docEnd - docStart) */
  fragment?: Fragment;
  from?: number;
  /** synthetic text: a finding in it points at this range of the file */
  anchor?: JsRange;
  /** the call the piece belongs to (undefined: file-level directives) */
  call?: ExtractedCall;
  /** for directive copies: the comment's range (to fold the unused-suppression reports of its copies) */
  directive?: JsRange;
  /** a builder call's statement: its index in `statements` */
  part?: number;
}

export interface VirtualDocument {
  text: string;
  pieces: Piece[];
  /** [start, end) of each call's text (directives included) in the document */
  spans: Map<ExtractedCall, [number, number]>;
  /** how many copies of each JS suppression comment the document holds, by `start:end` */
  copies: Map<string, number>;
}

/**
 * Lay out the document. `statementStarts` (fragment → offsets in its SQL where top-level
 * statements start, from a first parse) puts a call's suppression comments before each of its
 * statements instead of only the first.
 */
export function buildDocument(m: ExtractedMigration, statementStarts?: Map<Fragment, number[]>): VirtualDocument {
  const pieces: Piece[] = [];
  const spans = new Map<ExtractedCall, [number, number]>();
  const copies = new Map<string, number>();
  let text = '';
  const synthetic = (s: string, anchor: JsRange, call?: ExtractedCall, directive?: JsRange, part?: number): void => {
    if (!s) return;
    pieces.push({ docStart: text.length, docEnd: text.length + s.length, anchor, call, directive, ...(part !== undefined ? { part } : {}) });
    text += s;
  };
  const directives = (call: ExtractedCall | undefined, list: Array<{ text: string; range: JsRange }>): void => {
    for (const d of list) {
      const key = `${d.range[0]}:${d.range[1]}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
      synthetic(`\n${oneLine(d.text)}\n`, d.range, call, d.range);
    }
  };
  directives(undefined, m.fileDirectives);
  const python = !!m.runner && isPyRunnerName(m.runner);
  for (const call of m.calls) {
    const start = text.length;
    if (call.kind === 'sql') {
      const cuts = statementStarts?.get(call)?.filter((c) => c > 0 && c < call.sql.length) ?? [];
      directives(call, call.directives);
      let from = 0;
      for (const cut of [...cuts, call.sql.length]) {
        if (cut > from) {
          pieces.push({ docStart: text.length, docEnd: text.length + cut - from, fragment: call, from, call });
          text += call.sql.slice(from, cut);
          from = cut;
        }
        if (cut < call.sql.length) directives(call, call.directives);
      }
      const end = call.map.rawEnd[call.sql.length - 1];
      synthetic('\n;\n', [end, end], call);
    } else if (call.kind === 'builder') {
      // a suppression comment above the call covers each of its statements
      call.statements.forEach((st, i) => {
        directives(call, call.directives);
        synthetic(`${st};\n`, call.callRange, call, undefined, i);
      });
    } else {
      directives(call, call.directives);
      if (call.kind === 'dynamic') {
        const kind = call.operation !== undefined ? ", 'builder'" : python ? ", ''" : '';
        synthetic(`SELECT '${DYNAMIC_SQL_MARKER}', ${sqlString(call.callee)}, ${sqlString(call.expr)}, ${sqlString(call.reason)}${kind}${python ? ", '#'" : ''};\n`, call.argRange, call);
        // what the call is known to create, so the catalog has it (DynamicCall.creates)
        for (const c of call.creates ?? []) synthetic(`${standIn(c)};\n`, call.argRange, call);
      }
      else synthetic(`${call.sql};\n`, call.callRange, call);
    }
    spans.set(call, [start, text.length]);
  }
  return { text, pieces, spans, copies };
}

/** The empty stand-in of a relation an unreadable call creates: `CREATE TABLE "t" ()`, `CREATE VIEW "v" AS SELECT`. */
export function standIn(c: { kind: 'table' | 'view' | 'materialized view'; name: string }): string {
  return c.kind === 'table' ? `CREATE TABLE ${c.name} ()` : `CREATE ${c.kind.toUpperCase()} ${c.name} AS SELECT`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

function sqlString(s: string): string {
  return `'${oneLine(s).replace(/'/g, "''")}'`;
}

/** The piece holding a document offset (an end offset belongs to the piece it closes). */
export function pieceAt(doc: VirtualDocument, offset: number, side: 'start' | 'end'): Piece | undefined {
  const ps = doc.pieces;
  let lo = 0;
  let hi = ps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ps[mid].docStart <= offset) lo = mid;
    else hi = mid - 1;
  }
  let p = ps[lo];
  if (!p) return undefined;
  if (side === 'end' && offset === p.docStart && lo > 0) p = ps[lo - 1];
  if (side === 'start' && offset >= p.docEnd && lo + 1 < ps.length) p = ps[lo + 1];
  return p;
}

/** The file offset of a document offset. */
export function toFile(doc: VirtualDocument, offset: number, side: 'start' | 'end'): number {
  const p = pieceAt(doc, offset, side);
  if (!p) return 0;
  if (!p.fragment) return side === 'start' ? p.anchor![0] : p.anchor![1];
  const map = p.fragment.map;
  const len = p.fragment.sql.length;
  const local = Math.min(Math.max(p.from! + offset - p.docStart, 0), len);
  if (side === 'start') return local < len ? map.rawStart[local] : map.rawEnd[len - 1];
  return local > 0 ? map.rawEnd[local - 1] : map.rawStart[0];
}

/** The file range of a document range [start, end). */
export function rangeToFile(doc: VirtualDocument, start: number, end: number): JsRange {
  const a = toFile(doc, start, 'start');
  if (end <= start) return [a, a];
  const b = toFile(doc, end, 'end');
  return [a, Math.max(a, b)];
}

/** The placeholders a document range touches (boundaries included). */
export function placeholdersTouching(doc: VirtualDocument, start: number, end: number): Placeholder[] {
  const out: Placeholder[] = [];
  for (const p of doc.pieces) {
    if (!p.fragment || p.docEnd < start || p.docStart > end) continue;
    const a = p.from! + Math.max(0, start - p.docStart);
    const b = p.from! + Math.min(p.docEnd, end) - p.docStart;
    for (const ph of p.fragment.placeholders) if (ph.start <= b && ph.end >= a && !out.includes(ph)) out.push(ph);
  }
  return out;
}

/**
 * An edit of the document as an edit of the file, when it lands inside one string literal:
 * replaced text must be plain characters of one literal (no escapes, interpolations or
 * constants in the way); inserted or replacing text is escaped for that literal's quotes.
 */
export function editToFile(doc: VirtualDocument, edit: Edit, accept: (fragment: Fragment, start: number, end: number, text: string) => boolean = () => true): Edit | undefined {
  const [s, e] = edit.range;
  const p = pieceAt(doc, s, 'start') ?? undefined;
  const q = pieceAt(doc, e, 'end');
  const frag = p?.fragment && q?.fragment === p.fragment ? p.fragment : e === s && q?.fragment ? q.fragment : undefined;
  if (!frag) return undefined;
  const owner = p?.fragment === frag ? p : q!;
  const { rawStart, rawEnd, group, kind, literal, quotes } = frag.map;
  const len = frag.sql.length;
  const a = owner.from! + s - owner.docStart;
  const b = owner.from! + e - owner.docStart;
  if (a < 0 || b > len) return undefined;
  if (a > 0 && a < len && group[a - 1] === group[a]) return undefined; // inside an escape or interpolation
  if (b > 0 && b < len && group[b - 1] === group[b]) return undefined;
  if (!accept(frag, a, b, edit.text)) return undefined;
  if (a === b) {
    // insertion: next to a literal character
    const before = a > 0 && (kind[a - 1] === KIND_CHAR || kind[a - 1] === KIND_ESCAPE) ? a - 1 : -1;
    const after = a < len && (kind[a] === KIND_CHAR || kind[a] === KIND_ESCAPE) ? a : -1;
    if (before === -1 && after === -1) return undefined;
    const at = before !== -1 ? rawEnd[before] : rawStart[after];
    const lit = literal[before !== -1 ? before : after];
    const text = escapeFor(quotes[lit], edit.text);
    return text === undefined ? undefined : { range: [at, at], text };
  }
  for (let i = a; i < b; i++) {
    if (kind[i] !== KIND_CHAR || literal[i] !== literal[a]) return undefined;
    if (i > a && rawStart[i] !== rawEnd[i - 1]) return undefined;
  }
  const text = escapeFor(quotes[literal[a]], edit.text);
  return text === undefined ? undefined : { range: [rawStart[a], rawEnd[b - 1]], text };
}

/**
 * Text as it must be written inside a JS string literal or template to mean `s` (a Python
 * literal's quote key starts with `py:`; undefined when that literal cannot hold the text).
 */
export function escapeFor(quote: string, s: string): string | undefined {
  if (quote.startsWith('py:')) return escapePython(quote, s);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') out += '\\\\';
    else if (quote === '`') out += c === '`' ? '\\`' : c === '$' && s[i + 1] === '{' ? '\\$' : c;
    else if (c === quote) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\u2028') out += '\\u2028';
    else if (c === '\u2029') out += '\\u2029';
    else out += c;
  }
  return out;
}
