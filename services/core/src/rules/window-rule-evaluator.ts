import type { CallEvent } from '../events.js';
import type { Fingerprint } from '../keyed-hash.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { BucketedWindow } from '../windows/bucketed-window.js';
import type { KeyedWindow } from '../windows/keyed-window.js';
import { MeasureLayout } from '../windows/measure-layout.js';
import { SessionWindow } from '../windows/session-window.js';
import { compileCondition, type CallPredicate } from './condition.js';
import type { Firing, FiringHead } from './firing.js';
import { keyExtractor, type KeyExtractor } from './key-extractor.js';
import type { ComparisonOp, WindowRule } from './rule-pack.js';

interface KeyState {
  window: unknown;
  evidence: string[];
}

const compare = (op: ComparisonOp, a: number, b: number): boolean =>
  op === '>=' ? a >= b : op === '>' ? a > b : op === '<=' ? a <= b : a < b;

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** Runs one window rule over call events: filter, key, window, measures, thresholds. */
export class WindowRuleEvaluator {
  readonly key: KeyExtractor;
  readonly filter: CallPredicate | undefined;
  private readonly layout: MeasureLayout;
  private readonly window: KeyedWindow<unknown>;
  private readonly states = new Map<string, KeyState>();
  private readonly scratch: Float64Array;
  private readonly thresholdIndex: number[];

  constructor(readonly rule: WindowRule, ref: () => ReferenceData, latenessMs: number, private readonly evidenceSize: number, fingerprint?: Fingerprint) {
    this.key = keyExtractor(rule.key);
    this.filter = rule.filter ? compileCondition(rule.filter, ref) : undefined;
    this.layout = new MeasureLayout(rule.measures, ref, fingerprint);
    const w = rule.window;
    this.window = (w.type === 'session'
      ? new SessionWindow(this.layout, w.gapMs, w.maxMs)
      : new BucketedWindow(this.layout, w.sizeMs, w.type === 'sliding' ? w.hopMs : w.sizeMs, latenessMs)) as KeyedWindow<unknown>;
    this.scratch = this.layout.newSlots();
    this.thresholdIndex = rule.when.map((t) => this.layout.names.indexOf(t.measure));
  }

  /**
   * Feeds one event; returns a firing when every threshold holds for the event's entity.
   * `watermark`: the engine's (events below it are rejected as late), which bounds what the
   * window may forget.
   */
  onEvent(event: CallEvent, watermark?: number): FiringHead | undefined {
    if (this.filter && !this.filter(event)) return undefined;
    const entity = this.key.entityOf(event);
    let st = this.states.get(entity);
    if (!st) {
      st = { window: this.window.create(event.ts), evidence: [] };
      this.states.set(entity, st);
    }
    if (!this.window.add(st.window, event, event.ts, watermark)) return undefined;
    const ev = st.evidence;
    if (ev[ev.length - 1] !== event.call_id && !ev.includes(event.call_id)) {
      ev.push(event.call_id);
      if (ev.length > this.evidenceSize) ev.shift();
    }
    let bounds = this.window.evaluate(st.window, event.ts, this.scratch);
    if (!this.holds()) {
      // Read after newer events of its key (another partition ran ahead): the window an in-order
      // reader judged it with may hold where the newest one does not.
      const asOf = this.window.evaluateAsOf?.(st.window, event.ts, this.scratch);
      if (!asOf || !this.holds()) return undefined;
      bounds = asOf;
    }
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
          evidence: [...ev],
          cooldownMs: this.rule.cooldownMs,
          ...(this.rule.victims ? { victims: { key: this.key, filter: this.filter } } : {}),
          summary: this.summary(entity, measures),
        });
      },
    };
  }

  /** Whether every threshold holds for the measures in `scratch`. */
  private holds(): boolean {
    const when = this.rule.when;
    for (let i = 0; i < when.length; i++) {
      const t = when[i]!;
      if (!compare(t.op, this.layout.read(this.thresholdIndex[i]!, this.scratch), t.value)) return false;
    }
    return true;
  }

  private summary(entity: string, measures: Record<string, number>): string {
    const what = this.rule.when.map((t) => `${t.measure}=${formatValue(measures[t.measure]!)} (${t.op} ${t.value})`).join(', ');
    return `${this.rule.id}: ${this.key.entityType} ${entity} ${what}${this.rule.description ? ` — ${this.rule.description}` : ''}`;
  }


  /** Frees the state of every key whose window can no longer change. */
  sweep(watermark: number): void {
    for (const [k, st] of this.states) if (this.window.expired(st.window, watermark)) this.states.delete(k);
  }

  get activeKeys(): number {
    return this.states.size;
  }

  stateBytes(): number {
    let bytes = 0;
    for (const [k, st] of this.states) bytes += 2 * k.length + 80 + st.evidence.length * 8 + this.window.sizeOf(st.window);
    return bytes;
  }
}
