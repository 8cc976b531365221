import { PipelineError, type PartitionEndOffset } from '@telfraud/common';

interface Waiter {
  targets: PartitionEndOffset[];
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * How far a reader has applied each partition, and who waits for it to reach given end offsets.
 * A target `{partition, offset: H}` is reached once every record below offset H has been applied.
 */
export class LogPositions {
  private readonly next = new Map<number, bigint>();
  private waiters: Waiter[] = [];
  private failure: Error | undefined;

  /** Everything below `nextOffset` in `partition` has been applied. */
  advance(partition: number, nextOffset: bigint): void {
    if (nextOffset <= (this.next.get(partition) ?? 0n)) return;
    this.next.set(partition, nextOffset);
    this.waiters = this.waiters.filter((w) => {
      if (!this.reached(w.targets)) return true;
      clearTimeout(w.timer);
      w.resolve();
      return false;
    });
  }

  reached(targets: readonly PartitionEndOffset[]): boolean {
    return targets.every((t) => (this.next.get(t.partition) ?? 0n) >= BigInt(t.offset));
  }

  waitFor(targets: PartitionEndOffset[], timeoutMs: number, what: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.reached(targets)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        targets,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const at = targets.map((t) => `partition ${t.partition}: at ${this.next.get(t.partition) ?? 0n} of ${t.offset}`).join(', ');
          reject(new PipelineError('KAFKA_UNAVAILABLE', `${what} not read to its end within ${timeoutMs} ms (${at})`, { retryable: true }));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Rejects current and future waits: the reader has stopped. */
  fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.waiters = [];
  }
}
