/**
 * Suppression directives in SQL comments (RULES.md, "Suppressions"):
 *   -- godwit-ignore [rule-a, rule-b] [-- reason]      the next statement
 *   -- godwit-ignore-file [rules]                       the whole file
 *   -- eslint-disable-next-line godwit/<id>[, …]        the next line (ESLint semantics)
 *   -- eslint-disable-line godwit/<id>                   this line
 *   /* eslint-disable [godwit/<id>] *\/ … /* eslint-enable *\/   a region
 *   -- squawk-ignore [squawk-rule, …]                   as godwit-ignore, squawk's rule names
 *   -- squawk-ignore-file [squawk-rules]                as godwit-ignore-file (docs/squawk.md)
 * These parse comment text, not SQL: the comments themselves come from PostgreSQL's scanner.
 */
import type { Comment } from './types.js';
import { godwitRulesForSquawk } from '../../engine/squawk-rules.js';

export type DirectiveKind =
  | 'ignore'
  | 'ignore-file'
  | 'eslint-disable-next-line'
  | 'eslint-disable-line'
  | 'eslint-disable'
  | 'eslint-enable';

export interface Directive {
  kind: DirectiveKind;
  /** rule ids (without the `godwit/` prefix); null means every rule */
  rules: string[] | null;
  reason?: string;
  comment: Comment;
  /** ESLint directives naming only other plugins' rules do not concern godwit */
  foreign?: boolean;
  /**
   * A squawk comment (`-- squawk-ignore …`): `rules` are the godwit rules of the squawk names it
   * gives (SQUAWK_RULES), `unknownSquawk` the names squawk does not have (typos)
   */
  squawk?: { unknown: string[] };
}

const DIRECTIVE = /^(godwit-ignore-file|godwit-ignore|squawk-ignore-file|squawk-ignore|eslint-disable-next-line|eslint-disable-line|eslint-disable|eslint-enable)(?=\s|$)([\s\S]*)$/;

export function parseDirectives(comments: Comment[]): Directive[] {
  const out: Directive[] = [];
  for (const comment of comments) {
    const body = commentBody(comment);
    const m = DIRECTIVE.exec(body);
    if (!m) continue;
    const [, word, rest] = m;
    let list = rest;
    let reason: string | undefined;
    const sep = rest.indexOf('--');
    if (sep !== -1) {
      list = rest.slice(0, sep);
      reason = rest.slice(sep + 2).trim() || undefined;
    }
    const names = list.split(/[\s,]+/).filter(Boolean);
    const eslint = word.startsWith('eslint-');
    let rules: string[] | null;
    let foreign = false;
    if (word.startsWith('squawk-')) {
      const unknown = names.filter((n) => godwitRulesForSquawk(n) === undefined);
      rules = names.length === 0 ? null : [...new Set(names.flatMap((n) => godwitRulesForSquawk(n) ?? []))];
      out.push({ kind: word === 'squawk-ignore-file' ? 'ignore-file' : 'ignore', rules, reason, comment, squawk: { unknown } });
      continue;
    }
    if (eslint) {
      const ours = names.filter((n) => n.startsWith('godwit/')).map((n) => n.slice('godwit/'.length));
      rules = names.length === 0 ? null : ours;
      foreign = names.length > 0 && ours.length === 0;
    } else {
      rules = names.length === 0 ? null : names;
    }
    const kind = (eslint ? word : word === 'godwit-ignore-file' ? 'ignore-file' : 'ignore') as DirectiveKind;
    out.push({ kind, rules, reason, comment, foreign });
  }
  return out;
}

function commentBody(c: Comment): string {
  if (c.block) return c.text.replace(/^\/\*/, '').replace(/\*\/$/, '').trim();
  // (`#` starts a MySQL line comment; PostgreSQL's scanner never yields one)
  return c.text.replace(/^(--|#)/, '').trim();
}
