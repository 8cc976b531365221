import { PipelineError, type KafkaPort, type Logger } from '@telfraud/common';
import type { JournalEntry } from '../core/action-log.js';
import { HOOK_ACTIONS, type BlockAction, type Decision } from '../core/decision.js';
import { JOURNAL_ENTRY_HEADER } from './action-journal.js';

export interface JournalReadOptions {
  groupId: string;
  timeoutMs: number;
  logger: Logger;
}

function parseAction(value: unknown): BlockAction | undefined {
  const a = value as Partial<BlockAction> | null;
  const ok = typeof a === 'object' && a !== null && a.version === 1 && typeof a.action === 'string' && (HOOK_ACTIONS as readonly string[]).includes(a.action)
    && typeof a.entity_type === 'string' && typeof a.entity === 'string' && typeof a.issued_at === 'number' && typeof a.idempotency_key === 'string';
  return ok ? (a as BlockAction) : undefined;
}

/** One record of the action topic as a journal entry; undefined when it cannot be read. */
export function parseJournalRecord(value: Buffer | null, headers: Record<string, string>): JournalEntry | undefined {
  if (!value) return undefined;
  try {
    const text = value.toString('utf8');
    const kind = headers[JOURNAL_ENTRY_HEADER];
    if (kind === undefined) {
      const action = parseAction(JSON.parse(text));
      return action && { kind: 'carried-out', body: text, action };
    }
    const e = JSON.parse(text) as {
      entry?: unknown; body?: unknown; decision?: Decision; targets?: unknown; idempotency_key?: unknown;
      target?: unknown; attempt?: unknown;
    };
    if (kind === 'decided' && e.entry === 'decided' && typeof e.body === 'string' && typeof e.decision?.decision_id === 'string' && Array.isArray(e.targets)) {
      const action = parseAction(JSON.parse(e.body));
      return action && { kind: 'decided', body: e.body, action, decision: e.decision, targets: e.targets.filter((t): t is string => typeof t === 'string') };
    }
    if (kind === 'attempt' && typeof e.idempotency_key === 'string' && typeof e.target === 'string' && typeof e.attempt === 'number') {
      return { kind: 'attempt', idempotencyKey: e.idempotency_key, target: e.target, attempt: e.attempt };
    }
    if (kind === 'failed' && typeof e.idempotency_key === 'string') return { kind: 'failed', idempotencyKey: e.idempotency_key };
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the action topic from its beginning to the end offsets seen at start, under a throwaway
 * consumer group that never commits, and returns its entries in order (per entity: one partition,
 * so in the order they were written). Unreadable records are skipped with a warning.
 * Partitions that return nothing before the deadline (their data aged out) are reported and
 * treated as empty; a partition left half-read fails the start.
 */
export async function readJournal(kafka: KafkaPort, topic: string, options: JournalReadOptions): Promise<JournalEntry[]> {
  const { logger } = options;
  const ends = await kafka.fetchEndOffsets(topic);
  const pending = new Map(ends.filter((e) => Number(e.offset) > 0).map((e) => [e.partition, Number(e.offset)] as const));
  if (pending.size === 0) return [];
  const touched = new Set<number>();
  const entries: JournalEntry[] = [];
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
  const timer = setTimeout(() => fail(new PipelineError('KAFKA_UNAVAILABLE', 'deadline')), options.timeoutMs);
  try {
    await consumer.run(async (batch) => {
      const end = pending.get(batch.partition);
      if (end === undefined) return;
      touched.add(batch.partition);
      for (const r of batch.records) {
        if (Number(r.offset) >= end) break;
        const e = parseJournalRecord(r.value, r.headers);
        if (e) entries.push(e);
        else skipped++;
      }
      const last = batch.records.at(-1);
      if (last && Number(last.offset) + 1 >= end) pending.delete(batch.partition);
      if (pending.size === 0) finish();
    });
    await done.catch((err: Error) => {
      const halfRead = [...pending.keys()].filter((p) => touched.has(p));
      if (err.message !== 'deadline' || halfRead.length > 0) throw new PipelineError('KAFKA_UNAVAILABLE', `journal replay of ${topic} did not reach the end (partitions ${[...pending.keys()].join(',')}): ${err.message}`, { cause: err });
      logger.warn('journal partitions returned nothing before the deadline; treated as empty', { topic, partitions: [...pending.keys()] });
    });
  } finally {
    clearTimeout(timer);
    await consumer.close();
  }
  if (skipped > 0) logger.warn('unreadable journal records skipped', { topic, skipped });
  logger.info('journal replayed', { topic, entries: entries.length });
  return entries;
}
