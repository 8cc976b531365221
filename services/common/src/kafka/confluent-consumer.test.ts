import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { ConsumerOptions } from './kafka-port.js';
import { ConfluentConsumer, type ConfluentModule } from './confluent-consumer.js';
import type { StartPositions } from './kafkajs-consumer.js';

const ASSIGN = -175;
const REVOKE = -174;

type RebalanceCb = (err: { code: number }, assignment: { topic: string; partition: number }[]) => Promise<unknown>;
interface Payload {
  batch: {
    topic: string; partition: number; messages: { offset: string; key: null; value: Buffer; timestamp: string }[];
    lastOffset(): string; offsetLag(): string;
  };
  resolveOffset(o: string): void; heartbeat(): Promise<void>; isRunning(): boolean; isStale(): boolean;
}

/** Just enough of the package: the consumer's rebalance callback and batches are driven by the test. */
function fakeModule() {
  const calls: string[] = [];
  let rebalance: RebalanceCb | undefined;
  let eachBatch: ((p: Payload) => Promise<void>) | undefined;
  let config: Record<string, unknown> = {};
  const consumer = {
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (r: { eachBatch: (p: Payload) => Promise<void> }) => {
      eachBatch = r.eachBatch;
    },
    commitOffsets: async (offsets: { topic: string; partition: number; offset: string }[]) => {
      calls.push(...offsets.map((o) => `commit ${o.topic}/${o.partition}@${o.offset}`));
    },
    seek: (tpo: { topic: string; partition: number; offset: string }) => calls.push(`seek ${tpo.topic}/${tpo.partition}@${tpo.offset}`),
    pause: () => undefined,
    resume: () => undefined,
    disconnect: async () => undefined,
  };
  class Kafka {
    consumer(c: Record<string, unknown>) {
      config = c;
      rebalance = c['rebalance_cb'] as RebalanceCb;
      return consumer;
    }
  }
  const module: ConfluentModule = {
    KafkaJS: { Kafka, logLevel: { WARN: 2 } },
    CODES: { ERRORS: { ERR__ASSIGN_PARTITIONS: ASSIGN, ERR__REVOKE_PARTITIONS: REVOKE } },
  };
  const batch = async (topic: string, partition: number, from: number, n: number): Promise<void> => {
    const messages = Array.from({ length: n }, (_, i) => ({ offset: String(from + i), key: null, value: Buffer.from('x'), timestamp: '0' }));
    await eachBatch?.({
      batch: { topic, partition, messages, lastOffset: () => String(from + n - 1), offsetLag: () => '0' },
      resolveOffset: () => undefined, heartbeat: async () => undefined, isRunning: () => true, isStale: () => false,
    });
  };
  const assign = (topic: string, partitions: number[]) => rebalance!({ code: ASSIGN }, partitions.map((partition) => ({ topic, partition })));
  const revoke = (topic: string, partitions: number[]) => rebalance!({ code: REVOKE }, partitions.map((partition) => ({ topic, partition })));
  return { module, calls, batch, assign, revoke, config: () => config };
}

const logger = createLogger({ write: () => undefined });
const connection = { brokers: ['b:9092'], clientId: 't', ssl: false, sasl: undefined, fetchMaxWaitMs: 20 };

function starts(uncommitted: Record<number, string>): StartPositions {
  return {
    uncommitted: async (_g, _t, partitions) => partitions
      .filter((p) => uncommitted[p] !== undefined)
      .map((p) => ({ partition: p, offset: uncommitted[p]! })),
  };
}

async function started(options: Partial<ConsumerOptions>, uncommitted: Record<number, string> = {}) {
  const fake = fakeModule();
  const handled: string[] = [];
  const consumer = new ConfluentConsumer(fake.module, connection, { groupId: 'g', topics: ['t'], ...options }, logger, starts(uncommitted));
  const running = consumer.run(async (b) => void handled.push(`${b.partition}@${b.records[0]?.offset}`));
  // run() resolves once the group is joined: the first assignment.
  await new Promise((resolve) => setImmediate(resolve));
  const alternate = await fake.assign('t', [0, 1]);
  await running;
  return { fake, consumer, handled, alternate };
}

describe('ConfluentConsumer', () => {
  it('commits a new group\'s starting positions at assignment and starts reading there', async () => {
    const { fake, alternate } = await started({ fromBeginning: true }, { 1: '5' });
    expect(fake.calls).toEqual(['commit t/1@5']);
    expect(alternate).toEqual([{ topic: 't', partition: 0 }, { topic: 't', partition: 1, offset: 5 }]);
    expect(fake.config()['js.consumer.max.batch.size']).toBe(-1);
  });

  it('commits each handled batch past the committed position, never moving it back after a seek', async () => {
    const { fake, consumer, handled } = await started({});
    await fake.batch('t', 0, 0, 3);
    expect(handled).toEqual(['0@0']);
    expect(fake.calls).toEqual(['commit t/0@3']);
    consumer.seek('t', 0, 1);
    await fake.batch('t', 0, 1, 2);
    expect(fake.calls).toEqual(['commit t/0@3', 'seek t/0@1']);
    await fake.batch('t', 0, 3, 2);
    expect(fake.calls.at(-1)).toBe('commit t/0@5');
  });

  it('deferred commits: only processed positions, committed on demand, and skipped after a rebalance', async () => {
    const { fake, consumer } = await started({ deferCommits: true });
    await fake.batch('t', 0, 0, 3);
    await fake.batch('t', 1, 10, 2);
    expect(fake.calls).toEqual([]);
    const positions = consumer.processedPositions();
    expect(positions.offsets).toEqual([{ topic: 't', partition: 0, offset: '3' }, { topic: 't', partition: 1, offset: '12' }]);
    await consumer.commitPositions(positions);
    expect(fake.calls).toEqual(['commit t/0@3', 'commit t/1@12']);
    await fake.batch('t', 0, 3, 1);
    const before = consumer.processedPositions();
    await fake.revoke('t', [0, 1]);
    await fake.assign('t', [1]);
    await consumer.commitPositions(before);
    expect(fake.calls).toEqual(['commit t/0@3', 'commit t/1@12']);
  });
});
