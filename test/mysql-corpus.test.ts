/**
 * The corpus's MySQL migrations (ory/kratos: pop's `*.mysql.{up,down}.sql`, 641 files;
 * openfga: assets/migrations/mysql, goose) lint with no crash: every statement parses (no
 * syntax-error on migrations that ran in production), positions are inside the text, and the
 * project pipeline finds them as MySQL (pop's MySQL root, the mysql/ folder) with their history.
 * Skipped only when ../shared is absent.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ready } from './helpers.js';
import { lintSql } from '../src/lint.js';
import { lintProject } from '../src/project.js';
import { findRoots } from '../src/sources/index.js';

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus');
const kratos = join(corpus, 'ory+kratos', 'persistence', 'sql', 'migrations', 'sql');
const openfga = join(corpus, 'openfga+openfga', 'assets', 'migrations', 'mysql');
const present = existsSync(kratos) && existsSync(openfga);

describe.skipIf(!present)('MySQL corpus', () => {
  beforeAll(ready);

  it('lints every MySQL file (up and down) statement by statement: no crash, no syntax error', () => {
    const files = [...readdirSync(kratos).filter((f) => f.includes('.mysql.')).map((f) => join(kratos, f)), ...readdirSync(openfga).map((f) => join(openfga, f))];
    expect(files.length).toBe(649);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const result = lintSql(text, file, { dialect: 'mysql', preset: 'all' });
      expect(result.messages.filter((m) => m.ruleId === 'syntax-error' || m.fatal), file).toEqual([]);
      for (const m of result.messages) {
        expect(m.line).toBeGreaterThan(0);
        expect(m.column).toBeGreaterThan(0);
        if (m.fix) expect(m.fix.range[1]).toBeLessThanOrEqual(text.length);
      }
    }
  });

  it('finds pop\'s MySQL migrations as a root of their own, and openfga\'s mysql/ folder as MySQL', async () => {
    const { roots } = await findRoots([kratos, openfga]);
    const mysqlPop = roots.find((r) => r.dir === kratos && r.dialect === 'mysql');
    const pgPop = roots.find((r) => r.dir === kratos && r.dialect === 'postgresql');
    expect(mysqlPop?.files.length).toBe(323);
    expect(mysqlPop?.files.every((f) => !f.path.includes('.postgres.'))).toBe(true);
    expect(pgPop?.files.some((f) => f.path.includes('.mysql.'))).toBe(false);
    expect(roots.find((r) => r.dir === openfga)).toMatchObject({ runner: 'goose', dialect: 'mysql' });
    const onlyPg = await findRoots([kratos], { dialect: 'postgresql' });
    expect(onlyPg.roots.filter((r) => r.dialect === 'mysql')).toEqual([]);
  });

  it('lints the projects with their histories: no fatal message, MySQL rules on MySQL files only', async () => {
    const { results, ioFailure } = await lintProject([join(corpus, 'ory+kratos'), join(corpus, 'openfga+openfga')], { cwd: corpus, overrides: {} });
    expect(ioFailure).toBe(false);
    const mysql = results.filter((r) => r.filePath.includes('.mysql.') || r.filePath.startsWith(openfga));
    expect(mysql.length).toBe(331);
    for (const r of results) {
      expect(r.messages.filter((m) => m.fatal), r.filePath).toEqual([]);
      const isMysql = mysql.includes(r);
      for (const m of r.messages) {
        if (m.ruleId.startsWith('mysql-')) expect(isMysql, `${m.ruleId} on ${r.filePath}`).toBe(true);
      }
    }
    // history: kratos widens VARCHARs whose current length only the earlier migrations know
    const byRule = new Map<string, number>();
    for (const r of mysql) for (const m of r.messages) byRule.set(m.ruleId, (byRule.get(m.ruleId) ?? 0) + 1);
    expect(byRule.get('mysql-require-online-ddl')).toBeGreaterThan(0);
    expect(byRule.get('require-lock-timeout')).toBeGreaterThan(0);
  });
});
