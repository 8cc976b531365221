import { describe, expect, it } from 'vitest';
import { normalQuantile, wilsonBound } from './wilson-bound.js';

describe('normalQuantile', () => {
  it.each([[0.5, 0], [0.9, 1.281552], [0.95, 1.644854], [0.975, 1.959964], [0.99, 2.326348], [0.999, 3.090232], [0.01, -2.326348]])('%f -> %f', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 5);
  });
});

describe('wilsonBound', () => {
  it('gives the Wilson score interval (8 of 10 at 95 % two-sided: 0.490 to 0.943)', () => {
    expect(wilsonBound(8, 10, 1.959964, -1)).toBeCloseTo(0.4902, 4);
    expect(wilsonBound(8, 10, 1.959964, 1)).toBeCloseTo(0.9433, 4);
  });

  it('asks more of a small window than of a large one for the same lower bound', () => {
    const z = normalQuantile(0.99);
    // 80 % observed: 25 attempts do not show a share above 0.6, 200 do.
    expect(wilsonBound(20, 25, z, -1)).toBeLessThan(0.6);
    expect(wilsonBound(160, 200, z, -1)).toBeGreaterThan(0.7);
    expect(wilsonBound(25, 25, z, -1)).toBeLessThan(0.83);
  });

  it('clamps two independent counts to a share of 1 and is NaN without trials', () => {
    expect(wilsonBound(12, 10, 1.644854, -1)).toBe(wilsonBound(10, 10, 1.644854, -1));
    expect(wilsonBound(0, 10, 1.644854, -1)).toBe(0);
    expect(wilsonBound(3, 0, 1.644854, -1)).toBeNaN();
  });
});
