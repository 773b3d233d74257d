/**
 * `--format github`: GitHub Actions workflow commands, one per finding, which GitHub shows
 * as annotations on the pull request's changed files:
 *
 *   ::error file=db/migrations/002.sql,line=3,col=1,endLine=3,endColumn=42,title=godwit/require-concurrent-index::message
 *
 * Escaping follows @actions/core: in the message `%`, CR and LF become %25, %0D, %0A; in
 * property values `:` and `,` also become %3A and %2C. The lock goes on a second line of the
 * message. GitHub shows at most 10 error and 10 warning annotations per step (the rest are
 * in the log); use SARIF upload for more. The run's coverage (files, statements analysed, calls
 * not analysable) is a last `::notice` without a file.
 */
import type { LintResult } from '../engine/types.js';
import { coverage, coverageLine, displayPath, isIoFailure, lockLine, plural, totals, type ReportOptions } from './common.js';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(results: LintResult[], opts: ReportOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  let out = '';
  for (const r of results) {
    const file = displayPath(r.filePath, cwd);
    for (const m of r.messages) {
      const props: Array<[string, string | number]> = [['file', file]];
      if (isIoFailure(m)) {
        props.push(['title', 'godwit']);
      } else {
        props.push(['line', m.line], ['col', m.column]);
        if (m.endLine > m.line || (m.endLine === m.line && m.endColumn > m.column)) props.push(['endLine', m.endLine], ['endColumn', m.endColumn]);
        props.push(['title', `godwit/${m.ruleId}`]);
      }
      const text = m.lock ? `${m.message}\nlock ${lockLine(m.lock)}` : m.message;
      const command = m.severity === 2 ? 'error' : 'warning';
      out += `::${command} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(text)}\n`;
    }
  }
  const t = totals(results);
  if (t.errors + t.warnings > 0) out += `godwit: ${plural(t.errors + t.warnings, 'problem')} (${plural(t.errors, 'error')}, ${plural(t.warnings, 'warning')}) in ${plural(t.filesWithProblems, 'file')}\n`;
  // coverage: a notice (shown in the run's summary, not on a file)
  out += `::notice title=${escapeProperty('godwit coverage')}::${escapeData(coverageLine(coverage(results)))}\n`;
  return out;
}
