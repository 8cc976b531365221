import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseScenarioParams, resolveWindow } from './scenario-params.js';

describe('scenario parameters', () => {
  it('parses durations with units, bare numbers as minutes', () => {
    expect(parseDurationMs('90s')).toBe(90_000);
    expect(parseDurationMs('5')).toBe(300_000);
    expect(parseDurationMs('1.5h')).toBe(5_400_000);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('soon')).toBeUndefined();
  });

  it('collects overrides per scenario and rejects unknown names or keys', () => {
    const p = parseScenarioParams(['a.start=1m,a.duration=2m', 'b.intensity=0.5'], ['a', 'b']);
    expect(p.get('a')).toEqual({ startMs: 60_000, durationMs: 120_000 });
    expect(p.get('b')).toEqual({ intensity: 0.5 });
    expect(() => parseScenarioParams(['c.start=1'], ['a'])).toThrow(/unknown scenario c/);
    expect(() => parseScenarioParams(['a.intensity=0'], ['a'])).toThrow(/intensity must be a number > 0/);
  });

  it('pins the campaign scenario\'s style and rate, and only its', () => {
    expect(parseScenarioParams(['campaign.style=neighbour,campaign.rate=5'], ['campaign']).get('campaign')).toEqual({ style: 'neighbour', rate: 5 });
    expect(() => parseScenarioParams(['campaign.style=loud'], ['campaign'])).toThrow(/style must be one of dno, fresh-cli/);
    expect(() => parseScenarioParams(['campaign.rate=-1'], ['campaign'])).toThrow(/rate must be attempts per minute > 0/);
    expect(() => parseScenarioParams(['a.rate=5'], ['a'])).toThrow(/rate applies only to the campaign scenario/);
  });

  it('places default windows as fractions of a bounded run', () => {
    const run = { startTs: 1_000, horizonMs: 100_000 };
    expect(resolveWindow([0.25, 0.5], {}, run)).toEqual({ start: 26_000, end: 76_000 });
    expect(resolveWindow([0.25, 0.5], { startMs: 10_000 }, run)).toEqual({ start: 11_000, end: 61_000 });
    expect(resolveWindow([0, 1], { durationMs: 500_000 }, run)).toEqual({ start: 1_000, end: 101_000 });
  });

  it('starts campaigns after the delay and runs them to the end for the streaming service', () => {
    expect(resolveWindow([0.25, 0.5], {}, { startTs: 0, horizonMs: Infinity, campaignStartMs: 60_000 })).toEqual({ start: 60_000, end: Infinity });
    expect(resolveWindow([0.25, 0.5], {}, { startTs: 0, horizonMs: 300_000, campaignStartMs: 60_000 })).toEqual({ start: 60_000, end: 300_000 });
    expect(resolveWindow([0.25, 0.5], { durationMs: 5_000 }, { startTs: 0, horizonMs: Infinity, campaignStartMs: 60_000 }))
      .toEqual({ start: 60_000, end: 65_000 });
  });
});

describe('scenario parameter durations carry their unit', () => {
  it('still reads a bare number as minutes, with a notice naming the parameter', () => {
    const notices: string[] = [];
    const params = parseScenarioParams(['ispoof.start=10', 'ispoof.duration=90s'], ['ispoof'], notices);
    expect(params.get('ispoof')).toEqual({ startMs: 600_000, durationMs: 90_000 });
    expect(notices).toEqual(['ispoof.start: the duration "10" has no unit and is read as 10m; write "10m" (a bare number is deprecated)']);
  });
});
