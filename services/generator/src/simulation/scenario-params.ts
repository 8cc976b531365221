import type { TimeWindow } from '../model/scenario-source.js';
import { CAMPAIGN_STYLES, type CampaignStyle } from '../scenarios/campaign.js';
import { bareDurationNotice, PipelineError, readDuration } from '@telfraud/core';

/**
 * Per-scenario overrides: start offset and duration from the run's start, and a volume multiplier;
 * for the `campaign` scenario also its style and attempts per minute (otherwise drawn per seed).
 */
export interface ScenarioParams {
  startMs?: number;
  durationMs?: number;
  intensity?: number;
  style?: CampaignStyle;
  rate?: number;
}

/** `90s`, `5m`, `1.5h`, `250ms` (the project's one duration syntax); a bare number still means minutes, deprecated. */
export function parseDurationMs(text: string): number | undefined {
  const reading = readDuration(text, 'm');
  return reading && Math.round(reading.ms);
}

/**
 * Parses `name.key=value` items (keys start, duration, intensity), e.g. `ispoof.start=10m`.
 * Throws one error listing every bad item with what was expected; a duration without its unit
 * (deprecated, read as minutes) adds a notice to `notices`.
 */
export function parseScenarioParams(items: readonly string[], known: readonly string[], notices: string[] = []): Map<string, ScenarioParams> {
  const out = new Map<string, ScenarioParams>();
  const problems: string[] = [];
  for (const raw of items.flatMap((i) => i.split(',')).map((i) => i.trim()).filter((i) => i.length > 0)) {
    const m = /^([a-z0-9-]+)\.(start|duration|intensity|style|rate)=(.+)$/.exec(raw);
    if (!m) {
      problems.push(`${JSON.stringify(raw)}: expected NAME.start=DURATION, NAME.duration=DURATION, NAME.intensity=NUMBER, campaign.style=STYLE or campaign.rate=NUMBER`);
      continue;
    }
    const [, name, key, value] = m as unknown as [string, string, string, string];
    if (!known.includes(name)) {
      problems.push(`${JSON.stringify(raw)}: unknown scenario ${name}; expected one of ${known.join(', ')}`);
      continue;
    }
    const params = out.get(name) ?? {};
    if ((key === 'style' || key === 'rate') && name !== 'campaign') {
      problems.push(`${JSON.stringify(raw)}: ${key} applies only to the campaign scenario`);
    } else if (key === 'style') {
      if ((CAMPAIGN_STYLES as readonly string[]).includes(value)) params.style = value as CampaignStyle;
      else problems.push(`${JSON.stringify(raw)}: style must be one of ${CAMPAIGN_STYLES.join(', ')}`);
    } else if (key === 'rate') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) problems.push(`${JSON.stringify(raw)}: rate must be attempts per minute > 0`);
      else params.rate = n;
    } else if (key === 'intensity') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) problems.push(`${JSON.stringify(raw)}: intensity must be a number > 0`);
      else params.intensity = n;
    } else {
      const ms = parseDurationMs(value);
      if (ms === undefined) problems.push(`${JSON.stringify(raw)}: ${key} must be a duration such as 90s, 5m, 1h`);
      else if (key === 'start') params.startMs = ms;
      else params.durationMs = ms;
      if (ms !== undefined && readDuration(value, 'm')?.bare) notices.push(bareDurationNotice(`${name}.${key}`, value, 'm'));
    }
    out.set(name, params);
  }
  if (problems.length > 0) throw new PipelineError('USAGE_INVALID', `bad scenario parameter(s):\n  ${problems.join('\n  ')}`);
  return out;
}

export interface RunShape {
  startTs: number;
  /** Length of the run in simulated ms; Infinity for a service that runs until stopped. */
  horizonMs: number;
  /** When set (the streaming service), campaigns start here and last to the end instead of using fractions. */
  campaignStartMs?: number;
}

/** A scenario's event-time window: explicit parameters first, then the run's defaults. */
export function resolveWindow(defaultWindow: readonly [number, number], params: ScenarioParams, run: RunShape): TimeWindow {
  const bounded = Number.isFinite(run.horizonMs) && run.campaignStartMs === undefined;
  const offset = params.startMs ?? (bounded ? defaultWindow[0] * run.horizonMs : Math.min(run.campaignStartMs ?? 0, run.horizonMs));
  const duration = params.durationMs ?? (bounded ? defaultWindow[1] * run.horizonMs : run.horizonMs - offset);
  const start = run.startTs + Math.round(offset);
  const end = Math.min(start + duration, run.startTs + run.horizonMs);
  return { start, end: Number.isFinite(end) ? Math.round(end) : end };
}
