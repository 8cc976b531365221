import type { CallEvent } from '../events.js';
import { FIXED_HASH_SEED, keyedFingerprint, type Fingerprint } from '../keyed-hash.js';
import { compileCondition, type CallPredicate } from '../rules/condition.js';
import type { Condition, Measure } from '../rules/rule-pack.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { normalQuantile, wilsonBound } from '../rules/wilson-bound.js';

/** How a slot combines across buckets. */
export type SlotMerge = 'sum' | 'max' | 'min';

export interface DistinctInput {
  slot: number;
  field: keyof CallEvent;
  where: CallPredicate | undefined;
  /** Digits cut from the end of the value before it is counted (0 = the value itself). */
  dropDigits: number;
  /** For distinct_ratio, the slot counting the events (no window holds more distinct values than that). */
  countSlot?: number;
}

/** The text a distinct measure counts: the field, or for `dropDigits` its number block. */
export function distinctValue(input: DistinctInput, event: CallEvent): string {
  const v = String(event[input.field]);
  return input.dropDigits > 0 ? v.slice(0, Math.max(0, v.length - input.dropDigits)) : v;
}

/**
 * A rule's named measures laid out as numeric slots, so a window bucket is one Float64Array and
 * merging buckets is a loop. Distinct counts get a slot too, maintained by the window (each value
 * counted once, in the latest bucket it was seen in).
 */
export class MeasureLayout {
  readonly names: string[] = [];
  readonly merges: SlotMerge[] = [];
  readonly distinct: DistinctInput[] = [];
  /** Slots that only ever hold whole counts (an Int32 column suffices); sums of fields, max and min do not. */
  readonly counts: boolean[] = [];
  private readonly updaters: ((e: CallEvent, slots: Float64Array) => void)[] = [];
  private readonly readers: ((slots: Float64Array) => number)[] = [];

  /** `fingerprint`: the keyed hash distinct values are counted by (see keyed-hash). */
  constructor(measures: Record<string, Measure>, ref: () => ReferenceData, readonly fingerprint: Fingerprint = keyedFingerprint(FIXED_HASH_SEED)) {
    const slot = (merge: SlotMerge, count = true): number => {
      this.counts.push(count);
      return this.merges.push(merge) - 1;
    };
    const pred = (c: Condition | undefined): CallPredicate | undefined =>
      c === undefined ? undefined : compileCondition(c, ref);
    for (const [name, m] of Object.entries(measures)) {
      this.names.push(name);
      switch (m.fn) {
        case 'count': {
          const s = slot('sum');
          const where = pred(m.where);
          this.updaters.push(where ? (e, x) => { if (where(e)) x[s]! += 1; } : (_e, x) => { x[s]! += 1; });
          this.readers.push((x) => x[s]!);
          break;
        }
        case 'ratio': {
          // Without a denominator: share of all the rule's events matching the numerator. With one:
          // two independent counts (e.g. ANSWER events per START event).
          const n = slot('sum');
          const d = slot('sum');
          const num = compileCondition(m.numerator, ref);
          const den = pred(m.denominator);
          this.updaters.push(den
            ? (e, x) => { if (den(e)) x[d]! += 1; if (num(e)) x[n]! += 1; }
            : (e, x) => { x[d]! += 1; if (num(e)) x[n]! += 1; });
          const confidence = m.lowerBound ?? m.upperBound;
          if (confidence === undefined) {
            this.readers.push((x) => (x[d]! > 0 ? x[n]! / x[d]! : Number.NaN));
          } else {
            const z = normalQuantile(confidence);
            const side = m.lowerBound === undefined ? 1 : -1;
            this.readers.push((x) => wilsonBound(x[n]!, x[d]!, z, side));
          }
          break;
        }
        case 'sum':
        case 'avg': {
          const s = slot('sum', false);
          const c = slot('sum');
          const where = pred(m.where);
          const f = m.field;
          this.updaters.push((e, x) => {
            const v = e[f];
            if (typeof v !== 'number' || (where && !where(e))) return;
            x[s]! += v;
            x[c]! += 1;
          });
          this.readers.push(m.fn === 'sum' ? (x) => x[s]! : (x) => (x[c]! > 0 ? x[s]! / x[c]! : Number.NaN));
          break;
        }
        case 'max':
        case 'min': {
          const isMax = m.fn === 'max';
          const s = slot(isMax ? 'max' : 'min', false);
          const where = pred(m.where);
          const f = m.field;
          this.updaters.push((e, x) => {
            const v = e[f];
            if (typeof v !== 'number' || (where && !where(e))) return;
            x[s] = isMax ? Math.max(x[s]!, v) : Math.min(x[s]!, v);
          });
          this.readers.push((x) => (Number.isFinite(x[s]!) ? x[s]! : Number.NaN));
          break;
        }
        case 'distinct':
        case 'distinct_ratio': {
          const s = slot('sum');
          const input: DistinctInput = { slot: s, field: m.field, where: pred(m.where), dropDigits: m.dropDigits ?? 0 };
          this.distinct.push(input);
          if (m.fn === 'distinct') {
            this.readers.push((x) => x[s]!);
          } else {
            const c = slot('sum');
            input.countSlot = c;
            const where = pred(m.where);
            this.updaters.push(where ? (e, x) => { if (where(e)) x[c]! += 1; } : (_e, x) => { x[c]! += 1; });
            this.readers.push((x) => (x[c]! > 0 ? x[s]! / x[c]! : Number.NaN));
          }
          break;
        }
      }
    }
  }

  get slotCount(): number {
    return this.merges.length;
  }

  newSlots(): Float64Array {
    const x = new Float64Array(this.merges.length);
    for (let i = 0; i < x.length; i++) {
      const m = this.merges[i];
      if (m === 'max') x[i] = Number.NEGATIVE_INFINITY;
      else if (m === 'min') x[i] = Number.POSITIVE_INFINITY;
    }
    return x;
  }

  reset(x: Float64Array): void {
    for (let i = 0; i < x.length; i++) {
      const m = this.merges[i];
      x[i] = m === 'max' ? Number.NEGATIVE_INFINITY : m === 'min' ? Number.POSITIVE_INFINITY : 0;
    }
  }

  accumulate(e: CallEvent, slots: Float64Array): void {
    for (const u of this.updaters) u(e, slots);
  }

  /** into[i] = merge(into[i], from[i]) */
  merge(into: Float64Array, from: Float64Array): void {
    for (let i = 0; i < into.length; i++) {
      const m = this.merges[i];
      if (m === 'sum') into[i]! += from[i]!;
      else if (m === 'max') into[i] = Math.max(into[i]!, from[i]!);
      else into[i] = Math.min(into[i]!, from[i]!);
    }
  }

  read(index: number, slots: Float64Array): number {
    return this.readers[index]!(slots);
  }

  values(slots: Float64Array): Record<string, number> {
    const out: Record<string, number> = {};
    this.names.forEach((n, i) => (out[n] = this.readers[i]!(slots)));
    return out;
  }
}
