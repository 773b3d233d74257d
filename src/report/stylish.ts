/**
 * The default human format: per file, each finding with line:column, severity, the message's
 * first sentence and the rule id on one line; then the message's details (its other lines),
 * indented and wrapped to the terminal; the lock it takes; and a short code frame.
 */
import type { Finding, LintResult } from '../engine/types.js';
import type { Paint } from './color.js';
import { escapeControl } from '../io/control.js';
import { lockLine } from './common.js';
import { coverage, coverageLine } from './coverage.js';

/** Columns of a terminal when the output is not one (a pipe, a file, a CI log). */
export const DEFAULT_WIDTH = 80;
const INDENT = '      ';

export function formatStylish(results: LintResult[], paint: Paint, cwd: string = process.cwd(), width: number = DEFAULT_WIDTH): string {
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
    // names, messages and code from the files reach the terminal: no control character acts on it
    out += '\n' + paint('underline', escapeControl(rel)) + '\n';
    const lines = r.source?.split(/\r\n|\r|\n/);
    for (const m of r.messages) {
      out += messageBlock(m, paint, width, '  ');
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

/**
 * One finding as stylish prints it (without the code frame): `line:column  severity  first
 * sentence  rule-id`, then the message's other lines indented and wrapped to `width`, then the
 * lock. (The rule pages in docs/rules show their example's finding the same way.)
 */
export function messageBlock(m: Finding, paint: Paint, width: number, lead = ''): string {
  const sev = m.severity === 2 ? paint('red', 'error') : paint('yellow', 'warning');
  // names, messages and code from the files reach the terminal: no control character acts on it
  const [first, ...details] = escapeControl(m.message, { keep: '\n' }).split('\n');
  let out = `${lead}${paint('dim', `${m.line}:${m.column}`)}  ${sev}  ${first}  ${paint('dim', m.ruleId ?? '')}\n`;
  for (const d of details) for (const piece of wrap(d, width - INDENT.length)) out += `${INDENT}${piece}\n`;
  if (m.lock) out += `${INDENT}${paint('cyan', 'lock')} ${escapeControl(lockLine(m.lock))}\n`;
  return out;
}

/**
 * A line cut at spaces into pieces of at most `width` columns (a word longer than that stays
 * whole); the pieces after the first are indented two more columns, so a reader sees they
 * continue it.
 */
export function wrap(line: string, width: number): string[] {
  const w = Math.max(20, width);
  if (line.length <= w) return [line];
  const out: string[] = [];
  let rest = line;
  let room = w;
  while (rest.length > room) {
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= 0) cut = rest.indexOf(' ', room);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut + 1);
    room = w - 2;
  }
  out.push(rest);
  return out.map((p, i) => (i === 0 ? p : `  ${p}`));
}

function codeFrame(lines: string[], line: number, column: number, paint: Paint): string {
  const text = lines[line - 1];
  if (text === undefined) return '';
  const width = String(line).length;
  const flat = text.replace(/\t/g, ' ');
  const cut = flat.length > 160 ? flat.slice(0, 160) + '…' : flat;
  const shown = escapeControl(cut);
  const caret = ' '.repeat(Math.max(0, Math.min(escapeControl(flat.slice(0, column - 1)).length, 160))) + '^';
  return `      ${paint('dim', `${line} |`)} ${shown}\n      ${' '.repeat(width)} ${paint('dim', '|')} ${paint('red', caret)}\n`;
}
