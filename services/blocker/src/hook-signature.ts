import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The hook signature (README, "Hook protocol"):
 *   X-Telfraud-Signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, `${t}.${raw body}`)>
 * A receiver recomputes the HMAC over the exact bytes it received, compares in constant time, and
 * refuses timestamps further than its tolerance from its own clock (a captured request cannot be
 * replayed later). Several `v1=` entries may appear during a secret rotation; one match is enough.
 */
export const SIGNATURE_HEADER = 'X-Telfraud-Signature';
export const IDEMPOTENCY_HEADER = 'X-Telfraud-Idempotency-Key';
export const ATTEMPT_HEADER = 'X-Telfraud-Delivery-Attempt';
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header value for `body` sent at `timestamp` (ms). Every secret gets its own `v1=`. */
export function signPayload(secrets: string | readonly string[], body: string | Buffer, timestamp: number): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${timestamp}`, ...list.map((s) => `v1=${hmacHex(s, timestamp, body)}`)].join(',');
}

/**
 * Verifies a signature header against the raw body. `secrets`: the current secret, or several
 * during a rotation. `toleranceMs`: the largest accepted distance between `t` and `now`.
 */
export function verifySignature(
  secrets: string | readonly string[],
  header: string | undefined,
  body: string | Buffer,
  toleranceMs: number = DEFAULT_TOLERANCE_MS,
  now: number = Date.now(),
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0) return { ok: false, reason: 'malformed' };
    if (key === 't' && /^\d{1,16}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(now - timestamp) > toleranceMs) return { ok: false, reason: 'stale' };
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  for (const secret of list) {
    const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
    for (const sig of signatures) {
      if (timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return { ok: true, timestamp };
    }
  }
  return { ok: false, reason: 'mismatch' };
}
