import type { Severity } from '@telfraud/core';

export type BlockKind = 'block' | 'divert';

/** One active block (or divert) of one entity. There is never more than one per (entity_type, entity). */
export interface ActiveBlock {
  entityType: string;
  entity: string;
  kind: BlockKind;
  /** Event time of the alert that opened it: part of every idempotency key of this block. */
  epoch: number;
  startedAt: number;
  expiresAt: number;
  ruleId: string;
  alertId: string;
  severity: Severity;
  announcement: string | undefined;
  /** Alert ids that this block already covers (bounded), to tell duplicates from new alerts. */
  alertIds: string[];
  dryRun: boolean;
}

const MAX_ALERT_IDS = 64;

export function entityKey(entityType: string, entity: string): string {
  return `${entityType}\u0000${entity}`;
}

/**
 * Active blocks keyed by (entity_type, entity), with their expiry, plus operator suppressions
 * (a lifted block is not re-opened by alerts it already covered until its original expiry).
 */
export class BlockBook {
  private readonly blocks = new Map<string, ActiveBlock>();
  private readonly suppressions = new Map<string, number>();

  get size(): number {
    return this.blocks.size;
  }

  get(entityType: string, entity: string): ActiveBlock | undefined {
    return this.blocks.get(entityKey(entityType, entity));
  }

  list(): ActiveBlock[] {
    return [...this.blocks.values()].sort((a, b) => a.expiresAt - b.expiresAt || a.entity.localeCompare(b.entity));
  }

  countByKind(): Record<BlockKind, number> {
    const out: Record<BlockKind, number> = { block: 0, divert: 0 };
    for (const b of this.blocks.values()) out[b.kind]++;
    return out;
  }

  open(block: ActiveBlock): void {
    this.blocks.set(entityKey(block.entityType, block.entity), { ...block, alertIds: block.alertIds.slice(-MAX_ALERT_IDS) });
  }

  /** Moves the expiry (either way: a failed extension is rolled back with this too). */
  setExpiry(entityType: string, entity: string, expiresAt: number): void {
    const b = this.get(entityType, entity);
    if (b) b.expiresAt = expiresAt;
  }

  noteAlert(entityType: string, entity: string, alertId: string): void {
    const b = this.get(entityType, entity);
    if (!b || b.alertIds.includes(alertId)) return;
    b.alertIds.push(alertId);
    if (b.alertIds.length > MAX_ALERT_IDS) b.alertIds.shift();
  }

  remove(entityType: string, entity: string): ActiveBlock | undefined {
    const key = entityKey(entityType, entity);
    const b = this.blocks.get(key);
    this.blocks.delete(key);
    return b;
  }

  /** Removes and returns every block whose expiry is at or before `now`, oldest first. */
  takeExpired(now: number): ActiveBlock[] {
    const out: ActiveBlock[] = [];
    for (const [key, b] of this.blocks) {
      if (b.expiresAt <= now) {
        out.push(b);
        this.blocks.delete(key);
      }
    }
    for (const [key, until] of this.suppressions) if (until <= now) this.suppressions.delete(key);
    return out.sort((a, b) => a.expiresAt - b.expiresAt);
  }

  suppress(entityType: string, entity: string, until: number): void {
    this.suppressions.set(entityKey(entityType, entity), until);
  }

  /** The end of an operator suppression still running at `now`, if any. */
  suppressedUntil(entityType: string, entity: string, now: number): number | undefined {
    const until = this.suppressions.get(entityKey(entityType, entity));
    return until !== undefined && until > now ? until : undefined;
  }
}
