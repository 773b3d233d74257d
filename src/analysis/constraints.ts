/** Constraint facts read from the parse tree, shared by the catalog and the rules. */

/** The table constraints the catalog and the constraint log keep. */
export type ConstraintKind = 'check' | 'foreign' | 'unique' | 'primary' | 'exclusion' | 'notnull';

const KINDS: Record<string, ConstraintKind> = {
  CONSTR_CHECK: 'check',
  CONSTR_FOREIGN: 'foreign',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary',
  CONSTR_EXCLUSION: 'exclusion',
  CONSTR_NOTNULL: 'notnull',
};

/** The kind of a Constraint node (its `contype`); undefined for DEFAULT, IDENTITY, GENERATED, NULL and the other column options. */
export function constraintKind(con: any): ConstraintKind | undefined {
  return KINDS[con.contype];
}

/** The name PostgreSQL gives a constraint added without one (before truncation to 63 bytes). */
export function defaultConstraintName(relname: string, con: any, column?: string): string {
  const cols = (list: any[] | undefined): string[] => (list ?? []).map((k: any) => String(k?.String?.sval ?? '')).filter(Boolean);
  switch (con?.contype) {
    case 'CONSTR_FOREIGN': {
      const c = cols(con.fk_attrs);
      return `${relname}_${(c.length ? c : column ? [column] : []).join('_')}_fkey`;
    }
    case 'CONSTR_CHECK': {
      const first = column ?? firstColumnRef(con.raw_expr);
      return first ? `${relname}_${first}_check` : `${relname}_check`;
    }
    case 'CONSTR_NOTNULL':
      return `${relname}_${cols(con.keys)[0] ?? column ?? ''}_not_null`;
    case 'CONSTR_PRIMARY':
      return `${relname}_pkey`;
    case 'CONSTR_UNIQUE':
      return `${relname}_${(cols(con.keys).length ? cols(con.keys) : column ? [column] : []).join('_')}_key`;
    case 'CONSTR_EXCLUSION':
      return `${relname}_excl`;
    default:
      return `${relname}_constraint`;
  }
}

function firstColumnRef(expr: unknown): string | undefined {
  if (Array.isArray(expr)) {
    for (const e of expr) {
      const r = firstColumnRef(e);
      if (r) return r;
    }
    return undefined;
  }
  if (expr === null || typeof expr !== 'object') return undefined;
  const o = expr as Record<string, any>;
  if (o.ColumnRef) {
    const f = o.ColumnRef.fields ?? [];
    const name = f[f.length - 1]?.String?.sval;
    if (typeof name === 'string') return name;
  }
  for (const v of Object.values(o)) {
    const r = firstColumnRef(v);
    if (r) return r;
  }
  return undefined;
}

/** Columns a CHECK expression proves non-null: `col IS NOT NULL`, possibly AND-ed. */
export function notNullColumns(expr: any): string[] {
  if (!expr) return [];
  if (expr.NullTest?.nulltesttype === 'IS_NOT_NULL') {
    const f = expr.NullTest.arg?.ColumnRef?.fields;
    const name = f?.[f.length - 1]?.String?.sval;
    return name ? [name] : [];
  }
  if (expr.BoolExpr?.boolop === 'AND_EXPR') return (expr.BoolExpr.args ?? []).flatMap(notNullColumns);
  return [];
}
