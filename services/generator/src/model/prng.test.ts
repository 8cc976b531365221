import { describe, expect, it } from 'vitest';
import { Rng } from './prng.js';

describe('Rng', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = new Rng('seed-1');
    const b = new Rng('seed-1');
    const xs = Array.from({ length: 1000 }, () => a.nextUint32());
    const ys = Array.from({ length: 1000 }, () => b.nextUint32());
    expect(xs).toEqual(ys);
  });

  it('gives different sequences for different seeds and forks', () => {
    const root = new Rng('seed-1');
    const a = Array.from({ length: 20 }, () => root.fork('a').next());
    const b = Array.from({ length: 20 }, () => root.fork('b').next());
    expect(a).not.toEqual(b);
    expect(new Rng('seed-2').nextUint32()).not.toBe(new Rng('seed-1').nextUint32());
  });

  it('forks independently of how much the parent has drawn', () => {
    const fresh = new Rng('s').fork('x').next();
    const used = new Rng('s');
    for (let i = 0; i < 100; i++) used.next();
    expect(used.fork('x').next()).toBe(fresh);
  });

  it('draws uniform [0,1) with a sane mean and exponential with the asked mean', () => {
    const rng = new Rng('stats');
    const n = 50_000;
    let sum = 0;
    let expSum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      if (x < 0 || x >= 1) outside++;
      sum += x;
      expSum += rng.exponential(200);
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(expSum / n).toBeGreaterThan(190);
    expect(expSum / n).toBeLessThan(210);
  });

  it('log-normal has the asked median', () => {
    const rng = new Rng('ln');
    const xs = Array.from({ length: 20_001 }, () => rng.logNormal(100, 0.9)).sort((p, q) => p - q);
    expect(xs[10_000]).toBeGreaterThan(95);
    expect(xs[10_000]).toBeLessThan(105);
  });

  it('makes digit strings of the exact length, leading zeros kept', () => {
    const rng = new Rng('d');
    for (let i = 0; i < 1000; i++) expect(rng.digits(13)).toMatch(/^\d{13}$/);
  });
});
