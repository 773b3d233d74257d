/**
 * The fix loop (`godwit lint --fix`), as ESLint's Linter#verifyAndFix: apply the non-overlapping
 * fixes of the findings, lint the result again, repeat until no fix applies (at most 10
 * passes). It works on whatever text the fix ranges index — a .sql file, or a JS/TS migration
 * whose findings carry ranges mapped into the file — through the `lint` callback the caller
 * gives it (which lints a version of the file's text in the file's own context: history,
 * runner transaction, config).
 *
 * Every pass is checked before it is kept:
 *  - the output must parse as well as the input did (no new `syntax-error`); a pass that breaks
 *    the parse means a rule's fix is wrong, and the whole file is left as it was (`abandoned`);
 *  - it must not add a finding that means the migration fails or misbehaves when it runs
 *    (a CONCURRENTLY operation moved into a transaction, a nested BEGIN, a VALIDATE in the
 *    transaction of its NOT VALID add, …). Fixes are each valid alone; two of them together can
 *    still clash (e.g. a SET inserted into a one-statement file of an `implicit` runner turns it
 *    into one implicit transaction). When a pass does, its fixes are tried one by one, those that
 *    add such a finding are refused (reported, never retried), and the rest are applied.
 *
 * Fixes whose validity depends on every statement of the file — the session SETs inserted at
 * the top by require-lock-timeout / require-statement-timeout (a lock_timeout must not be set
 * over a CONCURRENTLY build) — wait for a pass of their own, after the statement fixes settled.
 *
 * The BOM and the line-ending style of the input are kept.
 */
import type { Finding, LintResult } from '../engine/types.js';
import { applyEdits } from './apply.js';
import { BOM, keepLineEndings, lineEndings, splitBom } from './text.js';

export const MAX_FIX_PASSES = 10;

/** rules whose fix inserts a file-wide session SET: applied only once no other fix is left */
export const FILE_SCOPE_FIX_RULES: ReadonlySet<string> = new Set(['require-lock-timeout', 'require-statement-timeout']);

/** findings that mean the migration fails or misbehaves at run time: a fix must never add one */
export const RUNTIME_FAILURE_RULES: ReadonlySet<string> = new Set([
  'no-concurrently-in-transaction',
  'no-transaction-nesting',
  'no-uncommitted-transaction',
  'no-validate-in-same-transaction',
  'no-enum-value-in-transaction',
]);

/** what the `lint` callback returns: at least the lint result (the project adds its catalog) */
export interface Linted {
  result: LintResult;
}

export interface FixOptions<T extends Linted> {
  /** the lint of the input text, when the caller already has it */
  initial?: T;
  /** which findings' fixes to apply (ESLint: `--quiet` fixes errors only); default all */
  filter?: (m: Finding) => boolean;
  maxPasses?: number;
}

export interface RefusedFix {
  ruleId: string;
  /** where the finding was when the fix was refused (in the text of that pass) */
  line: number;
  column: number;
  /** why: the finding applying it would add */
  reason: string;
}

export interface FixOutcome<T extends Linted> {
  /** the file text as given (BOM included) */
  input: string;
  /** the fixed text to write (BOM and line endings as in the input); `input` when nothing changed */
  output: string;
  changed: boolean;
  /** the lint of `output`: the findings that remain */
  final: T;
  /** passes that applied fixes */
  passes: number;
  /** fixes applied, per rule id */
  applied: Record<string, number>;
  refused: RefusedFix[];
  /**
   * Set when a pass made the text unparsable: nothing is to be written for the file (`output`
   * is the input, `final` its lint).
   */
  abandoned?: { rules: string[]; message: string; line: number; column: number };
}

export function fixText<T extends Linted>(raw: string, lint: (text: string) => T, options: FixOptions<T> = {}): FixOutcome<T> {
  const maxPasses = options.maxPasses ?? MAX_FIX_PASSES;
  const wanted = options.filter ?? (() => true);
  const { bom, body } = splitBom(raw);
  const style = lineEndings(body);
  const whole = (text: string): string => (bom ? BOM : '') + text;

  const first = options.initial ?? lint(raw);
  let text = body;
  let current = first;
  const applied: Record<string, number> = {};
  const refused: RefusedFix[] = [];
  const refusedKeys = new Set<string>();
  const seen = new Set<string>([text]);
  let passes = 0;

  const apply = (from: string, fixes: Finding[]): { text: string; used: Finding[] } => {
    const r = applyEdits(
      from,
      fixes.map((m) => ({ ...m.fix!, finding: m })),
    );
    return { text: keepLineEndings(r.text, style), used: r.applied.map((e) => e.finding) };
  };
  const refuse = (m: Finding, reason: string): void => {
    refusedKeys.add(fixKey(m));
    refused.push({ ruleId: m.ruleId, line: m.line, column: m.column, reason });
  };
  const abandon = (rules: string[], broken: Finding): FixOutcome<T> => ({
    input: raw,
    output: raw,
    changed: false,
    final: first,
    passes: 0,
    applied: {},
    refused,
    abandoned: { rules: [...new Set(rules)].sort(), message: broken.message, line: broken.line, column: broken.column },
  });

  for (let pass = 0; pass < maxPasses; pass++) {
    const candidates = current.result.messages.filter((m) => m.fix && wanted(m) && !refusedKeys.has(fixKey(m)));
    if (candidates.length === 0) break;
    const statementFixes = candidates.filter((m) => !FILE_SCOPE_FIX_RULES.has(m.ruleId));
    const batch = statementFixes.length ? statementFixes : candidates;

    let attempt = apply(text, batch);
    if (attempt.text === text) break;
    let next = lint(whole(attempt.text));
    let verdict = judge(current.result, next.result);
    if (verdict.kind === 'syntax') return abandon(attempt.used.map((m) => m.ruleId), verdict.finding);

    if (verdict.kind === 'runtime') {
      // find the fixes to blame: each alone
      const good: Array<{ m: Finding; text: string; next: T }> = [];
      for (const m of attempt.used) {
        const one = apply(text, [m]);
        if (one.text === text) continue;
        const n = lint(whole(one.text));
        const v = judge(current.result, n.result);
        if (v.kind === 'syntax') return abandon([m.ruleId], v.finding);
        if (v.kind === 'runtime') {
          refuse(m, `it would add ${v.finding.ruleId}: ${v.finding.message}`);
        } else {
          good.push({ m, text: one.text, next: n });
        }
      }
      if (good.length === 0) continue;
      attempt = apply(text, good.map((g) => g.m));
      next = lint(whole(attempt.text));
      verdict = judge(current.result, next.result);
      if (verdict.kind !== 'ok') {
        // together they still clash: take the first, the next pass offers the rest again
        attempt = { text: good[0].text, used: [good[0].m] };
        next = good[0].next;
      }
    }

    // a fix whose finding comes back as it was does not resolve it (it would be applied again on
    // every pass): refuse it and redo the pass without it
    const ineffective = ineffectiveFixes(current.result, attempt.used, next.result);
    if (ineffective.length) {
      for (const m of ineffective) refuse(m, 'it does not resolve the finding (the finding is reported again after it)');
      continue;
    }

    for (const m of attempt.used) applied[m.ruleId] = (applied[m.ruleId] ?? 0) + 1;
    passes++;
    text = attempt.text;
    current = next;
    if (seen.has(text)) break; // circular fixes (ESLint stops the same way)
    seen.add(text);
  }

  // the last check before anything is written: the output parses as well as the input
  if (syntaxErrors(current.result) > syntaxErrors(first.result)) {
    const broken = current.result.messages.find(isSyntaxError)!;
    return abandon(Object.keys(applied), broken);
  }
  const output = whole(text);
  return { input: raw, output, changed: output !== raw, final: current, passes, applied, refused };
}

/** a fix is the same fix on a later pass if the rule, its message and its text are the same */
function fixKey(m: Finding): string {
  return `${m.ruleId}\u0000${m.message}\u0000${m.fix?.text}`;
}

/** fixes applied in a pass whose findings are all still there, with the same fix, after it */
function ineffectiveFixes(before: LintResult, used: Finding[], after: LintResult): Finding[] {
  const count = (r: LintResult): Map<string, number> => {
    const n = new Map<string, number>();
    for (const m of r.messages) if (m.fix) n.set(fixKey(m), (n.get(fixKey(m)) ?? 0) + 1);
    return n;
  };
  const was = count(before);
  const now = count(after);
  const usedBy = new Map<string, Finding[]>();
  for (const m of used) usedBy.set(fixKey(m), [...(usedBy.get(fixKey(m)) ?? []), m]);
  const out: Finding[] = [];
  for (const [key, ms] of usedBy) if ((now.get(key) ?? 0) > (was.get(key) ?? 0) - ms.length) out.push(ms[0]);
  return out;
}

function isSyntaxError(m: Finding): boolean {
  return m.ruleId === 'syntax-error' || (!!m.fatal && !m.ruleId);
}

function syntaxErrors(r: LintResult): number {
  return r.messages.filter(isSyntaxError).length;
}

type Verdict = { kind: 'ok' } | { kind: 'syntax'; finding: Finding } | { kind: 'runtime'; finding: Finding };

/** does the text after a pass break what the text before it did not? */
function judge(before: LintResult, after: LintResult): Verdict {
  if (syntaxErrors(after) > syntaxErrors(before)) {
    const known = new Set(before.messages.filter(isSyntaxError).map((m) => m.message));
    const found = after.messages.filter(isSyntaxError);
    return { kind: 'syntax', finding: found.find((m) => !known.has(m.message)) ?? found[0] };
  }
  for (const rule of RUNTIME_FAILURE_RULES) {
    const was = before.messages.filter((m) => m.ruleId === rule);
    const now = after.messages.filter((m) => m.ruleId === rule);
    if (now.length > was.length) {
      const known = new Set(was.map((m) => m.message));
      return { kind: 'runtime', finding: now.find((m) => !known.has(m.message)) ?? now[now.length - 1] };
    }
  }
  return { kind: 'ok' };
}
