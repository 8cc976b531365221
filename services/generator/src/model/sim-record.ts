import type { CallEvent, SmsEvent } from '@telfraud/core';

/** The Kafka topic each record belongs to; also the `topic` label of the service's metrics. */
export type TopicName = 'call-events' | 'sms-events';

/** One record the model produces, before delivery perturbation decides when it arrives. */
export type SimRecord = { topic: 'call-events'; event: CallEvent } | { topic: 'sms-events'; event: SmsEvent };

/**
 * Deterministic ids: a run tag (seed and start time) plus a scenario tag plus a counter. Counters
 * rather than random ids make uniqueness certain, and the run tag keeps two runs (or a restarted
 * service) from reusing ids the detector would then drop as duplicates.
 */
export class IdFactory {
  private calls = 0;
  private sms = 0;

  constructor(private readonly prefix: string) {}

  nextCallId(): string {
    return `${this.prefix}-c${(this.calls++).toString(36)}`;
  }

  nextSmsId(): string {
    return `${this.prefix}-m${(this.sms++).toString(36)}`;
  }
}

export function smsRecord(ids: IdFactory, ts: number, sender: string, recipient: string, category: SmsEvent['category']): SimRecord {
  return { topic: 'sms-events', event: { event_id: ids.nextSmsId(), ts, sender, recipient_number: recipient, category } };
}
