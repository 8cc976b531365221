/**
 * Bounded soak (`make soak`): a labelled generator dataset replayed at a steady rate for
 * SOAK_SECONDS into a detector and an alert-sink of their own, while they are killed (-9) and
 * restarted now and then; then everything drains and what ClickHouse holds is compared with the
 * replay CLI on the same files. Prints events in, alerts expected and stored, duplicates, what
 * was lost, and what was dead-lettered by reason. Exit 1 when something was lost.
 *
 *   SOAK_SECONDS (180)  production time      SOAK_KILL_EVERY_S (25)  mean time between kills
 *   SOAK_RATE (40)      generator background calls per simulated second (dataset size)
 *   SOAK_SEED (3)       generator seed
 */
import { randomBytes } from 'node:crypto';
import type { Alert, VictimExposure } from '@telfraud/core';
import { campaignDataset } from '../support/campaign-dataset.js';
import { EventProducer } from '../support/event-producer.js';
import { GroupOffsets } from '../support/group-offsets.js';
import { PipelineHarness, type PipelineService } from '../support/pipeline-harness.js';
import { STRICT_RULES } from '../support/strict-rules.js';
import { requireStackEnv } from '../support/stack.js';
import { readTopic } from '../support/topic-reader.js';
import { sleep } from '../support/wait-for.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return v;
};
const SECONDS = num('SOAK_SECONDS', 180);
const KILL_EVERY_S = num('SOAK_KILL_EVERY_S', 25);
const RATE = num('SOAK_RATE', 40);
const SEED = num('SOAK_SEED', 3);
const log = (line: string): void => void process.stdout.write(`soak: ${line}\n`);

async function chaos(harness: PipelineHarness, until: () => boolean, kills: string[]): Promise<void> {
  while (!until()) {
    await sleep((KILL_EVERY_S * (0.5 + Math.random())) * 1000);
    if (until()) return;
    const name: PipelineService = Math.random() < 0.5 ? 'detector' : 'alert-sink';
    const at = new Date().toISOString().slice(11, 19);
    await harness.killService(name);
    await sleep(500 + Math.random() * 2_500);
    const started = Date.now();
    await harness.startService(name);
    kills.push(`${at} kill -9 ${name}, ready again ${((Date.now() - started) / 1000).toFixed(1)} s after restart`);
    log(kills[kills.length - 1]!);
  }
}

async function main(): Promise<number> {
  const env = requireStackEnv();
  const run = `soak-${randomBytes(3).toString('hex')}`;
  log(`run ${run}: ${SECONDS} s of traffic, a kill every ~${KILL_EVERY_S} s`);
  const [harness, dataset] = await Promise.all([PipelineHarness.start(run, env), campaignDataset(run, { seed: SEED, rate: RATE })]);
  const producer = await EventProducer.create(env, `soak-${run}`, 120_000);
  const offsets = await GroupOffsets.connect(env);
  try {
    const eventsIn = dataset.calls.length + dataset.sms.length;
    const chunk = 500;
    const chunks = Math.ceil(dataset.calls.length / chunk);
    log(`dataset: ${dataset.calls.length} calls + ${dataset.sms.length} SMS; replay expects ${dataset.replay.alerts.length} alerts, ${dataset.replay.victims.length} victims`);
    let done = false;
    const kills: string[] = [];
    const chaosDone = chaos(harness, () => done, kills);
    const started = Date.now();
    await producer.sendEvents(harness.topics, dataset, { chunk, pauseMs: Math.max(0, (SECONDS * 1000) / chunks - 20) });
    done = true;
    log(`produced ${eventsIn} events in ${((Date.now() - started) / 1000).toFixed(0)} s; draining`);
    await chaosDone;
    for (const name of ['detector', 'alert-sink'] as const) if (!harness.service(name)) await harness.startService(name);
    const { topics } = harness;
    await offsets.waitCaughtUp(`t-${run}-detector`, [topics.calls, topics.sms], 180_000);
    await offsets.waitCaughtUp(`t-${run}-sink`, [topics.alerts, topics.victims], 120_000);

    const db = harness.db;
    const stored = await harness.alerts<Alert>();
    const victims = await harness.victims<VictimExposure>();
    const [counts] = await db.rows<{ raw: string; final: string; distinct: string }>(
      `SELECT (SELECT count() FROM ${db.name}.alerts) AS raw, (SELECT count() FROM ${db.name}.alerts FINAL) AS final, (SELECT uniqExact(alert_id) FROM ${db.name}.alerts) AS distinct`,
    );
    const storedIds = new Set(stored.map((a) => a.alert_id));
    const expectedIds = new Set(dataset.replay.alerts.map((a) => a.alert_id));
    const lost = dataset.replay.alerts.filter((a) => !storedIds.has(a.alert_id));
    const extra = stored.filter((a) => !expectedIds.has(a.alert_id));
    const storedVictims = new Set(victims.map((v) => v.call_id));
    const lostVictims = dataset.replay.victims.filter((v) => !storedVictims.has(v.call_id));
    const entity = (a: Alert): string => `${a.entity_type}=${a.entity}`;
    const storedEntities = new Set(stored.map(entity));
    const lostEntities = [...new Set(dataset.replay.alerts.map(entity))].filter((e) => !storedEntities.has(e));
    const lostStrict = lost.filter((a) => STRICT_RULES.includes(a.rule_id));
    const parked: Record<string, number> = {};
    for (const [stream, topic] of [['calls', topics.calls], ['sms', topics.sms]] as const) {
      for (const r of await readTopic(env, `${topic}-dlq`)) {
        const key = `${stream} ${r.headers['dlq-reason'] ?? '?'}`;
        parked[key] = (parked[key] ?? 0) + 1;
      }
    }
    const alertRecords = await offsets.records(topics.alerts);
    const victimRecords = await offsets.records(topics.victims);

    const rows: [string, string | number][] = [
      ['kills', kills.length],
      ['events in (calls + SMS)', eventsIn],
      ['alerts expected (replay)', dataset.replay.alerts.length],
      ['alerts stored (FINAL)', stored.length],
      ['alert records on the topic (updates, re-emissions)', alertRecords],
      ['alert rows in ClickHouse before FINAL', Number(counts?.raw ?? 0)],
      ['duplicate alert ids visible with FINAL', Number(counts?.final ?? 0) - Number(counts?.distinct ?? 0)],
      ['duplicate alert rows without FINAL', Number(counts?.raw ?? 0) - Number(counts?.distinct ?? 0)],
      ['alerts lost (replay ids not stored)', `${lost.length} (${((100 * lost.length) / Math.max(1, dataset.replay.alerts.length)).toFixed(1)} %), strict rules ${lostStrict.length}, entities ${lostEntities.length}`],
      ['alerts not in the replay', extra.length],
      ['victims expected / stored / lost', `${dataset.replay.victims.length} / ${storedVictims.size} / ${lostVictims.length}`],
      ['victim records produced', victimRecords],
      ['dead-lettered by reason', Object.keys(parked).length === 0 ? 'none' : Object.entries(parked).map(([k, v]) => `${k}: ${v}`).join(', ')],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(`\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n\n`);
    for (const k of kills) log(k);
    if (lost.length > 0) log(`lost: ${lost.map((a) => `${a.rule_id} ${entity(a)}`).join('; ')}`);
    if (lostVictims.length > 0) log(`lost victims: ${lostVictims.map((v) => v.call_id).join(' ')}`);
    // Nothing lost = what the streaming-equals-replay test asks: every entity, every strict-rule id, 90 % of ids, every victim.
    const ok = lostEntities.length === 0 && lostStrict.length === 0 && lost.length <= 0.1 * dataset.replay.alerts.length && lostVictims.length === 0;
    log(ok ? 'nothing lost' : 'SOMETHING WAS LOST');
    return ok ? 0 : 1;
  } finally {
    await producer.close();
    await offsets.close();
    await harness.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`soak: failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(2);
  },
);
