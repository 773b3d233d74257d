/**
 * create-index-concurrently — CREATE INDEX on an existing table (SHARE lock: writes wait for
 * the whole build) → CREATE INDEX CONCURRENTLY, alone, outside a transaction block.
 * drop-index-concurrently — DROP INDEX (ACCESS EXCLUSIVE on the table) → DROP INDEX
 * CONCURRENTLY, one index per statement.
 */
import { nameListToRange, type RangeVarLike } from '../../analysis/names.js';
import { relationSql } from '../../analysis/alter-subcommands.js';
import { copyableIndex, indexGone, indexSql, indexValid, inSchema, lit, tableRef, quoteIdent, type TableRef } from '../sql.js';
import { add, change, existing, type PlanInput, type PlanOutcome } from './common.js';
import { clauseText, statementText, tokensOf } from '../text.js';

/** PostgreSQL's name for an index created without one: table_col1_col2_idx (expressions: expr). */
function defaultIndexName(table: string, params: any[]): string {
  const cols = params.map((p: any) => p?.IndexElem?.name ?? 'expr');
  return [table, ...cols, 'idx'].join('_').slice(0, 63);
}

export function planCreateIndex(input: PlanInput): PlanOutcome {
  const { stmt, ctx, file } = input;
  const b = stmt.body;
  if (b.concurrent || !b.relation || !existing(ctx, b.relation)) return null;
  if (b.relation.inh === false) return { unplanned: 'CREATE INDEX ON ONLY a partitioned table cannot be CONCURRENTLY: build the index CONCURRENTLY on each partition, then ALTER INDEX … ATTACH PARTITION' };
  const t = tableRef(b.relation, ctx.catalog);
  const name: string = b.idxname ?? defaultIndexName(t.name, b.indexParams ?? []);
  const tok = tokensOf(file, stmt).find((x) => x.text.toLowerCase() === 'index');
  if (!tok) return { unplanned: 'godwit could not read the statement' };
  const text = file.source.text;
  const head = text.slice(stmt.start, tok.end);
  const rest = text.slice(tok.end, stmt.end);
  const sql = b.if_not_exists ? `${head} CONCURRENTLY${rest}` : b.idxname ? `${head} CONCURRENTLY IF NOT EXISTS${rest}` : `${head} CONCURRENTLY IF NOT EXISTS ${quoteIdent(name)}${rest}`;
  const c = change(input, 'create-index-concurrently', t, `build index ${name} on ${t.sql} concurrently`, statementText(stmt));
  add(c, 'index', {
    label: name,
    sql: [sql],
    transaction: false,
    rollback: [`DROP INDEX CONCURRENTLY IF EXISTS ${inSchema(t, name)}`],
    verify: [indexValid(t, name)],
    notes: [
      'CONCURRENTLY: reads and writes go on during the build (it waits for transactions that started before it); it cannot run inside a transaction block',
      'if the build fails it leaves an INVALID index behind: DROP INDEX CONCURRENTLY it and run the phase again',
      ...(b.unique ? ['a UNIQUE build fails on duplicate keys: check them before (SELECT key, count(*) … GROUP BY key HAVING count(*) > 1)'] : []),
    ],
  });
  const params: any[] = b.indexParams ?? [];
  const simple = params.every((p) => p?.IndexElem?.name);
  if (simple) {
    // index fields ({ column }), as pgroll >= 0.10 takes them
    const op: Record<string, unknown> = { table: t.name, name, columns: params.map((p) => ({ column: p.IndexElem.name })) };
    if (b.unique) op.unique = true;
    if (b.accessMethod && b.accessMethod !== 'btree') op.method = b.accessMethod;
    const predicate = b.whereClause ? clauseText(file, stmt, 'where', []) : undefined;
    if (predicate) op.predicate = predicate;
    else if (b.whereClause) c.pgrollNote = 'add the predicate of this partial index as create_index.predicate';
    c.pgroll = [{ create_index: op }];
  } else {
    c.pgrollNote = 'pgroll create_index takes column names only: an expression index needs a raw sql operation';
  }
  return c;
}

export function planDropIndex(input: PlanInput): PlanOutcome {
  const { stmt, ctx } = input;
  const b = stmt.body;
  if (b.removeType !== 'OBJECT_INDEX' || b.concurrent) return null;
  if (b.behavior === 'DROP_CASCADE') return { unplanned: 'DROP INDEX CONCURRENTLY cannot CASCADE: drop the dependent objects first, then the index concurrently' };
  const targets: Array<{ rel: RangeVarLike; t?: TableRef }> = [];
  for (const o of b.objects ?? []) {
    const items = o?.List?.items;
    if (!items) continue;
    const rel = nameListToRange(items);
    const idx = ctx.catalog.index(rel);
    const table = idx ? ctx.catalog.tables.get(idx.table) : undefined;
    if (table && table.origin === 'file') continue;
    targets.push({ rel, t: table ? tableRef({ schemaname: table.schema === ctx.catalog.searchPath ? undefined : table.schema, relname: table.name }, ctx.catalog) : undefined });
  }
  if (!targets.length) return null;
  const first = targets[0].t ?? tableRef(targets[0].rel, ctx.catalog);
  const c = change(input, 'drop-index-concurrently', first, `drop index${targets.length > 1 ? 'es' : ''} ${targets.map((x) => relationSql(x.rel)).join(', ')} concurrently`, statementText(stmt));
  c.table = targets[0].t?.sql ?? relationSql(targets[0].rel);
  for (const { rel, t } of targets) {
    const idx = ctx.catalog.index(rel);
    const idxSql = relationSql(rel);
    const recreate = idx && t && copyableIndex(idx) ? indexSql(t, idx, idx.name, idx.columns, true) : undefined;
    const schemaRef = t ?? ({ rel: { schemaname: rel.schemaname }, sql: '', name: '', key: '' } as TableRef);
    add(c, 'index', {
      label: String(rel.relname),
      sql: [`DROP INDEX CONCURRENTLY${b.missing_ok ? ' IF EXISTS' : ''} ${idxSql}`],
      transaction: false,
      rollback: recreate ? [recreate] : [`-- godwit does not know the definition of ${idxSql}: recreate it with CREATE INDEX CONCURRENTLY`],
      verify: [
        {
          label: `how often ${rel.relname} was used since the statistics were reset (0 or close to it: nothing depends on it)`,
          sql: `SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelid = to_regclass(${lit(idxSql)})`,
          before: true,
        },
        indexGone(schemaRef, String(rel.relname)),
      ],
    });
  }
  c.pgroll = targets.map(({ rel }) => ({ drop_index: { name: String(rel.relname) } }));
  return c;
}
