import { hash128Hex } from './stable-hash.js';

/**
 * An alert's id depends only on what fired (rule), on whom (entity type and value) and the
 * event-time incident period it belongs to: replays and restarts re-derive the same id, so
 * idempotent sinks never store a second alert.
 */
export function alertId(ruleId: string, entityType: string, entity: string, periodStart: number): string {
  return hash128Hex(`${ruleId}\u0000${entityType}\u0000${entity}\u0000${periodStart}`);
}

/** Start of the incident period containing `ts`. */
export function periodStart(ts: number, periodMs: number): number {
  return Math.floor(ts / periodMs) * periodMs;
}
