/**
 * Identifier length as PostgreSQL counts it: bytes of UTF-8, at most NAMEDATALEN - 1 (63).
 * Longer identifiers are silently truncated by the scanner, so the parse tree only ever holds
 * the truncated name; the name as written comes from the scanner token.
 */
import { MAX_IDENTIFIER_BYTES } from './names.js';

const encoder = new TextEncoder();

export function identifierBytes(name: string): number {
  return encoder.encode(name).length;
}

/** PostgreSQL's truncate_identifier: clip to 63 bytes at a character boundary. */
export function truncateIdentifier(name: string): string {
  if (identifierBytes(name) <= MAX_IDENTIFIER_BYTES) return name;
  let out = '';
  let bytes = 0;
  for (const ch of name) {
    const n = identifierBytes(ch);
    if (bytes + n > MAX_IDENTIFIER_BYTES) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * A truncated name is at least 60 bytes long (63 minus at most 3 bytes of a clipped 4-byte
 * character): names shorter than that cannot have been truncated.
 */
export function mayBeTruncated(name: string): boolean {
  return identifierBytes(name) >= MAX_IDENTIFIER_BYTES - 3;
}

/**
 * The identifier a scanner token denotes: unquoted names are folded to lower case (ASCII
 * only, as PostgreSQL does for multibyte encodings), quoted names lose their quotes and
 * `""` becomes `"`. Returns undefined for tokens that are not plain identifiers.
 */
export function identifierOfToken(token: { name: string; text: string }): string | undefined {
  const text = token.text;
  if (token.name !== 'IDENT') return undefined;
  if (text.startsWith('"')) return text.slice(1, -1).split('""').join('"');
  let out = '';
  for (const ch of text) out += ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch;
  return out;
}
