import { describe, expect, it } from 'vitest';
import { bareDurationNotice, parseDuration, readDuration } from './duration.js';

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

describe('readDuration: one syntax, a bare number deprecated', () => {
  it.each([
    ['90s', 'm', 90_000, false], ['5', 'm', 300_000, true], ['5', 'ms', 5, true], [5, 'm', 300_000, true],
    ['1.5h', 'ms', 5_400_000, false], ['1d', 'm', 86_400_000, false], ['250ms', 'm', 250, false],
  ] as const)('%j with legacy unit %s → %d ms (bare: %s)', (value, unit, ms, bare) => {
    expect(readDuration(value, unit)).toEqual({ ms, bare });
  });

  it('names the key and the spelling to use in the deprecation notice', () => {
    expect(bareDurationNotice('ispoof.start', '10', 'm')).toBe('ispoof.start: the duration "10" has no unit and is read as 10m; write "10m" (a bare number is deprecated)');
  });
});
