import { describe, expect, it } from 'vitest';
import { dnoEntries, bankById } from '../model/bank-directory.js';
import { callsOf, endOf, smsOf, startOf, testRun } from '../test-support/test-runs.js';

const DNO = new Set(dnoEntries().map((e) => e.number));
const { emissions, labels } = testRun();
const index = (name: string): number => labels.findIndex((l) => l.scenario === name);
const calls = (name: string) => [...callsOf(emissions, index(name)).values()];
/** Calls per minute over the span of call starts (label times also cover trailing SMS and long calls). */
const perMinute = (starts: readonly { ts: number }[]): number => {
  const ts = starts.map((s) => s.ts);
  return (starts.length - 1) / ((Math.max(...ts) - Math.min(...ts)) / 60_000);
};
const answerRate = (name: string): number => {
  const ends = calls(name).map(endOf);
  return ends.filter((e) => e.duration_ms! > 0).length / ends.length;
};

describe('background', () => {
  const all = calls('background');
  it('has thousands of distinct subscribers, mostly domestic A/B, some foreign C/NONE', () => {
    const starts = all.map(startOf);
    expect(new Set(starts.map((s) => s.calling_number)).size).toBeGreaterThan(5_000);
    const foreign = starts.filter((s) => s.ingress_country !== 'GB');
    expect(foreign.length / starts.length).toBeGreaterThan(0.04);
    expect(foreign.length / starts.length).toBeLessThan(0.12);
    for (const s of foreign) {
      expect(['C', 'NONE']).toContain(s.attestation);
      expect(s.calling_number.startsWith('+44')).toBe(false);
    }
    for (const s of starts.filter((x) => x.ingress_country === 'GB')) expect(['A', 'B']).toContain(s.attestation);
    for (const s of starts) expect(DNO.has(s.calling_number)).toBe(false);
  });

  it('answers 60-75 % with a median talk time of one to three minutes', () => {
    expect(answerRate('background')).toBeGreaterThan(0.6);
    expect(answerRate('background')).toBeLessThan(0.75);
    const talk = all.map(endOf).map((e) => e.duration_ms!).filter((d) => d > 0).sort((a, b) => a - b);
    const median = talk[Math.floor(talk.length / 2)]!;
    expect(median).toBeGreaterThan(60_000);
    expect(median).toBeLessThan(180_000);
  });
});

describe('bank-call-centre', () => {
  const bank = bankById('albion');
  it('uses the bank\'s outbound (non-DNO) numbers on its own A-attested trunk with long answered calls', () => {
    const starts = calls('bank-call-centre').map(startOf);
    expect(perMinute(starts)).toBeGreaterThan(30);
    expect(perMinute(starts)).toBeLessThan(60);
    for (const s of starts) {
      expect(bank.outboundNumbers).toContain(s.calling_number);
      expect(DNO.has(s.calling_number)).toBe(false);
      expect(s.attestation).toBe('A');
      expect(s.ingress_country).toBe('GB');
    }
    expect(answerRate('bank-call-centre')).toBeGreaterThan(0.7);
  });

  it('sends the bank\'s OTPs after some calls, like the fraud does', () => {
    const otps = smsOf(emissions, index('bank-call-centre')).filter((s) => s.category === 'OTP');
    expect(otps.length).toBeGreaterThan(50);
    for (const s of otps) expect(s.sender).toBe(bank.smsSender);
  });
});

describe('notification-run', () => {
  const all = calls('notification-run');
  it('is attestation A from one number on one domestic trunk', () => {
    for (const s of all.map(startOf)) {
      expect(s.attestation).toBe('A');
      expect(s.ingress_country).toBe('GB');
    }
    expect(new Set(all.map(startOf).map((s) => s.calling_number)).size).toBe(1);
  });

  it('dials distinct numbers in bursts, with 20-40 s answered messages', () => {
    const starts = all.map(startOf);
    expect(new Set(starts.map((s) => s.called_number)).size).toBe(starts.length);
    const perMinute = starts.reduce((m, s) => m.set(Math.floor(s.ts / 60_000), (m.get(Math.floor(s.ts / 60_000)) ?? 0) + 1), new Map<number, number>());
    const busiest = Math.max(...perMinute.values());
    expect(busiest).toBeGreaterThan(40);
    for (const e of all.map(endOf).filter((x) => x.duration_ms! > 0)) {
      expect(e.duration_ms).toBeGreaterThanOrEqual(20_000);
      expect(e.duration_ms).toBeLessThanOrEqual(40_000);
    }
    expect(answerRate('notification-run')).toBeGreaterThan(0.4);
    expect(answerRate('notification-run')).toBeLessThan(0.75);
  });
});

describe('roaming-mobiles, heavy-human, small-pbx', () => {
  it('roamers present +447 numbers from foreign gateways', () => {
    const starts = calls('roaming-mobiles').map(startOf);
    expect(starts.length).toBeGreaterThan(50);
    for (const s of starts) {
      expect(s.calling_number).toMatch(/^\+447/);
      expect(s.ingress_country).not.toBe('GB');
    }
  });

  it('heavy humans make 60-100 calls an hour each, attested A, answered normally', () => {
    const label = labels[index('heavy-human')]!;
    const starts = calls('heavy-human').map(startOf);
    for (const { entity } of label.entities) {
      const perHour = perMinute(starts.filter((s) => s.calling_number === entity)) * 60;
      expect(perHour).toBeGreaterThan(45);
      expect(perHour).toBeLessThan(120);
    }
    for (const s of starts) expect(s.attestation).toBe('A');
    expect(answerRate('heavy-human')).toBeGreaterThan(0.5);
  });

  it('PBXs present a handful of numbers each on their own A/B trunks', () => {
    const starts = calls('small-pbx').map(startOf);
    const byTrunk = new Map<string, Set<string>>();
    for (const s of starts) byTrunk.set(s.ingress_trunk, (byTrunk.get(s.ingress_trunk) ?? new Set()).add(s.calling_number));
    expect(byTrunk.size).toBeGreaterThanOrEqual(3);
    for (const numbers of byTrunk.values()) expect(numbers.size).toBeLessThanOrEqual(5);
    for (const s of starts) expect(['A', 'B']).toContain(s.attestation);
  });
});
