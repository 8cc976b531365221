import { badParameter } from './api-error.js';

/** Where the next page starts: the last item's (ts, alert_id), the queue's order. */
export interface AlertCursor {
  ts: number;
  alertId: string;
}

/** Opaque to clients: base64url of `[ts, alert_id]`. */
export function encodeCursor(c: AlertCursor): string {
  return Buffer.from(JSON.stringify([c.ts, c.alertId]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): AlertCursor {
  const bad = badParameter('cursor', 'a next_cursor value from an earlier answer');
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) throw bad;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (!Array.isArray(v) || v.length !== 2) throw bad;
  const [ts, alertId] = v as unknown[];
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0 || typeof alertId !== 'string' || alertId.length > 256) throw bad;
  return { ts, alertId };
}
