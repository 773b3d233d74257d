/**
 * Python migrations of real projects (../shared/corpus-orm: CTFd and redash with Alembic,
 * healthchecks with Django): roots found, every migration linted through the project path
 * without a crash or a parse error, and at least 95% of the recognised schema operations
 * translated (the rest are dynamic-sql warnings; RunPython and other code — a helper given the
 * connection, an ORM session's writes — are dynamic-sql too, counted apart).
 * Skipped when ../shared is absent.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initParser } from '../src/dialects/postgresql/pg.js';
import { findRoots } from '../src/sources/roots.js';
import { pyExtractOptions } from '../src/sources/py-roots.js';
import { extractPyMigration, initPyParser } from '../src/sources/extract/python/index.js';
import { lintProject } from '../src/project.js';

const corpus = resolve(import.meta.dirname, '..', '..', 'shared', 'corpus-orm');
const present = existsSync(corpus);

const projects: Array<{ folder: string; runner: 'alembic' | 'django'; roots: number; files: number }> = [
  { folder: 'CTFd+CTFd', runner: 'alembic', roots: 2, files: 36 },
  { folder: 'getredash+redash', runner: 'alembic', roots: 1, files: 27 },
  { folder: 'healthchecks+healthchecks', runner: 'django', roots: 1, files: 187 },
];

describe.skipIf(!present)('Python corpus', () => {
  beforeAll(async () => {
    await initParser();
    await initPyParser();
  });

  for (const p of projects) {
    it(`${p.folder}: roots, no crash, ≥ 95% of the recognised operations translated`, async () => {
      const dir = join(corpus, p.folder);
      const { roots } = await findRoots([dir]);
      const py = roots.filter((r) => r.runner === p.runner);
      expect(py).toHaveLength(p.roots);
      expect(py.reduce((n, r) => n + r.files.length, 0)).toBe(p.files);
      let translated = 0;
      let dynamic = 0;
      let code = 0;
      for (const root of py) {
        expect(root.notes).toEqual([]);
        for (const f of root.files) {
          const m = extractPyMigration(f.path, readFileSync(f.path, 'utf8'), pyExtractOptions(root, f.path));
          expect(m.error, f.path).toBeUndefined();
          for (const c of m.calls) {
            // code, not operations: RunPython, a helper given the connection, an ORM session's writes
            if (c.kind === 'dynamic' && (c.callee === 'migrations.RunPython' || c.code)) code++;
            else if (c.kind === 'dynamic') dynamic++;
            else translated++;
          }
        }
      }
      expect(translated / (translated + dynamic)).toBeGreaterThanOrEqual(0.95);
      expect(translated).toBeGreaterThan(40);
      const result = await lintProject([dir], { cwd: dir, overrides: {} });
      expect(result.ioFailure).toBe(false);
      const linted = result.results.filter((r) => r.filePath.endsWith('.py'));
      expect(linted).toHaveLength(p.files);
      for (const r of linted) {
        for (const m of r.messages) {
          expect(m.fatal, `${r.filePath}: ${m.message}`).toBeFalsy();
          expect(m.ruleId).not.toBe('syntax-error');
          expect(m.line).toBeGreaterThan(0);
          expect(m.column).toBeGreaterThan(0);
        }
      }
      const dynamicFindings = linted.flatMap((r) => r.messages.filter((m) => m.ruleId === 'dynamic-sql'));
      expect(dynamicFindings).toHaveLength(dynamic + code);
    });
  }
});
