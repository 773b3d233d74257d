/**
 * The MySQL dialect's front end: the tokenizer and splitter (DELIMITER, quotes, backquotes,
 * comments, versioned comments, stored-program bodies), per-statement recovery, exact positions,
 * the grammar gaps, and the dialect detection of `--dialect auto`.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitMysql } from '../src/dialects/mysql/split.js';
import { tokenizeMysql } from '../src/dialects/mysql/lexer.js';
import { parseMysqlFile } from '../src/dialects/mysql/parse.js';
import { detectDialect, mysqlMarker } from '../src/dialects/detect.js';
import { findRoots } from '../src/sources/index.js';
import { lintProject } from '../src/project.js';
import { lintSql } from '../src/lint.js';
import { ready } from './helpers.js';

beforeAll(ready);

const texts = (sql: string): string[] => splitMysql(sql).statements.map((s) => sql.slice(s.start, s.end));

describe('MySQL splitter', () => {
  it('splits at ; outside strings, backquotes and comments', () => {
    expect(texts("INSERT INTO t VALUES ('a;b', \"c;\\\"d\"); SELECT `x;y` FROM t -- c;\n; # x;y\nSELECT 1 /* ; */")).toEqual([
      "INSERT INTO t VALUES ('a;b', \"c;\\\"d\")",
      'SELECT `x;y` FROM t',
      'SELECT 1',
    ]);
  });

  it('reads -- as a comment only before a space or control character (5--3 is arithmetic)', () => {
    const t = tokenizeMysql('SELECT 5--3;\n-- a comment\nSELECT 1;--\n');
    expect(t.filter((x) => x.type === 'comment').map((x) => x.text)).toEqual(['-- a comment', '--']);
  });

  it('follows DELIMITER commands, which are not statements', () => {
    const sql = 'DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END$$\nDELIMITER ;\nSELECT 3;';
    expect(texts(sql)).toEqual(['CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END', 'SELECT 3']);
  });

  it('keeps a stored-program body together without DELIMITER (BEGIN … END, END IF, CASE … END CASE)', () => {
    const sql = 'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN IF NEW.a IS NULL THEN SET NEW.a = 1; END IF; CASE NEW.b WHEN 1 THEN SET NEW.c = 2; ELSE BEGIN END; END CASE; END; SELECT 1; CREATE TABLE event (id INT); SELECT 2';
    expect(texts(sql)).toEqual([
      'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN IF NEW.a IS NULL THEN SET NEW.a = 1; END IF; CASE NEW.b WHEN 1 THEN SET NEW.c = 2; ELSE BEGIN END; END CASE; END',
      'SELECT 1',
      'CREATE TABLE event (id INT)',
      'SELECT 2',
    ]);
  });

  it('runs the code of versioned comments the target runs, and skips the others', () => {
    const sql = '/*!40101 SET NAMES utf8mb4 */;\n/*!90000 SET x = 1 */;\n/*M!100100 SET y = 2 */;\nSELECT 1;';
    expect(texts(sql)).toEqual(['SET NAMES utf8mb4', 'SELECT 1']);
    // MariaDB runs every /*!NNNNN comment (5 digits are below its 6-digit versions) and its own /*M! ones
    expect(splitMysql(sql, { server: { version: 101199, mariadb: true } }).statements.length).toBe(4);
  });

  it('reports an unterminated string as one syntax error and lints the statements before it', () => {
    const f = parseMysqlFile('x.sql', "ALTER TABLE t ADD COLUMN a INT;\nUPDATE t SET b = 'oops;\nSELECT 1;");
    expect(f.statements.map((s) => s.kind)).toEqual(['AlterTable', 'SyntaxError']);
    expect(f.statements[1].error!.message).toMatch(/unterminated/);
  });
});

describe('MySQL parser wrapper', () => {
  it('recovers per statement: the statements around a syntax error are analysed', () => {
    const sql = 'ALTER TABLE t ADD COLUMN a INT;\nALTER TABLE t ADD COLUMN b INT NOT NULL DEFAULT );\nALTER TABLE t DROP COLUMN c;';
    const f = parseMysqlFile('x.sql', sql);
    expect(f.statements.map((s) => s.kind)).toEqual(['AlterTable', 'SyntaxError', 'AlterTable']);
    expect(sql.slice(f.statements[1].error!.index, f.statements[1].error!.index + 1)).toBe(')');
  });

  it('locates names and operations exactly, through comments, backquotes and multi-byte text', () => {
    const sql = "-- é ✓ 𝄞\nALTER TABLE `ü_t` /* c */ ADD COLUMN `ñ` INT, MODIFY COLUMN x VARCHAR(20) COMMENT '𝄞';";
    const f = parseMysqlFile('x.sql', sql);
    const s = f.statements[0];
    expect(s.kind).toBe('AlterTable');
    expect(sql.slice(s.body.table.start, s.body.table.end)).toBe('`ü_t`');
    expect(s.body.table.name).toBe('ü_t');
    expect(s.body.ops.map((o: { start: number; end: number }) => sql.slice(o.start, o.end))).toEqual(['ADD COLUMN `ñ` INT', "MODIFY COLUMN x VARCHAR(20) COMMENT '𝄞'"]);
  });

  it('reads DROP CHECK / DROP CONSTRAINT (MySQL 8.0.16 / 8.0.19), which the grammar predates', () => {
    const f = parseMysqlFile('x.sql', 'ALTER TABLE t DROP CONSTRAINT t_fk, DROP CHECK t_chk;');
    expect(f.statements[0].kind).toBe('AlterTable');
    expect(f.statements[0].body.ops.map((o: { kind: string; name: string; check: boolean }) => [o.kind, o.name, o.check])).toEqual([
      ['drop-constraint', 't_fk', false],
      ['drop-constraint', 't_chk', true],
    ]);
  });

  it('reads MariaDB IF [NOT] EXISTS in ALTER TABLE for MariaDB targets only', () => {
    const sql = 'ALTER TABLE t ADD COLUMN IF NOT EXISTS a INT, DROP COLUMN IF EXISTS b;';
    expect(parseMysqlFile('x.sql', sql, { target: 'mariadb-10.11' }).statements[0].kind).toBe('AlterTable');
    expect(parseMysqlFile('x.sql', sql, { target: '8.0' }).statements[0].kind).toBe('SyntaxError');
  });
});

describe('dialect detection (--dialect auto)', () => {
  it('takes MySQL-only syntax that PostgreSQL rejects for MySQL', () => {
    expect(detectDialect('CREATE TABLE `t` (id INT);')).toBe('mysql');
    expect(detectDialect('CREATE TABLE t (id INT) ENGINE=InnoDB;')).toBe('mysql');
    expect(detectDialect('CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY);')).toBe('mysql');
    expect(detectDialect('ALTER TABLE t MODIFY COLUMN a BIGINT;')).toBe('mysql');
    expect(detectDialect('ALTER TABLE t CHANGE a b INT;')).toBe('mysql');
    expect(detectDialect('CREATE TABLE t (a INT UNSIGNED);')).toBe('mysql');
  });

  it('keeps PostgreSQL files PostgreSQL, whatever words they hold', () => {
    expect(detectDialect("SELECT data #>> '{a,b}' FROM t; -- modify the engine\n")).toBe('postgresql');
    expect(detectDialect('ALTER TABLE t ADD COLUMN modify int, ADD COLUMN engine text;')).toBe('postgresql');
    expect(detectDialect("CREATE FUNCTION f() RETURNS text LANGUAGE plv8 AS $$ return `x`; $$;")).toBe('postgresql');
    expect(detectDialect("COMMENT ON TABLE t IS 'ENGINE=InnoDB, `quoted`';")).toBe('postgresql');
    expect(mysqlMarker('SELECT 1;')).toBeUndefined();
  });

  it('decides per file, from the layout first: pop names, mysql/ folders, Prisma\'s provider, Drizzle\'s journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'godwit-dialect-'));
    mkdirSync(join(dir, 'prisma', 'migrations', '20240101000000_init'), { recursive: true });
    writeFileSync(join(dir, 'prisma', 'migrations', 'migration_lock.toml'), '# Prisma\nprovider = "mysql"\n');
    writeFileSync(join(dir, 'prisma', 'migrations', '20240101000000_init', 'migration.sql'), 'CREATE TABLE t (id INT PRIMARY KEY);\n');
    mkdirSync(join(dir, 'drizzle', 'meta'), { recursive: true });
    writeFileSync(join(dir, 'drizzle', 'meta', '_journal.json'), JSON.stringify({ dialect: 'mysql', entries: [{ idx: 0, tag: '0000_init' }] }));
    writeFileSync(join(dir, 'drizzle', '0000_init.sql'), 'CREATE TABLE t (id INT PRIMARY KEY);\n');
    mkdirSync(join(dir, 'db', 'mysql'), { recursive: true });
    writeFileSync(join(dir, 'db', 'mysql', '001_init.sql'), 'CREATE TABLE t (id INT PRIMARY KEY);\n');
    mkdirSync(join(dir, 'plain'), { recursive: true });
    writeFileSync(join(dir, 'plain', '001_a.sql'), 'CREATE TABLE a (id INT PRIMARY KEY);\n');
    writeFileSync(join(dir, 'plain', '002_b.sql'), 'ALTER TABLE `a` MODIFY COLUMN id BIGINT;\n');
    const { roots } = await findRoots([dir]);
    const by = (s: string) => roots.find((r) => r.dir.endsWith(s));
    expect(by('prisma/migrations')).toMatchObject({ runner: 'prisma', dialect: 'mysql' });
    expect(by('drizzle')).toMatchObject({ runner: 'drizzle', dialect: 'mysql' });
    expect(by('db/mysql')).toMatchObject({ dialect: 'mysql' });
    expect(by('plain')?.dialect).toBeUndefined();
    // plain/: 001 is plain SQL both dialects read (PostgreSQL), 002 is MySQL by its syntax
    const { results } = await lintProject([join(dir, 'plain')], { cwd: dir, overrides: {} });
    const b = results.find((r) => r.filePath.endsWith('002_b.sql'))!;
    expect(b.messages.map((m) => m.ruleId)).toContain('mysql-require-online-ddl');
    expect(b.messages.some((m) => m.ruleId === 'syntax-error')).toBe(false);
    // --dialect postgresql: the same file is PostgreSQL (a syntax error there)
    const pg = await lintProject([join(dir, 'plain', '002_b.sql')], { cwd: dir, overrides: { dialect: 'postgresql' } });
    expect(pg.results[0].messages.map((m) => m.ruleId)).toContain('syntax-error');
  });

  it('lintSql: dialect auto', () => {
    const r = lintSql('ALTER TABLE `users` DROP COLUMN legacy;', 'x.sql', { dialect: 'auto' });
    expect(r.messages.map((m) => m.ruleId)).toContain('no-drop-column');
  });
});
