import { fileURLToPath } from 'node:url';

/** `infra/kafka/topics.txt`: the one topic list of the local stack and of real clusters. */
export const TOPICS_FILE = fileURLToPath(new URL('../../../../infra/kafka/topics.txt', import.meta.url));

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Kafka topic configs (`retention.ms`, `cleanup.policy`, ...) set on real clusters. */
  configs: Record<string, string>;
  /** Created by the local stack only (benchmark topics). */
  localOnly: boolean;
}

export class TopicListError extends Error {
  constructor(readonly source: string, readonly line: number, message: string) {
    super(`${source}:${line}: ${message}`);
    this.name = 'TopicListError';
  }
}

// Kafka's own rule for topic names (the mock broker's launcher checks the same).
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Parses `name partitions [key=value ...] [local-only]` lines, `#` comments; every error names its line. */
export function parseTopicList(text: string, source = 'topics.txt'): TopicSpec[] {
  const topics: TopicSpec[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) return;
    const [name = '', partitionsText = '', ...rest] = words;
    if (!TOPIC_NAME.test(name) || name === '.' || name === '..') throw new TopicListError(source, line, `invalid topic name '${name}'`);
    if (seen.has(name)) throw new TopicListError(source, line, `duplicate topic '${name}'`);
    const partitions = Number(partitionsText);
    if (!/^\d+$/.test(partitionsText) || partitions < 1 || partitions > 10_000) {
      throw new TopicListError(source, line, `expected 'name partitions' with partitions in 1..10000, got '${partitionsText}'`);
    }
    const configs: Record<string, string> = {};
    let localOnly = false;
    for (const word of rest) {
      if (word === 'local-only') {
        localOnly = true;
        continue;
      }
      const eq = word.indexOf('=');
      if (eq <= 0 || eq === word.length - 1) throw new TopicListError(source, line, `unexpected '${word}' (after the partitions: key=value or local-only)`);
      const key = word.slice(0, eq);
      if (key in configs) throw new TopicListError(source, line, `config '${key}' given twice`);
      configs[key] = word.slice(eq + 1);
    }
    seen.add(name);
    topics.push({ name, partitions, configs, localOnly });
  });
  return topics;
}
