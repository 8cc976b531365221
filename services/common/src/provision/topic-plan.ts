import type { TopicSpec } from './topic-list.js';

export interface ExistingTopic {
  partitions: number;
  /** The topic's configs as the cluster reports them (only those the list sets are compared). */
  configs: Record<string, string>;
}

export interface TopicPlan {
  create: TopicSpec[];
  /** Topics that exist as wanted. */
  unchanged: string[];
  /** Fewer partitions than listed: a deliberate operator step (keys move), never done by the job. */
  tooFewPartitions: { name: string; has: number; wanted: number }[];
  /** A listed config that differs on the cluster: reported, not overwritten (an operator may have tuned it). */
  configDrift: { name: string; key: string; has: string | undefined; wanted: string }[];
}

/** What the topic job does on a cluster holding `existing`; local-only topics are left out. */
export function planTopics(wanted: readonly TopicSpec[], existing: ReadonlyMap<string, ExistingTopic>): TopicPlan {
  const plan: TopicPlan = { create: [], unchanged: [], tooFewPartitions: [], configDrift: [] };
  for (const topic of wanted) {
    if (topic.localOnly) continue;
    const has = existing.get(topic.name);
    if (!has) {
      plan.create.push(topic);
      continue;
    }
    let same = true;
    if (has.partitions < topic.partitions) {
      plan.tooFewPartitions.push({ name: topic.name, has: has.partitions, wanted: topic.partitions });
      same = false;
    }
    for (const [key, value] of Object.entries(topic.configs)) {
      if (has.configs[key] !== value) {
        plan.configDrift.push({ name: topic.name, key, has: has.configs[key], wanted: value });
        same = false;
      }
    }
    if (same) plan.unchanged.push(topic.name);
  }
  return plan;
}
