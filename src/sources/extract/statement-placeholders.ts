/**
 * A placeholder that stands for whole statements (`` `${createTriggerSql}\nCREATE INDEX …` ``):
 * its value is SQL godwit cannot read, not a name or a value inside a statement. Left as an
 * identifier it would be a syntax error that swallows the statement after it; instead it
 * becomes the marker statement of `dynamic-sql` (an opaque dynamic statement, reported at the
 * interpolation), and the statements around it are linted as usual.
 *
 * A placeholder is taken to stand for statements when it starts a statement (nothing but
 * comments since the previous `;` or the start of the string) and either ends it (a `;` or the
 * end of the string follows) or the statement fails to parse with it but parses without it.
 */
import { parseSql, scanSql } from '../../dialects/postgresql/pg.js';
import { SourceText } from '../../dialects/postgresql/source.js';
import { DYNAMIC_SQL_MARKER } from './document.js';
import { KIND_PLACEHOLDER, MappedBuilder } from './strings.js';

const TEXT_PLACEHOLDER = /^__godwit_\d+__$/;
const COMMENTS = new Set(['SQL_COMMENT', 'C_COMMENT']);

/**
 * The SQL tokens of a builder's text and the text's byte-to-index map; undefined when the text
 * does not scan or the SQL parser is not loaded (the caller then leaves the text as it is).
 */
export function scanBuilderText(b: MappedBuilder): { tokens: NonNullable<ReturnType<typeof scanSql>>; src: SourceText } | undefined {
  let tokens;
  try {
    tokens = scanSql(b.text);
  } catch {
    return undefined; // the SQL parser is not loaded
  }
  return tokens ? { tokens, src: new SourceText(b.text) } : undefined;
}

/** `b` with each placeholder that stands for whole statements replaced by the dynamic-sql marker statement. */
export function markStatementPlaceholders(b: MappedBuilder, callee: string): MappedBuilder {
  if (!b.placeholders.some((p) => TEXT_PLACEHOLDER.test(p.text))) return b;
  const scanned = scanBuilderText(b);
  if (!scanned) return b;
  const { tokens, src } = scanned;
  const code = tokens.filter((t) => !COMMENTS.has(t.name)).map((t) => ({ ...t, from: src.indexOfByte(t.start), to: src.indexOfByte(t.end) }));
  const whole = new Set<number>();
  b.placeholders.forEach((p, k) => {
    if (!TEXT_PLACEHOLDER.test(p.text)) return;
    const i = code.findIndex((t) => t.from === p.start && t.to === p.end);
    if (i === -1 || (i > 0 && code[i - 1].text !== ';')) return;
    // the statement it starts: up to the next `;` outside parentheses
    let depth = 0;
    let j = i + 1;
    for (; j < code.length; j++) {
      if (code[j].text === '(') depth++;
      else if (code[j].text === ')') depth--;
      else if (code[j].text === ';' && depth <= 0) break;
    }
    const end = j < code.length ? code[j].from : b.text.length;
    const rest = b.text.slice(p.end, end);
    if (rest.trim() === '' || (!parses(b.text.slice(p.start, end)) && parses(rest))) whole.add(k);
  });
  if (!whole.size) return b;

  const out = new MappedBuilder(b.source, b.program);
  out.map.quotes.push(...b.map.quotes);
  let at = 0;
  const copy = (to: number): void => {
    for (let i = at; i < to; i++) out.push(b.text[i], b.map.rawStart[i], b.map.rawEnd[i], b.map.kind[i], b.map.group[i] + 1_000_000, b.map.literal[i]);
  };
  b.placeholders.forEach((p, k) => {
    copy(p.start);
    at = p.end;
    if (whole.has(k)) {
      const marker = `SELECT '${DYNAMIC_SQL_MARKER}', ${sqlString(callee)}, ${sqlString(p.shown)}, ${sqlString(b.reasons[k])}, 'statements';`;
      out.push(marker, p.range[0], p.range[1], KIND_PLACEHOLDER, out.group(), -1);
      return;
    }
    const start = out.text.length;
    out.push(p.text, p.range[0], p.range[1], KIND_PLACEHOLDER, out.group(), -1);
    out.placeholders.push({ ...p, start, end: out.text.length });
    out.reasons.push(b.reasons[k]);
  });
  copy(b.text.length);
  return out;
}

function parses(sql: string): boolean {
  try {
    parseSql(sql);
    return true;
  } catch {
    return false;
  }
}

function sqlString(s: string): string {
  return `'${s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/'/g, "''")}'`;
}
