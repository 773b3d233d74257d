/**
 * Volatility of default expressions. On PostgreSQL >= 11, `ADD COLUMN … DEFAULT expr` is a
 * catalog-only change when the default is not volatile: it is evaluated once and stored as
 * the "missing value". A volatile default must be computed per row, so the table is
 * rewritten. `now()`/`CURRENT_TIMESTAMP` are stable (one value per transaction): no rewrite.
 */

/** Built-in volatile functions (pg_proc.provolatile = 'v') that show up in defaults. */
const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval',
  'currval',
  'lastval',
  'setseed',
  'gen_random_bytes',
  'gen_salt',
  'uuid_generate_v7',
]);

/** Stable or immutable functions that are known not to rewrite. */
const STABLE = new Set([
  'now', 'statement_timestamp', 'transaction_timestamp', 'current_setting', 'to_timestamp',
  // provolatile = 's' (one value per transaction or session): evaluated once, no rewrite
  'txid_current', 'pg_current_xact_id', 'pg_backend_pid', 'inet_client_addr', 'inet_client_port',
  'inet_server_addr', 'inet_server_port', 'current_database', 'current_schema', 'version',
]);

export type Volatility = 'immutable' | 'stable' | 'volatile' | 'unknown';

const RANK: Record<Volatility, number> = { immutable: 0, stable: 1, unknown: 2, volatile: 3 };

function worst(a: Volatility, b: Volatility): Volatility {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The volatility of an expression tree. Unknown user functions are 'unknown' (callers treat
 * that as possibly volatile only where being wrong would miss a rewrite).
 */
export function expressionVolatility(expr: unknown): Volatility {
  let v: Volatility = 'immutable';
  walk(expr, (key, node) => {
    if (key === 'FuncCall') {
      const names: any[] = node.funcname ?? [];
      const name = String(names[names.length - 1]?.String?.sval ?? '').toLowerCase();
      if (STABLE.has(name)) v = worst(v, 'stable');
      else if (VOLATILE.has(name)) v = worst(v, 'volatile');
      else if (!BUILTIN_IMMUTABLE.has(name)) v = worst(v, 'unknown');
    } else if (key === 'SQLValueFunction') {
      v = worst(v, 'stable'); // CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_USER, …
    } else if (key === 'SubLink') {
      v = worst(v, 'volatile'); // a subquery default is evaluated per row
    }
  });
  return v;
}

export function isVolatile(expr: unknown): boolean {
  return expressionVolatility(expr) === 'volatile';
}

/** The known-volatile functions an expression calls (`gen_random_uuid`, `nextval`, …), for messages. */
export function volatileFunctions(expr: unknown): string[] {
  const out: string[] = [];
  walk(expr, (key, node) => {
    if (key !== 'FuncCall') return;
    const names: any[] = node.funcname ?? [];
    const name = String(names[names.length - 1]?.String?.sval ?? '').toLowerCase();
    if (VOLATILE.has(name) && !out.includes(name)) out.push(name);
  });
  return out;
}

/** Common immutable built-ins, so `lower('x')` or `jsonb_build_object()` are not "unknown". */
const BUILTIN_IMMUTABLE = new Set([
  'lower', 'upper', 'coalesce', 'concat', 'concat_ws', 'length', 'abs', 'round', 'trim', 'btrim',
  'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array', 'array',
  'to_jsonb', 'md5', 'replace', 'substring', 'substr', 'greatest', 'least', 'make_interval',
  'make_date', 'int4', 'int8', 'text', 'numeric', 'interval', 'array_fill',
  'split_part', 'left', 'right', 'initcap', 'strpos', 'position', 'regexp_replace', 'lpad', 'rpad', 'ltrim', 'rtrim',
  'char_length', 'octet_length', 'reverse', 'repeat', 'floor', 'ceil', 'ceiling', 'trunc', 'mod', 'sign',
]);

function walk(node: unknown, visit: (key: string, value: any) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object' && /^[A-Z]/.test(k)) visit(k, v);
    walk(v, visit);
  }
}
