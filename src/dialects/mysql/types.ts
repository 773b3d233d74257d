/**
 * The MySQL statement model the rules, the catalog and the online-DDL classifier read. The
 * parser's tree (the MySQL Workbench grammar, grammar.ts) is normalised into it (normalize.ts),
 * so nothing after the dialect depends on the parser library. Every name and operation carries
 * its UTF-16 range in the file text.
 */
import type { SourceText } from '../postgresql/source.js';
import type { Comment } from '../postgresql/types.js';
import type { Directive } from '../postgresql/directives.js';
import type { MysqlToken } from './lexer.js';

/** [start, end) in the file text */
export interface Span {
  start: number;
  end: number;
}

/** A table (or index, column) name as written: `schema`.`name`. */
export interface MysqlName extends Span {
  name: string;
  schema?: string;
}

export interface ColumnType {
  /** upper case: VARCHAR, INT, ENUM, … */
  base: string;
  /** VARCHAR(255): 255; DECIMAL(10,2): 10 */
  length?: number;
  scale?: number;
  unsigned?: boolean;
  /** ENUM/SET members */
  values?: string[];
  charset?: string;
  collation?: string;
  /** `VARCHAR(255) BINARY`: the charset's binary collation */
  binary?: boolean;
  /** the type as written */
  text: string;
}

export interface ColumnSpec extends Span {
  name: string;
  type: ColumnType;
  /** NOT NULL: true; NULL: false; neither written: undefined (nullable, except for key columns) */
  notNull?: boolean;
  hasDefault: boolean;
  autoIncrement: boolean;
  generated?: 'STORED' | 'VIRTUAL';
  primaryKey?: boolean;
  unique?: boolean;
  /** FIRST / AFTER col */
  position?: { first: true } | { after: string };
}

export type IndexKind = 'index' | 'unique' | 'fulltext' | 'spatial' | 'primary';

export interface IndexSpec extends Span {
  name?: string;
  kind: IndexKind;
  columns: string[];
}

export interface ForeignKeySpec extends Span {
  name?: string;
  columns: string[];
  references: MysqlName;
  refColumns: string[];
}

/** One operation of an ALTER TABLE. */
export type AlterOp = Span &
  (
    | { kind: 'add-column'; column: ColumnSpec }
    | { kind: 'drop-column'; column: string }
    /** MODIFY col def / CHANGE old new def */
    | { kind: 'modify-column'; column: string; newName?: string; spec: ColumnSpec }
    | { kind: 'rename-column'; column: string; newName: string }
    | { kind: 'set-default'; column: string }
    | { kind: 'drop-default'; column: string }
    | { kind: 'add-index'; index: IndexSpec }
    | { kind: 'add-foreign-key'; foreignKey: ForeignKeySpec }
    | { kind: 'add-check'; name?: string }
    | { kind: 'drop-index'; name: string }
    | { kind: 'drop-primary-key' }
    | { kind: 'drop-foreign-key'; name: string }
    /** DROP CHECK name / DROP CONSTRAINT name (MySQL 8.0.16 / 8.0.19): what it drops is the catalog's to say */
    | { kind: 'drop-constraint'; name: string; check: boolean }
    | { kind: 'rename-index'; name: string; newName: string }
    | { kind: 'rename-table'; newName: MysqlName }
    /** a table option: ROW_FORMAT, AUTO_INCREMENT, ENGINE, CHARSET, STATS_PERSISTENT, COMMENT, … (upper case) */
    | { kind: 'table-option'; option: string; value: string }
    | { kind: 'convert-charset'; charset: string }
    | { kind: 'force' }
    /** partitioning, tablespaces, ORDER BY, … : not in the matrix */
    | { kind: 'other'; text: string }
  );

export interface Clause extends Span {
  /** upper case: INSTANT, INPLACE, COPY, NOCOPY, DEFAULT / NONE, SHARED, EXCLUSIVE */
  value: string;
}

export interface AlterTableBody {
  table: MysqlName;
  ops: AlterOp[];
  algorithm?: Clause;
  lock?: Clause;
}

export interface CreateTableBody {
  table: MysqlName;
  temporary: boolean;
  ifNotExists: boolean;
  columns: ColumnSpec[];
  indexes: IndexSpec[];
  foreignKeys: ForeignKeySpec[];
  /** CREATE TABLE … LIKE other */
  like?: MysqlName;
  /** table options, upper-case keys (ROW_FORMAT, ENGINE, CHARSET, …) */
  options: Record<string, string>;
}

export interface CreateIndexBody {
  table: MysqlName;
  index: IndexSpec;
  algorithm?: Clause;
  lock?: Clause;
}

export interface DropIndexBody {
  table: MysqlName;
  name: string;
  algorithm?: Clause;
  lock?: Clause;
}

export interface DmlBody {
  /** the tables written (UPDATE a JOIN b: both; DELETE a FROM a JOIN b: a) */
  tables: MysqlName[];
  /** the WHERE condition, if any */
  where?: Span;
  /** conjuncts of the WHERE condition that bound a column: `col = x`, `col IN (…)`, `col BETWEEN`, `col < x` … */
  bounds: Array<{ column: string; kind: 'point' | 'list' | 'range' | 'lower' | 'upper' }>;
  limit: boolean;
  /** INSERT … SELECT / REPLACE: the source reads a table */
  select?: boolean;
}

export interface SetBody {
  assignments: Array<{ name: string; scope: 'SESSION' | 'GLOBAL' | 'PERSIST' | 'USER' | 'DEFAULT'; value: string } & Span>;
}

export interface RenameTableBody {
  pairs: Array<{ from: MysqlName; to: MysqlName }>;
}

export interface TriggerBody {
  name: MysqlName;
  table: MysqlName;
  timing: 'BEFORE' | 'AFTER';
  event: 'INSERT' | 'UPDATE' | 'DELETE';
}

export type MysqlStatementKind =
  | 'AlterTable'
  | 'CreateTable'
  | 'CreateIndex'
  | 'DropIndex'
  | 'DropTable'
  | 'RenameTable'
  | 'Truncate'
  | 'Update'
  | 'Delete'
  | 'Insert'
  | 'Set'
  | 'CreateTrigger'
  | 'DropTrigger'
  | 'Transaction'
  | 'Other'
  | 'SyntaxError';

export interface MysqlStatement {
  index: number;
  kind: MysqlStatementKind;
  /** the normalised body (by kind: AlterTableBody, CreateTableBody, …); {} for Other and SyntaxError */
  body: any;
  /** first to last code token (the delimiter excluded) */
  start: number;
  end: number;
  text: string;
  /** code tokens (comments left out) with file positions */
  tokens: MysqlToken[];
  /** the offset of a token in the file; statements keep file offsets already */
  locate(location: number | undefined): number;
  error?: { message: string; index: number };
  /** Transaction: begin / commit / rollback; DDL commits implicitly */
  control?: 'begin' | 'commit' | 'rollback';
  /** DropTable: the tables */
  tables?: MysqlName[];
  /** a statement inside a stored-program body is never reported on its own: statements are top level only */
  parent?: undefined;
  children?: undefined;
  inLoop?: undefined;
}

export interface MysqlParsedFile {
  dialect: 'mysql';
  path: string;
  source: SourceText;
  statements: MysqlStatement[];
  comments: Comment[];
  directives: Directive[];
  tokens: Array<{ start: number; end: number; name: string; text: string }>;
  tokensIn(start: number, end: number): Array<{ start: number; end: number; name: string; text: string }>;
}
