import { Kafka, logLevel, type Admin } from 'kafkajs';
import { waitFor } from './wait-for.js';

/** Reads consumer-group and topic offsets of the local stack, to know when a service has caught up. */
export class GroupOffsets {
  private constructor(private readonly admin: Admin) {}

  static async connect(env: Record<string, string>): Promise<GroupOffsets> {
    const kafka = new Kafka({ clientId: 'test-offsets', brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    return new GroupOffsets(admin);
  }

  /** Records ever written to `topic` (sum of high watermarks). */
  async records(topic: string): Promise<number> {
    return (await this.admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  }

  /** Messages of `topics` the group has not committed yet. */
  async lag(groupId: string, topics: string[]): Promise<number> {
    let lag = 0;
    for (const topic of topics) {
      const [ends, [committed]] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId, topics: [topic] })]);
      const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const));
      for (const p of ends) lag += Number(p.high) - Math.max(at.get(p.partition) ?? -1, Number(p.low));
    }
    return lag;
  }

  /** Per partition of `topic`: the group's committed offset, -1 where it has none. */
  async committed(groupId: string, topic: string): Promise<Map<number, number>> {
    const [ends, [group]] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId, topics: [topic] })]);
    const at = new Map((group?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const));
    return new Map(ends.map((p) => [p.partition, at.get(p.partition) ?? -1] as const));
  }

  /** Waits until the group has committed everything written to `topics`. */
  async waitCaughtUp(groupId: string, topics: string[], timeoutMs = 120_000): Promise<void> {
    await waitFor(`${groupId} to commit all of ${topics.join(', ')}`, async () => ((await this.lag(groupId, topics)) === 0 ? true : undefined), timeoutMs);
  }

  close(): Promise<void> {
    return this.admin.disconnect();
  }
}
