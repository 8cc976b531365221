import { describe, expect, it } from 'vitest';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { createLogger } from '../logger.js';
import type { ConsumedBatch, ConsumerOptions } from './kafka-port.js';
import { KafkajsConsumer, type StartPositions } from './kafkajs-consumer.js';

type Listener = (event: { payload: unknown }) => void;

/** Just enough of a kafkajs consumer: run() joins (GROUP_JOIN) and returns; batches are handed in by the test. */
function fakeKafkajs(assignment: Record<string, number[]>, commitGate?: () => Promise<void>) {
  const calls: string[] = [];
  const listeners = new Map<string, Listener>();
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  let runConfig: { partitionsConsumedConcurrently?: number } | undefined;
  const seeks = new Set<string>();
  let running = true;
  const consumer = {
    events: { GROUP_JOIN: 'group_join', CRASH: 'crash' },
    on: (event: string, fn: Listener) => void listeners.set(event, fn),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: (p: EachBatchPayload) => Promise<void>; partitionsConsumedConcurrently?: number }) => {
      eachBatch = config.eachBatch;
      runConfig = config;
      listeners.get('group_join')?.({ payload: { memberAssignment: assignment } });
    },
    commitOffsets: async (offsets: { topic: string; partition: number; offset: string }[]) => {
      calls.push(...offsets.map((o) => `commit ${o.topic}/${o.partition}@${o.offset}`));
    },
    seek: ({ topic, partition, offset }: { topic: string; partition: number; offset: string }) => {
      calls.push(`seek ${topic}/${partition}@${offset}`);
      seeks.add(`${topic}/${partition}`);
    },
    stop: async () => void calls.push('stop'),
    disconnect: async () => void calls.push('disconnect'),
    pause: (topics: { topic: string }[]) => void calls.push(`pause ${topics.map((t) => t.topic).join(',')}`),
    resume: (topics: { topic: string }[]) => void calls.push(`resume ${topics.map((t) => t.topic).join(',')}`),
  } as unknown as Consumer;
  /** A batch of offsets `from`..`from + n - 1`, as kafkajs would hand it (stale while a seek is pending). */
  const batch = async (topic: string, partition: number, from: number, n: number, headers: Record<string, unknown> = {}): Promise<void> => {
    const messages = Array.from({ length: n }, (_, i) => ({ offset: String(from + i), key: null, value: Buffer.from('x'), headers, timestamp: String(1_000 + i) }));
    const key = `${topic}/${partition}`;
    await eachBatch?.({
      batch: { topic, partition, messages, lastOffset: () => String(from + n - 1), offsetLag: () => '0' },
      heartbeat: async () => undefined, isRunning: () => running, isStale: () => seeks.has(key),
      resolveOffset: () => undefined, uncommittedOffsets: () => ({ topics: [{ topic, partitions: [{ partition, offset: String(from + n) }] }] }),
      commitOffsetsIfNecessary: async (o: { topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }) => {
        for (const t of o.topics) for (const p of t.partitions) calls.push(`commit ${t.topic}/${p.partition}@${p.offset}`);
        if (!commitGate) return;
        await commitGate();
        for (const t of o.topics) for (const p of t.partitions) calls.push(`committed ${t.topic}/${p.partition}@${p.offset}`);
      },
    } as unknown as EachBatchPayload);
  };
  /** kafkajs applies a pending seek at the next fetch. */
  const fetched = (topic: string, partition: number): boolean => seeks.delete(`${topic}/${partition}`);
  /** A rebalance: kafkajs announces the (new) assignment again. */
  const rejoin = (next: Record<string, number[]>): void => listeners.get('group_join')?.({ payload: { memberAssignment: next } });
  /** kafkajs reports a crash (`restart`: it restarts the consumer itself). */
  const crash = (error: Error, restart: boolean): void => listeners.get('crash')?.({ payload: { error, restart } });
  const stopRunning = (): void => void (running = false);
  return { consumer, calls, batch, fetched, rejoin, crash, stopRunning, runConfig: () => runConfig };
}

const logger = createLogger({ write: () => undefined });

function starts(ends: Record<number, { low: string; high: string; committed: number }>, calls: string[]): StartPositions {
  return {
    uncommitted: async (_group, topic, partitions, fromBeginning) => {
      calls.push(`look up ${topic}`);
      return partitions.filter((p) => (ends[p]?.committed ?? -1) < 0).map((p) => ({ partition: p, offset: fromBeginning ? ends[p]?.low ?? '0' : ends[p]?.high ?? '0' }));
    },
  };
}

describe('KafkajsConsumer: partitions a group never committed', () => {
  const options = (patch: Partial<ConsumerOptions> = {}): ConsumerOptions => ({ groupId: 'g', topics: ['t'], ...patch });

  it('commits their starting position on assignment, before announcing it and before processing anything', async () => {
    const k = fakeKafkajs({ t: [0, 1] });
    const handled: ConsumedBatch[] = [];
    const consumer = new KafkajsConsumer(k.consumer, options({ onAssignment: () => void k.calls.push('assigned') }), logger,
      starts({ 0: { low: '3', high: '10', committed: -1 }, 1: { low: '0', high: '7', committed: 5 } }, k.calls));
    await consumer.run(async (b) => void handled.push(b));
    // Partition 1 has a committed offset: left alone. Partition 0 starts at the log end, committed and sought there.
    expect(k.calls).toEqual(['look up t', 'commit t/0@10', 'seek t/0@10', 'assigned']);

    // A batch kafkajs fetched before the seek took effect (from a later end) is dropped, and read again from 10.
    await k.batch('t', 0, 12, 2);
    expect(handled).toEqual([]);
    expect(k.fetched('t', 0)).toBe(true);
    await k.batch('t', 0, 10, 4);
    expect(handled.map((b) => b.records.map((r) => r.offset))).toEqual([['10', '11', '12', '13']]);
    expect(k.calls.at(-1)).toBe('commit t/0@14');
  });

  it('starts a group reading from the beginning at the log start', async () => {
    const k = fakeKafkajs({ t: [0] });
    const consumer = new KafkajsConsumer(k.consumer, options({ fromBeginning: true }), logger, starts({ 0: { low: '3', high: '10', committed: -1 } }, k.calls));
    await consumer.run(async () => undefined);
    expect(k.calls).toEqual(['look up t', 'commit t/0@3', 'seek t/0@3']);
  });

  it('a reader that never commits commits no start either', async () => {
    const k = fakeKafkajs({ t: [0] });
    const consumer = new KafkajsConsumer(k.consumer, options({ autoCommit: false, onAssignment: () => void k.calls.push('assigned') }), logger,
      starts({ 0: { low: '0', high: '10', committed: -1 } }, k.calls));
    await consumer.run(async () => undefined);
    expect(k.calls).toEqual(['assigned']);
  });

  it('a start that could not be committed is tried again before the first batch is processed', async () => {
    const k = fakeKafkajs({ t: [0] });
    let failures = 1;
    const handled: string[] = [];
    const flaky: StartPositions = {
      uncommitted: async () => {
        if (failures-- > 0) throw new Error('REBALANCE_IN_PROGRESS');
        return [{ partition: 0, offset: '4' }];
      },
    };
    const consumer = new KafkajsConsumer(k.consumer, options(), logger, flaky);
    await consumer.run(async (b) => void handled.push(...b.records.map((r) => r.offset)));
    expect(k.calls).toEqual([]);
    await k.batch('t', 0, 4, 1);
    expect(k.calls).toEqual(['commit t/0@4', 'seek t/0@4']);
    expect(handled).toEqual([]);
    k.fetched('t', 0);
    await k.batch('t', 0, 4, 1);
    expect(handled).toEqual(['4']);
  });
});

describe('KafkajsConsumer: deferred commits', () => {
  const committed = { 0: { low: '0', high: '0', committed: 0 }, 1: { low: '0', high: '0', committed: 0 } };

  it('commits nothing when a handler resolves, then exactly a snapshot\'s positions when asked', async () => {
    const k = fakeKafkajs({ t: [0, 1] });
    const consumer = new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'], deferCommits: true }, logger, starts(committed, k.calls));
    await consumer.run(async () => undefined);
    await k.batch('t', 0, 0, 3);
    await k.batch('t', 1, 0, 2);
    expect(k.calls.filter((c) => c.startsWith('commit'))).toEqual([]);
    const mark = consumer.processedPositions();
    // A batch handled after the snapshot is not in it: its rows were not stored with the snapshot's.
    await k.batch('t', 0, 3, 4);
    await consumer.commitPositions(mark);
    expect(k.calls.filter((c) => c.startsWith('commit'))).toEqual(['commit t/0@3', 'commit t/1@2']);
    // Committing the same snapshot again sends nothing; a later one only what moved.
    await consumer.commitPositions(mark);
    await consumer.commitPositions(consumer.processedPositions());
    expect(k.calls.filter((c) => c.startsWith('commit'))).toEqual(['commit t/0@3', 'commit t/1@2', 'commit t/0@7']);
  });

  it('skips a snapshot taken before a rebalance', async () => {
    const k = fakeKafkajs({ t: [0, 1] });
    const consumer = new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'], deferCommits: true }, logger, starts(committed, k.calls));
    await consumer.run(async () => undefined);
    await k.batch('t', 0, 0, 3);
    const before = consumer.processedPositions();
    k.rejoin({ t: [1] });
    await consumer.commitPositions(before);
    expect(k.calls.filter((c) => c.startsWith('commit'))).toEqual([]);
    expect(consumer.processedPositions().offsets).toEqual([]);
  });
});

describe('KafkajsConsumer: batches handled at once', () => {
  it('hands kafkajs the number of partitions whose batches may be handled at once, one by default', async () => {
    const one = fakeKafkajs({ t: [0] });
    await new KafkajsConsumer(one.consumer, { groupId: 'g', topics: ['t'], autoCommit: false }, logger, starts({}, one.calls)).run(async () => undefined);
    expect(one.runConfig()?.partitionsConsumedConcurrently).toBe(1);
    const three = fakeKafkajs({ t: [0] });
    await new KafkajsConsumer(three.consumer, { groupId: 'g', topics: ['t'], autoCommit: false, concurrentBatches: 3 }, logger, starts({}, three.calls)).run(async () => undefined);
    expect(three.runConfig()?.partitionsConsumedConcurrently).toBe(3);
  });
});

describe('KafkajsConsumer: committing what was handled', () => {
  const committed = { 0: { low: '0', high: '0', committed: 0 } };
  const commits = (calls: string[]): string[] => calls.filter((c) => c.startsWith('commit '));

  it('hands the handler the batch as records (headers as strings, broker timestamps, lag), then commits the next offset', async () => {
    const k = fakeKafkajs({ t: [0] });
    const seen: ConsumedBatch[] = [];
    await new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'] }, logger, starts(committed, k.calls)).run(async (b) => void seen.push(b));
    await k.batch('t', 0, 0, 2, { route: Buffer.from('ingress_trunk'), many: [Buffer.from('first'), Buffer.from('second')] });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.records.map((r) => [r.topic, r.partition, r.offset, r.timestamp, r.headers])).toEqual([
      ['t', 0, '0', 1_000, { route: 'ingress_trunk', many: 'first' }],
      ['t', 0, '1', 1_001, { route: 'ingress_trunk', many: 'first' }],
    ]);
    expect(seen[0]!.lag).toBe(0);
    expect(commits(k.calls)).toEqual(['commit t/0@2']);
  });

  it('hands over the next batch while the previous one\'s commit travels; close() commits what was handled before stopping', async () => {
    let open: () => void = () => undefined;
    const gate = (): Promise<void> => new Promise<void>((resolve) => (open = resolve));
    const k = fakeKafkajs({ t: [0] }, gate);
    const handled: string[] = [];
    const consumer = new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'] }, logger, starts(committed, k.calls));
    await consumer.run(async (b) => void handled.push(b.records[0]!.offset));
    await k.batch('t', 0, 0, 2);
    await k.batch('t', 0, 2, 3);
    // The first commit has not completed, yet the second batch was handled; its position waits for the next commit.
    expect(handled).toEqual(['0', '2']);
    expect(k.calls.filter((c) => c.startsWith('commit'))).toEqual(['commit t/0@2']);
    const closing = consumer.close();
    open();
    await new Promise((resolve) => setImmediate(resolve));
    open();
    await closing;
    expect(k.calls.filter((c) => !c.startsWith('look up'))).toEqual(['commit t/0@2', 'committed t/0@2', 'commit t/0@5', 'committed t/0@5', 'stop', 'disconnect']);
  });

  it('commits nothing for a batch whose handler failed, and passes the failure on (kafkajs retries the batch)', async () => {
    const k = fakeKafkajs({ t: [0] });
    await new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'] }, logger, starts(committed, k.calls)).run(async () => {
      throw new Error('producer down');
    });
    await expect(k.batch('t', 0, 0, 3)).rejects.toThrow('producer down');
    expect(commits(k.calls)).toEqual([]);
  });

  it('never moves the committed position back when a partition is rewound, and commits again once reading passes it', async () => {
    const k = fakeKafkajs({ t: [0] });
    const consumer = new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'] }, logger, starts(committed, k.calls));
    await consumer.run(async () => undefined);
    await k.batch('t', 0, 10, 5);
    consumer.seek('t', 0, 0);
    k.fetched('t', 0);
    await k.batch('t', 0, 0, 5);
    await k.batch('t', 0, 5, 5);
    await k.batch('t', 0, 10, 10);
    expect(commits(k.calls)).toEqual(['commit t/0@15', 'commit t/0@20']);
  });

  it('does not commit a batch sought elsewhere while it was handled, nor hand over batches once stopped', async () => {
    const k = fakeKafkajs({ t: [0] });
    let handled = 0;
    const consumer = new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'] }, logger, starts(committed, k.calls));
    await consumer.run(async () => {
      handled++;
      if (handled === 1) consumer.seek('t', 0, 0);
    });
    await k.batch('t', 0, 0, 5);
    expect(commits(k.calls)).toEqual([]);
    k.fetched('t', 0);
    k.stopRunning();
    await k.batch('t', 0, 0, 5);
    expect(handled).toBe(1);
    expect(commits(k.calls)).toEqual([]);
  });
});

describe('KafkajsConsumer: crashes, pausing and closing', () => {
  it('reports a crash kafkajs does not restart from, and only that one', async () => {
    const k = fakeKafkajs({ t: [0] });
    const crashes: string[] = [];
    await new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'], onCrash: (err) => void crashes.push(err.message) }, logger, starts({}, k.calls)).run(async () => undefined);
    k.crash(new Error('retriable'), true);
    k.crash(new Error('fatal'), false);
    expect(crashes).toEqual(['fatal']);
  });

  it('pauses and resumes whole topics', () => {
    const k = fakeKafkajs({ t: [0] });
    const consumer = new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t', 'u'] }, logger, starts({}, k.calls));
    consumer.pause(['t', 'u']);
    consumer.resume(['u']);
    expect(k.calls).toEqual(['pause t,u', 'resume u']);
  });

  it('stops, then disconnects, once however often it is closed', async () => {
    const k = fakeKafkajs({ t: [0] });
    const consumer = new KafkajsConsumer(k.consumer, { groupId: 'g', topics: ['t'] }, logger, starts({}, k.calls));
    await Promise.all([consumer.close(), consumer.close()]);
    await consumer.close();
    expect(k.calls).toEqual(['stop', 'disconnect']);
  });
});
