import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const cases: [retry: number, random: number, expected: number][] = [
    [1, 0, 50], [1, 1, 100], [2, 0, 100], [3, 0.5, 300], [4, 1, 800], [10, 1, 1_000], [10, 0, 500],
  ];
  for (const [retry, random, expected] of cases) {
    it(`retry ${retry} with jitter ${random} waits ${expected} ms (initial 100, cap 1000)`, () => {
      expect(backoffDelay(retry, 100, 1_000, () => random)).toBe(expected);
    });
  }
});
