import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  const cases: { name: string; max: number; requests: number[]; expected: string[] }[] = [
    { name: 'allows up to the limit within a minute', max: 3, requests: [0, 1, 2], expected: ['allowed', 'allowed', 'allowed'] },
    { name: 'trips on the request over the limit', max: 3, requests: [0, 1, 2, 3], expected: ['allowed', 'allowed', 'allowed', 'tripped'] },
    { name: 'stays open once tripped', max: 1, requests: [0, 1, 120_000], expected: ['allowed', 'tripped', 'open'] },
    { name: 'the window slides: old requests stop counting', max: 2, requests: [0, 30_000, 60_000, 61_000], expected: ['allowed', 'allowed', 'allowed', 'tripped'] },
    { name: 'a minute apart never trips', max: 1, requests: [0, 60_000, 120_000], expected: ['allowed', 'allowed', 'allowed'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const breaker = new CircuitBreaker(c.max);
      expect(c.requests.map((t) => breaker.request(t))).toEqual(c.expected);
    });
  }

  it('reports its state, and reset closes it with an empty window', () => {
    const breaker = new CircuitBreaker(1);
    breaker.request(0);
    breaker.request(5);
    expect(breaker.state).toEqual({ kind: 'open', since: 5, requestsInWindow: 2 });
    expect(breaker.reset()).toBe(true);
    expect(breaker.state).toEqual({ kind: 'closed' });
    expect(breaker.recent(6)).toBe(0);
    expect(breaker.request(6)).toBe('allowed');
    expect(breaker.reset()).toBe(false);
  });

  it('refuses a limit below 1', () => {
    expect(() => new CircuitBreaker(0)).toThrow(/maxPerMinute/);
  });
});
