/** Shell words for the commands plans print (gh-ost, pt-online-schema-change, pg_repack). */

/** A shell word: single quotes, each `'` written as `'\''`. */
export function shellQuote(s: string): string {
  return `'${s.split("'").join("'\\''")}'`;
}

/** As `shellQuote`, but a word of letters, digits, `_` and `.` only stays bare (easier to read). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_.]+$/.test(s) ? s : shellQuote(s);
}
