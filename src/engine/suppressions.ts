/**
 * Suppression directives (RULES.md): `godwit-ignore` applies to the statement below it
 * (or, written after code on the same line, to that statement), `godwit-ignore-file` to the
 * file, and the ESLint forms keep ESLint's line semantics so CLI and editor agree.
 * `unused-suppression` reports godwit directives that name unknown rules or suppress nothing.
 */
import { closest } from './rule-names.js';
import { SQUAWK_RULE_NAMES } from './squawk-rules.js';
import type { ParsedFile, Statement } from '../dialects/postgresql/types.js';
import type { Directive } from '../dialects/postgresql/directives.js';
import type { Finding, RuleDefinition } from './types.js';
import type { EnabledRule } from './presets.js';

interface Positioned extends Finding {
  start: number;
  end: number;
  stmtIndex: number;
}

interface Scope {
  directive: Directive;
  matches(f: Positioned): boolean;
  used: boolean;
  /** what it covers did not parse, so whether it suppresses anything is unknown */
  unknowable?: boolean;
}

export function applySuppressions<T extends Positioned>(parsed: ParsedFile, findings: T[], enabled: readonly EnabledRule[], all: RuleDefinition[]): T[] {
  const scopes: Scope[] = [];
  const src = parsed.source;
  const lineOf = (i: number): number => src.position(i).line;
  const names = (d: Directive, id: string): boolean => d.rules === null || d.rules.includes(id);

  // eslint-disable … eslint-enable regions; `except` holds the rules an eslint-enable already re-enabled
  let open: Array<{ d: Directive; from: number; except: Set<string> }> = [];
  const inRegion = (o: { d: Directive; except: Set<string> }, id: string): boolean => names(o.d, id) && !o.except.has(id);
  for (const d of parsed.directives) {
    if (d.foreign) continue;
    switch (d.kind) {
      case 'ignore-file':
        scopes.push({ directive: d, used: false, matches: (f) => names(d, f.ruleId), unknowable: parsed.statements.some((st) => st.kind === 'SyntaxError') });
        break;
      case 'ignore': {
        const target = targetStatement(parsed, d);
        if (target) scopes.push({ directive: d, used: false, matches: (f) => f.stmtIndex === target.index && names(d, f.ruleId), unknowable: target.kind === 'SyntaxError' });
        else scopes.push({ directive: d, used: false, matches: () => false });
        break;
      }
      case 'eslint-disable-next-line': {
        const line = d.comment.endLine + 1;
        scopes.push({ directive: d, used: false, matches: (f) => lineOf(f.start) === line && names(d, f.ruleId) });
        break;
      }
      case 'eslint-disable-line': {
        const line = d.comment.line;
        scopes.push({ directive: d, used: false, matches: (f) => lineOf(f.start) === line && names(d, f.ruleId) });
        break;
      }
      case 'eslint-disable':
        open.push({ d, from: d.comment.end, except: new Set() });
        break;
      case 'eslint-enable': {
        const to = d.comment.start;
        if (d.rules === null) {
          // a bare eslint-enable ends every open region
          for (const o of open) scopes.push({ directive: o.d, used: false, matches: (f) => f.start >= o.from && f.start < to && inRegion(o, f.ruleId) });
          open = [];
          break;
        }
        // eslint-enable godwit/a re-enables only `a`: the regions go on for their other rules
        for (const o of open) {
          const ended = new Set(d.rules.filter((r) => inRegion(o, r)));
          if (!ended.size) continue;
          scopes.push({ directive: o.d, used: false, matches: (f) => f.start >= o.from && f.start < to && ended.has(f.ruleId) });
          for (const r of ended) o.except.add(r);
        }
        open = open.filter((o) => o.d.rules === null || o.d.rules.some((r) => !o.except.has(r)));
        break;
      }
    }
  }
  for (const o of open) scopes.push({ directive: o.d, used: false, matches: (f) => f.start >= o.from && inRegion(o, f.ruleId) });

  const kept: T[] = [];
  for (const f of findings) {
    let suppressed = false;
    if (!f.fatal) {
      for (const s of scopes) {
        if (s.matches(f)) {
          s.used = true;
          suppressed = true;
        }
      }
    }
    if (!suppressed) kept.push(f);
  }

  const unused = enabled.find((r) => r.def.id === 'unused-suppression');
  // (most files have no directive: then there is nothing to check, nor rule sets to build)
  if (unused && scopes.length) {
    const ids = all.map((r) => r.id);
    const known = new Set(ids);
    const on = new Set(enabled.map((r) => r.def.id));
    for (const s of scopes) {
      const d = s.directive;
      if (d.kind !== 'ignore' && d.kind !== 'ignore-file') continue;
      const unknown = (d.rules ?? []).filter((r) => !known.has(r));
      let message: string | undefined;
      if (d.squawk) {
        // squawk's names, mapped to godwit's: only a name squawk does not have is reported (a
        // squawk rule godwit has no counterpart of suppresses nothing here, silently)
        if (d.squawk.unknown.length) {
          message =
            `${d.kind === 'ignore' ? 'squawk-ignore' : 'squawk-ignore-file'} names unknown squawk rule${d.squawk.unknown.length > 1 ? 's' : ''} ${d.squawk.unknown.map((r) => `"${r}"`).join(', ')}.` +
            d.squawk.unknown.map((r) => (closest(r, SQUAWK_RULE_NAMES) ? `\n"${r}": did you mean "${closest(r, SQUAWK_RULE_NAMES)}"?` : '')).join('');
        }
      } else if (unknown.length) {
        message =
          `${d.kind === 'ignore' ? 'godwit-ignore' : 'godwit-ignore-file'} names unknown rule${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}.` +
          unknown.map((r) => (closest(r, ids) ? `\n"${r}": did you mean "${closest(r, ids)}"?` : '')).join('');
      } else if (!s.used && !s.unknowable && (d.rules === null || d.rules.some((r) => on.has(r)))) {
        message = d.kind === 'ignore' ? 'godwit-ignore suppresses nothing on the statement below it.' : 'godwit-ignore-file suppresses nothing in this file.';
      }
      if (!message) continue;
      const p = src.position(d.comment.start);
      const e = src.position(d.comment.end);
      kept.push({
        ruleId: 'unused-suppression',
        severity: unused.severity === 'error' ? 2 : 1,
        message,
        line: p.line,
        column: p.column,
        endLine: e.line,
        endColumn: e.column,
        start: d.comment.start,
        end: d.comment.end,
        stmtIndex: -1,
      } as T);
    }
  }
  return kept;
}

/** The statement a `godwit-ignore` comment applies to. */
function targetStatement(parsed: ParsedFile, d: Directive): Statement | undefined {
  const c = d.comment;
  const stmts = parsed.statements;
  // inside a statement (between its lines): that statement
  const around = stmts.find((s) => s.start < c.start && s.end > c.end);
  if (around) return around;
  // written after code on its line: the statement that code belongs to
  const lineStart = parsed.source.lineStarts[c.line - 1];
  const before = stmts.filter((s) => s.start < c.start && s.end >= lineStart);
  if (before.length && parsed.tokens.some((t) => t.start >= lineStart && t.end <= c.start)) return before[before.length - 1];
  // otherwise the first statement after it
  return stmts.find((s) => s.start >= c.end);
}
