/**
 * The default human format: per file, each finding with line:column, severity, message,
 * rule id, the lock it takes, and a short code frame.
 */
import type { LintResult } from '../engine/types.js';
import type { Paint } from './color.js';
import { coverage, coverageLine } from './coverage.js';

export function formatStylish(results: LintResult[], paint: Paint, cwd: string = process.cwd()): string {
  let out = '';
  let errors = 0;
  let warnings = 0;
  let fixableErrors = 0;
  let fixableWarnings = 0;
  for (const r of results) {
    if (r.messages.length === 0) continue;
    errors += r.errorCount;
    warnings += r.warningCount;
    fixableErrors += r.fixableErrorCount;
    fixableWarnings += r.fixableWarningCount;
    const rel = r.filePath.startsWith(cwd + '/') ? r.filePath.slice(cwd.length + 1) : r.filePath;
    out += '\n' + paint('underline', rel) + '\n';
    const lines = r.source?.split(/\r\n|\r|\n/);
    for (const m of r.messages) {
      const sev = m.severity === 2 ? paint('red', 'error') : paint('yellow', 'warning');
      out += `  ${paint('dim', `${m.line}:${m.column}`)}  ${sev}  ${m.message}  ${paint('dim', m.ruleId ?? '')}\n`;
      if (m.lock) {
        const blocks = m.lock.blocks.length ? `blocks ${m.lock.blocks.join(', ')}` : 'blocks no reads or writes';
        out += `      ${paint('cyan', 'lock')} ${m.lock.mode} on ${m.lock.table} · ${blocks} · ${m.lock.duration}\n`;
      }
      if (lines) out += codeFrame(lines, m.line, m.column, paint);
    }
  }
  const total = errors + warnings;
  // every run states what it analysed and what it could not (CLI.md, coverage), clean or not
  const covered = paint('dim', coverageLine(coverage(results)));
  if (total === 0) return `${covered}\n`;
  const mark = errors ? paint('red', '✖') : paint('yellow', '⚠');
  out += `\n${mark} ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})\n`;
  if (fixableErrors + fixableWarnings > 0) {
    out += `  ${fixableErrors} error${fixableErrors === 1 ? '' : 's'} and ${fixableWarnings} warning${fixableWarnings === 1 ? '' : 's'} have a mechanical fix: run godwit lint --fix (or --fix-dry-run to see the diff).\n`;
  }
  return `${out}${covered}\n`;
}

function codeFrame(lines: string[], line: number, column: number, paint: Paint): string {
  const text = lines[line - 1];
  if (text === undefined) return '';
  const width = String(line).length;
  const flat = text.replace(/\t/g, ' ');
  const shown = flat.length > 160 ? flat.slice(0, 160) + '…' : flat;
  const caret = ' '.repeat(Math.max(0, Math.min(column - 1, 160))) + '^';
  return `      ${paint('dim', `${line} |`)} ${shown}\n      ${' '.repeat(width)} ${paint('dim', '|')} ${paint('red', caret)}\n`;
}
