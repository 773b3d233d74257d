/**
 * Lock facts of MySQL statements, in the shape every finding carries (`Lock`: table, mode,
 * what it blocks, for how long): an ALTER TABLE / CREATE INDEX / DROP INDEX gets the algorithm
 * and lock the server runs it with (online-ddl.ts); DROP / RENAME / TRUNCATE TABLE and CREATE
 * TRIGGER take an exclusive metadata lock for an instant; UPDATE and DELETE lock the rows they
 * change until commit.
 */
import type { Blocked, Duration, MysqlLock as Lock, MysqlLockMode } from '../../analysis/lock-types.js';
import type { OnlineDdl } from './matrix.js';
import type { StatementDdl } from './online-ddl.js';
import type { MysqlName, MysqlStatement } from './types.js';

export function displayMysqlName(n: MysqlName | undefined): string {
  if (!n) return '';
  return n.schema ? `${n.schema}.${n.name}` : n.name;
}

export function modeOf(r: OnlineDdl): MysqlLockMode {
  return r.algorithm === 'INSTANT' ? 'ALGORITHM=INSTANT' : `ALGORITHM=${r.algorithm}, LOCK=${r.lock}`;
}

/** The lock of an online-DDL result on `table`. */
export function ddlLock(table: string, r: OnlineDdl): Lock {
  let blocks: Blocked[];
  let duration: Duration;
  if (r.algorithm === 'INSTANT') {
    // an exclusive metadata lock for the instant of the change
    blocks = ['reads', 'writes', 'ddl'];
    duration = 'instant';
  } else {
    blocks = r.lock === 'EXCLUSIVE' ? ['reads', 'writes', 'ddl'] : r.lock === 'SHARED' ? ['writes', 'ddl'] : ['ddl'];
    duration = r.rebuilds ? 'rewrite' : r.metadataOnly ? 'instant' : 'long';
  }
  return { table, mode: modeOf(r), blocks, duration };
}

const METADATA: Pick<Lock, 'mode' | 'blocks' | 'duration'> = { mode: 'METADATA LOCK EXCLUSIVE', blocks: ['reads', 'writes', 'ddl'], duration: 'instant' };

/** Every table lock of a statement (`ddl`: its online-DDL classification, for ALTER/CREATE INDEX/DROP INDEX). */
export function mysqlLocksOf(stmt: MysqlStatement, ddl: StatementDdl | undefined): Lock[] {
  switch (stmt.kind) {
    case 'AlterTable':
    case 'CreateIndex':
    case 'DropIndex':
      return ddl ? [ddlLock(displayMysqlName(ddl.table), ddl.effective)] : [];
    case 'DropTable':
      return (stmt.body.tables as MysqlName[]).map((t) => ({ table: displayMysqlName(t), ...METADATA }));
    case 'Truncate':
      return stmt.body.table ? [{ table: displayMysqlName(stmt.body.table), ...METADATA }] : [];
    case 'RenameTable':
      return (stmt.body.pairs as Array<{ from: MysqlName }>).map((p) => ({ table: displayMysqlName(p.from), ...METADATA }));
    case 'CreateTrigger':
      return [{ table: displayMysqlName(stmt.body.table), ...METADATA }];
    case 'Update':
    case 'Delete':
      return (stmt.body.tables as MysqlName[]).map((t) => ({ table: displayMysqlName(t), mode: 'ROW LOCKS', blocks: ['writes'], duration: 'long' }));
    default:
      return [];
  }
}

/** "ALGORITHM=COPY with LOCK=SHARED on \"users\": writes wait while the whole table is copied" */
export function describeMysqlLock(lock: Lock, rebuilds = lock.duration === 'rewrite'): string {
  const t = `"${lock.table}"`;
  switch (lock.mode) {
    case 'ALGORITHM=INSTANT':
      return `ALGORITHM=INSTANT on ${t}: a metadata change, under an exclusive metadata lock for an instant`;
    case 'METADATA LOCK EXCLUSIVE':
      return `an exclusive metadata lock on ${t}: every query on it waits for an instant`;
    case 'ROW LOCKS':
      return `row locks on ${t}: writes to those rows wait until commit`;
    default: {
      const [alg, lk] = lock.mode.split(', ');
      const what = lock.blocks.includes('reads') ? 'reads and writes wait' : lock.blocks.includes('writes') ? 'writes wait' : 'reads and writes go on';
      const how = alg === 'ALGORITHM=COPY' ? 'while the whole table is copied' : rebuilds ? 'while the table is rebuilt in place' : lock.duration === 'long' ? 'while the index is built' : 'for the metadata change';
      return `${alg} with ${lk} on ${t}: ${what} ${how}`;
    }
  }
}
