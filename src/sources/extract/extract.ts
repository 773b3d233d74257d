/**
 * extractMigration(): read a JS/TS migration statically — its runner, the SQL its `up` sends
 * (with a character map back into the file), what cannot be read, the transaction the runner
 * puts around it, and the suppression comments written above its calls.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { parentOf, setParents, type Node } from './ast.js';
import { callNodes, collectCalls } from './calls.js';
import { JsParseError, parseJs } from './parse.js';
import { detectRunner, findShape, transactionFacts } from './shape.js';
import { emptyMigration } from './empty.js';
import type { ExtractOptions, ExtractedCall, ExtractedMigration, JsRange } from './types.js';

/** Extractions of this process, by path: root detection and linting read the same files. */
const cache = new Map<string, { raw: string; forced?: string; down: boolean; migration: ExtractedMigration }>();

export function extractMigration(path: string, raw: string, opts: ExtractOptions = {}): ExtractedMigration {
  if (opts.ast) return extractUncached(path, raw, opts);
  const hit = cache.get(path);
  // a detected runner serves a later request that forces the same runner
  if (hit && hit.raw === raw && hit.down === !!opts.includeDown && (hit.forced === opts.runner || (!hit.forced && hit.migration.runner === opts.runner))) return hit.migration;
  const migration = extractUncached(path, raw, opts);
  if (cache.size > 5000) cache.clear();
  cache.set(path, { raw, forced: opts.runner, down: !!opts.includeDown, migration });
  return migration;
}

function extractUncached(path: string, raw: string, opts: ExtractOptions): ExtractedMigration {
  const empty: ExtractedMigration = emptyMigration(path, raw, opts.runner);
  const { text } = empty;
  let program: TSESTree.Program;
  try {
    program = (opts.ast as TSESTree.Program | undefined) ?? parseJs(text, path);
  } catch (e) {
    if (!(e instanceof JsParseError)) throw e;
    return { ...empty, error: { message: e.message, index: e.index, line: e.line, column: e.column } };
  }
  setParents(program);
  const comments = (program.comments ?? []) as TSESTree.Comment[];
  const shape = findShape(program);
  const detected = opts.runner ? { runner: opts.runner, by: `--runner ${opts.runner}` } : detectRunner(program, shape, comments);
  const runner = detected.runner;
  const tx = transactionFacts(runner, shape, path);

  const calls: ExtractedCall[] = [];
  let builderCalls = 0;
  if (runner) {
    for (const direction of opts.includeDown ? (['up', 'down'] as const) : (['up'] as const)) {
      const fn = shape[direction];
      if (!fn) continue;
      const r = collectCalls(fn, { program, text, runner, direction, cls: shape.cls });
      calls.push(...r.calls);
      builderCalls += r.builderCalls;
    }
  }
  const { fileDirectives, eslintDirectives } = attachDirectives(calls, comments, text);
  for (const c of calls) callNodes.delete(c); // do not keep the AST alive
  return {
    ...empty,
    runner,
    detectedBy: detected.by,
    hasUp: !!shape.up,
    ...(shape.className ? { className: shape.className } : {}),
    calls,
    fragments: calls.filter((c) => c.kind === 'sql'),
    dynamic: calls.filter((c) => c.kind === 'dynamic'),
    wrapped: tx.wrapped,
    transaction: tx.wrapped ? 'all' : 'none',
    txReason: tx.reason,
    txOrigin: tx.origin,
    fileDirectives,
    eslintDirectives,
    builderCalls,
  };
}

const GODWIT = /^godwit-ignore(-file)?(?=\s|$)/;
const ESLINT = /^eslint-(disable|enable)(-next-line|-line)?(?=\s|$)/;

/**
 * `// godwit-ignore …` on the line(s) directly above a call (only comments and blank lines
 * between) applies to that call, and to every call of the statement it sits above; inside a
 * call's argument list, to that call. `// godwit-ignore-file …` anywhere: the whole file.
 */
function attachDirectives(calls: ExtractedCall[], comments: TSESTree.Comment[], text: string) {
  const fileDirectives: ExtractedMigration['fileDirectives'] = [];
  const eslintDirectives: ExtractedMigration['eslintDirectives'] = [];
  const sorted = [...comments].sort((a, b) => a.range[0] - b.range[0]);
  for (const c of sorted) {
    const body = commentBody(c);
    const range: JsRange = [c.range[0], c.range[1]];
    const g = GODWIT.exec(body);
    if (g) {
      const sql = `-- ${body}`;
      if (g[1]) {
        fileDirectives.push({ text: sql, range });
        continue;
      }
      for (const call of calls) {
        if (appliesTo(c, call, sorted, text)) call.directives.push({ text: sql, range });
      }
      continue;
    }
    if (ESLINT.test(body) && body.includes('godwit/')) eslintDirectives.push({ text: `-- ${body}`, range, line: c.loc.start.line, endLine: c.loc.end.line });
  }
  return { fileDirectives, eslintDirectives };
}

function commentBody(c: TSESTree.Comment): string {
  if (c.type === 'Line') return c.value.trim();
  return c.value
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/^\s*\*?\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
}

function appliesTo(c: TSESTree.Comment, call: ExtractedCall, comments: TSESTree.Comment[], text: string): boolean {
  const [start, end] = call.callRange;
  if (c.range[0] > start && c.range[1] < end) {
    // inside the call: before its SQL argument
    return c.range[1] <= call.argRange[0];
  }
  const anchors = [start, statementStart(call)];
  return anchors.some((a) => a >= c.range[1] && lineBreakBetween(text, c.range[1], a) && onlyCommentsBetween(text, c.range[1], a, comments));
}

/** Where the statement holding the call starts. */
function statementStart(call: ExtractedCall): number {
  const node = callNodes.get(call);
  let cur: Node | undefined = node;
  while (cur) {
    const p = parentOf(cur);
    if (!p || p.type === 'BlockStatement' || p.type === 'Program' || p.type === 'StaticBlock' || p.type === 'SwitchCase' || p.type === 'ClassBody') return cur.range[0];
    cur = p;
  }
  return call.callRange[0];
}

function lineBreakBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text[i] === '\n' || text[i] === '\r') return true;
  return false;
}

function onlyCommentsBetween(text: string, from: number, to: number, comments: TSESTree.Comment[]): boolean {
  let i = from;
  while (i < to) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    const c = comments.find((k) => k.range[0] === i);
    if (!c) return false;
    i = c.range[1];
  }
  return true;
}
