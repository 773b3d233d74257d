/**
 * ExtractedCalls from Python: a translated operation (BuilderCall), SQL text read from a string
 * (Fragment) or a recognised operation godwit cannot translate (DynamicCall), each located at
 * the call in the file; and the `# godwit-ignore` comments above them.
 */
import type { BuilderCall, DynamicCall, ExtractedCall, ExtractedMigration, Fragment, JsRange } from '../types.js';
import type { PyNode } from './parse.js';
import { snippetOf } from './parse.js';
import type { PyValue } from './values.js';

export interface CallExtras {
  /** the call runs outside the runner's transaction (Alembic autocommit_block) */
  outsideTransaction?: string;
  fixes?: BuilderCall['fixes'];
  suggestions?: BuilderCall['suggestions'];
  advice?: BuilderCall['advice'];
}

export function builderCall(node: PyNode, operation: string, statements: string[], extras: CallExtras = {}): BuilderCall {
  return { kind: 'builder', callee: operation, operation, statements, callRange: [node.start, node.end], argRange: [node.start, node.end], direction: 'up', directives: [], ...clean(extras) };
}

export function sqlCall(node: PyNode, operation: string, value: Extract<PyValue, { kind: 'str' }>, extras: CallExtras = {}): Fragment {
  return {
    kind: 'sql',
    callee: operation,
    sql: value.b.text,
    placeholders: value.b.placeholders,
    map: value.b.map,
    callRange: [node.start, node.end],
    argRange: [value.node.start, value.node.end],
    direction: 'up',
    directives: [],
    ...clean(extras, true),
  };
}

/**
 * A call godwit recognises but cannot read: `builder` for an operation it cannot translate (the
 * finding is at the call and names the operation), otherwise SQL it cannot read (at the argument).
 */
export function dynamicCall(src: string, node: PyNode, operation: string, reason: string, arg: PyNode | undefined, extras: CallExtras & { builder?: boolean; code?: boolean } = {}): DynamicCall {
  const at = extras.builder ? node : arg && arg.end > arg.start ? arg : node;
  const call: DynamicCall = { kind: 'dynamic', callee: operation, expr: snippetOf(src, at, 80), reason, callRange: [node.start, node.end], argRange: [at.start, at.end], direction: 'up', directives: [], ...clean(extras, true) };
  if (extras.builder) call.operation = operation;
  if (extras.code) call.code = true;
  return call;
}

function clean(extras: CallExtras, notBuilder = false): Partial<CallExtras> {
  const out: Partial<CallExtras> = {};
  if (extras.outsideTransaction) out.outsideTransaction = extras.outsideTransaction;
  if (!notBuilder && extras.fixes && Object.keys(extras.fixes).length) out.fixes = extras.fixes;
  if (!notBuilder && extras.suggestions && Object.keys(extras.suggestions).length) out.suggestions = extras.suggestions;
  if (!notBuilder && extras.advice && Object.keys(extras.advice).length) out.advice = extras.advice;
  return out;
}

const GODWIT = /^godwit-ignore(-file)?(?=\s|$)/;

/**
 * `# godwit-ignore [rules] [-- reason]` on the line(s) directly above a call's statement (only
 * comments and blank lines between) applies to that call; `# godwit-ignore-file` anywhere, to
 * the file. `anchors` gives, per call, where its statement (or list element) starts.
 */
export function attachPyDirectives(src: string, root: PyNode, calls: ExtractedCall[], anchors: Map<ExtractedCall, number>): ExtractedMigration['fileDirectives'] {
  const comments: PyNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'comment') comments.push(n);
    else for (const c of n.children) stack.push(c);
  }
  comments.sort((a, b) => a.start - b.start);
  const fileDirectives: ExtractedMigration['fileDirectives'] = [];
  for (const c of comments) {
    const body = src.slice(c.start + 1, c.end).trim();
    const g = GODWIT.exec(body);
    if (!g) continue;
    const range: JsRange = [c.start, c.end];
    const text = `-- ${body}`;
    if (g[1]) {
      fileDirectives.push({ text, range });
      continue;
    }
    for (const call of calls) {
      const starts = [call.callRange[0], anchors.get(call) ?? call.callRange[0]];
      if (starts.some((a) => a >= c.end && onlyCommentsBetween(src, c.end, a, comments) && lineBreakBetween(src, c.end, a))) call.directives.push({ text, range });
    }
  }
  return fileDirectives;
}

function lineBreakBetween(src: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (src[i] === '\n' || src[i] === '\r') return true;
  return false;
}

function onlyCommentsBetween(src: string, from: number, to: number, comments: PyNode[]): boolean {
  let i = from;
  while (i < to) {
    const ch = src[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f') {
      i++;
      continue;
    }
    const c = comments.find((k) => k.start === i);
    if (!c) return false;
    i = c.end;
  }
  return true;
}
