/**
 * Every MariaDB row of the online-DDL matrix, checked on a real MariaDB server (CI: .ci/mariadb
 * starts a private MariaDB 10.11 and exports GODWIT_TEST_MARIADB_URL; skipped without it). For
 * each row's probe (src/dialects/mysql/probes.ts), on a fresh database:
 *  - the ALTER runs with the clauses the matrix claims (clausesFor: ALGORITHM=INSTANT /
 *    NOCOPY — in place without a rebuild — / INPLACE / COPY, and the weakest LOCK=), which is
 *    also what godwit's fixes append;
 *  - it fails with the next stronger algorithm (INSTANT < NOCOPY < INPLACE < COPY), so the row
 *    does not claim less than the server can do;
 *  - it fails with the next weaker lock, so the row does not claim a lock it cannot have.
 * A statement the server cannot run that way fails (ERROR 1845/1846): that is the assertion.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { MATRIX_PROBES } from '../src/dialects/mysql/probes.js';
import { onlineDdl, parseMysqlTarget } from '../src/dialects/mysql/matrix.js';
import { clausesFor } from '../src/dialects/mysql/online-ddl.js';

const url = process.env.GODWIT_TEST_MARIADB_URL;
const target = parseMysqlTarget('mariadb-10.11')!;

function run(sql: string): string | null {
  const u = new URL(url!);
  try {
    execFileSync('mariadb', ['--no-defaults', '--protocol=tcp', '-h', u.hostname, '-P', u.port || '3306', '-u', decodeURIComponent(u.username || 'root'), '--batch', '-e', sql], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    return null;
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e).trim();
  }
}

const STRONGER: Record<string, string | undefined> = { INSTANT: undefined, NOCOPY: 'INSTANT', INPLACE: 'NOCOPY', COPY: 'INPLACE' };
const WEAKER: Record<string, string | undefined> = { NONE: undefined, SHARED: 'NONE', EXCLUSIVE: 'SHARED' };

describe.skipIf(!url)('online-DDL matrix on MariaDB (GODWIT_TEST_MARIADB_URL)', () => {
  it('is MariaDB 10.11', () => {
    const u = new URL(url!);
    const out = execFileSync('mariadb', ['--no-defaults', '--protocol=tcp', '-h', u.hostname, '-P', u.port, '-u', 'root', '-N', '-e', 'SELECT VERSION()'], { encoding: 'utf8' });
    expect(out).toMatch(/^10\.11\./);
  });

  for (const p of MATRIX_PROBES) {
    const expected = onlineDdl(p.op, target);
    const clause = clausesFor(expected, target, 'alter');
    it(`${p.op}: ${clause}`, () => {
      const db = `godwit_${p.op.replace(/-/g, '_')}`;
      const attempt = (clauses: string): string | null => run([`DROP DATABASE IF EXISTS ${db}`, `CREATE DATABASE ${db}`, `USE ${db}`, ...p.setup, ...(p.session ?? []), `${p.sql}, ${clauses}`, `DROP DATABASE ${db}`].join(';\n'));
      // the claimed clauses run
      expect(attempt(clause)).toBeNull();
      const [alg, lock] = clause.split(', ').map((c) => c.split('=')[1]);
      // a stronger algorithm is refused
      const stronger = STRONGER[alg];
      if (stronger) {
        const err = attempt(`ALGORITHM=${stronger}`);
        expect(err, `ALGORITHM=${stronger} should be refused`).toMatch(/ERROR 184[56]/);
        run(`DROP DATABASE IF EXISTS ${db}`);
      }
      // a weaker lock is refused
      const weaker = WEAKER[lock];
      if (weaker) {
        const err = attempt(`ALGORITHM=${alg}, LOCK=${weaker}`);
        expect(err, `LOCK=${weaker} should be refused`).toMatch(/ERROR 184[56]/);
        run(`DROP DATABASE IF EXISTS ${db}`);
      }
    });
  }
});
