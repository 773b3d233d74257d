/**
 * Table sizes from a database (`godwit lint --db-url`): the query of docs/table-sizes.md, run in
 * a read-only transaction with a short statement_timeout and lock_timeout. It reads only the
 * catalog and the statistics views: no table is scanned or locked beyond ACCESS SHARE on the
 * catalogs. `pg` is loaded only for this.
 */
import type { Client } from 'pg';
import { parseTableSizes, TABLE_SIZES_QUERY, type TableSizes } from '../analysis/table-sizes.js';

export async function readTableSizes(url: string): Promise<TableSizes> {
  const mod = await import('pg');
  const pg = ((mod as unknown as { default?: typeof import('pg') }).default ?? mod) as typeof import('pg');
  const client: Client = new pg.Client({ connectionString: url, application_name: 'godwit lint (table sizes)', connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query("BEGIN READ ONLY; SET LOCAL statement_timeout = '10s'; SET LOCAL lock_timeout = '1s'");
    const rows = (await client.query(TABLE_SIZES_QUERY)).rows as Array<Record<string, unknown>>;
    await client.query('ROLLBACK');
    const value = Object.values(rows[0] ?? {})[0];
    const parsed = parseTableSizes(typeof value === 'string' ? value : JSON.stringify(value ?? []));
    if (parsed.problems.length) throw new Error(parsed.problems.join('; '));
    return parsed.sizes;
  } finally {
    await client.end().catch(() => {});
  }
}
