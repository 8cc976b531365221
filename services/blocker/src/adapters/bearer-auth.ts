import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * `Authorization: Bearer <token>` against the configured token, compared in constant time
 * (both sides hashed first, so not even the length leaks).
 */
export function hasBearerToken(headers: IncomingHttpHeaders, token: string): boolean {
  const header = headers['authorization'];
  if (typeof header !== 'string') return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) return false;
  return timingSafeEqual(digest(m[1]), digest(token));
}
