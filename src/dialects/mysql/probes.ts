/**
 * One statement per row of the online-DDL matrix (matrix.ts): the table it starts from and the
 * ALTER that is that operation. The server tests run each on MariaDB with the ALGORITHM=/LOCK=
 * the matrix claims (and with the next stronger ones, which must fail); the fixtures of
 * mysql-require-online-ddl are written from them; the parser measurement parses them.
 */
import type { OpKind } from './matrix.js';

export interface MatrixProbe {
  op: OpKind;
  /** CREATE TABLE (and INSERT) statements the ALTER starts from; `t` is the table altered */
  setup: string[];
  /** the operation, without ALGORITHM=/LOCK= */
  sql: string;
  /** session settings the operation runs under (`SET foreign_key_checks = 0`) */
  session?: string[];
}

const BASE =
  "CREATE TABLE t (id INT NOT NULL, a INT NOT NULL DEFAULT 0, b VARCHAR(10) CHARACTER SET utf8mb4 NOT NULL DEFAULT '', " +
  "n VARCHAR(10) CHARACTER SET utf8mb4 NULL, w VARCHAR(50) CHARACTER SET utf8mb4 NULL, e ENUM('x','y') NOT NULL DEFAULT 'x', " +
  'PRIMARY KEY (id), KEY t_a (a)) ENGINE=InnoDB ROW_FORMAT=DYNAMIC';
const ROWS = "INSERT INTO t (id, a, b, n, w) VALUES (1, 1, 'one', 'x', 'w'), (2, 2, 'two', 'y', 'v')";
const base = [BASE, ROWS];

export const MATRIX_PROBES: MatrixProbe[] = [
  // columns
  { op: 'add-column', setup: base, sql: 'ALTER TABLE t ADD COLUMN c INT NULL' },
  { op: 'add-column-positioned', setup: base, sql: 'ALTER TABLE t ADD COLUMN c INT NULL AFTER id' },
  { op: 'add-column-auto-increment', setup: ['CREATE TABLE t (id INT NOT NULL, a INT, PRIMARY KEY (id)) ENGINE=InnoDB', 'INSERT INTO t VALUES (1, 1), (2, 2)'], sql: 'ALTER TABLE t ADD COLUMN seq BIGINT NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY t_seq (seq)' },
  { op: 'add-column-stored', setup: base, sql: 'ALTER TABLE t ADD COLUMN g INT AS (a + 1) STORED' },
  { op: 'add-column-virtual', setup: base, sql: 'ALTER TABLE t ADD COLUMN g INT AS (a + 1) VIRTUAL' },
  { op: 'drop-column', setup: base, sql: 'ALTER TABLE t DROP COLUMN n' },
  { op: 'drop-column-indexed', setup: base, sql: 'ALTER TABLE t DROP COLUMN a' },
  { op: 'drop-column-stored', setup: [BASE.replace(' PRIMARY KEY', ' g INT AS (a + 1) STORED, PRIMARY KEY'), ROWS], sql: 'ALTER TABLE t DROP COLUMN g' },
  { op: 'drop-column-virtual', setup: [BASE.replace(' PRIMARY KEY', ' g INT AS (a + 1) VIRTUAL, PRIMARY KEY'), ROWS], sql: 'ALTER TABLE t DROP COLUMN g' },
  { op: 'rename-column', setup: base, sql: 'ALTER TABLE t RENAME COLUMN n TO nickname' },
  { op: 'reorder-column', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN n VARCHAR(10) CHARACTER SET utf8mb4 NULL FIRST' },
  { op: 'set-default', setup: base, sql: "ALTER TABLE t ALTER COLUMN b SET DEFAULT 'none'" },
  { op: 'drop-default', setup: base, sql: 'ALTER TABLE t ALTER COLUMN b DROP DEFAULT' },
  { op: 'change-type', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN a BIGINT NOT NULL DEFAULT 0' },
  { op: 'varchar-extend', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN n VARCHAR(60) CHARACTER SET utf8mb4 NULL' },
  { op: 'varchar-extend-prefix', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN w VARCHAR(100) CHARACTER SET utf8mb4 NULL' },
  { op: 'varchar-extend-from-short', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN n VARCHAR(100) CHARACTER SET utf8mb4 NULL' },
  { op: 'varchar-shrink', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN w VARCHAR(20) CHARACTER SET utf8mb4 NULL' },
  { op: 'make-null', setup: base, sql: "ALTER TABLE t MODIFY COLUMN b VARCHAR(10) CHARACTER SET utf8mb4 NULL DEFAULT ''" },
  { op: 'make-not-null', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN n VARCHAR(10) CHARACTER SET utf8mb4 NOT NULL' },
  { op: 'enum-append', setup: base, sql: "ALTER TABLE t MODIFY COLUMN e ENUM('x','y','z') NOT NULL DEFAULT 'x'" },
  { op: 'enum-reorder', setup: base, sql: "ALTER TABLE t MODIFY COLUMN e ENUM('y','x') NOT NULL DEFAULT 'x'" },
  { op: 'column-charset', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN n VARCHAR(10) CHARACTER SET latin1 NULL' },
  { op: 'column-collation', setup: base, sql: 'ALTER TABLE t MODIFY COLUMN n VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL' },
  { op: 'auto-increment-value', setup: ['CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, a INT, PRIMARY KEY (id)) ENGINE=InnoDB', 'INSERT INTO t (a) VALUES (1), (2)'], sql: 'ALTER TABLE t AUTO_INCREMENT = 1000' },
  // indexes
  { op: 'add-index', setup: base, sql: 'ALTER TABLE t ADD INDEX t_b (b)' },
  { op: 'drop-index', setup: base, sql: 'ALTER TABLE t DROP INDEX t_a' },
  { op: 'rename-index', setup: base, sql: 'ALTER TABLE t RENAME INDEX t_a TO t_a2' },
  { op: 'add-fulltext', setup: base, sql: 'ALTER TABLE t ADD FULLTEXT INDEX t_w_ft (w)' },
  { op: 'add-fulltext-next', setup: [BASE.replace(' PRIMARY KEY', ' FULLTEXT KEY t_w_ft (w), PRIMARY KEY'), ROWS], sql: 'ALTER TABLE t ADD FULLTEXT INDEX t_b_ft (b)' },
  { op: 'add-spatial', setup: ['CREATE TABLE t (id INT NOT NULL, p POINT NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB', 'INSERT INTO t VALUES (1, POINT(1, 1))'], sql: 'ALTER TABLE t ADD SPATIAL INDEX t_p (p)' },
  // primary keys
  { op: 'add-primary-key', setup: ['CREATE TABLE t (id INT NOT NULL, a INT) ENGINE=InnoDB', 'INSERT INTO t VALUES (1, 1), (2, 2)'], sql: 'ALTER TABLE t ADD PRIMARY KEY (id)' },
  { op: 'drop-primary-key', setup: base, sql: 'ALTER TABLE t DROP PRIMARY KEY' },
  { op: 'replace-primary-key', setup: base, sql: 'ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)' },
  // foreign keys
  { op: 'add-foreign-key', setup: ['CREATE TABLE p (id INT NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB', 'INSERT INTO p VALUES (1), (2)', ...base], sql: 'ALTER TABLE t ADD CONSTRAINT t_a_fk FOREIGN KEY (a) REFERENCES p (id)' },
  {
    op: 'add-foreign-key-unchecked',
    setup: ['CREATE TABLE p (id INT NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB', 'INSERT INTO p VALUES (1), (2)', ...base],
    session: ['SET foreign_key_checks = 0'],
    sql: 'ALTER TABLE t ADD CONSTRAINT t_a_fk FOREIGN KEY (a) REFERENCES p (id)',
  },
  {
    op: 'drop-foreign-key',
    setup: ['CREATE TABLE p (id INT NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB', 'INSERT INTO p VALUES (1), (2)', BASE.replace(' PRIMARY KEY', ' CONSTRAINT t_a_fk FOREIGN KEY (a) REFERENCES p (id), PRIMARY KEY'), ROWS],
    sql: 'ALTER TABLE t DROP FOREIGN KEY t_a_fk',
  },
  // checks
  { op: 'add-check', setup: base, sql: 'ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a >= 0)' },
  { op: 'drop-check', setup: [BASE.replace(' PRIMARY KEY', ' CONSTRAINT t_a_check CHECK (a >= 0), PRIMARY KEY'), ROWS], sql: 'ALTER TABLE t DROP CONSTRAINT t_a_check' },
  // table
  { op: 'change-engine', setup: base, sql: 'ALTER TABLE t ENGINE = MyISAM' },
  { op: 'row-format', setup: base, sql: 'ALTER TABLE t ROW_FORMAT = COMPACT' },
  { op: 'table-charset', setup: base, sql: 'ALTER TABLE t DEFAULT CHARACTER SET = latin1' },
  { op: 'convert-charset', setup: base, sql: 'ALTER TABLE t CONVERT TO CHARACTER SET latin1' },
  { op: 'rebuild', setup: base, sql: 'ALTER TABLE t FORCE' },
  { op: 'table-stats', setup: base, sql: 'ALTER TABLE t STATS_PERSISTENT = 0' },
  { op: 'rename-table', setup: base, sql: 'ALTER TABLE t RENAME TO t_renamed' },
];
