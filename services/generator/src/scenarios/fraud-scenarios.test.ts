import { describe, expect, it } from 'vitest';
import { dnoEntries } from '../model/bank-directory.js';
import { BANKS } from '../model/bank-directory.js';
import { callsOf, endOf, smsOf, startOf, testRun } from '../test-support/test-runs.js';

const DNO = new Set(dnoEntries().map((e) => e.number));
const { emissions, labels } = testRun();
const index = (name: string): number => labels.findIndex((l) => l.scenario === name);

function perMinute(starts: readonly number[], from: number, to: number): number[] {
  const buckets = new Array<number>(Math.floor((to - from) / 60_000)).fill(0);
  for (const ts of starts) {
    const b = Math.floor((ts - from) / 60_000);
    if (b >= 0 && b < buckets.length) buckets[b]!++;
  }
  return buckets;
}

describe('ispoof', () => {
  const calls = [...callsOf(emissions, index('ispoof')).values()];
  const starts = calls.map(startOf);

  it('presents only DNO bank numbers, several of them, from one foreign trunk without attestation', () => {
    expect(calls.length).toBeGreaterThan(500);
    const presented = new Set(starts.map((s) => s.calling_number));
    expect(presented.size).toBeGreaterThanOrEqual(4);
    for (const n of presented) expect(DNO.has(n)).toBe(true);
    expect(new Set(starts.map((s) => s.ingress_trunk)).size).toBe(1);
    for (const s of starts) {
      expect(s.ingress_country).not.toBe('GB');
      expect(['C', 'NONE']).toContain(s.attestation);
      expect(s.called_number).toMatch(/^\+447/);
    }
  });

  it('calls at 20 or more per minute in every minute of its window, to distinct callees', () => {
    const label = labels[index('ispoof')]!;
    const minutes = perMinute(starts.map((s) => s.ts), label.start_ts!, label.start_ts! + 19 * 60_000);
    expect(minutes.length).toBeGreaterThanOrEqual(15);
    for (const n of minutes) expect(n).toBeGreaterThanOrEqual(20);
    expect(new Set(starts.map((s) => s.called_number)).size).toBeGreaterThan(0.98 * starts.length);
  });

  it('is answered 15-30 % of the time, and some answered calls pass a minute', () => {
    const ends = calls.map(endOf);
    const answered = ends.filter((e) => e.duration_ms! > 0);
    expect(answered.length / ends.length).toBeGreaterThan(0.15);
    expect(answered.length / ends.length).toBeLessThan(0.3);
    const long = answered.filter((e) => e.duration_ms! > 60_000);
    expect(long.length).toBeGreaterThan(0.25 * answered.length);
    expect(long.length).toBeLessThan(0.7 * answered.length);
  });

  it('is followed by bank OTP texts to hooked victims one to five minutes after the call', () => {
    const victimEnds = new Map(calls.map(endOf).filter((e) => e.duration_ms! > 60_000).map((e) => [e.called_number, e.ts]));
    const otps = smsOf(emissions, index('ispoof'));
    expect(otps.length).toBeGreaterThan(0.4 * victimEnds.size);
    const senders = new Set(BANKS.map((b) => b.smsSender));
    for (const sms of otps) {
      expect(sms.category).toBe('OTP');
      expect(senders.has(sms.sender)).toBe(true);
      const callEnd = victimEnds.get(sms.recipient_number);
      expect(callEnd).toBeDefined();
      expect(sms.ts - callEnd!).toBeGreaterThanOrEqual(60_000);
      expect(sms.ts - callEnd!).toBeLessThanOrEqual(300_000);
    }
  });
});

describe('cli-rotation', () => {
  const starts = [...callsOf(emissions, index('cli-rotation')).values()].map(startOf);
  it('presents a new UK landline on (almost) every call from one domestic B/C trunk', () => {
    expect(starts.length).toBeGreaterThan(500);
    expect(new Set(starts.map((s) => s.calling_number)).size).toBeGreaterThan(0.99 * starts.length);
    for (const s of starts) {
      expect(s.calling_number).toMatch(/^\+44[12]/);
      expect(s.ingress_country).toBe('GB');
      expect(['B', 'C']).toContain(s.attestation);
    }
    expect(new Set(starts.map((s) => s.ingress_trunk)).size).toBe(1);
  });

  it('is answered under 12 % of the time', () => {
    const ends = [...callsOf(emissions, index('cli-rotation')).values()].map(endOf);
    expect(ends.filter((e) => e.duration_ms! > 0).length / ends.length).toBeLessThan(0.12);
  });
});

describe('low-and-slow', () => {
  const calls = [...callsOf(emissions, index('low-and-slow')).values()];
  const starts = calls.map(startOf);
  it('presents one London number from abroad without attestation at 2-4 calls a minute', () => {
    expect(new Set(starts.map((s) => s.calling_number))).toEqual(new Set([starts[0]!.calling_number]));
    expect(starts[0]!.calling_number).toMatch(/^\+4420/);
    expect(DNO.has(starts[0]!.calling_number)).toBe(false);
    for (const s of starts) {
      expect(s.ingress_country).not.toBe('GB');
      expect(s.attestation).toBe('NONE');
    }
    const ts = starts.map((s) => s.ts);
    const rate = (starts.length - 1) / ((Math.max(...ts) - Math.min(...ts)) / 60_000);
    expect(rate).toBeGreaterThan(1.5);
    expect(rate).toBeLessThan(4);
    expect(calls.map(endOf).some((e) => e.duration_ms! > 5 * 60_000)).toBe(true);
  });
});

describe('fraud labels', () => {
  it('name as victims exactly the callees connected for more than 60 s', () => {
    for (const label of labels) {
      const i = index(label.scenario);
      const long = [...callsOf(emissions, i).values()].map(endOf).filter((e) => e.duration_ms! > 60_000);
      if (label.kind === 'fraud') {
        expect(label.victims.length).toBeGreaterThan(0);
        expect(label.victims).toEqual([...new Set(long.map((e) => e.called_number))].sort());
        expect(label.victim_calls.map((v) => v.call_id).sort()).toEqual(long.map((e) => e.call_id).sort());
      } else {
        expect(label.victims).toEqual([]);
      }
      expect(label.long_calls).toBe(long.length);
    }
  });

  it('never share an entity with a legitimate scenario', () => {
    const legit = new Set(labels.filter((l) => l.kind === 'legit').flatMap((l) => l.entities.map((e) => `${e.entity_type}:${e.entity}`)));
    for (const l of labels.filter((x) => x.kind === 'fraud')) {
      for (const e of l.entities) expect(legit.has(`${e.entity_type}:${e.entity}`), e.entity).toBe(false);
    }
  });
});
