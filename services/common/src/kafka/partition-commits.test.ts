import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { PartitionCommits, type OffsetToCommit } from './partition-commits.js';

const logger = createLogger({ write: () => undefined });

/** A coordinator whose commits complete (or fail) only when the test says so. */
function slowCoordinator() {
  const sent: string[][] = [];
  const waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const commit = (offsets: OffsetToCommit[]): Promise<void> => {
    sent.push(offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`));
    return new Promise<void>((resolve, reject) => waiting.push({ resolve, reject }));
  };
  const settle = async (err?: Error): Promise<void> => {
    const next = waiting.shift();
    if (!next) throw new Error('no commit in flight');
    if (err) next.reject(err);
    else next.resolve();
    // Let the commit loop run on.
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { sent, commit, settle, inFlight: () => waiting.length };
}

describe('PartitionCommits', () => {
  it('sends a handled batch\'s position at once without the batch waiting, and what is handled meanwhile together in the next commit, in order', async () => {
    const c = slowCoordinator();
    const commits = new PartitionCommits('g', logger);
    let firstDone = false;
    void commits.handled('t', 0, 10n, c.commit).then(() => (firstDone = true));
    expect(c.sent).toEqual([['t/0@10']]);
    // Handed in while the first commit travels: one commit after it, with the newest position per partition.
    void commits.handled('t', 0, 20n, c.commit);
    void commits.handled('t', 1, 5n, c.commit);
    void commits.handled('t', 0, 30n, c.commit);
    expect(c.inFlight()).toBe(1);
    expect(firstDone).toBe(false);
    await c.settle();
    expect(c.sent).toEqual([['t/0@10'], ['t/0@30', 't/1@5']]);
    const flushed = commits.flush();
    await c.settle();
    await flushed;
    expect(firstDone).toBe(true);
    expect(c.inFlight()).toBe(0);
  });

  it('never commits behind the committed position (a partition rewound to rebuild state), then again once reading passes it', async () => {
    const sent: string[] = [];
    const commits = new PartitionCommits('g', logger);
    const commit = async (offsets: OffsetToCommit[]): Promise<void> => void sent.push(...offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`));
    commits.readFrom('t', 0, '15');
    await commits.handled('t', 0, 5n, commit);
    await commits.handled('t', 0, 15n, commit);
    await commits.handled('t', 0, 20n, commit);
    await commits.handled('t', 0, 20n, commit);
    expect(sent).toEqual(['t/0@20']);
  });

  it('keeps the positions of a failed commit and sends them with the next batch\'s', async () => {
    const c = slowCoordinator();
    const commits = new PartitionCommits('g', logger);
    const failed = commits.handled('t', 0, 10n, c.commit);
    await c.settle(new Error('REQUEST_TIMED_OUT'));
    await expect(failed).rejects.toThrow('REQUEST_TIMED_OUT');
    void commits.handled('t', 1, 3n, c.commit);
    expect(c.sent.at(-1)).toEqual(['t/0@10', 't/1@3']);
  });

  it('drops what a rebalance overtook: positions pending or in flight do not count as committed in the new generation', async () => {
    const c = slowCoordinator();
    const commits = new PartitionCommits('g', logger);
    void commits.handled('t', 0, 10n, c.commit);
    void commits.handled('t', 1, 4n, c.commit);
    commits.newGeneration();
    await c.settle();
    expect(c.sent).toEqual([['t/0@10']]);
    // The new generation reads partition 0 from its committed 8: 9 is past it and is committed.
    commits.readFrom('t', 0, '8');
    void commits.handled('t', 0, 9n, c.commit);
    expect(c.sent.at(-1)).toEqual(['t/0@9']);
  });

  it('flush waits until every handled position is committed, and reports a failure', async () => {
    const c = slowCoordinator();
    const commits = new PartitionCommits('g', logger);
    void commits.handled('t', 0, 10n, c.commit).catch(() => undefined);
    void commits.handled('t', 0, 12n, c.commit).catch(() => undefined);
    let flushed: string | undefined;
    const flushing = commits.flush().then(() => (flushed = 'ok'), (err: Error) => (flushed = err.message));
    await c.settle();
    expect(flushed).toBeUndefined();
    await c.settle(new Error('COORDINATOR_NOT_AVAILABLE'));
    await flushing;
    expect(flushed).toBe('COORDINATOR_NOT_AVAILABLE');
  });

  it('deferred commits: a snapshot of processed positions, committed on demand, skipped after a rebalance', async () => {
    const sent: string[] = [];
    const commits = new PartitionCommits('g', logger);
    const commit = async (offsets: OffsetToCommit[]): Promise<void> => void sent.push(...offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`));
    commits.markProcessed('t', 0, 3n);
    commits.markProcessed('t', 0, 2n);
    const mark = commits.processedPositions();
    expect(mark.offsets).toEqual([{ topic: 't', partition: 0, offset: '3' }]);
    await commits.commitPositions(mark, commit);
    await commits.commitPositions(mark, commit);
    commits.newGeneration();
    await commits.commitPositions(mark, commit);
    expect(sent).toEqual(['t/0@3']);
  });
});
