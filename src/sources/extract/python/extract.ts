/**
 * extractPyMigration(): read a Python migration (Alembic revision, Django migration) statically —
 * its runner, the operations its upgrade runs as statements (builders/), the SQL it sends, what
 * cannot be read (dynamic-sql), the transaction the runner puts around it, and the suppression
 * comments written above its calls. The same ExtractedMigration as for JS/TS, so linting,
 * history, suppressions and positions work the same way (../lint.ts).
 */
import { emptyMigration } from '../empty.js';
import type { ExtractedCall, ExtractedMigration, PyRunnerName } from '../types.js';
import { alembicCalls, alembicRevision, type AlembicRevision } from './alembic.js';
import { attachPyDirectives } from './calls.js';
import { djangoCalls, djangoMigration, type DjangoMigrationInfo } from './django.js';
import type { DjangoState } from '../builders/django.js';
import { child, PyParseError, parsePython, textOf, type PyNode } from './parse.js';
import { moduleScope, type Scope } from './values.js';

export interface PyExtractOptions {
  /** the runner, instead of detecting it from the file */
  runner?: PyRunnerName;
  /** Alembic: env.py configures `transaction_per_migration=True` */
  transactionPerMigration?: boolean;
  /** Django: the app this migration belongs to (the folder holding `migrations/`) */
  appLabel?: string;
  /** Django: the project state before this migration (builders/django.ts); it is updated in place */
  state?: DjangoState;
  /** read only what root detection needs (runner, revision identifiers, dependencies), not the calls */
  headerOnly?: boolean;
}

export interface PyMigration extends ExtractedMigration {
  alembic?: AlembicRevision;
  django?: DjangoMigrationInfo;
}

export function extractPyMigration(path: string, raw: string, opts: PyExtractOptions = {}): PyMigration {
  const empty: PyMigration = emptyMigration(path, raw, opts.runner);
  const { text } = empty;
  let module: PyNode;
  try {
    module = parsePython(text);
  } catch (e) {
    if (!(e instanceof PyParseError)) throw e;
    const { line, column } = lineColumn(text, e.index);
    return { ...empty, error: { message: e.message, index: e.index, line, column } };
  }
  const scope = moduleScope(text, module);
  const detected = opts.runner ? { runner: opts.runner, by: `--runner ${opts.runner}` } : detectPyRunner(text, scope, module);
  if (!detected.runner) return { ...empty, detectedBy: detected.by };
  let calls: ExtractedCall[] = [];
  let anchors = new Map<ExtractedCall, number>();
  const out: PyMigration = { ...empty, runner: detected.runner, detectedBy: detected.by };
  if (detected.runner === 'alembic') {
    const upgrade = topFunction(text, module, 'upgrade');
    const perMigration = !!opts.transactionPerMigration;
    out.alembic = alembicRevision(scope);
    out.hasUp = !!upgrade;
    out.wrapped = true;
    out.transaction = perMigration ? 'file' : 'all';
    out.txReason = perMigration
      ? 'Alembic runs each migration in its own transaction on PostgreSQL (transaction_per_migration=True in env.py); `with op.get_context().autocommit_block():` runs outside it'
      : 'Alembic runs all pending migrations in one transaction on PostgreSQL (transactional DDL; transaction_per_migration=False, the default); `with op.get_context().autocommit_block():` runs outside it';
    out.txOrigin = perMigration ? 'inside the transaction Alembic opens for each migration (transaction_per_migration=True)' : 'inside the transaction Alembic wraps around the pending migrations (transactional DDL on PostgreSQL)';
    if (upgrade && !opts.headerOnly) ({ calls, anchors } = alembicCalls(text, scope, upgrade, true));
  } else {
    const info = djangoMigration(text, scope, module, opts.appLabel);
    out.django = info;
    out.hasUp = !!info.operations;
    out.wrapped = info.atomic;
    out.transaction = info.atomic ? 'file' : 'none';
    out.txReason = info.atomic
      ? 'Django runs each migration in a transaction on PostgreSQL (Migration.atomic = True, the default); `atomic = False` on the Migration class opts out'
      : 'atomic = False: Django runs each statement of this migration on its own, in autocommit';
    out.txOrigin = 'inside the transaction Django opens for the migration (atomic = True, the default)';
    if (info.operations && !opts.headerOnly) ({ calls, anchors } = djangoCalls(text, scope, info, opts.state));
  }
  out.fileDirectives = attachPyDirectives(text, module, calls, anchors);
  out.calls = calls;
  out.fragments = calls.filter((c) => c.kind === 'sql');
  out.dynamic = calls.filter((c) => c.kind === 'dynamic');
  out.builderCalls = calls.filter((c) => c.kind === 'builder').length;
  return out;
}

/** Alembic: module-level `revision = …` and a `def upgrade`; Django: `class Migration(migrations.Migration)`. */
export function detectPyRunner(src: string, scope: Scope, module: PyNode): { runner: PyRunnerName | undefined; by: string } {
  for (const st of module.children) {
    if (st.type !== 'class_definition') continue;
    const sup = child(st, 'superclasses');
    const bases = sup ? sup.children.filter((c) => c.named).map((c) => textOf(src, c)) : [];
    const resolved = bases.map((b) => {
      const head = b.split('.')[0];
      const imp = scope.imports.get(head);
      return imp ? imp + b.slice(head.length) : b;
    });
    if (resolved.some((b) => b === 'django.db.migrations.Migration' || b === 'django.db.migrations.migration.Migration')) return { runner: 'django', by: 'class Migration(migrations.Migration)' };
  }
  if (scope.names.get('revision')?.kind === 'value' && topFunction(src, module, 'upgrade')) return { runner: 'alembic', by: "module-level `revision = …` and `def upgrade()`" };
  return { runner: undefined, by: 'nothing recognised' };
}

function topFunction(src: string, module: PyNode, name: string): PyNode | undefined {
  for (const st of module.children) {
    const def = st.type === 'decorated_definition' ? child(st, 'definition') : st;
    if (def?.type === 'function_definition' && textOf(src, child(def, 'name')!) === name) return def;
  }
  return undefined;
}

function lineColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: index - start + 1 };
}
