/**
 * Where a column type is written: the scanner tokens of a TypeName, for fixes that replace
 * the type (`varchar(20)` → `text`, `timestamp(3) without time zone` → `timestamptz(3)`).
 * The span covers the type name, its modifiers and a `with[out] time zone` suffix, but not
 * array bounds (`[]`, `ARRAY`), so replacing it keeps an array an array.
 */

export interface ScanToken {
  start: number;
  end: number;
  name: string;
  text: string;
}

export interface TypeSpan {
  /** UTF-16 range in the file text */
  start: number;
  end: number;
  /** the type as written (file text of the span) */
  text: string;
}

const word = (t: ScanToken | undefined): string => (t ? t.text.toLowerCase() : '');

/**
 * The span of the type that starts at file index `at` (a TypeName's `location`, mapped with
 * `stmt.locate`). `tokens` are the statement's code tokens; returns undefined when the
 * statement has no tokens there (e.g. SQL inside a DO block's string body).
 */
export function typeSpanAt(tokens: ScanToken[], at: number, fileText: string): TypeSpan | undefined {
  const first = tokens.findIndex((t) => t.start === at);
  if (first === -1) return undefined;
  let i = first;
  const head = word(tokens[i]);
  if (head === 'national') i++;
  const base = word(tokens[i]);
  if (base === 'character' || base === 'char' || base === 'nchar' || base === 'bit') {
    i++;
    if (word(tokens[i]) === 'varying') i++;
  } else if (base === 'double') {
    i++;
    if (word(tokens[i]) === 'precision') i++;
  } else {
    i++;
    while (tokens[i]?.text === '.' && tokens[i + 1]) i += 2;
  }
  if (tokens[i]?.text === '(') {
    let depth = 0;
    for (; i < tokens.length; i++) {
      if (tokens[i].text === '(') depth++;
      else if (tokens[i].text === ')' && --depth === 0) {
        i++;
        break;
      }
    }
    if (depth > 0) return undefined;
  }
  if ((base === 'timestamp' || base === 'time') && (word(tokens[i]) === 'with' || word(tokens[i]) === 'without') && word(tokens[i + 1]) === 'time' && word(tokens[i + 2]) === 'zone') {
    i += 3;
  }
  const last = tokens[i - 1];
  if (!last) return undefined;
  const start = tokens[first].start;
  return { start, end: last.end, text: fileText.slice(start, last.end) };
}
