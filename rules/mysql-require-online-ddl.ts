import { defineRule, type MysqlRuleContext } from '../src/engine/types.js';
import { capitalize } from '../src/analysis/statement-labels.js';
import type { MysqlStatement } from '../src/dialects/mysql/types.js';
import { blocksTraffic, clausesFor, type StatementDdl } from '../src/dialects/mysql/online-ddl.js';
import { matrixRow } from '../src/dialects/mysql/matrix.js';
import { ddlLock, describeMysqlLock, displayMysqlName } from '../src/dialects/mysql/locks.js';

export default defineRule({
  id: 'mysql-require-online-ddl',
  severity: 'error',
  preset: 'recommended',
  category: 'locks',
  dialects: ['mysql'],
  docs: {
    summary: 'MySQL: an ALTER TABLE or CREATE INDEX on an existing table that copies it or blocks its writes',
    why:
      'MySQL runs each ALTER TABLE operation INSTANT (a metadata change), INPLACE (the table stays readable and writable, LOCK=NONE) or COPY (a new table is built row by row while writes wait, LOCK=SHARED). ' +
      'Changing a column\'s data type, growing a VARCHAR past 255 bytes (the length prefix grows to 2 bytes: utf8mb4 counts 4 bytes per character, so VARCHAR(64) already is 256), converting the character set, dropping the primary key, adding a foreign key with foreign_key_checks=1, a CHECK constraint or a STORED generated column all copy the table; a FULLTEXT or SPATIAL index, or an AUTO_INCREMENT column, is built in place but with LOCK=SHARED. ' +
      'On a large table that is minutes to hours of failed writes, then replica lag as long as the copy, because the replicas apply it after the primary. ' +
      'When the statement names ALGORITHM=INPLACE/INSTANT or LOCK=NONE and the server cannot honour them, it fails instead.',
    fix:
      'Where the server can do it online, say so, and it fails rather than copies: ALTER TABLE orders ADD INDEX orders_customer_idx (customer_id), ALGORITHM=INPLACE, LOCK=NONE; ' +
      'instant changes: ALGORITHM=INSTANT. Keep an instant operation out of a statement that also copies (MySQL runs the whole statement the slowest way). ' +
      'What cannot run online (a type change, a charset conversion, a VARCHAR crossing 255 bytes) goes through an online schema change tool: `godwit plan <file> --emit gh-ost` (or `--emit pt-osc`) writes the command, with a dry run first, load limits and the cut-over; or through an expand-contract migration (a new column, backfilled in batches).\n\n' +
      "gh-ost --alter='MODIFY COLUMN total BIGINT NOT NULL' --database=shop --table=orders --max-load=Threads_running=25 --critical-load=Threads_running=100 --chunk-size=1000 --cut-over=default --execute",
    example: {
      bad: 'ALTER TABLE orders MODIFY COLUMN total BIGINT NOT NULL;',
      good: '-- run through gh-ost (godwit plan --emit gh-ost), or expand-contract:\nALTER TABLE orders ADD COLUMN total_v2 BIGINT NULL, ALGORITHM=INSTANT;',
    },
  },
  fixable: true,
  create: () => ({}),
  mysql: (ctx) => {
    const check = (_body: unknown, stmt: MysqlStatement): void => {
      const ddl = ctx.ddlOf(stmt);
      if (!ddl || ctx.isNewTable(ddl.table)) return;
      if (ddl.refused) return reportRefused(ctx, stmt, ddl);
      if (!blocksTraffic(ddl.effective)) return;
      reportBlocking(ctx, stmt, ddl);
    };
    return { AlterTable: check, CreateIndex: check, DropIndex: check };
  },
});

/** The operations that make the statement slow, with the facts that chose their matrix rows. */
function culprits(ddl: StatementDdl): string[] {
  return ddl.ops
    .filter((o) => blocksTraffic(o.result))
    .map((o) => `${matrixRow(o.op).title}${o.detail ? ` (${o.detail})` : ''}: ALGORITHM=${o.result.algorithm}, LOCK=${o.result.lock}`);
}

function reportRefused(ctx: MysqlRuleContext, stmt: MysqlStatement, ddl: StatementDdl): void {
  const table = displayMysqlName(ddl.table);
  const lines = ddl.ops.map((o) => `${matrixRow(o.op).title}${o.detail ? ` (${o.detail})` : ''}: ALGORITHM=${o.result.algorithm}${o.result.algorithm === 'INSTANT' ? '' : `, LOCK=${o.result.lock}`}`);
  const clause = ddl.lock && ddl.refused?.startsWith('LOCK') ? ddl.lock : ddl.algorithm;
  ctx.report({
    stmt,
    range: clause ? [clause.start, clause.end] : undefined,
    message:
      `${statementWords(stmt)} on "${table}" fails on ${ctx.target.name}: the server refuses the clause.\n${capitalize(ddl.refused ?? '')}.\n` +
      `The server refuses the clause rather than copy the table, so the migration stops here (after the statements before it, which MySQL has committed). ` +
      `What it can do: ${lines.join('; ')}. ` +
      (blocksTraffic(ddl.natural)
        ? `That copies "${table}" or blocks its writes: run it with gh-ost or pt-online-schema-change (godwit plan --emit gh-ost|pt-osc), or as an expand-contract migration.`
        : `Ask for ${clausesFor(ddl.natural, ctx.target, stmt.kind === 'AlterTable' ? 'alter' : 'index')} instead.`),
    lock: ddlLock(table, ddl.natural),
    plan: blocksTraffic(ddl.natural) ? 'online-schema-change' : undefined,
  });
}

function reportBlocking(ctx: MysqlRuleContext, stmt: MysqlStatement, ddl: StatementDdl): void {
  const table = displayMysqlName(ddl.table);
  const lock = ddlLock(table, ddl.effective);
  const e = ddl.effective;
  const head =
    e.algorithm === 'COPY'
      ? `${statementWords(stmt)} copies "${table}" (ALGORITHM=COPY, LOCK=${e.lock}): writes wait for the whole copy.`
      : `${statementWords(stmt)} on "${table}" runs ALGORITHM=${e.algorithm}, LOCK=${e.lock}: ${e.lock === 'EXCLUSIVE' ? 'reads and writes' : 'writes'} wait throughout.`;
  // the clauses as written made an online operation blocking: ask for the online way instead
  const natural = ddl.natural;
  const forcedByClause = !blocksTraffic(natural);
  const details: string[] = [];
  details.push(`${describeMysqlLock(lock, e.rebuilds)}; the time grows with the table, and replicas lag by as long once they apply it.`);
  const why = culprits({ ...ddl, ops: ddl.ops.map((o) => ({ ...o, result: forcedByClause ? e : o.result })) });
  if (!forcedByClause && why.length) details.push(`On ${ctx.target.name}: ${why.join('; ')}.`);
  if (!ddl.tableKnown && stmt.kind === 'AlterTable') details.push(`No earlier migration creates "${table}", so its current columns are not known.`);
  let fix;
  if (forcedByClause) {
    const clause = clausesFor(natural, ctx.target, stmt.kind === 'AlterTable' ? 'alter' : 'index');
    details.push(`The statement's own ${[ddl.algorithm, ddl.lock].filter(Boolean).map((c) => ctx.file.source.text.slice(c!.start, c!.end)).join(', ')} asks for this; the server can do it with ${clause}.`);
    fix = replaceClauses(ctx, stmt, ddl, clause);
  } else {
    const instantParts = ddl.ops.filter((o) => !blocksTraffic(o.result));
    if (instantParts.length && ddl.ops.length > instantParts.length) details.push(`Its other operations could run ${instantParts.map((o) => o.result.algorithm).includes('INSTANT') ? 'instantly' : 'in place'} in a statement of their own: the whole statement runs the slowest way.`);
    details.push(`Run it with gh-ost or pt-online-schema-change (godwit plan <file> --emit gh-ost|pt-osc writes the command), or as an expand-contract migration (a new column, a batched backfill, then the switch).`);
  }
  ctx.report({ stmt, message: `${head}\n${details.join(' ')}`, lock, fix, plan: forcedByClause ? undefined : 'online-schema-change' });
}

function statementWords(stmt: MysqlStatement): string {
  return stmt.kind === 'CreateIndex' ? 'CREATE INDEX' : stmt.kind === 'DropIndex' ? 'DROP INDEX' : 'ALTER TABLE';
}

/** Replace the statement's ALGORITHM=/LOCK= clauses by `clause` (ALTER TABLE: one comma-separated list at the end). */
function replaceClauses(_ctx: MysqlRuleContext, stmt: MysqlStatement, ddl: StatementDdl, clause: string): { range: [number, number]; text: string } | undefined {
  const written = [ddl.algorithm, ddl.lock].filter((c): c is NonNullable<typeof c> => !!c).sort((a, b) => a.start - b.start);
  if (!written.length) return undefined;
  const first = written[0];
  const last = written[written.length - 1];
  // only when the clauses are next to each other (nothing but a comma between them)
  if (stmt.tokens.some((t) => t.start >= first.end && t.end <= last.start && t.text !== ',')) return undefined;
  return { range: [first.start, last.end], text: clause };
}
