/**
 * `kill -9` of the blocker while a receiver is still refusing a block (503, retried): after the
 * restart the receiver gets the same action again, byte for byte (the body was fixed and
 * journaled when it was decided), its delivery-attempt header going on from where it was, even
 * though a second alert on the same entity (another rule, same block epoch, so the same
 * idempotency key) arrived meanwhile. The ClickHouse audit says exactly what the receiver applied.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockAction } from '../../services/blocker/src/core/decision.js';
import { SampleReceiver } from '../../services/blocker/src/sample-receiver.js';
import { BlockerRun, testAlert } from '../support/blocker-run.js';
import { requireStackEnv } from '../support/stack.js';
import { readTopic } from '../support/topic-reader.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();

describe('blocker killed with SIGKILL in the middle of a delivery', () => {
  const run = `blkcrash-${randomBytes(3).toString('hex')}`;
  const secret = `faults-secret-${run}-0123456789`;
  let blocker: BlockerRun;
  let receiver: SampleReceiver;
  let refusing = true;

  beforeAll(async () => {
    blocker = await BlockerRun.open(run, env);
    receiver = await SampleReceiver.start({ secret, refuse: () => (refusing ? 503 : undefined) });
  });

  afterAll(async () => {
    if (process.env['IT_SHOW_LOGS']) console.log(blocker?.logs());
    await blocker?.close();
    await receiver?.stop();
  });

  it('re-sends the journaled body byte for byte, the attempt count goes on, and the audit matches what the receiver applied', { timeout: 240_000 }, async () => {
    const start = (): Promise<unknown> => blocker.start({
      BLOCKER_DRY_RUN: 'false', BLOCKER_FROM_BEGINNING: 'true', BLOCKER_WEBHOOK_URLS: receiver.url, BLOCKER_WEBHOOK_SECRET: secret,
      BLOCKER_WEBHOOK_MAX_ATTEMPTS: '100', BLOCKER_WEBHOOK_RETRY_INITIAL_MS: '200', BLOCKER_WEBHOOK_RETRY_MAX_MS: '500', BLOCKER_WEBHOOK_TIMEOUT_MS: '5000',
    });
    const trunk = `${run}-trunk`;
    const ts = Date.now();
    const of = (entity: string): typeof receiver.requests => receiver.requests.filter((q) => q.action?.entity === entity);

    await start();
    await blocker.produce([testAlert(`${run}-a`, { entity: trunk, ts })]);
    // Mid-delivery: the receiver has refused at least two attempts, the blocker is retrying.
    await waitFor('two refused attempts at the receiver', async () => (of(trunk).length >= 2 ? true : undefined), 60_000);
    await blocker.kill();
    const beforeKill = of(trunk).length;

    // Meanwhile another rule fires on the same trunk with the same event time: same block, same key.
    await blocker.produce([testAlert(`${run}-b`, { entity: trunk, ts, rule_id: 'spoofing-campaign-trunk' })]);
    refusing = false;
    await start();
    await waitFor('the block applied by the receiver', async () => (of(trunk).some((q) => q.outcome === 'applied') ? true : undefined), 60_000);
    await blocker.drained();

    const requests = of(trunk);
    const keys = [...new Set(requests.map((q) => q.idempotencyKey))];
    expect(keys, 'one action, one idempotency key').toHaveLength(1);
    // Every body sent under the key is the same bytes.
    expect(new Set(requests.map((q) => q.rawBody)).size, requests.map((q) => q.rawBody).join('\n')).toBe(1);
    expect(requests.filter((q) => q.outcome === 'applied')).toHaveLength(1);
    // The attempt header goes on across the crash: strictly increasing, never back to 1.
    const attempts = requests.map((q) => q.attempt ?? 0);
    expect(attempts.slice(0, 2)).toEqual([1, 2]);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i], `attempts ${attempts.join(',')}`).toBeGreaterThan(attempts[i - 1] ?? 0);
    expect(requests.length).toBeGreaterThan(beforeKill);

    const body = requests[0]?.rawBody ?? '';
    const action = JSON.parse(body) as BlockAction;
    expect(action).toMatchObject({ action: 'block', entity: trunk, rule_id: 'dno-spoofed-cli-trunk', alert_id: `${run}-a` });

    // The audit: one acted decision for the trunk, the one the receiver applied, its delivery with the last attempt.
    const key = keys[0] ?? '';
    const deliveries = await blocker.rows(`SELECT decision_id, result, attempts FROM ${blocker.db.name}.block_deliveries FINAL WHERE idempotency_key = '${key}'`);
    expect(deliveries.map((d) => [d['result'], Number(d['attempts'])])).toEqual([['delivered', Math.max(...attempts)]]);
    const acted = await blocker.rows(`SELECT decision_id, ts, action, rule_id, alert_id, entity_type, entity, expires_at FROM ${blocker.db.name}.block_audit FINAL WHERE entity = '${trunk}' AND result = 'acted'`);
    expect(acted.map((r) => ({ ...r, ts: Number(r['ts']), expires_at: Number(r['expires_at']) }))).toEqual([{
      decision_id: deliveries[0]?.['decision_id'], ts: action.issued_at, action: action.action, rule_id: action.rule_id, alert_id: action.alert_id,
      entity_type: action.entity_type, entity: action.entity, expires_at: action.expires_at,
    }]);

    // The action topic publishes the same bytes once carried out.
    const published = (await readTopic(env, blocker.topics.actions)).filter((r) => r.headers['journal-entry'] === undefined && r.headers['idempotency-key'] === key);
    expect(published.map((r) => r.value?.toString('utf8'))).toEqual([body]);
  });
});
