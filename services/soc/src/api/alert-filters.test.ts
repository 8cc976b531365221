import { describe, expect, it } from 'vitest';
import { SocApiError } from './api-error.js';
import { parseAlertFilters } from './alert-filters.js';
import { decodeCursor, encodeCursor } from './cursor.js';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

function badParameter(query: string): string | undefined {
  try {
    parseAlertFilters(q(query));
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(SocApiError);
    expect((err as SocApiError).status).toBe(400);
    return (err as SocApiError).parameter;
  }
}

describe('parseAlertFilters', () => {
  it('takes repeated and comma-separated values, free text as given', () => {
    const f = parseAlertFilters(q("severity=HIGH,CRITICAL&severity=HIGH&status=open&rule=a&rule=b,c&entity=%2B44'1&entity_type=ingress_trunk&from=5&to=10&limit=7"));
    expect(f).toMatchObject({ severities: ['HIGH', 'CRITICAL'], statuses: ['open'], rules: ['a', 'b', 'c'], entity: "+44'1", entityType: 'ingress_trunk', from: 5, to: 10, limit: 7 });
    expect(parseAlertFilters(q('')).limit).toBe(50);
  });

  it.each([
    ['severity=high', 'severity'], ['severity=HIGH%27--', 'severity'], ['status=done', 'status'], ['limit=0', 'limit'], ['limit=501', 'limit'],
    ['limit=1e2', 'limit'], ['limit=10%20OR%201', 'limit'], ['from=-1', 'from'], ['from=1.5', 'from'], ['to=abc', 'to'], ['from=10&to=5', 'to'],
    ['entity=a&entity=b', 'entity'], [`entity=${'x'.repeat(257)}`, 'entity'], ['cursor=not*base64', 'cursor'], ['cursor=WzFd', 'cursor'],
  ])('%s is a 400 naming %s', (query, parameter) => {
    expect(badParameter(query)).toBe(parameter);
  });

  it('round-trips a cursor and refuses a forged one', () => {
    expect(decodeCursor(encodeCursor({ ts: 42, alertId: "a'b" }))).toEqual({ ts: 42, alertId: "a'b" });
    const forged = Buffer.from(JSON.stringify(['1 OR 1=1', 'x'])).toString('base64url');
    expect(() => decodeCursor(forged)).toThrow(SocApiError);
  });
});
