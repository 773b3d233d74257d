/**
 * The rule runner: one pass over the statements of a file. Before each statement, the
 * rules see the catalog, transaction and session state as they stand when it runs; after
 * it, the state is advanced. Findings are then filtered by suppressions and sorted.
 */
import { Catalog } from '../analysis/catalog.js';
import { modelTransactions, txControl, type TxInfo } from '../analysis/transactions.js';
import { locksOf, primaryLock, alterCmdEffects } from '../analysis/locks.js';
import type { Lock } from '../analysis/lock-types.js';
import type { ParsedFile, Statement } from '../dialects/postgresql/types.js';
import type { Finding, LintOptions, LintResult, ReportDescriptor, RuleContext, RuleDefinition, Severity, Edit } from './types.js';
import { addVisitors, visitorTable } from './visitors.js';
import { resolveRules, type EnabledRule } from './presets.js';
import { applySuppressions } from './suppressions.js';
import { firstTokenAt } from '../dialects/postgresql/search.js';
import { DEFAULT_SMALL_TABLE_BYTES, formatBytes, sizeNote } from '../analysis/table-sizes.js';

export const DEFAULT_PG_VERSION = 15;

interface RawFinding extends Finding {
  start: number;
  end: number;
  /** the top-level statement the finding belongs to (-1: none) */
  stmtIndex: number;
}

export function lintParsed(parsed: ParsedFile, allRules: RuleDefinition[], options: LintOptions = {}): LintResult {
  return lintWithCatalog(parsed, allRules, options).result;
}

/** Lint, and return the catalog as it stands after the file (the next migration's history). */
export function lintWithCatalog(parsed: ParsedFile, allRules: RuleDefinition[], options: LintOptions = {}): { result: LintResult; catalog: Catalog } {
  const pgVersion = options.pgVersion ?? DEFAULT_PG_VERSION;
  const mode = options.transaction ?? 'none';
  const enabled = resolveRules(allRules, options);
  const statements = parsed.statements;
  const txModel = options.transactionModel ? options.transactionModel(statements) : modelTransactions(statements, mode);
  const catalog = options.catalog ? (options.takeCatalog ? options.catalog : options.catalog.clone()) : new Catalog();
  catalog.origin = 'file';
  if (options.searchPath?.length) catalog.setDefaultSearchPath(options.searchPath);
  const settings = new Set<string>();
  if (options.lockTimeoutByRunner) settings.add('lock_timeout');
  /** settings made by SET LOCAL: they end with their transaction block */
  const localSettings = new Set<string>();
  const findings: RawFinding[] = [];
  const lockCache = new Map<Statement, Lock[]>();
  const source = parsed.source;

  /** code tokens starting in [start, end) (ParsedFile.tokensIn scans only that part of the file) */
  const tokensIn = (start: number, end: number): ParsedFile['tokens'] => {
    if (parsed.tokensIn) return parsed.tokensIn(start, end);
    const all = parsed.tokens;
    const out = [];
    for (let i = firstTokenAt(all, start); i < all.length && all[i].start < end; i++) out.push(all[i]);
    return out;
  };
  const topOf = (s: Statement): Statement => s.parent ?? s;
  const txOf = (s: Statement): TxInfo => txModel.info[topOf(s).index] ?? { inTransaction: false, id: null, explicit: false };
  const lockList = (s: Statement): Lock[] => {
    let l = lockCache.get(s);
    if (!l) {
      l = locksOf(s, { pgVersion, catalog });
      lockCache.set(s, l);
    }
    return l;
  };

  // the context's functions are the same for every rule: made once per file, not once per rule
  // (42 rules × every file of a run), only `report` knows its rule
  const isNewTable = (rel: Parameters<RuleContext['isNewTable']>[0]): boolean => {
    if (!rel) return false;
    const t = catalog.table(rel);
    return !!t && t.origin === 'file';
  };
  const inTransaction = (s: Statement): boolean => txOf(s).inTransaction;
  const lockOf = (s: Statement): Lock | undefined => primaryLock(lockList(s));
  const cmdEffects: RuleContext['cmdEffects'] = (rel, cmd) => alterCmdEffects(rel, cmd, { pgVersion, catalog });
  const isSet = (name: string): boolean => settings.has(name);
  const tokensOf: RuleContext['tokensOf'] = (stmt) => tokensIn(stmt.start, stmt.end).filter((t) => t.end <= stmt.end);
  const findToken: RuleContext['findToken'] = (stmt, keyword, from = stmt.start, before) => {
    const kw = keyword.toLowerCase();
    // a bound from the parse tree (a location starts a token): only the statement's text up to
    // it is scanned, which finds the same first match when the keyword is there (a DO block's
    // statements have no tokens of their own: the file's scan sees the body as one string)
    const bound = typeof before?.location === 'number' && before.location >= 0 && !stmt.parent ? stmt.locate(before.location) : -1;
    if (bound !== -1 && parsed.tokensBetween && from <= bound && bound <= stmt.end) {
      for (const t of parsed.tokensBetween(stmt.start, bound)) if (t.start >= from && t.text.toLowerCase() === kw) return t;
    }
    for (const t of tokensIn(from, stmt.end)) if (t.end <= stmt.end && t.text.toLowerCase() === kw) return t;
    return undefined;
  };

  const report = (rule: EnabledRule, d: ReportDescriptor): void => {
    const start = d.range ? d.range[0] : d.node && typeof d.node.location === 'number' && d.node.location >= 0 ? d.stmt.locate(d.node.location) : d.stmt.start;
    const end = Math.max(start, d.range ? d.range[1] : d.stmt.end);
    const lock = d.lock === null ? undefined : d.lock ?? primaryLock(lockList(d.stmt));
    const f = makeFinding(rule.def.id, rule.severity, d.message, start, end);
    if (lock) {
      f.lock = lock;
      if (options.tableSizes) applyTableSize(f, rule, lock, d.stmt.kind, options, catalog);
    }
    if (d.fix) f.fix = mergeEdits(Array.isArray(d.fix) ? d.fix : [d.fix], source.text);
    if (d.suggestions?.length) f.suggestions = d.suggestions.map((s) => ({ desc: s.desc, fix: mergeEdits(Array.isArray(s.fix) ? s.fix : [s.fix], source.text) }));
    if (d.plan) f.plan = { kind: d.plan };
    findings.push({ ...f, start, end, stmtIndex: topOf(d.stmt).index });
  };

  // dispatch table: node kind → handlers
  const table = visitorTable<Statement>();
  const { handlers, onStatement, onExit } = table;
  for (const rule of enabled) {
    if (rule.def.id === 'syntax-error' || rule.def.id === 'unused-suppression') continue;
    const ctx: RuleContext = {
      id: rule.def.id,
      options: rule.options,
      pgVersion,
      file: parsed,
      catalog,
      transactionMode: mode,
      statements,
      report: (d) => report(rule, d),
      isNewTable,
      tx: txOf,
      inTransaction,
      locksOf: lockList,
      lockOf,
      cmdEffects,
      isSet,
      tokensOf,
      findToken,
    };
    addVisitors(table, rule.def.create(ctx));
  }

  const visit = (stmt: Statement): void => {
    lockList(stmt); // lock facts as of this point in the replay
    for (const fn of onStatement) fn(stmt);
    if (stmt.node && handlers.size) walk(stmt.node, stmt, handlers);
    if (stmt.children) {
      // a DO block's statements run one after the other: each sees what the earlier ones made
      const tx = txModel.info[stmt.index]?.id ?? null;
      for (const c of stmt.children) {
        visit(c);
        catalog.apply(c, tx);
      }
    }
  };

  for (const stmt of statements) {
    if (stmt.kind === 'SyntaxError') {
      findings.push({
        ...makeFinding('syntax-error', 'error', stmt.error!.message, stmt.error!.index, stmt.error!.index),
        fatal: true,
        start: stmt.error!.index,
        end: stmt.error!.index,
        stmtIndex: stmt.index,
      });
      continue;
    }
    if (stmt.unanalysable) {
      // a DO block whose PL/pgSQL godwit could not read: said so, never a silent pass
      const u = stmt.unanalysable;
      findings.push({ ...makeFinding('syntax-error', 'error', u.message, u.index, u.index), fatal: true, start: u.index, end: u.index, stmtIndex: stmt.index });
    }
    visit(stmt);
    catalog.apply(stmt, txModel.info[stmt.index]?.id ?? null, false);
    trackSettings(stmt, settings, txModel.info[stmt.index], localSettings);
  }
  for (const fn of onExit) fn();

  const kept = options.inlineConfig === false ? findings : applySuppressions(parsed, findings, enabled, allRules);
  kept.sort((a, b) => a.start - b.start || a.end - b.end || compareRuleIds(a.ruleId, b.ruleId));
  const messages: Finding[] = kept.map((f) => {
    const p = source.position(f.start);
    const e = source.position(f.end);
    const { start: _s, end: _e, stmtIndex: _i, ...rest } = f;
    return { ...rest, line: p.line, column: p.column, endLine: e.line, endColumn: e.column };
  });
  const analysed = statements.reduce((n, st) => (st.kind === 'SyntaxError' ? n : n + 1), 0);
  return { result: { ...summarize(parsed.path, messages), stats: { statements: analysed, unanalysable: 0 } }, catalog };
}

/**
 * Lock rules whose finding does not depend on the table's size: waiting for the lock (a timeout),
 * failing at run time, holding locks across statements, deadlocks.
 */
const SIZE_INDEPENDENT = new Set(['require-lock-timeout', 'no-concurrently-in-transaction', 'no-enum-value-in-transaction', 'no-multi-table-exclusive-locks', 'no-lock-table']);

/** With table sizes: the estimated duration of the work under the lock, and a warning instead of an error on a small table. */
function applyTableSize(f: Finding, rule: EnabledRule, lock: Lock, statementKind: string, options: LintOptions, catalog: Catalog): void {
  if (rule.def.category !== 'locks' || SIZE_INDEPENDENT.has(rule.def.id) || lock.duration === 'instant') return;
  const size = options.tableSizes!.get(catalog.key(lock.table));
  if (!size) return;
  const note = sizeNote(lock, size, statementKind);
  if (note) f.message += `\n${note}`;
  const small = options.smallTableBytes ?? DEFAULT_SMALL_TABLE_BYTES;
  if (f.severity === 2 && size.bytes < small) {
    f.severity = 1;
    f.message += `\nA warning, not an error: "${lock.table}" is ${formatBytes(size.bytes)}, below smallTable (${formatBytes(small)}).`;
  }
}

const PLAIN_ID = /^[a-z0-9-]*$/;

/**
 * `a.localeCompare(b)` for rule ids. Ids of lowercase letters, digits and `-` (all of godwit's)
 * compare by code unit, which orders them exactly as localeCompare does, without loading the ICU
 * collator (7 ms on a one-file run).
 */
export function compareRuleIds(a: string, b: string): number {
  if (PLAIN_ID.test(a) && PLAIN_ID.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}

export function summarize(filePath: string, messages: Finding[]): LintResult {
  let errorCount = 0;
  let warningCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  let fatalErrorCount = 0;
  for (const m of messages) {
    if (m.severity === 2) {
      errorCount++;
      if (m.fix) fixableErrorCount++;
      if (m.fatal) fatalErrorCount++;
    } else {
      warningCount++;
      if (m.fix) fixableWarningCount++;
    }
  }
  return { filePath, messages, errorCount, warningCount, fixableErrorCount, fixableWarningCount, fatalErrorCount };
}

export function makeFinding(ruleId: string, severity: Severity, message: string, _start: number, _end: number): Finding {
  return { ruleId, severity: severity === 'error' ? 2 : 1, message, line: 0, column: 0, endLine: 0, endColumn: 0 };
}

/** Several edits of one fix become one edit spanning them (ESLint's fix shape). */
export function mergeEdits(edits: Edit[], text: string): Edit {
  if (edits.length === 1) return edits[0];
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0]);
  const start = sorted[0].range[0];
  const end = Math.max(...sorted.map((e) => e.range[1]));
  let out = '';
  let pos = start;
  for (const e of sorted) {
    out += text.slice(pos, e.range[0]) + e.text;
    pos = Math.max(pos, e.range[1]);
  }
  out += text.slice(pos, end);
  return { range: [start, end], text: out };
}

function walk(node: unknown, stmt: Statement, handlers: Map<string, Array<(node: any, stmt: Statement) => void>>): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, stmt, handlers);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const key in node as Record<string, unknown>) {
    const value = (node as Record<string, unknown>)[key];
    if (value === null || typeof value !== 'object') continue;
    const list = handlers.get(key);
    if (list) for (const fn of list) fn(value, stmt);
    walk(value, stmt, handlers);
  }
}

/** Session settings the rules ask about (lock_timeout, statement_timeout). */
function trackSettings(stmt: Statement, settings: Set<string>, tx?: TxInfo, local?: Set<string>): void {
  const ctl = txControl(stmt);
  if (local && (ctl === 'commit' || ctl === 'rollback')) {
    // SET LOCAL lasts until the end of the transaction block
    for (const n of local) settings.delete(n);
    local.clear();
  }
  if (stmt.kind !== 'VariableSetStmt') return;
  const b = stmt.body;
  if (b.is_local && local && b.name) {
    if (!tx?.inTransaction) return; // SET LOCAL outside a transaction block has no effect
    const zeroLocal = b.args?.length === 1 && ((b.args[0]?.A_Const?.ival !== undefined && (b.args[0].A_Const.ival.ival ?? 0) === 0) || b.args[0]?.A_Const?.sval?.sval === '0');
    if (b.kind === 'VAR_SET_VALUE' && !zeroLocal && !settings.has(b.name)) {
      settings.add(b.name);
      local.add(b.name);
    } else if (zeroLocal || b.kind === 'VAR_SET_DEFAULT' || b.kind === 'VAR_RESET') {
      settings.delete(b.name); // conservative: not restored at the end of the block
    }
    return;
  }
  if (b.name) local?.delete(b.name); // a session-level SET outlives the block
  if (!b.name) {
    if (b.kind === 'VAR_RESET_ALL') settings.clear();
    return;
  }
  if (b.kind === 'VAR_SET_VALUE' || b.kind === 'VAR_SET_CURRENT') {
    const zero = b.args?.length === 1 && (b.args[0]?.A_Const?.ival?.ival ?? 0) === 0 && b.args[0]?.A_Const?.ival !== undefined;
    if (zero || b.args?.[0]?.A_Const?.sval?.sval === '0') settings.delete(b.name); // 0 disables the timeout
    else settings.add(b.name);
  } else if (b.kind === 'VAR_RESET' || b.kind === 'VAR_SET_DEFAULT') {
    settings.delete(b.name);
  }
}
