import path from 'node:path';
import { availableParallelism } from 'node:os';
import { benchCodecs } from '../lib/codecs.js';
import { consumedBy, sampleUntil, startDetector, waitReady, type DetectorTopics, type RunningDetector } from '../lib/detector.js';
import { fmtInt, fmtRate, fmtRatio } from '../lib/format.js';
import { benchKafka, createTopics, produceAll } from '../lib/kafka.js';
import { progress, sleep } from '../lib/progress.js';
import { asCallRecords, readCallEvents } from '../lib/traffic.js';
import type { BenchContext } from './context.js';
import { RECORDS_PER_FETCH } from './throughput.js';

const PARTITIONS = 6;
/** 24k events per partition: inside the mock's ~5 MB per partition, and produced in ~3 s (well inside the 10 s session timeout). */
const ROUND_EVENTS = 144_000;
/** Each instance count gets the same rounds (the same slices of the traffic file), and is rated by the median round. */
const ROUNDS = 3;
const INSTANCES = [1, 2, 3];

interface Assignment {
  topic: string;
  partitions: number[];
}

/** Each instance's latest assignment of `topic`, from its 'partitions assigned' log lines. */
function trackAssignments(detectors: RunningDetector[], topic: string): Map<number, number[]> {
  const latest = new Map<number, number[]>();
  detectors.forEach((d, i) => d.service.onLine((line) => {
    if (!line.includes('"partitions assigned"')) return;
    try {
      const rec = JSON.parse(line) as { assignment?: Assignment[] };
      latest.set(i, rec.assignment?.find((a) => a.topic === topic)?.partitions ?? []);
    } catch {
      // not a log record
    }
  }));
  return latest;
}

function settled(latest: Map<number, number[]>, instances: number): boolean {
  if (latest.size < instances) return false;
  const all = [...latest.values()];
  const owned = all.flat();
  return all.every((p) => p.length > 0) && owned.length === PARTITIONS && new Set(owned).size === PARTITIONS;
}

/**
 * 1, 2 and 3 detector instances in one group on a 6-partition topic. The instances join on the
 * empty topic; once the group has settled they are paused (SIGSTOP), a backlog is produced,
 * and they are resumed together: the rate is the backlog over the time from the resume until the
 * instances' consumed counters (polled every 50 ms) account for all of it.
 */
export async function scalingBench(ctx: BenchContext): Promise<void> {
  const { env, run, results } = ctx;
  const kafka = benchKafka(env, 'bench-scaling');
  const codecs = await benchCodecs(env);
  const file = path.join(ctx.genDir, 'calls.jsonl');
  const rates: { instances: number; rate: number; rounds: number[] }[] = [];
  for (const k of INSTANCES) {
    const topics: DetectorTopics = { calls: `bench-${run}-s${k}-calls`, sms: `bench-${run}-s${k}-sms`, alerts: `bench-${run}-s${k}-alerts`, victims: `bench-${run}-s${k}-victims` };
    await createTopics(env, [[topics.calls, PARTITIONS], [`${topics.calls}-dlq`, 1], [topics.sms, 1], [topics.alerts, 3], [topics.victims, 3]]);
    progress(`scaling: starting ${k} detector instance(s) on ${PARTITIONS} partitions`);
    const detectors: RunningDetector[] = [];
    for (let i = 0; i < k; i++) {
      detectors.push(await startDetector(env, {
        name: `detector-${k}.${i}`, groupId: `bench-${run}-s${k}`, topics, referenceDir: path.join(ctx.genDir, 'reference'),
        extraEnv: { KAFKA_ASSIGNER_DELAY_MS: '500', LOG_LEVEL: 'info' },
      }));
    }
    const latest = trackAssignments(detectors, topics.calls);
    for (const d of detectors) await waitReady(d, 90_000);
    const deadline = Date.now() + 60_000;
    let stableSince = 0;
    let snapshot = '';
    while (Date.now() < deadline) {
      const now = JSON.stringify([...latest.entries()].sort());
      if (settled(latest, k) && now === snapshot) {
        if (Date.now() - stableSince > 2_000) break;
      } else {
        stableSince = Date.now();
        snapshot = now;
      }
      await sleep(200);
    }
    if (!settled(latest, k)) throw new Error(`${k} instances did not settle on an assignment of ${PARTITIONS} partitions in 60 s: ${JSON.stringify([...latest])}`);
    progress(`scaling: ${k} instance(s) settled: ${[...latest.values()].map((p) => `[${p.join(',')}]`).join(' ')}`);
    const rounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const offset = r * ROUND_EVENTS;
      const base = await consumedBy(detectors);
      for (const d of detectors) d.service.pause();
      try {
        await produceAll(
          kafka, topics.calls, PARTITIONS,
          asCallRecords(skip(readCallEvents(file, offset + ROUND_EVENTS), offset), codecs.calls),
          { perPartitionBatch: RECORDS_PER_FETCH },
        );
      } finally {
        for (const d of detectors) d.service.resume();
      }
      const t0 = Date.now();
      const { samples, done } = await sampleUntil(detectors, ROUND_EVENTS, { t0, base, timeoutMs: 60_000, everyMs: 50 });
      if (!done) throw new Error(`${k} instance(s) consumed only ${samples.at(-1)?.n} of ${ROUND_EVENTS} in 60 s`);
      const rate = ROUND_EVENTS / (samples.at(-1)!.t / 1000);
      rounds.push(rate);
      progress(`scaling: ${k} instance(s), round ${r + 1}: ${fmtRate(rate)}`);
      await sleep(1_000);
    }
    await Promise.all(detectors.map((d) => d.service.stop()));
    rates.push({ instances: k, rate: median(rounds), rounds });
  }
  const one = rates[0]?.rate ?? Number.NaN;
  for (const r of rates) {
    results.add({
      area: 'Scaling', measure: `${r.instances} detector instance(s), one group, ${PARTITIONS} partitions (median of ${ROUNDS} rounds of ${fmtInt(ROUND_EVENTS)})`,
      result: `${fmtRate(r.rate)} (${fmtRatio(r.rate / one)} of 1 instance; rounds ${r.rounds.map((x) => fmtRate(x)).join(', ')})`,
    });
  }
  results.raw['scaling'] = rates;
  results.note(
    `Scaling: this machine has ${availableParallelism()} cores, shared by the instances, the broker and the load producer (paused instances do not run while the backlog is produced). ` +
    'Beyond 2 instances there is no core left to scale onto; on more cores each instance adds its own. KAFKA_ASSIGNER_DELAY_MS=500 (the mock broker\'s rebalance workaround).',
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function* skip<T>(source: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  let i = 0;
  for await (const x of source) if (i++ >= n) yield x;
}
