/**
 * Small ESTree helpers: child iteration, parents, and module-level or block-level `const`
 * resolution. Works on the ASTs of @typescript-eslint/typescript-estree and of ESLint.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';

export type Node = TSESTree.Node;

const SKIP = new Set(['parent', 'loc', 'range', 'tokens', 'comments']);

/** Call `fn` for each child node of `node`, in source order. */
export function forEachChild(node: Node, fn: (child: Node) => void): void {
  for (const key of Object.keys(node)) {
    if (SKIP.has(key)) continue;
    const v = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) {
      for (const x of v) if (isNode(x)) fn(x);
    } else if (isNode(v)) fn(v);
  }
}

function isNode(v: unknown): v is Node {
  return !!v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string' && Array.isArray((v as { range?: unknown }).range);
}

/** Set `parent` on every node that lacks it (ESLint's AST already has them). */
export function setParents(root: Node): void {
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    forEachChild(n, (c) => {
      if (!(c as { parent?: Node }).parent) (c as { parent?: Node }).parent = n;
      stack.push(c);
    });
  }
}

export function parentOf(n: Node): Node | undefined {
  return (n as { parent?: Node }).parent;
}

/** Depth-first, in source order; `fn` returning false skips the node's children. */
export function walk(node: Node, fn: (n: Node) => boolean | void): void {
  if (fn(node) === false) return;
  forEachChild(node, (c) => walk(c, fn));
}

/** Strip TypeScript wrappers that do not change the value: `x as T`, `x!`, `<T>x`, `x satisfies T`. */
export function unwrap(n: Node): Node {
  let cur = n;
  for (;;) {
    switch (cur.type) {
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSSatisfiesExpression':
        cur = cur.expression;
        continue;
      default:
        return cur;
    }
  }
}

/** `a.b.c` → "a.b.c"; `this.x` → "this.x"; undefined for anything else. */
export function memberPath(n: Node): string | undefined {
  const u = unwrap(n);
  if (u.type === 'Identifier') return u.name;
  if (u.type === 'ThisExpression') return 'this';
  if (u.type === 'MemberExpression' && !u.computed && u.property.type === 'Identifier') {
    const obj = memberPath(u.object);
    return obj === undefined ? undefined : `${obj}.${u.property.name}`;
  }
  return undefined;
}

/** The name of a property key (`up`, `'up'`, `["up"]`). */
export function keyName(key: Node, computed: boolean): string | undefined {
  if (key.type === 'Identifier' && !computed) return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return undefined;
}

export type Binding =
  | { kind: 'const'; init: Node; declarator: Node }
  | { kind: 'param'; fn: Node; index: number }
  | { kind: 'import'; source: string }
  | { kind: 'function'; fn: Node }
  /** `const { key: name } = init` (one level) */
  | { kind: 'destructured'; init: Node; key: string }
  | { kind: 'other'; why: string };

/**
 * What an identifier refers to, looked up through the enclosing blocks, functions and the
 * module. `let`/`var` count as constants when nothing assigns to them.
 */
export function resolveBinding(id: TSESTree.Identifier, program: TSESTree.Program): Binding | undefined {
  const name = id.name;
  for (let scope: Node | undefined = parentOf(id); scope; scope = parentOf(scope)) {
    switch (scope.type) {
      case 'Program':
      case 'BlockStatement':
      case 'StaticBlock': {
        const found = declaredIn(scope.body as Node[], name, program);
        if (found) return found;
        break;
      }
      case 'SwitchCase': {
        const found = declaredIn(scope.consequent as Node[], name, program);
        if (found) return found;
        break;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const i = scope.params.findIndex((p) => paramName(p) === name || patternNames(p).includes(name));
        if (i !== -1) return { kind: 'param', fn: scope, index: i };
        break;
      }
      case 'ForOfStatement':
      case 'ForInStatement':
      case 'ForStatement': {
        const init = scope.type === 'ForStatement' ? scope.init : scope.left;
        if (init && init.type === 'VariableDeclaration' && init.declarations.some((d) => patternNames(d.id).includes(name))) {
          return { kind: 'other', why: `\`${name}\` is a loop variable` };
        }
        break;
      }
      case 'CatchClause':
        if (scope.param && patternNames(scope.param).includes(name)) return { kind: 'other', why: `\`${name}\` is a caught error` };
        break;
    }
  }
  return undefined;
}

function declaredIn(body: Node[], name: string, program: TSESTree.Program): Binding | undefined {
  for (const raw of body) {
    const st = raw.type === 'ExportNamedDeclaration' && raw.declaration ? raw.declaration : raw;
    if (st.type === 'VariableDeclaration') {
      for (const d of st.declarations) {
        if (d.id.type === 'Identifier' && d.id.name === name) {
          if (!d.init) return { kind: 'other', why: `\`${name}\` has no initial value` };
          if (st.kind !== 'const' && isAssigned(program, name)) return { kind: 'other', why: `\`${name}\` is reassigned` };
          return { kind: 'const', init: d.init, declarator: d };
        }
        if (d.id.type === 'ObjectPattern' && d.init) {
          for (const prop of d.id.properties) {
            if (prop.type !== 'Property') continue;
            const key = keyName(prop.key, prop.computed);
            const local = prop.value.type === 'AssignmentPattern' ? prop.value.left : prop.value;
            if (key && local.type === 'Identifier' && local.name === name) return { kind: 'destructured', init: d.init, key };
          }
        }
        if (patternNames(d.id).includes(name)) return { kind: 'other', why: `\`${name}\` is destructured from a value` };
      }
    } else if (st.type === 'FunctionDeclaration' && st.id?.name === name) {
      return { kind: 'function', fn: st };
    } else if (st.type === 'ImportDeclaration') {
      if (st.specifiers.some((s) => s.local.name === name)) return { kind: 'import', source: String(st.source.value) };
    } else if (st.type === 'ClassDeclaration' && st.id?.name === name) {
      return { kind: 'other', why: `\`${name}\` is a class` };
    }
  }
  return undefined;
}

function paramName(p: Node): string | undefined {
  const u = p.type === 'AssignmentPattern' ? p.left : p.type === 'TSParameterProperty' ? p.parameter : p;
  return u.type === 'Identifier' ? u.name : u.type === 'AssignmentPattern' && u.left.type === 'Identifier' ? u.left.name : undefined;
}

/** Names bound by a pattern (`a`, `{ a, b: c }`, `[a, ...b]`, `a = 1`). */
export function patternNames(p: Node | null | undefined): string[] {
  if (!p) return [];
  switch (p.type) {
    case 'Identifier':
      return [p.name];
    case 'AssignmentPattern':
      return patternNames(p.left);
    case 'RestElement':
      return patternNames(p.argument);
    case 'ArrayPattern':
      return p.elements.flatMap((e) => patternNames(e));
    case 'ObjectPattern':
      return p.properties.flatMap((prop) => (prop.type === 'RestElement' ? patternNames(prop.argument) : patternNames(prop.value)));
    case 'TSParameterProperty':
      return patternNames(p.parameter);
    default:
      return [];
  }
}

const assignedCache = new WeakMap<TSESTree.Program, Set<string>>();

function isAssigned(program: TSESTree.Program, name: string): boolean {
  let names = assignedCache.get(program);
  if (!names) {
    names = new Set();
    const set = names;
    walk(program, (n) => {
      if (n.type === 'AssignmentExpression') for (const x of patternNames(n.left)) set.add(x);
      else if (n.type === 'UpdateExpression' && n.argument.type === 'Identifier') set.add(n.argument.name);
    });
    assignedCache.set(program, names);
  }
  return names.has(name);
}

/** The source text of a node, on one line and at most `max` characters. */
export function snippet(text: string, n: { range: [number, number] }, max = 60): string {
  const s = text.slice(n.range[0], n.range[1]).replace(/\s+/g, ' ');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** A Knex builder (a thenable) runs only when awaited, returned, chained with then/catch, or passed to Promise.all. */
export function isExecuted(call: Node): boolean {
  let cur: Node = call;
  for (;;) {
    const p = parentOf(cur);
    if (!p) return false;
    switch (p.type) {
      case 'AwaitExpression':
      case 'ReturnStatement':
      case 'ExpressionStatement':
      case 'YieldExpression':
        return true;
      case 'ArrowFunctionExpression':
        return p.body === cur;
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'ChainExpression':
      case 'SequenceExpression':
        cur = p;
        continue;
      case 'MemberExpression': {
        if (p.object !== cur || p.property.type !== 'Identifier') return false;
        if (['then', 'catch', 'finally', 'asCallback'].includes(p.property.name)) return true;
        const c = parentOf(p);
        if (c?.type === 'CallExpression' && c.callee === p) {
          cur = c; // knex.schema.raw(a).raw(b): the chain runs as a whole
          continue;
        }
        return false;
      }
      case 'ArrayExpression': {
        const c = parentOf(p);
        return c?.type === 'CallExpression' && /^Promise\.(all|allSettled)$/.test(memberPath(c.callee) ?? '');
      }
      default:
        return false;
    }
  }
}
