/**
 * `--format junit`: JUnit XML for CI test-report views (GitLab `artifacts:reports:junit`,
 * Jenkins, Azure Pipelines, CircleCI).
 *
 *   <testsuites name="godwit" tests failures errors>
 *     <testsuite name="<file>" tests failures errors skipped="0" time="0">
 *       <testcase classname="<file>" name="<rule> at <line>:<col>" file="<file>" time="0">
 *         <failure type="<rule>" message="<message>">…</failure>
 *
 * One suite per linted file, one test case per finding (errors and warnings are both
 * failures, as in ESLint's junit format; `type` names the rule, the body says which). A
 * syntax error or an unreadable file is an `<error>`: the migration cannot run. A clean file
 * is one passing test case, so the report lists every file that was checked. Each suite's
 * `<properties>` carry the coverage: `statements` analysed and `unanalysable` calls.
 */
import type { LintResult } from '../engine/types.js';
import { displayPath, isIoFailure, lockLine, type ReportOptions } from './common.js';

/** Characters XML 1.0 cannot hold at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
function xmlChars(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function xmlText(s: string): string {
  return xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function attrs(pairs: Array<[string, string | number]>): string {
  return pairs.map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`).join('');
}

export function formatJunit(results: LintResult[], opts: ReportOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let suites = '';
  for (const r of results) {
    const file = displayPath(r.filePath, cwd);
    let cases = '';
    let f = 0;
    let e = 0;
    for (const m of r.messages) {
      const io = isIoFailure(m);
      const name = io ? 'read file' : `${m.ruleId} at ${m.line}:${m.column}`;
      const sev = m.severity === 2 ? 'error' : 'warning';
      let body = io ? m.message : `${file}:${m.line}:${m.column}: ${sev}: ${m.message} (${m.ruleId})`;
      if (m.lock) body += `\nlock ${lockLine(m.lock)}`;
      const tag = io || m.fatal ? 'error' : 'failure';
      if (tag === 'error') e++;
      else f++;
      cases += `    <testcase${attrs([['classname', file], ['name', name], ['file', file], ['time', 0]])}>\n`;
      cases += `      <${tag}${attrs([['type', io ? 'io' : m.ruleId], ['message', m.message]])}>${xmlText(body)}</${tag}>\n`;
      cases += '    </testcase>\n';
    }
    if (r.messages.length === 0) cases = `    <testcase${attrs([['classname', file], ['name', 'godwit lint'], ['file', file], ['time', 0]])}/>\n`;
    const count = Math.max(1, r.messages.length);
    tests += count;
    failures += f;
    errors += e;
    // coverage (CLI.md): what was analysed in the file, as testsuite properties
    const props = r.stats ? `    <properties>\n      <property${attrs([['name', 'statements'], ['value', r.stats.statements]])}/>\n      <property${attrs([['name', 'unanalysable'], ['value', r.stats.unanalysable]])}/>\n    </properties>\n` : '';
    suites += `  <testsuite${attrs([['name', file], ['tests', count], ['failures', f], ['errors', e], ['skipped', 0], ['time', 0]])}>\n${props}${cases}  </testsuite>\n`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs([['name', 'godwit'], ['tests', tests], ['failures', failures], ['errors', errors]])}>\n${suites}</testsuites>\n`;
}
