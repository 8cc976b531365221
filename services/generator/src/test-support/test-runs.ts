import type { CallEvent, SmsEvent } from '@telfraud/core';
import { SCENARIO_NAMES } from '../scenarios/scenario-catalog.js';
import type { Emission } from '../model/traffic-engine.js';
import { collectEmissions, type CollectedRun } from '../simulation/collect-emissions.js';
import type { SimulationOptions } from '../simulation/build-simulation.js';

/** A 40-minute run with every scenario, small enough for unit tests (shared by several test files). */
export const TEST_RUN: SimulationOptions = {
  seed: 42,
  startTs: Date.UTC(2026, 0, 1),
  horizonMs: 40 * 60_000,
  backgroundRate: 20,
  scenarios: SCENARIO_NAMES,
  delivery: { lateShare: 0.02, duplicateShare: 0.01 },
};

let cached: CollectedRun | undefined;

/** The TEST_RUN emissions, computed once per test file. */
export function testRun(): CollectedRun {
  cached ??= collectEmissions(TEST_RUN);
  return cached;
}

/** First copies of one scenario's call events, grouped by call id. */
export function callsOf(emissions: readonly Emission[], scenario: number): Map<string, CallEvent[]> {
  const calls = new Map<string, CallEvent[]>();
  for (const e of emissions) {
    if (e.duplicate || e.source !== scenario || e.topic !== 'call-events') continue;
    const list = calls.get(e.event.call_id) ?? [];
    list.push(e.event);
    calls.set(e.event.call_id, list);
  }
  return calls;
}

export function smsOf(emissions: readonly Emission[], scenario: number): SmsEvent[] {
  return emissions.filter((e): e is Emission & { topic: 'sms-events' } => !e.duplicate && e.source === scenario && e.topic === 'sms-events').map((e) => e.event);
}

export function startOf(events: readonly CallEvent[]): CallEvent {
  const s = events.find((e) => e.type === 'START');
  if (!s) throw new Error(`call ${events[0]?.call_id} has no START`);
  return s;
}

export function endOf(events: readonly CallEvent[]): CallEvent {
  const s = events.find((e) => e.type === 'END');
  if (!s) throw new Error(`call ${events[0]?.call_id} has no END`);
  return s;
}
