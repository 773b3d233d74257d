import { defineRule, type NodeKind, type Visitors } from '../src/engine/types.js';
import { MAX_IDENTIFIER_BYTES } from '../src/analysis/names.js';
import { identifierBytes, identifierOfToken, mayBeTruncated, truncateIdentifier } from '../src/analysis/identifier-bytes.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

const last = (list: any[] | undefined): string | undefined => {
  const n = list?.[list.length - 1];
  return n?.String?.sval;
};

/** Nodes that create one name: the name as the parse tree has it (maybe truncated), and what it names. */
const CREATES: { [K in NodeKind]?: (node: any) => [name: string | undefined, what: string] } = {
  CreateStmt: (n) => [n.relation?.relname, 'Table name'],
  ColumnDef: (n) => [n.colname, 'Column name'],
  Constraint: (n) => [n.conname, 'Constraint name'],
  IndexStmt: (n) => [n.idxname, 'Index name'],
  CreateSchemaStmt: (n) => [n.schemaname, 'Schema name'],
  CreateSeqStmt: (n) => [n.sequence?.relname, 'Sequence name'],
  CreateEnumStmt: (n) => [last(n.typeName), 'Type name'],
  CompositeTypeStmt: (n) => [n.typevar?.relname, 'Type name'],
  CreateDomainStmt: (n) => [last(n.domainname), 'Domain name'],
  CreateRangeStmt: (n) => [last(n.typeName), 'Type name'],
  DefineStmt: (n) => [last(n.defnames), 'Name'],
  CreateFunctionStmt: (n) => [last(n.funcname), n.is_procedure ? 'Procedure name' : 'Function name'],
  CreateTrigStmt: (n) => [n.trigname, 'Trigger name'],
  CreatePolicyStmt: (n) => [n.policy_name, 'Policy name'],
  RuleStmt: (n) => [n.rulename, 'Rule name'],
  CreateStatsStmt: (n) => [last(n.defnames), 'Statistics name'],
  CreateRoleStmt: (n) => [n.role, 'Role name'],
};

/** CREATES as a list, made once (not on every file's `create`). */
const CREATE_ENTRIES = Object.entries(CREATES) as Array<[NodeKind, (node: any) => [string | undefined, string]]>;

/** RenameStmt: what the new name names, by `renameType`. */
const RENAMES: Record<string, string> = {
  OBJECT_COLUMN: 'Column name',
  OBJECT_TABLE: 'Table name',
  OBJECT_VIEW: 'View name',
  OBJECT_MATVIEW: 'Materialized view name',
  OBJECT_INDEX: 'Index name',
  OBJECT_TABCONSTRAINT: 'Constraint name',
  OBJECT_DOMCONSTRAINT: 'Constraint name',
  OBJECT_SCHEMA: 'Schema name',
  OBJECT_SEQUENCE: 'Sequence name',
  OBJECT_TYPE: 'Type name',
  OBJECT_TRIGGER: 'Trigger name',
};

export default defineRule({
  id: 'identifier-too-long',
  severity: 'warn',
  preset: 'recommended',
  category: 'hygiene',
  docs: {
    summary: 'An identifier longer than 63 bytes, which PostgreSQL silently truncates',
    why:
      'PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1) and silently cuts the rest, only raising a NOTICE. The table, column, index or constraint then exists under a different name than the one in the migration: ' +
      'later migrations and application code that use the full name still work (they are truncated the same way), but tools that compare names (ORMs, schema diffs, down migrations written by hand) do not, and two long names that share their first 63 bytes collide ("already exists"). ' +
      'The limit is in bytes of UTF-8, not characters: a name in Cyrillic, Greek or with accents reaches it at around 31 characters.',
    fix: 'Shorten the name to 63 bytes or less, e.g. with common abbreviations:\n\nCREATE INDEX CONCURRENTLY idx_orders_customer_created ON orders (customer_id, created_at);',
    example: {
      bad: 'CREATE INDEX CONCURRENTLY index_orders_on_customer_id_and_created_at_and_status_and_region ON orders (customer_id, created_at, status, region);',
      good: 'CREATE INDEX CONCURRENTLY idx_orders_customer_created_status_region ON orders (customer_id, created_at, status, region);',
    },
  },
  create: (ctx) => {
    const reported = new Set<number>();
    /** `name` is the (possibly truncated) name from the parse tree; the scanner token has the name as written */
    const check = (stmt: Statement, name: string | undefined, what: string, verb = 'created as'): void => {
      if (!name || !mayBeTruncated(name)) return;
      for (const t of ctx.tokensOf(stmt)) {
        if (reported.has(t.start)) continue;
        const full = identifierOfToken(t);
        if (!full || identifierBytes(full) <= MAX_IDENTIFIER_BYTES || truncateIdentifier(full) !== name) continue;
        reported.add(t.start);
        const bytes = identifierBytes(full);
        const multibyte = bytes !== [...full].length ? ` (${[...full].length} characters, but the limit counts UTF-8 bytes)` : '';
        ctx.report({
          stmt,
          range: [t.start, t.end],
          message: `${what} "${full}" is ${bytes} bytes${multibyte}: PostgreSQL silently truncates identifiers to ${MAX_IDENTIFIER_BYTES} bytes, so it is ${verb} "${name}"; shorten it`,
          lock: null,
        });
        return;
      }
    };
    const visitors: Visitors = {
      RenameStmt(node, stmt) {
        check(stmt, node.newname, RENAMES[node.renameType] ?? 'Name', 'renamed to');
      },
      ViewStmt(node, stmt) {
        check(stmt, node.view?.relname, 'View name');
        for (const a of node.aliases ?? []) check(stmt, a?.String?.sval, 'View column name');
      },
      CreateTableAsStmt(node, stmt) {
        check(stmt, node.into?.rel?.relname, node.objtype === 'OBJECT_MATVIEW' ? 'Materialized view name' : 'Table name');
        for (const a of node.into?.colNames ?? []) check(stmt, a?.String?.sval, 'Column name');
      },
      ResTarget(node, stmt) {
        // output column names of a view or CREATE TABLE AS (SELECT x AS name)
        if (stmt.kind === 'ViewStmt' || stmt.kind === 'CreateTableAsStmt') check(stmt, node.name, 'Column name');
      },
    };
    for (const [kind, names] of CREATE_ENTRIES) {
      visitors[kind] = (node, stmt) => check(stmt, ...names(node));
    }
    return visitors;
  },
});
