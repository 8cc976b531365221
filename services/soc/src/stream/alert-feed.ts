import type { Logger } from '@telfraud/common';
import type { AlertItem } from '../store/alert-rows.js';

/** What the feed needs from the store (a fake in unit tests). */
export interface ChangeSource {
  serverNowSeconds(): Promise<number>;
  changedSince(sinceSeconds: number, limit: number): Promise<{ ids: string[]; newest: number }>;
  alertsById(ids: readonly string[]): Promise<AlertItem[]>;
}

export interface AlertFeedOptions {
  pollMs: number;
  logger: Logger;
  /** Seconds re-read before the newest change seen: inserted_at has 1 s resolution and writers' clocks may lag a little. */
  overlapSeconds?: number;
  batchLimit?: number;
  onPoll?: (result: 'ok' | 'error') => void;
}

type Listener = (item: AlertItem) => void;

const signature = (a: AlertItem): string => `${a.version}|${a.triaged_at ?? 0}|${a.status}|${a.assignee ?? ''}|${a.verdict ?? ''}`;

/**
 * One poller shared by every live stream: while anybody listens, every `pollMs` it asks ClickHouse
 * which alerts were inserted or triaged since its watermark (minus an overlap), reads them, and
 * hands each listener the alerts whose version or triage state differs from what it last sent
 * (the overlap re-reads; the signatures drop what was already sent).
 */
export class AlertFeed {
  private readonly listeners = new Set<Listener>();
  private readonly sent = new Map<string, { sig: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private watermark: number | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;
  private failing = false;

  constructor(private readonly source: ChangeSource, private readonly options: AlertFeedOptions) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Starts the poller with the first listener; returns the unsubscribe function (the last one stops it). */
  subscribe(listener: Listener): () => void {
    if (this.closed) return () => undefined;
    this.listeners.add(listener);
    if (!this.timer) this.schedule();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.idle();
    };
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        if (this.listeners.size > 0 && !this.closed) this.schedule();
      });
    }, this.watermark === undefined ? 0 : this.options.pollMs);
  }

  private idle(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watermark = undefined;
    this.sent.clear();
  }

  /** One round; exposed for tests. */
  async poll(): Promise<void> {
    const overlap = this.options.overlapSeconds ?? 5;
    try {
      this.watermark ??= await this.source.serverNowSeconds();
      const since = this.watermark - overlap;
      const changed = await this.source.changedSince(since, this.options.batchLimit ?? 1_000);
      const items = changed.ids.length === 0 ? [] : await this.source.alertsById(changed.ids);
      for (const item of items.sort((a, b) => a.ts - b.ts || (a.alert_id < b.alert_id ? -1 : 1))) {
        const sig = signature(item);
        if (this.sent.get(item.alert_id)?.sig === sig) continue;
        this.sent.set(item.alert_id, { sig, at: changed.newest });
        for (const l of this.listeners) l(item);
      }
      this.watermark = Math.max(this.watermark, changed.newest);
      // What falls out of the overlap is never re-read, so its signature is no longer needed.
      for (const [id, s] of this.sent) if (s.at < this.watermark - overlap) this.sent.delete(id);
      if (this.failing) this.options.logger.info('live alert poll works again');
      this.failing = false;
      this.options.onPoll?.('ok');
    } catch (err) {
      this.options.onPoll?.('error');
      // Once per outage, not once per poll (soc_feed_polls_total{result="error"} counts every one).
      if (!this.failing) this.options.logger.warn('live alert poll failed; retrying every poll', { err });
      this.failing = true;
    }
  }

  /** Stops polling; waits for a round in flight. Listeners are ended by their streams' own abort. */
  async close(): Promise<void> {
    this.closed = true;
    this.idle();
    await this.polling;
  }
}
