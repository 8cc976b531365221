import type { KafkaPort, Logger } from '@telfraud/common';
import { HOOK_ACTIONS, type BlockAction } from '../core/decision.js';

export interface JournalReadOptions {
  groupId: string;
  timeoutMs: number;
  logger: Logger;
}

function parseAction(value: Buffer | null): BlockAction | undefined {
  if (!value) return undefined;
  try {
    const a = JSON.parse(value.toString('utf8')) as Partial<BlockAction>;
    const ok = a.version === 1 && typeof a.action === 'string' && (HOOK_ACTIONS as readonly string[]).includes(a.action)
      && typeof a.entity_type === 'string' && typeof a.entity === 'string' && typeof a.issued_at === 'number';
    return ok ? (a as BlockAction) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the action topic from its beginning to the end offsets seen at start, under a throwaway
 * consumer group that never commits, and returns the actions in order (per entity: one partition,
 * so in the order they were carried out). Unreadable records are skipped with a warning.
 * Partitions that return nothing before the deadline (their data aged out) are reported and
 * treated as empty; a partition left half-read fails the start.
 */
export async function readJournal(kafka: KafkaPort, topic: string, options: JournalReadOptions): Promise<BlockAction[]> {
  const { logger } = options;
  const ends = await kafka.fetchEndOffsets(topic);
  const pending = new Map(ends.filter((e) => Number(e.offset) > 0).map((e) => [e.partition, Number(e.offset)] as const));
  if (pending.size === 0) return [];
  const touched = new Set<number>();
  const actions: BlockAction[] = [];
  let skipped = 0;
  let finish: () => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const consumer = kafka.createConsumer({
    groupId: options.groupId, topics: [topic], fromBeginning: true, autoCommit: false, onCrash: (err) => fail(err),
  });
  const timer = setTimeout(() => fail(new Error('deadline')), options.timeoutMs);
  try {
    await consumer.run(async (batch) => {
      const end = pending.get(batch.partition);
      if (end === undefined) return;
      touched.add(batch.partition);
      for (const r of batch.records) {
        if (Number(r.offset) >= end) break;
        const a = parseAction(r.value);
        if (a) actions.push(a);
        else skipped++;
      }
      const last = batch.records.at(-1);
      if (last && Number(last.offset) + 1 >= end) pending.delete(batch.partition);
      if (pending.size === 0) finish();
    });
    await done.catch((err: Error) => {
      const halfRead = [...pending.keys()].filter((p) => touched.has(p));
      if (err.message !== 'deadline' || halfRead.length > 0) throw new Error(`journal replay of ${topic} did not reach the end (partitions ${[...pending.keys()].join(',')}): ${err.message}`);
      logger.warn('journal partitions returned nothing before the deadline; treated as empty', { topic, partitions: [...pending.keys()] });
    });
  } finally {
    clearTimeout(timer);
    await consumer.close();
  }
  if (skipped > 0) logger.warn('unreadable journal records skipped', { topic, skipped });
  logger.info('journal replayed', { topic, actions: actions.length });
  return actions;
}
