import { describe, it, expect, beforeAll } from 'vitest';
import { initParser, parseSql } from '../src/dialects/postgresql/pg.js';
import { Catalog } from '../src/analysis/catalog.js';
import { parseFile } from '../src/dialects/postgresql/parse.js';
import { analyzeBatch, isBoundedBatch } from '../src/analysis/batching.js';

beforeAll(initParser);

function body(sql: string): any {
  const s = parseSql(sql)[0].stmt as any;
  return s.UpdateStmt ?? s.DeleteStmt;
}

function history(sql: string): Catalog {
  const c = new Catalog();
  for (const s of parseFile('history.sql', sql).statements) c.apply(s);
  c.sealAsHistory();
  return c;
}

describe('batching', () => {
  it('uses the catalog primary key and unique columns as keys', () => {
    const catalog = history('CREATE TABLE products (sku text PRIMARY KEY, code text UNIQUE, price numeric, currency text);');
    expect(isBoundedBatch(body("UPDATE products SET price = 1 WHERE sku = 'A-1'"), { catalog })).toBe(true);
    expect(isBoundedBatch(body("UPDATE products SET price = 1 WHERE code = 'X'"), { catalog })).toBe(true);
    expect(isBoundedBatch(body("UPDATE products SET price = 1 WHERE sku > $1 AND sku <= $2"), { catalog })).toBe(true);
    expect(isBoundedBatch(body("UPDATE products SET currency = 'EUR' WHERE currency IS NULL"), { catalog })).toBe(false);
    expect(analyzeBatch(body("UPDATE products SET currency = 'EUR'"), { catalog }).key).toBe('sku');
  });

  it('a known column of the target is not a PL/pgSQL variable', () => {
    const catalog = history('CREATE TABLE nodes (id bigint PRIMARY KEY, parent_id bigint, depth int);');
    expect(isBoundedBatch(body('UPDATE nodes SET depth = 0 WHERE id = parent_id'), { catalog, plpgsql: true })).toBe(false);
    expect(isBoundedBatch(body('UPDATE nodes SET depth = 0 WHERE id = some_var'), { catalog, plpgsql: true })).toBe(true);
    expect(isBoundedBatch(body('UPDATE nodes SET depth = 0 WHERE id > lo AND id <= hi'), { catalog, plpgsql: true })).toBe(true);
  });

  it('explains near misses', () => {
    expect(analyzeBatch(body('UPDATE t SET x = 1 WHERE id > 10')).reason).toMatch(/only a lower bound on id/);
    expect(analyzeBatch(body('UPDATE t SET x = 1 WHERE id IN (SELECT id FROM t WHERE x IS NULL)')).reason).toMatch(/no LIMIT/);
    expect(analyzeBatch(body('UPDATE t SET x = o.x FROM other o WHERE t.id = o.t_id')).reason).toMatch(/only a join on id with "other"/);
    expect(analyzeBatch(body('DELETE FROM t')).reason).toBe('no WHERE clause');
  });

  it('bounded shapes', () => {
    const yes = [
      'UPDATE t SET x = 1 WHERE id IN (SELECT id FROM t LIMIT 10) OR id = 5',
      'UPDATE t SET x = 1 WHERE (tenant_id, id) IN (SELECT tenant_id, id FROM t FETCH FIRST 10 ROWS ONLY)',
      'UPDATE t SET x = 1 WHERE EXISTS (SELECT 1 FROM (SELECT id FROM t LIMIT 10) b WHERE b.id = t.id)',
      'UPDATE t SET x = 1 WHERE id IN (SELECT id FROM t WHERE id BETWEEN 1 AND 1000)',
      'WITH b AS (SELECT id FROM t LIMIT 10), c AS (SELECT id FROM b) UPDATE t SET x = 1 WHERE id IN (SELECT id FROM c)',
      'UPDATE t SET x = 1 WHERE id::text = $1',
    ];
    const no = [
      'UPDATE t SET x = 1 WHERE id IN (SELECT id FROM t LIMIT ALL)',
      'UPDATE t SET x = 1 WHERE id IN (SELECT id FROM t LIMIT 10) OR x IS NULL',
      'UPDATE t SET x = 1 WHERE NOT (id = 5)',
      'UPDATE t SET x = 1 WHERE id <> 5',
      'UPDATE t SET x = 1 WHERE status IN (SELECT status FROM s LIMIT 1)',
      'UPDATE t SET x = 1 WHERE id NOT BETWEEN 1 AND 5',
      'UPDATE t SET x = o.x FROM o WHERE t.id = o.id',
    ];
    for (const q of yes) expect(isBoundedBatch(body(q)), q).toBe(true);
    for (const q of no) expect(isBoundedBatch(body(q)), q).toBe(false);
  });
});
