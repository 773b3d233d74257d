/**
 * The scanner tokens of each subcommand of an ALTER TABLE statement, in the order of the
 * parse tree's `cmds` (AlterTableCmd nodes carry no location). Subcommands are separated by
 * commas outside parentheses and brackets; the first one starts after the table name.
 */
import type { ScanToken } from './type-span.js';

/**
 * `relationAt`: file index of the relation (its RangeVar `location`, mapped with
 * `stmt.locate`). Returns undefined when the tokens do not split into `cmdCount` subcommands
 * (then a rule should not offer a token-based fix).
 */
export function alterTableCmdTokens(tokens: ScanToken[], relationAt: number, cmdCount: number): ScanToken[][] | undefined {
  let i = tokens.findIndex((t) => t.start >= relationAt);
  if (i === -1) return undefined;
  // the relation name: name [. name]* [*]
  i++;
  while (tokens[i]?.text === '.' && tokens[i + 1]) i += 2;
  if (tokens[i]?.text === '*') i++;
  const out: ScanToken[][] = [[]];
  let depth = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === ';') break;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    if (depth === 0 && t.text === ',') {
      out.push([]);
      continue;
    }
    out[out.length - 1].push(t);
  }
  if (out.length !== cmdCount || out.some((c) => c.length === 0)) return undefined;
  return out;
}
