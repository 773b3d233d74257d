import { rules } from '../lint.js';
import { didYouMean } from '../engine/rule-names.js';
import { UsageError, type Io } from './main.js';
import { painter, useColor } from '../report/color.js';

type Values = Record<string, string | boolean | string[] | undefined>;

const CATEGORY_TITLES: Record<string, string> = {
  locks: 'Locks and rewrites',
  breaking: 'Breaking changes',
  transactions: 'Transactions and robustness',
  hygiene: 'Type hygiene',
  meta: 'Meta',
};

export function rulesCommand(args: string[], values: Values, io: Io): number {
  const paint = painter(useColor(values['no-color'] ? false : (values.color as boolean | undefined), io.stdout, io.env));
  if (values.format === 'json') {
    io.stdout.write(JSON.stringify(rules.map(({ create: _c, ...r }) => r), null, 2) + '\n');
    return 0;
  }
  const [id] = args;
  if (id) {
    const r = rules.find((x) => x.id === id);
    if (!r) throw new UsageError(`unknown rule '${id}' (see 'godwit rules').${didYouMean(id, rules.map((x) => x.id))}`);
    let out = `${paint('bold', r.id)}  (${r.severity} in ${r.preset}${r.fixable ? ', fixable' : ''})\n\n${r.docs.summary}\n\n`;
    out += `${paint('bold', 'Why')}\n${r.docs.why}\n\n${paint('bold', 'Safe alternative')}\n${r.docs.fix}\n`;
    if (r.docs.example) out += `\n${paint('bold', 'Example')}\n-- flagged\n${r.docs.example.bad}\n\n-- instead\n${r.docs.example.good}\n`;
    io.stdout.write(out);
    return 0;
  }
  let out = '';
  for (const [cat, title] of Object.entries(CATEGORY_TITLES)) {
    const list = rules.filter((r) => r.category === cat);
    if (!list.length) continue;
    out += `\n${paint('bold', title)}\n`;
    for (const r of list) {
      const tag = `${r.preset === 'recommended' ? 'R' : r.preset === 'strict' ? 'S' : 'A'} ${r.severity === 'error' ? 'error' : 'warn '}`;
      out += `  ${r.id.padEnd(34)} ${paint('dim', tag)}${r.fixable ? ' 🔧' : '   '} ${r.docs.summary}\n`;
    }
  }
  out += `\nR: in 'recommended' (the default), S: in 'strict', A: only in 'all'. 🔧: has a mechanical fix.\nRun 'godwit rules <id>' for the why, the lock and the safe SQL.\n`;
  io.stdout.write(out);
  return 0;
}
