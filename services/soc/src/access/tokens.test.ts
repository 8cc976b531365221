import { describe, expect, it } from 'vitest';
import { parseTokenEntries, roleAtLeast, TokenDirectory } from './tokens.js';

describe('TokenDirectory', () => {
  const { entries } = parseTokenEntries(['ann:viewer:viewer-token-0123456789', 'cy:operator:operator-token-0123456789']);
  const dir = new TokenDirectory(entries);

  it('finds who a bearer token belongs to', () => {
    expect(dir.authenticate({ authorization: 'Bearer viewer-token-0123456789' })).toEqual({ name: 'ann', role: 'viewer' });
    expect(dir.authenticate({ authorization: 'bearer operator-token-0123456789 ' })).toEqual({ name: 'cy', role: 'operator' });
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dmlld2VyLXRva2Vu', 'Bearer viewer-token-012345678', 'Bearer viewer-token-0123456789x', 'Bearer viewer-token-0123456789 extra', 'viewer-token-0123456789'])(
    'refuses %j', (header) => {
      expect(dir.authenticate(header === undefined ? {} : { authorization: header })).toBeUndefined();
    },
  );

  it('orders roles: each includes the one before', () => {
    expect(roleAtLeast('operator', 'analyst')).toBe(true);
    expect(roleAtLeast('analyst', 'analyst')).toBe(true);
    expect(roleAtLeast('analyst', 'operator')).toBe(false);
    expect(roleAtLeast('viewer', 'analyst')).toBe(false);
  });
});
