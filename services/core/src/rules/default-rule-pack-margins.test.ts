/**
 * Where the default pack's campaign rules stop: a campaign just inside each limit is caught, just
 * outside it slips, and legitimate traffic just inside a look-alike's range stays silent. These
 * document the margins (and fail if a threshold moves), with deterministic traffic: every call's
 * outcome follows a fixed pattern, callees and caller IDs are spread over many number blocks.
 */
import { describe, expect, it } from 'vitest';
import type { Attestation } from '../events.js';
import { DetectionEngine } from '../engine/detection-engine.js';
import { MIN, run, SEC, T0, timeline, type CallInput } from '../test-support/call-builder.js';
import { reference } from '../test-support/fixtures.js';
import { DEFAULT_RULE_PACK } from './default-rule-pack.js';

const TRUNK = 'gb-reseller-margin';

interface Traffic {
  perMinute: number;
  minutes: number;
  /** Connected time of call i; 0 = not answered. */
  talk: (i: number) => number;
  attestation?: (i: number) => Attestation;
  from?: (i: number) => string;
  to?: (i: number) => string;
}

/** Scattered over the numbering plan: no two in the same 100-number block, nothing sequential. */
const scatteredCallee = (i: number): string => `+447${String((i * 7_919_777 + 1_234_567) % 1_000_000_000).padStart(9, '0')}`;
const freshCli = (i: number): string => `+44161${String((i * 104_729 + 77) % 10_000_000).padStart(7, '0')}`;

function traffic(t: Traffic): CallInput[] {
  return Array.from({ length: Math.round(t.perMinute * t.minutes) }, (_, i) => ({
    id: `m-${i}`,
    at: T0 + Math.round((i * MIN) / t.perMinute),
    trunk: TRUNK,
    from: (t.from ?? freshCli)(i),
    to: (t.to ?? scatteredCallee)(i),
    attestation: t.attestation?.(i) ?? 'C',
    ringMs: 8 * SEC,
    talkMs: t.talk(i),
  }));
}

/** `share` of calls answered (spread evenly); of those, every `hookedEvery`-th talks 3 minutes, the rest `briefMs`. */
function answering(share: number, briefMs: number, hookedEvery: number): (i: number) => number {
  return (i) => {
    const answeredBefore = Math.floor(i * share + 1e-9);
    if (Math.floor((i + 1) * share + 1e-9) === answeredBefore) return 0;
    return answeredBefore % hookedEvery === 0 ? 3 * MIN : briefMs;
  };
}

function trunkAlerts(calls: CallInput[]): { rules: string[]; firstMs: number | undefined } {
  const r = run(new DetectionEngine(DEFAULT_RULE_PACK, reference()), timeline(calls));
  const mine = r.alerts.filter((a) => a.entity === TRUNK);
  return {
    rules: [...new Set(mine.map((a) => a.rule_id))].sort(),
    firstMs: mine.length > 0 ? Math.min(...mine.map((a) => a.ts)) - T0 : undefined,
  };
}

describe('default pack margins: campaigns', () => {
  it('a 5/min campaign answered 40 % of the time, a quarter of the answered hooked for minutes, is caught within 10 minutes; half hooked, it slips', () => {
    // 70 % of attempts short is under the rarely-answered rule's limit; the hang-up rule carries it.
    const { rules, firstMs } = trunkAlerts(traffic({ perMinute: 5, minutes: 15, talk: answering(0.4, 9 * SEC, 4) }));
    expect(rules).toContain('hang-up-campaign-trunk');
    expect(firstMs).toBeLessThanOrEqual(10 * MIN);
    // Half hooked, a fifth of its attempts are calls over a minute, as on a legitimate PBX or small carrier.
    expect(trunkAlerts(traffic({ perMinute: 5, minutes: 15, talk: answering(0.4, 9 * SEC, 2) })).rules).toEqual([]);
  });

  it('a 3/min campaign (30 attempts in 10 minutes) is caught; at 2/min (20 in 10 minutes) it stays under the 25-attempt floor', () => {
    const talk = answering(0.1, 9 * SEC, 3);
    expect(trunkAlerts(traffic({ perMinute: 3, minutes: 20, talk })).rules).toContain('spoofing-campaign-trunk');
    expect(trunkAlerts(traffic({ perMinute: 2, minutes: 30, talk })).rules).toEqual([]);
  });

  it('signing 40 % of calls A is still caught; signing 45 % A slips under every trunk rule', () => {
    const talk = answering(0.1, 9 * SEC, 3);
    const signed = (share: number) => (i: number): Attestation => (Math.floor((i + 1) * share + 1e-9) > Math.floor(i * share + 1e-9) ? 'A' : 'C');
    expect(trunkAlerts(traffic({ perMinute: 15, minutes: 10, talk, attestation: signed(0.4) })).rules).toContain('spoofing-campaign-trunk');
    expect(trunkAlerts(traffic({ perMinute: 15, minutes: 10, talk, attestation: signed(0.45) })).rules).toEqual([]);
  });

  it('answered calls that last 25 s instead of seconds: caught while 80 % of attempts fail, missed at 30 % answered', () => {
    expect(trunkAlerts(traffic({ perMinute: 15, minutes: 10, talk: answering(0.15, 25 * SEC, 5) })).rules).toContain('spoofing-campaign-trunk');
    expect(trunkAlerts(traffic({ perMinute: 15, minutes: 10, talk: answering(0.3, 25 * SEC, 5) })).rules).toEqual([]);
  });

  describe('padding its traffic with long answered calls to its own two phones', () => {
    const mules = ['+447700900001', '+447700900002'];
    const padded = (share: number): Traffic => {
      const base = answering(0.1, 9 * SEC, 3);
      const isPad = (i: number): boolean => Math.floor((i + 1) * share + 1e-9) > Math.floor(i * share + 1e-9);
      return { perMinute: 15, minutes: 15, talk: (i) => (isPad(i) ? 5 * MIN : base(i)), to: (i) => (isPad(i) ? mules[i % 2]! : scatteredCallee(i)) };
    };
    it('10 % of its lines spent that way: still caught within 3 minutes (its long calls end minutes after they start)', () => {
      const { rules, firstMs } = trunkAlerts(traffic(padded(0.1)));
      expect(rules).toContain('spoofing-campaign-trunk');
      expect(firstMs).toBeLessThanOrEqual(3 * MIN);
    });
    it('30 % of its lines spent that way: slips (the price is a third of its capacity)', () => {
      expect(trunkAlerts(traffic(padded(0.3))).rules).toEqual([]);
    });
  });

  it('a campaign redialling every number of its list once more (half the attempts to distinct callees) is still caught', () => {
    const { rules } = trunkAlerts(traffic({ perMinute: 10, minutes: 10, talk: answering(0.1, 9 * SEC, 3), to: (i) => scatteredCallee(Math.floor(i / 2)) }));
    expect(rules).toContain('spoofing-campaign-trunk');
    // Dialled three times each (a third distinct), it slips under the fan-out limit.
    expect(trunkAlerts(traffic({ perMinute: 10, minutes: 10, talk: answering(0.1, 9 * SEC, 3), to: (i) => scatteredCallee(Math.floor(i / 3)) })).rules)
      .not.toContain('spoofing-campaign-trunk');
  });

  it('a neighbour-spoofing campaign answered 40 % of the time with hooked callees is caught within 5 minutes at 5/min', () => {
    const neighbourOf = (i: number): string => `${scatteredCallee(i).slice(0, -4)}${String((i * 37 + 11) % 10_000).padStart(4, '0')}`;
    const { rules, firstMs } = trunkAlerts(traffic({ perMinute: 5, minutes: 10, talk: answering(0.4, 9 * SEC, 2), from: neighbourOf }));
    expect(rules).toContain('neighbour-spoofing-trunk');
    expect(firstMs).toBeLessThanOrEqual(5 * MIN);
  });
});

describe('default pack margins: legitimate traffic', () => {
  it('an interconnect at 200 calls/min, unsigned, a new caller ID on every call, 45 % unanswered, is not flagged', () => {
    // Answered people talk 40 s to 5 minutes; 1 in 25 answered calls is a wrong number hung up at once.
    const talk = (i: number): number => (i % 20 < 9 ? 0 : i % 25 === 0 ? 6 * SEC : 40 * SEC + (i % 7) * 40 * SEC);
    expect(trunkAlerts(traffic({ perMinute: 200, minutes: 20, talk })).rules).toEqual([]);
  });

  it('an interconnect whose traffic stops (the end of the data) while its long calls are still ending is not flagged', () => {
    // After the last START the window holds ever fewer attempts but the short calls of the minute
    // before still end in it: per attempt the short share climbs past any limit, per END it falls.
    // Some conversations last ten minutes, so ENDs keep arriving (and rules keep being evaluated).
    const talk = (i: number): number => (i % 20 < 9 ? 0 : i % 25 === 0 ? 6 * SEC : i % 13 === 0 ? 10 * MIN : 40 * SEC + (i % 7) * 40 * SEC);
    const calls = traffic({ perMinute: 150, minutes: 15, talk }).map((c) => ({ ...c, ringMs: 15 * SEC + ((Number(c.id.slice(2)) * 7) % 30) * SEC }));
    expect(trunkAlerts(calls).rules).toEqual([]);
  });

  it('the same interconnect at 3 calls/min (30 attempts a window) with 55 % unanswered is not flagged', () => {
    const talk = (i: number): number => (i % 20 < 11 ? 0 : 90 * SEC);
    expect(trunkAlerts(traffic({ perMinute: 3, minutes: 60, talk })).rules).toEqual([]);
  });

  it('a dialler signed A, 75 % unanswered and a third of the answered hung up at once, is not flagged; signed B it would be', () => {
    const talk = answering(0.25, 8 * SEC, 3);
    const cc = (attestation: Attestation): Traffic => ({ perMinute: 60, minutes: 10, talk, attestation: () => attestation, from: (i) => `+44207946000${i % 3}` });
    expect(trunkAlerts(traffic(cc('A'))).rules).toEqual([]);
    expect(trunkAlerts(traffic(cc('B'))).rules).not.toEqual([]);
  });

  it('a school run signed A, dialling its own number block in order, is not flagged', () => {
    const school = '+441614960000';
    const talk = (i: number): number => (i % 10 < 3 ? 0 : 18 * SEC);
    const calls = traffic({ perMinute: 40, minutes: 5, talk, attestation: () => 'A', from: () => school, to: (i) => `+4416149${String(6_001 + i).padStart(5, '0')}` });
    expect(trunkAlerts(calls).rules).toEqual([]);
  });
});
