/**
 * Static evaluation of Python expressions in a migration: literals, lists, tuples, dicts,
 * calls (`sa.Column("id", sa.Integer(), nullable=False)`) as structured values, names resolved
 * through the file's imports (`sa.Integer` → `sqlalchemy.Integer`) and through assignments of the
 * same file (a name bound once, at module level or in the function), strings with their
 * character maps (strings.ts). Nothing is run; what cannot be known is an `unknown` value with
 * the reason, which the callers turn into placeholders or `dynamic-sql` reports.
 */
import { child, named, snippetOf, textOf, type PyNode } from './parse.js';
import { MappedBuilder, appendLiteral, placeholderFor, pushConstant, stringParts } from './strings.js';

export type PyValue =
  | { kind: 'str'; b: MappedBuilder; node: PyNode }
  | { kind: 'num'; value: number; text: string; node: PyNode }
  | { kind: 'bool'; value: boolean; node: PyNode }
  | { kind: 'none'; node: PyNode }
  | { kind: 'seq'; items: PyValue[]; tuple: boolean; node: PyNode }
  | { kind: 'dict'; entries: Array<[PyValue, PyValue]>; node: PyNode }
  /** `fn`: the callee's dotted path through the imports (`sqlalchemy.Column`); `object`/`method` for a call on a value */
  | { kind: 'call'; fn: string | undefined; object?: PyValue; method?: string; args: PyValue[]; kwargs: Map<string, PyValue>; spread: boolean; node: PyNode }
  /** a name (or attribute chain) with no value in this file: an import path, a module attribute */
  | { kind: 'name'; path: string; node: PyNode }
  /** an attribute of a computed value (`op.get_bind().dialect`) */
  | { kind: 'attr'; object: PyValue; name: string; node: PyNode }
  | { kind: 'unknown'; reason: string; node: PyNode };

/** What a name is bound to in a scope. */
export type Binding =
  | { kind: 'value'; node: PyNode; scope: Scope }
  /** assigned several times in straight-line code: the assignment before a use is its value */
  | { kind: 'sequence'; values: Array<{ at: number; node: PyNode }>; scope: Scope; reason: string }
  | { kind: 'bound'; value: PyValue }
  | { kind: 'opaque'; reason: string };

export class Scope {
  readonly names = new Map<string, Binding>();
  constructor(
    readonly src: string,
    readonly parent: Scope | undefined,
    /** import aliases of the module: local name → dotted path */
    readonly imports: Map<string, string>,
  ) {}

  lookup(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }
}

/** The module scope: imports and names assigned once at module level. */
export function moduleScope(src: string, module: PyNode): Scope {
  const imports = new Map<string, string>();
  const scope = new Scope(src, undefined, imports);
  for (const st of module.children) collectImports(src, st, imports);
  bindAssignments(scope, module);
  return scope;
}

/** A function's scope: its parameters (bound to `args`, or opaque) and the names it assigns once. */
export function functionScope(parent: Scope, fn: PyNode, args?: Map<string, PyValue>): Scope {
  const scope = new Scope(parent.src, parent, parent.imports);
  const params = child(fn, 'parameters');
  for (const p of params ? named(params) : []) {
    const nameNode = p.type === 'identifier' ? p : (child(p, 'name') ?? p.children.find((c) => c.type === 'identifier'));
    if (!nameNode) continue;
    const name = textOf(parent.src, nameNode);
    const bound = args?.get(name);
    if (bound) scope.names.set(name, { kind: 'bound', value: bound });
    else {
      const def = child(p, 'value');
      if (def && !args) scope.names.set(name, { kind: 'opaque', reason: `\`${name}\` is a parameter of the function` });
      else if (def) scope.names.set(name, { kind: 'value', node: def, scope: parent });
      else scope.names.set(name, { kind: 'opaque', reason: `\`${name}\` is a parameter of the function` });
    }
  }
  const body = child(fn, 'body');
  if (body) bindAssignments(scope, body);
  return scope;
}

function collectImports(src: string, st: PyNode, imports: Map<string, string>): void {
  if (st.type === 'import_statement') {
    for (const n of named(st)) {
      if (n.type === 'dotted_name') imports.set(textOf(src, n).split('.')[0], textOf(src, n).split('.')[0]);
      else if (n.type === 'aliased_import') {
        const nm = child(n, 'name');
        const alias = child(n, 'alias');
        if (nm && alias) imports.set(textOf(src, alias), textOf(src, nm));
      }
    }
  } else if (st.type === 'import_from_statement') {
    const mod = child(st, 'module_name');
    if (!mod) return;
    const base = textOf(src, mod);
    for (const n of st.children.filter((c) => c.field === 'name')) {
      if (n.type === 'dotted_name') imports.set(textOf(src, n), `${base}.${textOf(src, n)}`);
      else if (n.type === 'aliased_import') {
        const nm = child(n, 'name');
        const alias = child(n, 'alias');
        if (nm && alias) imports.set(textOf(src, alias), `${base}.${textOf(src, nm)}`);
      }
    }
  } else if (st.type === 'future_import_statement') {
    // no names
  }
}

/**
 * Names assigned in a block (not in nested functions or classes): bound once → their value;
 * assigned more than once, augmented, a loop target, a `with … as` target → opaque.
 */
function bindAssignments(scope: Scope, block: PyNode): void {
  const src = scope.src;
  const count = new Map<string, number>();
  const values = new Map<string, PyNode>();
  const sequences = new Map<string, Array<{ at: number; node: PyNode }>>();
  const straight = new Set<string>();
  const opaque = (name: string, why: string): void => {
    count.set(name, 2);
    scope.names.set(name, { kind: 'opaque', reason: why });
  };
  const stack = [...block.children];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') {
      const nm = child(n, 'name');
      if (nm) opaque(textOf(src, nm), `\`${textOf(src, nm)}\` is a ${n.type === 'class_definition' ? 'class' : 'function'}`);
      continue;
    }
    if (n.type === 'decorated_definition') {
      stack.push(...n.children);
      continue;
    }
    if (n.type === 'assignment') {
      const left = child(n, 'left');
      const right = child(n, 'right');
      if (left?.type === 'identifier' && right && right.type !== 'assignment') {
        const name = textOf(src, left);
        count.set(name, (count.get(name) ?? 0) + 1);
        values.set(name, right);
        sequences.set(name, [...(sequences.get(name) ?? []), { at: n.end, node: right }]);
        // a statement directly in the block (not in a branch or loop)
        const top = n.parent?.type === 'expression_statement' && n.parent.parent === block;
        if (!top) straight.add(`!${name}`);
      } else if (left) for (const id of identifiersIn(left)) opaque(textOf(src, id), `\`${textOf(src, id)}\` is assigned by unpacking`);
    } else if (n.type === 'augmented_assignment') {
      const left = child(n, 'left');
      if (left?.type === 'identifier') opaque(textOf(src, left), `\`${textOf(src, left)}\` is changed by ${textOf(src, n.children.find((c) => !c.named) ?? n)}`);
    } else if (n.type === 'for_statement' || n.type === 'for_in_clause') {
      const left = child(n, 'left');
      if (left) for (const id of identifiersIn(left)) opaque(textOf(src, id), `\`${textOf(src, id)}\` is a loop variable`);
    } else if (n.type === 'as_pattern' || n.type === 'with_item') {
      const alias = child(n, 'alias');
      if (alias) for (const id of identifiersIn(alias)) opaque(textOf(src, id), `\`${textOf(src, id)}\` is bound by \`with … as\``);
    } else if (n.type === 'named_expression') {
      const nm = child(n, 'name');
      if (nm) opaque(textOf(src, nm), `\`${textOf(src, nm)}\` is bound by :=`);
    } else if (n.type === 'global_statement' || n.type === 'nonlocal_statement') {
      for (const id of named(n)) opaque(textOf(src, id), `\`${textOf(src, id)}\` is declared ${n.type === 'global_statement' ? 'global' : 'nonlocal'}`);
    }
    stack.push(...n.children);
  }
  for (const [name, c] of count) {
    if (c === 1 && values.has(name) && !scope.names.has(name)) scope.names.set(name, { kind: 'value', node: values.get(name)!, scope });
    else if (c > 1 && !scope.names.has(name)) {
      const reason = `\`${name}\` is assigned more than once`;
      scope.names.set(name, straight.has(`!${name}`) ? { kind: 'opaque', reason } : { kind: 'sequence', values: sequences.get(name)!, scope, reason });
    }
  }
}

function identifiersIn(n: PyNode): PyNode[] {
  if (n.type === 'identifier') return [n];
  return n.children.flatMap(identifiersIn);
}

const MAX_DEPTH = 40;

/** The value of an expression in `scope`. */
export function evaluate(scope: Scope, n: PyNode, depth = 0): PyValue {
  const src = scope.src;
  if (depth > MAX_DEPTH) return { kind: 'unknown', reason: 'the expression nests too deeply', node: n };
  switch (n.type) {
    case 'parenthesized_expression': {
      const inner = named(n)[0];
      return inner ? evaluate(scope, inner, depth + 1) : { kind: 'unknown', reason: 'empty parentheses', node: n };
    }
    case 'string':
    case 'concatenated_string': {
      const b = new MappedBuilder(src, undefined as never);
      appendString(scope, b, n, depth);
      return { kind: 'str', b, node: n };
    }
    case 'integer':
    case 'float': {
      const t = textOf(src, n).replace(/_/g, '');
      const v = /^0[xob]/i.test(t) ? Number(t) : Number(t.replace(/[jJ]$/, ''));
      return Number.isFinite(v) && !/[jJ]$/.test(t) ? { kind: 'num', value: v, text: String(v), node: n } : { kind: 'unknown', reason: `\`${t}\` is not a real number`, node: n };
    }
    case 'true':
    case 'false':
      return { kind: 'bool', value: n.type === 'true', node: n };
    case 'none':
      return { kind: 'none', node: n };
    case 'unary_operator': {
      const arg = child(n, 'argument');
      const op = n.children.find((c) => !c.named);
      const v = arg ? evaluate(scope, arg, depth + 1) : undefined;
      if (v?.kind === 'num' && op && (textOf(src, op) === '-' || textOf(src, op) === '+')) {
        const value = textOf(src, op) === '-' ? -v.value : v.value;
        return { kind: 'num', value, text: String(value), node: n };
      }
      return { kind: 'unknown', reason: `\`${snippetOf(src, n, 40)}\` is computed at run time`, node: n };
    }
    case 'list':
    case 'tuple':
    case 'expression_list': {
      const items = named(n).map((c) => evaluate(scope, c, depth + 1));
      return { kind: 'seq', items, tuple: n.type !== 'list', node: n };
    }
    case 'dictionary': {
      const entries: Array<[PyValue, PyValue]> = [];
      for (const p of named(n)) {
        if (p.type !== 'pair') return { kind: 'unknown', reason: `\`${snippetOf(src, n, 40)}\` unpacks a dict at run time`, node: n };
        entries.push([evaluate(scope, child(p, 'key')!, depth + 1), evaluate(scope, child(p, 'value')!, depth + 1)]);
      }
      return { kind: 'dict', entries, node: n };
    }
    case 'identifier':
      return resolveName(scope, n, depth);
    case 'attribute': {
      const obj = child(n, 'object')!;
      const attr = textOf(src, child(n, 'attribute')!);
      const base = evaluate(scope, obj, depth + 1);
      if (base.kind === 'name') return { kind: 'name', path: `${base.path}.${attr}`, node: n };
      return { kind: 'attr', object: base, name: attr, node: n };
    }
    case 'call':
      return evaluateCall(scope, n, depth);
    case 'binary_operator': {
      const op = child(n, 'operator');
      const left = evaluate(scope, child(n, 'left')!, depth + 1);
      const right = evaluate(scope, child(n, 'right')!, depth + 1);
      if (op && textOf(src, op) === '+' && left.kind === 'str' && right.kind === 'str') {
        const b = new MappedBuilder(src, undefined as never);
        copyInto(b, left.b);
        copyInto(b, right.b);
        return { kind: 'str', b, node: n };
      }
      if (left.kind === 'num' && right.kind === 'num' && op) {
        const o = textOf(src, op);
        const v = o === '+' ? left.value + right.value : o === '-' ? left.value - right.value : o === '*' ? left.value * right.value : undefined;
        if (v !== undefined) return { kind: 'num', value: v, text: String(v), node: n };
      }
      return { kind: 'unknown', reason: `\`${snippetOf(src, n, 40)}\` is computed at run time`, node: n };
    }
    case 'conditional_expression':
      return { kind: 'unknown', reason: `\`${snippetOf(src, n, 40)}\` depends on a run-time condition`, node: n };
    default:
      return { kind: 'unknown', reason: `\`${snippetOf(src, n, 40)}\` is not a constant`, node: n };
  }
}

const resolving = new Set<PyNode>();

function resolveName(scope: Scope, n: PyNode, depth: number): PyValue {
  const name = textOf(scope.src, n);
  const b = scope.lookup(name);
  if (b?.kind === 'bound') return b.value;
  if (b?.kind === 'opaque') return { kind: 'unknown', reason: b.reason, node: n };
  let value = b?.kind === 'value' ? b.node : undefined;
  if (b?.kind === 'sequence') {
    value = b.values.filter((x) => x.at <= n.start).at(-1)?.node;
    if (!value) return { kind: 'unknown', reason: b.reason, node: n };
  }
  if (b && value && (b.kind === 'value' || b.kind === 'sequence')) {
    if (resolving.has(value)) return { kind: 'unknown', reason: `\`${name}\` refers to itself`, node: n };
    resolving.add(value);
    try {
      // a string constant keeps its map: findings point into the literal where it is written
      return evaluate(b.scope, value, depth + 1);
    } finally {
      resolving.delete(value);
    }
  }
  const imp = scope.imports.get(name);
  if (imp) return { kind: 'name', path: imp, node: n };
  return { kind: 'name', path: name, node: n };
}

function evaluateCall(scope: Scope, n: PyNode, depth: number): PyValue {
  const src = scope.src;
  const fnNode = child(n, 'function')!;
  const argsNode = child(n, 'arguments');
  const args: PyValue[] = [];
  const kwargs = new Map<string, PyValue>();
  let spread = false;
  for (const a of argsNode ? named(argsNode) : []) {
    if (a.type === 'keyword_argument') {
      const k = child(a, 'name');
      const v = child(a, 'value');
      if (k && v) kwargs.set(textOf(src, k), evaluate(scope, v, depth + 1));
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
      spread = true;
    } else if (argsNode?.type === 'generator_expression') {
      spread = true;
    } else {
      args.push(evaluate(scope, a, depth + 1));
    }
  }
  if (argsNode?.type === 'generator_expression') spread = true;
  const callee = evaluate(scope, fnNode, depth + 1);
  if (callee.kind === 'name' && callee.path === 'json.dumps' && args.length === 1 && kwargs.size === 0 && !spread) {
    // json.dumps of a constant: its text, mapped to the call
    const json = jsonOf(args[0]);
    if (json !== undefined) {
      const b = new MappedBuilder(src, undefined as never);
      pushConstant(b, pyJsonDumps(json), [n.start, n.end]);
      return { kind: 'str', b, node: n };
    }
  }
  if (callee.kind === 'name') return { kind: 'call', fn: callee.path, args, kwargs, spread, node: n };
  if (callee.kind === 'attr') return { kind: 'call', fn: undefined, object: callee.object, method: callee.name, args, kwargs, spread, node: n };
  return { kind: 'call', fn: undefined, args, kwargs, spread, node: n };
}

/** Append a `string` / `concatenated_string` node's value; f-string interpolations of constants are spliced in. */
function appendString(scope: Scope, b: MappedBuilder, n: PyNode, depth: number): void {
  const parts = n.type === 'concatenated_string' ? n.children.filter((c) => c.type === 'string') : [n];
  for (const s of parts) {
    const lit = stringParts(scope.src, s);
    if (!lit) {
      placeholderFor(b, scope.src, [s.start, s.end], 'the string cannot be read');
      continue;
    }
    appendLiteral(b, scope.src, lit, (interp, range) => {
      const expr = named(interp).find((c) => c.type !== 'type_conversion' && c.type !== 'format_specifier');
      const conv = interp.children.some((c) => c.type === 'type_conversion' || c.type === 'format_specifier');
      const v = expr && !conv ? evaluate(scope, expr, depth + 1) : undefined;
      const text = v ? constantText(v) : undefined;
      if (text !== undefined) pushConstant(b, text, range);
      else placeholderFor(b, scope.src, range, v?.kind === 'unknown' ? v.reason : `\`${snippetOf(scope.src, expr ?? interp, 40)}\` is computed at run time`);
    });
  }
}

/** A constant as a JSON value (dicts with string keys, lists, strings, numbers, booleans, None). */
export function jsonOf(v: PyValue): unknown {
  switch (v.kind) {
    case 'str':
      return v.b.placeholders.length ? undefined : v.b.text;
    case 'num':
      return v.value;
    case 'bool':
      return v.value;
    case 'none':
      return null;
    case 'seq': {
      const out = v.items.map(jsonOf);
      return out.includes(undefined) ? undefined : out;
    }
    case 'dict': {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v.entries) {
        const key = k.kind === 'str' && !k.b.placeholders.length ? k.b.text : undefined;
        const val = jsonOf(x);
        if (key === undefined || val === undefined) return undefined;
        o[key] = val;
      }
      return o;
    }
    default:
      return undefined;
  }
}

/** json.dumps with its default separators (`", "`, `": "`) and ASCII escapes. */
function pyJsonDumps(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyJsonDumps(k)}: ${pyJsonDumps(x)}`).join(', ')}}`;
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** The text of a constant as `str()` gives it (strings without placeholders, numbers, booleans, None). */
export function constantText(v: PyValue): string | undefined {
  switch (v.kind) {
    case 'str':
      return v.b.placeholders.length ? undefined : v.b.text;
    case 'num':
      return v.text;
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    default:
      return undefined;
  }
}

/** A string value without placeholders. */
export function str(v: PyValue | undefined): string | undefined {
  return v?.kind === 'str' && v.b.placeholders.length === 0 ? v.b.text : undefined;
}

export function num(v: PyValue | undefined): number | undefined {
  return v?.kind === 'num' ? v.value : undefined;
}

export function bool(v: PyValue | undefined): boolean | undefined {
  return v?.kind === 'bool' ? v.value : undefined;
}

/** The items of a list/tuple, or a single value as a one-item list. */
export function items(v: PyValue | undefined): PyValue[] | undefined {
  if (!v) return undefined;
  return v.kind === 'seq' ? v.items : undefined;
}

/** Copy a built string (with its map and placeholders) onto the end of another. */
export function copyInto(b: MappedBuilder, from: MappedBuilder): void {
  const offset = b.text.length;
  const quoteBase = b.map.quotes.length;
  b.map.quotes.push(...from.map.quotes);
  const groups = new Map<number, number>();
  for (let i = 0; i < from.text.length; i++) {
    let g = groups.get(from.map.group[i]);
    if (g === undefined) groups.set(from.map.group[i], (g = b.group()));
    b.push(from.text[i], from.map.rawStart[i], from.map.rawEnd[i], from.map.kind[i], g, from.map.literal[i] < 0 ? -1 : from.map.literal[i] + quoteBase);
  }
  from.placeholders.forEach((p, k) => {
    b.placeholders.push({ ...p, start: p.start + offset, end: p.end + offset });
    b.reasons.push(from.reasons[k]);
  });
}

/** The argument at `index` or keyword `name`. */
export function arg(v: Extract<PyValue, { kind: 'call' }>, index: number, name: string): PyValue | undefined {
  return v.kwargs.get(name) ?? (index >= 0 ? v.args[index] : undefined);
}

/** Short source text of a value, for messages. */
export function shown(src: string, v: PyValue): string {
  return snippetOf(src, v.node, 60);
}
