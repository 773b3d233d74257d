/**
 * `--format gitlab`: a GitLab Code Quality report (the subset of the Code Climate issue
 * format GitLab reads): a JSON array of
 *
 *   { description, check_name, fingerprint, severity, location: { path, lines: { begin, end } } }
 *
 * Save it as the job's `artifacts:reports:codequality` file. `path` is relative to the working
 * directory (run godwit from the repository root). The fingerprint is the stable one of
 * common.ts: unique per finding, unchanged when lines shift, so GitLab matches findings
 * between the merge request and its target branch.
 *
 * Severity: a statement that cannot run (syntax error, unreadable file) is `blocker`; an error
 * whose lock stops reads or writes for longer than a catalog change is `critical`; other
 * errors `major`; a warning whose lock stops reads or writes is `minor`; other warnings `info`.
 *
 * The report holds issues only (GitLab reads nothing else): a call godwit could not analyse is a
 * dynamic-sql issue, and `godwit lint --format gitlab` writes the run's coverage line to stderr.
 */
import type { Finding, LintResult } from '../engine/types.js';
import { displayPath, fingerprints, isIoFailure, type ReportOptions } from './common.js';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number; end?: number } };
}

export function gitlabSeverity(m: Finding): CodeQualitySeverity {
  if (m.fatal || isIoFailure(m)) return 'blocker';
  const blocksTraffic = !!m.lock && (m.lock.blocks.includes('reads') || m.lock.blocks.includes('writes'));
  if (m.severity === 2) return blocksTraffic && m.lock!.duration !== 'instant' ? 'critical' : 'major';
  return blocksTraffic ? 'minor' : 'info';
}

export function gitlabIssues(results: LintResult[], opts: ReportOptions = {}): CodeQualityIssue[] {
  const cwd = opts.cwd ?? process.cwd();
  const out: CodeQualityIssue[] = [];
  for (const r of results) {
    const path = displayPath(r.filePath, cwd);
    const prints = fingerprints(r, path);
    r.messages.forEach((m, i) => {
      const lines: { begin: number; end?: number } = { begin: m.line };
      if (m.endLine > m.line) lines.end = m.endLine;
      out.push({
        description: m.message,
        check_name: isIoFailure(m) ? 'godwit' : m.ruleId,
        fingerprint: prints[i],
        severity: gitlabSeverity(m),
        location: { path, lines },
      });
    });
  }
  return out;
}

export function formatGitlab(results: LintResult[], opts: ReportOptions = {}): string {
  return JSON.stringify(gitlabIssues(results, opts), null, 2) + '\n';
}
