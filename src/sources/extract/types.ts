/**
 * SQL extracted from a JS/TS migration (TypeORM, Knex, node-pg-migrate, MikroORM, Sequelize,
 * Kysely). Every fragment keeps, for each character of its SQL, where that character came
 * from in the JS/TS file, so findings on the SQL map back to the exact line and column inside
 * the string literal (docs/js-migrations.md).
 */
import type { TransactionMode } from '../../analysis/transactions.js';

/** The migration tools whose JS/TS migrations godwit reads. */
export type JsRunnerName = 'typeorm' | 'knex' | 'node-pg-migrate' | 'mikro-orm' | 'sequelize' | 'kysely';

export const JS_RUNNERS: readonly JsRunnerName[] = ['typeorm', 'knex', 'node-pg-migrate', 'mikro-orm', 'sequelize', 'kysely'];

export function isJsRunnerName(s: string): s is JsRunnerName {
  return (JS_RUNNERS as readonly string[]).includes(s);
}

/** The migration tools whose Python migrations godwit reads (src/sources/extract/python/). */
export type PyRunnerName = 'alembic' | 'django';

export const PY_RUNNERS: readonly PyRunnerName[] = ['alembic', 'django'];

export function isPyRunnerName(s: string): s is PyRunnerName {
  return (PY_RUNNERS as readonly string[]).includes(s);
}

/** [start, end) UTF-16 offsets into the JS/TS file text (BOM removed, as ESLint's SourceCode#text). */
export type JsRange = [number, number];

/** An interpolation (`${expr}`, or a `+` operand) whose value is not known statically. */
export interface Placeholder {
  /** [start, end) of the stand-in in the fragment's `sql` */
  start: number;
  end: number;
  /** the expression's source text, e.g. `tableName` */
  expr: string;
  /** the expression (with its `${ }`) in the file */
  range: JsRange;
  /**
   * What stands in for it in the SQL: an identifier (`__godwit_1__`) for text interpolated into
   * the string, or a bind parameter (`$1`) in a `sql` tagged template, which sends the value
   * as a query parameter.
   */
  text: string;
  /** how messages name it: `${expr}` for interpolations, `:name` / `?` for Sequelize replacements */
  shown: string;
}

/** Where each UTF-16 unit of a fragment's SQL comes from (see strings.ts). */
export interface FragmentMap {
  /** file offset of the first raw character of unit i */
  rawStart: number[];
  /** file offset just after the last raw character of unit i */
  rawEnd: number[];
  /** units of one escape sequence, placeholder or interpolated constant share a group id */
  group: number[];
  /** 0: a plain character copied 1:1; 1: part of an escape sequence (or a CRLF normalised to \n); 2: a placeholder; 3: an interpolated constant */
  kind: number[];
  /** index into `quotes`: the literal unit i was read from (-1 for placeholders) */
  literal: number[];
  /** the quote of each literal the fragment was read from: `'`, `"` or a backtick */
  quotes: string[];
}

interface CallBase {
  /** `queryRunner.query`, `knex.raw`, `pgm.sql`, `this.addSql`, `queryInterface.sequelize.query`, `sql\`…\`.execute` … */
  callee: string;
  /** the whole call in the file */
  callRange: JsRange;
  /** the SQL argument (or template) in the file */
  argRange: JsRange;
  direction: 'up' | 'down';
  /**
   * Set when the call runs inside a transaction the migration's own code opens (Sequelize
   * `{ transaction: t }` from `sequelize.transaction()`, `knex.transaction(trx => …)`,
   * Kysely `db.transaction().execute(trx => …)`): calls with the same key share it.
   */
  jsTransaction?: { key: string; label: string };
  /**
   * Suppression comments written above the call (`// godwit-ignore rule -- reason`), as the
   * SQL comment text the engine reads (`-- godwit-ignore rule -- reason`), with the comment's
   * range in the file.
   */
  directives: Array<{ text: string; range: JsRange }>;
  /**
   * The call runs outside the runner's transaction, which is committed before it and begun
   * again after it (Alembic `with op.get_context().autocommit_block():`); says where.
   */
  outsideTransaction?: string;
  /**
   * The runner sends each statement of the call as its own query (Django's RunSQL splits its
   * script; builder calls send one statement at a time), so several statements outside a
   * transaction do not form PostgreSQL's implicit transaction block.
   */
  eachStatement?: boolean;
}

/** A call whose SQL was read statically. */
export interface Fragment extends CallBase {
  kind: 'sql';
  /** the SQL as the runner sends it; unknown interpolations are replaced by placeholders */
  sql: string;
  placeholders: Placeholder[];
  map: FragmentMap;
}

/**
 * A call whose SQL cannot be read statically (a parameter, a function result, `sql.raw(x)` …),
 * or a schema-builder call recognised as a migration operation that cannot be translated (a
 * dynamic table name, spread options, a helper from another module): rule dynamic-sql reports
 * it at the call, so nothing godwit cannot see passes as clean.
 */
export interface DynamicCall extends CallBase {
  kind: 'dynamic';
  /** the argument's source text (shortened); for a builder call, the call's */
  expr: string;
  /** why it cannot be read, e.g. "`sql` is a parameter of the function" */
  reason: string;
  /** set for a schema-builder call that cannot be translated: the operation, as for BuilderCall */
  operation?: string;
  /**
   * Relations the untranslatable call is known to create (its name is static, its definition is
   * not: a Kysely view over a query builder, a createTable with an option godwit does not read).
   * The schema catalog records them as created by the migration, so what follows on them (an
   * index on the new view) is not taken for work on an existing table; nothing else is linted.
   */
  creates?: Array<{ kind: 'table' | 'view' | 'materialized view'; name: string }>;
  /**
   * Set when the call is code rather than a migration operation — a helper from another module
   * given the migration's connection, an ORM session's writes: reported like any unreadable call,
   * counted apart from the operations in corpus coverage (as Django's RunPython is).
   */
  code?: true;
}

/**
 * A call that starts or ends a transaction on the migration's connection (TypeORM
 * `queryRunner.startTransaction()` / `commitTransaction()` / `rollbackTransaction()`), modelled
 * as the statement it sends.
 */
export interface ControlCall extends CallBase {
  kind: 'control';
  sql: 'BEGIN' | 'COMMIT' | 'ROLLBACK';
}

/**
 * A schema-builder call (`queryInterface.addIndex(…)`, Knex `t.index(…)`, `pgm.createIndex(…)`,
 * Alembic `op.create_index(…)`, Django `migrations.AddIndex(…)` …) translated to the statements the
 * tool itself sends for it. In the virtual document its SQL is synthetic text anchored at the
 * call, so every finding on it points at the call (line/column of the call, end at its end).
 * One module per tool translates its operations (src/sources/extract/builders/).
 */
export interface BuilderCall extends CallBase {
  kind: 'builder';
  /** the tool's name for the operation, as written: `addIndex`, `createTable`, `op.create_index` … */
  operation: string;
  /** the statements the tool sends for the call, in order, each without its `;` */
  statements: string[];
  /**
   * How the statements go to the server: the number of statements in each query string, in
   * order (summing to `statements.length`). Several statements in one query string run as one
   * implicit transaction when no transaction is open (Sequelize's changeColumn sends its ALTERs
   * as one string). Absent: each statement is its own query (Knex, TypeORM, Kysely, Alembic,
   * Django send them one by one).
   */
  queries?: number[];
  /**
   * Edits of the migration file that make the call itself safe, by the rule whose finding they
   * answer (e.g. require-concurrent-index → add `{ concurrently: true }` to the options). One is
   * offered only where the rule offers its SQL fix (e.g. CONCURRENTLY only outside a
   * transaction), as a fix; `suggestions` are offered as suggestions.
   */
  fixes?: Partial<Record<string, import('../../engine/types.js').Edit>>;
  /**
   * riskier rewrites of the call by rule id, offered as ESLint suggestions (`desc`, edit), where
   * the rule offers its SQL fix — or always when the rewrite takes the call out of the
   * transaction that blocks that fix (`leavesTransaction`: Alembic's autocommit_block)
   */
  suggestions?: Partial<Record<string, { desc: string; fix: import('../../engine/types.js').Edit; leavesTransaction?: boolean }>>;
  /**
   * How to make the call safe in the tool's own terms, by rule id, appended to that rule's
   * message (e.g. Django: "use AddIndexConcurrently in a migration with atomic = False").
   */
  advice?: Partial<Record<string, string>>;
}

export type ExtractedCall = Fragment | DynamicCall | ControlCall | BuilderCall;

export interface ExtractedMigration {
  path: string;
  /** the file text as parsed (BOM removed): every range indexes it */
  text: string;
  /** the runner whose API the file uses (undefined: none recognised) */
  runner: JsRunnerName | PyRunnerName | undefined;
  /** what identified the runner, e.g. "import from 'typeorm'", "--runner knex" */
  detectedBy: string;
  /** the migration has an `up` (a method, an exported function, a property of the exported object) */
  hasUp: boolean;
  /** TypeORM/MikroORM: the migration class name (TypeORM orders migrations by its last 13 digits) */
  className?: string;
  /** the calls that send SQL, in the order the runner runs them (up first, then down if asked for) */
  calls: ExtractedCall[];
  /** `calls` that were read statically */
  fragments: Fragment[];
  /** `calls` that could not be read statically */
  dynamic: DynamicCall[];
  /** whether the runner wraps the migration in a transaction (runner defaults + the file's opt-out) */
  wrapped: boolean;
  /** `all` when the runner wraps the migration (with the other pending ones) in a transaction, `none` when it does not */
  transaction: TransactionMode;
  /** one sentence: why, naming the runner behaviour and its opt-out */
  txReason: string;
  /** the runner's wording for the transaction around a call, for findings ("inside the transaction TypeORM wraps …") */
  txOrigin: string;
  /** `// godwit-ignore-file …` comments, as SQL comment text */
  fileDirectives: Array<{ text: string; range: JsRange }>;
  /** `// eslint-disable…` comments naming godwit rules (applied by the CLI, left to ESLint in the editor) */
  eslintDirectives: Array<{ text: string; range: JsRange; line: number; endLine: number }>;
  /** the file did not parse as JavaScript/TypeScript */
  error?: { message: string; index: number; line: number; column: number };
  /**
   * Schema-builder calls recognised as migration operations (`queryInterface.addIndex`,
   * `knex.schema.createTable`, `pgm.createIndex`, `op.create_index` …): the translated ones are
   * BuilderCalls in `calls`, the others DynamicCalls with `operation` set.
   */
  builderCalls: number;
}

export interface ExtractOptions {
  /** also extract `down` (default: only `up`, the direction that runs on deploy) */
  includeDown?: boolean;
  /** the runner, instead of detecting it from the file */
  runner?: JsRunnerName;
  /**
   * An ESTree Program already parsed from `text` with `range`, `loc` and `parent` set, and
   * `comments` (what ESLint's `sourceCode.ast` is). Without it the file is parsed with
   * @typescript-eslint/typescript-estree, which `initJsParser()` must have loaded.
   */
  ast?: unknown;
}
