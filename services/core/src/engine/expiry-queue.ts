import { growI32 } from '../windows/typed-columns.js';

/** Records filed in one time bucket, 4 bytes each. */
class RecordList {
  items = new Int32Array(16);
  length = 0;

  push(record: number): void {
    if (this.length === this.items.length) this.items = growI32(this.items, 2 * this.length);
    this.items[this.length++] = record;
  }
}

/**
 * Records (slots, record numbers) filed by the time bucket of their expiry time. A sweep makes every
 * bucket its cutoff has reached due at once, touching only those buckets, never every record; the
 * due records are then worked through a budget at a time (per event, and a first chunk per sweep),
 * so a sweep where many expire does not pause for all of them. The owner decides, per due record,
 * whether it is gone or filed again (it was refreshed after it was filed).
 */
export class ExpiryQueue {
  private readonly filed = new Map<number, RecordList>();
  /** Lists a sweep made due, worked through in order (`due[0]` from `duePos`). */
  private readonly due: RecordList[] = [];
  private duePos = 0;

  constructor(private readonly bucketMs: number) {}

  file(record: number, ts: number): void {
    const bucket = Math.floor(ts / this.bucketMs);
    const list = this.filed.get(bucket);
    if (list) list.push(record);
    else {
      const created = new RecordList();
      created.push(record);
      this.filed.set(bucket, created);
    }
  }

  /** Makes due every record filed in a bucket at or before the one `cutoff` falls in. */
  reach(cutoff: number): void {
    const reached = Math.floor(cutoff / this.bucketMs);
    const buckets: number[] = [];
    for (const bucket of this.filed.keys()) if (bucket <= reached) buckets.push(bucket);
    for (const bucket of buckets) {
      this.due.push(this.filed.get(bucket)!);
      this.filed.delete(bucket);
    }
  }

  get hasDue(): boolean {
    return this.due.length > 0;
  }

  /** Passes up to `budget` due records to `visit`, in filing order; `visit` may file a record again. */
  drain(budget: number, visit: (record: number) => void): void {
    while (budget > 0 && this.due.length > 0) {
      const list = this.due[0]!;
      const end = Math.min(list.length, this.duePos + budget);
      budget -= end - this.duePos;
      for (let i = this.duePos; i < end; i++) visit(list.items[i]!);
      if (end < list.length) this.duePos = end;
      else {
        this.due.shift();
        this.duePos = 0;
      }
    }
  }

  /** Bytes of the lists (capacity). */
  bytes(): number {
    let n = 0;
    for (const list of this.filed.values()) n += list.items.byteLength;
    for (const list of this.due) n += list.items.byteLength;
    return n;
  }
}
