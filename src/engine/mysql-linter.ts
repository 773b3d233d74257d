/**
 * The rule runner for MySQL files: one pass over the statements, as linter.ts does for
 * PostgreSQL. Only rules with `mysql` visitors run (a PostgreSQL-only rule is silent here);
 * visitors are keyed by the MySQL statement kinds. Before each statement the rules see the
 * catalog and session settings as they stand when it runs, and its online-DDL classification;
 * after it, the catalog is advanced. Findings go through the same suppressions, sorting and
 * summary as PostgreSQL's.
 */
import { MysqlCatalog } from '../dialects/mysql/catalog.js';
import { reflowDetails } from './message-shape.js';
import { classifyStatement, type StatementDdl } from '../dialects/mysql/online-ddl.js';
import { DEFAULT_MYSQL_VERSION, parseMysqlTarget } from '../dialects/mysql/matrix.js';
import { mysqlLocksOf } from '../dialects/mysql/locks.js';
import type { MysqlParsedFile, MysqlStatement } from '../dialects/mysql/types.js';
import type { MysqlLock } from '../analysis/lock-types.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';
import type { Finding, LintOptions, LintResult, MysqlReportDescriptor, MysqlRuleContext, RuleDefinition } from './types.js';
import { addVisitors, visitorTable } from './visitors.js';
import { resolveRules, type EnabledRule } from './presets.js';
import { applySuppressions } from './suppressions.js';
import { compareRuleIds, makeFinding, mergeEdits, summarize } from './linter.js';

interface RawFinding extends Finding {
  start: number;
  end: number;
  stmtIndex: number;
}

export function lintMysqlWithCatalog(parsed: MysqlParsedFile, allRules: RuleDefinition[], options: LintOptions = {}): { result: LintResult; catalog: MysqlCatalog } {
  const target = parseMysqlTarget(options.mysqlVersion ?? DEFAULT_MYSQL_VERSION) ?? parseMysqlTarget(DEFAULT_MYSQL_VERSION)!;
  const enabled = resolveRules(allRules, options);
  const statements = parsed.statements;
  const catalog = options.mysqlCatalog ? (options.takeCatalog ? options.mysqlCatalog : options.mysqlCatalog.clone()) : new MysqlCatalog();
  catalog.origin = 'file';
  const settings = new Map<string, string>();
  if (options.lockTimeoutByRunner) settings.set('lock_wait_timeout', 'runner');
  const findings: RawFinding[] = [];
  const source = parsed.source;
  const ddlCache = new Map<MysqlStatement, StatementDdl | undefined>();
  const lockCache = new Map<MysqlStatement, MysqlLock[]>();

  const ddlOf = (s: MysqlStatement): StatementDdl | undefined => {
    if (!ddlCache.has(s)) ddlCache.set(s, classifyStatement(s, { catalog, target, foreignKeyChecksOff: settings.get('foreign_key_checks') === '0' }));
    return ddlCache.get(s);
  };
  const locksOf = (s: MysqlStatement): MysqlLock[] => {
    let l = lockCache.get(s);
    if (!l) lockCache.set(s, (l = mysqlLocksOf(s, ddlOf(s))));
    return l;
  };
  const lockOf = (s: MysqlStatement): MysqlLock | undefined => locksOf(s)[0];
  const isNewTable: MysqlRuleContext['isNewTable'] = (name) => {
    const t = catalog.table(typeof name === 'string' ? name : name ? { ...name, start: 0, end: 0 } : undefined);
    return !!t && t.origin === 'file';
  };
  const findToken: MysqlRuleContext['findToken'] = (stmt, keyword, from = stmt.start) => {
    const kw = keyword.toLowerCase();
    return stmt.tokens.find((t) => t.start >= from && t.text.toLowerCase() === kw);
  };

  const report = (rule: EnabledRule, d: MysqlReportDescriptor): void => {
    const start = d.range ? d.range[0] : d.stmt.start;
    const end = Math.max(start, d.range ? d.range[1] : d.stmt.end);
    const lock = d.lock === null ? undefined : d.lock ?? lockOf(d.stmt);
    const f = makeFinding(rule.def.id, rule.severity, reflowDetails(d.message), start, end);
    if (lock) f.lock = lock;
    if (d.fix) f.fix = mergeEdits(Array.isArray(d.fix) ? d.fix : [d.fix], source.text);
    if (d.suggestions?.length) f.suggestions = d.suggestions.map((s) => ({ desc: s.desc, fix: mergeEdits(Array.isArray(s.fix) ? s.fix : [s.fix], source.text) }));
    if (d.plan) f.plan = { kind: d.plan };
    findings.push({ ...f, start, end, stmtIndex: d.stmt.index });
  };

  const table = visitorTable<MysqlStatement>();
  const { handlers, onStatement, onExit } = table;
  for (const rule of enabled) {
    if (!rule.def.mysql) continue;
    const ctx: MysqlRuleContext = {
      id: rule.def.id,
      options: rule.options,
      file: parsed,
      statements,
      catalog,
      target,
      report: (d) => report(rule, d),
      isNewTable,
      ddlOf,
      locksOf,
      lockOf,
      setting: (name) => settings.get(name.toLowerCase()),
      findToken,
    };
    addVisitors(table, rule.def.mysql(ctx));
  }

  for (const stmt of statements) {
    if (stmt.kind === 'SyntaxError') {
      findings.push({ ...makeFinding('syntax-error', 'error', stmt.error!.message, stmt.error!.index, stmt.error!.index), fatal: true, start: stmt.error!.index, end: stmt.error!.index, stmtIndex: stmt.index });
      continue;
    }
    const ddl = ddlOf(stmt); // classified against the catalog as it stands before the statement
    locksOf(stmt);
    for (const fn of onStatement) fn(stmt);
    for (const fn of handlers.get(stmt.kind) ?? []) fn(stmt.body, stmt);
    catalog.apply(stmt, ddl ? { ...ddl.effective, instantColumnChange: ddl.instantColumnChange } : undefined);
    trackSettings(stmt, settings);
  }
  for (const fn of onExit) fn();

  // (the suppression pass reads statements, directives, comments' lines and tokens: the shapes are the same)
  const kept = options.inlineConfig === false ? findings : applySuppressions(parsed as unknown as ParsedFile, findings, enabled, allRules);
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

/** Session variables the rules ask about: `SET [SESSION] lock_wait_timeout = 5`, `SET foreign_key_checks = 0`. */
function trackSettings(stmt: MysqlStatement, settings: Map<string, string>): void {
  if (stmt.kind !== 'Set') return;
  for (const a of stmt.body.assignments as Array<{ name: string; scope: string; value: string }>) {
    if (a.scope === 'GLOBAL' || a.scope === 'PERSIST' || a.scope === 'USER') continue;
    const raw = a.value.trim();
    const v = (raw.length >= 2 && (raw[0] === "'" || raw[0] === '"') && raw.endsWith(raw[0]) ? raw.slice(1, -1) : raw).toUpperCase();
    if (v === 'DEFAULT') settings.delete(a.name);
    else settings.set(a.name, v === 'OFF' || v === 'FALSE' ? '0' : v === 'ON' || v === 'TRUE' ? '1' : v);
  }
}
