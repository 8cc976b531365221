import type { Principal } from '../access/tokens.js';
import { SocApiError } from '../api/api-error.js';
import type { Triage, TriageAction, TriageEvent } from '../store/alert-rows.js';
import { triageOf } from '../store/triage-state.js';
import { applyTriage, parseTriageRequest } from './triage-transition.js';

/** What the desk needs from the store. */
export interface TriageStore {
  alertExists(alertId: string): Promise<boolean>;
  triageHistory(alertId: string): Promise<TriageEvent[]>;
  appendTriage(alertId: string, state: Triage & { ts: number }, action: TriageAction, by: Principal): Promise<void>;
}

/**
 * Takes triage requests one at a time (read the latest state, append the next), so two analysts
 * acting on one alert through this service never both build on the same old state. Event times
 * only move forward per alert, so (ts, event_id) order is the order actions were taken.
 */
export class TriageDesk {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: TriageStore, private readonly now: () => number) {}

  apply(alertId: string, body: Buffer, by: Principal): Promise<{ action: TriageAction; state: Triage }> {
    const request = parseTriageRequest(body);
    const run = this.tail.then(async () => {
      if (!(await this.store.alertExists(alertId))) throw new SocApiError(404, 'unknown alert');
      const current = triageOf(await this.store.triageHistory(alertId));
      const at = Math.max(this.now(), (current.ts ?? 0) + 1);
      const state = applyTriage(current, request, at, by.name);
      await this.store.appendTriage(alertId, { ...state, ts: at }, request.action, by);
      return { action: request.action, state };
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
