/**
 * Samples pg_locks every `interval` ms on a connection of its own: the locks sessions wait
 * for (with PostgreSQL's own `waitstart`, so a wait's length is exact whatever the sampling
 * rate), and the ACCESS EXCLUSIVE locks granted on tables, views and sequences of the
 * public schema (how long one is held is measured from the samples: ± one interval).
 */
import pg from 'pg';
import { performance } from 'node:perf_hooks';

const QUERY = `
SELECT l.pid, l.mode, l.granted, l.locktype, c.relname AS rel, a.application_name AS app,
       (extract(epoch FROM clock_timestamp() - l.waitstart) * 1000)::float8 AS wait_ms,
       l.waitstart::text AS waitstart
  FROM pg_locks l
  LEFT JOIN pg_class c ON c.oid = l.relation
  LEFT JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.pid <> pg_backend_pid()
   AND (NOT l.granted
        OR (l.mode = 'AccessExclusiveLock' AND l.locktype = 'relation'
            AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'S')))`;

export class Sampler {
  constructor(url, interval = 40) {
    this.url = url;
    this.interval = interval;
    this.samples = [];
  }

  async start() {
    this.client = new pg.Client({ connectionString: this.url, application_name: 'zdt-sampler' });
    await this.client.connect();
    this.running = true;
    this.done = (async () => {
      while (this.running) {
        const t = performance.now();
        try {
          const { rows } = await this.client.query(QUERY);
          this.samples.push({
            t,
            waits: rows.filter((r) => !r.granted).map((r) => ({ pid: r.pid, app: r.app, mode: r.mode, rel: r.rel ?? r.locktype, waitMs: r.wait_ms ?? 0, waitstart: r.waitstart })),
            exclusive: rows.filter((r) => r.granted).map((r) => ({ pid: r.pid, app: r.app, rel: r.rel })),
          });
        } catch {
          // a table dropped between pg_locks and pg_class: skip this sample
        }
        const left = this.interval - (performance.now() - t);
        if (left > 0) await new Promise((r) => setTimeout(r, left));
      }
    })();
  }

  async stop() {
    this.running = false;
    await this.done;
    await this.client.end().catch(() => {});
  }
}
