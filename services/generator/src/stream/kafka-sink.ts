import type { CallEvent, SmsEvent } from '@telfraud/core';
import type { AvroTopicCodec, MessageProducer, OutgoingRecord } from '@telfraud/common';
import type { Emission } from '../model/traffic-engine.js';
import type { EmissionSink } from './realtime-pump.js';

export interface KafkaSinkOptions {
  producer: MessageProducer;
  callCodec: AvroTopicCodec<CallEvent>;
  smsCodec: AvroTopicCodec<SmsEvent>;
  callTopic: string;
  smsTopic: string;
}

/**
 * Avro-encodes a batch in the registry wire format and produces it: call events keyed by call_id
 * (a call's events stay in one partition, in order), SMS keyed by recipient_number (as the contract
 * says, so a recipient's texts can be joined with calls to that number).
 */
export class KafkaEmissionSink implements EmissionSink {
  constructor(private readonly options: KafkaSinkOptions) {}

  async send(batch: readonly Emission[]): Promise<void> {
    const calls: OutgoingRecord[] = [];
    const sms: OutgoingRecord[] = [];
    for (const e of batch) {
      if (e.topic === 'call-events') calls.push({ key: e.event.call_id, value: this.options.callCodec.encode(e.event) });
      else sms.push({ key: e.event.recipient_number, value: this.options.smsCodec.encode(e.event) });
    }
    await Promise.all([
      this.options.producer.send(this.options.callTopic, calls),
      this.options.producer.send(this.options.smsTopic, sms),
    ]);
  }
}
