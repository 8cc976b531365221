import { describe, expect, it } from 'vitest';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import { callEvent, T0 } from '../test-support/call-builder.js';
import { MeasureLayout } from './measure-layout.js';
import { SessionWindow } from './session-window.js';

const S = 1_000;

function setup(gapMs = 30 * S, maxMs = 120 * S) {
  const layout = new MeasureLayout({ n: { fn: 'count' }, callees: { fn: 'distinct', field: 'called_number' } }, () => EMPTY_REFERENCE);
  const w = new SessionWindow(layout, gapMs, maxMs);
  const st = w.create(T0);
  const add = (offset: number, callee = '+447700900001'): boolean => w.add(st, callEvent({ ts: T0 + offset, called_number: callee }), T0 + offset);
  const now = () => {
    const into = layout.newSlots();
    const b = w.evaluate(st, 0, into);
    return { ...layout.values(into), start: b.start - T0, end: b.end - T0 };
  };
  return { w, st, add, now };
}

describe('SessionWindow', () => {
  it('keeps activity separated by at most the gap in one session', () => {
    const { add, now } = setup();
    add(0, '+447700900001');
    add(20_000, '+447700900002');
    add(50_000, '+447700900001'); // exactly the 30 s gap: same session
    expect(now()).toEqual({ n: 3, callees: 2, start: 0, end: 50_000 });
  });

  it('starts a new session after a longer gap, forgetting counts and distinct values', () => {
    const { add, now } = setup();
    add(0, '+447700900001');
    add(20_000, '+447700900002');
    add(50_001, '+447700900001');
    expect(now()).toEqual({ n: 1, callees: 1, start: 50_001, end: 50_001 });
  });

  it('caps a session at max: an endless trickle is cut into bounded sessions', () => {
    const { add, now } = setup();
    for (let t = 0; t <= 120_000; t += 20_000) add(t);
    expect(now()).toMatchObject({ n: 7, start: 0, end: 120_000 });
    add(140_000);
    expect(now()).toMatchObject({ n: 1, start: 140_000, end: 140_000 });
  });

  it('takes a late event within the gap before the start, rejects one from a closed session', () => {
    const { add, now } = setup();
    add(100_000);
    expect(add(80_000)).toBe(true); // 20 s before start
    expect(now()).toMatchObject({ n: 2, start: 80_000, end: 100_000 });
    expect(add(49_999)).toBe(false); // more than the gap before the session's start
    expect(now()).toMatchObject({ n: 2 });
  });

  it.each([
    [80_000, false],
    [80_001, true],
  ])('expires once the watermark passes last + gap: watermark +%d → %s', (wm, expired) => {
    const { w, st, add } = setup();
    add(10_000);
    add(50_000);
    expect(w.expired(st, T0 + wm)).toBe(expired);
  });
});
