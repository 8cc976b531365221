import type { CallEvent } from '../events.js';
import type { Fingerprint } from '../keyed-hash.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { KeyTable } from '../windows/key-table.js';
import { MeasureLayout } from '../windows/measure-layout.js';
import { SessionWindowStore } from '../windows/session-window-store.js';
import { SlidingWindowStore } from '../windows/sliding-window-store.js';
import type { WindowStore } from '../windows/window-store.js';
import { compileCondition, type CallPredicate } from './condition.js';
import type { Firing, FiringHead } from './firing.js';
import { keyExtractor, type KeyExtractor } from './key-extractor.js';
import { EvidenceStore } from './evidence-store.js';
import type { ComparisonOp, WindowRule } from './rule-pack.js';

/** Slots an empty key table starts with: below it, an empty evaluator is not worth rebuilding. */
const EMPTY_SLOT_CAPACITY = 16;
/** Keys an event visits of a sweep that ran out of budget: more than the one key an event can create, so the backlog shrinks. */
const SWEEP_PER_EVENT = 4;

const GTE = 0;
const GT = 1;
const LTE = 2;
const LT = 3;
const OP_CODES: Record<ComparisonOp, number> = { '>=': GTE, '>': GT, '<=': LTE, '<': LT };

/** A threshold's comparison by its op code (numbers: no string compare per threshold and event). */
const compare = (op: number, a: number, b: number): boolean =>
  op === GTE ? a >= b : op === GT ? a > b : op === LTE ? a <= b : a < b;

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** Runs one window rule over call events: filter, key, window, measures, thresholds. */
export class WindowRuleEvaluator {
  readonly key: KeyExtractor;
  readonly filter: CallPredicate | undefined;
  private readonly layout: MeasureLayout;
  /** Entities → slots; the window state and the evidence are columns indexed by slot. */
  private keys = new KeyTable();
  private window: WindowStore;
  private evidence: EvidenceStore;
  private readonly expire = (slot: number): void => this.release(slot);
  /**
   * The watermark of the latest sweep (NaN before the first). A sweep frees only some of the keys
   * that expired at it (a budget; a wheel list only roughly in expiry order), so a key found on
   * lookup that expired at it is freed first, as a sweep of every key would have: what a rule sees
   * does not depend on how far sweeps got. (Events are not behind the watermark, so a key touched
   * since a sweep has not expired at it.)
   */
  private sweptTo = Number.NaN;
  /** Whether the latest sweep ran out of budget: events go on with it, a few keys each. */
  private sweepPending = false;
  private readonly newWindowStore: () => WindowStore;
  private readonly scratch: Float64Array;
  private readonly thresholdIndex: number[];
  private readonly thresholdOp: number[];
  private readonly thresholdValue: number[];
  /** Per threshold, whether it reads a distinct count: those are checked last, as a spilled key's sketches cost a union. */
  private readonly readsSketch: boolean[];
  private readonly hasDistinct: boolean;

  constructor(readonly rule: WindowRule, ref: () => ReferenceData, latenessMs: number, private readonly evidenceSize: number, fingerprint?: Fingerprint) {
    this.key = keyExtractor(rule.key);
    this.filter = rule.filter ? compileCondition(rule.filter, ref) : undefined;
    this.layout = new MeasureLayout(rule.measures, ref, fingerprint);
    const w = rule.window;
    this.newWindowStore = () => (w.type === 'session'
      ? new SessionWindowStore(this.layout, w.gapMs, w.maxMs)
      : new SlidingWindowStore(this.layout, w.sizeMs, w.type === 'sliding' ? w.hopMs : w.sizeMs, latenessMs));
    this.window = this.newWindowStore();
    this.evidence = new EvidenceStore(evidenceSize);
    this.scratch = this.layout.newSlots();
    this.thresholdIndex = rule.when.map((t) => this.layout.names.indexOf(t.measure));
    this.thresholdOp = rule.when.map((t) => OP_CODES[t.op]);
    this.thresholdValue = rule.when.map((t) => t.value);
    const distinct = (name: string): boolean => {
      const fn = rule.measures[name]?.fn;
      return fn === 'distinct' || fn === 'distinct_ratio';
    };
    this.readsSketch = rule.when.map((t) => distinct(t.measure));
    this.hasDistinct = Object.keys(rule.measures).some(distinct);
  }

  /**
   * Feeds one event; returns a firing when every threshold holds for the event's entity.
   * `watermark`: the engine's (events below it are rejected as late), which bounds what the
   * window may forget.
   */
  onEvent(event: CallEvent, watermark?: number): FiringHead | undefined {
    if (this.sweepPending) this.sweepOn(SWEEP_PER_EVENT);
    if (this.filter && !this.filter(event)) return undefined;
    const entity = this.key.entityOf(event);
    let slot = this.keys.find(entity);
    if (slot >= 0 && this.window.expired(slot, this.sweptTo)) {
      this.release(slot);
      slot = -1;
    }
    if (slot < 0) {
      slot = this.keys.insert(entity);
      const cap = this.keys.slotCapacity;
      this.window.ensure(cap);
      this.evidence.ensure(cap);
      this.window.init(slot, event.ts);
      this.evidence.init(slot);
    }
    const wm = watermark ?? Number.POSITIVE_INFINITY;
    if (!this.window.add(slot, event, event.ts, wm)) return undefined;
    this.evidence.add(slot, event.call_id);
    this.window.evaluate(slot, event.ts, this.scratch, false);
    if (!this.holds(slot)) {
      // Read after newer events of its key (another partition ran ahead): the window an in-order
      // reader judged it with may hold where the newest one does not.
      if (!this.window.evaluateAsOf(slot, event.ts, this.scratch, false) || !this.holds(slot)) return undefined;
    }
    const bounds = { start: this.window.start, end: this.window.end };
    const when = this.rule.when;
    const primary = when[0]!;
    const value = this.layout.read(this.thresholdIndex[0]!, this.scratch);
    // Details are built only if the alert book emits something: a campaign fires on every event.
    const slots = this.scratch;
    let built: Firing | undefined;
    return {
      ruleId: this.rule.id,
      severity: this.rule.severity,
      entityType: this.key.entityType,
      entity,
      ts: event.ts,
      value,
      cooldownMs: this.rule.cooldownMs,
      complete: () => {
        if (built) return built;
        const measures = this.layout.values(slots);
        return (built = {
          ruleId: this.rule.id,
          severity: this.rule.severity,
          description: this.rule.description,
          entityType: this.key.entityType,
          entity,
          windowStart: bounds.start,
          windowEnd: bounds.end,
          ts: event.ts,
          value,
          threshold: primary.value,
          measures,
          evidence: this.evidenceOf(slot, entity),
          cooldownMs: this.rule.cooldownMs,
          ...(this.rule.victims ? { victims: { key: this.key, filter: this.filter } } : {}),
          summary: this.summary(entity, measures),
        });
      },
    };
  }

  /**
   * Whether every threshold holds for the measures in `scratch`, evaluated without the sketches:
   * they are completed only once every other threshold holds (then `scratch` holds every measure).
   */
  private holds(slot: number): boolean {
    const n = this.thresholdOp.length;
    for (let i = 0; i < n; i++) {
      if (this.readsSketch[i]) continue;
      if (!compare(this.thresholdOp[i]!, this.layout.read(this.thresholdIndex[i]!, this.scratch), this.thresholdValue[i]!)) return false;
    }
    if (!this.hasDistinct) return true;
    this.window.completeSketches(slot, this.scratch);
    for (let i = 0; i < n; i++) {
      if (!this.readsSketch[i]) continue;
      if (!compare(this.thresholdOp[i]!, this.layout.read(this.thresholdIndex[i]!, this.scratch), this.thresholdValue[i]!)) return false;
    }
    return true;
  }

  private summary(entity: string, measures: Record<string, number>): string {
    const what = this.rule.when.map((t) => `${t.measure}=${formatValue(measures[t.measure]!)} (${t.op} ${t.value})`).join(', ');
    return `${this.rule.id}: ${this.key.entityType} ${entity} ${what}${this.rule.description ? ` — ${this.rule.description}` : ''}`;
  }


  /** The key's evidence; empty if the key has expired since (its slot may hold another entity). */
  private evidenceOf(slot: number, entity: string): string[] {
    return this.keys.keyAt(slot) === entity ? this.evidence.list(slot) : [];
  }

  /**
   * Frees the state of keys whose window can no longer change: only keys listed as expiring are
   * visited, at most `budget` of them (the rest a few per event from then on; see sweptTo).
   * Returns the budget left (0 if it ran out).
   */
  sweep(watermark: number, budget = Number.POSITIVE_INFINITY): number {
    if (!(watermark <= this.sweptTo)) this.sweptTo = watermark;
    const left = this.window.sweep(this.sweptTo, this.expire, budget);
    this.sweepPending = left < 0;
    // Once every key has gone, the slabs sized for the busiest moment go too.
    if (this.keys.size === 0 && this.keys.slotCapacity > EMPTY_SLOT_CAPACITY) this.reset();
    return Math.max(0, left);
  }

  /** Goes on with a sweep that ran out of budget. */
  private sweepOn(budget: number): void {
    if (this.window.sweep(this.sweptTo, this.expire, budget) >= 0) this.sweepPending = false;
  }

  /** Whether the latest sweep has keys left to free (for tests and benchmarks). */
  get sweepUnfinished(): boolean {
    return this.sweepPending;
  }

  private reset(): void {
    this.sweepPending = false;
    this.keys = new KeyTable();
    this.window = this.newWindowStore();
    this.evidence = new EvidenceStore(this.evidenceSize);
  }

  private release(slot: number): void {
    this.window.release(slot);
    this.evidence.release(slot);
    this.keys.remove(slot);
  }

  get activeKeys(): number {
    return this.keys.size;
  }

  /** Bytes held by the key table, the window store's slabs and the evidence (capacity, not only live records). */
  stateBytes(): number {
    if (this.keys.size === 0) return 0;
    return this.keys.bytes() + this.window.bytes() + this.evidence.bytes();
  }
}
