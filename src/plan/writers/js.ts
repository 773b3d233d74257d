/**
 * Phase files for the JS/TS runners, each phase a migration of the tool's own kind that sends
 * the phase's SQL through the tool's raw-SQL call, with the tool's way of saying "not in a
 * transaction" where a phase needs it, and the rollback as `down`:
 *
 *   knex       <YYYYMMDDHHMMSS>_name.js|ts  knex.raw(`…`) · `config = { transaction: false }`
 *   sequelize  <YYYYMMDDHHMMSS>-name.js     queryInterface.sequelize.query(`…`), inside
 *                                           sequelize.transaction() for a transactional phase
 *   typeorm    <ms>-Name.ts (class Name<ms>) queryRunner.query(`…`) · `transaction = false`
 *   kysely     <version>-name.ts            sql.raw(`…`).execute(db) · `config = { transaction: false }`
 *   mikro-orm  Migration<YYYYMMDDHHMMSS>_name.ts  this.addSql(`…`) · isTransactional() false
 *
 * (node-pg-migrate reads SQL migrations: sql.ts writes those.) The file extension follows the
 * folder's migrations (`.ts` when they are TypeScript).
 */
import type { RunnerName } from '../../sources/types.js';
import type { Phase, Plan } from '../types.js';
import { nextVersions, phaseHeader, type LayoutTarget, type OutputFile, type SqlOutput } from './sql.js';

export const JS_PLAN_RUNNERS: readonly RunnerName[] = ['knex', 'sequelize', 'typeorm', 'kysely', 'mikro-orm'];

/** `s` inside a JS template literal. */
function template(s: string): string {
  return '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

/** The SQL header comment block as `//` lines. */
function jsHeader(plan: Plan, p: Phase, runner: RunnerName): string {
  return phaseHeader(plan, p, runner)
    .split('\n')
    .map((l) => `//${l.slice(2)}`)
    .join('\n');
}

function pascal(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

export function jsFiles(plan: Plan, target: LayoutTarget): SqlOutput {
  const runner = target.runner;
  const ts = target.files.some((f) => /\.[cm]?ts$/.test(f.path)) || runner === 'typeorm' || (runner === 'kysely' && !target.files.length) || (runner === 'mikro-orm' && !target.files.length);
  const ext = ts ? 'ts' : 'js';
  const now = target.now ?? new Date();
  // typeorm orders by a 13-digit millisecond timestamp; the others by a 14-digit one (or the folder's own numbering)
  const versions = runner === 'typeorm' ? nextVersions({ ...target, runner: 'node-pg-migrate', files: target.files.filter((f) => /^\d{13}$/.test(f.version)), now }, plan.phases.length) : nextVersions({ ...target, runner: 'dbmate', now }, plan.phases.length);
  const files: OutputFile[] = [];
  const notes: string[] = [];
  plan.phases.forEach((p, i) => {
    const v = versions[i];
    const name = `${target.base}_${p.name}`.slice(0, 80);
    const head = jsHeader(plan, p, runner);
    const up = p.sql;
    const down = p.rollback;
    let path: string;
    let body: string;
    switch (runner) {
      case 'knex': {
        path = `${v}_${name}.${ext}`;
        const calls = (sql: string[]): string => (sql.length ? sql.map((s) => `  await knex.raw(${template(s)});`).join('\n') : '  // nothing to undo');
        body = ts
          ? `import type { Knex } from 'knex';\n\n${p.transaction ? '' : 'export const config = { transaction: false };\n\n'}export async function up(knex: Knex): Promise<void> {\n${calls(up)}\n}\n\nexport async function down(knex: Knex): Promise<void> {\n${calls(down)}\n}\n`
          : `${p.transaction ? '' : 'exports.config = { transaction: false };\n\n'}exports.up = async function (knex) {\n${calls(up)}\n};\n\nexports.down = async function (knex) {\n${calls(down)}\n};\n`;
        break;
      }
      case 'sequelize': {
        path = `${v}-${name.replace(/_/g, '-')}.${ext}`;
        const calls = (sql: string[], indent: string, tx: boolean): string => sql.map((s) => `${indent}await queryInterface.sequelize.query(${template(s)}${tx ? ', { transaction }' : ''});`).join('\n');
        const fn = (sql: string[]): string => {
          if (!sql.length) return '    // nothing to undo';
          if (!p.transaction || sql.length === 1) return calls(sql, '    ', false);
          return `    await queryInterface.sequelize.transaction(async (transaction) => {\n${calls(sql, '      ', true)}\n    });`;
        };
        body = `'use strict';\n\n/** @type {import('sequelize-cli').Migration} */\nmodule.exports = {\n  async up(queryInterface) {\n${fn(up)}\n  },\n\n  async down(queryInterface) {\n${fn(down)}\n  },\n};\n`;
        break;
      }
      case 'typeorm': {
        const cls = `${pascal(name)}${v}`;
        path = `${v}-${pascal(name)}.ts`;
        const calls = (sql: string[]): string => (sql.length ? sql.map((s) => `    await queryRunner.query(${template(s)});`).join('\n') : '    // nothing to undo');
        body = `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${cls} implements MigrationInterface {\n${p.transaction ? '' : '  transaction = false;\n\n'}  public async up(queryRunner: QueryRunner): Promise<void> {\n${calls(up)}\n  }\n\n  public async down(queryRunner: QueryRunner): Promise<void> {\n${calls(down)}\n  }\n}\n`;
        if (!p.transaction) notes.push(`${path} sets \`transaction = false\`: TypeORM honours it with migrationsTransactionMode "each" (in "all", the default, it refuses the migration)`);
        break;
      }
      case 'kysely': {
        path = `${v}-${name.replace(/_/g, '-')}.${ext}`;
        const calls = (sql: string[]): string => (sql.length ? sql.map((s) => `  await sql.raw(${template(s)}).execute(db);`).join('\n') : '  // nothing to undo');
        body = `import { type Kysely, sql } from 'kysely';\n\n${p.transaction ? '' : 'export const config = { transaction: false };\n\n'}export async function up(db: Kysely<any>): Promise<void> {\n${calls(up)}\n}\n\nexport async function down(db: Kysely<any>): Promise<void> {\n${calls(down)}\n}\n`;
        if (!p.transaction) notes.push(`${path} exports \`config = { transaction: false }\`: Kysely honours it with transactionMode 'per-migration' (the default 'per-run' wraps every pending migration in one transaction)`);
        break;
      }
      default: {
        const cls = `Migration${v}_${pascal(name)}`;
        path = `${cls}.ts`;
        const calls = (sql: string[]): string => (sql.length ? sql.map((s) => `    this.addSql(${template(s)});`).join('\n') : '    // nothing to undo');
        body = `import { Migration } from '@mikro-orm/migrations';\n\nexport class ${cls} extends Migration {\n${p.transaction ? '' : '  isTransactional(): boolean {\n    return false;\n  }\n\n'}  async up(): Promise<void> {\n${calls(up)}\n  }\n\n  async down(): Promise<void> {\n${calls(down)}\n  }\n}\n`;
        break;
      }
    }
    files.push({ path, content: `${head}\n\n${body}`, phase: p.index });
  });
  return { files, notes };
}
