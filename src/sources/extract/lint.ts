/**
 * Lint a JS/TS migration: extract its SQL, lint the virtual SQL document with the call-by-call
 * transaction model, and map every finding, fix and suggestion back into the JS/TS file.
 */
import { lintWithCatalog, summarize } from '../../engine/linter.js';
import { rules as builtinRules } from '../../../rules/index.js';
import { parseFile } from '../../dialects/postgresql/parse.js';
import { parseDirectives, type Directive } from '../../dialects/postgresql/directives.js';
import { SourceText } from '../../dialects/postgresql/source.js';
import { Catalog } from '../../analysis/catalog.js';
import type { ParsedFile } from '../../dialects/postgresql/types.js';
import type { Finding, LintOptions, LintResult } from '../../engine/types.js';
import { extractMigration } from './extract.js';
import { buildDocument, editToFile, pieceAt, placeholdersTouching, rangeToFile, toFile, type VirtualDocument } from './document.js';
import { modelCallTransactions } from './txmodel.js';
import type { ExtractOptions, ExtractedMigration, Fragment } from './types.js';

export interface JsLintOptions extends LintOptions, ExtractOptions {
  /**
   * Apply `// eslint-disable… godwit/<rule>` comments of the JS/TS file (the CLI does, so it
   * agrees with the editor; inside ESLint leave it off: ESLint applies them itself).
   */
  eslintComments?: boolean;
}

/** A migration written in a programming language, extracted and laid out as SQL (PreparedMigration). */
export interface PreparedJsMigration {
  migration: ExtractedMigration;
  document: VirtualDocument;
  /** the virtual document, parsed (replay it as history for later migrations) */
  parsed: ParsedFile;
  /** the file text (BOM removed): what findings index */
  source: string;
  /**
   * Lint it. `options.transaction`, when given, overrides the runner (as `--transaction`);
   * otherwise each call is modelled as the runner sends it.
   */
  lint(options?: JsLintOptions): { result: LintResult; catalog: Catalog };
}

/** Extract and lay out a migration once; lint it, or replay it as history. Needs initParser() (and initJsParser() without `ast`). */
export function prepareJsMigration(path: string, text: string, opts: ExtractOptions = {}): PreparedJsMigration {
  return prepareExtracted(path, extractMigration(path, text, opts), text);
}

/**
 * Lay out an extracted migration — JS/TS or Python (languages.ts), whatever front end read it —
 * as its virtual SQL document; lint it, or replay it as history. Needs initParser().
 */
export function prepareExtracted(path: string, migration: ExtractedMigration, text = migration.text): PreparedJsMigration {
  let document = buildDocument(migration);
  let parsed = parseDocument(path, document);
  if (migration.fragments.some((f) => f.directives.length > 0)) {
    // a suppression comment above a call covers each statement of its SQL: place a copy before each
    const starts = new Map<Fragment, number[]>();
    for (const s of parsed.statements) {
      const piece = document.pieces.find((p) => p.fragment && s.start >= p.docStart && s.start < p.docEnd);
      if (!piece?.fragment || piece.fragment.directives.length === 0) continue;
      const list = starts.get(piece.fragment) ?? [];
      list.push(piece.from! + s.start - piece.docStart);
      starts.set(piece.fragment, list);
    }
    document = buildDocument(migration, starts);
    parsed = parseDocument(path, document);
  }
  const source = migration.text;
  return {
    migration,
    document,
    parsed,
    source,
    lint(options: JsLintOptions = {}) {
      if (migration.error) {
        const e = migration.error;
        const m = { ruleId: null as unknown as string, severity: 2 as const, fatal: true as const, message: `cannot parse ${path}: ${e.message}`, line: e.line, column: e.column, endLine: e.line, endColumn: e.column };
        const catalog = options.catalog ? (options.takeCatalog ? options.catalog : options.catalog.clone()) : new Catalog();
        return { result: { ...summarize(path, [m]), source }, catalog };
      }
      const forced = options.transaction;
      const lintOptions: LintOptions = {
        ...options,
        transaction: forced ?? (migration.wrapped ? 'all' : 'none'),
        ...(forced ? {} : { transactionModel: (stmts) => modelCallTransactions(stmts, document, migration) }),
      };
      const { result, catalog } = lintWithCatalog(parsed, builtinRules, lintOptions);
      const messages = mapMessages(result.messages, parsed, document, new SourceText(text), options, migration);
      // the SELECTs that stand for unreadable calls (and the relations they create) are not statements the migration sends
      const standIns = migration.dynamic.reduce((n, d) => n + 1 + (d.creates?.length ?? 0), 0);
      const stats = { statements: Math.max(0, (result.stats?.statements ?? 0) - standIns), unanalysable: migration.dynamic.length };
      return { result: { ...summarize(path, messages), stats, source }, catalog };
    },
  };
}

/**
 * Parse the virtual document so that each call's SQL stands alone, as the runner sends it: a
 * call whose SQL ends inside a string, a quoted name or a comment (`DEFAULT 'abc`) must not
 * swallow the calls after it — in the document they follow its text, and PostgreSQL's lexer
 * has no way to end an open string. A statement that runs past the end of its call's text is
 * parsed again with that call's text alone (its syntax error stays at the call), and the
 * document without it; positions stay those of the document (blanking keeps every offset).
 */
export function parseDocument(path: string, doc: VirtualDocument): ParsedFile {
  let parsed = parseFile(path, doc.text);
  const isolated = new Set<[number, number]>();
  for (let guard = 0; guard < doc.spans.size; guard++) {
    const crossing = crossingSpan(parsed, doc, isolated);
    if (!crossing) break;
    isolated.add(crossing);
    const spans = [...isolated];
    const rest = parseFile(path, blankOutside(doc.text, spans, false));
    // (the call's text alone, up to its end: nothing after it, so PostgreSQL's error quotes only the call)
    const alone = spans.map((sp) => parseFile(path, blankOutside(doc.text.slice(0, callEnd(doc.text, sp)), [sp], true)).statements);
    const statements = [...rest.statements, ...alone.flat()].sort((a, b) => a.start - b.start);
    statements.forEach((st, i) => (st.index = i));
    // (ParsedFile computes comments, directives and tokens lazily: keep the object, swap its statements)
    rest.statements.splice(0, rest.statements.length, ...statements);
    parsed = rest;
  }
  return parsed;
}

/** The span of the first call with a statement that starts in it and ends after it (not yet isolated). */
function crossingSpan(parsed: ParsedFile, doc: VirtualDocument, isolated: Set<[number, number]>): [number, number] | undefined {
  const spans = [...doc.spans.values()].filter((sp) => ![...isolated].some((x) => x[0] === sp[0]));
  for (const st of parsed.statements) {
    const sp = spans.find(([a, b]) => st.start >= a && st.start < b);
    if (sp && st.end > sp[1]) return sp;
  }
  return undefined;
}

/** Where a call's own text ends: before the `;` line the document puts after each call's SQL. */
function callEnd(text: string, [a, b]: [number, number]): number {
  return text.slice(a, b).endsWith('\n;\n') ? b - 3 : b;
}

/** The text with every character blanked (newlines kept) inside the spans (`inside` false) or outside them (true). */
function blankOutside(text: string, spans: Array<[number, number]>, keepInside: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const inSpan = spans.some(([a, b]) => i >= a && i < b);
    out += inSpan === keepInside || c === '\n' || c === '\r' ? c : ' ';
  }
  return out;
}

/** Lint a JS/TS migration's text; findings are located in that text. Needs initParser() (and initJsParser() without `ast`). */
export function lintJsMigration(text: string, path: string, options: JsLintOptions = {}): LintResult {
  const { includeDown, runner, ast, ...rest } = options;
  return prepareJsMigration(path, text, { includeDown, runner, ast }).lint(rest).result;
}

/**
 * A fix may edit a call's SQL only if the SQL still parses into the same statements: a fix
 * that adds a statement (SET lock_timeout …) would change how the runner sends the call
 * (several statements in one query string run in one implicit transaction).
 */
function statementPreserving(): (fragment: Fragment, start: number, end: number, text: string) => boolean {
  const counts = new Map<Fragment, number>();
  const shape = (sql: string): number => {
    const st = parseFile('<fix>', sql).statements;
    return st.some((x) => x.kind === 'SyntaxError') ? -1 : st.length;
  };
  return (fragment, start, end, text) => {
    let before = counts.get(fragment);
    if (before === undefined) counts.set(fragment, (before = shape(fragment.sql)));
    return before >= 0 && shape(fragment.sql.slice(0, start) + text + fragment.sql.slice(end)) === before;
  };
}

/** Rule messages name lines of the virtual document ("at line 3"): name the file's lines instead. */
function fileLines(message: string, doc: VirtualDocument, docSource: SourceText, js: SourceText): string {
  return message.replace(/\bline (\d+)\b/g, (all, n: string) => {
    const start = docSource.lineStarts[Number(n) - 1];
    if (start === undefined) return all;
    let at = start;
    while (at < docSource.text.length && (docSource.text[at] === ' ' || docSource.text[at] === '\t')) at++;
    return `line ${js.position(toFile(doc, at, 'start')).line}`;
  });
}

function mapMessages(messages: Finding[], parsed: ParsedFile, doc: VirtualDocument, js: SourceText, options: JsLintOptions, m0: ExtractedMigration): Finding[] {
  const docSource = parsed.source;
  const offset = (line: number, column: number): number => (docSource.lineStarts[line - 1] ?? docSource.text.length) + column - 1;
  const accept = statementPreserving();
  const named = m0.fragments.flatMap((f) => f.placeholders).filter((ph) => !ph.text.startsWith('$'));
  const out: Finding[] = [];
  const unused = new Map<string, Finding[]>();
  for (const m of messages) {
    const s = offset(m.line, m.column);
    const e = offset(m.endLine, m.endColumn);
    const [a, b] = rangeToFile(doc, s, e);
    const p = js.position(a);
    const q = js.position(b);
    const mapped: Finding = { ...m, line: p.line, column: p.column, endLine: q.line, endColumn: q.column };
    const touched = placeholdersTouching(doc, s, Math.max(s, e));
    let message = m.ruleId ? fileLines(m.message, doc, docSource, js) : m.message;
    const depends = [...touched];
    for (const ph of named) {
      if (!message.includes(ph.text) && !(m.lock && m.lock.table.includes(ph.text))) continue;
      message = message.split(ph.text).join(ph.shown);
      if (m.lock) mapped.lock = { ...m.lock, table: m.lock.table.split(ph.text).join(ph.shown) };
      if (!depends.includes(ph)) depends.push(ph);
    }
    if (depends.length) message += `\nThis depends on the value of ${depends.map((ph) => `\`${ph.shown}\``).join(', ')}, which godwit cannot see.`;
    mapped.message = message;
    delete mapped.fix;
    delete mapped.suggestions;
    const piece = m.ruleId ? pieceAt(doc, s, 'start') : undefined;
    if (piece?.call?.kind === 'builder' && !piece.fragment) {
      // a builder call: its own edit, where the rule offers its SQL fix (CONCURRENTLY only
      // outside a transaction …), never an edit of the synthetic SQL; a suggestion that takes
      // the call out of the transaction (Alembic's autocommit_block) is offered inside one too
      const own = piece.call.fixes?.[m.ruleId];
      const sugg = piece.call.suggestions?.[m.ruleId];
      if (m.fix && own) mapped.fix = own;
      if (sugg && (m.fix || sugg.leavesTransaction)) mapped.suggestions = [{ desc: sugg.desc, fix: sugg.fix }];
      // and the tool's own advice for this rule
      const advice = piece.call.advice?.[m.ruleId];
      if (advice) mapped.message = `${mapped.message}\n${advice}`;
    } else if (m.fix && !touched.length) {
      const f = editToFile(doc, m.fix, accept);
      if (f) mapped.fix = f;
    }
    if (m.suggestions?.length && !(piece?.call?.kind === 'builder' && !piece.fragment)) {
      const sugg = m.suggestions.flatMap((sg) => {
        const f = editToFile(doc, sg.fix, accept);
        return f ? [{ desc: sg.desc, fix: f }] : [];
      });
      if (sugg.length) mapped.suggestions = sugg;
    }
    // the copies of one JS suppression comment report "suppresses nothing" each: fold them below
    if (m.ruleId === 'unused-suppression') {
      const piece = doc.pieces.find((pc) => pc.directive && s >= pc.docStart && s < pc.docEnd);
      if (piece?.directive) {
        const key = `${piece.directive[0]}:${piece.directive[1]}`;
        unused.set(key, [...(unused.get(key) ?? []), mapped]);
        continue;
      }
    }
    out.push(mapped);
  }
  for (const [key, list] of unused) {
    const unknownRule = list.find((f) => !f.message.includes('suppresses nothing'));
    if (unknownRule) out.push(unknownRule);
    else if (list.length >= (doc.copies.get(key) ?? 1)) out.push(list[0]);
  }
  const kept = options.eslintComments && options.inlineConfig !== false ? applyEslintComments(out, m0.eslintDirectives, js) : out;
  return kept.sort((x, y) => x.line - y.line || x.column - y.column || (x.ruleId ?? '').localeCompare(y.ruleId ?? ''));
}

/**
 * `// eslint-disable-next-line godwit/x`, `// eslint-disable-line godwit/x` and
 * `/* eslint-disable godwit/x *\/ … /* eslint-enable *\/` in the JS/TS file, with ESLint's
 * line and region semantics.
 */
function applyEslintComments(messages: Finding[], comments: ExtractedMigration['eslintDirectives'], js: SourceText): Finding[] {
  if (comments.length === 0) return messages;
  const directives = parseDirectives(comments.map((c) => ({ text: c.text, start: c.range[0], end: c.range[1], line: c.line, endLine: c.endLine, block: false })));
  return messages.filter((m) => !suppressedByEslint(m, js, directives));
}

function suppressedByEslint(m: Finding, js: SourceText, directives: Directive[]): boolean {
  if (m.fatal || !m.ruleId) return false;
  const at = (js.lineStarts[m.line - 1] ?? 0) + m.column - 1;
  const names = (rules: string[] | null): boolean => rules === null || rules.includes(m.ruleId);
  let open: Array<{ rules: string[] | null; from: number }> = [];
  for (const d of directives) {
    if (d.foreign) continue;
    switch (d.kind) {
      case 'eslint-disable-next-line':
        if (m.line === d.comment.endLine + 1 && names(d.rules)) return true;
        break;
      case 'eslint-disable-line':
        if (m.line === d.comment.line && names(d.rules)) return true;
        break;
      case 'eslint-disable':
        open.push({ rules: d.rules, from: d.comment.end });
        break;
      case 'eslint-enable':
        if (open.some((o) => at >= o.from && at < d.comment.start && names(o.rules) && (d.rules === null || d.rules.includes(m.ruleId)))) return true;
        if (d.rules === null) open = [];
        break;
    }
  }
  return open.some((o) => at >= o.from && names(o.rules));
}
