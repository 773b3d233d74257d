/**
 * The constraint DDL of the current file, for every table — including tables the catalog
 * does not know (no migration history). The catalog ignores ALTERs of unknown tables, but
 * the safe patterns the rules look for live entirely inside one file:
 *
 *   ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
 *   ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
 *   ALTER TABLE users ALTER COLUMN email SET NOT NULL;   -- no scan on PG >= 12
 *
 * A rule keeps one log per file (create it in `create`) and calls `observe` for each
 * statement *after* it has judged that statement, so the log holds what ran before.
 */
import type { Statement } from '../dialects/postgresql/types.js';
import { constraintKind, defaultConstraintName, notNullColumns, type ConstraintKind } from './constraints.js';
import { nameListToRange, type RangeVarLike } from './names.js';

export interface LoggedConstraint {
  /** the table's catalog key (`schema.name`) */
  table: string;
  name: string;
  kind: ConstraintKind;
  /** added with NOT VALID (or NOT ENFORCED) */
  notValid: boolean;
  validated: boolean;
  columns: string[];
  /** for CHECK: the columns it proves NOT NULL (`col IS NOT NULL`) */
  provesNotNull: string[];
  /** the statement that added it */
  added: Statement;
  /** the statement that validated it (VALIDATE CONSTRAINT) */
  validatedBy?: Statement;
}

export class ConstraintLog {
  private readonly tables = new Map<string, Map<string, LoggedConstraint>>();

  /** The constraint `name` of table `table` (a catalog key), as this file left it so far. */
  get(table: string, name: string): LoggedConstraint | undefined {
    return this.tables.get(table)?.get(name);
  }

  /** Every constraint of table `table` (a catalog key) this file has added so far. */
  constraints(table: string): LoggedConstraint[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  /**
   * A constraint added earlier in this file that lets SET NOT NULL skip its scan: a validated
   * CHECK (col IS NOT NULL) on PG >= 12, or a validated NOT NULL constraint on PG >= 18.
   */
  provesNotNull(table: string, column: string, pgVersion: number): LoggedConstraint | undefined {
    for (const con of this.tables.get(table)?.values() ?? []) {
      if (!con.validated) continue;
      if (pgVersion >= 12 && con.kind === 'check' && con.provesNotNull.includes(column)) return con;
      if (pgVersion >= 18 && con.kind === 'notnull' && con.columns.includes(column)) return con;
    }
    return undefined;
  }

  /** Record the constraint DDL of a statement. `key` resolves a relation like the catalog does. */
  observe(stmt: Statement, key: (rel: RangeVarLike) => string): void {
    const b = stmt.body;
    switch (stmt.kind) {
      case 'AlterTableStmt': {
        if (b.objtype && b.objtype !== 'OBJECT_TABLE' && b.objtype !== 'OBJECT_FOREIGN_TABLE') return;
        const rel: RangeVarLike = b.relation ?? {};
        const table = key(rel);
        const relname = String(rel.relname ?? '');
        for (const c of b.cmds ?? []) {
          const cmd = c?.AlterTableCmd;
          if (!cmd) continue;
          switch (cmd.subtype) {
            case 'AT_AddConstraint':
              if (cmd.def?.Constraint) this.add(table, relname, cmd.def.Constraint, stmt);
              break;
            case 'AT_AddColumn': {
              const def = cmd.def?.ColumnDef;
              for (const cc of def?.constraints ?? []) {
                const con = cc?.Constraint;
                if (con && (con.contype === 'CONSTR_CHECK' || con.contype === 'CONSTR_FOREIGN')) this.add(table, relname, con, stmt, def.colname);
              }
              break;
            }
            case 'AT_ValidateConstraint': {
              const con = cmd.name ? this.get(table, cmd.name) : undefined;
              if (con && !con.validated) {
                con.validated = true;
                con.validatedBy = stmt;
              }
              break;
            }
            case 'AT_DropConstraint':
              if (cmd.name) this.tables.get(table)?.delete(cmd.name);
              break;
          }
        }
        return;
      }
      case 'RenameStmt': {
        if (b.renameType === 'OBJECT_TABCONSTRAINT' && b.relation && b.subname && b.newname) {
          const cons = this.tables.get(key(b.relation));
          const con = cons?.get(b.subname);
          if (cons && con) {
            cons.delete(b.subname);
            con.name = b.newname;
            cons.set(con.name, con);
          }
        } else if (b.renameType === 'OBJECT_TABLE' && b.relation && b.newname) {
          const from = key(b.relation);
          const cons = this.tables.get(from);
          if (cons) {
            this.tables.delete(from);
            const to = key({ schemaname: b.relation.schemaname, relname: b.newname });
            for (const con of cons.values()) con.table = to;
            this.tables.set(to, cons);
          }
        }
        return;
      }
      case 'DropStmt':
        if (b.removeType === 'OBJECT_TABLE') {
          for (const o of b.objects ?? []) {
            const items = o?.List?.items;
            if (items) this.tables.delete(key(nameListToRange(items)));
          }
        }
        return;
    }
  }

  private add(table: string, relname: string, con: any, stmt: Statement, column?: string): void {
    const kind = constraintKind(con);
    if (!kind) return;
    const keys: any[] = con.contype === 'CONSTR_FOREIGN' ? con.fk_attrs ?? [] : con.keys ?? [];
    const columns = keys.map((k: any) => k?.String?.sval).filter((s: unknown): s is string => typeof s === 'string');
    if (!columns.length && column) columns.push(column);
    const name = con.conname ?? defaultConstraintName(relname, con, column);
    const notValid = !!con.skip_validation;
    let cons = this.tables.get(table);
    if (!cons) this.tables.set(table, (cons = new Map()));
    cons.set(name, {
      table,
      name,
      kind,
      notValid,
      validated: !notValid,
      columns,
      provesNotNull: kind === 'check' ? notNullColumns(con.raw_expr) : [],
      added: stmt,
    });
  }
}

export { defaultConstraintName } from './constraints.js';
