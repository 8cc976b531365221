import { describe, expect, it } from 'vitest';
import { EventTimeGuard } from './event-time-guard.js';

const JUMP = 120_000;
const MIN = 60_000;

/** Feeds times in order; `true` admitted, `false` parked, a list: the parked times taken back before this one. */
function feed(g: EventTimeGuard<number>, times: number[]): (boolean | number[])[] {
  return times.map((ts) => {
    if (g.admit(ts)) return true;
    return g.farAhead(ts, ts) === 'park' ? false : g.takeConfirmed();
  });
}

describe('EventTimeGuard', () => {
  it('parks one record far ahead of steady traffic, and it moves nothing', () => {
    const g = new EventTimeGuard<number>(JUMP);
    const steady = Array.from({ length: 20 }, (_, i) => i * 1_000);
    const out = feed(g, [...steady.slice(0, 10), 9_000 + 10 * MIN, ...steady.slice(10)]);
    expect(out[10]).toBe(false);
    expect(out.filter((x) => x !== true)).toHaveLength(1);
    expect(g.eventTime).toBe(19_000);
  });

  it('admits gradual progress of any speed (a backlog caught up at 30 s per record)', () => {
    const g = new EventTimeGuard<number>(JUMP);
    expect(feed(g, Array.from({ length: 100 }, (_, i) => i * 30_000)).every((x) => x === true)).toBe(true);
  });

  it('takes a real jump (a gap in traffic) once a third record confirms it, with the records parked on the way', () => {
    const g = new EventTimeGuard<number>(JUMP);
    feed(g, [0, 1_000, 2_000]);
    expect(feed(g, [10 * MIN, 30 * MIN + 5_000, 30 * MIN, 30 * MIN + 1_000, 30 * MIN + 2_000]))
      .toEqual([false, false, false, [10 * MIN, 30 * MIN, 30 * MIN + 5_000], true]);
    expect(g.eventTime).toBe(30 * MIN + 5_000);
  });

  it('a wrong clock on a minority of the traffic never confirms itself', () => {
    const g = new EventTimeGuard<number>(JUMP);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) times.push(i % 5 === 4 ? i * 1_000 + 10 * MIN : i * 1_000);
    const out = feed(g, times);
    expect(out.filter((x) => x === false)).toHaveLength(40);
    expect(out.some((x) => Array.isArray(x))).toBe(false);
  });

  it('two far records arriving together do not confirm each other; three agreeing amid more in-range traffic are outvoted', () => {
    const g = new EventTimeGuard<number>(JUMP);
    const out = feed(g, [0, 1_000, 2_000, 10 * MIN, 10 * MIN, 3_000, 4_000, 5_000, 10 * MIN + 1, 6_000]);
    expect(out).toEqual([true, true, true, false, false, true, true, true, false, true]);
  });

  it('the first record defines the start; a new allowance applies at once', () => {
    const g = new EventTimeGuard<number>(JUMP);
    expect(feed(g, [0])).toEqual([true]);
    g.setMaxJump(1_000);
    expect(feed(g, [1_000, 2_500])).toEqual([true, false]);
  });

  it('when the input ends, hands back the parked records nothing admitted after them contradicts', () => {
    const g = new EventTimeGuard<number>(JUMP);
    // A wrong clock amid traffic (contradicted), then the traffic stops and one long call ends 20 minutes later.
    expect(feed(g, [0, 1_000, 10 * MIN, 2_000, 3_000, 3_000 + 20 * MIN])).toEqual([true, true, false, true, true, false]);
    expect(g.takeUncontradicted()).toEqual([3_000 + 20 * MIN]);
    expect(g.eventTime).toBe(3_000 + 20 * MIN);
    expect(g.takeUncontradicted()).toEqual([]);
  });

  it('a sparse source read ahead of sources still catching up is early, not misdated: its records wait and are handed back once event time reaches them', () => {
    // Seen in a loaded fault run: an SMS partition's next records lay 2.5 minutes ahead of the calls
    // still being caught up; the calls then moved on, and an SMS of the same partition delivered
    // a little out of order parked the early ones for good (lost records).
    const g = new EventTimeGuard<number>(JUMP, 3 * MIN);
    expect([g.admit(0, 'calls/0'), g.admit(0, 'sms/0')]).toEqual([true, true]);
    expect(g.admit(150_000, 'sms/0')).toBe(false);
    expect(g.farAhead(150_000, 150_000, 'sms/0')).toBe('park');
    expect(g.admit(20_000, 'calls/0')).toBe(true);
    expect(g.hasInReach).toBe(false);
    // An SMS of that partition, out of order by under the allowed lateness: not a contradiction.
    expect(g.admit(10_000, 'sms/0')).toBe(true);
    expect(g.admit(35_000, 'calls/0')).toBe(true);
    expect(g.hasInReach).toBe(true);
    expect(g.takeInReach()).toEqual([150_000]);
    expect(g.eventTime).toBe(150_000);
    expect(g.takeUncontradicted()).toEqual([]);
  });

  it('a record further ahead of its own source than the source can be out of order is still parked at once, and says why', () => {
    const dropped: [number, string][] = [];
    const g = new EventTimeGuard<number>(JUMP, 3 * MIN, (item, why) => dropped.push([item, why]));
    expect(feed(g, [0, 1_000])).toEqual([true, true]);
    expect(g.admit(4 * MIN, 'p')).toBe(false);
    expect(g.farAhead(4 * MIN, 4 * MIN, 'p')).toBe('park');
    expect(dropped).toEqual([]);
    expect(g.admit(2_000, 'p')).toBe(true);
    expect(dropped).toEqual([[4 * MIN, expect.stringMatching(/^contradicted: its source moved on to event time 2000, 238000 ms behind it/)]]);
    expect(g.takeUncontradicted()).toEqual([]);
  });

  it('gives up the oldest held record, saying so, when too many are held at once', () => {
    const dropped: [number, string][] = [];
    const g = new EventTimeGuard<number>(JUMP, 3 * MIN, (item, why) => dropped.push([item, why]));
    expect(g.admit(0, 'a')).toBe(true);
    // Far-ahead records of different sources, each more than the allowance from the next: no quorum.
    for (let i = 1; i <= 257; i++) expect(g.farAhead(i * 10 * MIN, i * 10 * MIN, `s${i}`)).toBe('park');
    expect(dropped).toEqual([[10 * MIN, expect.stringMatching(/^more than 256 records were held at once/)]]);
  });
});
