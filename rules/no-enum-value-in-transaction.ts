import { defineRule } from '../src/engine/types.js';
import { nameListToRange, nameListToString } from '../src/analysis/names.js';
import { describeTransactionOrigin } from '../src/analysis/tx-origin.js';
import type { Statement } from '../src/dialects/postgresql/types.js';

interface PendingValue {
  value: string;
  /** catalog key of the enum type */
  typeKey: string;
  /** the type's own name (last part), to compare with casts and column types */
  typeName: string;
  /** as written */
  written: string;
  line: number;
  tx: string;
}

export default defineRule({
  id: 'no-enum-value-in-transaction',
  severity: 'error',
  preset: 'recommended',
  category: 'transactions',
  docs: {
    summary: 'ALTER TYPE … ADD VALUE inside a transaction (PostgreSQL < 12), or the new value used before that transaction commits',
    why:
      'Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block at all (unless the enum was created ' +
      'in the same transaction): the migration fails with "ALTER TYPE ... ADD cannot run inside a transaction block", and ' +
      'migration runners that wrap every file in a transaction hit it every time. Since PostgreSQL 12 the statement may run ' +
      'in a transaction, but the new value cannot be used until that transaction commits: an INSERT, UPDATE, DEFAULT, CHECK ' +
      'or WHERE that uses it later in the same transaction fails with "unsafe use of new value … of enum type …", and the ' +
      'whole migration rolls back in production.',
    fix:
      'Add the enum value in its own migration that runs outside a transaction (or at least commits before the value is ' +
      'used), and use the value in a later migration. IF NOT EXISTS makes the statement safe to rerun.\n\n' +
      "-- 0041_add_order_status_refunded.sql (no transaction)\nALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';\n" +
      "-- 0042_use_refunded.sql\nUPDATE orders SET status = 'refunded' WHERE id IN (SELECT order_id FROM refunds);",
    example: {
      bad: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nUPDATE orders SET status = 'refunded' WHERE id = 42;\nCOMMIT;",
      good: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';\n-- next migration:\nUPDATE orders SET status = 'refunded' WHERE id = 42;",
    },
  },
  create: (ctx) => {
    /** enum type key → the transaction it was created in */
    const createdIn = new Map<string, string | null>();
    const pending: PendingValue[] = [];

    /** statements sharing a key run in one transaction (a DO block is one even in autocommit) */
    const txKey = (stmt: Statement): string | null => {
      const tx = ctx.tx(stmt);
      if (tx.inTransaction && tx.id !== null) return `tx${tx.id}`;
      if (stmt.parent) return `do${stmt.parent.index}`;
      return null;
    };

    return {
      CreateEnumStmt(node, stmt) {
        createdIn.set(ctx.catalog.key(nameListToRange(node.typeName)), txKey(stmt));
      },
      AlterEnumStmt(node, stmt) {
        if (!node.newVal || node.oldVal) return; // RENAME VALUE is transactional
        const key = ctx.catalog.key(nameListToRange(node.typeName));
        const tx = txKey(stmt);
        if (tx === null) return; // autocommit: committed before the next statement
        if (createdIn.has(key) && createdIn.get(key) === tx) return; // the enum itself is new in this transaction
        const written = nameListToString(node.typeName);
        if (ctx.pgVersion < 12) {
          const where = describeTransactionOrigin(ctx, stmt) ?? 'inside a transaction block';
          const error = ctx.inTransaction(stmt) ? 'ALTER TYPE ... ADD cannot run inside a transaction block' : 'ALTER TYPE ... ADD cannot be executed from a function';
          ctx.report({
            stmt,
            message:
              `ALTER TYPE "${written}" ADD VALUE fails in a transaction on PostgreSQL ${ctx.pgVersion}.\n` +
              `It runs ${where}.\nPostgreSQL stops with "${error}".\n` +
              `Add the value '${node.newVal}' in its own migration, outside a transaction.`,
            lock: null,
          });
          return;
        }
        // IF NOT EXISTS of a value the type already has is a no-op: nothing new to use
        if (ctx.catalog.enumType(node.typeName)?.values.has(node.newVal)) return;
        pending.push({
          value: node.newVal,
          typeKey: key,
          typeName: nameListToRange(node.typeName).relname ?? written,
          written,
          line: ctx.file.source.position(stmt.start).line,
          tx,
        });
      },
      Statement(stmt) {
        if (!pending.length || !stmt.node || stmt.kind === 'AlterEnumStmt') return;
        const tx = txKey(stmt);
        if (tx === null) return;
        const live = pending.filter((p) => p.tx === tx);
        if (!live.length) return;
        const reported = new Set<string>();
        walk(stmt.node, [], (aconst, ancestors) => {
          const value = aconst.sval?.sval;
          if (typeof value !== 'string') return;
          for (const p of live) {
            if (p.value !== value || reported.has(p.typeKey + '\0' + value)) continue;
            if (usedAsType(aconst, ancestors, stmt, p) === 'other') continue;
            reported.add(p.typeKey + '\0' + value);
            ctx.report({
              stmt,
              node: aconst,
              message:
                `Enum value '${value}' is used in the transaction that added it, which fails.\n` +
                `It was added to "${p.written}" on line ${p.line}; PostgreSQL rejects its use until that transaction commits\n` +
                `("unsafe use of new value "${value}" of enum type ${p.typeName}").\n` +
                `Add the value in its own migration, committed before this one.`,
              lock: null,
            });
          }
        });
      },
    };

    /**
     * Whether the literal becomes a value of the enum: a cast to a type, or a column of a known
     * type, tells; anything else (WHERE, CHECK, function arguments …) is 'unknown' and reported.
     */
    function usedAsType(aconst: any, ancestors: any[], stmt: Statement, p: PendingValue): 'enum' | 'other' | 'unknown' {
      const isEnum = (typeName: any): boolean => {
        const names: string[] = (typeName?.names ?? []).map((n: any) => n?.String?.sval);
        const last = names[names.length - 1];
        if (last !== p.typeName) return false;
        return names.length < 2 || ctx.catalog.key(nameListToRange(typeName.names)) === p.typeKey;
      };
      const columnType = (rel: any, column: string | undefined): 'enum' | 'other' | 'unknown' => {
        if (!rel || !column) return 'unknown';
        const col = ctx.catalog.table(rel)?.columns.get(column);
        if (!col) return 'unknown';
        return col.type.name === p.typeName && !col.type.array ? 'enum' : 'other';
      };
      const parent = ancestors[ancestors.length - 1];
      // 'x'::text, CAST('x' AS varchar)
      if (parent?.TypeCast && parent.TypeCast.arg?.A_Const === aconst) return isEnum(parent.TypeCast.typeName) ? 'enum' : 'other';
      // UPDATE t SET col = 'x'
      if (parent?.ResTarget && parent.ResTarget.val?.A_Const === aconst && stmt.kind === 'UpdateStmt') {
        return columnType(stmt.body.relation, parent.ResTarget.name);
      }
      // INSERT INTO t (col, …) VALUES ('x', …); without a column list, the table's column order
      if (parent?.List && stmt.kind === 'InsertStmt') {
        const i = (parent.List.items ?? []).findIndex((n: any) => n?.A_Const === aconst);
        const inValues = ancestors.some((a) => a?.SelectStmt?.valuesLists?.some((l: any) => l === parent));
        if (i >= 0 && inValues) {
          const cols: any[] | undefined = stmt.body.cols;
          const column = cols ? cols[i]?.ResTarget?.name : [...(ctx.catalog.table(stmt.body.relation)?.columns.keys() ?? [])][i];
          return columnType(stmt.body.relation, column);
        }
      }
      // ALTER TABLE t ALTER COLUMN col SET DEFAULT 'x'
      if (parent?.AlterTableCmd && parent.AlterTableCmd.subtype === 'AT_ColumnDefault' && parent.AlterTableCmd.def?.A_Const === aconst) {
        return columnType(stmt.body.relation, parent.AlterTableCmd.name);
      }
      // col type DEFAULT 'x' (CREATE TABLE / ADD COLUMN)
      for (let i = ancestors.length - 1; i >= 0; i--) {
        const def = ancestors[i]?.ColumnDef;
        if (!def) continue;
        const con = ancestors[i + 1]?.Constraint;
        if (con && con.contype === 'CONSTR_DEFAULT' && con.raw_expr?.A_Const === aconst) return isEnum(def.typeName) ? 'enum' : 'other';
        break;
      }
      return 'unknown';
    }
  },
});

/**
 * Walk a parse tree, calling `fn` for every A_Const body with the node wrappers above it
 * (`{ TypeCast: {…} }`, `{ ResTarget: {…} }`, …; outermost first).
 */
function walk(node: unknown, ancestors: any[], fn: (aconst: any, ancestors: any[]) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, ancestors, fn);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, any>;
  if (obj.A_Const && typeof obj.A_Const === 'object') {
    fn(obj.A_Const, ancestors);
    return;
  }
  const keys = Object.keys(obj);
  const wrapper = keys.length === 1 && /^[A-Z]/.test(keys[0]);
  if (wrapper) ancestors.push(obj);
  for (const key of keys) {
    const value = obj[key];
    if (value !== null && typeof value === 'object') walk(value, ancestors, fn);
  }
  if (wrapper) ancestors.pop();
}
