import { describe, expect, it } from 'vitest';
import { stringHash32 } from '../windows/key-table.js';
import { CallIdTable } from './call-id-table.js';

const IDS = [
  'c1', 'g7-mjuohs00-bg-c1', '6f1c2a4e-9b7d-4c1e-8f3a-2d5b7e9c1a04', 'a84b4c76e66710@pc33.atlanta.example.com;tag=1928301774-extra-long-part',
  'x'.repeat(64), 'x'.repeat(65), 'appel-é-ü', 'звонок-1', '', 'c1 ',
];

describe('CallIdTable', () => {
  it('finds every id of every length and alphabet, and only that id', () => {
    const t = new CallIdTable(stringHash32);
    const slots = IDS.map((id) => t.insert(id));
    expect(new Set(slots).size).toBe(IDS.length);
    expect(IDS.map((id) => t.find(id))).toEqual(slots);
    expect(t.find('c2')).toBe(-1);
    expect(t.find('x'.repeat(63))).toBe(-1);
    expect(t.find('звонок-2')).toBe(-1);
  });

  it('keeps ids apart when every hash collides (a chosen collision costs probes, never a merge)', () => {
    const t = new CallIdTable(() => 7);
    const ids = Array.from({ length: 300 }, (_, i) => `call-${i}`);
    const slots = ids.map((id) => t.insert(id));
    for (let i = 0; i < ids.length; i += 3) t.remove(slots[i]!);
    for (let i = 0; i < ids.length; i++) expect(t.find(ids[i]!)).toBe(i % 3 === 0 ? -1 : slots[i]);
    expect(t.size).toBe(200);
  });

  it('reuses freed slots and byte records for other ids without mixing them up', () => {
    const t = new CallIdTable(stringHash32);
    const old = Array.from({ length: 5_000 }, (_, i) => t.insert(`old-${i}-${'y'.repeat(i % 70)}`));
    for (const s of old) t.remove(s);
    expect(t.size).toBe(0);
    const ids = Array.from({ length: 5_000 }, (_, i) => `new-${i}-${'z'.repeat((i * 7) % 70)}`);
    const slots = ids.map((id) => t.insert(id));
    expect(Math.max(...slots)).toBeLessThan(t.slotCapacity);
    expect(ids.map((id) => t.find(id))).toEqual(slots);
    expect(t.find(`old-5-${'y'.repeat(5)}`)).toBe(-1);
    expect(slots.every((s) => t.isLive(s))).toBe(true);
  });
});
