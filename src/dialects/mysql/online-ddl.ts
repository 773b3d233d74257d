/**
 * What a MySQL DDL statement does on the target server: each operation of an ALTER TABLE (or a
 * CREATE/DROP INDEX) is classified into a row of the online-DDL matrix (matrix.ts) from what
 * the catalog knows (the column's current type, length and character set, the table's
 * FULLTEXT indexes, row versions, foreign_key_checks), and the statement gets the strongest
 * algorithm and lock of its operations — or, when it names ALGORITHM=/LOCK=, what it asks for,
 * or the fact that the server refuses it.
 */
import { columnCharset, maxBytes, type MysqlCatalog, type MysqlColumn, type MysqlTable } from './catalog.js';
import { algorithmRank, combine, lockRank, onlineDdl, type Algorithm, type LockLevel, type MysqlTarget, type OnlineDdl, type OpKind } from './matrix.js';
import type { AlterOp, Clause, ColumnSpec, ColumnType, MysqlName, MysqlStatement } from './types.js';

export interface ClassifiedOp {
  op: OpKind;
  /** the operation's text range */
  start: number;
  end: number;
  /** why this row (the facts that chose it), for messages: `VARCHAR(50) → VARCHAR(100) in utf8mb4: 200 → 400 bytes` */
  detail?: string;
  result: OnlineDdl;
}

export interface StatementDdl {
  table: MysqlName;
  ops: ClassifiedOp[];
  /** operations not in the matrix (partitioning, tablespaces, …) */
  unknown: AlterOp[];
  /** what the server does by default (no ALGORITHM=/LOCK= clause) */
  natural: OnlineDdl;
  /** what it does with the statement's clauses */
  effective: OnlineDdl;
  /** the clauses as written */
  algorithm?: Clause;
  lock?: Clause;
  /** the clauses ask for less than the server can do: it refuses the statement */
  refused?: string;
  /** the statement adds or drops columns instantly (a MySQL row version) */
  instantColumnChange: boolean;
  /** the catalog knew the table (and so its columns) */
  tableKnown: boolean;
}

export interface ClassifyContext {
  catalog: MysqlCatalog;
  target: MysqlTarget;
  /** `SET foreign_key_checks = 0` is in force */
  foreignKeyChecksOff: boolean;
}

const MAX_ROW_VERSIONS = 64;

export function classifyStatement(stmt: MysqlStatement, ctx: ClassifyContext): StatementDdl | undefined {
  if (stmt.kind === 'AlterTable') return classifyAlter(stmt.body.table, stmt.body.ops, stmt.body.algorithm, stmt.body.lock, ctx);
  if (stmt.kind === 'CreateIndex') {
    const b = stmt.body;
    const op: AlterOp = { kind: 'add-index', index: b.index, start: stmt.start, end: stmt.end };
    return classifyAlter(b.table, [op], b.algorithm, b.lock, ctx);
  }
  if (stmt.kind === 'DropIndex') {
    const b = stmt.body;
    const op: AlterOp = b.name.toUpperCase() === 'PRIMARY' ? { kind: 'drop-primary-key', start: stmt.start, end: stmt.end } : { kind: 'drop-index', name: b.name, start: stmt.start, end: stmt.end };
    return classifyAlter(b.table, [op], b.algorithm, b.lock, ctx);
  }
  return undefined;
}

function classifyAlter(tableName: MysqlName, ops: AlterOp[], algorithm: Clause | undefined, lock: Clause | undefined, ctx: ClassifyContext): StatementDdl {
  const table = ctx.catalog.table(tableName);
  const classified: ClassifiedOp[] = [];
  const unknown: AlterOp[] = [];
  const dropsPk = ops.some((o) => o.kind === 'drop-primary-key');
  const addsPk = ops.some((o) => o.kind === 'add-index' && o.index.kind === 'primary');
  let fulltextSoFar = !!table && [...table.indexes.values()].some((i) => i.kind === 'fulltext');
  const hasFulltext = fulltextSoFar || ops.some((o) => o.kind === 'add-index' && o.index.kind === 'fulltext');
  const compressed = table?.rowFormat === 'COMPRESSED';
  const versionsFull = !ctx.target.mariadb && (table?.rowVersions ?? 0) >= MAX_ROW_VERSIONS;

  const push = (op: OpKind, o: AlterOp, detail?: string): void => {
    let result = onlineDdl(op, ctx.target);
    // INSTANT column changes are refused on tables with a FULLTEXT index, ROW_FORMAT=COMPRESSED,
    // or (MySQL) 64 row versions: they are done in place with a rebuild
    if (result.algorithm === 'INSTANT' && INSTANT_COLUMN_OPS.has(op)) {
      const why = hasFulltext ? 'the table has a FULLTEXT index' : compressed ? 'the table is ROW_FORMAT=COMPRESSED' : versionsFull ? `the table has used its ${MAX_ROW_VERSIONS} row versions (instant ADD/DROP COLUMNs since it was last rebuilt)` : undefined;
      if (why) {
        result = { algorithm: 'INPLACE', rebuilds: true, lock: 'NONE' };
        detail = detail ? `${detail}; not instantly: ${why}` : `not instantly: ${why}`;
      }
    }
    const c: ClassifiedOp = { op, start: o.start, end: o.end, result };
    if (detail) c.detail = detail;
    classified.push(c);
  };

  for (const o of ops) {
    switch (o.kind) {
      case 'add-column': {
        const c = o.column;
        if (c.generated === 'STORED') push('add-column-stored', o);
        else if (c.generated === 'VIRTUAL') push('add-column-virtual', o);
        else if (c.autoIncrement) push('add-column-auto-increment', o);
        else push(c.position ? 'add-column-positioned' : 'add-column', o, c.position ? ('first' in c.position ? 'FIRST' : `AFTER ${c.position.after}`) : undefined);
        if (c.primaryKey) push(dropsPk ? 'replace-primary-key' : 'add-primary-key', o);
        else if (c.unique) push('add-index', o);
        break;
      }
      case 'drop-column': {
        const col = table?.columns.get(o.column.toLowerCase());
        if (col?.generated === 'STORED') push('drop-column-stored', o);
        else if (col?.generated === 'VIRTUAL') push('drop-column-virtual', o);
        else if (table && indexed(table, o.column)) push('drop-column-indexed', o, `"${o.column}" is in an index`);
        else push('drop-column', o);
        break;
      }
      case 'modify-column':
        for (const [op, detail] of modifyKinds(table, table?.columns.get(o.column.toLowerCase()), o.spec, o.newName)) push(op, o, detail);
        break;
      case 'rename-column':
        push('rename-column', o);
        break;
      case 'set-default':
        push('set-default', o);
        break;
      case 'drop-default':
        push('drop-default', o);
        break;
      case 'add-index': {
        const k = o.index.kind;
        if (k === 'primary') push(dropsPk ? 'replace-primary-key' : 'add-primary-key', o);
        else if (k === 'fulltext') {
          push(fulltextSoFar ? 'add-fulltext-next' : 'add-fulltext', o);
          fulltextSoFar = true;
        } else if (k === 'spatial') push('add-spatial', o);
        else push('add-index', o);
        break;
      }
      case 'drop-index':
        push('drop-index', o);
        break;
      case 'drop-primary-key':
        push(addsPk ? 'replace-primary-key' : 'drop-primary-key', o);
        break;
      case 'add-foreign-key':
        push(ctx.foreignKeyChecksOff ? 'add-foreign-key-unchecked' : 'add-foreign-key', o);
        break;
      case 'drop-foreign-key':
        push('drop-foreign-key', o);
        break;
      case 'add-check':
        push('add-check', o);
        break;
      case 'drop-constraint': {
        const n = o.name.toLowerCase();
        if (!o.check && table?.indexes.has(n)) push(table.indexes.get(n)!.kind === 'primary' ? 'drop-primary-key' : 'drop-index', o);
        else if (!o.check && table?.foreignKeys.has(n)) push('drop-foreign-key', o);
        else push('drop-check', o);
        break;
      }
      case 'rename-index':
        push('rename-index', o);
        break;
      case 'rename-table':
        push('rename-table', o);
        break;
      case 'table-option':
        push(tableOptionKind(o.option, o.value, table), o, `${o.option} = ${o.value}`);
        break;
      case 'convert-charset':
        push('convert-charset', o, `to ${o.charset}`);
        break;
      case 'force':
        push('rebuild', o);
        break;
      default:
        unknown.push(o);
    }
  }

  const natural = classified.length ? combine(classified.map((c) => c.result)) : { algorithm: 'INPLACE' as Algorithm, rebuilds: false, lock: 'NONE' as LockLevel };
  const out: StatementDdl = {
    table: tableName,
    ops: classified,
    unknown,
    natural,
    effective: natural,
    instantColumnChange: natural.algorithm === 'INSTANT' && classified.some((c) => c.op.startsWith('add-column') || c.op.startsWith('drop-column')),
    tableKnown: !!table,
  };
  if (algorithm) out.algorithm = algorithm;
  if (lock) out.lock = lock;
  applyClauses(out, ctx.target);
  return out;
}

/** Operations an INSTANT add/drop of a column covers (blocked by FULLTEXT, COMPRESSED, row versions). */
const INSTANT_COLUMN_OPS = new Set<OpKind>(['add-column', 'add-column-positioned', 'drop-column', 'drop-column-indexed']);

function indexed(t: MysqlTable, column: string): boolean {
  const c = column.toLowerCase();
  for (const i of t.indexes.values()) if (i.columns.some((x) => x.toLowerCase() === c)) return true;
  return false;
}

function tableOptionKind(option: string, value: string, table: MysqlTable | undefined): OpKind {
  switch (option) {
    case 'ROW_FORMAT':
    case 'KEY_BLOCK_SIZE':
    case 'COMPRESSION':
      return 'row-format';
    case 'AUTO_INCREMENT':
      return 'auto-increment-value';
    case 'CHARSET':
    case 'COLLATE':
      return 'table-charset';
    case 'STATS_PERSISTENT':
    case 'STATS_AUTO_RECALC':
    case 'STATS_SAMPLE_PAGES':
    case 'COMMENT':
      return 'table-stats';
    case 'ENGINE':
      return value.toUpperCase() === 'INNODB' ? 'rebuild' : 'change-engine';
    default:
      void table;
      return 'rebuild';
  }
}

const TYPE_SYNONYMS: Record<string, string> = { INTEGER: 'INT', BOOL: 'TINYINT', BOOLEAN: 'TINYINT', DEC: 'DECIMAL', NUMERIC: 'DECIMAL', FIXED: 'DECIMAL', REAL: 'DOUBLE', 'DOUBLE PRECISION': 'DOUBLE', MIDDLEINT: 'MEDIUMINT' };

function baseOf(t: ColumnType): string {
  return TYPE_SYNONYMS[t.base] ?? t.base;
}

/** The matrix rows of a MODIFY / CHANGE, comparing the new definition with the column as the catalog has it. */
function modifyKinds(table: MysqlTable | undefined, old: MysqlColumn | undefined, spec: ColumnSpec, newName: string | undefined): Array<[OpKind, string | undefined]> {
  const out: Array<[OpKind, string | undefined]> = [];
  if (!old || !table) return [['change-type', `the current definition of "${spec.name}" is not known (no earlier migration creates it): assumed to change its type`]];
  if (newName) out.push(['rename-column', undefined]);
  const a = old.type;
  const b = spec.type;
  const ba = baseOf(a);
  const bb = baseOf(b);
  const ca = columnCharset(a, table);
  const cb = columnCharset(b, table);
  const textual = (x: string): boolean => ['VARCHAR', 'CHAR', 'TEXT', 'TINYTEXT', 'MEDIUMTEXT', 'LONGTEXT', 'ENUM', 'SET'].includes(x);
  const describe = (t: ColumnType): string => `${t.base}${t.length !== undefined ? `(${t.length}${t.scale !== undefined ? `,${t.scale}` : ''})` : ''}`;
  let typeChanged = false;
  if (old.generated || spec.generated) {
    if ((old.generated ?? '') !== (spec.generated ?? '') || a.text.toLowerCase() !== b.text.toLowerCase()) out.push(['change-type', 'a generated column changes']);
  } else if (ba !== bb || (!!a.unsigned) !== (!!b.unsigned) || old.autoIncrement !== spec.autoIncrement) {
    out.push(['change-type', `${describe(a)}${a.unsigned ? ' UNSIGNED' : ''} → ${describe(b)}${b.unsigned ? ' UNSIGNED' : ''}`]);
    typeChanged = true;
  } else if (ba === 'ENUM' || ba === 'SET') {
    const va = a.values ?? [];
    const vb = b.values ?? [];
    const prefix = va.every((v, i) => vb[i] === v);
    if (vb.length !== va.length || !prefix) {
      const sameSize = ba === 'ENUM' ? (va.length <= 255) === (vb.length <= 255) : setBytes(va.length) === setBytes(vb.length);
      out.push(prefix && vb.length > va.length && sameSize ? ['enum-append', `${vb.length - va.length} member(s) appended`] : ['enum-reorder', 'members reordered, removed or inserted']);
      typeChanged = true;
    }
  } else if ((ba === 'VARCHAR' || ba === 'VARBINARY') && a.length !== undefined && b.length !== undefined && a.length !== b.length && ca === cb) {
    const x = maxBytes(a, table) ?? a.length;
    const y = maxBytes(b, table) ?? b.length;
    const detail = `${describe(a)} → ${describe(b)}${ba === 'VARCHAR' ? ` in ${ca} (${bytesWord(ca)})` : ''}: ${x} → ${y} bytes`;
    if (y < x) out.push(['varchar-shrink', detail]);
    else if ((x <= 255) === (y <= 255)) out.push(['varchar-extend', `${detail}, the length prefix stays ${x <= 255 ? '1 byte' : '2 bytes'}`]);
    else if (x <= 127) out.push(['varchar-extend-from-short', `${detail}, the length prefix grows from 1 to 2 bytes`]);
    else out.push(['varchar-extend-prefix', `${detail}, the length prefix grows from 1 to 2 bytes`]);
    typeChanged = true;
  } else if (a.length !== b.length || a.scale !== b.scale) {
    if (!(a.length === undefined || b.length === undefined) || !['INT', 'BIGINT', 'SMALLINT', 'TINYINT', 'MEDIUMINT'].includes(ba)) {
      out.push(['change-type', `${describe(a)} → ${describe(b)}`]);
      typeChanged = true;
    }
  }
  if (!typeChanged && textual(ba) && !old.generated) {
    if (ca !== cb) out.push(['column-charset', `${ca} → ${cb}`]);
    else {
      const colla = a.binary ? `${ca}_bin` : a.collation;
      const collb = b.binary ? `${cb}_bin` : b.collation;
      if ((colla ?? '') !== (collb ?? '')) out.push(['column-collation', `${colla ?? 'default collation'} → ${collb ?? 'default collation'}`]);
    }
  }
  const newNotNull = spec.notNull === true || !!spec.primaryKey;
  if (old.notNull && !newNotNull) out.push(['make-null', spec.notNull === false ? 'NULL' : 'no NOT NULL: MODIFY makes the column nullable']);
  else if (!old.notNull && newNotNull) out.push(['make-not-null', 'NOT NULL']);
  if (spec.position) out.push(['reorder-column', 'first' in spec.position ? 'FIRST' : `AFTER ${spec.position.after}`]);
  // the same type, nullability and place: only the default or the comment changes
  if (!out.length) out.push(['set-default', 'the same definition (default or comment only)']);
  return out;
}

function setBytes(n: number): number {
  return n <= 8 ? 1 : n <= 16 ? 2 : n <= 24 ? 3 : n <= 32 ? 4 : 8;
}

function bytesWord(charset: string): string {
  const n = { utf8mb4: 4, utf8mb3: 3, utf8: 3 }[charset] ?? undefined;
  return n ? `${n} bytes per character` : 'bytes per character of its charset';
}

/**
 * The statement's ALGORITHM=/LOCK= against what the server can do: a stronger algorithm than
 * the server's (INPLACE for a COPY operation) or a weaker lock than it permits is refused (the
 * statement fails instead of falling back); a weaker algorithm (COPY) or a stronger lock is what
 * the server then does.
 */
function applyClauses(d: StatementDdl, target: MysqlTarget): void {
  const nat = d.natural;
  let algorithm = nat.algorithm;
  let rebuilds = nat.rebuilds;
  let lock = nat.lock;
  const a = d.algorithm?.value;
  if (a && a !== 'DEFAULT') {
    const asked: Algorithm | undefined = a === 'NOCOPY' ? 'INPLACE' : a === 'INSTANT' || a === 'INPLACE' || a === 'COPY' ? a : undefined;
    if (asked && algorithmRank(asked) < algorithmRank(nat.algorithm)) {
      d.refused = `ALGORITHM=${a} is not supported for this operation (the server needs ALGORITHM=${nat.algorithm})`;
    } else if (a === 'NOCOPY' && nat.rebuilds) {
      d.refused = 'ALGORITHM=NOCOPY is not supported: the operation rebuilds the table';
    } else if (asked) {
      if (algorithmRank(asked) > algorithmRank(nat.algorithm)) {
        algorithm = asked;
        rebuilds = asked === 'COPY' || nat.rebuilds || (asked === 'INPLACE' && nat.algorithm === 'INSTANT' && d.ops.some((o) => o.op.startsWith('add-column') || o.op.startsWith('drop-column') || o.op === 'reorder-column'));
        if (asked === 'COPY' && lockRank(lock) < lockRank('SHARED')) lock = 'SHARED';
      }
    }
  }
  const l = d.lock?.value;
  if (l && l !== 'DEFAULT' && !d.refused) {
    const asked: LockLevel | undefined = l === 'NONE' || l === 'SHARED' || l === 'EXCLUSIVE' ? l : undefined;
    if (asked && algorithm === 'INSTANT' && !target.mariadb) d.refused = `LOCK=${l} is not supported with ALGORITHM=INSTANT on MySQL (only LOCK=DEFAULT)`;
    else if (asked && lockRank(asked) < lockRank(lock)) d.refused = `LOCK=${l} is not supported for this operation (it needs at least LOCK=${lock})`;
    else if (asked) lock = asked;
  }
  d.effective = { algorithm, rebuilds: rebuilds || algorithm === 'COPY', lock };
}

/** Does the statement keep traffic waiting for longer than an instant: a copy, or an in-place change that blocks writes. */
export function blocksTraffic(r: OnlineDdl): boolean {
  return r.algorithm === 'COPY' || (r.algorithm !== 'INSTANT' && r.lock !== 'NONE');
}

/**
 * The ALGORITHM=/LOCK= clauses that make the server run the statement the way the matrix says
 * it can (and fail rather than fall back to something worse): `ALGORITHM=INSTANT` (MySQL allows
 * no LOCK= with it), `ALGORITHM=INPLACE, LOCK=NONE` (MariaDB: `ALGORITHM=NOCOPY` when nothing
 * is rebuilt), … `statement` decides the separator: ALTER TABLE lists them with commas, CREATE
 * and DROP INDEX with spaces.
 */
export function clausesFor(r: OnlineDdl, target: MysqlTarget, statement: 'alter' | 'index'): string {
  const sep = statement === 'alter' ? ', ' : ' ';
  if (r.algorithm === 'INSTANT') return `ALGORITHM=INSTANT${target.mariadb ? `${sep}LOCK=${r.lock}` : ''}`;
  const alg = r.algorithm === 'INPLACE' && target.mariadb && !r.rebuilds ? 'NOCOPY' : r.algorithm;
  return `ALGORITHM=${alg}${sep}LOCK=${r.lock}`;
}
