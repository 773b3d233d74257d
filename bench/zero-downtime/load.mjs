/**
 * The application: `clients` connections, each running transactions at its share of `rate`
 * per second (a schedule, not a closed loop: a client that was blocked does not fire its
 * backlog afterwards). Each transaction is drawn from the scenario's mix — reads 60 %,
 * updates 25 %, inserts 10 %, the second table 5 % — in the code version deployed at that
 * moment: `old` (the schema before the migration), `new`, or `both` (a rolling deploy: half
 * the clients run each). Every transaction is recorded with its start, end, version and
 * outcome (an error is the application's error: it counts).
 *
 * Statements go through node-postgres' unnamed prepared statements (parsed again each time),
 * as most ORMs do; see README for named prepared statements after a type change.
 */
import pg from 'pg';
import { performance } from 'node:perf_hooks';

const MIX = [['read', 0.6], ['update', 0.25], ['insert', 0.1], ['other', 0.05]];

/** A small deterministic PRNG (mulberry32), one per client. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (list) => list[Math.floor(next() * list.length)] };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Load {
  /**
   * @param {object} o
   * @param {string} o.url
   * @param {number} o.clients
   * @param {number} o.rate transactions per second, all clients together
   * @param {{old: object, new: object}} o.app per version: { read, update, insert, other }, each (r, state) => [{ text, values }]
   * @param {object} o.state shared by the transactions (next insert key, …)
   */
  constructor({ url, clients, rate, app, state }) {
    Object.assign(this, { url, clients, rate, app, state });
    this.version = 'old';
    this.records = [];
    this.running = false;
    this.conns = [];
    this.loops = [];
  }

  get pids() {
    return new Set(this.conns.map((c) => c.processID));
  }

  async start() {
    for (let i = 0; i < this.clients; i++) {
      const c = new pg.Client({ connectionString: this.url, application_name: 'zdt-app', statement_timeout: 30_000 });
      await c.connect();
      c.on('error', () => {});
      this.conns.push(c);
    }
    this.running = true;
    this.loops = this.conns.map((c, i) => this.loop(c, i));
  }

  /** 'old' | 'new' | 'both' */
  setVersion(v) {
    this.version = v;
  }

  versionOf(i) {
    if (this.version === 'both') return i % 2 === 0 ? 'old' : 'new';
    return this.version;
  }

  async loop(c, i) {
    const r = rng(1000 + i);
    const interval = (this.clients / this.rate) * 1000;
    let next = performance.now() + r.next() * interval;
    while (this.running) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      if (!this.running) break;
      const now = performance.now();
      next = now - next > interval ? now + interval : next + interval;
      const version = this.versionOf(i);
      let x = r.next();
      let op = 'read';
      for (const [name, w] of MIX) {
        if (x < w) { op = name; break; }
        x -= w;
      }
      const statements = this.app[version][op](r, this.state);
      const t0 = performance.now();
      let ok = true;
      let error;
      try {
        if (statements.length > 1) await c.query('BEGIN');
        for (const s of statements) await c.query(s.text, s.values);
        if (statements.length > 1) await c.query('COMMIT');
      } catch (e) {
        ok = false;
        error = String(e.message).split('\n')[0];
        if (statements.length > 1) await c.query('ROLLBACK').catch(() => {});
      }
      this.records.push({ t0, t1: performance.now(), ok, version, op, error });
    }
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all(this.conns.map((c) => c.end().catch(() => {})));
    this.conns = [];
  }
}
