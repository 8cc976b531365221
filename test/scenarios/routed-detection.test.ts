/**
 * Detection spread over instances by key (as the keyed detector deployment does it) finds exactly
 * what one engine over the whole stream finds: the same alerts (ids, severities, values), the same
 * victim exposures, on several seeds. Each call is routed once per key of the pack to a partition
 * by its entity, partitions are owned by three instances, and alerts reach every instance's OTP
 * correlation late, as they do through the alerts topic.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  CALLEE_ROUTE, DEFAULT_RULE_PACK, DetectionEngine, callRoutes, hash32, parseAllowlistCsv, parseDnoCsv, parseNetworkJson, smsRoute, smsRouteEntity,
  type Alert, type EngineOutput, type ReferenceData, type VictimExposure,
} from '@telfraud/core';
import { allowlistCsv, buildSimulation, dnoCsv, networkJson } from '@telfraud/generator';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);
const PARTITIONS = 6;
const INSTANCES = 3;
/** Alerts reach the other instances this many events later. */
const ALERT_DELAY_EVENTS = 500;

interface Found {
  alerts: Map<string, Alert>;
  victims: Set<string>;
}

const reference = (): ReferenceData => ({ dno: parseDnoCsv(dnoCsv()), allowlist: parseAllowlistCsv(allowlistCsv()), network: parseNetworkJson(networkJson()) });

function simulation(seed: number) {
  return buildSimulation({
    seed, startTs: START, horizonMs: 40 * 60_000, backgroundRate: 40,
    scenarios: ['ispoof', 'cli-rotation', 'low-and-slow', 'bank-call-centre', 'notification-run', 'roaming-mobiles', 'heavy-human', 'small-pbx'],
  });
}

function collect(out: EngineOutput, found: Found): Alert[] {
  const emitted = [...out.alerts];
  // The newest state of an alert wins, as in ClickHouse.
  for (const a of out.alerts) found.alerts.set(a.alert_id, a);
  for (const v of out.victims) found.victims.add(`${v.alert_id} ${v.call_id} ${v.victim_number}`);
  out.alerts.length = 0;
  out.victims.length = 0;
  return emitted;
}

function runWhole(seed: number): Found {
  const sim = simulation(seed);
  const engine = new DetectionEngine(DEFAULT_RULE_PACK, reference());
  const out: EngineOutput = { alerts: [], victims: [] };
  const found: Found = { alerts: new Map(), victims: new Set() };
  for (let e = sim.engine.next(); e; e = sim.engine.next()) {
    if (e.topic === 'call-events') engine.processCall(e.event, out);
    else engine.processSms(e.event, out);
    collect(out, found);
  }
  return found;
}

function runRouted(seed: number): Found & { routedRecords: number } {
  const sim = simulation(seed);
  const engines = Array.from({ length: INSTANCES }, () => new DetectionEngine(DEFAULT_RULE_PACK, reference()));
  const routes = callRoutes(DEFAULT_RULE_PACK);
  const sms = smsRoute(DEFAULT_RULE_PACK);
  const owner = (route: string, entity: string): { engine: DetectionEngine; partition: number } => {
    const partition = hash32(`${route}\u0000${entity}`) % PARTITIONS;
    return { engine: engines[partition % INSTANCES]!, partition };
  };
  const out: EngineOutput = { alerts: [], victims: [] };
  const found: Found = { alerts: new Map(), victims: new Set() };
  const inFlight: { due: number; alerts: Alert[] }[] = [];
  let n = 0;
  let routedRecords = 0;
  const deliver = (upTo: number): void => {
    while (inFlight.length > 0 && inFlight[0]!.due <= upTo) {
      const { alerts } = inFlight.shift()!;
      for (const engine of engines) for (const a of alerts) engine.processRemoteAlert(a, out);
      const more = collect(out, found);
      if (more.length > 0) inFlight.push({ due: upTo + ALERT_DELAY_EVENTS, alerts: more });
    }
  };
  for (let e = sim.engine.next(); e; e = sim.engine.next(), n++) {
    if (e.topic === 'call-events') {
      const origin = `calls/${hash32(e.event.call_id) % PARTITIONS}`;
      for (const r of routes) {
        const { engine, partition } = owner(r.name, r.entityOf(e.event));
        engine.processCall(e.event, out, `keyed/${partition}<${origin}`, r.name);
        routedRecords++;
      }
    } else if (sms) {
      const { engine, partition } = owner(sms, smsRouteEntity(e.event));
      engine.processSms(e.event, out, `keyed/${partition}<sms/${hash32(e.event.recipient_number) % PARTITIONS}`);
      routedRecords++;
    }
    const emitted = collect(out, found);
    if (emitted.length > 0) inFlight.push({ due: n + ALERT_DELAY_EVENTS, alerts: emitted });
    deliver(n);
  }
  deliver(Number.POSITIVE_INFINITY);
  return { ...found, routedRecords };
}

const summary = (f: Found) => [...f.alerts.values()].map((a) => `${a.alert_id} ${a.rule_id} ${a.entity_type}=${a.entity} ${a.severity} ${a.value}`).sort();

describe.each([1, 2, 3])('detection routed by key, seed %i', (seed) => {
  // Two simulations and four engines: seconds alone, more beside the other test files on 2 cores.
  it('finds what one engine over the whole stream finds', { timeout: 120_000 }, async () => {
    const whole = runWhole(seed);
    // Lets the worker answer the runner between the two long synchronous runs.
    await yieldToEventLoop();
    const routed = runRouted(seed);
    expect(whole.alerts.size).toBeGreaterThan(10);
    expect([...whole.alerts.values()].some((a) => a.entity_type === CALLEE_ROUTE)).toBe(true);
    expect(summary(routed)).toEqual(summary(whole));
    expect([...routed.victims].sort()).toEqual([...whole.victims].sort());
    expect(routed.routedRecords).toBeGreaterThan(0);
  });
});
