/**
 * From the grammar's tree (grammar.ts) to the statement model (types.ts). Offsets in the tree
 * index the statement's parse text; `base` (the statement's start in the file) makes them file
 * offsets. Rules named here are the MySQL Workbench grammar's (MySQLParser.g4).
 */
import { ruleOf, type GrammarNode } from './grammar.js';
import type {
  AlterOp,
  AlterTableBody,
  Clause,
  ColumnSpec,
  ColumnType,
  CreateIndexBody,
  CreateTableBody,
  DmlBody,
  DropIndexBody,
  ForeignKeySpec,
  IndexKind,
  IndexSpec,
  MysqlName,
  MysqlStatementKind,
  RenameTableBody,
  SetBody,
  Span,
  TriggerBody,
} from './types.js';

export interface Normalized {
  kind: MysqlStatementKind;
  body: any;
  control?: 'begin' | 'commit' | 'rollback';
}

class Reader {
  constructor(
    readonly text: string,
    readonly base: number,
  ) {}

  span(n: GrammarNode): Span {
    const s = n.symbol ? n.symbol.startIndex : n.start.startIndex;
    const e = n.symbol ? n.symbol.stopIndex + 1 : n.stop ? n.stop.stopIndex + 1 : s;
    return { start: this.base + s, end: this.base + Math.max(s, e) };
  }

  /** the node's source text */
  src(n: GrammarNode): string {
    const { start, end } = this.span(n);
    return this.text.slice(start - this.base, end - this.base);
  }

  /** an identifier's name: backquotes (or ANSI double quotes) removed */
  ident(n: GrammarNode): string {
    return unquote(this.src(n).trim());
  }

  /** `schema`.`name` (qualifiedIdentifier, tableRef, tableName, …) */
  name(n: GrammarNode): MysqlName {
    const q = find(n, 'qualifiedIdentifier') ?? find(n, 'fieldIdentifier') ?? n;
    const parts: string[] = [];
    const first = child(q, 'identifier');
    if (first) parts.push(this.ident(first));
    for (const d of children(q)) if (ruleOf(d) === 'dotIdentifier') parts.push(this.ident(child(d, 'identifier') ?? d));
    // a dotted name the grammar lexes as one token (`db.t` is three tokens; `.t` alone: one)
    if (!parts.length) parts.push(...splitDotted(this.src(q)));
    const sp = this.span(n);
    return parts.length > 1 ? { ...sp, schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { ...sp, name: parts[0] ?? '' };
  }
}

export function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '`' || s[0] === '"') && s[s.length - 1] === s[0]) {
    const q = s[0];
    return s.slice(1, -1).split(q + q).join(q);
  }
  return s;
}

function splitDotted(s: string): string[] {
  return s.split('.').map((p) => unquote(p.trim())).filter(Boolean);
}

export function children(n: GrammarNode): GrammarNode[] {
  const out: GrammarNode[] = [];
  for (let i = 0; i < n.childCount; i++) out.push(n.getChild(i));
  return out;
}

export function child(n: GrammarNode, rule: string): GrammarNode | undefined {
  for (let i = 0; i < n.childCount; i++) {
    const c = n.getChild(i);
    if (ruleOf(c) === rule) return c;
  }
  return undefined;
}

/** first descendant (depth first, the node itself included) with the rule */
export function find(n: GrammarNode, rule: string, stop?: (n: GrammarNode) => boolean): GrammarNode | undefined {
  if (ruleOf(n) === rule) return n;
  for (let i = 0; i < n.childCount; i++) {
    const c = n.getChild(i);
    if (stop?.(c)) continue;
    const f = find(c, rule, stop);
    if (f) return f;
  }
  return undefined;
}

export function findAll(n: GrammarNode, rule: string, out: GrammarNode[] = [], stop?: (n: GrammarNode) => boolean): GrammarNode[] {
  if (ruleOf(n) === rule) {
    out.push(n);
    return out;
  }
  for (let i = 0; i < n.childCount; i++) {
    const c = n.getChild(i);
    if (!stop?.(c)) findAll(c, rule, out, stop);
  }
  return out;
}

/** upper-case texts of the node's direct token children */
function words(n: GrammarNode): string[] {
  const out: string[] = [];
  for (let i = 0; i < n.childCount; i++) {
    const c = n.getChild(i);
    if (c.symbol) out.push((c.symbol.text ?? c.text).toUpperCase());
  }
  return out;
}

/** upper-case texts of every token under the node */
function allWords(n: GrammarNode, out: string[] = []): string[] {
  if (n.symbol) out.push((n.symbol.text ?? n.text).toUpperCase());
  else for (let i = 0; i < n.childCount; i++) allWords(n.getChild(i), out);
  return out;
}

/** Normalise a parsed statement (the tree's `query` root). */
export function normalize(tree: GrammarNode, text: string, base: number): Normalized {
  const r = new Reader(text, base);
  const simple = find(tree, 'simpleStatement');
  const top = simple ? children(simple)[0] : undefined;
  if (!top) return { kind: 'Other', body: {} };
  switch (ruleOf(top)) {
    case 'alterStatement': {
      const at = child(top, 'alterTable');
      return at ? { kind: 'AlterTable', body: alterTable(r, at) } : { kind: 'Other', body: {} };
    }
    case 'createStatement': {
      const ct = child(top, 'createTable');
      if (ct) return { kind: 'CreateTable', body: createTable(r, ct) };
      const ci = child(top, 'createIndex');
      if (ci) return { kind: 'CreateIndex', body: createIndex(r, ci) };
      const tr = child(top, 'createTrigger');
      if (tr) return { kind: 'CreateTrigger', body: trigger(r, tr) };
      return { kind: 'Other', body: {} };
    }
    case 'dropStatement': {
      const dt = child(top, 'dropTable');
      if (dt) {
        const list = child(dt, 'tableRefList');
        const tables = list ? findAll(list, 'tableRef').map((t) => r.name(t)) : [];
        return { kind: 'DropTable', body: { tables, ifExists: !!child(dt, 'ifExists'), temporary: words(dt).includes('TEMPORARY') } };
      }
      const di = child(top, 'dropIndex');
      if (di) return { kind: 'DropIndex', body: dropIndex(r, di) };
      const dtr = child(top, 'dropTrigger');
      if (dtr) {
        const ref = child(dtr, 'triggerRef');
        return { kind: 'DropTrigger', body: { name: ref ? r.name(ref) : undefined } };
      }
      return { kind: 'Other', body: {} };
    }
    case 'renameTableStatement': {
      const body: RenameTableBody = { pairs: [] };
      for (const p of findAll(top, 'renamePair')) {
        const from = child(p, 'tableRef');
        const to = child(p, 'tableName');
        if (from && to) body.pairs.push({ from: r.name(from), to: r.name(to) });
      }
      return { kind: 'RenameTable', body };
    }
    case 'truncateTableStatement': {
      const t = child(top, 'tableRef');
      return { kind: 'Truncate', body: { table: t ? r.name(t) : undefined } };
    }
    case 'updateStatement':
      return { kind: 'Update', body: dml(r, top, 'update') };
    case 'deleteStatement':
      return { kind: 'Delete', body: dml(r, top, 'delete') };
    case 'insertStatement':
    case 'replaceStatement': {
      const t = child(top, 'tableRef');
      return { kind: 'Insert', body: { tables: t ? [r.name(t)] : [], bounds: [], limit: false, select: !!find(top, 'queryExpressionOrParens') || !!find(top, 'querySpecification') } satisfies DmlBody };
    }
    case 'setStatement':
      return { kind: 'Set', body: setStatement(r, top) };
    case 'transactionOrLockingStatement': {
      const w = allWords(top);
      if (w[0] === 'START' || w[0] === 'BEGIN') return { kind: 'Transaction', body: {}, control: 'begin' };
      if (w[0] === 'COMMIT') return { kind: 'Transaction', body: {}, control: 'commit' };
      if (w[0] === 'ROLLBACK' && !w.includes('TO')) return { kind: 'Transaction', body: {}, control: 'rollback' };
      return { kind: 'Other', body: {} };
    }
    default:
      return { kind: 'Other', body: {} };
  }
}

// ── ALTER TABLE ─────────────────────────────────────────────────────────────────────────────

function alterTable(r: Reader, at: GrammarNode): AlterTableBody {
  const ref = child(at, 'tableRef');
  const body: AlterTableBody = { table: ref ? r.name(ref) : { name: '', ...r.span(at) }, ops: [] };
  const actions = child(at, 'alterTableActions');
  if (!actions) return body;
  const visit = (n: GrammarNode): void => {
    const rule = ruleOf(n);
    if (rule === 'alterListItem') body.ops.push(...alterItem(r, n));
    else if (rule === 'alterAlgorithmOption') body.algorithm = clause(r, n);
    else if (rule === 'alterLockOption') body.lock = clause(r, n);
    else if (rule === 'createTableOption') body.ops.push(tableOption(r, n));
    else if (rule === 'partitionClause' || rule === 'alterPartition' || rule === 'removePartitioning' || rule === 'standaloneAlterCommands') body.ops.push({ kind: 'other', text: r.src(n), ...r.span(n) });
    else for (const c of children(n)) if (!c.symbol) visit(c);
  };
  visit(actions);
  return body;
}

function clause(r: Reader, n: GrammarNode): Clause {
  const id = find(n, 'identifier');
  const value = id ? r.src(id).toUpperCase() : (words(n).find((w) => w !== 'ALGORITHM' && w !== 'LOCK' && w !== '=') ?? 'DEFAULT');
  return { value: unquote(value), ...r.span(n) };
}

function tableOption(r: Reader, n: GrammarNode): AlterOp {
  const w = allWords(n);
  let option = w[0] ?? '';
  if (option === 'DEFAULT') option = w[1] ?? option;
  if (option === 'CHARACTER' || option === 'CHARSET') option = 'CHARSET';
  if (option === 'COLLATE') option = 'COLLATE';
  const eq = w.indexOf('=');
  const value = unquote((eq >= 0 ? w.slice(eq + 1) : w.slice(option === w[0] ? 1 : 2)).join(' '));
  return { kind: 'table-option', option, value, ...r.span(n) };
}

function alterItem(r: Reader, n: GrammarNode): AlterOp[] {
  const list = words(n)[0] === 'ADD' ? child(n, 'tableElementList') : undefined;
  // ADD COLUMN (a INT, b INT): one operation per column, each at its definition
  if (list) return findAll(list, 'columnDefinition').map((c) => { const column = columnDefinition(r, c); return { kind: 'add-column', column, start: column.start, end: column.end }; });
  return [alterItemOne(r, n)];
}

function alterItemOne(r: Reader, n: GrammarNode): AlterOp {
  const sp = r.span(n);
  const w = words(n);
  const first = w[0];
  const colRef = child(n, 'columnInternalRef');
  const colName = colRef ? r.ident(colRef) : undefined;
  const constraint = child(n, 'tableConstraintDef');
  if (first === 'ADD') {
    if (constraint) return constraintOp(r, constraint, sp);
    const id = child(n, 'identifier');
    const fd = child(n, 'fieldDefinition');
    if (id && fd) return { kind: 'add-column', column: columnSpec(r, r.ident(id), fd, child(n, 'place'), n), ...sp };
    return { kind: 'other', text: r.src(n), ...sp };
  }
  if (first === 'DROP') {
    if (w.includes('PRIMARY')) return { kind: 'drop-primary-key', ...sp };
    if (w.includes('FOREIGN')) return { kind: 'drop-foreign-key', name: colName ?? '', ...sp };
    const idxRef = child(n, 'indexRef');
    if (idxRef || child(n, 'keyOrIndex')) return { kind: 'drop-index', name: idxRef ? lastPart(r, idxRef) : '', ...sp };
    if (w.includes('CHECK') || w.includes('CONSTRAINT')) {
      const id = child(n, 'identifier');
      return { kind: 'drop-constraint', name: id ? r.ident(id) : '', check: w.includes('CHECK'), ...sp };
    }
    if (colName !== undefined) return { kind: 'drop-column', column: colName, ...sp };
    return { kind: 'other', text: r.src(n), ...sp };
  }
  if (first === 'MODIFY' || first === 'CHANGE') {
    const fd = child(n, 'fieldDefinition');
    const newId = first === 'CHANGE' ? child(n, 'identifier') : undefined;
    if (colName !== undefined && fd) {
      const name = newId ? r.ident(newId) : colName;
      const spec = columnSpec(r, name, fd, child(n, 'place'), n);
      return newId && name.toLowerCase() !== colName.toLowerCase()
        ? { kind: 'modify-column', column: colName, newName: name, spec, ...sp }
        : { kind: 'modify-column', column: colName, spec, ...sp };
    }
    return { kind: 'other', text: r.src(n), ...sp };
  }
  if (first === 'RENAME') {
    if (w.includes('COLUMN')) {
      const id = child(n, 'identifier');
      return { kind: 'rename-column', column: colName ?? '', newName: id ? r.ident(id) : '', ...sp };
    }
    const idxRef = child(n, 'indexRef');
    const idxName = child(n, 'indexName');
    if (idxRef && idxName) return { kind: 'rename-index', name: lastPart(r, idxRef), newName: r.ident(idxName), ...sp };
    const tn = child(n, 'tableName');
    if (tn) return { kind: 'rename-table', newName: r.name(tn), ...sp };
    return { kind: 'other', text: r.src(n), ...sp };
  }
  if (first === 'ALTER') {
    if (colName !== undefined && w.includes('DEFAULT')) return w.includes('DROP') ? { kind: 'drop-default', column: colName, ...sp } : { kind: 'set-default', column: colName, ...sp };
    if (colName !== undefined && w.includes('SET') && !w.includes('DEFAULT')) return { kind: 'other', text: r.src(n), ...sp }; // SET VISIBLE/INVISIBLE
    return { kind: 'other', text: r.src(n), ...sp };
  }
  if (first === 'CONVERT') {
    const cs = find(n, 'charsetName');
    return { kind: 'convert-charset', charset: cs ? r.ident(cs).toLowerCase() : '', ...sp };
  }
  if (first === 'FORCE') return { kind: 'force', ...sp };
  return { kind: 'other', text: r.src(n), ...sp };
}

function lastPart(r: Reader, n: GrammarNode): string {
  const parts = splitDotted(r.src(n));
  return parts[parts.length - 1] ?? '';
}

function constraintOp(r: Reader, c: GrammarNode, sp: Span): AlterOp {
  const w = words(c);
  const cname = child(c, 'constraintName');
  const nameId = cname ? child(cname, 'identifier') : undefined;
  const name = nameId ? r.ident(nameId) : undefined;
  if (w.includes('FOREIGN')) return { kind: 'add-foreign-key', foreignKey: foreignKey(r, c, name), ...sp };
  if (child(c, 'checkConstraint')) return { kind: 'add-check', name, ...sp };
  return { kind: 'add-index', index: indexSpec(r, c, name), ...sp };
}

function indexKindOf(w: string[]): IndexKind {
  if (w.includes('PRIMARY')) return 'primary';
  if (w.includes('UNIQUE')) return 'unique';
  if (w.includes('FULLTEXT')) return 'fulltext';
  if (w.includes('SPATIAL')) return 'spatial';
  return 'index';
}

function keyColumns(r: Reader, n: GrammarNode): string[] {
  const out: string[] = [];
  for (const kp of findAll(n, 'keyPart')) {
    const id = child(kp, 'identifier');
    if (id) out.push(r.ident(id));
  }
  return out;
}

function indexSpec(r: Reader, c: GrammarNode, constraintName?: string): IndexSpec {
  const w = words(c);
  const kind = indexKindOf(w);
  const idxName = find(c, 'indexName');
  const name = idxName ? r.ident(idxName) : constraintName;
  const spec: IndexSpec = { kind, columns: keyColumns(r, c), ...r.span(c) };
  if (name !== undefined) spec.name = name;
  return spec;
}

function foreignKey(r: Reader, c: GrammarNode, name?: string): ForeignKeySpec {
  const refs = child(c, 'references');
  const refTable = refs ? child(refs, 'tableRef') : undefined;
  const refCols = refs ? find(refs, 'identifierList') : undefined;
  const fk: ForeignKeySpec = {
    columns: keyColumns(r, child(c, 'keyList') ?? c),
    references: refTable ? r.name(refTable) : { name: '', ...r.span(c) },
    refColumns: refCols ? findAll(refCols, 'identifier').map((i) => r.ident(i)) : [],
    ...r.span(c),
  };
  if (name !== undefined) fk.name = name;
  return fk;
}

// ── column definitions ──────────────────────────────────────────────────────────────────────

function columnDefinition(r: Reader, cd: GrammarNode): ColumnSpec {
  const cn = child(cd, 'columnName');
  const fd = child(cd, 'fieldDefinition');
  return columnSpec(r, cn ? r.ident(cn) : '', fd ?? cd, undefined, cd);
}

function columnSpec(r: Reader, name: string, fd: GrammarNode, place: GrammarNode | undefined, whole: GrammarNode): ColumnSpec {
  const dt = child(fd, 'dataType');
  const type = dt ? dataType(r, dt) : { base: '', text: '' };
  const spec: ColumnSpec = { name, type, hasDefault: false, autoIncrement: false, ...r.span(whole) };
  for (const c of children(fd)) {
    const rule = ruleOf(c);
    if (rule === 'columnAttribute') {
      const w = allWords(c);
      if (w[0] === 'NOT' && w[1] === 'NULL') spec.notNull = true;
      else if (w[0] === 'NULL') spec.notNull = false;
      else if (w[0] === 'DEFAULT') spec.hasDefault = true;
      else if (w[0] === 'AUTO_INCREMENT') spec.autoIncrement = true;
      else if (w.includes('PRIMARY') || (w[0] === 'KEY' && w.length === 1)) spec.primaryKey = true;
      else if (w[0] === 'UNIQUE') spec.unique = true;
      else if (w[0] === 'COLLATE') {
        const coll = find(c, 'collationName');
        if (coll) type.collation = r.ident(coll).toLowerCase();
      } else if (w[0] === 'SERIAL') {
        spec.notNull = true;
        spec.autoIncrement = true;
        spec.unique = true;
      }
    } else if (rule === 'gcolAttribute') {
      const w = allWords(c);
      if (w[0] === 'NOT' && w[1] === 'NULL') spec.notNull = true;
      else if (w[0] === 'NULL') spec.notNull = false;
      else if (w.includes('PRIMARY')) spec.primaryKey = true;
      else if (w[0] === 'UNIQUE') spec.unique = true;
    } else if (rule === 'collate') {
      const coll = find(c, 'collationName');
      if (coll) type.collation = r.ident(coll).toLowerCase();
    } else if (c.symbol) {
      const t = (c.symbol.text ?? '').toUpperCase();
      if (t === 'STORED' || t === 'PERSISTENT') spec.generated = 'STORED';
      else if (t === 'VIRTUAL') spec.generated = 'VIRTUAL';
      else if (t === 'AS' && !spec.generated) spec.generated = 'VIRTUAL';
    }
  }
  if (place) {
    const w = words(place);
    if (w.includes('FIRST')) spec.position = { first: true };
    else {
      const id = child(place, 'identifier');
      if (id) spec.position = { after: r.ident(id) };
    }
  }
  return spec;
}

function dataType(r: Reader, dt: GrammarNode): ColumnType {
  const w = words(dt);
  let base = w[0] ?? '';
  // NATIONAL VARCHAR, CHAR VARYING, LONG VARCHAR, DOUBLE PRECISION
  if (base === 'NATIONAL' || base === 'NCHAR' || base === 'NVARCHAR') {
    base = w.includes('VARCHAR') || w.includes('VARYING') || base === 'NVARCHAR' ? 'VARCHAR' : 'CHAR';
  } else if (base === 'CHAR' && w.includes('VARYING')) base = 'VARCHAR';
  else if (base === 'CHARACTER') base = w.includes('VARYING') ? 'VARCHAR' : 'CHAR';
  else if (base === 'LONG') base = w.includes('VARBINARY') ? 'MEDIUMBLOB' : 'MEDIUMTEXT';
  const type: ColumnType = { base, text: r.src(dt) };
  const len = child(dt, 'fieldLength') ?? child(dt, 'floatOptions') ?? child(dt, 'precision');
  if (len) {
    const nums = allWords(len).filter((x) => /^\d+$/.test(x)).map(Number);
    if (nums.length) type.length = nums[0];
    if (nums.length > 1) type.scale = nums[1];
  }
  const opts = child(dt, 'fieldOptions');
  if (opts && allWords(opts).includes('UNSIGNED')) type.unsigned = true;
  const list = child(dt, 'stringList');
  if (list) type.values = findAll(list, 'textString').map((t) => unquoteString(r.src(t)));
  const cs = child(dt, 'charsetWithOptBinary');
  if (cs) {
    const name = find(cs, 'charsetName');
    if (name) type.charset = r.ident(name).toLowerCase();
    const cw = allWords(cs);
    if (cw.includes('BINARY')) type.binary = true;
    if (cw.includes('ASCII')) type.charset = 'latin1';
    if (cw.includes('UNICODE')) type.charset = 'ucs2';
    if (cw[0] === 'BYTE') type.charset = 'binary';
  }
  if (w.includes('BINARY') && base !== 'BINARY') type.binary = true;
  if (base === 'NATIONAL' || w[0] === 'NCHAR' || w[0] === 'NVARCHAR' || w.includes('NATIONAL')) type.charset = 'utf8mb3';
  return type;
}

function unquoteString(s: string): string {
  const q = s[0];
  if ((q === "'" || q === '"') && s.endsWith(q)) return s.slice(1, -1).split(q + q).join(q).replace(/\\(.)/g, '$1');
  return s;
}

// ── CREATE TABLE / INDEX, DROP INDEX, triggers ──────────────────────────────────────────────

function createTable(r: Reader, ct: GrammarNode): CreateTableBody {
  const tn = child(ct, 'tableName');
  const w = words(ct);
  const body: CreateTableBody = {
    table: tn ? r.name(tn) : { name: '', ...r.span(ct) },
    temporary: w.includes('TEMPORARY'),
    ifNotExists: !!child(ct, 'ifNotExists'),
    columns: [],
    indexes: [],
    foreignKeys: [],
    options: {},
  };
  const like = w.includes('LIKE') ? child(ct, 'tableRef') : undefined;
  if (like) body.like = r.name(like);
  const list = child(ct, 'tableElementList');
  if (list) {
    for (const el of findAll(list, 'tableElement')) {
      const cd = child(el, 'columnDefinition');
      if (cd) {
        const col = columnDefinition(r, cd);
        body.columns.push(col);
        const refs = find(cd, 'references');
        if (refs) {
          const refTable = child(refs, 'tableRef');
          const refCols = find(refs, 'identifierList');
          if (refTable) body.foreignKeys.push({ columns: [col.name], references: r.name(refTable), refColumns: refCols ? findAll(refCols, 'identifier').map((i) => r.ident(i)) : [], ...r.span(cd) });
        }
        continue;
      }
      const tc = child(el, 'tableConstraintDef');
      if (!tc) continue;
      const cw = words(tc);
      const cname = child(tc, 'constraintName');
      const nameId = cname ? child(cname, 'identifier') : undefined;
      const name = nameId ? r.ident(nameId) : undefined;
      if (cw.includes('FOREIGN')) body.foreignKeys.push(foreignKey(r, tc, name));
      else if (!child(tc, 'checkConstraint')) body.indexes.push(indexSpec(r, tc, name));
    }
  }
  const opts = child(ct, 'createTableOptions');
  if (opts) {
    for (const o of findAll(opts, 'createTableOption')) {
      const op = tableOption(r, o) as { option: string; value: string };
      body.options[op.option] = op.value;
    }
  }
  return body;
}

function createIndex(r: Reader, ci: GrammarNode): CreateIndexBody {
  const target = child(ci, 'createIndexTarget');
  const ref = target ? child(target, 'tableRef') : undefined;
  const w = words(ci);
  const kind: IndexKind = w.includes('UNIQUE') ? 'unique' : w.includes('FULLTEXT') ? 'fulltext' : w.includes('SPATIAL') ? 'spatial' : 'index';
  const idxName = child(ci, 'indexName');
  const index: IndexSpec = { kind, columns: target ? keyColumns(r, target) : [], ...r.span(ci) };
  if (idxName) index.name = r.ident(idxName);
  const body: CreateIndexBody = { table: ref ? r.name(ref) : { name: '', ...r.span(ci) }, index };
  for (const o of findAll(ci, 'alterAlgorithmOption')) body.algorithm = clause(r, o);
  for (const o of findAll(ci, 'alterLockOption')) body.lock = clause(r, o);
  return body;
}

function dropIndex(r: Reader, di: GrammarNode): DropIndexBody {
  const ref = child(di, 'tableRef');
  const idx = child(di, 'indexRef');
  const body: DropIndexBody = { table: ref ? r.name(ref) : { name: '', ...r.span(di) }, name: idx ? lastPart(r, idx) : '' };
  for (const o of findAll(di, 'alterAlgorithmOption')) body.algorithm = clause(r, o);
  for (const o of findAll(di, 'alterLockOption')) body.lock = clause(r, o);
  return body;
}

function trigger(r: Reader, tr: GrammarNode): TriggerBody {
  const name = child(tr, 'triggerName');
  const ref = child(tr, 'tableRef');
  const w = words(tr);
  return {
    name: name ? r.name(name) : { name: '', ...r.span(tr) },
    table: ref ? r.name(ref) : { name: '', ...r.span(tr) },
    timing: w.includes('AFTER') ? 'AFTER' : 'BEFORE',
    event: w.includes('UPDATE') ? 'UPDATE' : w.includes('DELETE') ? 'DELETE' : 'INSERT',
  };
}

// ── SET ─────────────────────────────────────────────────────────────────────────────────────

function setStatement(r: Reader, st: GrammarNode): SetBody {
  const body: SetBody = { assignments: [] };
  let scope: SetBody['assignments'][number]['scope'] = 'DEFAULT';
  const visit = (n: GrammarNode): void => {
    const rule = ruleOf(n);
    if (rule === 'optionType') {
      const w = allWords(n)[0];
      scope = w === 'GLOBAL' ? 'GLOBAL' : w === 'PERSIST' || w === 'PERSIST_ONLY' ? 'PERSIST' : 'SESSION';
      return;
    }
    if (rule === 'optionValueFollowingOptionType' || rule === 'optionValueNoOptionType') {
      assignment(n);
      return;
    }
    for (const c of children(n)) if (!c.symbol) visit(c);
  };
  const assignment = (n: GrammarNode): void => {
    const sysVar = child(n, 'setSystemVariable');
    const ivn = find(n, 'internalVariableName');
    const value = child(n, 'setExprOrDefault');
    let own = scope;
    let nameNode = ivn;
    if (sysVar) {
      const t = find(sysVar, 'setVarIdentType');
      const w = t ? allWords(t).join('') : '';
      own = w.startsWith('GLOBAL') ? 'GLOBAL' : w.startsWith('PERSIST') ? 'PERSIST' : 'SESSION';
      nameNode = find(sysVar, 'internalVariableName') ?? ivn;
    }
    const userVar = find(n, 'userVariable');
    if (userVar && !nameNode) {
      body.assignments.push({ name: r.src(userVar), scope: 'USER', value: value ? r.src(value) : '', ...r.span(n) });
      return;
    }
    if (!nameNode) return;
    const name = splitDotted(r.src(nameNode)).pop()?.toLowerCase() ?? '';
    body.assignments.push({ name, scope: own, value: value ? r.src(value).trim() : '', ...r.span(n) });
    for (const c of children(n)) if (ruleOf(c) === 'optionValueListContinued') visit(c);
  };
  visit(st);
  return body;
}

// ── UPDATE / DELETE ─────────────────────────────────────────────────────────────────────────

function dml(r: Reader, st: GrammarNode, which: 'update' | 'delete'): DmlBody {
  const tables: MysqlName[] = [];
  if (which === 'update') {
    const list = child(st, 'tableReferenceList');
    if (list) for (const t of findAll(list, 'tableRef', [], (n) => ruleOf(n) === 'subquery')) tables.push(r.name(t));
  } else {
    const direct = child(st, 'tableRef');
    if (direct) tables.push(r.name(direct));
    const aliases = child(st, 'tableAliasRefList');
    if (aliases) for (const t of findAll(aliases, 'tableRefWithWildcard')) tables.push(r.name(t));
  }
  const body: DmlBody = { tables, bounds: [], limit: !!child(st, 'simpleLimitClause') || !!child(st, 'limitClause') };
  const where = child(st, 'whereClause');
  if (where) {
    body.where = r.span(where);
    const expr = children(where).find((c) => !c.symbol);
    if (expr) for (const c of conjuncts(expr)) {
      const b = boundOf(r, c);
      if (b) body.bounds.push(b);
    }
  }
  return body;
}

function conjuncts(n: GrammarNode): GrammarNode[] {
  if (ruleOf(n) === 'exprAnd') return children(n).filter((c) => !c.symbol).flatMap(conjuncts);
  if (ruleOf(n) === 'exprIs' || ruleOf(n) === 'primaryExprPredicate') {
    const only = children(n);
    if (only.length === 1 && !only[0].symbol) return conjuncts(only[0]);
  }
  return [n];
}

/** the column a simple expression names, if it is only a column reference */
function columnOf(r: Reader, n: GrammarNode | undefined): string | undefined {
  let cur = n;
  while (cur && !cur.symbol) {
    const rule = ruleOf(cur);
    if (rule === 'columnRef') return splitDotted(r.src(cur)).pop()?.toLowerCase();
    const kids: GrammarNode[] = children(cur);
    if (kids.length !== 1) return undefined;
    cur = kids[0];
  }
  return undefined;
}

function boundOf(r: Reader, n: GrammarNode): DmlBody['bounds'][number] | undefined {
  const cmp = find(n, 'primaryExprCompare', (c) => ruleOf(c) === 'exprAnd' || ruleOf(c) === 'exprOr');
  if (cmp && cmp === descendOne(n, 'primaryExprCompare')) {
    const kids = children(cmp).filter((c) => !c.symbol);
    const op = find(cmp, 'compOp');
    const o = op ? r.src(op).trim() : '';
    const left = columnOf(r, kids[0]);
    const right = columnOf(r, kids[kids.length - 1]);
    const col = left ?? right;
    if (!col || (left && right)) return undefined;
    const flip = !left;
    if (o === '=' || o === '<=>') return { column: col, kind: 'point' };
    if (o === '<' || o === '<=') return { column: col, kind: flip ? 'lower' : 'upper' };
    if (o === '>' || o === '>=') return { column: col, kind: flip ? 'upper' : 'lower' };
    return undefined;
  }
  const pred = descendOne(n, 'predicate');
  if (!pred) return undefined;
  const kids = children(pred);
  const col = columnOf(r, kids[0]);
  if (!col) return undefined;
  const tail = kids[kids.length - 1];
  if (kids.some((k) => k.symbol && (k.symbol.text ?? '').toUpperCase() === 'NOT')) return undefined;
  const rule = tail ? ruleOf(tail) : undefined;
  if (rule === 'predicateExprBetween') return { column: col, kind: 'range' };
  if (rule === 'predicateExprIn') {
    const sub = find(tail, 'subquery');
    if (sub) return find(sub, 'limitClause') ? { column: col, kind: 'list' } : undefined;
    return { column: col, kind: 'list' };
  }
  return undefined;
}

/** follow single-child chains down to the first node with the rule */
function descendOne(n: GrammarNode, rule: string): GrammarNode | undefined {
  let cur: GrammarNode | undefined = n;
  while (cur && !cur.symbol) {
    if (ruleOf(cur) === rule) return cur;
    const kids: GrammarNode[] = children(cur).filter((c) => !c.symbol);
    if (kids.length !== 1 || children(cur).some((c) => c.symbol && c.symbol.text !== undefined && !['(', ')'].includes(c.symbol.text))) return ruleOf(cur) === rule ? cur : undefined;
    cur = kids[0];
  }
  return undefined;
}
