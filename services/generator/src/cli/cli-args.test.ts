import { describe, expect, it } from 'vitest';
import { DEFAULT_START_TS, parseCliArgs } from './cli-args.js';
import { SCENARIO_NAMES } from '../scenarios/scenario-catalog.js';

describe('parseCliArgs', () => {
  it('fills defaults', () => {
    const o = parseCliArgs(['--out', '/tmp/x']);
    expect(o).toMatchObject({ out: '/tmp/x', seed: 1, minutes: 60, rate: 50, startTs: DEFAULT_START_TS, lateShare: 0.02, duplicateShare: 0.01, events: undefined });
    expect(o !== 'help' && o.scenarios).toEqual(SCENARIO_NAMES);
  });

  it('reads every flag', () => {
    const o = parseCliArgs([
      '--out', 'd', '--seed', '9', '--minutes', '15', '--rate', '10', '--scenarios', 'ispoof,notification-run', '--start-ts', '1700000000000',
      '--late-share', '0.05', '--duplicate-share', '0', '--events', '1000', '--param', 'ispoof.start=2m', '--param', 'ispoof.intensity=3', '--quiet',
    ]);
    expect(o).toMatchObject({ seed: 9, minutes: 15, minutesGiven: true, rate: 10, scenarios: ['ispoof', 'notification-run'], startTs: 1_700_000_000_000, lateShare: 0.05, duplicateShare: 0, events: 1000, quiet: true });
    expect(o !== 'help' && o.params.get('ispoof')).toEqual({ startMs: 120_000, intensity: 3 });
  });

  it('names every bad flag, its value and what was expected', () => {
    expect(() => parseCliArgs(['--seed=-1', '--late-share', '2', '--scenarios', 'nope'])).toThrow(
      /--out: required[\s\S]*--seed: got "-1", expected a non-negative integer[\s\S]*--late-share: got "2"[\s\S]*--scenarios: unknown scenario\(s\) nope/,
    );
    expect(() => parseCliArgs(['--out', 'd', '--param', 'ispoof.speed=3'])).toThrow(/--param: [\s\S]*ispoof.speed=3/);
    expect(() => parseCliArgs(['--out', 'd', '--bogus'])).toThrow(/bogus/);
  });

  it('recognises --help', () => {
    expect(parseCliArgs(['--help'])).toBe('help');
  });
});
