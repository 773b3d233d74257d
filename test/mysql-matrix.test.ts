/**
 * The online-DDL matrix, row by row (src/dialects/mysql/matrix.ts, probes.ts): for every row and
 * every server the classifier puts the row's probe in that row, and mysql-require-online-ddl
 * flags it exactly when the row's result copies the table or blocks writes (positive and
 * negative per row and server, version differences included). The server side of the MariaDB
 * rows is test/mysql-server.test.ts.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { MATRIX, onlineDdl, parseMysqlTarget, MYSQL_VERSIONS, type OpKind } from '../src/dialects/mysql/matrix.js';
import { MATRIX_PROBES } from '../src/dialects/mysql/probes.js';
import { blocksTraffic, classifyStatement } from '../src/dialects/mysql/online-ddl.js';
import { MysqlCatalog, parseMysqlFile, replayMysql } from '../src/dialects/index.js';
import { lintWithRule, ready } from './helpers.js';

beforeAll(ready);

const TARGETS = [...MYSQL_VERSIONS, '8.0.11', '8.0.28'];

function historyOf(setup: string[], target: string): MysqlCatalog {
  const c = replayMysql(new MysqlCatalog(), parseMysqlFile('history.sql', setup.map((s) => `${s};`).join('\n'), { target }), target);
  c.sealAsHistory();
  return c;
}

describe('online-DDL matrix', () => {
  it('has a probe for every row and a row for every probe', () => {
    expect(new Set(MATRIX_PROBES.map((p) => p.op))).toEqual(new Set(MATRIX.map((r) => r.op)));
  });

  for (const probe of MATRIX_PROBES) {
    for (const target of TARGETS) {
      const t = parseMysqlTarget(target)!;
      const expected = onlineDdl(probe.op, t);
      const blocks = blocksTraffic(expected);
      it(`${probe.op} on ${target}: ALGORITHM=${expected.algorithm}${expected.rebuilds ? ' (rebuild)' : ''}, LOCK=${expected.lock} → ${blocks ? 'flagged' : 'not flagged'}`, () => {
        const text = [...(probe.session ?? []), probe.sql].map((s) => `${s};`).join('\n');
        const parsed = parseMysqlFile('m.sql', text, { target });
        const stmt = parsed.statements[parsed.statements.length - 1];
        expect(stmt.kind, stmt.error?.message).not.toBe('SyntaxError');
        const catalog = historyOf(probe.setup, target);
        const ddl = classifyStatement(stmt, { catalog, target: t, foreignKeyChecksOff: !!probe.session?.some((s) => /foreign_key_checks = 0/.test(s)) })!;
        expect(ddl.ops.map((o) => o.op)).toContain(probe.op as OpKind);
        const own = ddl.ops.find((o) => o.op === probe.op)!;
        expect(own.result).toEqual(expected);
        const result = lintWithRule(text, 'mysql-require-online-ddl', { dialect: 'mysql', mysqlVersion: target, mysqlCatalog: catalog });
        const hits = result.messages.filter((m) => m.ruleId === 'mysql-require-online-ddl');
        if (blocks) {
          expect(hits.length, JSON.stringify(result.messages)).toBe(1);
          expect(hits[0].message.split('\n')[0].length).toBeLessThanOrEqual(110);
          expect(hits[0].lock?.mode).toBe(`ALGORITHM=${expected.algorithm}, LOCK=${expected.lock}`);
        } else {
          expect(hits, JSON.stringify(hits)).toEqual([]);
        }
      });
    }
  }
});

describe('hard cases', () => {
  const lintOne = (history: string, sql: string, mysqlVersion = '8.0') => {
    const catalog = replayMysql(new MysqlCatalog(), parseMysqlFile('h.sql', history, { target: mysqlVersion }), mysqlVersion);
    catalog.sealAsHistory();
    const parsed = parseMysqlFile('m.sql', sql, { target: mysqlVersion });
    return classifyStatement(parsed.statements[0], { catalog, target: parseMysqlTarget(mysqlVersion)!, foreignKeyChecksOff: false })!;
  };

  it('INSTANT add column: last position from 8.0.12, any position from 8.0.29', () => {
    const h = 'CREATE TABLE t (id INT PRIMARY KEY, a INT);';
    expect(lintOne(h, 'ALTER TABLE t ADD COLUMN b INT', '8.0.11').natural.algorithm).toBe('INPLACE');
    expect(lintOne(h, 'ALTER TABLE t ADD COLUMN b INT', '8.0.12').natural.algorithm).toBe('INSTANT');
    expect(lintOne(h, 'ALTER TABLE t ADD COLUMN b INT AFTER id', '8.0.28').natural).toMatchObject({ algorithm: 'INPLACE', rebuilds: true, lock: 'NONE' });
    expect(lintOne(h, 'ALTER TABLE t ADD COLUMN b INT AFTER id', '8.0.29').natural.algorithm).toBe('INSTANT');
    expect(lintOne(h, 'ALTER TABLE t DROP COLUMN a', '8.0.28').natural).toMatchObject({ algorithm: 'INPLACE', rebuilds: true });
    expect(lintOne(h, 'ALTER TABLE t DROP COLUMN a', '8.4').natural.algorithm).toBe('INSTANT');
  });

  it('the 64th row version makes the next instant ADD COLUMN a rebuild (MySQL, not MariaDB)', () => {
    const adds = Array.from({ length: 64 }, (_, i) => `ALTER TABLE t ADD COLUMN c${i} INT;`).join('\n');
    const h = `CREATE TABLE t (id INT PRIMARY KEY);\n${adds}`;
    const d = lintOne(h, 'ALTER TABLE t ADD COLUMN z INT');
    expect(d.natural).toMatchObject({ algorithm: 'INPLACE', rebuilds: true });
    expect(d.ops[0].detail).toMatch(/64 row versions/);
    expect(lintOne(`CREATE TABLE t (id INT PRIMARY KEY);\n${adds.split('\n').slice(0, 63).join('\n')}`, 'ALTER TABLE t ADD COLUMN z INT').natural.algorithm).toBe('INSTANT');
    // a rebuild resets the count
    expect(lintOne(`${h}\nALTER TABLE t FORCE;`, 'ALTER TABLE t ADD COLUMN z INT').natural.algorithm).toBe('INSTANT');
    expect(lintOne(h, 'ALTER TABLE t ADD COLUMN z INT', 'mariadb-10.11').natural.algorithm).toBe('INSTANT');
  });

  it('a FULLTEXT index keeps columns from being added instantly', () => {
    const d = lintOne('CREATE TABLE t (id INT PRIMARY KEY, body TEXT, FULLTEXT KEY t_body (body));', 'ALTER TABLE t ADD COLUMN z INT');
    expect(d.natural).toMatchObject({ algorithm: 'INPLACE', rebuilds: true, lock: 'NONE' });
  });

  it('VARCHAR growth is judged in bytes of the column\'s character set', () => {
    const h = 'CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(60) CHARACTER SET latin1, b VARCHAR(60) CHARACTER SET utf8mb3, c VARCHAR(60)) DEFAULT CHARSET=utf8mb4;';
    expect(lintOne(h, 'ALTER TABLE t MODIFY a VARCHAR(255) CHARACTER SET latin1').ops[0].op).toBe('varchar-extend');
    expect(lintOne(h, 'ALTER TABLE t MODIFY b VARCHAR(85) CHARACTER SET utf8mb3').ops[0].op).toBe('varchar-extend'); // 255 bytes
    expect(lintOne(h, 'ALTER TABLE t MODIFY b VARCHAR(86) CHARACTER SET utf8mb3').ops[0].op).toBe('varchar-extend-prefix'); // 258
    expect(lintOne(h, 'ALTER TABLE t MODIFY c VARCHAR(63)').ops[0].op).toBe('varchar-extend'); // 252 bytes (table default utf8mb4)
    expect(lintOne(h, 'ALTER TABLE t MODIFY c VARCHAR(64)').ops[0].op).toBe('varchar-extend-prefix'); // 256
  });

  it('MODIFY without NOT NULL makes a NOT NULL column nullable (a rebuild), as MySQL does', () => {
    const d = lintOne('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10) NOT NULL);', 'ALTER TABLE t MODIFY v VARCHAR(20)');
    expect(d.ops.map((o) => o.op)).toEqual(['varchar-extend', 'make-null']);
  });

  it('ALGORITHM=/LOCK= the server cannot honour are refused; weaker ones are what it does', () => {
    const h = 'CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT);';
    expect(lintOne(h, 'ALTER TABLE t MODIFY a BIGINT, ALGORITHM=INPLACE').refused).toMatch(/ALGORITHM=INPLACE is not supported/);
    expect(lintOne(h, 'ALTER TABLE t ADD INDEX t_a (a), LOCK=SHARED').effective).toMatchObject({ algorithm: 'INPLACE', lock: 'SHARED' });
    expect(lintOne(h, 'ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT, LOCK=NONE').refused).toMatch(/only LOCK=DEFAULT/);
    expect(lintOne(h, 'ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT, LOCK=NONE', 'mariadb-10.11').refused).toBeUndefined();
    expect(lintOne(h, 'ALTER TABLE t ADD INDEX t_a (a), ALGORITHM=COPY').effective).toMatchObject({ algorithm: 'COPY', lock: 'SHARED', rebuilds: true });
  });
});
