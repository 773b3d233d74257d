/** Short names of statements for messages ("ALTER TABLE", "CREATE INDEX", "UPDATE"). */
import type { Statement } from '../dialects/postgresql/types.js';

const LABELS: Record<string, string> = {
  AlterTableStmt: 'ALTER TABLE',
  IndexStmt: 'CREATE INDEX',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  InsertStmt: 'INSERT',
  TruncateStmt: 'TRUNCATE',
  DropStmt: 'DROP',
  RenameStmt: 'ALTER … RENAME',
  ReindexStmt: 'REINDEX',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  VacuumStmt: 'VACUUM',
  ClusterStmt: 'CLUSTER',
  LockStmt: 'LOCK TABLE',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  CreateTrigStmt: 'CREATE TRIGGER',
  AlterDomainStmt: 'ALTER DOMAIN',
  DoStmt: 'DO',
};

export function statementLabel(stmt: Statement): string {
  const b = stmt.body ?? {};
  switch (stmt.kind) {
    case 'IndexStmt':
      return b.unique ? 'CREATE UNIQUE INDEX' : 'CREATE INDEX';
    case 'DropStmt': {
      const what = String(b.removeType ?? '').replace(/^OBJECT_/, '').replace(/_/g, ' ');
      return what ? `DROP ${what}` : 'DROP';
    }
    case 'AlterTableStmt':
      return b.objtype === 'OBJECT_INDEX' ? 'ALTER INDEX' : 'ALTER TABLE';
    case 'VacuumStmt':
      return b.is_vacuumcmd === false ? 'ANALYZE' : 'VACUUM';
    default:
      return LABELS[stmt.kind] ?? stmt.kind.replace(/Stmt$/, '');
  }
}

/** A message fragment as the start of a sentence. */
export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
