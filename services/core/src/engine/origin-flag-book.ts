interface FlagSpan {
  from: number;
  until: number;
}

/**
 * Origins flagged on other instances, known from their alerts: when detection is spread by key,
 * the instance correlating OTPs with calls to a callee does not hold the trunk's or the CLI's
 * window state, only the alerts those produced. Each alert flags its origin over the same span a
 * local flag would: its look-back before the alert, its follow period after.
 */
export class OriginFlagBook {
  private readonly spans = new Map<string, FlagSpan[]>();

  add(entityType: string, entity: string, from: number, until: number): void {
    const key = `${entityType}\u0000${entity}`;
    const list = this.spans.get(key);
    if (!list) {
      this.spans.set(key, [{ from, until }]);
      return;
    }
    if (list.some((s) => s.from <= from && s.until >= until)) return;
    list.push({ from, until });
  }

  isFlagged(entityType: string, entity: string, ts: number): boolean {
    const list = this.spans.get(`${entityType}\u0000${entity}`);
    return list?.some((s) => ts >= s.from && ts <= s.until) ?? false;
  }

  sweep(watermark: number): void {
    for (const [key, list] of this.spans) {
      const live = list.filter((s) => s.until >= watermark);
      if (live.length === 0) this.spans.delete(key);
      else if (live.length !== list.length) this.spans.set(key, live);
    }
  }

  get size(): number {
    return this.spans.size;
  }
}
