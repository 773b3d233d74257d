/**
 * One godwit analysis per file and ESLint pass, shared by every godwit rule ESLint runs on it.
 *
 * ESLint calls each enabled rule's `create()` before it traverses the file, so each godwit
 * rule registers itself there (`register`); the first rule whose `Program` listener runs then
 * lints the file once with exactly the godwit rules ESLint enabled (`analyze`), and each rule
 * reports its own findings. Rules ESLint leaves off are off for godwit too, so suppressions
 * and `unused-suppression` behave as in `godwit lint` with the same rule set.
 *
 * The analysis is project.ts's `lintVirtualFile` (the CLI's --stdin path) done synchronously,
 * as ESLint rules are: the file's godwit config (godwit-config.ts), its migration root and
 * runner (`rootOfSync`, kept while the migrations are unchanged: root-cache.ts), the runner's
 * transaction wrapping and down sections (`fileTransaction`), the root's history in each
 * dialect (history.ts, with checkpoints), the engine options from the same `lintOptionsFor`, and for JS/TS (and
 * Python) migrations the same extraction (`prepareMigration`: raw SQL calls and translated
 * builder calls), on the AST ESLint already parsed.
 *
 * Differences from `godwit lint`, on purpose:
 * - ESLint's directive comments (`eslint-disable…`) are left to ESLint, which applies them
 *   and reports the unused ones; godwit applies only its own `godwit-ignore` comments.
 * - ESLint decides which rules run and their severities; a rule the godwit config turns
 *   `off` stays off, and rule options in the godwit config apply.
 * - Like `godwit lint <directory>`, files the godwit config's include/exclude leave out and
 *   files the runner does not apply as up migrations (down and undo scripts) get no findings:
 *   ESLint's `**\/*.sql` matches them, and their intentional DROPs are not findings.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseFile } from '../dialects/postgresql/parse.js';
import { dialectOf, parseMysqlFile } from '../dialects/index.js';
import { initMysqlParserSync } from '../dialects/mysql/grammar.js';
import { lintMysqlWithCatalog } from '../engine/mysql-linter.js';
import { lintWithCatalog, summarize } from '../engine/linter.js';
import { rules as godwitRules } from '../lint.js';
import { lintOptionsFor, seedCatalog, type ProjectOptions } from '../project.js';
import { isIncluded } from '../config/match.js';
import type { ResolvedConfig } from '../config/load.js';
import { blankRanges, fileTransaction, isRunnerName } from '../sources/index.js';
import type { TransactionMode } from '../analysis/transactions.js';
import type { LintResult, RuleSetting } from '../engine/types.js';
import type { ParsedFile } from '../dialects/postgresql/types.js';
import type { Catalog } from '../analysis/catalog.js';
import { languageOf, prepareMigration } from '../sources/extract/index.js';
import { configKey, resolveConfigSync } from './godwit-config.js';
import { historyBefore, lintedAsHistory, mysqlHistoryBefore } from './history.js';
import { cachedRootOf, createStamps } from './root-cache.js';
import { readSettings } from './settings.js';

export interface AnalysisInput {
  /** the text ESLint lints (BOM removed) */
  text: string;
  /** `context.filename`: absolute, or `<text>` for text without a file */
  filename: string;
  cwd: string;
  /** `context.settings` */
  settings: Record<string, unknown> | undefined;
  /** godwit rule ids ESLint runs on this file */
  enabled: ReadonlySet<string>;
  /** the language's parse of `text`, reused when nothing is blanked out */
  parsed?: ParsedFile;
  /** a JS/TS file: the ESTree Program ESLint parsed (`sourceCode.ast`), so it is not parsed again */
  ast?: unknown;
}

interface FileState {
  enabled: Set<string>;
  result?: LintResult;
}

/** By ESLint SourceCode: one per file and pass, dropped with it. */
const states = new WeakMap<object, FileState>();

function stateOf(sourceCode: object): FileState {
  let state = states.get(sourceCode);
  if (!state) states.set(sourceCode, (state = { enabled: new Set() }));
  return state;
}

/** Called from each godwit rule's `create()`: the rule runs on the file of this SourceCode. */
export function register(sourceCode: object, ruleId: string): void {
  stateOf(sourceCode).enabled.add(ruleId);
}

/** The godwit result for the file of this SourceCode, computed by the first rule that asks. */
export function analysisFor(sourceCode: object, input: Omit<AnalysisInput, 'enabled'>): LintResult {
  const state = stateOf(sourceCode);
  state.result ??= analyze({ ...input, enabled: state.enabled });
  return state.result;
}

/** Lint one file's text the way `godwit lint` lints it on disk, synchronously. */
export function analyze(input: AnalysisInput): LintResult {
  const settings = readSettings(input.settings);
  const cwd = input.cwd;
  const file = input.filename;
  const onDisk = isAbsolute(file);
  const resolved = resolveConfigSync(onDisk ? file : resolve(cwd, 'stdin.sql'), cwd, settings.configFile);
  if (onDisk && !isIncluded(resolved, file)) return summarize(file, []);

  const project: ProjectOptions = {
    cwd,
    configPath: settings.configFile,
    overrides: {
      pgVersion: settings.pgVersion,
      runner: settings.runner,
      transaction: settings.transaction === 'auto' ? undefined : settings.transaction,
      schema: settings.schema,
      preset: 'all',
      rules: ruleSettings(resolved, input.enabled),
    },
  };
  const c = resolved.config;
  const runner = settings.runner ?? (c.runner && isRunnerName(c.runner) ? c.runner : 'auto');
  const pgVersion = settings.pgVersion ?? c.pgVersion;
  // a JS/TS (or Python) migration: its root is found by reading the folder's other migrations
  const language = languageOf(file);
  language?.initSync();
  const stamps = createStamps();
  const root = onDisk ? cachedRootOf(file, { runner, pgVersion }, stamps) : undefined;
  // down/undo scripts and files the runner ignores: `godwit lint <dir>` skips them too
  if (root?.skipped.some((f) => f.path === file)) return summarize(file, []);
  const historyKey = [root?.dir, runner, pgVersion, configKey(resolved), settings.schema].join('\0');
  const history = (): Catalog => historyBefore(root, file, historyKey, () => seedCatalog(resolved, project), stamps, c.dialect);

  if (language) {
    // a JS/TS (or Python) migration: its calls' SQL and translated builder calls, as lintVirtualFile
    // lints it, on the AST ESLint parsed
    const migration = prepareMigration(file, input.text, { runner: root?.runner ?? runner, ast: input.ast })!;
    const forced = project.overrides.transaction ?? (c.transaction && c.transaction !== 'auto' ? (c.transaction as TransactionMode) : undefined);
    const options = { ...lintOptionsFor(resolved, project, undefined), catalog: history(), takeCatalog: true };
    return migration.lint({ ...options, transaction: forced, eslintComments: false }).result;
  }

  // a MySQL file (src/dialects): MySQL's parser, history and rules, as `godwit lint` does
  if (dialectOf(input.text, c.dialect ?? 'auto', root) === 'mysql') {
    initMysqlParserSync();
    const body = root ? blankRanges(input.text, fileTransaction(root, file, input.text, { pgVersion }).exclude) : input.text;
    const mysqlVersion = c.mysqlVersion;
    const options = { ...lintOptionsFor(resolved, project, undefined), mysqlCatalog: mysqlHistoryBefore(root, file, historyKey, mysqlVersion, stamps, c.dialect), takeCatalog: true };
    const parsed = parseMysqlFile(file, body, { target: mysqlVersion });
    parsed.directives = parsed.directives.filter((d) => d.kind === 'ignore' || d.kind === 'ignore-file');
    return lintMysqlWithCatalog(parsed, godwitRules, options).result;
  }

  let tx: TransactionMode | undefined;
  let body = input.text;
  if (root) {
    const ft = fileTransaction(root, file, input.text, { pgVersion });
    tx = ft.transaction;
    body = blankRanges(input.text, ft.exclude);
  }
  const options = lintOptionsFor(resolved, project, tx);
  options.catalog = history();
  options.takeCatalog = true;

  const parsed = body === input.text && input.parsed ? input.parsed : parseFile(file, body);
  // ESLint applies its own directive comments (and reports the unused ones); godwit, its own
  // (not a spread: that would read `tokens` and `comments`, which scan the whole file when no rule needs them)
  const own: ParsedFile = {
    path: parsed.path,
    source: parsed.source,
    statements: parsed.statements,
    get comments() {
      return parsed.comments;
    },
    directives: parsed.directives.filter((d) => d.kind === 'ignore' || d.kind === 'ignore-file'),
    get tokens() {
      return parsed.tokens;
    },
    ...(parsed.tokensIn ? { tokensIn: parsed.tokensIn } : {}),
    ...(parsed.tokensBetween ? { tokensBetween: parsed.tokensBetween } : {}),
  };
  const linted = lintWithCatalog(own, godwitRules, options);
  // the text ESLint linted is the file on disk: what it leaves is the next migration's history
  if (root && onDisk && sameAsDisk(file, input.text)) lintedAsHistory(root, file, historyKey, c.dialect, linted.catalog);
  return linted.result;
}

/** The file on disk holds exactly `text` (ESLint hands over the text without a BOM: a file with one is not the same). */
function sameAsDisk(file: string, text: string): boolean {
  try {
    return readFileSync(file, 'utf8') === text;
  } catch {
    return false;
  }
}

/** Every godwit rule: on when ESLint runs it, unless the godwit config turns it off; options from the config. */
function ruleSettings(resolved: ResolvedConfig, enabled: ReadonlySet<string>): Record<string, RuleSetting | [RuleSetting, Record<string, unknown>]> {
  const out: Record<string, RuleSetting | [RuleSetting, Record<string, unknown>]> = {};
  for (const { id } of godwitRules) {
    const configured = resolved.config.rules?.[id];
    const [severity, options] = Array.isArray(configured) ? configured : [configured, undefined];
    const on = enabled.has(id) && severity !== 'off';
    out[id] = on ? ['error', (options as Record<string, unknown> | undefined) ?? {}] : 'off';
  }
  return out;
}
