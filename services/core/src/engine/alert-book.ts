import { alertId, periodStart } from '../alert-identity.js';
import { SEVERITIES, type Alert, type Severity } from '../events.js';
import type { Firing } from '../rules/firing.js';

interface OpenAlert {
  alert: Alert;
  base: Severity;
  lastEmittedValue: number;
  expiresAt: number;
}

/** How much a repeat firing must grow before the alert is re-emitted as an update. */
const UPDATE_GROWTH = 2;
/** Other rules agreeing on an entity within this long raise severity. */
const AGREEMENT_MS = 15 * 60_000;

function raise(base: Severity, steps: number): Severity {
  const i = Math.min(SEVERITIES.indexOf(base) + steps, SEVERITIES.length - 1);
  return SEVERITIES[i]!;
}

/**
 * Alert lifecycle: one alert per rule, entity and incident period (deterministic id); repeat
 * firings inside the period update it only when it grows or escalates, so an ongoing campaign
 * yields a handful of records, not thousands; several rules agreeing on one entity escalate all
 * of their alerts.
 */
export class AlertBook {
  private readonly open = new Map<string, OpenAlert>();
  /** entityType\0entity → ruleId → last firing ts */
  private readonly agreement = new Map<string, Map<string, number>>();

  constructor(private readonly escalate: boolean) {}

  /** Returns the alerts to emit (new, updated or escalated), possibly none. */
  fire(f: Firing): { alerts: Alert[]; created: Alert | undefined } {
    const period = periodStart(f.ts, f.cooldownMs);
    const id = alertId(f.ruleId, f.entityType, f.entity, period);
    const entityKey = `${f.entityType}\u0000${f.entity}`;
    const agreeing = this.recordAgreement(entityKey, f.ruleId, f.ts);
    const steps = this.escalate ? Math.min(agreeing - 1, 2) : 0;
    const severity = raise(f.severity, steps);
    const out: Alert[] = [];
    let created: Alert | undefined;
    const existing = this.open.get(id);
    if (!existing) {
      const alert: Alert = {
        alert_id: id, rule_id: f.ruleId, severity, entity_type: f.entityType, entity: f.entity,
        window_start: f.windowStart, window_end: f.windowEnd, ts: f.ts,
        value: f.value, threshold: f.threshold, summary: f.summary, evidence: f.evidence,
      };
      this.open.set(id, { alert, base: f.severity, lastEmittedValue: f.value, expiresAt: period + 2 * f.cooldownMs });
      out.push(alert);
      created = alert;
    } else {
      const a = existing.alert;
      const grew = Math.abs(f.value) >= Math.abs(existing.lastEmittedValue) * UPDATE_GROWTH && f.value !== existing.lastEmittedValue;
      const escalated = SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(a.severity);
      if (grew || escalated) {
        const updated: Alert = {
          ...a, severity: escalated ? severity : a.severity, window_end: Math.max(a.window_end, f.windowEnd),
          value: grew ? f.value : a.value, summary: grew ? f.summary : a.summary, evidence: f.evidence,
        };
        existing.alert = updated;
        if (grew) existing.lastEmittedValue = f.value;
        out.push(updated);
      }
    }
    if (steps > 0) out.push(...this.escalateOthers(f, steps, id));
    return { alerts: out, created };
  }

  private recordAgreement(entityKey: string, ruleId: string, ts: number): number {
    let rules = this.agreement.get(entityKey);
    if (!rules) {
      rules = new Map();
      this.agreement.set(entityKey, rules);
    }
    rules.set(ruleId, Math.max(rules.get(ruleId) ?? 0, ts));
    let n = 0;
    for (const last of rules.values()) if (ts - last <= AGREEMENT_MS) n++;
    return n;
  }

  /** Other rules' open alerts on the same entity rise to the agreed severity too. */
  private escalateOthers(f: Firing, steps: number, selfId: string): Alert[] {
    const out: Alert[] = [];
    for (const [id, o] of this.open) {
      if (id === selfId || o.alert.entity_type !== f.entityType || o.alert.entity !== f.entity) continue;
      if (o.expiresAt < f.ts) continue;
      // The agreement's steps, not the firing rule's (possibly capped) rise: a HIGH rule capped at
      // CRITICAL must still lift a MEDIUM one by two.
      const target = raise(o.base, steps);
      if (SEVERITIES.indexOf(target) > SEVERITIES.indexOf(o.alert.severity)) {
        o.alert = { ...o.alert, severity: target };
        out.push(o.alert);
      }
    }
    return out;
  }

  sweep(watermark: number): void {
    for (const [id, o] of this.open) if (o.expiresAt < watermark) this.open.delete(id);
    for (const [k, rules] of this.agreement) {
      for (const [r, last] of rules) if (last < watermark - AGREEMENT_MS) rules.delete(r);
      if (rules.size === 0) this.agreement.delete(k);
    }
  }

  get openAlerts(): number {
    return this.open.size;
  }
}
