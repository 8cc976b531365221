import type { Rng } from './prng.js';
import type { IdFactory, SimRecord } from './sim-record.js';
import type { Trunk } from './network-plan.js';

export type ScenarioKind = 'fraud' | 'legit';
export type EntityType = 'ingress_trunk' | 'calling_number';

/** An origin a detector may key an alert on; a label says whether alerting on it is right. */
export interface LabelEntity {
  entity_type: EntityType;
  entity: string;
}

/** Event-time window [start, end) in epoch-ms; end may be Infinity for a service that runs forever. */
export interface TimeWindow {
  start: number;
  end: number;
}

/**
 * A stream of activities (a call with its events, perhaps a follow-up SMS, or a lone SMS) in order of
 * start time. The engine merges sources by `peek()`, so every record of an activity must have
 * `ts >= peek()` at the time it was taken.
 */
export interface ScenarioSource {
  readonly name: string;
  readonly kind: ScenarioKind;
  readonly entities: readonly LabelEntity[];
  /** Start time of the next activity, or undefined once the scenario is over. */
  peek(): number | undefined;
  take(): SimRecord[];
}

/** What each scenario factory gets: its own random stream, id space, window and intensity. */
export interface ScenarioContext {
  rng: Rng;
  ids: IdFactory;
  window: TimeWindow;
  /** Multiplier on the scenario's default volume (1 = as documented in its module). */
  intensity: number;
}

export interface ScenarioMeta {
  name: string;
  kind: ScenarioKind;
  entities: readonly LabelEntity[];
}

/**
 * Builds a source from a start-time process (`nextStart(previous)` returns the next integer start
 * time, never before `previous`) and an activity maker called once per start.
 */
export function activitySource(
  meta: ScenarioMeta,
  window: TimeWindow,
  nextStart: (previous: number) => number,
  activity: (ts: number) => SimRecord[],
): ScenarioSource {
  let next = nextStart(window.start - 1);
  return {
    ...meta,
    peek: () => (next < window.end ? next : undefined),
    take: () => {
      const ts = next;
      // The activity first, so a process that keeps per-burst state sees it before it rolls over.
      const records = activity(ts);
      next = nextStart(ts);
      return records;
    },
  };
}

/**
 * Poisson arrivals at `perMinute` (exponential gaps). The clock is kept in fractional ms and rounded
 * up for the event time, so high rates put several activities in one millisecond instead of being
 * capped at 1000 a second. One process per source: it carries its own clock.
 */
export function poissonProcess(rng: Rng, perMinute: number): (previous: number) => number {
  if (!(perMinute > 0)) return () => Number.POSITIVE_INFINITY;
  const meanGapMs = 60_000 / perMinute;
  let clock: number | undefined;
  return (previous) => {
    clock = (clock ?? previous) + rng.exponential(meanGapMs);
    return Math.max(previous, Math.ceil(clock));
  };
}

/** A scenario on one trunk: its name, whether alerting on it is right, the caller IDs it presents. */
export interface TrunkScenario {
  name: string;
  kind: ScenarioKind;
  trunk: Trunk;
  callingNumbers?: readonly string[];
}

/**
 * The source of a scenario on one trunk, labelled with the trunk and its caller IDs, its calls started
 * by Poisson arrivals at `starts` a minute (or by a process of its own) over the context's window.
 */
export function trunkScenarioSource(
  ctx: ScenarioContext,
  scenario: TrunkScenario,
  starts: number | ((previous: number) => number),
  activity: (ts: number) => SimRecord[],
): ScenarioSource {
  const entities: LabelEntity[] = [
    { entity_type: 'ingress_trunk', entity: scenario.trunk.id },
    ...(scenario.callingNumbers ?? []).map((n) => ({ entity_type: 'calling_number' as const, entity: n })),
  ];
  const nextStart = typeof starts === 'number' ? poissonProcess(ctx.rng, starts) : starts;
  return activitySource({ name: scenario.name, kind: scenario.kind, entities }, ctx.window, nextStart, activity);
}
