/** The look-alikes that stress the campaign rules' own signals: what makes each one look like fraud, and what does not. */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '@telfraud/core';
import { collectEmissions } from '../simulation/collect-emissions.js';
import { callsOf, endOf, startOf } from '../test-support/test-runs.js';
import { FOREIGN_CARRIER_TRUNK, TRANSIT_TRUNK } from './legit-interconnect.js';

const { emissions, labels } = collectEmissions({
  seed: 11, startTs: Date.UTC(2026, 0, 1), horizonMs: 40 * 60_000, backgroundRate: 0,
  scenarios: ['legit-interconnect', 'contact-centre', 'school-run'], delivery: { lateShare: 0, duplicateShare: 0 },
});
const calls = (name: string): CallEvent[][] => [...callsOf(emissions, labels.findIndex((l) => l.scenario === name)).values()];
const shortShare = (cs: CallEvent[][]): number => cs.map(endOf).filter((e) => e.duration_ms! < 20_000).length / cs.length;

describe('legit-interconnect', () => {
  const all = calls('legit-interconnect');
  const on = (trunk: string) => all.filter((c) => startOf(c).ingress_trunk === trunk);

  it('carries thousands of subscribers\' caller IDs, mixed attestation, many not fully attested', () => {
    const transit = on(TRANSIT_TRUNK.id).map(startOf);
    expect(new Set(transit.map((s) => s.calling_number)).size).toBeGreaterThan(2_000);
    const notA = transit.filter((s) => s.attestation !== 'A').length / transit.length;
    expect(notA).toBeGreaterThan(0.45);
    expect(notA).toBeLessThan(0.65);
    expect(on(FOREIGN_CARRIER_TRUNK.id).map(startOf).every((s) => s.attestation === 'C' || s.attestation === 'NONE')).toBe(true);
  });

  it('is answered like people: 35-45 % over within 20 s', () => {
    for (const trunk of [TRANSIT_TRUNK.id, FOREIGN_CARRIER_TRUNK.id]) {
      expect(shortShare(on(trunk))).toBeGreaterThan(0.3);
      expect(shortShare(on(trunk))).toBeLessThan(0.5);
    }
  });
});

describe('contact-centre', () => {
  const starts = calls('contact-centre').map(startOf);
  it('dials many people fast, mostly failing or brief, from a few numbers of its own, all attested A', () => {
    expect(starts.length / 36).toBeGreaterThan(25);
    expect(new Set(starts.map((s) => s.called_number)).size).toBeGreaterThan(0.98 * starts.length);
    expect(new Set(starts.map((s) => s.calling_number)).size).toBeLessThanOrEqual(4);
    expect(starts.every((s) => s.attestation === 'A')).toBe(true);
    expect(shortShare(calls('contact-centre'))).toBeGreaterThan(0.7);
  });
});

describe('school-run', () => {
  const starts = calls('school-run').map(startOf);
  it('rings its own number block in order from one number attested A, in bursts', () => {
    const school = starts[0]!.calling_number;
    expect(starts.every((s) => s.calling_number === school && s.attestation === 'A')).toBe(true);
    expect(starts.every((s) => s.called_number.slice(0, -4) === school.slice(0, -4))).toBe(true);
    const firstBurst = starts.slice(0, 100).map((s) => s.called_number);
    expect(firstBurst).toEqual([...firstBurst].sort());
    const gaps = starts.slice(1).map((s, i) => s.ts - starts[i]!.ts);
    expect(Math.max(...gaps)).toBeGreaterThan(20 * 60_000);
  });
});
