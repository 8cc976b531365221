import { expect } from 'vitest';
import type { Alert, VictimExposure } from '@telfraud/core';
import type { PipelineHarness } from './pipeline-harness.js';
import { STRICT_RULES } from './strict-rules.js';
import { waitFor } from './wait-for.js';

const entities = (alerts: Alert[]): string[] => [...new Set(alerts.map((a) => `${a.entity_type}=${a.entity}`))].sort();
const idsOf = (alerts: Alert[], rule: string): string[] => alerts.filter((a) => a.rule_id === rule).map((a) => a.alert_id).sort();

/** The alerts of `rule` only one side has, with the other side's alerts on the same entity: is a missing id another period's? */
function differences(replay: Alert[], stored: Alert[], rule: string): string {
  // ClickHouse answers times as text, the replay as epoch milliseconds.
  const at = (t: number | string): string => (typeof t === 'number' ? new Date(t).toISOString() : String(t));
  const brief = (a: Alert): string => `${a.alert_id} ts=${at(a.ts)} window=${at(a.window_start)}..${at(a.window_end)} value=${a.value}`;
  const lines: string[] = [];
  for (const [side, mine, other] of [['replay only', replay, stored], ['stored only', stored, replay]] as const) {
    const theirs = new Set(other.filter((a) => a.rule_id === rule).map((a) => a.alert_id));
    for (const a of mine.filter((x) => x.rule_id === rule && !theirs.has(x.alert_id))) {
      lines.push(`${side}: ${a.entity_type}=${a.entity} ${brief(a)}`);
      for (const o of other.filter((x) => x.rule_id === rule && x.entity === a.entity)) lines.push(`  other side, same entity: ${brief(o)}`);
    }
  }
  return lines.join('\n');
}

export interface ReplayMatch {
  expectedAlerts: number;
  storedAlerts: number;
  /** Replay alert ids found in ClickHouse. */
  matchedAlerts: number;
  /** Rows stored for the same alert ids before FINAL collapses them (re-emitted updates and restarts). */
  rawAlertRows: number;
  expectedVictims: number;
  storedVictims: number;
}

/**
 * What test/e2e/pipeline.test.ts holds the streaming path to, after whatever faults a test caused:
 * every flagged entity, every id of the strict rules, at least 90 % of all alert ids, and exactly
 * the victim exposures (call and kind of flagged origin), as dashboards read them (FINAL). Waits up to `timeoutMs` for them.
 */
export async function expectStoredToMatchReplay(
  harness: PipelineHarness,
  replay: { alerts: Alert[]; victims: VictimExposure[] },
  timeoutMs = 150_000,
): Promise<ReplayMatch> {
  const expected = entities(replay.alerts);
  const complete = (rows: Alert[]): boolean =>
    entities(rows).length >= expected.length && STRICT_RULES.every((r) => idsOf(rows, r).length >= idsOf(replay.alerts, r).length);
  // One exposure per call and kind of flagged origin (trunk, caller ID, …), whichever alert flagged it.
  const exposure = (v: VictimExposure): string => `${v.entity_type} ${v.call_id}`;
  const victimIds = new Set(replay.victims.map(exposure));
  let stored: Alert[] = [];
  let victims: VictimExposure[] = [];
  await waitFor('the replay\'s alerts and victims in ClickHouse', async () => {
    stored = await harness.alerts<Alert>();
    victims = await harness.victims<VictimExposure>();
    return complete(stored) && new Set(victims.map(exposure)).size >= victimIds.size ? true : undefined;
  }, timeoutMs).catch(() => undefined);
  const diagnosis = `${await harness.diagnose()}\n--- logs (tail) ---\n${harness.logs().slice(-4_000)}`;
  expect(entities(stored), diagnosis).toEqual(expected);
  for (const rule of STRICT_RULES) expect(idsOf(stored, rule), `${rule}\n${differences(replay.alerts, stored, rule)}\n${diagnosis}`).toEqual(idsOf(replay.alerts, rule));
  const ids = new Set(stored.map((a) => a.alert_id));
  const matched = replay.alerts.filter((a) => ids.has(a.alert_id)).length;
  expect(matched / replay.alerts.length, diagnosis).toBeGreaterThan(0.9);
  const storedExposures = new Set(victims.map(exposure));
  const alertOf = new Map([...replay.alerts, ...stored].map((a) => [a.alert_id, `${a.rule_id} ts=${a.ts}`] as const));
  const victimDiff = [
    ...replay.victims.filter((v) => !storedExposures.has(exposure(v))).map((v) => `replay only: ${exposure(v)} entity=${v.entity} call ts=${v.ts} under ${alertOf.get(v.alert_id) ?? v.alert_id}`),
    ...victims.filter((v) => !victimIds.has(exposure(v))).map((v) => `stored only: ${exposure(v)} entity=${v.entity} under ${alertOf.get(v.alert_id) ?? v.alert_id}`),
  ].slice(0, 20).join('\n');
  expect(storedExposures, `${victimDiff}\n${diagnosis}`).toEqual(victimIds);
  const [raw] = await harness.db.rows<{ n: string }>(`SELECT count() AS n FROM ${harness.db.name}.alerts`);
  return {
    expectedAlerts: replay.alerts.length, storedAlerts: stored.length, matchedAlerts: matched, rawAlertRows: Number(raw?.n ?? 0),
    expectedVictims: replay.victims.length, storedVictims: victims.length,
  };
}
