import { parseArgs } from 'node:util';
import { parseScenarioList, SCENARIO_NAMES } from '../scenarios/scenario-catalog.js';
import { parseScenarioParams, type ScenarioParams } from '../simulation/scenario-params.js';
import { CAMPAIGN_STYLES } from '../scenarios/campaign.js';
import { PipelineError } from '@telfraud/core';
import { numberFlag } from '@telfraud/common';

/** 2026-01-01T00:00:00Z: a fixed default, so two runs with the same flags write the same bytes. */
export const DEFAULT_START_TS = Date.UTC(2026, 0, 1);

export interface CliOptions {
  out: string;
  seed: number;
  /** Simulated length; with `events`, only sizes the scenario windows. */
  minutes: number;
  minutesGiven: boolean;
  rate: number;
  scenarios: string[];
  params: Map<string, ScenarioParams>;
  startTs: number;
  lateShare: number;
  duplicateShare: number;
  /** Stop after exactly this many call-event lines. */
  events: number | undefined;
  quiet: boolean;
  /** Deprecated spellings still accepted, for stderr. */
  notices: string[];
}

export const USAGE = `usage: node services/generator/dist/cli.js --out DIR [options]

  --out DIR               output directory (calls.jsonl, sms.jsonl, labels.json, reference/)
  --seed N                random seed (default 1); same flags and seed = identical files
  --minutes M             simulated minutes (default 60)
  --events N              stop after exactly N call events (background runs on as needed)
  --rate R                background call events per simulated second (default 50; 0 = none)
  --scenarios LIST        all | none | comma list of: ${SCENARIO_NAMES.join(', ')} (default all)
  --param NAME.KEY=VALUE  per scenario: start=DUR, duration=DUR (90s, 5m, 1h: with a unit),
                          intensity=X; for campaign also style=STYLE (${CAMPAIGN_STYLES.join(', ')})
                          and rate=ATTEMPTS_PER_MIN; repeatable or comma-separated
  --start-ts MS           simulated start, epoch ms (default ${DEFAULT_START_TS} = 2026-01-01Z)
  --late-share S          share of records delivered 5 s..2 min late (default 0.02)
  --duplicate-share S     share of records delivered twice (default 0.01)
  --quiet                 no progress on stderr
`;

/** Parses argv (without node and script); throws one Error listing every bad flag. */
export function parseCliArgs(argv: readonly string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      out: { type: 'string' }, seed: { type: 'string' }, minutes: { type: 'string' }, events: { type: 'string' },
      rate: { type: 'string' }, scenarios: { type: 'string' }, param: { type: 'string', multiple: true },
      'start-ts': { type: 'string' }, 'late-share': { type: 'string' }, 'duplicate-share': { type: 'string' },
      quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const problems: string[] = [];
  const notices: string[] = [];
  const int = (n: number): boolean => Number.isSafeInteger(n);
  const share = (n: number): boolean => n >= 0 && n <= 0.5;
  if (!values.out) problems.push('--out: required, the output directory');
  const seed = numberFlag('seed', values.seed, 1, (n) => int(n) && n >= 0, 'a non-negative integer', problems);
  const minutes = numberFlag('minutes', values.minutes, 60, (n) => n > 0 && n <= 525_600, 'minutes > 0 (at most a year)', problems);
  const rate = numberFlag('rate', values.rate, 50, (n) => n >= 0 && n <= 1_000_000, 'events per second >= 0', problems);
  const startTs = numberFlag('start-ts', values['start-ts'], DEFAULT_START_TS, (n) => int(n) && n >= Date.UTC(2000, 0, 1) && n < Date.UTC(2099, 0, 1), 'an integer epoch-ms between 2000 and 2099', problems);
  const lateShare = numberFlag('late-share', values['late-share'], 0.02, share, 'a share between 0 and 0.5', problems);
  const duplicateShare = numberFlag('duplicate-share', values['duplicate-share'], 0.01, share, 'a share between 0 and 0.5', problems);
  const events = values.events === undefined ? undefined : numberFlag('events', values.events, 0, (n) => int(n) && n > 0, 'a positive integer', problems);
  let scenarios: string[] = [];
  let params = new Map<string, ScenarioParams>();
  try {
    scenarios = parseScenarioList(values.scenarios ?? 'all');
  } catch (err) {
    problems.push(`--scenarios: ${(err as Error).message}`);
  }
  try {
    params = parseScenarioParams(values.param ?? [], SCENARIO_NAMES, notices);
  } catch (err) {
    problems.push(`--param: ${(err as Error).message}`);
  }
  if (rate === 0 && scenarios.length === 0) problems.push('--rate 0 with --scenarios none: nothing to generate');
  if (problems.length > 0) throw new PipelineError('USAGE_INVALID', problems.join('\n'));
  return {
    out: values.out!, seed, minutes, minutesGiven: values.minutes !== undefined, rate, scenarios, params, startTs,
    lateShare, duplicateShare, events, quiet: values.quiet ?? false, notices,
  };
}
