import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500], ['60s', 60_000], ['5m', 300_000], ['2h', 7_200_000], ['1d', 86_400_000],
    ['1.5m', 90_000], [' 30 s ', 30_000], ['250', 250], [0, 0], [1234, 1234],
  ] as const)('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each([['-5s'], ['5x'], ['m'], [''], ['5 minutes'], [-1], [Number.NaN], [Number.POSITIVE_INFINITY], [null], [undefined], [{}]])(
    'rejects %j',
    (input) => {
      expect(parseDuration(input)).toBeUndefined();
    },
  );
});
