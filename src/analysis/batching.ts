/**
 * Batching: does an UPDATE or DELETE touch a bounded batch of rows, or (potentially) the
 * whole table in one statement? Shared by `no-unbatched-backfill` and `no-unbatched-delete`.
 *
 * A WHERE clause bounds the batch when one of its top-level conjuncts (every branch of an OR)
 * restricts a *key* of the target table to a bounded set:
 *  - a point: `id = 42`, `id = $1`, `id = last_id` (PL/pgSQL variable), `id = (SELECT …)`;
 *  - a literal list: `id IN (1, 2, 3)`, `id = ANY(ARRAY[…])`, `id = ANY($1)`;
 *  - a keyset range bounded on both sides: `id > $last AND id <= $last + 1000`, `id BETWEEN a AND b`;
 *  - a LIMITed sub-select feeding the key: `id IN (SELECT id FROM t WHERE … LIMIT 1000)`,
 *    `ctid = ANY(ARRAY(SELECT ctid … LIMIT n))`, or a sub-select/CTE that is itself bounded;
 *  - a join on the key with a bounded FROM/USING item (a LIMITed CTE or sub-select, VALUES,
 *    a set-returning function over parameters): `FROM batch b WHERE t.id = b.id`;
 *  - `WHERE CURRENT OF cursor`.
 * A key is a column named `id`, `…_id`, `uuid` or `…_uuid`, `ctid`, or a column of the table's primary key or of
 * a single-column unique constraint/index the catalog knows. Filters on other columns
 * (`col IS NULL`, `status = 'x'`), one-sided ranges, `id % 100 = 0`, and a join with another
 * table on the key alone do not bound the batch.
 *
 * When the catalog does not know the table (no history, no schema dump), it does not know its
 * keys either: an equality of a column with a constant or parameter (`name = 'signup_enabled'`,
 * `code = $1`) is then taken as a point on a key, since that is what such statements in migrations
 * almost always are (a settings row, a slug), and a false alarm would teach users to ignore the rule.
 *
 * Names: at top level an unqualified name is a column. In PL/pgSQL (statements of a DO block)
 * an unqualified name that is not a known column of the target is a variable, and `r.id` with
 * `r` not a FROM item is a record field: both are values. Outside PL/pgSQL, an unqualified name
 * the catalog does not know in a statement without FROM/USING is also taken as a value
 * (placeholders): a key compared with the row's own other columns is vanishingly rare, and a
 * false alarm on a keyset loop would teach users to ignore the rule.
 */
import type { Catalog } from './catalog.js';
import type { RangeVarLike } from './names.js';

export interface BatchOptions {
  /** the catalog, to know columns and keys of the tables involved */
  catalog?: Catalog;
  /** the statement is PL/pgSQL (inside a DO block): unqualified unknown names are variables */
  plpgsql?: boolean;
}

export interface BatchVerdict {
  bounded: boolean;
  /** why it is (not) bounded, in a few words, for messages */
  reason: string;
  /** columns of the target the WHERE filters on (for messages) */
  filters: string[];
  /** the key column to suggest for a keyset loop */
  key: string;
}

/** Is `name` a key of the table (by name, or by the catalog's primary key / unique constraints)? */
export function isKeyColumn(name: string, keys: Set<string>): boolean {
  return name === 'id' || name.endsWith('_id') || name === 'uuid' || name.endsWith('_uuid') || name === 'ctid' || keys.has(name);
}

/** The table's key columns the catalog knows: primary key, single-column unique constraints and indexes. */
export function keyColumnsOf(catalog: Catalog | undefined, rel: RangeVarLike | undefined): Set<string> {
  const out = new Set<string>();
  if (!catalog || !rel) return out;
  const t = catalog.table(rel);
  if (!t) return out;
  for (const con of t.constraints.values()) {
    if (con.kind === 'primary') for (const c of con.columns) out.add(c);
    else if (con.kind === 'unique' && con.columns.length === 1) out.add(con.columns[0]);
  }
  const key = catalog.key(rel);
  for (const i of catalog.indexes.values()) if (i.table === key && i.unique && i.columns.length === 1) out.add(i.columns[0]);
  return out;
}

/** The primary key column to name in a keyset-loop suggestion (`id` when unknown). */
export function preferredKey(catalog: Catalog | undefined, rel: RangeVarLike | undefined): string {
  const t = rel ? catalog?.table(rel) : undefined;
  if (t) {
    for (const con of t.constraints.values()) if (con.kind === 'primary' && con.columns.length === 1) return con.columns[0];
    if (t.columns.has('id')) return 'id';
  }
  return 'id';
}

/** A system catalog (`pg_catalog.*`, unqualified `pg_*` which resolves there first, `information_schema.*`): small, not a backfill target. */
export function isSystemCatalog(rel: RangeVarLike | undefined): boolean {
  if (!rel?.relname) return false;
  if (rel.schemaname === 'pg_catalog' || rel.schemaname === 'information_schema') return true;
  return !rel.schemaname && rel.relname.startsWith('pg_');
}

/** Does the WHERE of this UPDATE/DELETE bound the rows it touches? */
export function isBoundedBatch(stmt: any, opts: BatchOptions = {}): boolean {
  return analyzeBatch(stmt, opts).bounded;
}

interface Scope {
  /** names that refer to the target table in column references */
  targetNames: Set<string>;
  /** columns of the target, when the catalog knows them */
  columns?: Set<string>;
  keys: Set<string>;
  /** FROM/USING items (and EXISTS sub-select items) by alias: are they bounded? */
  items: Map<string, boolean>;
  /** FROM/USING item alias → the relation it names (for messages) */
  labels: Map<string, string>;
  /** CTEs visible: name → bounded */
  ctes: Map<string, boolean>;
  plpgsql: boolean;
  catalog?: Catalog;
  /** the catalog knows the target table (and so its keys) */
  keysKnown: boolean;
  /** guard against self-referencing CTEs */
  depth: number;
  /** near misses seen while checking (for messages): "only a lower bound on id", … */
  notes: string[];
}

type Ref = { kind: 'target'; column: string } | { kind: 'item'; item: string; column: string } | { kind: 'value' } | { kind: 'column' };

/** The full verdict for an UpdateStmt or DeleteStmt body. */
export function analyzeBatch(stmt: any, opts: BatchOptions = {}, outerCtes?: Map<string, boolean>, depth = 0): BatchVerdict {
  const rel = stmt?.relation ?? {};
  const scope = scopeOf(stmt, opts, outerCtes, depth);
  const key = preferredKey(opts.catalog, rel);
  const where = stmt?.whereClause;
  if (!where) return { bounded: false, reason: 'no WHERE clause', filters: [], key };
  const filters = [...new Set(collectTargetColumns(where, scope))];
  if (bounds(where, scope)) return { bounded: true, reason: 'bounded by key', filters, key };
  let reason: string;
  if (scope.notes.length) reason = scope.notes[0];
  else if (filters.length) reason = `the WHERE (on ${filters.join(', ')}) bounds no key to a point, a list or a closed range: it can match the whole table`;
  else reason = 'the WHERE does not bound the batch by key';
  return { bounded: false, reason, filters, key };
}

function scopeOf(stmt: any, opts: BatchOptions, outerCtes: Map<string, boolean> | undefined, depth: number): Scope {
  const rel = stmt?.relation ?? {};
  const targetNames = new Set<string>();
  if (rel.alias?.aliasname) targetNames.add(rel.alias.aliasname);
  else if (rel.relname) targetNames.add(rel.relname);
  const t = opts.catalog && rel.relname ? opts.catalog.table(rel) : undefined;
  const scope: Scope = {
    targetNames,
    columns: t && t.columns.size ? new Set(t.columns.keys()) : undefined,
    keys: keyColumnsOf(opts.catalog, rel),
    items: new Map(),
    labels: new Map(),
    ctes: new Map(outerCtes ?? []),
    plpgsql: !!opts.plpgsql,
    catalog: opts.catalog,
    keysKnown: !!t,
    depth,
    notes: [],
  };
  addCtes(stmt?.withClause, scope);
  for (const item of stmt?.fromClause ?? stmt?.usingClause ?? []) addItem(item, scope);
  return scope;
}

function addCtes(withClause: any, scope: Scope): void {
  for (const c of withClause?.ctes ?? []) {
    const cte = c?.CommonTableExpr;
    if (!cte?.ctename) continue;
    // a recursive CTE referencing itself is not a bounded batch
    scope.ctes.set(cte.ctename, false);
    scope.ctes.set(cte.ctename, queryBounded(cte.ctequery, scope));
  }
}

function addItem(item: any, scope: Scope): void {
  if (!item || typeof item !== 'object') return;
  if (item.RangeVar) {
    const rv = item.RangeVar;
    const name = rv.alias?.aliasname ?? rv.relname;
    const bounded = !rv.schemaname && scope.ctes.get(rv.relname) === true;
    if (name) scope.items.set(name, bounded);
    if (name) scope.labels.set(name, rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname);
  } else if (item.RangeSubselect) {
    const name = item.RangeSubselect.alias?.aliasname;
    if (name) scope.items.set(name, queryBounded(item.RangeSubselect.subquery, scope));
  } else if (item.RangeFunction) {
    // unnest($1), unnest(ARRAY[…]), a set-returning function over the caller's values
    const name = item.RangeFunction.alias?.aliasname;
    if (name) scope.items.set(name, !containsColumnOf(item.RangeFunction.functions, scope));
  } else if (item.JoinExpr) {
    addItem(item.JoinExpr.larg, scope);
    addItem(item.JoinExpr.rarg, scope);
  }
}

/** A query (SelectStmt, or a data-modifying statement in a CTE) that yields a bounded set of rows. */
function queryBounded(q: any, scope: Scope): boolean {
  if (!q || scope.depth > 8) return false;
  if (q.SelectStmt) return selectBounded(q.SelectStmt, scope);
  const dml = q.UpdateStmt ?? q.DeleteStmt;
  if (dml) return analyzeBatch(dml, { catalog: scope.catalog, plpgsql: scope.plpgsql }, scope.ctes, scope.depth + 1).bounded;
  return false;
}

function hasLimit(s: any): boolean {
  const lc = s?.limitCount;
  if (!lc) return false;
  return !(lc.A_Const && lc.A_Const.isnull); // LIMIT ALL / LIMIT NULL bound nothing
}

function selectBounded(s: any, outer: Scope): boolean {
  if (hasLimit(s)) return true;
  if (s.valuesLists?.length) return true;
  if (s.op && s.op !== 'SETOP_NONE') {
    if (s.op === 'SETOP_INTERSECT') return selectBounded(s.larg ?? {}, outer) || selectBounded(s.rarg ?? {}, outer);
    if (s.op === 'SETOP_EXCEPT') return selectBounded(s.larg ?? {}, outer);
    return selectBounded(s.larg ?? {}, outer) && selectBounded(s.rarg ?? {}, outer);
  }
  const from: any[] = s.fromClause ?? [];
  if (!from.length) return true; // SELECT $1, SELECT unnest(…): one row or the caller's values
  // SELECT … FROM one table WHERE <bounded on that table's key>
  const ctes = new Map(outer.ctes);
  const inner: Scope = { ...outer, ctes, items: new Map(), labels: new Map(), depth: outer.depth + 1, notes: [] };
  addCtes(s.withClause, inner);
  if (from.length === 1 && from[0].RangeVar) {
    const rv = from[0].RangeVar;
    if (!rv.schemaname && inner.ctes.get(rv.relname) === true) return true;
    if (inner.ctes.has(rv.relname) && !rv.schemaname) return false;
    if (!s.whereClause || inner.depth > 8) return false;
    return analyzeBatch({ relation: rv, whereClause: s.whereClause }, { catalog: outer.catalog, plpgsql: outer.plpgsql }, inner.ctes, inner.depth).bounded;
  }
  // every source bounded (CTEs, sub-selects with LIMIT, VALUES): their join is bounded
  for (const item of from) addItem(item, inner);
  return inner.items.size > 0 && [...inner.items.values()].every(Boolean);
}

/** Classify a column reference. */
function classify(ref: any, scope: Scope): Ref {
  const fields: string[] = (ref?.fields ?? []).map((f: any) => f?.String?.sval ?? '*');
  if (fields.length === 1) {
    const name = fields[0];
    if (scope.columns?.has(name)) return { kind: 'target', column: name };
    if (scope.plpgsql) return { kind: 'value' };
    // top level: with FROM/USING it may be a joined table's column; without, a placeholder
    return scope.items.size ? { kind: 'column' } : { kind: 'value' };
  }
  const qual = fields[fields.length - 2];
  const column = fields[fields.length - 1];
  if (scope.targetNames.has(qual)) return { kind: 'target', column };
  if (scope.items.has(qual)) return { kind: 'item', item: qual, column };
  // r.id in PL/pgSQL: a record variable's field
  return scope.plpgsql ? { kind: 'value' } : { kind: 'column' };
}

function unwrap(e: any): any {
  while (e?.TypeCast) e = e.TypeCast.arg;
  return e;
}

/** The target key column this expression is, if any. Unqualified names on the key side are columns. */
function targetKey(e: any, scope: Scope): string | undefined {
  e = unwrap(e);
  const ref = e?.ColumnRef;
  if (!ref) return undefined;
  const fields: string[] = (ref.fields ?? []).map((f: any) => f?.String?.sval ?? '*');
  let column: string | undefined;
  if (fields.length === 1) {
    column = fields[0];
    if (scope.columns && !scope.columns.has(column) && column !== 'ctid') return undefined;
  } else {
    const c = classify(ref, scope);
    if (c.kind !== 'target') return undefined;
    column = c.column;
  }
  return isKeyColumn(column, scope.keys) ? column : undefined;
}

/** A column of the target table (unqualified, or qualified by its name or alias). */
function targetColumn(e: any, scope: Scope): string | undefined {
  const ref = unwrap(e)?.ColumnRef;
  if (!ref) return undefined;
  const fields: string[] = (ref.fields ?? []).map((f: any) => f?.String?.sval ?? '*');
  if (fields.length === 1) return scope.items.size && !scope.columns?.has(fields[0]) ? undefined : fields[0];
  const c = classify(ref, scope);
  return c.kind === 'target' ? c.column : undefined;
}

/**
 * A literal or a bind parameter that can name one row (`'x'`, `42`, `$1`, `'x'::text`); not a
 * boolean or NULL (`WHERE is_admin = true` picks a set of rows, never one).
 */
function isConstant(e: any): boolean {
  e = unwrap(e);
  if (e?.ParamRef) return true;
  const c = e?.A_Const;
  return !!c && !c.isnull && c.boolval === undefined;
}

/** An expression that does not depend on the row: constants, parameters, variables, scalar sub-selects. */
function isValue(e: any, scope: Scope): boolean {
  if (e === null || typeof e !== 'object') return true;
  if (Array.isArray(e)) return e.every((x) => isValue(x, scope));
  if (e.ColumnRef) return classify(e.ColumnRef, scope).kind === 'value';
  if (e.SubLink) return e.SubLink.subLinkType === 'EXPR_SUBLINK';
  for (const k of Object.keys(e)) {
    const v = e[k];
    if (v && typeof v === 'object' && !isValue(v, scope)) return false;
  }
  return true;
}

function containsColumnOf(e: any, scope: Scope): boolean {
  return !isValue(e, scope);
}

/** A column of a bounded FROM item (a join on the key with a bounded batch). */
function itemOf(e: any, scope: Scope): string | undefined {
  e = unwrap(e);
  if (!e?.ColumnRef) return undefined;
  const c = classify(e.ColumnRef, scope);
  return c.kind === 'item' ? c.item : undefined;
}

function boundedItemColumn(e: any, scope: Scope): boolean {
  e = unwrap(e);
  if (!e?.ColumnRef) return false;
  const c = classify(e.ColumnRef, scope);
  return c.kind === 'item' && scope.items.get(c.item) === true;
}

function opName(a: any): string {
  const n = a?.name;
  return n?.[n.length - 1]?.String?.sval ?? '';
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function bounds(e: any, scope: Scope): boolean {
  e = unwrap(e);
  if (!e || typeof e !== 'object') return false;
  if (e.CurrentOfExpr) return true;
  if (e.BoolExpr) {
    const args: any[] = e.BoolExpr.args ?? [];
    switch (e.BoolExpr.boolop) {
      case 'AND_EXPR':
        return args.some((a) => bounds(a, scope)) || keysetRange(args, scope);
      case 'OR_EXPR': {
        const each = args.map((a) => bounds(a, scope));
        if (each.length > 0 && each.every(Boolean)) return true;
        if (each.some(Boolean)) scope.notes.unshift('a branch of its OR is not bounded by key, so it can match the whole table');
        return false;
      }
      default:
        return false;
    }
  }
  if (e.A_Expr) {
    const a = e.A_Expr;
    switch (a.kind) {
      case 'AEXPR_OP': {
        if (opName(a) in FLIP) return keysetRange([e], scope);
        if (opName(a) !== '=') return false;
        for (const [k, v] of [[a.lexpr, a.rexpr], [a.rexpr, a.lexpr]]) {
          const key = targetKey(k, scope);
          if (!key) {
            if (!scope.keysKnown && targetColumn(k, scope) && (isConstant(v) || (scope.plpgsql && isValue(v, scope)))) return true;
            continue;
          }
          if (isValue(v, scope) || boundedItemColumn(v, scope)) return true;
          const item = itemOf(v, scope);
          if (item) scope.notes.push(`only a join on ${key} with "${scope.labels.get(item) ?? item}", which matches every joined row`);
        }
        return false;
      }
      case 'AEXPR_IN':
        return opName(a) === '=' && !!targetKey(a.lexpr, scope) && isValue(a.rexpr, scope);
      case 'AEXPR_OP_ANY': {
        if (opName(a) !== '=' || !targetKey(a.lexpr, scope)) return false;
        const r = unwrap(a.rexpr);
        if (r?.SubLink) {
          if (r.SubLink.subLinkType === 'ARRAY_SUBLINK' && queryBounded(r.SubLink.subselect, scope)) return true;
          scope.notes.push(`the sub-select feeding ${targetKey(a.lexpr, scope)} has no LIMIT: it returns every matching row`);
          return false;
        }
        return isValue(r, scope);
      }
      case 'AEXPR_BETWEEN':
      case 'AEXPR_BETWEEN_SYM':
        return !!targetKey(a.lexpr, scope) && isValue(a.rexpr, scope);
      default:
        return false;
    }
  }
  if (e.SubLink) {
    const s = e.SubLink;
    if (s.subLinkType === 'ANY_SUBLINK') {
      const op = s.operName?.[s.operName.length - 1]?.String?.sval ?? '=';
      if (op !== '=') return false;
      const t = unwrap(s.testexpr);
      const fed = t?.RowExpr ? (t.RowExpr.args ?? []).map((x: any) => targetKey(x, scope)).find(Boolean) : targetKey(t, scope);
      if (!fed) return false;
      if (queryBounded(s.subselect, scope)) return true;
      scope.notes.push(`the sub-select feeding ${fed} has no LIMIT: it returns every matching row`);
      return false;
    }
    if (s.subLinkType === 'EXISTS_SUBLINK') {
      // EXISTS (SELECT 1 FROM batch b WHERE b.id = t.id) with a bounded batch
      const sel = s.subselect?.SelectStmt;
      if (!sel?.whereClause) return false;
      const inner: Scope = { ...scope, items: new Map(scope.items), labels: new Map(scope.labels), ctes: new Map(scope.ctes), depth: scope.depth + 1 };
      addCtes(sel.withClause, inner);
      for (const item of sel.fromClause ?? []) addItem(item, inner);
      return conjuncts(sel.whereClause).some((c) => joinsBoundedItem(c, inner));
    }
    return false;
  }
  return false;
}

function conjuncts(e: any): any[] {
  e = unwrap(e);
  if (e?.BoolExpr?.boolop === 'AND_EXPR') return (e.BoolExpr.args ?? []).flatMap(conjuncts);
  return [e];
}

function joinsBoundedItem(e: any, scope: Scope): boolean {
  const a = unwrap(e)?.A_Expr;
  if (!a || a.kind !== 'AEXPR_OP' || opName(a) !== '=') return false;
  return (!!targetKey(a.lexpr, scope) && boundedItemColumn(a.rexpr, scope)) || (!!targetKey(a.rexpr, scope) && boundedItemColumn(a.lexpr, scope));
}

/** `id > lo AND id <= hi`: lower and upper bounds on the same key among the conjuncts. */
function keysetRange(args: any[], scope: Scope): boolean {
  const lower = new Set<string>();
  const upper = new Set<string>();
  for (const raw of args.flatMap(conjuncts)) {
    const a = unwrap(raw)?.A_Expr;
    if (!a || a.kind !== 'AEXPR_OP') continue;
    const op = opName(a);
    if (!(op in FLIP)) continue;
    let key = targetKey(a.lexpr, scope);
    let dir = op;
    let other = a.rexpr;
    if (!key) {
      key = targetKey(a.rexpr, scope);
      dir = FLIP[op];
      other = a.lexpr;
    }
    if (!key || !isValue(other, scope)) continue;
    if (dir === '>' || dir === '>=') lower.add(key);
    else upper.add(key);
  }
  for (const k of lower) if (upper.has(k)) return true;
  for (const k of lower) scope.notes.push(`only a lower bound on ${k}: the range runs to the end of the table`);
  for (const k of upper) scope.notes.push(`only an upper bound on ${k}: the range starts at the beginning of the table`);
  return false;
}

/** Target columns referenced in a WHERE (outside sub-selects), for messages. */
function collectTargetColumns(e: any, scope: Scope, out: string[] = []): string[] {
  if (e === null || typeof e !== 'object') return out;
  if (Array.isArray(e)) {
    for (const x of e) collectTargetColumns(x, scope, out);
    return out;
  }
  if (e.SubLink) return collectTargetColumns(e.SubLink.testexpr, scope, out);
  if (e.ColumnRef) {
    const fields: string[] = (e.ColumnRef.fields ?? []).map((f: any) => f?.String?.sval ?? '*');
    if (fields.length === 1) {
      if (!scope.columns || scope.columns.has(fields[0])) out.push(fields[0]);
    } else {
      const c = classify(e.ColumnRef, scope);
      if (c.kind === 'target') out.push(c.column);
    }
    return out;
  }
  for (const k of Object.keys(e)) collectTargetColumns(e[k], scope, out);
  return out;
}
