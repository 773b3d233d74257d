/** Column types from libpg-query TypeName nodes, normalised to PostgreSQL's internal names. */

export interface ColumnType {
  /** internal name: int4, int8, varchar, bpchar, text, numeric, timestamp, timestamptz, … */
  name: string;
  /** schema when not pg_catalog (user types, enums) */
  schema?: string;
  /** type modifiers: varchar(50) → [50], numeric(10,2) → [10, 2] */
  mods: number[];
  array: boolean;
  /** serial/bigserial/smallserial as written */
  serial?: 'smallserial' | 'serial' | 'bigserial';
}

const ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  real: 'float4',
  'double precision': 'float8',
  float: 'float8',
  boolean: 'bool',
  decimal: 'numeric',
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  'bit varying': 'varbit',
  timestamp: 'timestamp',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  time: 'time',
  'time with time zone': 'timetz',
  serial4: 'serial',
  serial8: 'bigserial',
  serial2: 'smallserial',
};

export function typeFromNode(typeName: any): ColumnType {
  const parts: string[] = (typeName?.names ?? []).map((n: any) => String(n?.String?.sval ?? ''));
  let schema: string | undefined;
  let name = parts[parts.length - 1] ?? '';
  if (parts.length > 1 && parts[0] !== 'pg_catalog') schema = parts[0];
  name = ALIASES[name] ?? name;
  const mods: number[] = [];
  for (const m of typeName?.typmods ?? []) {
    const c = m?.A_Const;
    if (c?.ival !== undefined) mods.push(Number(c.ival.ival ?? 0));
  }
  const t: ColumnType = { name, mods, array: (typeName?.arrayBounds?.length ?? 0) > 0 };
  if (schema) t.schema = schema;
  if (!schema && (name === 'serial' || name === 'bigserial' || name === 'smallserial')) {
    t.serial = name;
    t.name = name === 'serial' ? 'int4' : name === 'bigserial' ? 'int8' : 'int2';
  }
  return t;
}

export function typeToString(t: ColumnType): string {
  const base = (t.schema ? `${t.schema}.` : '') + (t.serial ?? t.name);
  return base + (t.mods.length ? `(${t.mods.join(',')})` : '') + (t.array ? '[]' : '');
}

/**
 * True when PostgreSQL changes `from` to `to` without rewriting or scanning the table
 * (binary-coercible, no stricter typmod): varchar(n)→varchar(m>=n)/varchar/text,
 * text→varchar (unconstrained), numeric(p,s)→numeric(q>=p,s)/numeric, cidr→inet,
 * varbit(n)→varbit(m>=n)/varbit, bit varying ↔ same, timestamp precision widening, and
 * identical types.
 */
export function isBinaryCoercible(from: ColumnType, to: ColumnType): boolean {
  if (from.array !== to.array) return false;
  if ((from.schema ?? '') !== (to.schema ?? '')) return false;
  const widen = (): boolean => to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]);
  if (from.name === to.name) {
    if (from.name === 'numeric') {
      if (to.mods.length === 0) return true;
      if (from.mods.length === 0) return false;
      return to.mods[0] >= from.mods[0] && (to.mods[1] ?? 0) === (from.mods[1] ?? 0);
    }
    if (from.name === 'varchar' || from.name === 'varbit') return widen();
    if (from.name === 'timestamp' || from.name === 'timestamptz' || from.name === 'time') return widen();
    if (from.name === 'interval') {
      // typmods are [range, precision]: the same fields, and no less sub-second precision
      if (to.mods.length === 0) return true;
      if (from.mods.length === 0) return false;
      return to.mods[0] === from.mods[0] && (to.mods[1] ?? 6) >= (from.mods[1] ?? 6);
    }
    return from.mods.join(',') === to.mods.join(',');
  }
  if (from.name === 'varchar' && to.name === 'text') return true;
  if (from.name === 'text' && to.name === 'varchar' && to.mods.length === 0) return true;
  if (from.name === 'cidr' && to.name === 'inet') return true;
  return false;
}
