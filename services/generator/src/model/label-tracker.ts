import type { ScenarioKind, ScenarioMeta, LabelEntity } from './scenario-source.js';
import type { Emission } from './traffic-engine.js';

/** Victims as the police defined them for iSpoof: callees connected for more than a minute. */
export const VICTIM_MIN_CONNECTED_MS = 60_000;

export interface VictimCall {
  called_number: string;
  call_id: string;
  /** When the call connected (the ANSWER event time). */
  answer_ts: number;
  duration_ms: number;
}

/** Ground truth for one scenario, built from what was actually delivered. */
export interface GroundTruthLabel {
  scenario: string;
  kind: ScenarioKind;
  entities: LabelEntity[];
  /** First and last event time delivered for the scenario; null if it delivered nothing. */
  start_ts: number | null;
  end_ts: number | null;
  /** Fraud only: distinct callees connected > 60 s, sorted. Always empty for legit scenarios. */
  victims: string[];
  /** Fraud only: the calls behind `victims`, in delivery order (a callee may appear more than once). */
  victim_calls: VictimCall[];
  calls: number;
  answered: number;
  /** Calls connected > 60 s, fraud or legit (legit look-alikes have many; that is the point). */
  long_calls: number;
  sms: number;
  otp_sms: number;
}

interface Tally {
  first: number;
  last: number;
  calls: number;
  answered: number;
  longCalls: number;
  sms: number;
  otp: number;
  victims: Set<string>;
  victimCalls: VictimCall[];
}

/**
 * Counts delivered, first-copy records per scenario. Labels are derived from the output rather than
 * the plan, so when a run is cut at N events a victim whose END was never written is not claimed.
 */
export class LabelTracker {
  private readonly tallies: Tally[];

  constructor(private readonly scenarios: readonly ScenarioMeta[]) {
    this.tallies = scenarios.map(() => ({
      first: Infinity, last: -Infinity, calls: 0, answered: 0, longCalls: 0, sms: 0, otp: 0, victims: new Set<string>(), victimCalls: [],
    }));
  }

  observe(e: Emission): void {
    if (e.duplicate) return;
    const t = this.tallies[e.source];
    if (!t) return;
    const ts = e.event.ts;
    if (ts < t.first) t.first = ts;
    if (ts > t.last) t.last = ts;
    if (e.topic === 'sms-events') {
      t.sms++;
      if (e.event.category === 'OTP') t.otp++;
      return;
    }
    const ev = e.event;
    if (ev.type === 'START') t.calls++;
    else if (ev.type === 'ANSWER') t.answered++;
    else if (ev.duration_ms !== null && ev.duration_ms > VICTIM_MIN_CONNECTED_MS) {
      t.longCalls++;
      if (this.scenarios[e.source]?.kind === 'fraud') {
        t.victims.add(ev.called_number);
        t.victimCalls.push({ called_number: ev.called_number, call_id: ev.call_id, answer_ts: ev.ts - ev.duration_ms, duration_ms: ev.duration_ms });
      }
    }
  }

  labels(): GroundTruthLabel[] {
    return this.scenarios.map((s, i) => {
      const t = this.tallies[i]!;
      const any = t.first !== Infinity;
      return {
        scenario: s.name,
        kind: s.kind,
        entities: [...s.entities],
        start_ts: any ? t.first : null,
        end_ts: any ? t.last : null,
        victims: [...t.victims].sort(),
        victim_calls: [...t.victimCalls],
        calls: t.calls,
        answered: t.answered,
        long_calls: t.longCalls,
        sms: t.sms,
        otp_sms: t.otp,
      };
    });
  }
}
