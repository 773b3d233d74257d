/**
 * How each runner wraps one migration file in transactions, and which part of the file is
 * the up migration. Every statement below was checked against the runner's source or docs
 * (see the comment on each runner and docs/runners.md).
 *
 * `implicit` (see analysis/transactions.ts) is PostgreSQL's own behaviour for a query
 * string of several statements sent in one simple-query message: they share one implicit
 * transaction block, so `CREATE INDEX CONCURRENTLY` fails there unless it is the file's only
 * statement.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Statement } from '../dialects/postgresql/types.js';
import { parseFile } from '../dialects/postgresql/parse.js';
import { lineComments, type LineComment } from './comments.js';
import type { FileTransaction, Range, RunnerName, TransactionMode } from './types.js';
import { readSourceFileOr } from './read.js';

export interface FileTransactionOptions {
  /** the file's top-level statements if already parsed (Flyway inspects them); parsed here otherwise */
  statements?: Statement[];
  /** PostgreSQL major version (Flyway treats ALTER TYPE … ADD VALUE as non-transactional below 12); default 15 */
  pgVersion?: number;
}

/**
 * The transaction mode, its reason and the excluded (non-up) ranges of one migration file.
 * `file` is its path (runner side files such as Diesel's metadata.toml or Flyway's
 * `<script>.conf` are read next to it); `text` is its content as read. Requires the SQL
 * parser (`await initParser()`).
 */
export function fileTransaction(
  root: RunnerName | { runner: RunnerName; flavor?: 'pop' },
  file: string,
  text: string,
  opts: FileTransactionOptions = {},
): FileTransaction {
  const runner = typeof root === 'string' ? root : root.runner;
  const flavor = typeof root === 'string' ? undefined : root.flavor;
  switch (runner) {
    case 'plain':
      return flavor === 'pop' ? pop(file) : plain();
    case 'prisma':
      return prisma();
    case 'drizzle':
      return drizzle();
    case 'golang-migrate':
      return golangMigrate();
    case 'flyway':
      return flyway(file, text, opts);
    case 'goose':
      return goose(text);
    case 'dbmate':
      return dbmate(text);
    case 'node-pg-migrate':
      return nodePgMigrate(text);
    case 'atlas':
      return atlas(text);
    case 'diesel':
      return diesel(file);
    case 'typeorm':
    case 'knex':
    case 'mikro-orm':
    case 'sequelize':
    case 'kysely':
    case 'alembic':
    case 'django':
      // JS/TS and Python migrations: their transaction comes from the file's code (src/sources/extract/)
      return tx('none', `${runner} does not run .sql files; this file is linted as plain SQL (no runner transaction)`);
  }
}

const ONE_QUERY =
  'PostgreSQL runs a query string of several statements as one implicit transaction (a single statement runs on its own), so CREATE INDEX CONCURRENTLY must be the only statement of its migration';

function tx(transaction: TransactionMode, txReason: string, exclude: Range[] = []): FileTransaction {
  return { transaction, txReason, exclude };
}

/** A folder of SQL files with no known runner: nothing wraps the file. */
function plain(): FileTransaction {
  return tx('none', 'plain SQL migrations: no runner transaction is assumed, each statement runs on its own unless the file uses BEGIN … COMMIT (override with --transaction)');
}

/*
 * ory/pop migrations as run by popx (ory/x popx/migration_box.go, also vendored in ory/hydra
 * oryx/popx): a file named `….autocommit.up.sql` runs with `c.RawQuery(content).ExecWithCount()`
 * — the whole file as one query, no transaction; every other file runs `tx.Exec(content)`
 * inside the migration's transaction.
 */
function pop(file: string): FileTransaction {
  if (/\.autocommit\.up\.sql$/.test(basename(file))) {
    return tx('implicit', `\`.autocommit.\` in the file name: popx runs the file as one query outside a transaction; ${ONE_QUERY}`);
  }
  return tx('file', 'popx (ory/pop) runs each migration file in a transaction (name it ….autocommit.up.sql to opt out)');
}

/*
 * Prisma Migrate — prisma-engines, schema-engine sql-schema-connector flavour/postgres
 * (connection.rs / connector): apply_migration_script(name, script) calls
 * `client.simple_query(script)` on the whole migration.sql, with no BEGIN of its own
 * (verified in the stored source for 5.x/6.x). prisma-engines PR #5767 (Feb 2026, "support
 * CREATE INDEX CONCURRENTLY in migrations") changes this for newer releases; its code was
 * not available to verify, so the long-standing behaviour is modelled.
 */
function prisma(): FileTransaction {
  return tx('implicit', `Prisma Migrate sends migration.sql as one simple query; ${ONE_QUERY}`);
}

/*
 * Drizzle — drizzle-orm src/pg-core/dialect.ts PgDialect.migrate(): `session.transaction(async
 * (tx) => { for (const migration of migrations) … tx.execute(sql.raw(stmt)) … })`: every
 * pending migration runs in ONE transaction; migrator.ts readMigrationFiles() orders them by
 * meta/_journal.json `entries` and splits each file at `--> statement-breakpoint`.
 */
function drizzle(): FileTransaction {
  return tx('all', "drizzle-orm's migrator runs all pending migrations in one transaction (no per-file opt-out); run CONCURRENTLY operations outside drizzle migrate");
}

/*
 * golang-migrate — database/postgres/postgres.go: Run() reads the whole file and
 * runStatement() calls `conn.ExecContext(ctx, query)` once (lib/pq, no arguments → simple
 * query protocol); only the `x-multi-statement=true` URL option splits the file at `;` and
 * executes the parts one by one. No BEGIN is added (SetVersion uses its own transaction).
 */
function golangMigrate(): FileTransaction {
  return tx('implicit', `golang-migrate's postgres driver sends the whole file as one query; ${ONE_QUERY} (unless the database URL sets x-multi-statement=true)`);
}

/*
 * Flyway — flyway-database-postgresql PostgreSQLParser.detectCanExecuteInTransaction(): a
 * statement cannot run in a transaction when it starts with CREATE/DROP DATABASE, TABLESPACE
 * or SUBSCRIPTION, ALTER SYSTEM, CREATE [UNIQUE] INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY,
 * REINDEX [VERBOSE] SCHEMA|DATABASE|SYSTEM, VACUUM, DISCARD ALL, or (server < 12) ALTER TYPE …
 * ADD VALUE. A migration with such a statement runs without a transaction (statements one
 * by one); a migration mixing them with ordinary statements is refused unless `mixed=true`
 * ("Enabling this automatically causes the entire affected migration to be run without a
 * transaction", Flyway docs: mixed). Otherwise each migration runs in its own transaction
 * (executeInTransaction, default true; also settable in a `<script>.sql.conf` script config).
 * Note: REINDEX TABLE/INDEX CONCURRENTLY and DETACH PARTITION CONCURRENTLY are not detected,
 * so Flyway runs them in a transaction, where they fail.
 */
function flyway(file: string, text: string, opts: FileTransactionOptions): FileTransaction {
  const conf = readKeyValues(`${file}.conf`);
  const eit = conf.get('executeInTransaction')?.toLowerCase();
  if (eit === 'false') {
    return tx('none', `${basename(file)}.conf sets executeInTransaction=false: Flyway runs this migration without a transaction`);
  }
  if (eit === 'true') {
    return tx('file', `${basename(file)}.conf sets executeInTransaction=true: Flyway runs this migration in a transaction`);
  }
  const statements = opts.statements ?? parseFile(file, text).statements;
  const pgVersion = opts.pgVersion ?? 15;
  const nonTx: string[] = [];
  let transactional = 0;
  for (const s of statements) {
    const label = flywayNonTransactional(s, pgVersion);
    if (label) nonTx.push(label);
    else transactional++;
  }
  if (nonTx.length === 0) {
    return tx('file', 'Flyway runs each migration in its own transaction (executeInTransaction=false in a script config opts out)');
  }
  if (transactional === 0) {
    return tx('none', `Flyway detects ${nonTx[0]} as non-transactional and runs this migration without a transaction`);
  }
  return tx(
    'none',
    `this migration mixes non-transactional ${nonTx[0]} with other statements: Flyway refuses it ("Detected both transactional and non-transactional statements") unless mixed=true, which runs the whole migration without a transaction`,
  );
}

/** The statement kinds Flyway's PostgreSQL parser marks as unable to run in a transaction. */
export function flywayNonTransactional(s: Statement, pgVersion: number): string | null {
  const b = s.body ?? {};
  switch (s.kind) {
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'CreateSubscriptionStmt':
      return 'CREATE SUBSCRIPTION';
    case 'DropSubscriptionStmt':
      return 'DROP SUBSCRIPTION';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'IndexStmt':
      return b.concurrent ? 'CREATE INDEX CONCURRENTLY' : null;
    case 'DropStmt':
      return b.concurrent && b.removeType === 'OBJECT_INDEX' ? 'DROP INDEX CONCURRENTLY' : null;
    case 'ReindexStmt':
      return ['REINDEX_OBJECT_SCHEMA', 'REINDEX_OBJECT_DATABASE', 'REINDEX_OBJECT_SYSTEM'].includes(b.kind) ? `REINDEX ${String(b.kind).slice('REINDEX_OBJECT_'.length)}` : null;
    case 'VacuumStmt':
      return b.is_vacuumcmd ? 'VACUUM' : null;
    case 'DiscardStmt':
      return b.target === 'DISCARD_ALL' ? 'DISCARD ALL' : null;
    case 'AlterEnumStmt':
      return pgVersion < 12 && b.newVal !== undefined && b.oldVal === undefined ? 'ALTER TYPE … ADD VALUE (PostgreSQL < 12)' : null;
    default:
      return null;
  }
}

/*
 * goose — internal/sqlparser/parser.go ParseSQLMigration(): a line whose text after `--`,
 * trimmed, is exactly `+goose Up` / `+goose Down` / `+goose NO TRANSACTION` is an
 * annotation (the last one anywhere in the file sets useTx = false); statements are split at
 * `;` line ends (or StatementBegin/End blocks). migration_sql.go runSQLMigration(): with
 * useTx, `db.BeginTx` then `tx.ExecContext` per statement; without, `db.ExecContext` per
 * statement (autocommit each).
 */
function goose(text: string): FileTransaction {
  const directives = lineComments(text).comments.filter((c) => c.atLineStart);
  const command = (c: LineComment): string => c.text.slice(2).trim();
  const noTx = directives.find((c) => command(c) === '+goose NO TRANSACTION');
  const up = directives.find((c) => command(c) === '+goose Up');
  const down = directives.find((c) => command(c) === '+goose Down' && (!up || c.start > up.start));
  const exclude: Range[] = down ? [[down.start, text.length]] : [];
  const missing = up ? '' : ' (no `-- +goose Up` annotation: goose refuses this file)';
  if (noTx) {
    return tx('none', `\`-- +goose NO TRANSACTION\` (line ${lineOf(text, noTx.start)}): goose runs each statement on its own, without a transaction${missing}`, exclude);
  }
  return tx('file', `goose runs each migration in a transaction (opt out with \`-- +goose NO TRANSACTION\`)${missing}`, exclude);
}

/*
 * dbmate — pkg/dbmate/migration.go: sections start at each line matching
 * `^--\s*migrate:up(\s*$|\s+\S+)`; within a section the down block starts at
 * `-- migrate:down`; options are `key:value` words on the directive line
 * (`transaction:false`). db.go Migrate(): with the transaction option, doTransaction() runs
 * `tx.Exec(up)`; without it `db.Exec(up)` — one Exec of the whole up block through lib/pq
 * (pkg/driver/postgres), i.e. one simple query.
 */
function dbmate(text: string): FileTransaction {
  const directives: Array<{ c: LineComment; dir: 'up' | 'down'; options: Map<string, string> }> = [];
  for (const c of lineComments(text).comments) {
    if (!c.atLineStart) continue;
    const m = /^--\s*migrate:(up|down)(?=\s|$)(.*)$/.exec(c.text);
    if (!m) continue;
    const options = new Map<string, string>();
    for (const word of m[2].trim().split(/\s+/)) {
      const pair = word.split(':');
      if (pair.length === 2) options.set(pair[0], pair[1]);
    }
    directives.push({ c, dir: m[1] as 'up' | 'down', options });
  }
  const ups = directives.filter((d) => d.dir === 'up');
  if (ups.length === 0) {
    return tx('file', 'dbmate wraps each migration in a transaction (no `-- migrate:up` directive: dbmate refuses this file)');
  }
  const exclude: Range[] = [];
  const modes: TransactionMode[] = [];
  ups.forEach((up, i) => {
    const end = ups[i + 1]?.c.start ?? text.length;
    const down = directives.find((d) => d.dir === 'down' && d.c.start > up.c.start && d.c.start < end);
    if (down) exclude.push([down.c.start, end]);
    modes.push(up.options.get('transaction') === 'false' ? 'implicit' : 'file');
  });
  const line = lineOf(text, ups[0].c.start);
  if (modes.every((m) => m === 'file')) {
    return tx('file', 'dbmate wraps the up block in a transaction (opt out with `-- migrate:up transaction:false`)', exclude);
  }
  if (modes.every((m) => m === 'implicit')) {
    return tx('implicit', `\`-- migrate:up transaction:false\` (line ${line}): dbmate sends the up block as one query without a transaction; ${ONE_QUERY}`, exclude);
  }
  return tx(
    'implicit',
    `the file has ${ups.length} up sections, some with transaction:false; dbmate runs each section as one query (wrapped or not), modelled here as one implicit transaction`,
    exclude,
  );
}

/*
 * node-pg-migrate — src/sqlMigration.ts getActions(): the up SQL runs from the first match
 * of /^\s*--[\s-]*up\s+migration/im to the down marker (/…down\s+migration/im) or the end;
 * without an up marker the whole file is the up migration. The up SQL is one pgm.sql() step.
 * runner.ts: with singleTransaction (the CLI default, `--single-transaction` true in
 * bin/node-pg-migrate) every pending migration runs between one BEGIN and COMMIT; otherwise
 * migration.ts wraps each migration in BEGIN/COMMIT. SQL files have no noTransaction().
 */
function nodePgMigrate(text: string): FileTransaction {
  const comments = lineComments(text).comments.filter((c) => c.firstOnLine);
  const up = comments.find((c) => /^--[\s-]*up\s+migration/i.test(c.text));
  const down = comments.find((c) => /^--[\s-]*down\s+migration/i.test(c.text));
  const exclude: Range[] = [];
  if (up) {
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const upStart = lineStartOf(text, up.start);
    const upEnd = down && down.start > up.start ? lineStartOf(text, down.start) : text.length;
    if (upStart > bom) exclude.push([bom, upStart]);
    if (upEnd < text.length) exclude.push([upEnd, text.length]);
  }
  return tx(
    'all',
    'node-pg-migrate runs all pending migrations in one transaction (--single-transaction, the CLI default; --no-single-transaction wraps each file on its own); SQL migrations cannot opt out',
    exclude,
  );
}

/*
 * Atlas — atlasgo.io/versioned/apply "Transaction Configuration": `--tx-mode file` (default)
 * wraps each pending file in its own transaction, `all` wraps all of them in one, `none`
 * runs without; the file directive `-- atlas:txmode none` in the file header overrides it
 * for one file. Atlas executes the statements of a file one by one.
 */
function atlas(text: string): FileTransaction {
  const { comments, firstCode } = lineComments(text);
  let directive: { mode: string; at: number } | undefined;
  for (const c of comments) {
    if (c.start > firstCode) break;
    const m = /^--\s*atlas:txmode\s+(\S+)/.exec(c.text);
    if (m) directive = { mode: m[1].toLowerCase(), at: c.start };
  }
  if (directive?.mode === 'none') {
    return tx('none', `\`-- atlas:txmode none\` (line ${lineOf(text, directive.at)}): Atlas runs each statement of this file on its own, without a transaction`);
  }
  if (directive?.mode === 'all') {
    return tx('all', `\`-- atlas:txmode all\` (line ${lineOf(text, directive.at)}): Atlas runs this file inside the transaction around all pending files`);
  }
  return tx('file', 'Atlas wraps each migration file in its own transaction (--tx-mode file, the default; opt out with `-- atlas:txmode none` in the file header)');
}

/*
 * Diesel — diesel_migrations file_based_migrations.rs: run_sql_from_file() calls
 * `conn.batch_execute(&sql)` on up.sql (one simple query for PostgreSQL); the harness runs
 * it inside `conn.transaction(…)` unless the migration's metadata.toml sets
 * `run_in_transaction = false` (MigrationMetadata::run_in_transaction, default true:
 * "By default each migration is executed in a own transaction").
 */
function diesel(file: string): FileTransaction {
  const meta = join(dirname(file), 'metadata.toml');
  const runInTx = readToml(meta).get('run_in_transaction');
  if (runInTx === 'false') {
    return tx('implicit', `metadata.toml sets run_in_transaction = false: Diesel runs up.sql with batch_execute outside a transaction; ${ONE_QUERY}`);
  }
  return tx('file', 'Diesel runs each migration in its own transaction (opt out with run_in_transaction = false in the migration\'s metadata.toml)');
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

function lineStartOf(text: string, index: number): number {
  let i = index;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** `key=value` lines (Flyway script configuration); missing file → empty. */
function readKeyValues(path: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  for (const line of safeRead(path).split(/\r?\n/)) {
    const m = /^\s*(?:flyway\.)?([A-Za-z][\w.]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) out.set(m[1], m[2]);
  }
  return out;
}

/** Top-level `key = value` pairs of a small TOML file (Diesel's metadata.toml); missing file → empty. */
function readToml(path: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  for (const line of safeRead(path).split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) break; // a table starts: top-level keys are over
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*("?)([^"#]*?)\2\s*(?:#.*)?$/.exec(line);
    if (m) out.set(m[1], m[3].trim());
  }
  return out;
}

function safeRead(path: string): string {
  return readSourceFileOr(path, ''); // (not a FIFO, nor a file over the size limit: read.ts)
}
