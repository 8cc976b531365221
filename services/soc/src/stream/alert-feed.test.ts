import { createLogger } from '@telfraud/common';
import { describe, expect, it, vi } from 'vitest';
import type { AlertItem } from '../store/alert-rows.js';
import { AlertFeed, type ChangeSource } from './alert-feed.js';

const item = (id: string, patch: Partial<AlertItem> = {}): AlertItem => ({
  alert_id: id, rule_id: 'r', severity: 'HIGH', entity_type: 'ingress_trunk', entity: 't', window_start: 0, window_end: 1, ts: 1, value: 1, threshold: 1,
  summary: '', version: 1, status: 'open', assignee: null, verdict: null, triaged_at: null, victims: 0, ...patch,
});

/** A scripted ClickHouse: alerts with the second they last changed (inserted_at). */
class FakeSource implements ChangeSource {
  now = 100;
  readonly rows = new Map<string, { item: AlertItem; at: number }>();
  readonly asked: number[] = [];
  fail = false;

  put(a: AlertItem, at: number): void {
    this.rows.set(a.alert_id, { item: a, at });
  }

  serverNowSeconds(): Promise<number> {
    return Promise.resolve(this.now);
  }

  changedSince(since: number): Promise<{ ids: string[]; newest: number }> {
    if (this.fail) return Promise.reject(new Error('ClickHouse down'));
    this.asked.push(since);
    const hit = [...this.rows.values()].filter((r) => r.at >= since);
    return Promise.resolve({ ids: hit.map((r) => r.item.alert_id), newest: hit.reduce((m, r) => Math.max(m, r.at), 0) });
  }

  alertsById(ids: readonly string[]): Promise<AlertItem[]> {
    return Promise.resolve(ids.map((id) => this.rows.get(id)!.item));
  }
}

const quiet = createLogger({ level: 'error', write: () => undefined });

describe('AlertFeed', () => {
  it('sends new and changed alerts once each, despite the overlap re-reading them', async () => {
    const source = new FakeSource();
    const polls: string[] = [];
    const feed = new AlertFeed(source, { pollMs: 60_000, logger: quiet, overlapSeconds: 5, onPoll: (r) => polls.push(r) });
    const got: string[] = [];
    const unsubscribe = feed.subscribe((a) => got.push(`${a.alert_id}:v${a.version}:${a.status}`));
    // The first listener starts the poller at once; the next round is pollMs (a minute) away.
    await vi.waitFor(() => expect(polls).toEqual(['ok']));
    expect(source.asked).toEqual([95]);
    expect(got).toEqual([]);

    source.put(item('a', { ts: 10 }), 101);
    source.put(item('b', { ts: 5 }), 101);
    await feed.poll();
    expect(got).toEqual(['b:v1:open', 'a:v1:open']);

    await feed.poll();
    await feed.poll();
    expect(got).toHaveLength(2);

    source.put(item('a', { ts: 10, version: 2 }), 103);
    await feed.poll();
    source.put(item('b', { ts: 5, status: 'closed', verdict: 'benign', triaged_at: 7 }), 104);
    await feed.poll();
    expect(got).toEqual(['b:v1:open', 'a:v1:open', 'a:v2:open', 'b:v1:closed']);
    await feed.poll();
    expect(source.asked.at(-1)).toBe(104 - 5);
    expect(polls.every((p) => p === 'ok')).toBe(true);
    unsubscribe();
    await feed.close();
  });

  it('survives a failed poll and carries on from the same watermark', async () => {
    const source = new FakeSource();
    const polls: string[] = [];
    const feed = new AlertFeed(source, { pollMs: 60_000, logger: quiet, onPoll: (r) => polls.push(r) });
    const got: string[] = [];
    feed.subscribe((a) => got.push(a.alert_id));
    await vi.waitFor(() => expect(polls).toEqual(['ok']));
    source.fail = true;
    source.put(item('late'), 102);
    await feed.poll();
    source.fail = false;
    await feed.poll();
    expect(polls).toEqual(['ok', 'error', 'ok']);
    expect(got).toEqual(['late']);
    await feed.close();
  });

  it('polls on its own while somebody listens and stops with the last listener', async () => {
    const source = new FakeSource();
    const feed = new AlertFeed(source, { pollMs: 20, logger: quiet });
    source.put(item('x'), 100);
    const seen = new Promise<string>((resolve) => {
      const off = feed.subscribe((a) => {
        off();
        resolve(a.alert_id);
      });
    });
    expect(await seen).toBe('x');
    expect(feed.listenerCount).toBe(0);
    const asked = source.asked.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(source.asked.length).toBe(asked);
    await feed.close();
  });
});
