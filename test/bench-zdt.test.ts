/**
 * The zero-downtime harness's arithmetic (bench/zero-downtime/measure.mjs): what counts as a
 * second without a completed transaction, the longest gap, quantiles, and the episodes of a
 * lock seen in consecutive samples. The harness itself runs in CI after the tests (.ci/run).
 */
import { describe, it, expect } from 'vitest';
// @ts-expect-error a plain ES module of the harness, without types
import { episodes, quantile, stalls, windowStats } from '../bench/zero-downtime/measure.mjs';

describe('bench:zdt measurements', () => {
  it('counts whole wall-clock seconds without a commit, and the longest gap', () => {
    // commits every 100 ms, then nothing from 1.05 s to 3.2 s, then again
    const commits = [...Array.from({ length: 10 }, (_, i) => 1000 + i * 100 + 50), 4200, 4300, 4900];
    expect(stalls(commits, 1000, 5000)).toEqual({ empty: 2, gap: 2250 });
    // a gap of 1.8 s across a second boundary leaves no whole second empty (the sliding gap shows it)
    expect(stalls([1100, 2900, 3500], 1000, 4000)).toEqual({ empty: 0, gap: 1800 });
    // a last partial second counts from half a second on
    expect(stalls([1100], 1000, 2600).empty).toBe(1);
    expect(stalls([1100], 1000, 2400).empty).toBe(0);
    expect(stalls([], 0, 3000)).toEqual({ empty: 3, gap: 3000 });
  });

  it('quantiles by nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(v, 0.99)).toBe(99);
    expect(quantile(v, 1)).toBe(100);
    expect(quantile([], 0.99)).toBe(0);
    expect(quantile([5], 0.99)).toBe(5);
  });

  it('a lock held across consecutive samples is one episode; a gap starts a new one', () => {
    const s = (t: number, keys: string[]) => ({ t, keys: new Map(keys.map((k) => [k, { k }])) });
    const eps = episodes([s(0, ['a']), s(40, ['a', 'b']), s(80, ['a']), s(120, []), s(160, ['a'])]);
    expect(eps.map((e: { key: string; first: number; last: number }) => [e.key, e.first, e.last]).sort()).toEqual([
      ['a', 0, 80],
      ['a', 160, 160],
      ['b', 40, 40],
    ]);
  });

  it('a window: errors by code version, the migration\'s ACCESS EXCLUSIVE, the application\'s lock waits', () => {
    const records = [
      { t0: 0, t1: 10, ok: true, version: 'old' },
      { t0: 5, t1: 900, ok: false, version: 'new', error: 'column "x" does not exist' },
      { t0: 20, t1: 1500, ok: true, version: 'old' },
    ];
    const samples = [0, 40, 80, 120].map((t) => ({
      t,
      waits: t < 100 ? [{ pid: 7, waitstart: 'w', waitMs: t + 10 }] : [],
      exclusive: [{ pid: 99, rel: 'users' }],
    }));
    const w = windowStats({ records, samples, start: 0, end: 2000, migrationPids: new Set([99]), appPids: new Set([7]) });
    expect(w.errors).toEqual({ old: 0, new: 1 });
    expect(w.messages).toEqual(['1× new: column "x" does not exist']);
    expect(w.maxMs).toBe(1480);
    expect(w.aeMs).toBe(120);
    expect(w.waits).toBe(1);
    expect(w.waitMs).toBe(90);
    expect(w.stall).toBe(0);
  });
});
