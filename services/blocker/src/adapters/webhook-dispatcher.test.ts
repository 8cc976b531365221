import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@telfraud/common';
import { BlockerCore } from '../core/blocker-core.js';
import type { BlockAction } from '../core/decision.js';
import { alert, testPolicy } from '../core/fixtures.test-support.js';
import { SampleReceiver } from '../sample-receiver.js';
import { targetsFromUrls } from '../webhook-targets.js';
import { WebhookClient } from './webhook-client.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { StoppingError } from './retry.js';

const SECRET = 'unit-secret-0123456789';
const logger = createLogger({ write: () => undefined });
const receivers: SampleReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

function blockAction(entity = 'nl-voip-03'): BlockAction {
  const [plan] = new BlockerCore(testPolicy(), { dryRun: false, breakerMaxPerMinute: 10 }).onAlert(alert({ entity, ts: Date.now() }), Date.now());
  if (!plan?.action) throw new Error('no action');
  return plan.action;
}

async function receiver(refuse?: (a: BlockAction) => number | undefined): Promise<SampleReceiver> {
  const r = await SampleReceiver.start({ secret: SECRET, ...(refuse ? { refuse } : {}) });
  receivers.push(r);
  return r;
}

/**
 * No test here is about slow receivers: a request timing out on a loaded machine would be retried
 * and counted as a second attempt, so the timeout is far above any loopback round trip.
 */
const REQUEST_TIMEOUT_MS = 30_000;

function dispatcher(targets: string[], maxAttempts = 5, secret = SECRET): WebhookDispatcher {
  return new WebhookDispatcher({
    targets,
    client: new WebhookClient({ targets: targetsFromUrls(targets, secret), timeoutMs: REQUEST_TIMEOUT_MS, now: Date.now }),
    maxAttempts, retryInitialMs: 20, retryMaxMs: 100, logger, random: () => 0.5,
  });
}

describe('WebhookDispatcher with the sample receiver', () => {
  it('delivers a signed action to every target, once each', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const action = blockAction();
    const results = await dispatcher([a.url, b.url]).deliver(action, new AbortController().signal);
    expect(results.map((r) => [r.delivered, r.attempts, r.status])).toEqual([[true, 1, 200], [true, 1, 200]]);
    for (const r of [a, b]) {
      expect(r.actions).toEqual([action]);
      expect(r.requests[0]?.idempotencyKey).toBe(action.idempotency_key);
    }
  });

  it('retries a target that is down until it comes back, and it applies the action once', async () => {
    const r = await receiver();
    await r.stop();
    const action = blockAction();
    const delivering = dispatcher([r.url], 50).deliver(action, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await r.restart();
    const [result] = await delivering;
    expect(result?.delivered).toBe(true);
    expect(result?.attempts).toBeGreaterThan(1);
    expect(r.actions).toEqual([action]);
  });

  it('gives up at once on a permanent rejection, and after the last try on a server error', async () => {
    const refusing = await receiver(() => 400);
    const failing = await receiver(() => 503);
    const results = await dispatcher([refusing.url, failing.url], 3).deliver(blockAction(), new AbortController().signal);
    expect(results.map((r) => [r.delivered, r.attempts, r.status])).toEqual([[false, 1, 400], [false, 3, 503]]);
  });

  it('is refused by a receiver with another secret (401, not retried)', async () => {
    const r = await receiver();
    const [result] = await dispatcher([r.url], 3, 'wrong-secret-0123456789').deliver(blockAction(), new AbortController().signal);
    expect(result).toMatchObject({ delivered: false, attempts: 1, status: 401 });
    expect(r.requests.map((q) => q.outcome)).toEqual(['mismatch']);
  });

  it('a stop interrupts the back-off', async () => {
    const r = await receiver();
    await r.stop();
    const stop = new AbortController();
    const delivering = dispatcher([r.url], 100).deliver(blockAction(), stop.signal);
    setTimeout(() => stop.abort(), 100);
    await expect(delivering).rejects.toBeInstanceOf(StoppingError);
  });

  it('counts a repeated delivery of the same key as a duplicate at the receiver', async () => {
    const r = await receiver();
    const action = blockAction('dup');
    const d = dispatcher([r.url]);
    await d.deliver(action, new AbortController().signal);
    const [again] = await d.deliver(action, new AbortController().signal);
    expect(again?.delivered).toBe(true);
    expect(r.requests.map((q) => q.outcome)).toEqual(['applied', 'duplicate']);
  });

  it('a resumed delivery sends the journaled body as it is, its attempt count going on from the journal', async () => {
    let refusing = true;
    const r = await receiver(() => (refusing ? 503 : undefined));
    const action = blockAction('resumed');
    const body = JSON.stringify(action);
    const noted: number[] = [];
    const d = dispatcher([r.url], 3);
    const [first] = await d.deliver(action, new AbortController().signal, { body, beforeAttempt: async (_t, n) => void noted.push(n) });
    expect(first).toMatchObject({ delivered: false, attempts: 3 });
    refusing = false;
    // After a restart: the journal says 3 attempts were made; the budget is spent, one more try is made anyway.
    const [again] = await d.deliver(action, new AbortController().signal, { body, attemptsMade: () => 3, beforeAttempt: async (_t, n) => void noted.push(n) });
    expect(again).toMatchObject({ delivered: true, attempts: 4 });
    expect(r.requests.map((q) => [q.attempt, q.outcome])).toEqual([[1, 'refused'], [2, 'refused'], [3, 'refused'], [4, 'applied']]);
    expect(new Set(r.requests.map((q) => q.rawBody))).toEqual(new Set([body]));
    expect(noted).toEqual([2, 3, 4]);
  });
});
