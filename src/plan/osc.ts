/**
 * `godwit plan --emit gh-ost | pt-osc` (MySQL): for each statement of the migration that
 * copies a table or blocks its writes (online-ddl.ts), the command that runs the same change
 * with an online schema change tool instead — gh-ost (binlog-based, no triggers) or
 * pt-online-schema-change (a shadow table kept in sync by triggers) — as a shell script: a dry
 * run first, then the real run, with load guards (--max-load / --critical-load), a chunk size,
 * gh-ost's --cut-over (postponed until a flag file is removed) or pt-osc's
 * --alter-foreign-keys-method. The tool's preconditions are checked against the migration
 * history (the MySQL catalog): a statement whose table fails them is refused, with the reason.
 *
 * Flags as the tools document them (gh-ost: doc/command-line-flags.md, doc/requirements-and-
 * limitations.md; pt-online-schema-change: its POD, DSN options). Every value in the script is
 * single-quoted for the shell; identifiers can hold anything.
 */
import { escapeControl, hasControl } from '../io/control.js';
import { shellQuote } from './shell.js';
import { classifyStatement, blocksTraffic, type StatementDdl } from '../dialects/mysql/online-ddl.js';
import { referencingTables, type MysqlCatalog, type MysqlTable } from '../dialects/mysql/catalog.js';
import type { MysqlTarget } from '../dialects/mysql/matrix.js';
import type { AlterOp, MysqlParsedFile, MysqlStatement } from '../dialects/mysql/types.js';
import { displayMysqlName } from '../dialects/mysql/locks.js';

export type OscTool = 'gh-ost' | 'pt-osc';

export interface OscChange {
  /** 1-based line of the statement */
  line: number;
  table: string;
  /** the operations handed to --alter */
  alter: string;
  /** why it needs the tool: the algorithm and lock MySQL would use */
  why: string;
  /** the tool cannot run it: the reason (no script then) */
  refused?: string;
  /** the preconditions that were checked, and what the flags handle */
  checks: string[];
  script?: string;
}

export interface OscPlan {
  tool: OscTool;
  changes: OscChange[];
  /** statements that run online as they are (no tool needed) */
  online: Array<{ line: number; text: string }>;
}


const bq = (s: string): string => `\`${s.split('`').join('``')}\``;

export function planOnlineSchemaChange(parsed: MysqlParsedFile, history: MysqlCatalog, target: MysqlTarget, tool: OscTool): OscPlan {
  const catalog = history.clone();
  catalog.origin = 'file';
  const plan: OscPlan = { tool, changes: [], online: [] };
  let fkOff = false;
  for (const stmt of parsed.statements) {
    if (stmt.kind === 'SyntaxError') continue;
    if (stmt.kind === 'Set') for (const a of stmt.body.assignments) if (a.name === 'foreign_key_checks') fkOff = ['0', 'OFF', 'FALSE'].includes(String(a.value).toUpperCase());
    const ddl = classifyStatement(stmt, { catalog, target, foreignKeyChecksOff: fkOff });
    const line = parsed.source.position(stmt.start).line;
    if (ddl) {
      const table = catalog.table(ddl.table);
      const isNew = table?.origin === 'file';
      if (!isNew && (blocksTraffic(ddl.natural) || blocksTraffic(ddl.effective))) plan.changes.push(change(stmt, ddl, table, catalog, target, tool, line, parsed.source.text));
      else if (!isNew) plan.online.push({ line, text: stmt.text.split('\n')[0] });
    }
    catalog.apply(stmt, ddl ? { ...ddl.effective, instantColumnChange: ddl.instantColumnChange } : undefined);
  }
  return plan;
}

/** The --alter text: the statement's operations as written (ALGORITHM= and LOCK= left out: the tool copies the table). */
function alterText(stmt: MysqlStatement, text: string): string {
  if (stmt.kind === 'AlterTable') return (stmt.body.ops as AlterOp[]).map((o) => text.slice(o.start, o.end)).join(', ');
  if (stmt.kind === 'CreateIndex') {
    const i = stmt.body.index;
    const kind = i.kind === 'unique' ? 'UNIQUE INDEX' : i.kind === 'fulltext' ? 'FULLTEXT INDEX' : i.kind === 'spatial' ? 'SPATIAL INDEX' : 'INDEX';
    return `ADD ${kind} ${i.name ? `${bq(i.name)} ` : ''}(${i.columns.map(bq).join(', ')})`;
  }
  return `DROP INDEX ${bq(stmt.body.name)}`;
}

function change(stmt: MysqlStatement, ddl: StatementDdl, table: MysqlTable | undefined, catalog: MysqlCatalog, target: MysqlTarget, tool: OscTool, line: number, text: string): OscChange {
  const name = displayMysqlName(ddl.table);
  const e = ddl.refused ? ddl.natural : ddl.effective;
  const c: OscChange = {
    line,
    table: name,
    alter: alterText(stmt, text),
    why: `MySQL ${target.name} runs it with ALGORITHM=${e.algorithm}, LOCK=${e.lock}${e.algorithm === 'COPY' ? ': writes wait for the whole copy' : e.lock !== 'NONE' ? ': writes wait throughout' : ''}`,
    checks: [],
  };
  const ops: AlterOp[] = stmt.kind === 'AlterTable' ? stmt.body.ops : [];
  const refuse = (reason: string): OscChange => ((c.refused = reason), c);
  // a script is read line by line by its reviewer (and the shell): a name or an --alter text with a line break is not written into one
  if ([ddl.table.name, ddl.table.schema ?? '', c.alter].some(hasControl)) return refuse(`"${escapeControl(name)}" or its change holds a control character (a line break, …): godwit writes no such name into a shell script`);
  if (!table) return refuse(`no earlier migration creates "${name}": its primary key, foreign keys and triggers are unknown, so the ${tool} preconditions cannot be checked (lint the file with its migration history, or give --schema)`);
  if (ops.some((o) => o.kind === 'rename-table')) return refuse(`${tool} does not rename tables (ALTER TABLE … RENAME TO): rename with RENAME TABLE, which is instant`);
  const dropsPk = ops.some((o) => o.kind === 'drop-primary-key');
  const addsPk = ops.some((o) => o.kind === 'add-index' && o.index.kind === 'primary');
  if (dropsPk && !addsPk) return refuse(`the change drops the primary key without adding another: ${tool} needs a key that both tables share to copy rows and apply changes`);
  const key = sharedKey(table, tool);
  if (!key) {
    return refuse(
      tool === 'gh-ost'
        ? `"${name}" has no PRIMARY KEY and no UNIQUE KEY on NOT NULL columns: gh-ost needs one to iterate over the rows (add a primary key first)`
        : `"${name}" has no PRIMARY KEY or UNIQUE index: pt-online-schema-change needs one for its DELETE trigger and its chunks (add a primary key first)`,
    );
  }
  c.checks.push(`key: ${key}`);
  const children = referencingTables(catalog, catalog.key(ddl.table)).filter((t) => t !== table);
  const renames = ops.filter((o) => o.kind === 'rename-column' || (o.kind === 'modify-column' && o.newName));
  if (tool === 'gh-ost') {
    if (table.foreignKeys.size) return refuse(`"${name}" has foreign keys (${[...table.foreignKeys.values()].map((f) => f.name).join(', ')}): gh-ost does not support tables with foreign keys; use --emit pt-osc`);
    if (children.length) return refuse(`foreign keys of ${children.map((t) => `"${t.name}"`).join(', ')} reference "${name}": gh-ost does not support them; use --emit pt-osc (--alter-foreign-keys-method)`);
    if (table.triggers.size) return refuse(`"${name}" has triggers (${[...table.triggers].join(', ')}): gh-ost does not support tables with triggers; use --emit pt-osc`);
    c.checks.push('no foreign keys (in either direction)', 'no triggers');
    if (renames.length) c.checks.push('renames a column: --approve-renamed-columns confirms it is a rename, not a drop and an add');
    c.script = ghostScript(ddl, c, renames.length > 0, line);
  } else {
    if (renames.length) return refuse('the change renames a column: pt-online-schema-change copies rows by column name, and a rename through it loses or misplaces data; rename with expand-contract (godwit plan --emit sql) instead');
    if ([ddl.table.name, ddl.table.schema ?? ''].some((n) => n.includes(',') || n.includes('='))) return refuse(`"${name}" holds a comma or an equals sign, which pt-online-schema-change's DSN (D=…,t=…) cannot carry`);
    if (children.length) c.checks.push(`foreign keys of ${children.map((t) => `"${t.name}"`).join(', ')} reference it: --alter-foreign-keys-method auto rebuilds them to point at the new table (rebuild_constraints, or drop_swap for large child tables)`);
    else c.checks.push('no foreign keys reference it (--alter-foreign-keys-method auto does nothing)');
    if (table.foreignKeys.size) c.checks.push(`its own foreign keys (${[...table.foreignKeys.values()].map((f) => f.name).join(', ')}) are recreated on the new table with names prefixed by "_"`);
    if (table.triggers.size) c.checks.push(`its triggers (${[...table.triggers].join(', ')}) are kept: --preserve-triggers (MySQL 5.7.2+, MariaDB 10.2.3+)`);
    c.script = ptOscScript(ddl, c, table.triggers.size > 0, line);
  }
  return c;
}

/** The key the tool copies by: the primary key, else (gh-ost) a unique key on NOT NULL columns, (pt-osc) any unique index. */
function sharedKey(t: MysqlTable, tool: OscTool): string | undefined {
  const pk = t.indexes.get('primary');
  if (pk) return `PRIMARY KEY (${pk.columns.join(', ')})`;
  for (const i of t.indexes.values()) {
    if (i.kind !== 'unique') continue;
    const notNull = i.columns.every((c) => t.columns.get(c.toLowerCase())?.notNull);
    if (notNull || tool === 'pt-osc') return `UNIQUE KEY ${i.name} (${i.columns.join(', ')})`;
  }
  return undefined;
}

// (names go into `#` comments: a line break in a table name must not end the comment and become a command)
const HEADER = (tool: string, c: OscChange, line: number): string[] => [
  '#!/usr/bin/env bash',
  `# ${escapeControl(`${tool} for the ALTER TABLE of "${c.table}" (line ${line}) — ${c.why}.`)}`,
  '# Preconditions checked against the migration history:',
  ...c.checks.map((x) => `#   - ${escapeControl(x)}`),
  '# Set MYSQL_HOST, MYSQL_USER and MYSQL_DATABASE (MYSQL_PORT defaults to 3306); the password is asked for.',
  'set -euo pipefail',
  ': "${MYSQL_HOST:?set MYSQL_HOST}" "${MYSQL_USER:?set MYSQL_USER}" "${MYSQL_DATABASE:?set MYSQL_DATABASE to the schema}"',
];

function ghostScript(ddl: StatementDdl, c: OscChange, renames: boolean, line: number): string {
  const db = ddl.table.schema ? shellQuote(ddl.table.schema) : '"$MYSQL_DATABASE"';
  const flag = `/tmp/gh-ost.${ddl.table.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  return [
    ...HEADER('gh-ost', c, line),
    '# Also needed on the server gh-ost reads the binary log from: binlog_format=ROW, binlog_row_image=FULL.',
    'ghost() {',
    '  gh-ost \\',
    '    --host="$MYSQL_HOST" --port="${MYSQL_PORT:-3306}" --user="$MYSQL_USER" --ask-pass \\',
    `    --database=${db} --table=${shellQuote(ddl.table.name)} \\`,
    `    --alter=${shellQuote(c.alter)} \\`,
    ...(renames ? ['    --approve-renamed-columns \\'] : []),
    '    --max-load=Threads_running=25 --critical-load=Threads_running=100 --critical-load-interval-millis=1000 \\',
    '    --chunk-size=1000 --default-retries=120 \\',
    '    --cut-over=default --cut-over-lock-timeout-seconds=3 \\',
    `    --postpone-cut-over-flag-file=${shellQuote(`${flag}.postpone`)} --panic-flag-file=${shellQuote(`${flag}.panic`)} \\`,
    '    --allow-on-master --exact-rowcount --concurrent-rowcount --verbose "$@"',
    '}',
    '# 1. dry run: checks the table and the server, creates and drops the ghost table, copies nothing',
    'ghost',
    `# 2. the migration: copies the rows and follows the binary log; it waits before the cut-over until`,
    `#    ${escapeControl(flag)}.postpone is removed (rm it when traffic is low); touch ${escapeControl(flag)}.panic to abort`,
    `touch ${shellQuote(`${flag}.postpone`)}`,
    'ghost --execute',
    '',
  ].join('\n');
}

function ptOscScript(ddl: StatementDdl, c: OscChange, triggers: boolean, line: number): string {
  const db = ddl.table.schema ? shellQuote(ddl.table.schema) : '"$MYSQL_DATABASE"';
  const dsn = `"h=$MYSQL_HOST,P=\${MYSQL_PORT:-3306},u=$MYSQL_USER,D="${db}",t="${shellQuote(ddl.table.name)}`;
  return [
    ...HEADER('pt-online-schema-change', c, line),
    'ptosc() {',
    '  pt-online-schema-change \\',
    `    --alter ${shellQuote(c.alter)} \\`,
    '    --max-load Threads_running=25 --critical-load Threads_running=100 \\',
    '    --chunk-size 1000 --chunk-size-limit 4 \\',
    '    --alter-foreign-keys-method auto \\',
    ...(triggers ? ['    --preserve-triggers \\'] : []),
    '    --set-vars lock_wait_timeout=5 --tries create_triggers:10:1,drop_triggers:10:1,swap_tables:10:1 \\',
    '    --ask-pass \\',
    `    ${dsn} "$@"`,
    '}',
    '# 1. dry run: creates and alters the new table, no triggers, no copy',
    'ptosc --dry-run',
    '# 2. the migration: copies the rows in chunks while triggers keep the new table in sync, then swaps the tables',
    'ptosc --execute',
    '',
  ].join('\n');
}
