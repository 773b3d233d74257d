/**
 * The contract between calls.ts and the per-tool translators of builders/: a translator
 * looks at one call of a migration's `up` and says whether it is one of its tool's migration
 * operations, and if so which statements the tool sends for it (or why it cannot tell).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Edit } from '../../../engine/types.js';
import type { Node } from '../ast.js';
import type { JsRunnerName } from '../types.js';
import type { Value, ValueEnv } from './values.js';

export interface BuilderEnv extends ValueEnv {
  runner: JsRunnerName;
  /** the static value of an argument (builders/values.ts) */
  value(n: Node): Value;
  /** the role of the expression's root identifier opens a transaction (knex.transaction(trx => …)) */
  txOf(n: Node): { key: string; label: string } | undefined;
  /** Sequelize: the transaction named by `{ transaction: t }` in an options object */
  sequelizeTx(options: Node | undefined): { key: string; label: string } | undefined;
}

/** A recognised operation: translated (`statements`) or not (`reason`). */
export interface BuilderOp {
  /** the tool's name for it: `addIndex`, `createTable`, `alterTable`, `createIndex` … */
  operation: string;
  /** how the call is shown: `queryInterface.addIndex`, `knex.schema.alterTable` */
  callee: string;
  /** the node whose range is the call (the whole chain for Knex and Kysely) */
  node: Node;
  statements?: string[];
  /** statements per query string (BuilderCall.queries) */
  queries?: number[];
  /** why the call cannot be translated (rule dynamic-sql reports it) */
  reason?: string;
  /** an untranslatable call: the relations it creates, when their names are static (DynamicCall.creates) */
  creates?: Array<{ kind: 'table' | 'view' | 'materialized view'; name: string }>;
  fixes?: Record<string, Edit>;
  suggestions?: Record<string, { desc: string; fix: Edit }>;
  /** a transaction the migration's code opened that the call runs in */
  tx?: { key: string; label: string };
  /** queued until `up()` returns (node-pg-migrate steps) */
  queued?: boolean;
}

/**
 * One tool's translator: `undefined` when the call is not one of its migration operations (the
 * caller then looks inside it as usual); otherwise the operation, translated or not.
 */
export type Translator = (call: TSESTree.CallExpression, env: BuilderEnv) => BuilderOp | undefined;
