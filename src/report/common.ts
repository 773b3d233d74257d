/**
 * What the machine-readable reporters share: paths as CI systems want them, finding offsets,
 * stable fingerprints, the lock in one line, and the package's own name/version/URLs.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceText } from '../dialects/postgresql/source.js';
import { rowLocksBlockWrites, type AnyLock as Lock } from '../analysis/lock-types.js';
import type { Finding, LintResult } from '../engine/types.js';
export { coverage, coverageLine, type Coverage } from './coverage.js';

/** The working directory paths are reported relative to (the CI workspace, the repository root). */
export interface ReportOptions {
  cwd?: string;
}

/**
 * A file path as CI systems want it: relative to `cwd` with `/` separators when the file is
 * under it, else the absolute path (with `/`). Pseudo paths such as `<stdin>` stay as they are.
 */
export function displayPath(filePath: string, cwd: string): string {
  if (filePath.startsWith('<') || !isAbsolute(filePath)) return filePath.split(sep).join('/');
  const rel = relative(cwd, filePath);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  return filePath.split(sep).join('/');
}

/** UTF-16 [start, end) offsets of each message of a result in its source text (undefined without the source). */
export function messageOffsets(result: LintResult): Array<[number, number]> | undefined {
  if (result.source === undefined) return undefined;
  const text = new SourceText(result.source);
  const at = (line: number, column: number): number => {
    const start = text.lineStarts[Math.max(0, line - 1)];
    if (start === undefined) return text.text.length;
    return Math.min(start + Math.max(0, column - 1), text.text.length);
  };
  return result.messages.map((m) => {
    const s = at(m.line, m.column);
    return [s, Math.max(s, at(m.endLine, m.endColumn))];
  });
}

/** Line/column (1-based, UTF-16) of a UTF-16 offset into a source text. */
export function positionAt(source: SourceText, offset: number): { line: number; column: number } {
  return source.position(Math.max(0, Math.min(offset, source.text.length)));
}

export const FINGERPRINT_KEY = 'godwit/v1';

let createHash: typeof import('node:crypto').createHash | undefined;

/**
 * One fingerprint per message: sha256 over the rule id, the file path (as reported), the
 * finding's text (from its start to the end of the statement, whitespace collapsed) and the
 * occurrence index of that (rule, text) pair in the file, truncated to 32 hex digits.
 *
 * Lines and columns are not part of it, so adding a migration above, or lines above the
 * statement, does not change it; editing the flagged statement itself does. A finding with an
 * empty range (a syntax error) uses the rest of its line and the message instead.
 */
export function fingerprints(result: LintResult, path: string): string[] {
  const offsets = messageOffsets(result);
  const source = result.source;
  const seen = new Map<string, number>();
  return result.messages.map((m, i) => {
    let basis: string;
    if (source !== undefined && offsets) {
      const [s, e] = offsets[i];
      let text = source.slice(s, e);
      if (text.trim() === '') {
        const lineEnd = source.slice(s).search(/\r\n|\r|\n/);
        text = (lineEnd === -1 ? source.slice(s) : source.slice(s, s + lineEnd)) + '\0' + m.message;
      }
      basis = text.replace(/\s+/g, ' ').trim();
    } else {
      basis = m.message;
    }
    const key = `${m.ruleId ?? ''}\0${basis}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    // (node:crypto loaded on first use: the formats that print no fingerprint never load it)
    createHash ??= (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash;
    return createHash('sha256').update(`${m.ruleId ?? ''}\0${path}\0${basis}\0${n}`).digest('hex').slice(0, 32);
  });
}

/**
 * `SHARE on users · blocks writes, ddl · long`, as the stylish format prints it. An UPDATE's or
 * DELETE's ROW EXCLUSIVE blocks no writes itself: its row locks do (`row locks block writes`).
 */
export function lockLine(lock: Lock): string {
  const blocks = rowLocksBlockWrites(lock)
    ? 'row locks block writes'
    : lock.blocks.length
      ? `blocks ${lock.blocks.join(', ')}`
      : 'blocks no reads or writes';
  return `${lock.mode} on ${lock.table} · ${blocks} · ${lock.duration}`;
}

/** A message with no rule: a file that could not be read. */
export function isIoFailure(m: Finding): boolean {
  return m.ruleId === null || m.ruleId === undefined;
}

export interface Totals {
  errors: number;
  warnings: number;
  files: number;
  filesWithProblems: number;
}

export function totals(results: LintResult[]): Totals {
  let errors = 0;
  let warnings = 0;
  let filesWithProblems = 0;
  for (const r of results) {
    errors += r.errorCount;
    warnings += r.warningCount;
    if (r.messages.length) filesWithProblems++;
  }
  return { errors, warnings, files: results.length, filesWithProblems };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface PackageInfo {
  name: string;
  version: string;
  /** where the project lives (package.json `homepage`, or a GitHub `repository`) */
  homepage?: string;
  /** a browsable GitHub repository URL (from package.json `repository`) */
  repository?: string;
}

let cachedInfo: PackageInfo | undefined;

/** godwit's own package.json (found upward from this module: works from src/ and from dist/). */
export function packageInfo(): PackageInfo {
  if (cachedInfo) return cachedInfo;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string; homepage?: string; repository?: string | { url?: string } };
        if (pkg.name === 'godwit') {
          cachedInfo = { name: pkg.name, version: pkg.version ?? '0.0.0', ...urlsOf(pkg) };
          return cachedInfo;
        }
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  cachedInfo = { name: 'godwit', version: '0.0.0' };
  return cachedInfo;
}

/** Browsable URLs from package.json: `repository` (GitHub forms only) and `homepage`. */
export function urlsOf(pkg: { homepage?: string; repository?: string | { url?: string } }): { homepage?: string; repository?: string } {
  const out: { homepage?: string; repository?: string } = {};
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (raw) {
    const m = /^(?:github:|git\+https:\/\/github\.com\/|https:\/\/github\.com\/|git:\/\/github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)?([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(raw);
    if (m && (raw.includes('github') || /^[\w.-]+\/[\w.-]+$/.test(raw))) out.repository = `https://github.com/${m[1]}/${m[2]}`;
  }
  if (pkg.homepage && /^https?:\/\//.test(pkg.homepage)) out.homepage = pkg.homepage.replace(/#.*$/, '');
  else if (out.repository) out.homepage = out.repository;
  return out;
}

/**
 * The URL of a rule's page (docs/rules/<id>.md at the release tag), when package.json names
 * the GitHub repository; undefined otherwise (no made-up URLs).
 */
export function ruleDocsUrl(id: string, info: PackageInfo = packageInfo()): string | undefined {
  if (!info.repository) return undefined;
  return `${info.repository}/blob/v${info.version}/docs/rules/${id}.md`;
}
