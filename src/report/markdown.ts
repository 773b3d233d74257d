/**
 * `--format markdown`: a pull-request comment (GitHub, GitLab, Bitbucket render it):
 *
 *   - a heading with the counts and a table of files with problems;
 *   - per file, a collapsible <details> block with a table of findings: position, severity,
 *     rule, message and the lock (mode on table, what it blocks, for how long);
 *   - the findings whose safe form is a multi-step plan, with the `godwit plan <file>` to run;
 *   - the coverage line (files, statements analysed, calls not analysable) last.
 *
 * Table cells are escaped (pipes, HTML, markdown punctuation, line breaks). GitHub caps a
 * comment at 65,536 characters: past ~60,000 the remaining files are only counted.
 */
import type { Finding, LintResult } from '../engine/types.js';
import { coverage, coverageLine, displayPath, isIoFailure, plural, totals, type ReportOptions } from './common.js';

export interface MarkdownOptions extends ReportOptions {
  /** stop adding per-file details past this many characters (default 60,000) */
  maxLength?: number;
}

/** Text for a table cell: no HTML, no markdown syntax, no line breaks that end the row. */
export function mdCell(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]~|#!])/g, '\\$1')
    .replace(/\r\n|\r|\n/g, '<br>');
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function code(s: string): string {
  // inline code in a table cell: backticks and pipes cannot be escaped inside it, so fall back to plain text
  return /[`|\r\n]/.test(s) ? mdCell(s) : `\`${s}\``;
}

function severityCell(m: Finding): string {
  return m.severity === 2 ? '🔴 error' : '🟡 warning';
}

function counts(errors: number, warnings: number): string {
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function formatMarkdown(results: LintResult[], opts: MarkdownOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  const max = opts.maxLength ?? 60_000;
  const t = totals(results);
  const covered = `<sub>Coverage: ${coverageLine(coverage(results))}.</sub>\n`;
  if (t.errors + t.warnings === 0) {
    return `### ✅ godwit: no problems in ${plural(t.files, 'migration file')}\n\n${covered}`;
  }
  const withProblems = results.filter((r) => r.messages.length > 0);
  let out = `### ${t.errors ? '❌' : '⚠️'} godwit: ${counts(t.errors, t.warnings)} in ${t.filesWithProblems} of ${plural(t.files, 'file')}\n\n`;

  out += '| file | errors | warnings |\n|---|--:|--:|\n';
  for (const r of withProblems) out += `| ${code(displayPath(r.filePath, cwd))} | ${r.errorCount} | ${r.warningCount} |\n`;
  out += '\n';

  // plans: the findings whose safe form is a multi-step rewrite
  const plans: string[] = [];
  for (const r of withProblems) {
    const kinds = new Map<string, number[]>();
    for (const m of r.messages) if (m.plan) kinds.set(m.plan.kind, [...(kinds.get(m.plan.kind) ?? []), m.line]);
    if (!kinds.size) continue;
    const file = displayPath(r.filePath, cwd);
    const list = [...kinds].map(([kind, lines]) => `${code(kind)} (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')})`).join(', ');
    plans.push(`- ${code(file)}: ${list} — needs an expand-contract plan: run \`godwit plan ${file.replace(/`/g, '')}\``);
  }

  let details = '';
  let omitted = 0;
  for (const r of withProblems) {
    const file = displayPath(r.filePath, cwd);
    let block = `<details>\n<summary>${r.errorCount ? '❌' : '⚠️'} <code>${html(file)}</code>: ${counts(r.errorCount, r.warningCount)}</summary>\n\n`;
    block += '| line | severity | rule | message | lock | blocks | duration |\n|--:|---|---|---|---|---|---|\n';
    for (const m of r.messages) {
      const rule = isIoFailure(m) ? '' : code(m.ruleId);
      const lock = m.lock ? `${code(m.lock.mode)} on ${code(m.lock.table)}` : '';
      const blocks = m.lock ? (m.lock.blocks.length ? m.lock.blocks.join(', ') : 'nothing') : '';
      const duration = m.lock ? m.lock.duration : '';
      block += `| ${m.line}:${m.column} | ${severityCell(m)} | ${rule} | ${mdCell(m.message)} | ${lock} | ${blocks} | ${duration} |\n`;
    }
    block += '\n</details>\n\n';
    if (out.length + details.length + block.length > max) {
      omitted++;
      continue;
    }
    details += block;
  }
  out += details;
  if (omitted) out += `_…and ${plural(omitted, 'more file')} with problems, left out to keep this comment short: see the job log._\n\n`;

  if (plans.length) out += `#### Needs an expand-contract plan\n\n${plans.join('\n')}\n\n`;
  out += '<sub>Lock: the table-level lock PostgreSQL takes · blocks: the traffic that waits while it is held · duration: `instant` (catalog change), `scan` (reads the whole table), `rewrite` (rewrites the table), `long` (index build, backfill).</sub>\n\n';
  return out + covered;
}
