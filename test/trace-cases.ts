/**
 * Statement kinds of the lock table (src/analysis/locks.ts), each with a small schema it can
 * run against: the trace suite (test/trace-locks.test.ts) runs each in PGlite and checks
 * godwit's static lock facts against pg_locks and relfilenode.
 */

/** The schema every case starts from (committed history; the case runs in the traced transaction). */
export const BASE_SCHEMA = `
CREATE TABLE customers (id bigint PRIMARY KEY, name text, email text);
CREATE UNIQUE INDEX customers_email_idx ON customers (email);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint REFERENCES customers (id),
  status text,
  total int,
  note varchar(50),
  created_at timestamptz DEFAULT now(),
  qty int,
  amount int,
  code varchar(50),
  doubled int GENERATED ALWAYS AS (qty * 2) STORED
);
CREATE INDEX orders_status_idx ON orders (status);
CREATE UNIQUE INDEX orders_note_idx ON orders (note);
INSERT INTO customers VALUES (1, 'a', 'a@example.com'), (2, 'b', 'b@example.com');
INSERT INTO orders (id, customer_id, status, total, note, qty) VALUES (1, 1, 'open', 10, 'n1', 1), (2, 2, 'done', 20, 'n2', 2);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0) NOT VALID;
CREATE TABLE audit (id bigint PRIMARY KEY, order_id bigint);
ALTER TABLE audit ADD CONSTRAINT audit_order_fk FOREIGN KEY (order_id) REFERENCES orders NOT VALID;
CREATE TABLE events (id bigint, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 (id bigint, created_at timestamptz NOT NULL);
CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer_idx ON order_totals (customer_id);
CREATE VIEW open_orders AS SELECT id, status FROM orders WHERE status = 'open';
CREATE DOMAIN positive AS int;
CREATE TABLE items (id bigint PRIMARY KEY, n positive);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY orders_all ON orders USING (true);
CREATE RULE customers_noop AS ON DELETE TO customers DO ALSO NOTHING;
CREATE SCHEMA app;
CREATE TABLE app.accounts (id bigint PRIMARY KEY, name text);
CREATE UNLOGGED TABLE scratch (id bigint);
`;

export interface TraceCase {
  /** what the case covers: the locks.ts branch, as "<node> <form>" */
  name: string;
  sql: string;
  /** more schema for this case (after BASE_SCHEMA) */
  setup?: string;
  /** the statement is expected not to run in a transaction (skipped with this reason fragment) */
  skipped?: string;
  /** the oldest PostgreSQL major version with this syntax (the server suite skips it below) */
  minVersion?: number;
  /** godwit names no relation lock (and PostgreSQL must take none that blocks writes or DDL) */
  none?: boolean;
  /** the statement is expected to fail with this message fragment */
  error?: string;
  /** expected and documented disagreements (PGlite limits), as "kind relation" */
  known?: string[];
}

export const CASES: TraceCase[] = [
  // IndexStmt
  { name: 'IndexStmt', sql: 'CREATE INDEX orders_total_idx ON orders (total)' },
  { name: 'IndexStmt unique partial', sql: `CREATE UNIQUE INDEX orders_open_idx ON orders (id) WHERE status = 'open'` },
  { name: 'IndexStmt on a partitioned table', sql: 'CREATE INDEX events_id_idx ON events (id)' },
  { name: 'IndexStmt CONCURRENTLY', sql: 'CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total)', skipped: 'cannot run inside a transaction block' },

  // AlterTableStmt: ADD COLUMN
  { name: 'AT_AddColumn nullable', sql: 'ALTER TABLE orders ADD COLUMN region text' },
  { name: 'AT_AddColumn constant default', sql: `ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu'` },
  { name: 'AT_AddColumn stable default now()', sql: 'ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now()' },
  { name: 'AT_AddColumn volatile default', sql: 'ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid()' },
  { name: 'AT_AddColumn volatile default clock_timestamp()', sql: 'ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp()' },
  { name: 'AT_AddColumn serial', sql: 'ALTER TABLE orders ADD COLUMN seq bigserial' },
  { name: 'AT_AddColumn identity', sql: 'ALTER TABLE orders ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY' },
  { name: 'AT_AddColumn stored generated', sql: 'ALTER TABLE orders ADD COLUMN tripled int GENERATED ALWAYS AS (qty * 3) STORED' },
  { name: 'AT_AddColumn virtual generated (PG 18)', sql: 'ALTER TABLE orders ADD COLUMN tripled int GENERATED ALWAYS AS (qty * 3) VIRTUAL', minVersion: 18 },
  { name: 'AT_AddColumn REFERENCES', sql: 'ALTER TABLE orders ADD COLUMN referrer_id bigint REFERENCES customers (id)' },
  { name: 'AT_AddColumn CHECK', sql: 'ALTER TABLE orders ADD COLUMN rating int CHECK (rating > 0)' },
  { name: 'AT_AddColumn UNIQUE', sql: 'ALTER TABLE orders ADD COLUMN promo text UNIQUE' },
  { name: 'AT_AddColumn on a partitioned table', sql: 'ALTER TABLE events ADD COLUMN kind text' },

  // ALTER COLUMN TYPE
  { name: 'AT_AlterColumnType widen varchar', sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(100)' },
  { name: 'AT_AlterColumnType varchar to text', sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text' },
  { name: 'AT_AlterColumnType int to bigint', sql: 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint' },
  { name: 'AT_AlterColumnType narrow varchar', sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(20)' },
  { name: 'AT_AlterColumnType USING', sql: 'ALTER TABLE orders ALTER COLUMN code TYPE int USING length(code)' },
  { name: 'AT_AlterColumnType used by a view (fails)', sql: 'ALTER TABLE orders ALTER COLUMN status TYPE varchar(20)', error: 'used by a view' },

  // NOT NULL
  { name: 'AT_SetNotNull', sql: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL' },
  {
    name: 'AT_SetNotNull with a validated CHECK',
    setup: 'ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL);',
    sql: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL',
  },
  { name: 'AT_DropNotNull', sql: 'ALTER TABLE orders ALTER COLUMN created_at DROP NOT NULL', setup: 'ALTER TABLE orders ALTER COLUMN created_at SET NOT NULL;' },

  // ADD CONSTRAINT
  { name: 'AT_AddConstraint FOREIGN KEY', sql: 'ALTER TABLE audit ADD CONSTRAINT audit_order_fk2 FOREIGN KEY (order_id) REFERENCES orders (id)' },
  { name: 'AT_AddConstraint FOREIGN KEY NOT VALID', sql: 'ALTER TABLE audit ADD CONSTRAINT audit_order_fk2 FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID' },
  { name: 'AT_AddConstraint CHECK', sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_check CHECK (qty > 0)' },
  { name: 'AT_AddConstraint CHECK NOT VALID', sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_check CHECK (qty > 0) NOT VALID' },
  { name: 'AT_AddConstraint NOT NULL (PG 18)', sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_nn NOT NULL qty', minVersion: 18 },
  { name: 'AT_AddConstraint NOT NULL NOT VALID (PG 18)', sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_nn NOT NULL qty NOT VALID', minVersion: 18 },
  { name: 'AT_AddConstraint UNIQUE', sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_key UNIQUE (qty)' },
  { name: 'AT_AddConstraint PRIMARY KEY', sql: 'ALTER TABLE scratch ADD PRIMARY KEY (id)', setup: 'INSERT INTO scratch VALUES (1);' },
  {
    name: 'AT_AddConstraint UNIQUE USING INDEX',
    setup: 'CREATE UNIQUE INDEX orders_qty_idx ON orders (qty);',
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_key UNIQUE USING INDEX orders_qty_idx',
  },
  {
    name: 'AT_AddConstraint PRIMARY KEY USING INDEX',
    setup: 'CREATE TABLE t2 (id bigint NOT NULL); CREATE UNIQUE INDEX t2_id_idx ON t2 (id);',
    sql: 'ALTER TABLE t2 ADD CONSTRAINT t2_pkey PRIMARY KEY USING INDEX t2_id_idx',
  },
  { name: 'AT_AddConstraint EXCLUDE', sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_excl EXCLUDE USING btree (qty WITH =)' },
  { name: 'AT_ValidateConstraint CHECK', sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check' },
  { name: 'AT_ValidateConstraint FOREIGN KEY', sql: 'ALTER TABLE audit VALIDATE CONSTRAINT audit_order_fk' },
  { name: 'AT_DropConstraint CHECK', sql: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check' },
  { name: 'AT_DropConstraint FOREIGN KEY', sql: 'ALTER TABLE audit DROP CONSTRAINT audit_order_fk' },

  // rewrites and storage
  { name: 'AT_SetLogged', sql: 'ALTER TABLE scratch SET LOGGED' },
  { name: 'AT_SetUnLogged', sql: 'ALTER TABLE audit SET UNLOGGED', setup: 'ALTER TABLE audit DROP CONSTRAINT audit_order_fk;' },
  { name: 'AT_SetAccessMethod', sql: 'ALTER TABLE orders SET ACCESS METHOD heap' },
  { name: 'AT_SetExpression', sql: 'ALTER TABLE orders ALTER COLUMN doubled SET EXPRESSION AS (qty * 4)', minVersion: 17 },
  { name: 'AT_DropExpression', sql: 'ALTER TABLE orders ALTER COLUMN doubled DROP EXPRESSION' },
  { name: 'AT_SetTableSpace', sql: 'ALTER TABLE orders SET TABLESPACE pg_default' },

  // partitions
  { name: 'AT_AttachPartition', sql: `ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')` },
  { name: 'AT_DetachPartition', sql: 'ALTER TABLE events DETACH PARTITION events_2024' },
  { name: 'AT_DetachPartition CONCURRENTLY', sql: 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY', skipped: 'cannot run inside a transaction block' },

  // SHARE UPDATE EXCLUSIVE subcommands
  { name: 'AT_SetStatistics', sql: 'ALTER TABLE orders ALTER COLUMN status SET STATISTICS 500' },
  { name: 'AT_SetOptions', sql: 'ALTER TABLE orders ALTER COLUMN status SET (n_distinct = 10)' },
  { name: 'AT_ResetOptions', sql: 'ALTER TABLE orders ALTER COLUMN status RESET (n_distinct)' },
  { name: 'AT_SetRelOptions fillfactor', sql: 'ALTER TABLE orders SET (fillfactor = 70)' },
  { name: 'AT_SetRelOptions autovacuum', sql: 'ALTER TABLE orders SET (autovacuum_enabled = false)' },
  { name: 'AT_ResetRelOptions', sql: 'ALTER TABLE orders RESET (fillfactor)' },
  { name: 'AT_ClusterOn', sql: 'ALTER TABLE orders CLUSTER ON orders_status_idx' },
  { name: 'AT_DropCluster', sql: 'ALTER TABLE orders SET WITHOUT CLUSTER' },

  // triggers
  { name: 'AT_DisableTrig', sql: 'ALTER TABLE orders DISABLE TRIGGER orders_touch' },
  { name: 'AT_EnableTrig', sql: 'ALTER TABLE orders ENABLE TRIGGER orders_touch' },
  { name: 'AT_DisableTrigAll', sql: 'ALTER TABLE orders DISABLE TRIGGER ALL' },
  { name: 'AT_DisableTrigUser', sql: 'ALTER TABLE orders DISABLE TRIGGER USER' },
  { name: 'AT_EnableAlwaysTrig', sql: 'ALTER TABLE orders ENABLE ALWAYS TRIGGER orders_touch' },
  { name: 'AT_EnableReplicaTrig', sql: 'ALTER TABLE orders ENABLE REPLICA TRIGGER orders_touch' },

  // catalog-only ACCESS EXCLUSIVE subcommands (the default branch)
  { name: 'AT_DropColumn', sql: 'ALTER TABLE orders DROP COLUMN note' },
  { name: 'AT_ColumnDefault SET', sql: `ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'open'` },
  { name: 'AT_ColumnDefault DROP', sql: 'ALTER TABLE orders ALTER COLUMN created_at DROP DEFAULT' },
  { name: 'AT_AddIdentity', sql: 'ALTER TABLE audit ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY' },
  { name: 'AT_ChangeOwner', sql: 'ALTER TABLE orders OWNER TO CURRENT_USER' },
  { name: 'AT_EnableRowSecurity', sql: 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY' },
  { name: 'AT_ReplicaIdentity', sql: 'ALTER TABLE orders REPLICA IDENTITY FULL' },
  { name: 'AT_SetStorage', sql: 'ALTER TABLE orders ALTER COLUMN status SET STORAGE EXTERNAL' },
  { name: 'AT_SetCompression', sql: 'ALTER TABLE orders ALTER COLUMN status SET COMPRESSION pglz' },
  { name: 'AT_AlterConstraint', sql: 'ALTER TABLE audit ALTER CONSTRAINT audit_order_fk DEFERRABLE' },
  { name: 'AT_AddInherit', setup: 'CREATE TABLE base_log (note text); CREATE TABLE child_log (note text);', sql: 'ALTER TABLE child_log INHERIT base_log' },
  { name: 'AT_DropInherit', setup: 'CREATE TABLE base_log (note text); CREATE TABLE child_log (note text) INHERITS (base_log);', sql: 'ALTER TABLE child_log NO INHERIT base_log' },
  { name: 'AT_DropColumn with a foreign key', sql: 'ALTER TABLE audit DROP COLUMN order_id' },
  { name: 'AT_EnableRule', sql: 'ALTER TABLE customers DISABLE RULE customers_noop' },

  // ALTER INDEX
  { name: 'ALTER INDEX SET (fillfactor)', sql: 'ALTER INDEX orders_status_idx SET (fillfactor = 70)' },
  { name: 'ALTER INDEX SET TABLESPACE', sql: 'ALTER INDEX orders_status_idx SET TABLESPACE pg_default' },
  { name: 'ALTER INDEX RESET', sql: 'ALTER INDEX orders_status_idx RESET (fillfactor)' },
  {
    name: 'ALTER INDEX ATTACH PARTITION',
    setup: 'CREATE INDEX events_id_idx ON ONLY events (id); CREATE INDEX events_2024_id_idx ON events_2024 (id);',
    sql: 'ALTER INDEX events_id_idx ATTACH PARTITION events_2024_id_idx',
  },

  // RenameStmt
  { name: 'RenameStmt table', sql: 'ALTER TABLE orders RENAME TO purchases' },
  { name: 'RenameStmt column', sql: 'ALTER TABLE orders RENAME COLUMN note TO remark' },
  { name: 'RenameStmt constraint', sql: 'ALTER TABLE orders RENAME CONSTRAINT orders_total_check TO orders_total_positive' },
  { name: 'RenameStmt index', sql: 'ALTER INDEX orders_status_idx RENAME TO orders_state_idx' },
  { name: 'RenameStmt view', sql: 'ALTER VIEW open_orders RENAME TO pending_orders' },
  { name: 'RenameStmt materialized view', sql: 'ALTER MATERIALIZED VIEW order_totals RENAME TO customer_totals' },
  { name: 'RenameStmt trigger', sql: 'ALTER TRIGGER orders_touch ON orders RENAME TO orders_touched' },
  { name: 'RenameStmt policy', sql: 'ALTER POLICY orders_all ON orders RENAME TO orders_everyone' },
  { name: 'RenameStmt rule', sql: 'ALTER RULE customers_noop ON customers RENAME TO customers_nothing' },

  // AlterObjectSchemaStmt
  { name: 'AlterObjectSchemaStmt table', sql: 'ALTER TABLE customers SET SCHEMA app' },

  // DropStmt
  { name: 'DropStmt table', sql: 'DROP TABLE items' },
  { name: 'DropStmt table with a foreign key', sql: 'DROP TABLE audit' },
  { name: 'DropStmt table referenced (CASCADE)', sql: 'DROP TABLE customers CASCADE' },
  { name: 'DropStmt view', sql: 'DROP VIEW open_orders' },
  { name: 'DropStmt materialized view', sql: 'DROP MATERIALIZED VIEW order_totals' },
  { name: 'DropStmt index', sql: 'DROP INDEX orders_status_idx' },
  { name: 'DropStmt index CONCURRENTLY', sql: 'DROP INDEX CONCURRENTLY orders_status_idx', skipped: 'cannot run inside a transaction block' },
  { name: 'DropStmt trigger', sql: 'DROP TRIGGER orders_touch ON orders' },
  { name: 'DropStmt policy', sql: 'DROP POLICY orders_all ON orders' },
  { name: 'DropStmt rule', sql: 'DROP RULE customers_noop ON customers' },

  // TruncateStmt
  { name: 'TruncateStmt', sql: 'TRUNCATE audit' },
  { name: 'TruncateStmt CASCADE', sql: 'TRUNCATE orders CASCADE' },

  // ReindexStmt
  { name: 'ReindexStmt TABLE', sql: 'REINDEX TABLE orders' },
  { name: 'ReindexStmt INDEX', sql: 'REINDEX INDEX orders_status_idx' },
  { name: 'ReindexStmt CONCURRENTLY', sql: 'REINDEX TABLE CONCURRENTLY orders', skipped: 'cannot run inside a transaction block' },
  { name: 'ReindexStmt INDEX CONCURRENTLY', sql: 'REINDEX INDEX CONCURRENTLY orders_status_idx', skipped: 'cannot run inside a transaction block' },
  { name: 'ReindexStmt SCHEMA', sql: 'REINDEX SCHEMA app', skipped: 'cannot run inside a transaction block' },

  // RefreshMatViewStmt
  { name: 'RefreshMatViewStmt', sql: 'REFRESH MATERIALIZED VIEW order_totals' },
  { name: 'RefreshMatViewStmt CONCURRENTLY', sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals' },

  // VacuumStmt / ClusterStmt
  { name: 'VacuumStmt ANALYZE', sql: 'ANALYZE orders' },
  { name: 'VacuumStmt VACUUM', sql: 'VACUUM orders', skipped: 'cannot run inside a transaction block' },
  { name: 'VacuumStmt VACUUM FULL', sql: 'VACUUM FULL orders', skipped: 'cannot run inside a transaction block' },
  { name: 'ClusterStmt', sql: 'CLUSTER orders USING orders_status_idx' },

  // DML
  { name: 'UpdateStmt', sql: `UPDATE orders SET status = 'closed' WHERE id = 1` },
  { name: 'DeleteStmt', sql: 'DELETE FROM audit WHERE id = 1' },
  { name: 'InsertStmt VALUES', sql: `INSERT INTO customers (id, name) VALUES (3, 'c')` },
  { name: 'InsertStmt SELECT', sql: 'INSERT INTO audit (id, order_id) SELECT id, id FROM orders' },

  // CreateTrigStmt
  { name: 'CreateTrigStmt', sql: 'CREATE TRIGGER customers_touch BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION touch()' },

  // CreateStmt
  { name: 'CreateStmt with a foreign key', sql: 'CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id))' },
  { name: 'CreateStmt table-level foreign key', sql: 'CREATE TABLE refunds (id bigint, order_id bigint, FOREIGN KEY (order_id) REFERENCES orders (id))' },
  { name: 'CreateStmt PARTITION OF', sql: `CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')` },

  // LockStmt
  { name: 'LockStmt ACCESS SHARE', sql: 'LOCK TABLE orders IN ACCESS SHARE MODE' },
  { name: 'LockStmt ROW SHARE', sql: 'LOCK TABLE orders IN ROW SHARE MODE' },
  { name: 'LockStmt ROW EXCLUSIVE', sql: 'LOCK TABLE orders IN ROW EXCLUSIVE MODE' },
  { name: 'LockStmt SHARE UPDATE EXCLUSIVE', sql: 'LOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE' },
  { name: 'LockStmt SHARE', sql: 'LOCK TABLE orders IN SHARE MODE' },
  { name: 'LockStmt SHARE ROW EXCLUSIVE', sql: 'LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE' },
  { name: 'LockStmt EXCLUSIVE', sql: 'LOCK TABLE orders IN EXCLUSIVE MODE' },
  { name: 'LockStmt ACCESS EXCLUSIVE', sql: 'LOCK TABLE orders, customers' },

  // more forms
  { name: 'VacuumStmt ANALYZE (every table)', sql: 'ANALYZE' },
  { name: 'AlterObjectSchemaStmt view', sql: 'ALTER VIEW open_orders SET SCHEMA app' },
  { name: 'AlterObjectSchemaStmt materialized view', sql: 'ALTER MATERIALIZED VIEW order_totals SET SCHEMA app' },
  { name: 'CommentStmt table', sql: `COMMENT ON TABLE orders IS 'orders'` },
  { name: 'CommentStmt column', sql: `COMMENT ON COLUMN orders.status IS 'status'` },
  { name: 'CommentStmt constraint', sql: `COMMENT ON CONSTRAINT orders_total_check ON orders IS 'positive'` },
  { name: 'CommentStmt index', sql: `COMMENT ON INDEX orders_status_idx IS 'status'` },
  { name: 'CommentStmt trigger', sql: `COMMENT ON TRIGGER orders_touch ON orders IS 'touch'` },
  { name: 'RefreshMatViewStmt WITH NO DATA', sql: 'REFRESH MATERIALIZED VIEW order_totals WITH NO DATA' },
  { name: 'InsertStmt ON CONFLICT', sql: `INSERT INTO customers (id, name) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET name = excluded.name` },
  { name: 'UpdateStmt FROM', sql: 'UPDATE orders o SET total = 1 FROM customers c WHERE c.id = o.customer_id' },
  { name: 'DeleteStmt USING', sql: 'DELETE FROM audit a USING orders o WHERE o.id = a.order_id' },
  { name: 'AlterTableStmt several subcommands', sql: `ALTER TABLE orders ADD COLUMN region text, ALTER COLUMN status SET NOT NULL, ALTER COLUMN total SET STATISTICS 100` },
  { name: 'AlterTableStmt ONLY', sql: 'ALTER TABLE ONLY orders ALTER COLUMN status SET DEFAULT $$open$$' },
  { name: 'AlterTableStmt IF EXISTS, missing table', sql: 'ALTER TABLE IF EXISTS no_such_table ADD COLUMN x int' },
  { name: 'AT_SetNotNull on a partitioned table', sql: 'ALTER TABLE events ALTER COLUMN id SET NOT NULL' },
  { name: 'AT_AddConstraint FOREIGN KEY to a partitioned table', sql: 'ALTER TABLE events ADD CONSTRAINT events_id_fk FOREIGN KEY (id) REFERENCES orders (id)' },
  { name: 'DoStmt (the statements in its body)', sql: `DO $$ BEGIN ALTER TABLE orders ADD COLUMN region text; UPDATE orders SET region = 'eu' WHERE id = 1; END $$` },

  // domains
  { name: 'CreateDomainStmt', sql: 'CREATE DOMAIN short_text AS text CHECK (length(VALUE) < 10)', none: true },
  { name: 'AlterDomainStmt ADD CONSTRAINT', sql: 'ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0)' },
  { name: 'AlterDomainStmt ADD CONSTRAINT NOT VALID', sql: 'ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0) NOT VALID', none: true },
  { name: 'AlterDomainStmt SET NOT NULL', sql: 'ALTER DOMAIN positive SET NOT NULL' },
  { name: 'AlterDomainStmt DROP NOT NULL', sql: 'ALTER DOMAIN positive DROP NOT NULL', none: true },
];
