import { ATTEMPT_HEADER, IDEMPOTENCY_HEADER, KEY_ID_HEADER, SIGNATURE_HEADER, signHook, TARGET_HEADER } from '../hook-signature.js';
import type { HookTarget } from '../webhook-targets.js';

/** What one POST to one target came to. */
export type AttemptOutcome =
  | { kind: 'delivered'; status: number; durationMs: number }
  | { kind: 'retryable'; status: number; error: string; retryAfterMs: number | undefined; durationMs: number }
  | { kind: 'rejected'; status: number; error: string; durationMs: number };

export interface WebhookClientOptions {
  /** Every target the dispatcher may name, each with its id and keys. */
  targets: readonly HookTarget[];
  timeoutMs: number;
  now: () => number;
  userAgent?: string;
}

/** Statuses worth another try: the receiver is overloaded, restarting or timed out. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * One signed webhook request. The body is sent byte for byte as signed, with the target's own keys
 * (both during a rotation) over its id, the method and the URL's path; the signature carries a
 * fresh timestamp on every attempt, so a late retry is not refused as stale. 2xx and 409 (the
 * receiver already applied this idempotency key) count as delivered; 408/425/429/5xx, timeouts and
 * network errors are retried; any other status is a permanent rejection.
 */
export class WebhookClient {
  private readonly byUrl: ReadonlyMap<string, HookTarget>;

  constructor(private readonly options: WebhookClientOptions) {
    this.byUrl = new Map(options.targets.map((t) => [t.url, t]));
  }

  async attempt(url: string, body: string, idempotencyKey: string, attempt: number, action: string): Promise<AttemptOutcome> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const target = this.byUrl.get(url);
    if (!target) return { kind: 'rejected', status: 0, error: 'no keys for this target', durationMs: 0 };
    const { pathname, search } = new URL(url);
    const signed = signHook(target.keys, { targetId: target.id, method: 'POST', path: `${pathname}${search}` }, body, this.options.now());
    try {
      const res = await fetch(url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': this.options.userAgent ?? 'telfraud-blocker/1',
          [SIGNATURE_HEADER]: signed.signature,
          [KEY_ID_HEADER]: signed.keyIds,
          [TARGET_HEADER]: target.id,
          [IDEMPOTENCY_HEADER]: idempotencyKey,
          [ATTEMPT_HEADER]: String(attempt),
          'x-telfraud-action': action,
        },
      });
      const text = (await res.text()).slice(0, 300);
      if ((res.status >= 200 && res.status < 300) || res.status === 409) return { kind: 'delivered', status: res.status, durationMs: elapsed() };
      const error = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
      if (RETRYABLE.has(res.status)) return { kind: 'retryable', status: res.status, error, retryAfterMs: retryAfterMs(res.headers.get('retry-after')), durationMs: elapsed() };
      return { kind: 'rejected', status: res.status, error, durationMs: elapsed() };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      const name = err instanceof Error ? err.name : '';
      const error = name === 'TimeoutError' ? `timeout after ${this.options.timeoutMs} ms` : cause?.code ?? (err instanceof Error ? err.message : String(err));
      return { kind: 'retryable', status: 0, error, retryAfterMs: undefined, durationMs: elapsed() };
    }
  }
}
