/**
 * The rollback of a statement kept as written (one that needed no plan), for the common
 * cases: what it creates is dropped, a column it adds is dropped, a DEFAULT it sets where there
 * was none is dropped. Undefined when godwit cannot tell how to undo it.
 */
import type { Catalog } from '../analysis/catalog.js';
import type { Statement } from '../dialects/postgresql/types.js';
import { nameListToRange } from '../analysis/names.js';
import { alterCmds, quoteIdent, relationSql } from '../analysis/alter-subcommands.js';

export function inverseOf(stmt: Statement, catalog: Catalog): string[] | undefined {
  const b = stmt.body;
  switch (stmt.kind) {
    case 'CreateStmt':
      if (b.if_not_exists && catalog.table(b.relation)) return [];
      return [`DROP TABLE IF EXISTS ${relationSql(b.relation)}`];
    case 'ViewStmt':
      return b.replace ? undefined : [`DROP VIEW IF EXISTS ${relationSql(b.view)}`];
    case 'CreateTableAsStmt':
      return [`DROP ${b.objtype === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : 'TABLE'} IF EXISTS ${relationSql(b.into.rel)}`];
    case 'CreateSeqStmt':
      return [`DROP SEQUENCE IF EXISTS ${relationSql(b.sequence)}`];
    case 'IndexStmt':
      if (!b.idxname) return undefined;
      return [`DROP INDEX ${b.concurrent ? 'CONCURRENTLY ' : ''}IF EXISTS ${relationSql({ schemaname: b.relation?.schemaname, relname: b.idxname })}`];
    case 'CreateEnumStmt':
      return [`DROP TYPE IF EXISTS ${relationSql(nameListToRange(b.typeName))}`];
    case 'CreateSchemaStmt':
      return b.schemaname ? [`DROP SCHEMA IF EXISTS ${quoteIdent(b.schemaname)}`] : undefined;
    case 'VariableSetStmt':
      return [];
    case 'CommentStmt':
      return [];
    case 'AlterTableStmt': {
      if (b.objtype !== 'OBJECT_TABLE' || !b.relation) return undefined;
      const t = catalog.table(b.relation);
      const out: string[] = [];
      for (const cmd of alterCmds(b).reverse()) {
        const undo = inverseCmd(cmd, t);
        if (!undo) return undefined;
        out.push(...undo);
      }
      return out.map((sub) => `ALTER TABLE ${relationSql(b.relation)} ${sub}`);
    }
    default:
      return undefined;
  }
}

function inverseCmd(cmd: any, t: ReturnType<Catalog['table']>): string[] | undefined {
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const name = cmd.def?.ColumnDef?.colname;
      if (!name || (cmd.missing_ok && t?.columns.has(name))) return name ? [] : undefined;
      return [`DROP COLUMN IF EXISTS ${quoteIdent(name)}`];
    }
    case 'AT_ColumnDefault': {
      const col = cmd.name ? t?.columns.get(cmd.name) : undefined;
      if (!col || col.hasDefault) return undefined;
      return [`ALTER COLUMN ${quoteIdent(cmd.name)} DROP DEFAULT`];
    }
    case 'AT_AddConstraint': {
      const name = cmd.def?.Constraint?.conname;
      return name ? [`DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}`] : undefined;
    }
    case 'AT_DropNotNull': {
      return cmd.name ? [`ALTER COLUMN ${quoteIdent(cmd.name)} SET NOT NULL`] : undefined;
    }
    default:
      return undefined;
  }
}
