/**
 * Schema-builder translation, one module per tool (as a rule is one file in rules/):
 *
 *   knex.ts             knex.schema.createTable/alterTable/… chains and their table builder callbacks
 *   sequelize.ts        queryInterface.addIndex/addColumn/changeColumn/…
 *   node-pg-migrate.ts  pgm.createIndex/addColumns/alterColumn/…
 *   typeorm.ts          queryRunner.createIndex(new TableIndex(…))/addColumn/…
 *   kysely.ts           db.schema.createTable(…)….execute() chains
 *
 * Adding a tool: write its Translator and register it here. Adding an operation: a case in its
 * tool's module. calls.ts asks the runner's translator about every call of `up` before
 * anything else; the Python front end (Alembic, Django) produces the same BuilderCall shape.
 */
import type { JsRunnerName } from '../types.js';
import { translateKnex } from './knex.js';
import { translateKysely } from './kysely.js';
import { translateNodePgMigrate } from './node-pg-migrate.js';
import { translateSequelize } from './sequelize.js';
import { translateTypeorm } from './typeorm.js';
import type { Translator } from './types.js';

export const TRANSLATORS: Partial<Record<JsRunnerName, Translator>> = {
  knex: translateKnex,
  sequelize: translateSequelize,
  'node-pg-migrate': translateNodePgMigrate,
  typeorm: translateTypeorm,
  kysely: translateKysely,
};

export type { BuilderEnv, BuilderOp, Translator } from './types.js';
export { valueOf, Untranslatable, type Value } from './values.js';
