import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTopicList, TOPICS_FILE, TopicListError } from './topic-list.js';
import { planTopics, type ExistingTopic } from './topic-plan.js';

describe('the topic list', () => {
  it('parses partitions, topic configs and the local-only flag', () => {
    const topics = parseTopicList('# c\n\ncall-events 6 retention.ms=604800000  # a week\n_schemas 1 cleanup.policy=compact\nbench 32 local-only\n');
    expect(topics).toEqual([
      { name: 'call-events', partitions: 6, configs: { 'retention.ms': '604800000' }, localOnly: false },
      { name: '_schemas', partitions: 1, configs: { 'cleanup.policy': 'compact' }, localOnly: false },
      { name: 'bench', partitions: 32, configs: {}, localOnly: true },
    ]);
  });

  it.each([
    ['bad name', 'a/b 1', /:1: invalid topic name 'a\/b'/],
    ['no partitions', 'x', /:1: expected 'name partitions'/],
    ['zero partitions', '\nx 0', /:2: expected 'name partitions'/],
    ['duplicate', 'x 1\nx 2', /:2: duplicate topic 'x'/],
    ['a stray word', 'x 1 compact', /:1: unexpected 'compact'/],
    ['a config twice', 'x 1 a=1 a=2', /:1: config 'a' given twice/],
  ])('refuses %s, naming the line', (_label, text, message) => {
    expect(() => parseTopicList(text)).toThrow(TopicListError);
    expect(() => parseTopicList(text)).toThrow(message);
  });

  it('the repository\'s list gives every topic a real cluster gets a retention or a cleanup policy', () => {
    const topics = parseTopicList(readFileSync(TOPICS_FILE, 'utf8'), TOPICS_FILE);
    const deployed = topics.filter((t) => !t.localOnly && t.name !== 'fraud-rules');
    expect(deployed.map((t) => t.name)).toEqual(expect.arrayContaining(['call-events', 'sms-events', 'fraud-alerts', 'victim-exposures', 'call-events-by-key', 'block-actions']));
    for (const t of deployed) expect(t.configs['retention.ms'] ?? t.configs['cleanup.policy'], t.name).toBeDefined();
    // The detector rebuilds its state by re-reading 6 h 3 min of input (default pack): retention must hold it.
    for (const name of ['call-events', 'sms-events', 'call-events-by-key']) {
      expect(Number(topics.find((t) => t.name === name)?.configs['retention.ms'])).toBeGreaterThan(6 * 3_600_000 + 3 * 60_000);
    }
  });
});

describe('the topic job\'s plan', () => {
  const wanted = parseTopicList('a 6 retention.ms=100\nb 3 retention.ms=200\nc 12\nbench 32 local-only\n');

  it('creates what is missing, skips local-only topics, keeps what matches', () => {
    const plan = planTopics(wanted, new Map([['a', { partitions: 6, configs: { 'retention.ms': '100' } }]]));
    expect(plan.create.map((t) => t.name)).toEqual(['b', 'c']);
    expect(plan.unchanged).toEqual(['a']);
    expect(plan.tooFewPartitions).toEqual([]);
    expect(plan.configDrift).toEqual([]);
  });

  it('reports fewer partitions and differing configs instead of changing them', () => {
    const plan = planTopics(wanted, new Map<string, ExistingTopic>([
      ['a', { partitions: 6, configs: { 'retention.ms': '999' } }],
      ['b', { partitions: 3, configs: { 'retention.ms': '200' } }],
      ['c', { partitions: 4, configs: {} }],
    ]));
    expect(plan.create).toEqual([]);
    expect(plan.unchanged).toEqual(['b']);
    expect(plan.tooFewPartitions).toEqual([{ name: 'c', has: 4, wanted: 12 }]);
    expect(plan.configDrift).toEqual([{ name: 'a', key: 'retention.ms', has: '999', wanted: '100' }]);
  });
});
