/**
 * Reading a Django migration: `class Migration(migrations.Migration)` with its `dependencies`,
 * `operations`, `atomic`, `replaces`, `run_before`; each operation translated in order against
 * the project state (builders/django.ts), statements Django defers (FK constraints, indexes of
 * new fields) placed at the end of the migration, as the schema editor runs them on exit.
 */
import type { ExtractedCall } from '../types.js';
import { DJANGO_OPERATIONS, DjangoState, translateDjango, type DjangoContext, type DjangoResult } from '../builders/django.js';
import { builderCall, dynamicCall, sqlCall } from './calls.js';
import { child, named, textOf, type PyNode } from './parse.js';
import { bool, evaluate, str, type PyValue, type Scope } from './values.js';

export interface DjangoMigrationInfo {
  app: string | undefined;
  /** (app_label, migration name); `__first__` / `__latest__` as written; swappable settings dependencies left out */
  dependencies: Array<[string, string]>;
  replaces: Array<[string, string]>;
  runBefore: Array<[string, string]>;
  atomic: boolean;
  /** the `operations = [...]` list node */
  operations: PyNode | undefined;
  classNode: PyNode | undefined;
}

export function djangoMigration(src: string, scope: Scope, module: PyNode, app: string | undefined): DjangoMigrationInfo {
  const info: DjangoMigrationInfo = { app, dependencies: [], replaces: [], runBefore: [], atomic: true, operations: undefined, classNode: undefined };
  const cls = module.children.find((st) => st.type === 'class_definition' && textOf(src, child(st, 'name')!) === 'Migration') ?? module.children.find((st) => st.type === 'class_definition');
  if (!cls) return info;
  info.classNode = cls;
  const body = child(cls, 'body');
  for (const st of body ? named(body) : []) {
    const a = st.type === 'expression_statement' ? named(st)[0] : undefined;
    if (a?.type !== 'assignment') continue;
    const left = child(a, 'left');
    const right = child(a, 'right');
    if (left?.type !== 'identifier' || !right) continue;
    const name = textOf(src, left);
    if (name === 'operations') info.operations = right;
    else if (name === 'atomic') info.atomic = bool(evaluate(scope, right)) !== false;
    else if (name === 'dependencies' || name === 'replaces' || name === 'run_before') {
      const pairs = pairsOf(evaluate(scope, right));
      if (name === 'dependencies') info.dependencies = pairs;
      else if (name === 'replaces') info.replaces = pairs;
      else info.runBefore = pairs;
    }
  }
  return info;
}

function pairsOf(v: PyValue): Array<[string, string]> {
  if (v.kind !== 'seq') return [];
  const out: Array<[string, string]> = [];
  for (const it of v.items) {
    if (it.kind !== 'seq' || it.items.length !== 2) continue;
    const a = str(it.items[0]);
    const b = str(it.items[1]);
    if (a !== undefined && b !== undefined) out.push([a, b]);
  }
  return out;
}

/** The operations' calls, with the state updated (a fresh state when none is given). */
export function djangoCalls(src: string, scope: Scope, info: DjangoMigrationInfo, state = new DjangoState()): { calls: ExtractedCall[]; anchors: Map<ExtractedCall, number> } {
  const calls: ExtractedCall[] = [];
  const anchors = new Map<ExtractedCall, number>();
  const deferred: Array<{ d: DjangoResult['deferred'][number]; node: PyNode; op: string }> = [];
  const app = info.app ?? 'app';
  const ctx: DjangoContext = { src, app, state, evaluate: (n) => evaluate(scope, n) };
  const run = (node: PyNode, stateOnly: boolean): void => {
    const v = evaluate(scope, node);
    if (v.kind !== 'call') {
      if (!stateOnly) add(dynamicCall(src, node, 'operation', `\`${textOf(src, node).slice(0, 60)}\` is not an operation godwit can read (${v.kind === 'unknown' ? v.reason : 'computed at run time'})`, node), node);
      return;
    }
    const op = opName(v);
    if (!op || !DJANGO_OPERATIONS.has(op)) {
      if (!stateOnly) add(dynamicCall(src, node, v.fn ?? 'operation', `\`${(v.fn ?? textOf(src, node)).slice(0, 60)}\` is not a Django operation godwit knows`, node), node);
      return;
    }
    const label = `migrations.${op}`;
    if (op === 'SeparateDatabaseAndState') {
      for (const sub of listItems(v.kwargs.get('state_operations') ?? v.args[1])) run(sub.node, true);
      for (const sub of listItems(v.kwargs.get('database_operations') ?? v.args[0])) runDb(sub.node);
      return;
    }
    const t = translateDjango(op, v, { ...ctx, stateOnly });
    if (stateOnly) return;
    const extras = { advice: adviceFor(op, info) };
    if (t.kind === 'builder') {
      if (t.drop) {
        for (let i = deferred.length - 1; i >= 0; i--) {
          const d = deferred[i].d;
          if (d.table === t.drop.table && (!t.drop.column || d.columns.includes(t.drop.column))) deferred.splice(i, 1);
        }
      }
      add(builderCall(node, label, t.statements, extras), node);
      for (const d of t.deferred) deferred.push({ d, node, op: label });
    } else if (t.kind === 'sql') {
      // RunSQL runs a list item by item, and a script statement by statement (sqlparse.split)
      for (const val of t.values) {
        const call = sqlCall(node, label, val);
        call.eachStatement = true;
        add(call, node);
      }
      if (t.stateOps) for (const sub of listItems(t.stateOps)) run(sub.node, true);
    } else if (t.kind === 'dynamic') {
      add(dynamicCall(src, node, label, t.reason, t.node, { builder: op !== 'RunSQL' }), node);
    }
  };
  const runDb = (node: PyNode): void => run(node, false);
  const add = (call: ExtractedCall, node: PyNode): void => {
    calls.push(call);
    anchors.set(call, node.start);
  };
  for (const el of info.operations ? named(info.operations) : []) runDb(el);
  // the schema editor runs its deferred statements when it exits, at the end of the migration
  for (const { d, node, op } of deferred) {
    const call = builderCall(node, op, [d.sql], { advice: adviceFor(op.slice('migrations.'.length), info) });
    add(call, node);
  }
  return { calls, anchors };
}

function listItems(v: PyValue | undefined): PyValue[] {
  return v?.kind === 'seq' ? v.items : [];
}

/** `migrations.AddField`, `AddIndexConcurrently` (contrib.postgres) → the operation's class name. */
function opName(v: Extract<PyValue, { kind: 'call' }>): string | undefined {
  const fn = v.fn;
  if (!fn) return undefined;
  const leaf = fn.slice(fn.lastIndexOf('.') + 1);
  if (fn.startsWith('django.') || fn.startsWith('migrations.') || !fn.includes('.')) return leaf;
  return DJANGO_OPERATIONS.has(leaf) ? leaf : undefined;
}

/** Django's way to make an operation safe, appended to the finding of the rule it answers. */
function adviceFor(op: string, info: DjangoMigrationInfo): Record<string, string> {
  const nonAtomic = info.atomic ? 'in a migration with `atomic = False`' : '(this migration already has `atomic = False`)';
  switch (op) {
    case 'AddIndex':
    case 'AddField':
    case 'AlterField':
    case 'CreateModel':
      return {
        'require-concurrent-index': `Django: create the index with django.contrib.postgres.operations.AddIndexConcurrently ${nonAtomic}`,
        'require-not-valid-constraint': 'Django: add a CheckConstraint with django.contrib.postgres.operations.AddConstraintNotValid, then ValidateConstraint in a later migration',
      };
    case 'RemoveIndex':
      return { 'require-concurrent-index-drop': `Django: drop the index with django.contrib.postgres.operations.RemoveIndexConcurrently ${nonAtomic}` };
    case 'AddConstraint':
      return { 'require-not-valid-constraint': 'Django: use django.contrib.postgres.operations.AddConstraintNotValid, then ValidateConstraint in a later migration' };
    case 'AddIndexConcurrently':
    case 'RemoveIndexConcurrently':
      return { 'no-concurrently-in-transaction': 'Django: set `atomic = False` on the Migration class' };
    default:
      return {};
  }
}
