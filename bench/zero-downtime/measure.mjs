/**
 * Pure statistics over what the load and the lock sampler recorded in one window of time
 * (a phase, from its first statement to the end of the settle time after it). Times are
 * milliseconds on one monotonic clock (performance.now()).
 */

/** The q-quantile (0..1) of a list of numbers (nearest rank); 0 for an empty list. */
export function quantile(values, q) {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Wall-clock seconds without a completed transaction: the window is cut into whole seconds
 * from its start (a last partial second counts when it is at least half a second long), and a
 * second counts when no transaction committed in it. `gap` is the longest stretch without a
 * commit, from the window's start to its end (a sliding measure: stricter, noisier).
 */
export function stalls(commitTimes, start, end) {
  const times = commitTimes.filter((t) => t >= start && t < end).sort((a, b) => a - b);
  let empty = 0;
  let i = 0;
  for (let s = start; s < end; s += 1000) {
    const e = Math.min(s + 1000, end);
    if (e - s < 500) break;
    while (i < times.length && times[i] < s) i++;
    if (!(i < times.length && times[i] < e)) empty++;
  }
  let gap = 0;
  let last = start;
  for (const t of times) {
    gap = Math.max(gap, t - last);
    last = t;
  }
  gap = Math.max(gap, end - last);
  return { empty, gap };
}

/**
 * Episodes of something seen in consecutive lock samples (a lock held, a lock waited for):
 * `samples` is a list of { t, keys: Map<key, info> }; an episode of a key runs from the first
 * sample that shows it to the last one in an unbroken run. Returns each episode's key,
 * first and last time, and the info of its last sample.
 */
export function episodes(samples) {
  const open = new Map();
  const done = [];
  let prev = new Set();
  for (const s of samples) {
    for (const [k, info] of s.keys) {
      const ep = open.get(k);
      if (ep && prev.has(k)) {
        ep.last = s.t;
        ep.info = info;
      } else {
        if (ep) done.push(ep);
        open.set(k, { key: k, first: s.t, last: s.t, info });
      }
    }
    for (const k of prev) if (!s.keys.has(k) && open.has(k)) { done.push(open.get(k)); open.delete(k); }
    prev = new Set(s.keys.keys());
  }
  done.push(...open.values());
  return done;
}

/** Statistics of one window. `records`: the load's transactions; `samples`: the lock sampler's. */
export function windowStats({ records, samples, start, end, migrationPids, migrationApps = new Set(), appPids }) {
  // the migration: its own session, and the sessions of the programs its commands run (pg_repack)
  const ofMigration = (x) => migrationPids.has(x.pid) || migrationApps.has(x.app);
  const inWindow = records.filter((r) => r.t1 >= start && r.t1 < end);
  const ok = inWindow.filter((r) => r.ok);
  const lat = inWindow.map((r) => r.t1 - r.t0);
  const { empty, gap } = stalls(ok.map((r) => r.t1), start, end);
  const errors = { old: 0, new: 0 };
  const messages = new Map();
  for (const r of inWindow) {
    if (r.ok) continue;
    errors[r.version]++;
    const m = `${r.version}: ${r.error}`;
    messages.set(m, (messages.get(m) ?? 0) + 1);
  }
  const win = samples.filter((s) => s.t >= start && s.t < end);
  // application sessions waiting for a lock: the longest wait PostgreSQL reports (waitstart)
  const appWaits = episodes(win.map((s) => ({ t: s.t, keys: new Map(s.waits.filter((w) => appPids.has(w.pid)).map((w) => [`${w.pid}:${w.waitstart}`, w])) })));
  const waitMs = Math.max(0, ...appWaits.map((e) => e.info.waitMs));
  // ACCESS EXCLUSIVE held by the migration on a table: the longest unbroken run of samples
  const ae = episodes(win.map((s) => ({ t: s.t, keys: new Map(s.exclusive.filter(ofMigration).map((x) => [`${x.pid}:${x.rel}`, x])) })));
  const aeMs = Math.max(0, ...ae.map((e) => e.last - e.first));
  const aeRel = ae.sort((a, b) => b.last - b.first - (a.last - a.first))[0]?.info.rel;
  const migWaits = episodes(win.map((s) => ({ t: s.t, keys: new Map(s.waits.filter(ofMigration).map((w) => [`${w.pid}:${w.waitstart}`, w])) })));
  return {
    txns: inWindow.length,
    committed: ok.length,
    seconds: (end - start) / 1000,
    maxMs: Math.max(0, ...lat),
    p99Ms: quantile(lat, 0.99),
    stall: empty,
    gapMs: gap,
    errors,
    messages: [...messages].map(([m, n]) => `${n}× ${m}`),
    waits: appWaits.length,
    waitMs,
    aeMs,
    aeRel,
    migWaits: migWaits.length,
  };
}

/** Combine the statistics of several windows (a run's phases). */
export function combine(list) {
  return {
    phases: list.length,
    txns: list.reduce((n, s) => n + s.txns, 0),
    committed: list.reduce((n, s) => n + s.committed, 0),
    seconds: list.reduce((n, s) => n + s.seconds, 0),
    maxMs: Math.max(0, ...list.map((s) => s.maxMs)),
    p99Ms: Math.max(0, ...list.map((s) => s.p99Ms)),
    stall: list.reduce((n, s) => n + s.stall, 0),
    gapMs: Math.max(0, ...list.map((s) => s.gapMs)),
    errors: { old: list.reduce((n, s) => n + s.errors.old, 0), new: list.reduce((n, s) => n + s.errors.new, 0) },
    messages: list.flatMap((s) => s.messages),
    waits: list.reduce((n, s) => n + s.waits, 0),
    waitMs: Math.max(0, ...list.map((s) => s.waitMs)),
    aeMs: Math.max(0, ...list.map((s) => s.aeMs)),
    migWaits: list.reduce((n, s) => n + s.migWaits, 0),
  };
}
