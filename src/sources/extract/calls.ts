/**
 * Find the calls of a migration's `up` (or `down`) that send SQL, per runner, in the order the
 * runner runs them:
 *
 *   typeorm          queryRunner.query(sql) · queryRunner.manager.query(sql) · queryRunner.sql`…`
 *                    (+ startTransaction/commitTransaction/rollbackTransaction as BEGIN/COMMIT/ROLLBACK)
 *   knex             knex.raw(sql) · knex.schema.raw(sql) · trx.raw(sql) in knex.transaction(trx => …)
 *                    — only when executed (awaited, returned, chained), not knex.raw() used as a value
 *   node-pg-migrate  pgm.sql(sql)
 *   mikro-orm        this.execute(sql) (runs at once), then this.addSql(sql) (queued, run after up())
 *   sequelize        queryInterface.sequelize.query(sql[, { transaction }])
 *   kysely           sql`…`.execute(db) · sql.raw(sql).execute(db) · db.executeQuery(CompiledQuery.raw(sql))
 *
 * The runner object is the migration function's parameter at its position (whatever its name),
 * followed through `const` aliases and destructuring, and into helper functions of the same file
 * it is passed to. Schema-builder calls on it (queryInterface.addIndex, knex.schema.createTable,
 * pgm.createIndex, queryRunner.createIndex, db.schema…execute()) are translated by the runner's
 * module in builders/ into the statements the tool sends (BuilderCall), or, when a value they
 * need cannot be read statically, reported (a DynamicCall with `operation`).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isExecuted, memberPath, resolveBinding, snippet, unwrap, type Node } from './ast.js';
import { classMethod, type FunctionNode } from './shape.js';
import { MappedBuilder, evaluate, substitute, type TagMode } from './strings.js';
import { markStatementPlaceholders, scanBuilderText } from './statement-placeholders.js';
import type { BuilderCall, ControlCall, DynamicCall, ExtractedCall, Fragment, JsRunnerName } from './types.js';
import { TRANSLATORS, valueOf, type BuilderEnv, type BuilderOp } from './builders/index.js';

interface Role {
  /** canonical path: '$0' (first parameter), '$1', 'this' */
  path: string;
  /** calls through it run in a transaction the migration opens itself */
  tx?: { key: string; label: string };
}

interface Ctx {
  program: TSESTree.Program;
  text: string;
  runner: JsRunnerName;
  direction: 'up' | 'down';
  cls?: TSESTree.ClassDeclaration | TSESTree.ClassExpression;
  roles: Map<string, Role>;
  /** Sequelize transaction objects: variable name → label */
  txObjects: Map<string, string>;
  inlining: Set<Node>;
  out: Array<{ call: ExtractedCall; queued: boolean }>;
  builderCalls: number;
}

/** The AST node of each extracted call (for locating the statement a comment sits above). */
export const callNodes = new WeakMap<ExtractedCall, Node>();

const TYPEORM_CONTROL: Record<string, ControlCall['sql']> = { startTransaction: 'BEGIN', commitTransaction: 'COMMIT', rollbackTransaction: 'ROLLBACK' };

export function collectCalls(
  fn: FunctionNode,
  opts: { program: TSESTree.Program; text: string; runner: JsRunnerName; direction: 'up' | 'down'; cls?: Ctx['cls'] },
): { calls: ExtractedCall[]; builderCalls: number } {
  const ctx: Ctx = { ...opts, roles: new Map(), txObjects: new Map(), inlining: new Set([fn]), out: [], builderCalls: 0 };
  fn.params.forEach((p, i) => {
    const u = p.type === 'AssignmentPattern' ? p.left : p.type === 'TSParameterProperty' ? p.parameter : p;
    if (u.type === 'Identifier') ctx.roles.set(u.name, { path: `$${i}` });
  });
  visit(fn.body, ctx);
  // queued calls (MikroORM addSql, node-pg-migrate pgm.sql) run after the immediate ones
  const ordered = [...ctx.out.filter((c) => !c.queued), ...ctx.out.filter((c) => c.queued)];
  return { calls: ordered.map((c) => c.call), builderCalls: ctx.builderCalls };
}

function visit(node: Node, ctx: Ctx): void {
  // function definitions run only when called: helpers are followed from their call sites
  if (node.type === 'FunctionDeclaration') return;
  if (node.type === 'VariableDeclarator' && node.init && isFunction(unwrap(node.init))) return;
  if (node.type === 'CallExpression') {
    enterCallbacks(node, ctx);
    if (handleCall(node, ctx)) return;
  } else if (node.type === 'TaggedTemplateExpression') {
    if (handleTagged(node, ctx)) return;
  }
  forEachChildInOrder(node, (c) => visit(c, ctx));
}

function forEachChildInOrder(node: Node, fn: (c: Node) => void): void {
  const kids: Node[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    const v = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) for (const x of v) isNode(x) && kids.push(x);
    else if (isNode(v)) kids.push(v);
  }
  kids.sort((a, b) => a.range[0] - b.range[0]);
  for (const k of kids) fn(k);
}

function isNode(v: unknown): v is Node {
  return !!v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string' && Array.isArray((v as { range?: unknown }).range);
}

function isFunction(n: Node): n is FunctionNode {
  return n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression' || n.type === 'FunctionDeclaration';
}

/** The canonical path of an expression: roles substituted, const aliases and destructuring followed. */
function canonical(n: Node, ctx: Ctx, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const u = unwrap(n);
  switch (u.type) {
    case 'Identifier': {
      const role = ctx.roles.get(u.name);
      if (role) return role.path;
      const b = resolveBinding(u, ctx.program);
      if (b?.kind === 'const') return canonical(b.init, ctx, depth + 1);
      if (b?.kind === 'destructured') {
        const base = canonical(b.init, ctx, depth + 1);
        return base === undefined ? undefined : `${base}.${b.key}`;
      }
      return u.name;
    }
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression': {
      if (u.computed || u.property.type !== 'Identifier') return undefined;
      const o = canonical(u.object, ctx, depth + 1);
      return o === undefined ? undefined : `${o}.${u.property.name}`;
    }
    case 'AwaitExpression':
      return canonical(u.argument, ctx, depth + 1);
    case 'CallExpression': {
      const c = canonical(u.callee, ctx, depth + 1);
      return c === undefined ? undefined : `${c}()`;
    }
    case 'ChainExpression':
      return canonical(u.expression, ctx, depth + 1);
    default:
      return undefined;
  }
}

/** The role an expression's root identifier plays (for transactions opened by the migration). */
function rootRole(n: Node, ctx: Ctx): Role | undefined {
  let u = unwrap(n);
  while (u.type === 'MemberExpression' || u.type === 'CallExpression' || u.type === 'AwaitExpression') {
    u = unwrap(u.type === 'MemberExpression' ? u.object : u.type === 'CallExpression' ? u.callee : u.argument);
  }
  return u.type === 'Identifier' ? ctx.roles.get(u.name) : undefined;
}

/** Callbacks of knex.transaction(trx => …), db.transaction().execute(trx => …), sequelize.transaction(t => …). */
function enterCallbacks(call: TSESTree.CallExpression, ctx: Ctx): void {
  const path = canonical(call.callee, ctx);
  if (!path) return;
  const cb = call.arguments.map((a) => unwrap(a as Node)).find(isFunction);
  if (!cb || cb.params.length === 0) return;
  const p0 = cb.params[0];
  const name = p0.type === 'Identifier' ? p0.name : undefined;
  if (!name) return;
  const at = `line ${call.loc.start.line}`;
  if (ctx.runner === 'sequelize' && path === '$0.sequelize.transaction') {
    ctx.txObjects.set(name, `the transaction \`${name}\` from sequelize.transaction() (${at})`);
  } else if (ctx.runner === 'knex' && (path === '$0.transaction' || path.endsWith('.transaction'))) {
    ctx.roles.set(name, { path: '$0', tx: { key: `${name}@${call.range[0]}`, label: `the transaction \`${name}\` from knex.transaction() (${at})` } });
  } else if (ctx.runner === 'kysely' && path === '$0.transaction().execute') {
    ctx.roles.set(name, { path: '$0', tx: { key: `${name}@${call.range[0]}`, label: `the transaction \`${name}\` from db.transaction().execute() (${at})` } });
  }
}

function handleCall(call: TSESTree.CallExpression, ctx: Ctx): boolean {
  const translate = TRANSLATORS[ctx.runner];
  const op = translate ? translate(call, builderEnv(ctx)) : undefined;
  if (op) {
    addBuilder(ctx, op);
    return true;
  }
  const path = canonical(call.callee, ctx);
  const arg0 = call.arguments[0] as Node | undefined;
  switch (ctx.runner) {
    case 'typeorm': {
      if (path === '$0.query' || path === '$0.manager.query') {
        if (arg0) addSql(ctx, call, arg0, path.replace('$0', 'queryRunner'), 'text', false);
        return true;
      }
      const method = path?.startsWith('$0.') ? path.slice(3) : undefined;
      if (method && TYPEORM_CONTROL[method]) {
        addControl(ctx, call, TYPEORM_CONTROL[method], `queryRunner.${method}`);
        return true;
      }
      break;
    }
    case 'knex': {
      const raw = knexRaw(call, ctx);
      if (raw) {
        if (isExecuted(call) && arg0) addSql(ctx, call, arg0, raw, 'text', false, rootRole(call.callee, ctx)?.tx);
        return true;
      }
      break;
    }
    case 'node-pg-migrate':
      if (path === '$0.sql') {
        if (arg0) addSql(ctx, call, arg0, 'pgm.sql', 'text', true);
        return true;
      }
      break;
    case 'mikro-orm':
      if (path === 'this.addSql' || path === 'this.execute') {
        if (arg0) addSql(ctx, call, rawArgument(arg0), path, 'text', path === 'this.addSql');
        return true;
      }
      break;
    case 'sequelize':
      if (path === '$0.sequelize.query' || path === '$1.query') {
        if (arg0) addSql(ctx, call, arg0, 'queryInterface.sequelize.query', 'text', false, sequelizeTx(call.arguments[1] as Node | undefined, ctx), (b) => sequelizeReplacements(call, b));
        return true;
      }
      break;
    case 'kysely': {
      const k = kyselyCall(call, ctx);
      if (k) {
        addSql(ctx, call, k.arg, k.callee, k.mode, false, k.executor ? rootRole(k.executor, ctx)?.tx : undefined);
        return true;
      }
      break;
    }
  }
  return inlineHelper(call, ctx);
}

/** What the translators of builders/ see of the file and the runner roles. */
function builderEnv(ctx: Ctx): BuilderEnv {
  const env: BuilderEnv = {
    text: ctx.text,
    program: ctx.program,
    runner: ctx.runner,
    path: (n) => canonical(n, ctx),
    value: (n) => valueOf(n, env),
    txOf: (n) => rootRole(n, ctx)?.tx,
    sequelizeTx: (options) => sequelizeTx(options, ctx),
  };
  return env;
}

/** A recognised builder operation: the statements its tool sends, or a dynamic-sql report. */
function addBuilder(ctx: Ctx, op: BuilderOp): void {
  ctx.builderCalls++;
  const range: [number, number] = [op.node.range[0], op.node.range[1]];
  const common = {
    callee: op.callee,
    callRange: range,
    argRange: range,
    direction: ctx.direction,
    directives: [],
    operation: op.operation,
    ...(op.tx ? { jsTransaction: op.tx } : {}),
  };
  let c: BuilderCall | DynamicCall;
  if (op.statements && op.statements.length) {
    const b: BuilderCall = { kind: 'builder', ...common, statements: op.statements.map((st) => st.replace(/;\s*$/, '')) };
    if (op.queries && op.queries.some((n) => n > 1)) b.queries = op.queries;
    if (op.fixes && Object.keys(op.fixes).length) b.fixes = op.fixes;
    if (op.suggestions && Object.keys(op.suggestions).length) b.suggestions = op.suggestions;
    c = b;
  } else {
    c = { kind: 'dynamic', ...common, expr: snippet(ctx.text, op.node), reason: op.reason ?? 'it sends no statement godwit can read', ...(op.creates?.length ? { creates: op.creates } : {}) };
  }
  callNodes.set(c, op.node);
  ctx.out.push({ call: c, queued: !!op.queued });
}

function handleTagged(t: TSESTree.TaggedTemplateExpression, ctx: Ctx): boolean {
  if (ctx.runner === 'typeorm' && canonical(t.tag, ctx) === '$0.sql') {
    addSql(ctx, t, t.quasi, 'queryRunner.sql', 'params', false);
    return true;
  }
  return false;
}

/** knex.raw / knex.schema.raw (also trx.…, and `.raw()` chained on a schema builder). */
function knexRaw(call: TSESTree.CallExpression, ctx: Ctx): string | undefined {
  if (call.callee.type !== 'MemberExpression' || call.callee.computed || call.callee.property.type !== 'Identifier' || call.callee.property.name !== 'raw') return undefined;
  const objPath = canonical(call.callee.object, ctx);
  if (objPath === '$0') return 'knex.raw';
  if (objPath === '$0.schema') return 'knex.schema.raw';
  // knex.schema.createTable(…).raw(…): a chained schema builder
  let inner: Node = call.callee.object;
  while (inner.type === 'CallExpression' && inner.callee.type === 'MemberExpression') inner = inner.callee.object;
  return inner !== call.callee.object && canonical(inner, ctx) === '$0.schema' ? 'knex.schema.raw' : undefined;
}


/** `{ transaction: t }` (or `{ transaction }`) in the options of a Sequelize call. */
function sequelizeTx(options: Node | undefined, ctx: Ctx): { key: string; label: string } | undefined {
  const opts = options ? unwrap(options) : undefined;
  if (opts?.type !== 'ObjectExpression') return undefined;
  for (const p of opts.properties) {
    if (p.type !== 'Property') continue;
    const key = p.key.type === 'Identifier' && !p.computed ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined;
    if (key !== 'transaction') continue;
    const v = unwrap(p.value as Node);
    if (v.type === 'Literal' && (v.value === null || v.value === undefined)) return undefined;
    if (v.type === 'Identifier' && v.name === 'undefined') return undefined;
    const name = snippet(ctx.text, v, 30);
    return { key: `sequelize:${name}`, label: ctx.txObjects.get(name) ?? `the transaction \`${name}\` the migration opened` };
  }
  return undefined;
}

/**
 * Sequelize `replacements` are substituted by Sequelize before the query is sent: `:name` for an
 * object, `?` for an array. Found with PostgreSQL's scanner (outside strings, quoted identifiers
 * and comments; `::` casts are their own token), they become placeholders.
 */
function sequelizeReplacements(call: TSESTree.CallExpression, b: MappedBuilder): MappedBuilder {
  const opts = call.arguments[1] ? unwrap(call.arguments[1] as Node) : undefined;
  if (opts?.type !== 'ObjectExpression') return b;
  const prop = opts.properties.find((p) => p.type === 'Property' && ((p.key.type === 'Identifier' && !p.computed && p.key.name === 'replacements') || (p.key.type === 'Literal' && p.key.value === 'replacements')));
  if (!prop || prop.type !== 'Property') return b;
  const value = unwrap(prop.value as Node);
  const positional = value.type === 'ArrayExpression';
  const names = value.type === 'ObjectExpression' ? new Map(value.properties.flatMap((p) => (p.type === 'Property' && p.key.type === 'Identifier' && !p.computed ? [[p.key.name, p.value as Node] as const] : []))) : undefined;
  const scanned = scanBuilderText(b);
  if (!scanned) return b;
  const { tokens, src } = scanned;
  const ranges: Array<{ start: number; end: number; shown: string; expr: string }> = [];
  tokens.forEach((t, i) => {
    const start = src.indexOfByte(t.start);
    if (positional && t.text === '?') {
      const n = ranges.length;
      const el = value.type === 'ArrayExpression' ? value.elements[n] : undefined;
      ranges.push({ start, end: start + 1, shown: '?', expr: el ? snippet(b.source, el as Node, 40) : `replacements[${n}]` });
    } else if (!positional && t.text === ':' && tokens[i + 1] && tokens[i + 1].start === t.end && (tokens[i + 1].name === 'IDENT' || tokens[i + 1].keyword)) {
      const name = tokens[i + 1].text;
      if (names && names.size && !names.has(name)) return;
      const v = names?.get(name);
      ranges.push({ start, end: src.indexOfByte(tokens[i + 1].end), shown: `:${name}`, expr: v ? snippet(b.source, v, 40) : name });
    }
  });
  return substitute(b, ranges);
}

/** Kysely: sql`…`.execute(db), sql.raw(s).execute(db), db.executeQuery(CompiledQuery.raw(s)). */
function kyselyCall(call: TSESTree.CallExpression, ctx: Ctx): { arg: Node; callee: string; mode: TagMode; executor?: Node } | undefined {
  const callee = call.callee;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'execute') {
    const obj = unwrap(callee.object);
    if (obj.type === 'TaggedTemplateExpression' && canonical(obj.tag, ctx) === 'sql') return { arg: obj.quasi, callee: 'sql`…`.execute', mode: 'kysely', executor: call.arguments[0] as Node };
    if (obj.type === 'CallExpression' && canonical(obj.callee, ctx) === 'sql.raw' && obj.arguments[0]) {
      return { arg: obj.arguments[0] as Node, callee: 'sql.raw(…).execute', mode: 'text', executor: call.arguments[0] as Node };
    }
  }
  const path = canonical(callee, ctx);
  if (path?.endsWith('.executeQuery') && rootRole(callee, ctx)) {
    const q = call.arguments[0] ? unwrap(call.arguments[0] as Node) : undefined;
    if (q?.type === 'CallExpression' && memberPath(q.callee) === 'CompiledQuery.raw' && q.arguments[0]) {
      return { arg: q.arguments[0] as Node, callee: 'db.executeQuery(CompiledQuery.raw(…))', mode: 'text', executor: callee };
    }
  }
  return undefined;
}

/** `this.addSql(knex.raw('…'))` / `this.addSql(this.getKnex().raw('…'))`: the raw SQL. */
function rawArgument(arg: Node): Node {
  const u = unwrap(arg);
  if (u.type === 'CallExpression' && u.callee.type === 'MemberExpression' && !u.callee.computed && u.callee.property.type === 'Identifier' && u.callee.property.name === 'raw' && u.arguments[0]) {
    return u.arguments[0] as Node;
  }
  return arg;
}

/** A helper function of this file (or a method of the migration class) the runner object is passed to. */
function inlineHelper(call: TSESTree.CallExpression, ctx: Ctx): boolean {
  let fn: FunctionNode | undefined;
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') {
    const b = resolveBinding(callee, ctx.program);
    const target = b?.kind === 'function' ? b.fn : b?.kind === 'const' ? unwrap(b.init) : undefined;
    if (target && isFunction(target)) fn = target;
  } else if (ctx.cls && memberPath(callee)?.startsWith('this.')) {
    fn = classMethod(ctx.cls, memberPath(callee)!.slice(5));
  }
  if (!fn || ctx.inlining.has(fn) || ctx.inlining.size > 6) return false;
  const roles: Array<[string, Role]> = [];
  fn.params.forEach((p, i) => {
    const arg = call.arguments[i] as Node | undefined;
    const u = p.type === 'AssignmentPattern' ? p.left : p;
    if (!arg || u.type !== 'Identifier') return;
    const path = canonical(arg, ctx);
    if (path && (path === '$0' || path === '$1' || path.startsWith('$0.') || path.startsWith('$1.'))) roles.push([u.name, { ...(rootRole(arg, ctx) ?? {}), path }]);
  });
  if (roles.length === 0 && !(ctx.runner === 'mikro-orm' && callee.type === 'MemberExpression')) return false;
  const saved = roles.map(([name]) => [name, ctx.roles.get(name)] as const);
  for (const [name, role] of roles) ctx.roles.set(name, role);
  ctx.inlining.add(fn);
  for (const a of call.arguments) visit(a as Node, ctx);
  visit(fn.body, ctx);
  ctx.inlining.delete(fn);
  for (const [name, role] of saved) {
    if (role) ctx.roles.set(name, role);
    else ctx.roles.delete(name);
  }
  return true;
}

function base(ctx: Ctx, call: Node, argRange: [number, number], callee: string, tx: { key: string; label: string } | undefined) {
  return {
    callee,
    callRange: [call.range[0], call.range[1]] as [number, number],
    argRange,
    direction: ctx.direction,
    directives: [],
    ...(tx ? { jsTransaction: tx } : {}),
  };
}

function addControl(ctx: Ctx, call: TSESTree.CallExpression, sql: ControlCall['sql'], callee: string): void {
  const c: ControlCall = { kind: 'control', sql, ...base(ctx, call, [call.range[0], call.range[1]], callee, undefined) };
  callNodes.set(c, call);
  ctx.out.push({ call: c, queued: false });
}

function addSql(
  ctx: Ctx,
  call: Node,
  arg: Node,
  callee: string,
  mode: TagMode,
  queued: boolean,
  tx?: { key: string; label: string },
  post?: (b: MappedBuilder) => MappedBuilder,
): void {
  let b = new MappedBuilder(ctx.text, ctx.program);
  evaluate(b, arg, mode);
  if (post) b = post(b);
  const argRange: [number, number] = [arg.range[0], arg.range[1]];
  if (!b.hasStaticSql()) {
    const d: DynamicCall = {
      kind: 'dynamic',
      expr: snippet(ctx.text, arg),
      reason: b.reasons[0] ?? 'the SQL is empty',
      ...base(ctx, call, argRange, callee, tx),
    };
    callNodes.set(d, call);
    ctx.out.push({ call: d, queued });
    return;
  }
  // (a whole argument that cannot be read is the dynamic call above; here a part stands for statements)
  b = markStatementPlaceholders(b, callee);
  const f: Fragment = { kind: 'sql', sql: b.text, placeholders: b.placeholders, map: b.map, ...base(ctx, call, argRange, callee, tx) };
  callNodes.set(f, call);
  ctx.out.push({ call: f, queued });
}
