/**
 * Alert ids already notified, each remembered until a horizon, so updates and replays of one alert
 * notify once. Bounded: past `capacity` the oldest entries are forgotten first.
 */
export class NotifyLog {
  private readonly until = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  has(alertId: string, now: number): boolean {
    const u = this.until.get(alertId);
    return u !== undefined && u > now;
  }

  add(alertId: string, until: number): void {
    this.until.delete(alertId);
    this.until.set(alertId, until);
    while (this.until.size > this.capacity) {
      const oldest = this.until.keys().next();
      if (oldest.done) break;
      this.until.delete(oldest.value);
    }
  }

  forget(alertId: string): void {
    this.until.delete(alertId);
  }

  prune(now: number): void {
    for (const [id, u] of this.until) if (u <= now) this.until.delete(id);
  }

  get size(): number {
    return this.until.size;
  }
}
