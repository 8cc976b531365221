import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AvroTopicCodec } from '@telfraud/common';
import type { CallEvent } from '@telfraud/core';
import type { OutRecord } from './kafka.js';

/** The first `limit` call events of a generator calls.jsonl, parsed. */
export async function* readCallEvents(file: string, limit = Number.POSITIVE_INFINITY): AsyncGenerator<CallEvent> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    if (n >= limit) break;
    if (line.trim() === '') continue;
    n++;
    yield JSON.parse(line) as CallEvent;
  }
  rl.close();
}

/** Call events as the generator's Kafka sink writes them: keyed by call_id, Avro in the registry wire format. */
export async function* asCallRecords(events: AsyncIterable<CallEvent>, codec: AvroTopicCodec<CallEvent>): AsyncGenerator<OutRecord> {
  for await (const e of events) yield { key: e.call_id, value: codec.encode(e) };
}
