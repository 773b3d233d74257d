/**
 * Reading an Alembic revision file: its identifiers (`revision`, `down_revision`, …) and the
 * calls its `upgrade()` makes, walked in order the way Python runs them:
 *
 * - `op.<operation>(…)` → builders/alembic.ts; `batch_op.<operation>(…)` inside
 *   `with op.batch_alter_table('t') as batch_op:` on table `t`;
 * - `op.execute(sql)`, `<bind>.execute(sql)` with `bind = op.get_bind()` → the SQL text;
 * - `with op.get_context().autocommit_block():` → the calls in it run outside the transaction;
 * - `if` on the database dialect (`bind.dialect.name == "postgresql"`,
 *   `url.startswith("postgres")`) → the PostgreSQL branch; other conditions → every branch;
 * - `try:` → its body (handlers run only on errors); loops → their body once;
 * - calls of functions defined in the same file → their body, with the arguments bound.
 */
import type { Edit } from '../../../engine/types.js';
import type { ExtractedCall } from '../types.js';
import { ALEMBIC_OPERATIONS, isCoreSelect, sessionSqlArgument, sqlArgument, translateAlembic, type BatchTable, type Translation } from '../builders/alembic.js';
import { builderCall, dynamicCall, sqlCall } from './calls.js';
import { child, named, textOf, type PyNode } from './parse.js';
import { evaluate, functionScope, str, type PyValue, type Scope } from './values.js';

export interface AlembicRevision {
  revision?: string;
  /** `down_revision`: none (a base), one, or several (a merge) */
  downRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
}

/** The identifiers of a revision file (module-level assignments). */
export function alembicRevision(scope: Scope): AlembicRevision {
  const get = (name: string): PyValue | undefined => {
    const b = scope.names.get(name);
    return b?.kind === 'value' ? evaluate(scope, b.node) : undefined;
  };
  const list = (v: PyValue | undefined): string[] => {
    if (!v || v.kind === 'none') return [];
    const s = str(v);
    if (s !== undefined) return [s];
    return v.kind === 'seq' ? v.items.map((x) => str(x)).filter((x): x is string => x !== undefined) : [];
  };
  return { revision: str(get('revision')), downRevisions: list(get('down_revision')), dependsOn: list(get('depends_on')), branchLabels: list(get('branch_labels')) };
}

interface Walk {
  src: string;
  module: Scope;
  functions: Map<string, PyNode>;
  calls: ExtractedCall[];
  anchors: Map<ExtractedCall, number>;
  /** the file's name for Alembic's `op` (for fixes that write `with op.get_context()…`) */
  opName: string;
  /** the migration runs inside the runner's transaction (Alembic on PostgreSQL) */
  wrapped: boolean;
  depth: number;
  active: Set<PyNode>;
}

interface Ctx {
  scope: Scope;
  batches: Map<string, BatchTable>;
  autocommit: boolean;
  /** where the enclosing top-level statement starts (suppression comments above it apply) */
  anchor?: number;
}

const AUTOCOMMIT = 'inside `with op.get_context().autocommit_block():`, which commits the migration transaction first and runs the block in autocommit';

/** The calls `upgrade()` makes, in run order. */
export function alembicCalls(src: string, module: Scope, upgrade: PyNode, wrapped: boolean): { calls: ExtractedCall[]; anchors: Map<ExtractedCall, number> } {
  const functions = new Map<string, PyNode>();
  for (const st of upgrade.parent?.children ?? []) {
    const def = st.type === 'decorated_definition' ? child(st, 'definition') : st;
    if (def?.type === 'function_definition') functions.set(textOf(src, child(def, 'name')!), def);
  }
  const w: Walk = { src, module, functions, calls: [], anchors: new Map(), opName: 'op', wrapped, depth: 0, active: new Set([upgrade]) };
  const scope = functionScope(module, upgrade);
  // `def upgrade(op=None)` (CTFd's plugin migrations): the parameter is Alembic's op
  if (scope.names.get('op')?.kind === 'opaque') scope.names.set('op', { kind: 'bound', value: { kind: 'name', path: 'alembic.op', node: upgrade } });
  for (const [name, path] of module.imports) if (path === 'alembic.op') w.opName = name;
  const body = child(upgrade, 'body');
  if (body) walkBlock(w, body, { scope, batches: new Map(), autocommit: false });
  return { calls: w.calls, anchors: w.anchors };
}

/** Walk a block; false when it ends with an unconditional `return`/`raise`. */
function walkBlock(w: Walk, block: PyNode, ctx: Ctx): boolean {
  for (const st of named(block)) {
    if (!walkStatement(w, st, ctx)) return false;
  }
  return true;
}

function walkStatement(w: Walk, st: PyNode, ctx0: Ctx): boolean {
  const ctx = ctx0.anchor === undefined ? { ...ctx0, anchor: st.start } : ctx0;
  switch (st.type) {
    case 'function_definition':
    case 'class_definition':
    case 'decorated_definition':
    case 'import_statement':
    case 'import_from_statement':
    case 'pass_statement':
      return true;
    case 'return_statement':
    case 'raise_statement':
      scanCalls(w, st, ctx);
      return false;
    case 'with_statement':
      return walkWith(w, st, ctx);
    case 'if_statement':
      return walkIf(w, st, ctx);
    case 'try_statement': {
      const body = child(st, 'body');
      if (body) walkBlock(w, body, { ...ctx, anchor: undefined });
      for (const c of named(st)) {
        if (c.type === 'else_clause' || c.type === 'finally_clause') {
          const b = child(c, 'body') ?? named(c).find((x) => x.type === 'block');
          if (b) walkBlock(w, b, { ...ctx, anchor: undefined });
        }
      }
      return true;
    }
    case 'for_statement':
    case 'while_statement': {
      const head = child(st, st.type === 'for_statement' ? 'right' : 'condition');
      if (head) scanCalls(w, head, ctx);
      const body = child(st, 'body');
      if (body) walkBlock(w, body, { ...ctx, anchor: undefined });
      return true;
    }
    default:
      scanCalls(w, st, ctx);
      return true;
  }
}

function walkWith(w: Walk, st: PyNode, ctx: Ctx): boolean {
  const clause = named(st).find((c) => c.type === 'with_clause');
  const inner: Ctx = { ...ctx, batches: new Map(ctx.batches), anchor: undefined };
  for (const item of clause ? named(clause) : []) {
    let value = child(item, 'value');
    let alias: PyNode | undefined;
    if (value?.type === 'as_pattern') {
      alias = child(value, 'alias') ?? named(value)[1];
      value = named(value)[0];
    }
    if (!value) continue;
    const v = evaluate(ctx.scope, value);
    if (v.kind === 'call' && v.method === 'autocommit_block') {
      inner.autocommit = true;
      continue;
    }
    if (v.kind === 'call' && isOp(v, 'batch_alter_table')) {
      const table = str(v.args[0] ?? v.kwargs.get('table_name'));
      const aliasName = alias ? textOf(w.src, alias.type === 'as_pattern_target' ? (named(alias)[0] ?? alias) : alias) : undefined;
      if (aliasName && table !== undefined) inner.batches.set(aliasName, { table, schema: str(v.kwargs.get('schema')) });
      else if (aliasName) inner.batches.set(aliasName, { table: '', schema: undefined });
      continue;
    }
    scanCalls(w, value, ctx);
  }
  const body = child(st, 'body');
  return body ? walkBlock(w, body, inner) : true;
}

function walkIf(w: Walk, st: PyNode, ctx: Ctx): boolean {
  const branches: Array<{ cond?: PyNode; body: PyNode }> = [];
  branches.push({ cond: child(st, 'condition'), body: child(st, 'consequence')! });
  for (const alt of st.children.filter((c) => c.field === 'alternative')) {
    if (alt.type === 'elif_clause') branches.push({ cond: child(alt, 'condition'), body: child(alt, 'consequence')! });
    else branches.push({ body: child(alt, 'body') ?? named(alt)[0] });
  }
  let allEnd = true;
  for (const br of branches) {
    const verdict = br.cond ? dialectCondition(w.src, ctx.scope, br.cond) : true;
    if (br.cond && verdict === undefined) scanCalls(w, br.cond, ctx);
    if (verdict === false) continue;
    const ends = br.body ? !walkBlock(w, br.body, { ...ctx, anchor: undefined }) : false;
    if (!ends) allEnd = false;
    if (verdict === true) return !(ends && allEnd);
  }
  return true;
}

const DIALECTS = ['postgresql', 'postgres', 'psycopg2', 'psycopg', 'asyncpg', 'pg8000', 'mysql', 'mariadb', 'pymysql', 'mysqldb', 'sqlite', 'pysqlite', 'mssql', 'pyodbc', 'oracle', 'cx_oracle', 'oracledb'];
const PG = (s: string): boolean => /^(postgres|psycopg|asyncpg|pg8000)/.test(s.toLowerCase());

/**
 * A condition on the database the migration runs against, evaluated for PostgreSQL:
 * `bind.dialect.name == 'postgresql'`, `url.startswith('postgres')`, `'sqlite' in url`, with
 * `and`/`or`/`not`. Undefined when the condition is about something else.
 */
export function dialectCondition(src: string, scope: Scope, n: PyNode): boolean | undefined {
  switch (n.type) {
    case 'parenthesized_expression':
      return named(n)[0] ? dialectCondition(src, scope, named(n)[0]) : undefined;
    case 'not_operator': {
      const v = dialectCondition(src, scope, child(n, 'argument')!);
      return v === undefined ? undefined : !v;
    }
    case 'boolean_operator': {
      const a = dialectCondition(src, scope, child(n, 'left')!);
      const b = dialectCondition(src, scope, child(n, 'right')!);
      const op = textOf(src, child(n, 'operator') ?? n.children.find((c) => !c.named)!);
      if (op === 'and') return a === false || b === false ? false : a === true && b === true ? true : undefined;
      return a === true || b === true ? true : a === false && b === false ? false : undefined;
    }
    case 'comparison_operator': {
      const [l, r] = named(n);
      const ops = n.children.filter((c) => !c.named).map((c) => textOf(src, c));
      if (!l || !r || ops.length !== 1) return undefined;
      const op = ops[0];
      const ls = str(evaluate(scope, l));
      const rs = str(evaluate(scope, r));
      const lit = ls !== undefined && aboutDialect(src, r) ? ls : rs !== undefined && aboutDialect(src, l) ? rs : undefined;
      if (lit === undefined || !DIALECTS.some((d) => lit.toLowerCase().includes(d))) return undefined;
      if (op === '==' || op === 'is') return PG(lit);
      if (op === '!=' || op === 'is not') return !PG(lit);
      if (op === 'in' && ls !== undefined) return PG(ls);
      if (op === 'not in' && ls !== undefined) return !PG(ls);
      return undefined;
    }
    case 'call': {
      const fn = child(n, 'function');
      if (fn?.type !== 'attribute') return undefined;
      const method = textOf(src, child(fn, 'attribute')!);
      if (method !== 'startswith' || !aboutDialect(src, child(fn, 'object')!)) return undefined;
      const a = named(child(n, 'arguments')!)[0];
      const s = a ? str(evaluate(scope, a)) : undefined;
      if (s === undefined || !DIALECTS.some((d) => s.toLowerCase().startsWith(d) || d.startsWith(s.toLowerCase()))) return undefined;
      return 'postgresql+psycopg2://'.startsWith(s.toLowerCase()) || 'postgres://'.startsWith(s.toLowerCase());
    }
    default:
      return undefined;
  }
}

/** An expression about the connection's database (`bind.dialect.name`, `engine.url`, `url`, `dialect`). */
function aboutDialect(src: string, n: PyNode): boolean {
  const t = textOf(src, n).toLowerCase();
  return /dialect|url|engine|driver|bind|database|db_type|backend/.test(t);
}

function isOp(v: Extract<PyValue, { kind: 'call' }>, name: string): boolean {
  return v.fn === `alembic.op.${name}` || (v.method === name && v.object?.kind === 'name' && v.object.path === 'alembic.op');
}

/** Is `v` a connection: `op.get_bind()`, `op.get_context().connection`, `context.get_bind()`, `bind.connect()`? */
function isBind(v: PyValue | undefined): boolean {
  if (!v) return false;
  if (v.kind === 'call') {
    if (v.fn === 'alembic.op.get_bind' || v.fn === 'alembic.context.get_bind') return true;
    if ((v.method === 'get_bind' || v.method === 'connect') && v.object) return v.method === 'get_bind' || isBind(v.object);
  }
  if (v.kind === 'attr' && v.name === 'connection') return v.object.kind === 'call' && (v.object.fn === 'alembic.op.get_context' || v.object.method === 'get_context');
  return false;
}

/** Find the calls in a statement or expression (not inside lambdas/comprehension bodies' nested defs), in source order. */
function scanCalls(w: Walk, n: PyNode, ctx: Ctx): void {
  if (n.type === 'lambda' || n.type === 'function_definition' || n.type === 'class_definition') return;
  if (n.type === 'call') {
    if (handleCall(w, n, ctx)) return;
  }
  for (const c of n.children) scanCalls(w, c, ctx);
}

/** Classify one call; true when it was an operation (its arguments are not scanned again). */
function handleCall(w: Walk, n: PyNode, ctx: Ctx): boolean {
  const fnNode = child(n, 'function');
  if (!fnNode) return false;
  // batch_op.<operation>(…)
  if (fnNode.type === 'attribute') {
    const obj = child(fnNode, 'object')!;
    const method = textOf(w.src, child(fnNode, 'attribute')!);
    if (obj.type === 'identifier' && ctx.batches.has(textOf(w.src, obj)) && ALEMBIC_OPERATIONS.has(method)) {
      const batch = ctx.batches.get(textOf(w.src, obj))!;
      const v = evaluate(ctx.scope, n);
      if (v.kind !== 'call') return false;
      if (!batch.table) return add(w, n, ctx, `batch_op.${method}`, { kind: 'dynamic', reason: 'the table of op.batch_alter_table() cannot be read statically', node: n });
      return add(w, n, ctx, `batch_op.${method}`, translateAlembic(method, v, { src: w.src, batch }), v);
    }
  }
  const v = evaluate(ctx.scope, n);
  if (v.kind !== 'call') return false;
  const opName = v.fn?.startsWith('alembic.op.') ? v.fn.slice('alembic.op.'.length) : v.object?.kind === 'name' && v.object.path === 'alembic.op' ? v.method : undefined;
  if (opName !== undefined) {
    if (!ALEMBIC_OPERATIONS.has(opName)) return false;
    return add(w, n, ctx, `op.${opName}`, translateAlembic(opName, v, { src: w.src }), v);
  }
  if ((v.method === 'execute' || v.method === 'exec_driver_sql') && isBind(v.object)) {
    const a = v.args[0] ?? v.kwargs.get('statement');
    if (isCoreSelect(w.src, a)) return true; // a read: sends no DDL or DML
    return add(w, n, ctx, `${textOf(w.src, child(fnNode, 'object')!)}.execute`, sqlArgument(w.src, a, v), v);
  }
  // an ORM session (Flask-SQLAlchemy's `db.session`, `Session(bind=…)`): execute(sql) sends that
  // SQL; its ORM writes (add, delete, query(…).update() …) send SQL godwit cannot read
  // (`db.session.execute` with `db` imported is one dotted path)
  const sessionMethod = v.method && v.object && isSession(v.object) ? v.method : /(^|\.)session\.(\w+)$/i.exec(v.fn ?? '')?.[2];
  if (sessionMethod) {
    const callee = textOf(w.src, fnNode);
    if (sessionMethod === 'execute') {
      const a = v.args[0] ?? v.kwargs.get('statement');
      if (isCoreSelect(w.src, a)) return true;
      return add(w, n, ctx, callee, sessionSqlArgument(w.src, a, v), v);
    }
    if (SESSION_WRITES.has(sessionMethod)) return add(w, n, ctx, callee, { kind: 'dynamic', reason: `an ORM session's ${sessionMethod}() sends SQL godwit cannot read statically`, node: n }, v, true);
  }
  if ((v.method === 'update' || v.method === 'delete') && v.object?.kind === 'call' && isSessionQuery(v.object)) {
    return add(w, n, ctx, `query.${v.method}`, { kind: 'dynamic', reason: `an ORM query's ${v.method}() sends SQL godwit cannot read statically`, node: n }, v, true);
  }
  // a function of this file: walk its body with the arguments bound
  if (fnNode.type === 'identifier') {
    const def = w.functions.get(textOf(w.src, fnNode));
    if (def && !w.active.has(def) && w.depth < 8) {
      const params = child(def, 'parameters');
      const names = (params ? named(params) : []).map((p) => textOf(w.src, p.type === 'identifier' ? p : (child(p, 'name') ?? p)));
      const args = new Map<string, PyValue>();
      v.args.forEach((a, i) => {
        if (names[i]) args.set(names[i], a);
      });
      for (const [k, a] of v.kwargs) args.set(k, a);
      w.active.add(def);
      w.depth++;
      const scope = functionScope(w.module, def, args);
      const body = child(def, 'body');
      if (body) walkBlock(w, body, { scope, batches: ctx.batches, autocommit: ctx.autocommit, anchor: ctx.anchor });
      w.depth--;
      w.active.delete(def);
      return false;
    }
  }
  // a function from elsewhere given the migration's connection or `op`: what it sends is not in this file
  if ([...v.args, ...v.kwargs.values()].some((a) => isBind(a) || (a.kind === 'name' && a.path === 'alembic.op')) && !readsOnly(v)) {
    const what = isSession(v) ? 'an ORM session on the migration\'s connection: the SQL its objects send is not read' : `it is given the migration's connection: the SQL \`${textOf(w.src, fnNode)}\` sends is not in this file`;
    return add(w, n, ctx, textOf(w.src, fnNode), { kind: 'dynamic', reason: what, node: n }, v, true);
  }
  return false;
}

/** ORM session methods that send SQL (at once, or at the session's next flush). */
const SESSION_WRITES = new Set(['add', 'add_all', 'merge', 'delete', 'bulk_save_objects', 'bulk_insert_mappings', 'bulk_update_mappings']);

/** The dotted path of a callee through imports (`sqlalchemy.MetaData.reflect`), when it has one. */
function calleePath(v: PyValue | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === 'name') return v.path;
  if (v.kind !== 'call') return undefined;
  if (v.fn) return v.fn;
  const object = calleePath(v.object);
  return object && v.method ? `${object}.${v.method}` : undefined;
}

/** An ORM session: a name or attribute `session` (`db.session`), `Session(…)` / `scoped_session(…)` of SQLAlchemy. */
function isSession(v: PyValue): boolean {
  if (v.kind === 'name') return /(^|\.)session$/i.test(v.path);
  if (v.kind === 'attr') return v.name === 'session';
  return v.kind === 'call' && /^sqlalchemy\.orm\.(session\.)?(Session|scoped_session)$|^sqlalchemy\.orm\.sessionmaker$/.test(v.fn ?? '');
}

function isSessionQuery(v: Extract<PyValue, { kind: 'call' }>): boolean {
  if (v.method === 'query' && v.object) return isSession(v.object);
  return v.object?.kind === 'call' ? isSessionQuery(v.object) : false;
}

/** SQLAlchemy's and Alembic's own helpers given a connection read from it (inspect, reflection); create_all/drop_all write. */
function readsOnly(v: Extract<PyValue, { kind: 'call' }>): boolean {
  const path = calleePath(v) ?? '';
  return /^(sqlalchemy|alembic)\./.test(path) && !/\.(create_all|drop_all|create|drop)$/.test(path) && !isSession(v);
}

/** Record one call; `code`: not an operation but code that sends SQL (a helper, an ORM session's writes). */
function add(w: Walk, n: PyNode, ctx: Ctx, operation: string, t: Translation, v?: PyValue, code = false): boolean {
  const extras = ctx.autocommit ? { outsideTransaction: AUTOCOMMIT } : {};
  let call: ExtractedCall | undefined;
  if (t.kind === 'builder') call = builderCall(n, operation, t.statements, { ...extras, ...fixesFor(w, n, ctx, operation, v) });
  else if (t.kind === 'sql') call = sqlCall(n, operation, t.value, extras);
  else if (t.kind === 'dynamic') call = dynamicCall(w.src, n, operation, t.reason, t.node, { ...extras, builder: !code && !/\.execute$/.test(operation), code });
  if (!call) return true;
  w.calls.push(call);
  w.anchors.set(call, ctx.anchor ?? n.start);
  return true;
}

/**
 * Edits for op.create_index / op.drop_index. Inside an autocommit block (where the rule offers
 * its CONCURRENTLY fix) `, postgresql_concurrently=True` is added: a fix. Inside the migration's
 * transaction, the statement moved into `with op.get_context().autocommit_block():` with that
 * argument: a suggestion (it changes what runs in the transaction). Advice for what cannot be
 * edited in place.
 */
function fixesFor(w: Walk, n: PyNode, ctx: Ctx, operation: string, v: PyValue | undefined): { fixes?: Record<string, Edit>; suggestions?: Record<string, { desc: string; fix: Edit; leavesTransaction: true }>; advice?: Record<string, string> } {
  const op = operation.slice(operation.indexOf('.') + 1);
  if (op !== 'create_index' && op !== 'drop_index') return {};
  const rule = op === 'create_index' ? 'require-concurrent-index' : 'require-concurrent-index-drop';
  const advice = {
    [rule]: `Alembic: pass postgresql_concurrently=True and run the call inside \`with ${w.opName}.get_context().autocommit_block():\` (CONCURRENTLY cannot run in the migration's transaction)`,
    'no-concurrently-in-transaction': `Alembic: move the call into \`with ${w.opName}.get_context().autocommit_block():\`, which runs outside the migration's transaction`,
  };
  if (v?.kind !== 'call' || v.kwargs.has('postgresql_concurrently') || operation.startsWith('batch_op.')) return { advice };
  const args = child(n, 'arguments');
  const last = args ? named(args).at(-1) : undefined;
  if (!args || !last) return { advice };
  const kw = `, postgresql_concurrently=True`;
  if (ctx.autocommit || !w.wrapped) return { fixes: { [rule]: { range: [last.end, last.end], text: kw } }, advice };
  // move the statement into an autocommit block: the call must be the whole statement, its lines
  // re-indented without changing a string (no multi-line literal inside)
  const st = n.parent;
  if (st?.type !== 'expression_statement' || st.start !== n.start || st.end !== n.end) return { advice };
  const lineStart = w.src.lastIndexOf('\n', st.start - 1) + 1;
  const indent = w.src.slice(lineStart, st.start);
  if (!/^[ \t]*$/.test(indent) || hasMultilineString(w.src, n)) return { advice };
  const unit = indent.includes('\t') ? '\t' : '    ';
  const callText = w.src.slice(n.start, last.end) + kw + w.src.slice(last.end, n.end);
  const body = callText.replace(/\r?\n/g, (nl) => `${nl}${unit}`);
  const nl = w.src.includes('\r\n') ? '\r\n' : '\n';
  const fix: Edit = { range: [st.start, st.end], text: `with ${w.opName}.get_context().autocommit_block():${nl}${indent}${unit}${body}` };
  return { suggestions: { [rule]: { desc: `Run ${operation}() with postgresql_concurrently=True in an autocommit block`, fix, leavesTransaction: true } }, advice };
}

function hasMultilineString(src: string, n: PyNode): boolean {
  if (n.type === 'string' && /[\r\n]/.test(src.slice(n.start, n.end))) return true;
  return n.children.some((c) => hasMultilineString(src, c));
}
