import type { Node } from '../dialects/postgresql/pg.js';
import type { Statement, ParsedFile } from '../dialects/postgresql/types.js';
import type { AnyLock, Lock } from '../analysis/lock-types.js';
import type { Catalog } from '../analysis/catalog.js';
import type { TxInfo, TransactionMode } from '../analysis/transactions.js';
import type { RangeVarLike } from '../analysis/names.js';
import type { LockEffect } from '../analysis/locks.js';
import type { MysqlLock } from '../analysis/lock-types.js';
import type { MysqlParsedFile, MysqlStatement, MysqlStatementKind } from '../dialects/mysql/types.js';
import type { MysqlCatalog } from '../dialects/mysql/catalog.js';
import type { MysqlTarget } from '../dialects/mysql/matrix.js';
import type { StatementDdl } from '../dialects/mysql/online-ddl.js';

/** The SQL dialects godwit reads (src/dialects/). */
export type DialectName = 'postgresql' | 'mysql';

export type Severity = 'error' | 'warn';
export type RuleSetting = Severity | 'off';
export type PresetName = 'recommended' | 'strict' | 'all';

export interface Edit {
  /** UTF-16 offsets into the file text (BOM removed) */
  range: [number, number];
  text: string;
}

export interface Suggestion {
  desc: string;
  fix: Edit;
}

/** A finding, shaped like an ESLint LintMessage (CLI.md `--format json`). */
export interface Finding {
  ruleId: string;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fatal?: true;
  lock?: AnyLock;
  fix?: Edit;
  suggestions?: Suggestion[];
  plan?: { kind: string };
}

export interface LintStats {
  /** statements analysed (SQL statements, or the statements extracted and translated from a JS/TS or Python migration) */
  statements: number;
  /** calls that send SQL godwit could not read or translate (reported as dynamic-sql) */
  unanalysable: number;
}

export interface LintResult {
  filePath: string;
  messages: Finding[];
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  fatalErrorCount: number;
  /**
   * What was analysed (CLI.md, coverage): the statements linted, and the calls godwit could
   * not read or translate (each a dynamic-sql finding). Absent for a file that could not be
   * read or parsed at all.
   */
  stats?: LintStats;
  /** the linted text (for code frames and fixes); not part of the JSON output */
  source?: string;
  /**
   * `--fix` / `--fix-dry-run`: the file's text with the fixes applied (BOM included), as in
   * ESLint's LintResult; only when a fix changed it
   */
  output?: string;
}

export interface RuleDocs {
  /** one line: what it flags */
  summary: string;
  /** what goes wrong in production */
  why: string;
  /** the safe way, with SQL */
  fix: string;
  /** a bad and a good example */
  example?: { bad: string; good: string };
  /** the rule's options, if it has any (prose; SQL paragraphs become code blocks), for its docs page */
  options?: string;
}

type KeysOfUnion<T> = T extends T ? keyof T : never;
/** libpg-query node type name → node body type */
export type NodeMap = { [K in KeysOfUnion<Node>]: Extract<Node, Record<K, unknown>>[K] };
export type NodeKind = keyof NodeMap;

export type Visitors = {
  [K in NodeKind]?: (node: any, stmt: Statement) => void;
} & {
  /** every statement (top-level and DO-block children), before its nodes */
  Statement?: (stmt: Statement) => void;
  /** after the last statement */
  'File:exit'?: () => void;
};

export interface ReportDescriptor {
  stmt: Statement;
  /** a node with a `location`; the finding starts there (default: the statement start) */
  node?: { location?: number } | null;
  /** or an explicit UTF-16 range in the file */
  range?: [number, number];
  message: string;
  /** the lock to show; default: the statement's primary lock; null: none */
  lock?: Lock | null;
  fix?: Edit | Edit[];
  suggestions?: Array<{ desc: string; fix: Edit | Edit[] }>;
  plan?: string;
}

export interface RuleContext {
  readonly id: string;
  readonly options: Record<string, unknown>;
  readonly pgVersion: number;
  readonly file: ParsedFile;
  /** the catalog as it stands before the statement being visited */
  readonly catalog: Catalog;
  readonly transactionMode: TransactionMode;
  /** all top-level statements of the file */
  readonly statements: Statement[];
  report(d: ReportDescriptor): void;
  /** created earlier in this migration (so it holds no rows and no traffic yet) */
  isNewTable(rel: RangeVarLike | string | undefined): boolean;
  /** transaction facts of a statement (a DO-block child shares its block's) */
  tx(stmt: Statement): TxInfo;
  inTransaction(stmt: Statement): boolean;
  /** every relation lock the statement takes */
  locksOf(stmt: Statement): Lock[];
  /** the statement's strongest lock */
  lockOf(stmt: Statement): Lock | undefined;
  /** the effects of one ALTER TABLE subcommand */
  cmdEffects(rel: RangeVarLike, cmd: any): LockEffect[];
  /** a session setting (lock_timeout, statement_timeout, search_path…) set before the statement */
  isSet(name: string): boolean;
  /**
   * first code token of the statement matching a keyword (case-insensitive), at or after `from`.
   * `before`: a node of the statement's parse tree (with a `location`, e.g. the table of CREATE
   * INDEX) that the keyword is written before: only the text up to it is scanned then, when
   * the keyword is there (the same token either way).
   */
  findToken(stmt: Statement, keyword: string, from?: number, before?: { location?: number } | null): { start: number; end: number; text: string } | undefined;
  tokensOf(stmt: Statement): Array<{ start: number; end: number; name: string; text: string }>;
}

/**
 * MySQL visitors (src/engine/mysql-linter.ts): keyed by the MySQL statement kinds of
 * src/dialects/mysql/types.ts (`AlterTable`, `CreateIndex`, `Update`, …), called with the
 * statement's normalised body and the statement.
 */
export type MysqlVisitors = {
  [K in Exclude<MysqlStatementKind, 'SyntaxError'>]?: (body: any, stmt: MysqlStatement) => void;
} & {
  /** every statement that parsed, before its kind's visitor */
  Statement?: (stmt: MysqlStatement) => void;
  'File:exit'?: () => void;
};

export interface MysqlReportDescriptor {
  stmt: MysqlStatement;
  /** the finding's range in the file (default: the statement) */
  range?: [number, number];
  message: string;
  /** default: the statement's lock; null: none */
  lock?: MysqlLock | null;
  fix?: Edit | Edit[];
  suggestions?: Array<{ desc: string; fix: Edit | Edit[] }>;
  plan?: string;
}

/** What a MySQL visitor reads (facts from src/dialects/mysql/, never re-derived in a rule). */
export interface MysqlRuleContext {
  readonly id: string;
  readonly options: Record<string, unknown>;
  readonly file: MysqlParsedFile;
  readonly statements: MysqlStatement[];
  /** the catalog as it stands before the statement being visited */
  readonly catalog: MysqlCatalog;
  /** `--mysql-version`: the server the online-DDL matrix answers for */
  readonly target: MysqlTarget;
  report(d: MysqlReportDescriptor): void;
  /** created earlier in this migration (no rows, no traffic) */
  isNewTable(name: { name: string; schema?: string } | string | undefined): boolean;
  /** the online-DDL classification of an ALTER TABLE / CREATE INDEX / DROP INDEX (src/dialects/mysql/online-ddl.ts) */
  ddlOf(stmt: MysqlStatement): StatementDdl | undefined;
  locksOf(stmt: MysqlStatement): MysqlLock[];
  lockOf(stmt: MysqlStatement): MysqlLock | undefined;
  /** a session variable set before the statement (`lock_wait_timeout`, `foreign_key_checks`), its value as written */
  setting(name: string): string | undefined;
  /** first code token of the statement matching a keyword (case-insensitive) at or after `from` */
  findToken(stmt: MysqlStatement, keyword: string, from?: number): { start: number; end: number; text: string } | undefined;
}

export interface RuleDefinition {
  id: string;
  /** default severity */
  severity: Severity;
  /** the smallest preset that enables the rule */
  preset: PresetName;
  category: 'locks' | 'breaking' | 'transactions' | 'hygiene' | 'meta';
  docs: RuleDocs;
  fixable?: boolean;
  /** the rule may offer `suggestions` (riskier rewrites a person applies; ESLint's meta.hasSuggestions) */
  hasSuggestions?: boolean;
  /**
   * The dialects the rule applies to. Default: PostgreSQL, and MySQL too when it has `mysql`
   * visitors; a MySQL-only rule says `['mysql']` (its `create` returns no visitors).
   */
  dialects?: DialectName[];
  /** PostgreSQL visitors */
  create(ctx: RuleContext): Visitors;
  /** MySQL visitors: a rule without them stays silent on MySQL files */
  mysql?(ctx: MysqlRuleContext): MysqlVisitors;
}

/** The dialects a rule applies to. */
export function ruleDialects(rule: RuleDefinition): DialectName[] {
  return rule.dialects ?? (rule.mysql ? ['postgresql', 'mysql'] : ['postgresql']);
}

export function defineRule(rule: RuleDefinition): RuleDefinition {
  return rule;
}

export interface LintOptions {
  pgVersion?: number;
  /** the file's SQL dialect (default for the API: postgresql; the CLI's and the config's default is auto) */
  dialect?: DialectName | 'auto';
  /** MySQL: `--mysql-version` (8.0, 8.4, mariadb-10.11, mariadb-11.4, or a release such as 8.0.28) */
  mysqlVersion?: string;
  /** MySQL: the catalog to start from (history), as `catalog` is for PostgreSQL; `takeCatalog` applies */
  mysqlCatalog?: MysqlCatalog;
  transaction?: TransactionMode;
  preset?: PresetName;
  /** per-rule overrides */
  rules?: Record<string, RuleSetting | [RuleSetting, Record<string, unknown>]>;
  /**
   * The runner's search_path (config `searchPath`): where unqualified names are looked up at the
   * start of the file (a `SET search_path` in the file changes it from there)
   */
  searchPath?: string[];
  /**
   * Rows and bytes of production tables (`--stats`, `--db-url`, config `stats`): findings on
   * work that scales with the table say how long it takes, and on tables below `smallTableBytes`
   * (default 10 MB) they are warnings, not errors (src/analysis/table-sizes.ts)
   */
  tableSizes?: import('../analysis/table-sizes.js').TableSizes;
  smallTableBytes?: number;
  /** lock_timeout is set by the runner (config `lockTimeout: "runner"`) */
  lockTimeoutByRunner?: boolean;
  /** honour `-- godwit-ignore` / eslint-disable comments (default true) */
  inlineConfig?: boolean;
  /** a catalog to start from (history); it is cloned, never changed… */
  catalog?: Catalog;
  /** …unless the caller hands it over: the linter then advances it in place (history replay) */
  takeCatalog?: boolean;
  /**
   * Replace the transaction model of `transaction` with the front end's own (JS/TS migrations:
   * each call is its own query string; src/sources/extract/txmodel.ts). `transaction` still
   * names the mode rules see as `ctx.transactionMode`.
   */
  transactionModel?: (statements: Statement[]) => import('../analysis/transactions.js').TransactionModel;
}
