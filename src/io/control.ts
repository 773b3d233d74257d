/**
 * Control characters in text godwit did not write itself (identifiers, file names, SQL,
 * server messages) must not act on whatever shows or reads godwit's output: a carriage return
 * ends a `--` comment in PostgreSQL's lexer (so a phase file's header could run SQL), an
 * escape sequence drives the terminal, U+2028 breaks a line in editors and JavaScript, the
 * bidirectional overrides reorder what a reviewer sees (Trojan Source).
 *
 *   escapeControl('x\rDROP')        → 'x\\rDROP'
 *   escapeControl('a\nb', { keep: '\n' }) → 'a\nb'
 */

/** C0 controls, DEL, C1 controls, line/paragraph separators, bidirectional controls, BOM. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\f': '\\f', '\b': '\\b', '\0': '\\0' };

/** Whether the text holds a character escapeControl would escape. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}

/**
 * Every control character as a visible escape (`\r`, `\x1b`, `\u2028`). `keep` lists the
 * characters to leave as they are (a multi-line message keeps `\n`; a code frame keeps `\t`).
 */
export function escapeControl(text: string, opts: { keep?: string } = {}): string {
  const keep = opts.keep ?? '';
  return text.replace(CONTROL, (c) => {
    if (keep.includes(c)) return c;
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
