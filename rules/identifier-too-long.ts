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
    summary: 'An identifier longer than 63 bytes (created or referred to), which PostgreSQL silently truncates',
    why:
      'PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1) and silently cuts the rest, only raising a NOTICE. The table, column, index or constraint then exists under a different name than the one in the migration: ' +
      'later migrations and application code that use the full name still work (they are truncated the same way), but tools that compare names (ORMs, schema diffs, down migrations written by hand) do not, and two long names that share their first 63 bytes collide ("already exists"). ' +
      'A name over the limit that refers to an object (DROP INDEX, ALTER TABLE, a column in a query) is truncated the same way, so it names whatever is called by its first 63 bytes; that is not always the object meant: PostgreSQL shortens the middle of the names it makes up for indexes and constraints (orders_customer_subscrip_status_key), not their end, and a `DROP INDEX IF EXISTS` of the long name then matches nothing and drops nothing, without an error. ' +
      'The limit is in bytes of UTF-8, not characters: a name in Cyrillic, Greek or with accents reaches it at around 31 characters.',
    fix: 'Shorten the name to 63 bytes or less, e.g. with common abbreviations:\n\nCREATE INDEX CONCURRENTLY idx_orders_customer_created ON orders (customer_id, created_at);',
    example: {
      bad: 'CREATE INDEX CONCURRENTLY index_orders_on_customer_id_and_created_at_and_status_and_region ON orders (customer_id, created_at, status, region);',
      good: 'CREATE INDEX CONCURRENTLY idx_orders_customer_created_status_region ON orders (customer_id, created_at, status, region);',
    },
  },
  create: (ctx) => {
    const reported = new Set<number>();
    const report = (stmt: Statement, t: { start: number; end: number }, full: string, first: string, details: string): void => {
      reported.add(t.start);
      const bytes = identifierBytes(full);
      const chars = [...full].length;
      const multibyte = bytes !== chars ? ` (${chars} characters)` : '';
      ctx.report({
        stmt,
        range: [t.start, t.end],
        message: `${first} is ${bytes} bytes${multibyte}: PostgreSQL truncates identifiers to ${MAX_IDENTIFIER_BYTES} bytes.\n${details}`,
        lock: null,
      });
    };
    /** `name` is the (possibly truncated) name from the parse tree; the scanner token has the name as written */
    const check = (stmt: Statement, name: string | undefined, what: string, verb = 'created as'): void => {
      if (!name || !mayBeTruncated(name)) return;
      for (const t of ctx.tokensOf(stmt)) {
        if (reported.has(t.start)) continue;
        const full = identifierOfToken(t);
        if (!full || identifierBytes(full) <= MAX_IDENTIFIER_BYTES || truncateIdentifier(full) !== name) continue;
        report(stmt, t, full, what, `It is ${verb} "${name}".\nShorten it to ${MAX_IDENTIFIER_BYTES} bytes or less.`);
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
      // every other identifier over the limit is a reference, truncated the same way: it names
      // whatever is called by its first 63 bytes, which is not always what was meant (PostgreSQL
      // shortens the middle of the names it makes up, not the end), and `IF EXISTS` then skips it silently
      'File:exit'() {
        for (const stmt of ctx.statements) {
          if (stmt.kind === 'SyntaxError' || !stmt.node || !hasLongName(stmt.node)) continue;
          for (const t of ctx.tokensOf(stmt)) {
            if (reported.has(t.start)) continue;
            const full = identifierOfToken(t);
            if (!full || identifierBytes(full) <= MAX_IDENTIFIER_BYTES) continue;
            const cut = truncateIdentifier(full);
            const ifExists = stmt.body?.missing_ok || stmt.body?.if_exists ? '\nWith IF EXISTS, a name that matches nothing is skipped without an error.' : '';
            report(stmt, t, full, 'A name', `It refers to "${cut}":\nmake sure that is the object meant, and write that name.${ifExists}`);
          }
        }
      },
    };
    for (const [kind, names] of CREATE_ENTRIES) {
      visitors[kind] = (node, stmt) => check(stmt, ...names(node));
    }
    return visitors;
  },
});

/** Does the parse tree hold a name that may have been truncated (a string of 60+ bytes outside constants)? */
function hasLongName(node: unknown): boolean {
  if (typeof node === 'string') return node.length >= 15 && node.length <= MAX_IDENTIFIER_BYTES && mayBeTruncated(node) && identifierBytes(node) <= MAX_IDENTIFIER_BYTES;
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasLongName);
  for (const key in node as Record<string, unknown>) {
    if (key === 'A_Const' || key === 'location') continue; // string constants are not names
    if (hasLongName((node as Record<string, unknown>)[key])) return true;
  }
  return false;
}
