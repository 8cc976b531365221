import { createRequire } from 'node:module';
import { PipelineError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { BatchHandler, ConsumedRecord, ConsumerOptions, MessageConsumer, ProcessedPositions } from './kafka-port.js';
import type { StartPositions } from './kafkajs-consumer.js';
import { PartitionCommits } from './partition-commits.js';

/**
 * The part of `@confluentinc/kafka-javascript`'s kafkajs-like API (`.KafkaJS`) this adapter uses.
 * The package is not a dependency of the project (see the README's Kafka-client paragraph): it is
 * loaded at run time when `KAFKA_CLIENT=confluent`, so its types are declared here.
 */
interface CfMessage { offset: string; key: Buffer | null; value: Buffer | null; timestamp: string; headers?: Record<string, unknown> }
interface CfBatchPayload {
  batch: { topic: string; partition: number; messages: CfMessage[]; lastOffset(): string; offsetLag(): string };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}
interface CfTopicPartition { topic: string; partition: number; offset?: number }
interface CfConsumer {
  connect(): Promise<void>;
  subscribe(s: { topics: string[] }): Promise<void>;
  run(r: { partitionsConsumedConcurrently: number; eachBatchAutoResolve: boolean; eachBatch: (p: CfBatchPayload) => Promise<void> }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  seek(tpo: { topic: string; partition: number; offset: string }): void;
  pause(topics: { topic: string }[]): void;
  resume(topics: { topic: string }[]): void;
  disconnect(): Promise<void>;
}
interface CfKafka { consumer(config: Record<string, unknown>): CfConsumer }
export interface ConfluentModule {
  KafkaJS: { Kafka: new (config: Record<string, unknown>) => CfKafka; logLevel: Record<string, number> };
  CODES: { ERRORS: Record<string, number> };
}

export const CONFLUENT_PACKAGE = '@confluentinc/kafka-javascript';

/** Loads the optional package, or says how to install it. */
export function loadConfluentModule(): ConfluentModule {
  try {
    return createRequire(import.meta.url)(CONFLUENT_PACKAGE) as ConfluentModule;
  } catch (err) {
    throw new PipelineError('INTERNAL', `KAFKA_CLIENT=confluent needs ${CONFLUENT_PACKAGE}, which is not installed (it builds librdkafka from source: CKJS_LINKING=dynamic npm install --no-save ${CONFLUENT_PACKAGE})`, { cause: err });
  }
}

export interface ConfluentConnection {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl: { mechanism: string; username: string; password: string } | undefined;
  fetchMaxWaitMs: number;
}

/**
 * The librdkafka consumer behind the port, with the kafkajs adapter's semantics: no auto-commit;
 * after each handled batch the partitions read past their committed position are committed in the
 * background (PartitionCommits) (or, `deferCommits`, only marked processed); a seek never moves the committed position back; a
 * partition the group has never committed gets its starting position committed at assignment,
 * before anything is processed (here inside the rebalance callback, which librdkafka awaits).
 * The group generation is counted at every assignment and revocation.
 */
export class ConfluentConsumer implements MessageConsumer {
  private consumer: CfConsumer | undefined;
  private closing: Promise<void> | undefined;
  private stopping = false;
  private readonly commits: PartitionCommits;

  constructor(
    private readonly module: ConfluentModule,
    private readonly connection: ConfluentConnection,
    private readonly options: ConsumerOptions,
    private readonly logger: Logger,
    private readonly starts: StartPositions,
  ) {
    this.commits = new PartitionCommits(options.groupId, logger);
  }

  private client(): CfConsumer {
    if (!this.consumer) throw new PipelineError('INTERNAL', 'the consumer is not running');
    return this.consumer;
  }

  async run(handler: BatchHandler): Promise<void> {
    const { options, module } = this;
    const { ERR__ASSIGN_PARTITIONS } = module.CODES.ERRORS;
    const autoCommit = options.autoCommit ?? true;
    const kafka = new module.KafkaJS.Kafka({
      kafkaJS: {
        clientId: this.connection.clientId, brokers: this.connection.brokers, ssl: this.connection.ssl,
        ...(this.connection.sasl ? { sasl: this.connection.sasl } : {}),
        logLevel: module.KafkaJS.logLevel['WARN'],
      },
    });
    let joined: () => void = () => undefined;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    const consumer = kafka.consumer({
      kafkaJS: {
        groupId: options.groupId,
        fromBeginning: options.fromBeginning ?? false,
        autoCommit: false,
        sessionTimeout: options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: 1_000,
        maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
        maxWaitTimeInMs: this.connection.fetchMaxWaitMs,
      },
      // Whole fetches to the handler, as kafkajs hands them (the default caps a batch at 32 messages).
      'js.consumer.max.batch.size': -1,
      rebalance_cb: async (err: { code: number }, assignment: CfTopicPartition[]) => {
        this.commits.newGeneration();
        if (err.code !== ERR__ASSIGN_PARTITIONS) return undefined;
        const grouped = new Map<string, number[]>();
        for (const tp of assignment) grouped.set(tp.topic, [...(grouped.get(tp.topic) ?? []), tp.partition]);
        const byTopic = [...grouped].map(([topic, partitions]) => ({ topic, partitions }));
        this.logger.info('partitions assigned', { groupId: options.groupId, assignment: byTopic });
        const startAt = autoCommit ? await this.commitStarts(byTopic) : new Map<string, string>();
        options.onAssignment?.(byTopic);
        joined();
        // Reading starts where the starting positions were committed.
        return startAt.size === 0 ? undefined : assignment.map((tp) => {
          const offset = startAt.get(`${tp.topic}/${tp.partition}`);
          return offset === undefined ? tp : { ...tp, offset: Number(offset) };
        });
      },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics });
    await consumer.run({
      partitionsConsumedConcurrently: options.concurrentBatches ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        const first = batch.messages[0];
        if (!isRunning() || isStale() || !first) return;
        this.commits.readFrom(batch.topic, batch.partition, first.offset);
        const records = batch.messages.map((m): ConsumedRecord => {
          const headers: Record<string, string> = {};
          if (m.headers) for (const [k, v] of Object.entries(m.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
          return { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers, timestamp: Number(m.timestamp) };
        });
        const generation = this.commits.generation;
        await handler({ topic: batch.topic, partition: batch.partition, records, lag: Number(batch.offsetLag()) }, { isRunning, heartbeat });
        if (isStale() || generation !== this.commits.generation) return;
        resolveOffset(batch.lastOffset());
        const next = BigInt(batch.lastOffset()) + 1n;
        if (options.deferCommits) this.commits.markProcessed(batch.topic, batch.partition, next);
        else if (autoCommit) {
          const committing = this.commits.handled(batch.topic, batch.partition, next, (offsets) => consumer.commitOffsets(offsets));
          if (this.stopping || !isRunning()) await committing;
          else committing.catch((err: unknown) => this.logger.warn('offset commit failed; retried with the next batch', { groupId: options.groupId, err }));
        }
      },
    });
    // As the kafkajs adapter: callers count as started once the group is joined.
    await firstJoin;
  }

  /** Commits where reading starts on assigned partitions the group has never committed; answers those positions. */
  private async commitStarts(assignment: { topic: string; partitions: number[] }[]): Promise<Map<string, string>> {
    const { groupId, fromBeginning = false } = this.options;
    const startAt = new Map<string, string>();
    for (const { topic, partitions } of assignment) {
      const starts = await this.starts.uncommitted(groupId, topic, partitions, fromBeginning);
      if (starts.length === 0) continue;
      await this.client().commitOffsets(starts.map((s) => ({ topic, partition: s.partition, offset: s.offset })));
      for (const s of starts) {
        this.commits.committedAt(topic, s.partition, s.offset);
        startAt.set(`${topic}/${s.partition}`, s.offset);
      }
      this.logger.info('starting positions of a new group committed before processing', { groupId, topic, starts, fromBeginning });
    }
    return startAt;
  }

  processedPositions(): ProcessedPositions {
    return this.commits.processedPositions();
  }

  commitPositions(positions: ProcessedPositions): Promise<void> {
    return this.commits.commitPositions(positions, (offsets) => this.client().commitOffsets(offsets));
  }

  seek(topic: string, partition: number, offset: number): void {
    this.logger.info('seeking', { groupId: this.options.groupId, topic, partition, offset });
    this.client().seek({ topic, partition, offset: String(offset) });
  }

  pause(topics: string[]): void {
    this.client().pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: string[]): void {
    this.client().resume(topics.map((topic) => ({ topic })));
  }

  close(): Promise<void> {
    // disconnect() stops the run loop, waits for the batches being handled (which then commit
    // before they resolve), then leaves the group; what was handled before is committed first.
    this.closing ??= (async () => {
      this.stopping = true;
      await this.commits.flush().catch((err: unknown) => this.logger.warn('offsets of handled batches not committed before stopping', { groupId: this.options.groupId, err }));
      await this.consumer?.disconnect();
    })();
    return this.closing;
  }
}
