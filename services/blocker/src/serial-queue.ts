/**
 * Runs tasks one at a time, in submission order. Everything that changes the blocker's state and
 * carries out actions (alert batches, expiry sweeps, operator calls) goes through one queue, so
 * the actions on an entity reach receivers, the journal and the audit in the order decided.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  get pending(): number {
    return this.waiting;
  }

  run<T>(task: () => Promise<T> | T): Promise<T> {
    this.waiting++;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => this.waiting--,
      () => this.waiting--,
    );
    return result;
  }
}
