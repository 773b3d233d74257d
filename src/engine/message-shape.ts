/**
 * The shape of a finding's message (docs/architecture.md, "Adding a rule"): one short sentence,
 * then the details, one sentence (or SQL statement) per line. `reflowDetails` puts a detail line
 * longer than `max` back into that shape, one sentence per line, for messages composed of long
 * sentences (the MySQL facts of src/dialects/mysql); the first line is left as written.
 */
export function reflowDetails(message: string, max = 120): string {
  const [first, ...details] = message.split('\n');
  const out: string[] = [first];
  for (const line of details) {
    if (line.length <= max) {
      out.push(line);
      continue;
    }
    // sentence ends (". X"), then clause ends ("; "), as line breaks
    for (const sentence of line.split(/(?<=\.) (?=[A-Z(`"])/)) {
      for (const clause of sentence.split(/(?<=;) /)) out.push(...breakAt(clause, max));
    }
  }
  return out.join('\n');
}

/** A clause still over `max`: broken after the last `, ` or `: ` (else space) that keeps a piece within it. */
function breakAt(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let at = Math.max(rest.lastIndexOf(', ', max), rest.lastIndexOf(': ', max));
    if (at < max / 3) at = rest.lastIndexOf(' ', max) - 1;
    if (at < 1) break;
    out.push(rest.slice(0, at + 1));
    rest = rest.slice(at + 2);
  }
  out.push(rest);
  return out;
}
