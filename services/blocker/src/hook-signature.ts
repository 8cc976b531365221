import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The hook signature, version 2 (README, "Hook protocol"):
 *   X-Telfraud-Target:    <target id>                    (informational: receivers use their own)
 *   X-Telfraud-Key-Id:    <key id>[,<key id>]            (the keys signed with, in the order below)
 *   X-Telfraud-Signature: t=<unix ms>,v2=<hex>[,v2=<hex>] (one HMAC-SHA256 per key)
 * over "telfraud-hook-v2\n<target id>\n<METHOD>\n<path?query>\n<t>\n" followed by the raw body.
 * Each target has its own secret(s), and the signed string names the target, the method and the
 * path: a receiver cannot forge a request for another receiver (it lacks that one's secret), nor
 * replay one captured at another receiver or another path (the target id or path differs). During
 * a rotation a target has two active keys and every request carries both signatures; a receiver
 * accepts a match with any key it holds, and refuses timestamps further than its tolerance from
 * its clock (a captured request cannot be replayed later).
 */
export const SIGNATURE_HEADER = 'X-Telfraud-Signature';
export const KEY_ID_HEADER = 'X-Telfraud-Key-Id';
export const TARGET_HEADER = 'X-Telfraud-Target';
export const IDEMPOTENCY_HEADER = 'X-Telfraud-Idempotency-Key';
export const ATTEMPT_HEADER = 'X-Telfraud-Delivery-Attempt';
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;
/** Key ids and target ids: what fits a header list and a log line. */
export const HOOK_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** One signing key of a target. */
export interface HookKey {
  id: string;
  secret: string;
}

/** What the signature binds besides the body: the target's id, the HTTP method, the URL's path and query. */
export interface HookRequest {
  targetId: string;
  method: string;
  path: string;
}

export type SignatureCheck =
  | { ok: true; timestamp: number; keyId: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'unknown key' | 'mismatch' };

/** The signed string before the body. */
export function signingPrefix(req: HookRequest, timestamp: number): string {
  return `telfraud-hook-v2\n${req.targetId}\n${req.method.toUpperCase()}\n${req.path}\n${timestamp}\n`;
}

function hmac(secret: string, req: HookRequest, timestamp: number, body: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(signingPrefix(req, timestamp)).update(body).digest();
}

/** The signature and key-id header values for `body` sent to `req` at `timestamp` (ms), one signature per key. */
export function signHook(keys: readonly HookKey[], req: HookRequest, body: string | Buffer, timestamp: number): { signature: string; keyIds: string } {
  return {
    signature: [`t=${timestamp}`, ...keys.map((k) => `v2=${hmac(k.secret, req, timestamp, body).toString('hex')}`)].join(','),
    keyIds: keys.map((k) => k.id).join(','),
  };
}

/**
 * Verifies a request as received: `req` is the receiver's own target id with the method and path
 * it was called with, `keys` the keys it holds (two during a rotation). Constant-time comparison.
 */
export function verifyHook(
  keys: readonly HookKey[],
  req: HookRequest,
  headers: { signature: string | undefined; keyIds: string | undefined },
  body: string | Buffer,
  toleranceMs: number = DEFAULT_TOLERANCE_MS,
  now: number = Date.now(),
): SignatureCheck {
  if (!headers.signature || !headers.keyIds) return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of headers.signature.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,16}$/.test(value)) timestamp = Number(value);
    else if (key === 'v2' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
    else return { ok: false, reason: 'malformed' };
  }
  const ids = headers.keyIds.split(',').map((s) => s.trim());
  if (timestamp === undefined || signatures.length === 0 || ids.length !== signatures.length || !ids.every((id) => HOOK_ID_PATTERN.test(id))) {
    return { ok: false, reason: 'malformed' };
  }
  if (Math.abs(now - timestamp) > toleranceMs) return { ok: false, reason: 'stale' };
  let known = false;
  for (const [i, id] of ids.entries()) {
    const key = keys.find((k) => k.id === id);
    if (!key) continue;
    known = true;
    if (timingSafeEqual(hmac(key.secret, req, timestamp, body), signatures[i]!)) return { ok: true, timestamp, keyId: id };
  }
  return { ok: false, reason: known ? 'mismatch' : 'unknown key' };
}
