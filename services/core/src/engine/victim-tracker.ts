import type { CallEvent, VictimExposure } from '../events.js';
import type { CallPredicate } from '../rules/condition.js';
import type { KeyExtractor } from '../rules/key-extractor.js';

interface Flag {
  alertId: string;
  entityType: string;
  entity: string;
  /** Calls of the origin that count (any of them); undefined: every call. */
  filters: CallPredicate[] | undefined;
  from: number;
  until: number;
}

export interface VictimSettings {
  minDurationMs: number;
  lookbackMs: number;
  followMs: number;
  maxLoggedCalls: number;
}

/**
 * Victim exposures (contract section 5): every callee connected longer than the police's 60 s to a
 * flagged origin, both before the flag (from a bounded log of connected calls) and after it.
 */
export class VictimTracker {
  /**
   * Connected calls long enough to matter, in arrival order, pruned by event time and count; with
   * the route each arrived on when detection is spread by key.
   */
  private log: { e: CallEvent; route: string | undefined }[] = [];
  private logHead = 0;
  /** Entries compacted away from the front of `log`: positions in `logIndex` are `logBase` + index into `log`. */
  private logBase = 0;
  /**
   * entityType → entity → positions of its logged calls, oldest first: a flag looks back through its
   * own origin's calls, not through the whole log. Built for a kind of origin when it is first flagged.
   */
  private readonly logIndex = new Map<string, { key: KeyExtractor; byEntity: Map<string, number[]> }>();
  /** entityType → entity → flags on it. */
  private readonly flags = new Map<string, { key: KeyExtractor; byEntity: Map<string, Flag[]> }>();
  /**
   * entityType\0call_id → event time of calls already reported: a call is one exposure per kind of
   * origin (trunk, CLI, …), under the first that flagged it. Per kind, not per call, so the
   * exposures do not depend on which instance holds which origin when detection is spread by key.
   */
  private readonly exposed = new Map<string, number>();

  constructor(private readonly settings: VictimSettings) {}

  private isVictimCall(e: CallEvent): boolean {
    return e.type === 'END' && (e.duration_ms ?? 0) > this.settings.minDurationMs;
  }

  private exposure(flag: Flag, e: CallEvent): VictimExposure | undefined {
    const seen = `${flag.entityType}\u0000${e.call_id}`;
    if (this.exposed.has(seen)) return undefined;
    if (flag.filters && !flag.filters.some((p) => p(e))) return undefined;
    this.exposed.set(seen, e.ts);
    const duration = e.duration_ms ?? 0;
    return {
      victim_number: e.called_number, entity_type: flag.entityType, entity: flag.entity,
      alert_id: flag.alertId, call_id: e.call_id, ts: e.ts - duration, duration_ms: duration,
    };
  }

  /** A call ended: log it for look-backs and match it against current flags (of `route`'s kind only, when routed by key). */
  onCallEnded(e: CallEvent, out: VictimExposure[], route?: string): void {
    if (!this.isVictimCall(e)) return;
    if (this.settings.lookbackMs > 0) {
      const position = this.logBase + this.log.length;
      this.log.push({ e, route });
      for (const { key, byEntity } of this.logIndex.values()) {
        const entity = key.entityOf(e);
        const positions = byEntity.get(entity);
        if (positions) positions.push(position);
        else byEntity.set(entity, [position]);
      }
      if (this.log.length - this.logHead > this.settings.maxLoggedCalls) this.dropOldestLogged();
    }
    for (const [entityType, { key, byEntity }] of this.flags) {
      if (route !== undefined && entityType !== route) continue;
      const list = byEntity.get(key.entityOf(e));
      if (!list) continue;
      for (const flag of list) {
        if (e.ts < flag.from || e.ts > flag.until) continue;
        const x = this.exposure(flag, e);
        if (x) out.push(x);
      }
    }
  }

  /** An alert flagged an origin: look back through the log, then follow it. */
  flag(alertId: string, ts: number, key: KeyExtractor, entity: string, filter: CallPredicate | undefined, out: VictimExposure[]): void {
    let byType = this.flags.get(key.entityType);
    if (!byType) {
      byType = { key, byEntity: new Map() };
      this.flags.set(key.entityType, byType);
    }
    const list = byType.byEntity.get(entity) ?? [];
    // One flag per origin at a time: later alerts on it extend the first one's follow period.
    const current = list.find((f) => f.until >= ts);
    if (current) {
      current.until = Math.max(current.until, ts + this.settings.followMs);
      // A rule with another filter (e.g. a campaign rule after the DNO rule) widens the flag, or its
      // victims would be lost to the first rule's narrower filter.
      if (current.filters && (!filter || !current.filters.includes(filter))) {
        current.filters = filter ? [...current.filters, filter] : undefined;
        this.lookBack(current, key, out);
      }
      return;
    }
    const flag: Flag = {
      alertId, entityType: key.entityType, entity, filters: filter ? [filter] : undefined,
      from: ts - this.settings.lookbackMs, until: ts + this.settings.followMs,
    };
    list.push(flag);
    byType.byEntity.set(entity, list);
    this.lookBack(flag, key, out);
  }

  /** The log's oldest call leaves it (and its origins' positions). */
  private dropOldestLogged(): void {
    const { e } = this.log[this.logHead]!;
    const position = this.logBase + this.logHead;
    this.logHead++;
    for (const { key, byEntity } of this.logIndex.values()) {
      const entity = key.entityOf(e);
      const positions = byEntity.get(entity);
      if (positions?.[0] !== position) continue;
      if (positions.length === 1) byEntity.delete(entity);
      else positions.shift();
    }
  }

  /** The positions of logged calls by origin of this kind, built from the log on first use. */
  private indexFor(key: KeyExtractor): Map<string, number[]> {
    let index = this.logIndex.get(key.entityType);
    if (!index) {
      index = { key, byEntity: new Map() };
      for (let i = this.logHead; i < this.log.length; i++) {
        const entity = key.entityOf(this.log[i]!.e);
        const positions = index.byEntity.get(entity);
        if (positions) positions.push(this.logBase + i);
        else index.byEntity.set(entity, [this.logBase + i]);
      }
      this.logIndex.set(key.entityType, index);
    }
    return index.byEntity;
  }

  private lookBack(flag: Flag, key: KeyExtractor, out: VictimExposure[]): void {
    const positions = this.indexFor(key).get(flag.entity);
    if (!positions) return;
    for (const position of positions) {
      const i = position - this.logBase;
      if (i < this.logHead) continue;
      const { e, route } = this.log[i]!;
      // Routed by key, only calls that came on the flagged origin's own route count: they are that
      // partition's records, so what a flag lists depends on nothing else this instance holds (the
      // same call seen on another route, from another partition, would make a rewound partition
      // list it at the flag, as if the previous owner had, and never when the call arrives).
      if (route !== undefined && route !== flag.entityType) continue;
      if (e.ts >= flag.from) {
        const x = this.exposure(flag, e);
        if (x) out.push(x);
      }
    }
  }

  isFlagged(entityType: string, entity: string, ts: number): boolean {
    const list = this.flags.get(entityType)?.byEntity.get(entity);
    return list?.some((f) => ts >= f.from && ts <= f.until) ?? false;
  }

  sweep(watermark: number): void {
    const oldest = watermark - this.settings.lookbackMs;
    while (this.logHead < this.log.length && this.log[this.logHead]!.e.ts < oldest) this.dropOldestLogged();
    if (this.logHead > 4096 && this.logHead > this.log.length / 2) {
      this.log = this.log.slice(this.logHead);
      this.logBase += this.logHead;
      this.logHead = 0;
    }
    for (const [seen, ts] of this.exposed) if (ts < watermark - this.settings.lookbackMs) this.exposed.delete(seen);
    for (const byType of this.flags.values()) {
      for (const [entity, list] of byType.byEntity) {
        const live = list.filter((f) => f.until >= watermark);
        if (live.length === 0) byType.byEntity.delete(entity);
        else if (live.length !== list.length) byType.byEntity.set(entity, live);
      }
    }
  }

  get loggedCalls(): number {
    return this.log.length - this.logHead;
  }

  get activeFlags(): number {
    let n = 0;
    for (const t of this.flags.values()) n += t.byEntity.size;
    return n;
  }
}
