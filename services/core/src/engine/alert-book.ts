import { alertId, periodStart } from '../alert-identity.js';
import { SEVERITIES, type Alert, type Severity } from '../events.js';
import type { Firing, FiringHead } from '../rules/firing.js';

interface OpenAlert {
  alert: Alert;
  base: Severity;
  lastEmittedValue: number;
  expiresAt: number;
}

/** The event times a rule fired at on an entity, as a span (a campaign fires on every event). */
interface FiringSpan {
  first: number;
  last: number;
}

interface EntityAgreement {
  /** ruleId → the span of its firings' event times */
  rules: Map<string, FiringSpan>;
  /** Keys of open alerts on this entity. */
  open: Set<string>;
  /** Agreeing rules when others were last escalated: escalate again only when more agree. */
  escalatedAt: number;
}

/** How much a repeat firing must grow before the alert is re-emitted as an update. */
const UPDATE_GROWTH = 2;
/** Other rules agreeing on an entity within this long raise severity. */
const AGREEMENT_MS = 15 * 60_000;
const NONE: { alerts: Alert[]; created: undefined } = Object.freeze({ alerts: [] as Alert[], created: undefined });

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

function raise(base: Severity, steps: number): Severity {
  return SEVERITIES[Math.min(rank(base) + steps, SEVERITIES.length - 1)]!;
}

/**
 * Alert lifecycle: one alert per rule, entity and incident period (deterministic id); repeat
 * firings inside the period update it only when it grows or escalates, so an ongoing campaign
 * yields a handful of records, not thousands; several rules agreeing on one entity escalate all
 * of their alerts. A repeat firing that changes nothing costs a few map lookups: the firing's
 * details are built only when an alert is emitted.
 */
export class AlertBook {
  /** rule\0entityType\0entity\0period → open alert */
  private readonly open = new Map<string, OpenAlert>();
  /** entityType\0entity → agreement */
  private readonly entities = new Map<string, EntityAgreement>();

  constructor(private readonly escalate: boolean) {}

  /** Returns the alerts to emit (new, updated or escalated), possibly none. */
  fire(f: FiringHead): { alerts: Alert[]; created: Alert | undefined } {
    const period = periodStart(f.ts, f.cooldownMs);
    const entityKey = `${f.entityType}\u0000${f.entity}`;
    const key = `${f.ruleId}\u0000${entityKey}\u0000${period}`;
    const entity = this.recordAgreement(entityKey, f.ruleId, f.ts);
    const agreeing = this.agreeing(entity, f.ts);
    const steps = this.escalate ? Math.min(agreeing - 1, 2) : 0;
    const severity = raise(f.severity, steps);
    const existing = this.open.get(key);
    const othersToEscalate = steps > 0 && agreeing > entity.escalatedAt;
    let out: Alert[] | undefined;
    let created: Alert | undefined;
    if (!existing) {
      const full = complete(f);
      const alert: Alert = {
        alert_id: alertId(f.ruleId, f.entityType, f.entity, period), rule_id: f.ruleId, severity,
        entity_type: f.entityType, entity: f.entity, window_start: full.windowStart, window_end: full.windowEnd, ts: f.ts,
        value: f.value, threshold: full.threshold, summary: full.summary, evidence: full.evidence,
      };
      this.open.set(key, { alert, base: f.severity, lastEmittedValue: f.value, expiresAt: period + 2 * f.cooldownMs });
      entity.open.add(key);
      out = [alert];
      created = alert;
    } else {
      const a = existing.alert;
      const grew = Math.abs(f.value) >= Math.abs(existing.lastEmittedValue) * UPDATE_GROWTH && f.value !== existing.lastEmittedValue;
      const escalated = rank(severity) > rank(a.severity);
      if (!grew && !escalated && !othersToEscalate) return NONE;
      if (grew || escalated) {
        const full = complete(f);
        const updated: Alert = {
          ...a, severity: escalated ? severity : a.severity, window_end: Math.max(a.window_end, full.windowEnd),
          value: grew ? f.value : a.value, summary: grew ? full.summary : a.summary, evidence: full.evidence,
        };
        existing.alert = updated;
        if (grew) existing.lastEmittedValue = f.value;
        out = [updated];
      }
    }
    if (othersToEscalate) {
      entity.escalatedAt = agreeing;
      const others = this.escalateOthers(entity, steps, key, f.ts);
      if (others.length > 0) out = [...(out ?? []), ...others];
    }
    return out ? { alerts: out, created } : NONE;
  }

  private recordAgreement(entityKey: string, ruleId: string, ts: number): EntityAgreement {
    let e = this.entities.get(entityKey);
    if (!e) {
      e = { rules: new Map(), open: new Set(), escalatedAt: 1 };
      this.entities.set(entityKey, e);
    }
    const span = e.rules.get(ruleId);
    if (span === undefined) e.rules.set(ruleId, { first: ts, last: ts });
    else if (ts > span.last) span.last = ts;
    else if (ts < span.first) span.first = ts;
    return e;
  }

  /**
   * Rules that fired within AGREEMENT_MS of `ts`, before or after it: firings arrive in the order
   * partitions are read, not in event time, so a firing read after a later one of another rule (its
   * partition ran ahead) is judged by event time, as an in-order reader would have judged the later
   * one. Read in order, `last` is never after `ts` and this is "fired in the 15 minutes before".
   */
  private agreeing(e: EntityAgreement, ts: number): number {
    let n = 0;
    for (const span of e.rules.values()) if (ts - span.last <= AGREEMENT_MS && span.first - ts <= AGREEMENT_MS) n++;
    return n;
  }

  /** Other rules' open alerts on the same entity rise by the agreement's steps too. */
  private escalateOthers(e: EntityAgreement, steps: number, selfKey: string, ts: number): Alert[] {
    const out: Alert[] = [];
    for (const key of e.open) {
      const o = this.open.get(key);
      if (key === selfKey || !o || o.expiresAt < ts) continue;
      // The agreement's steps, not the firing rule's (possibly capped) rise: a HIGH rule capped at
      // CRITICAL must still lift a MEDIUM one by two.
      const target = raise(o.base, steps);
      if (rank(target) > rank(o.alert.severity)) {
        o.alert = { ...o.alert, severity: target };
        out.push(o.alert);
      }
    }
    return out;
  }

  sweep(watermark: number): void {
    for (const [key, o] of this.open) if (o.expiresAt < watermark) this.open.delete(key);
    for (const [k, e] of this.entities) {
      for (const [r, span] of e.rules) if (span.last < watermark - AGREEMENT_MS) e.rules.delete(r);
      for (const key of e.open) if (!this.open.has(key)) e.open.delete(key);
      if (e.rules.size === 0 && e.open.size === 0) this.entities.delete(k);
      else if (e.escalatedAt > e.rules.size) e.escalatedAt = Math.max(1, e.rules.size);
    }
  }

  get openAlerts(): number {
    return this.open.size;
  }
}

function complete(f: FiringHead): Firing {
  return f.complete ? f.complete() : (f as Firing);
}
