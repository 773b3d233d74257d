/**
 * The shape of a JS/TS migration: where its `up` and `down` are, which runner's API it uses,
 * and whether the runner wraps it in a transaction. Everything is read from the AST.
 *
 * Runner semantics (verified against each tool's source and docs; see docs/runners.md):
 * - TypeORM — MigrationExecutor.executePendingMigrations(): migrationsTransactionMode "all"
 *   (the default) runs every pending migration in one transaction, "each" one per
 *   migration, "none" without; a migration's `transaction` property overrides the mode only
 *   in "each"/"none" (in "all" TypeORM throws ForbiddenTransactionModeOverrideError).
 *   Migrations are ordered by the last 13 digits of the class name (getMigrations()).
 * - Knex — Migrator.latest(): one transaction around every pending migration unless
 *   `disableTransactions` is set (read from the knexfile: knexfile.ts) or a pending migration's
 *   `config.transaction` is false;
 *   then _waterfallBatch() wraps each migration on its own (_useTransaction), and a migration
 *   with `config = { transaction: false }` runs without one.
 * - node-pg-migrate — migration.ts _apply(): with --single-transaction (the CLI default) all
 *   pending migrations share one transaction; `pgm.noTransaction()` makes the migration break
 *   out of it (COMMIT; steps one by one; BEGIN). `pgm.sql()` steps are queued and run after
 *   `up()` returns, one `db.query()` each.
 * - MikroORM — MigrationRunner.run(): a migration runs in a transaction (inside the master
 *   transaction of `allOrNothing`) unless `transactional: false` or its `isTransactional()`
 *   returns false; `addSql()` queries are queued and run after `up()`, `execute()` runs at once.
 * - Sequelize (sequelize-cli / umzug) — no transaction ("Sequelize does not use transactions by
 *   default"); a query joins one only when it passes `{ transaction: t }` (without CLS).
 * - Kysely — Migrator #runMigrations(): on PostgreSQL (supportsTransactionalDdl) every pending
 *   migration runs in one transaction ('per-run', the default); `transactionMode: 'none'` /
 *   `disableTransactions` turn it off, and with `transactionMode: 'per-migration'` a migration
 *   exporting `config = { transaction: false }` runs without one.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { keyName, memberPath, parentOf, resolveBinding, unwrap, walk, type Node } from './ast.js';
import type { JsRunnerName } from './types.js';
import { basename } from 'node:path';
import { knexfileSetting } from './knexfile.js';

export type FunctionNode = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

export interface MigrationShape {
  up?: FunctionNode;
  down?: FunctionNode;
  /** the migration class (TypeORM, MikroORM) */
  cls?: TSESTree.ClassDeclaration | TSESTree.ClassExpression;
  className?: string;
  /** `export const config = { … }` / `exports.config = { … }` (Knex, Kysely) */
  config?: TSESTree.ObjectExpression;
}

export function findShape(program: TSESTree.Program): MigrationShape {
  const shape: MigrationShape = {};
  // a class with an `up` method (TypeORM, MikroORM)
  walk(program, (n) => {
    if (shape.cls) return false;
    if ((n.type === 'ClassDeclaration' || n.type === 'ClassExpression') && classMethod(n, 'up')) {
      shape.cls = n;
      shape.className = n.id?.name ?? classNameFromParent(n);
      shape.up = classMethod(n, 'up');
      shape.down = classMethod(n, 'down');
      return false;
    }
    return n.type === 'Program' || isStatementContainer(n) || n.type === 'ExportNamedDeclaration' || n.type === 'ExportDefaultDeclaration' || n.type === 'ExpressionStatement' || n.type === 'AssignmentExpression' || n.type === 'VariableDeclaration' || n.type === 'VariableDeclarator';
  });
  if (shape.cls) return shape;
  // exported functions (Knex, node-pg-migrate, Kysely, Sequelize)
  for (const st of program.body) {
    if (st.type === 'ExportNamedDeclaration') {
      const d = st.declaration;
      if (d?.type === 'FunctionDeclaration' && d.id) setExport(shape, d.id.name, d, program);
      else if (d?.type === 'VariableDeclaration') {
        for (const v of d.declarations) if (v.id.type === 'Identifier' && v.init) setExport(shape, v.id.name, v.init, program);
      }
      for (const s of st.specifiers) {
        const exported = s.exported.type === 'Identifier' ? s.exported.name : String(s.exported.value);
        if (s.local.type === 'Identifier') setExport(shape, exported, s.local, program);
      }
    } else if (st.type === 'ExportDefaultDeclaration') {
      const d = unwrap(st.declaration as Node);
      if (d.type === 'ObjectExpression') objectExports(shape, d, program);
    } else if (st.type === 'ExpressionStatement' && st.expression.type === 'AssignmentExpression' && st.expression.operator === '=') {
      const left = memberPath(st.expression.left);
      const right = unwrap(st.expression.right);
      if (left === 'module.exports' || left === 'exports') {
        if (right.type === 'ObjectExpression') objectExports(shape, right, program);
        else if (right.type === 'Identifier') {
          const b = resolveBinding(right, program);
          if (b?.kind === 'const' && unwrap(b.init).type === 'ObjectExpression') objectExports(shape, unwrap(b.init) as TSESTree.ObjectExpression, program);
        }
      } else if (left?.startsWith('exports.') || left?.startsWith('module.exports.')) {
        setExport(shape, left.slice(left.lastIndexOf('.') + 1), right, program);
      }
    }
  }
  return shape;
}

function isStatementContainer(n: Node): boolean {
  return n.type === 'BlockStatement';
}

function classNameFromParent(n: Node): string | undefined {
  const p = parentOf(n);
  if (p?.type === 'VariableDeclarator' && p.id.type === 'Identifier') return p.id.name;
  if (p?.type === 'AssignmentExpression') return memberPath(p.left)?.split('.').pop();
  return undefined;
}

/** A method or arrow-function property of a class. */
export function classMethod(cls: TSESTree.ClassDeclaration | TSESTree.ClassExpression, name: string): FunctionNode | undefined {
  for (const m of cls.body.body) {
    if (m.type === 'MethodDefinition' && m.kind === 'method' && !m.static && keyName(m.key, m.computed) === name && m.value.type === 'FunctionExpression') return m.value;
    if (m.type === 'PropertyDefinition' && !m.static && keyName(m.key, m.computed) === name && m.value) {
      const v = unwrap(m.value);
      if (v.type === 'ArrowFunctionExpression' || v.type === 'FunctionExpression') return v;
    }
  }
  return undefined;
}

function objectExports(shape: MigrationShape, obj: TSESTree.ObjectExpression, program: TSESTree.Program): void {
  for (const p of obj.properties) {
    if (p.type !== 'Property') continue;
    const name = keyName(p.key, p.computed);
    if (name) setExport(shape, name, p.value as Node, program);
  }
}

function setExport(shape: MigrationShape, name: string, value: Node, program: TSESTree.Program): void {
  if (name === 'config') {
    const v = resolveValue(value, program);
    if (v?.type === 'ObjectExpression') shape.config = v;
    return;
  }
  if (name !== 'up' && name !== 'down') return;
  const fn = resolveValue(value, program);
  if (fn && (fn.type === 'FunctionExpression' || fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionDeclaration')) shape[name] = fn;
}

function resolveValue(value: Node, program: TSESTree.Program): Node | undefined {
  const v = unwrap(value);
  if (v.type !== 'Identifier') return v;
  const b = resolveBinding(v, program);
  if (b?.kind === 'function') return b.fn;
  if (b?.kind === 'const') return unwrap(b.init);
  return undefined;
}

/** The first parameter's name (`queryRunner`, `knex`, `pgm`, `db`, `queryInterface`). */
export function paramNames(fn: FunctionNode | undefined): Array<string | undefined> {
  if (!fn) return [];
  return fn.params.map((p) => {
    const u = p.type === 'AssignmentPattern' ? p.left : p.type === 'TSParameterProperty' ? p.parameter : p;
    return u.type === 'Identifier' ? u.name : undefined;
  });
}

const MODULES: Array<[(m: string) => boolean, JsRunnerName]> = [
  [(m) => m === 'typeorm' || m.startsWith('typeorm/'), 'typeorm'],
  [(m) => m.startsWith('@mikro-orm/'), 'mikro-orm'],
  [(m) => m === 'knex' || m.startsWith('knex/'), 'knex'],
  [(m) => m === 'node-pg-migrate' || m.startsWith('node-pg-migrate/'), 'node-pg-migrate'],
  [(m) => m === 'kysely' || m.startsWith('kysely/'), 'kysely'],
  [(m) => m === 'sequelize' || m === 'sequelize-cli' || m === '@sequelize/core' || m === 'sequelize-typescript' || m === 'umzug', 'sequelize'],
];

const TYPES: Record<string, JsRunnerName> = { QueryRunner: 'typeorm', Knex: 'knex', MigrationBuilder: 'node-pg-migrate', Kysely: 'kysely', QueryInterface: 'sequelize' };
const NAMES: Record<string, JsRunnerName> = { queryRunner: 'typeorm', knex: 'knex', pgm: 'node-pg-migrate', queryInterface: 'sequelize', db: 'kysely' };

/** Which runner the file is written for, and the evidence. */
export function detectRunner(program: TSESTree.Program, shape: MigrationShape, comments: TSESTree.Comment[]): { runner?: JsRunnerName; by: string } {
  const cls = shape.cls;
  if (cls) {
    if (cls.implements?.some((i) => memberPath(i.expression) === 'MigrationInterface')) return { runner: 'typeorm', by: 'a class implementing MigrationInterface' };
    const sup = cls.superClass ? memberPath(cls.superClass) : undefined;
    if (sup === 'Migration' || sup?.endsWith('.Migration')) return { runner: 'mikro-orm', by: 'a class extending Migration' };
  }
  for (const m of modulesUsed(program, comments)) {
    const hit = MODULES.find(([test]) => test(m));
    if (hit) return { runner: hit[1], by: `import from '${m}'` };
  }
  const up = shape.up;
  const first = up?.params[0];
  const ann = first && 'typeAnnotation' in first ? first.typeAnnotation?.typeAnnotation : undefined;
  if (ann?.type === 'TSTypeReference') {
    const t = typeName(ann.typeName);
    if (t && TYPES[t]) return { runner: TYPES[t], by: `up(… : ${t})` };
  }
  const [p0] = paramNames(up);
  const usage = up ? usageOf(up, p0) : undefined;
  if (usage) return usage;
  if (cls) {
    if (shape.className && /\d{13}$/.test(shape.className)) return { runner: 'typeorm', by: 'a migration class named <Name><timestamp>' };
    return { runner: 'mikro-orm', by: 'a migration class' };
  }
  if (p0 && NAMES[p0]) return { runner: NAMES[p0], by: `up(${p0})` };
  return { by: 'nothing recognised' };
}

function typeName(n: TSESTree.EntityName): string | undefined {
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'TSQualifiedName') return typeName(n.left as TSESTree.EntityName);
  return undefined;
}

/** Module specifiers the file imports or requires (also `import('x')` in types and JSDoc). */
function modulesUsed(program: TSESTree.Program, comments: TSESTree.Comment[]): string[] {
  const out: string[] = [];
  walk(program, (n) => {
    if (n.type === 'ImportDeclaration') out.push(String(n.source.value));
    else if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require') {
      const a = n.arguments[0];
      if (a?.type === 'Literal' && typeof a.value === 'string') out.push(a.value);
    } else if (n.type === 'TSImportType') {
      const arg = (n as unknown as { argument?: Node }).argument;
      const lit = arg && arg.type === 'TSLiteralType' ? arg.literal : arg;
      if (lit?.type === 'Literal' && typeof lit.value === 'string') out.push(lit.value);
    } else if (n.type === 'ImportExpression' && n.source.type === 'Literal' && typeof n.source.value === 'string') out.push(n.source.value);
  });
  // JSDoc types: /** @type {import('sequelize-cli').Migration} */
  for (const c of comments) {
    if (c.type !== 'Block') continue;
    for (const q of ["'", '"']) {
      for (let at = c.value.indexOf(`import(${q}`); at !== -1; at = c.value.indexOf(`import(${q}`, at + 1)) {
        const end = c.value.indexOf(`${q})`, at + 8);
        if (end !== -1) out.push(c.value.slice(at + 8, end));
      }
    }
  }
  return out;
}

/** Evidence from what `up` does with its first parameter (or `this`). */
function usageOf(up: FunctionNode, p0: string | undefined): { runner: JsRunnerName; by: string } | undefined {
  let found: { runner: JsRunnerName; by: string } | undefined;
  walk(up.body, (n) => {
    if (found) return false;
    if (n.type === 'CallExpression') {
      const path = memberPath(n.callee);
      if (path === 'this.addSql' || path === 'this.execute') found = { runner: 'mikro-orm', by: path };
      else if (p0 && path === `${p0}.sql`) found = { runner: 'node-pg-migrate', by: path };
      else if (p0 && (path === `${p0}.raw` || path?.startsWith(`${p0}.schema.`))) found = { runner: 'knex', by: path };
      else if (p0 && path?.startsWith(`${p0}.sequelize.`)) found = { runner: 'sequelize', by: path };
      else if (p0 && path === `${p0}.query`) found = { runner: 'typeorm', by: path };
      else if (n.callee.type === 'MemberExpression' && n.callee.object.type === 'TaggedTemplateExpression' && memberPath(n.callee.object.tag) === 'sql') found = { runner: 'kysely', by: 'sql`…`.execute()' };
    }
    return undefined;
  });
  if (!found && up.params.length === 2 && p0 && /queryinterface|qi/i.test(p0)) found = { runner: 'sequelize', by: `up(${p0}, Sequelize)` };
  return found;
}

export interface TxFacts {
  wrapped: boolean;
  reason: string;
  /** wording for a statement inside the runner's transaction */
  origin: string;
}

function lineOf(n: Node): number {
  return n.loc.start.line;
}

/** How the runner wraps this migration (runner defaults + the file's own opt-out). */
export function transactionFacts(runner: JsRunnerName | undefined, shape: MigrationShape, path?: string): TxFacts {
  switch (runner) {
    case 'typeorm': {
      const flag = shape.cls ? classFlag(shape.cls, 'transaction') : undefined;
      if (flag && flag.value === false) {
        return {
          wrapped: false,
          reason: `\`transaction = false\` (line ${lineOf(flag.node)}): TypeORM runs this migration without a transaction (this needs migrationsTransactionMode "each" or "none"; in "all", the default, TypeORM refuses the override)`,
          origin: '',
        };
      }
      return {
        wrapped: true,
        reason:
          'TypeORM runs all pending migrations in one transaction (migrationsTransactionMode "all", the default); to opt out, set `transaction = false` on the migration class and run with migrationsTransactionMode "each"',
        origin: 'inside the transaction TypeORM wraps around the pending migrations (migrationsTransactionMode "all", the default)',
      };
    }
    case 'knex':
    case 'kysely': {
      const t = configTransaction(shape.config);
      const name = runner === 'knex' ? 'Knex' : 'Kysely';
      // Knex: `migrations.disableTransactions` in the knexfile, unless the migration sets config.transaction
      const knexfile = runner === 'knex' && path && !(t && typeof t.value === 'boolean') ? knexfileSetting(path) : undefined;
      if (knexfile?.disableTransactions) {
        return {
          wrapped: false,
          reason: `\`migrations: { disableTransactions: true }\` in ${basename(knexfile.file)}: Knex runs the migrations without a transaction, each query on its own (a migration opts back in with \`config = { transaction: true }\`)`,
          origin: '',
        };
      }
      if (t && t.value === false) {
        return {
          wrapped: false,
          reason:
            runner === 'knex'
              ? `\`config = { transaction: false }\` (line ${lineOf(t.node)}): Knex runs this migration without a transaction, each query on its own`
              : `\`config = { transaction: false }\` (line ${lineOf(t.node)}): Kysely runs this migration without a transaction (with transactionMode 'per-migration'; in the default 'per-run' mode Kysely refuses the migration)`,
          origin: '',
        };
      }
      return {
        wrapped: true,
        reason:
          runner === 'knex'
            ? 'Knex runs the pending migrations in a transaction (all of them in one unless one opts out); opt out with `export const config = { transaction: false }`'
            : "Kysely's Migrator runs all pending migrations in one transaction on PostgreSQL (transactionMode 'per-run', the default); opt out with transactionMode 'per-migration' and `export const config = { transaction: false }`, or transactionMode 'none'",
        origin: `inside the transaction ${name} wraps around the pending migrations`,
      };
    }
    case 'node-pg-migrate': {
      const call = shape.up ? findCall(shape.up, (path) => path.endsWith('.noTransaction')) : undefined;
      if (call) {
        return {
          wrapped: false,
          reason: `\`pgm.noTransaction()\` (line ${lineOf(call)}): node-pg-migrate runs this migration's steps one by one, outside the transaction`,
          origin: '',
        };
      }
      return {
        wrapped: true,
        reason: 'node-pg-migrate runs all pending migrations in one transaction (--single-transaction, the CLI default); opt out with `pgm.noTransaction()`',
        origin: 'inside the transaction node-pg-migrate wraps around the pending migrations (--single-transaction, the default)',
      };
    }
    case 'mikro-orm': {
      const m = shape.cls ? classMethod(shape.cls, 'isTransactional') : undefined;
      const value = m ? returnedBoolean(m) : undefined;
      if (m && value === false) {
        return {
          wrapped: false,
          reason: `\`isTransactional()\` returns false (line ${lineOf(m)}): MikroORM runs this migration's queries one by one, without a transaction`,
          origin: '',
        };
      }
      return {
        wrapped: true,
        reason:
          'MikroORM runs each migration in a transaction, inside one master transaction around all pending migrations (transactional and allOrNothing, the defaults); opt out with `isTransactional() { return false; }`',
        origin: "inside the transaction MikroORM wraps around the migration (and the master transaction of allOrNothing)",
      };
    }
    case 'sequelize':
      return {
        wrapped: false,
        reason:
          'Sequelize (sequelize-cli, umzug) runs migrations without a transaction: each query runs on its own unless it passes `{ transaction }` from `sequelize.transaction()`',
        origin: '',
      };
    default:
      return { wrapped: false, reason: 'no migration runner recognised in this file: each query is assumed to run on its own', origin: '' };
  }
}

/** `transaction = false` as a class field, or `this.transaction = false` in the constructor. */
function classFlag(cls: TSESTree.ClassDeclaration | TSESTree.ClassExpression, name: string): { value: unknown; node: Node } | undefined {
  for (const m of cls.body.body) {
    if (m.type === 'PropertyDefinition' && !m.static && keyName(m.key, m.computed) === name && m.value?.type === 'Literal') return { value: m.value.value, node: m };
    if (m.type === 'MethodDefinition' && m.kind === 'constructor') {
      let hit: { value: unknown; node: Node } | undefined;
      walk(m.value.body!, (n) => {
        if (n.type === 'AssignmentExpression' && memberPath(n.left) === `this.${name}` && n.right.type === 'Literal') hit = { value: n.right.value, node: n };
      });
      if (hit) return hit;
    }
  }
  return undefined;
}

function configTransaction(config: TSESTree.ObjectExpression | undefined): { value: unknown; node: Node } | undefined {
  for (const p of config?.properties ?? []) {
    if (p.type === 'Property' && keyName(p.key, p.computed) === 'transaction' && p.value.type === 'Literal') return { value: p.value.value, node: p };
  }
  return undefined;
}

function returnedBoolean(fn: FunctionNode): boolean | undefined {
  if (fn.body.type !== 'BlockStatement') return fn.body.type === 'Literal' && typeof fn.body.value === 'boolean' ? fn.body.value : undefined;
  const ret = fn.body.body.find((s) => s.type === 'ReturnStatement');
  return ret?.type === 'ReturnStatement' && ret.argument?.type === 'Literal' && typeof ret.argument.value === 'boolean' ? ret.argument.value : undefined;
}

function findCall(fn: FunctionNode, test: (path: string) => boolean): Node | undefined {
  let hit: Node | undefined;
  walk(fn.body, (n) => {
    if (hit) return false;
    if (n.type === 'CallExpression') {
      const p = memberPath(n.callee);
      if (p && test(p)) hit = n;
    }
    return undefined;
  });
  return hit;
}
