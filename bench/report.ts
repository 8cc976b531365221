import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, availableParallelism } from 'node:os';
import path from 'node:path';
import { ROOT } from '../test/support/stack.js';
import { profileMarkdown } from './lib/cpu-profile.js';
import { fmtBytes, fmtInt, fmtMs, fmtNs, fmtRate } from './lib/format.js';
import { markdownTable, type ProfileReport, type Results } from './lib/results.js';
import type { LatencySummary } from './lib/stats.js';
import { RECORDS_PER_FETCH, THROUGHPUT_EVENTS } from './suites/throughput.js';

interface LatencyLevel {
  rate: number;
  toRecord: LatencySummary;
  toClickHouse: LatencySummary;
  cpu: { machine: number; detector: number; producer: number };
}

interface Raw {
  throughput?: { detectorRate?: number; bareRate?: number; kcatRate?: number };
  latency?: LatencyLevel;
  latencyQuarter?: LatencyLevel;
  replay?: { events: number; replayMs: number; readParseMs: number };
  engine?: {
    quiet: { updateNs: number };
    campaign: { updateNs: number; alertsEmitted: number };
    keyRuns: { keys: number; updateNs: number }[];
    ruleRuns: { rules: number; updateNs: number }[];
    memory: Record<string, { heapDelta: number; externalDelta: number; keys: number; rss: number; trackedCalls: number; sweepMs: number }>;
    sizes: Record<string, number>;
  };
  scaling?: { instances: number; rate: number }[];
  sink?: { rate?: number; rowsPerInsert: number; insertMs: number; direct: number };
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} cores (${cpu}), ${fmtBytes(totalmem())} memory, Linux ${release()} ${process.arch}, Node ${process.version}`;
}

function areas(p: ProfileReport | undefined, n = 4): string {
  return p ? p.categories.slice(0, n).map((c) => `${c.name} ${c.pct.toFixed(0)} %`).join(', ') : 'no profile';
}

function topFns(p: ProfileReport | undefined, n = 4): string {
  return p ? p.top.slice(0, n).map((t) => `\`${t.fn}\` (${t.where}, ${t.pct.toFixed(1)} %)`).join(', ') : 'no profile';
}

/** The closing note: for each area, what limits it, from this run's own figures and profiles. */
function closingNote(results: Results): string[] {
  const raw = results.raw as Raw;
  const out: string[] = [];
  const detectorProfile = results.profiles.find((p) => p.title.startsWith('Detector'));
  const replayProfile = results.profiles.find((p) => p.title.startsWith('Replay'));
  const t = raw.throughput;
  const e = raw.engine;
  if (t?.detectorRate !== undefined && t.bareRate !== undefined) {
    const share = (100 * t.detectorRate) / t.bareRate;
    const engineBound = e ? ` The detection core alone costs ${fmtNs(e.quiet.updateNs)} per event in-process with the default pack on quiet synthetic traffic (at most ${fmtRate(1e9 / e.quiet.updateNs)} on one core before any Kafka or Avro work), while reaching 50 % of the bare consumer leaves ${fmtNs(1e9 / (t.bareRate / 2))} per event for everything.` : '';
    out.push(results.misses.has('detector-throughput')
      ? `**Detector throughput (missed: ${share.toFixed(0)} % of bare kafkajs).** Reading is not the limit: a bare kafkajs consumer reads the same topic at ${fmtRate(t.bareRate)}. The detector runs its JavaScript on one core and spends ${fmtNs(1e9 / t.detectorRate)} of it per event.${engineBound} Profile by area: ${areas(detectorProfile)}; top self time: ${topFns(detectorProfile)}. The bottleneck is the largest area of that profile${detectorProfile?.categories[0] ? ` (${detectorProfile.categories[0].name})` : ''}; reading and decoding (kafkajs, avsc) are small beside it.`
      : `**Detector throughput (met: ${share.toFixed(0)} % of bare kafkajs).**${engineBound}`);
  }
  if (raw.latency) {
    const l = raw.latency;
    const q = raw.latencyQuarter;
    const cpu = `the machine was ${Math.round(100 * l.cpu.machine)} % busy (detector ${Math.round(100 * l.cpu.detector)} % of a core, load producer ${Math.round(100 * l.cpu.producer)} %)`;
    const quarter = q ? ` At a quarter of the maximum (${fmtRate(q.rate)}) p99 is ${fmtMs(q.toRecord.p99)} with the machine ${Math.round(100 * q.cpu.machine)} % busy.` : '';
    const sweep = raw.engine?.memory['default']?.sweepMs;
    const pause = sweep !== undefined && sweep > 50 ? ` The engine's periodic sweep of expired state also runs inside processCall, on whichever event triggers it: at 1M origins one sweep took ${fmtMs(sweep)}.` : '';
    out.push(results.misses.has('latency')
      ? `**Latency (missed: p99 ${fmtMs(l.toRecord.p99)} at ${fmtRate(l.rate)}).** During the load ${cpu}.${quarter} The mock broker answers a fetch with one producer batch per partition, and the load producer sends one every 10 ms per partition whatever the rate: a detector that falls behind (the machine busy with other processes) catches up by one batch per partition per fetch round trip, where a real broker would hand it everything waiting; and each batch waits for its alerts' acknowledgement and its offset commit before the next is handled, so those round trips cap the batches handled per second, whatever their size. The CPU it spends per event is the same hot path as in the detector profile (${areas(detectorProfile, 3)}).${pause}`
      : `**Latency (met: p99 ${fmtMs(l.toRecord.p99)} to the alert topic, ${fmtMs(l.toClickHouse.p99)} to ClickHouse; ${cpu}).**${quarter} The rest of the ClickHouse figure is the alert-sink's INSERT and this bench's 100 ms poll.`);
  }
  if (raw.replay) {
    const r = raw.replay;
    const rate = r.events / (r.replayMs / 1000);
    out.push(results.misses.has('replay')
      ? `**Replay (missed: ${fmtRate(rate)}, ${(r.replayMs / r.readParseMs).toFixed(1)}x read+parse).** Reading and parsing the file alone takes ${fmtMs(r.readParseMs)} of the ${fmtMs(r.replayMs)}; the rest is validation and the detection core, which is the bottleneck. Profile by area: ${areas(replayProfile)}; top self time: ${topFns(replayProfile)}.`
      : `**Replay (met: ${fmtRate(rate)}, ${(r.replayMs / r.readParseMs).toFixed(1)}x read+parse).**`);
  }
  if (e) {
    const reg = e.memory['registry'];
    const perKey = (name: string): number => {
      const m = e.memory[name];
      return m && reg ? (m.heapDelta + m.externalDelta - reg.heapDelta - reg.externalDelta) / m.keys : Number.NaN;
    };
    const def = e.memory['default'];
    if (results.misses.has('state-bytes') || results.misses.has('rss')) {
      out.push(
        `**Memory (missed).** Measured heap per active key per rule: ${fmtInt(perKey('count'))} B for a one-measure count rule, ${fmtInt(perKey('cli'))} B for spoofing-campaign-cli (target 200 B). ` +
        'Window state lives in typed-array slabs per rule (key table, bucket records, exact distinct sets spilling to sketches, evidence, expiry wheel); what a key costs beyond them is its key string and the evidence call ids (split by part: `node --expose-gc --import ./bench/ts-hooks.mjs bench/tools/engine-memory-breakdown.ts`). ' +
        `The call registry adds ${reg ? fmtInt((reg.heapDelta + reg.externalDelta) / reg.trackedCalls) : '-'} B per tracked call. ` +
        `With the default pack, 1M active origins take ${def ? fmtBytes(def.rss) : '-'} RSS (target 500 MiB). CPU profiles do not apply to these two targets.`,
      );
    }
    if (e.campaign.updateNs > 3 * e.quiet.updateNs) {
      out.push(
        `**Campaign load.** While rules fire on every call (an unattested campaign, ${fmtInt(e.campaign.alertsEmitted)} alerts), the default pack costs ${fmtNs(e.campaign.updateNs)} per event, ${(e.campaign.updateNs / e.quiet.updateNs).toFixed(0)}x quiet traffic: ` +
        'every firing goes through the alert book, which for a firing that other rules agree with walks every open alert (`AlertBook.escalateOthers` in services/core/src/engine/alert-book.ts), so the cost grows with the number of open alerts.',
      );
    }
    const k = e.keyRuns;
    const r = e.ruleRuns;
    if (k.length >= 2 && r.length >= 2) {
      out.push(`**Keys and rules.** Per-event cost grows ${(k.at(-1)!.updateNs / k[0]!.updateNs).toFixed(1)}x from ${fmtInt(k[0]!.keys)} to ${fmtInt(k.at(-1)!.keys)} active keys (cache misses in the key tables and slabs) and about linearly with rules (${r.map((x) => `${x.rules}: ${fmtNs(x.updateNs)}`).join(', ')}).`);
    }
  }
  if (raw.scaling?.length) {
    out.push(`**Scaling.** ${raw.scaling.map((s) => `${s.instances} instance(s) ${fmtRate(s.rate)}`).join(', ')} on ${availableParallelism()} cores: instances compete with each other, the broker and ClickHouse for the same cores, so a third instance has nothing left to run on.`);
  }
  if (raw.sink) {
    out.push(`**Sink (no target).** ${fmtRate(raw.sink.rate)} rows with ${fmtInt(raw.sink.rowsPerInsert)} rows per INSERT (mean ${fmtMs(raw.sink.insertMs)}), against ${fmtRate(raw.sink.direct)} for the same rows sent straight to ClickHouse in 10,000-row INSERTs: rows of many fetches and partitions gather until SINK_BATCH_MAX_ROWS, SINK_BATCH_MAX_BYTES or SINK_FLUSH_INTERVAL_MS, SINK_CONCURRENT_INSERTS INSERTs run at once, and offsets are committed in batch order once the rows before them are stored.`);
  }
  return out;
}

/** Test runs that shared the machine (and the broker) with a part of the bench, if any. */
function otherWorkLines(results: Results): string[] {
  const disturbed = results.suiteSeconds.filter((s) => s.others.length > 0);
  if (disturbed.length === 0) return ['- Other test runs seen on the machine during the bench: none'];
  return [`- **Other test runs shared the machine and the broker** (their figures are disturbed; fault-injection tests slow the broker while they run): ${disturbed.map((s) => `${s.suite}: ${s.others.join('; ')}`).join(' — ')}`];
}

/** The README's benchmark table: the headline figures with their targets. */
function headline(results: Results): string[] {
  const raw = results.raw as Raw & { latency?: { toRecord: LatencySummary; toClickHouse: LatencySummary } };
  const out: string[] = ['| figure | measured | target |', '|---|---|---|'];
  const t = raw.throughput;
  if (t?.detectorRate !== undefined) {
    const share = t.bareRate ? `, ${Math.round((100 * t.detectorRate) / t.bareRate)} % of a bare kafkajs consumer on the same topic (${fmtRate(t.bareRate)})` : '';
    out.push(`| one detector, default pack, Avro in → alerts out | ${fmtRate(t.detectorRate)} call events${share}${t.kcatRate ? `; kcat ${fmtRate(t.kcatRate)}` : ''} | ≥ 50 % of bare kafkajs |`);
  }
  if (raw.latency) {
    out.push(`| event → alert on the alert topic at half that load | p50 ${fmtMs(raw.latency.toRecord.p50)}, p99 ${fmtMs(raw.latency.toRecord.p99)} | p99 < 250 ms |`);
    out.push(`| event → row in ClickHouse at half that load | p99 ${fmtMs(raw.latency.toClickHouse.p99)} | |`);
  }
  if (raw.replay) {
    const r = raw.replay;
    out.push(`| replay CLI, 1M events | ${fmtRate(r.events / (r.replayMs / 1000))} (read + parse alone ${fmtRate(r.events / (r.readParseMs / 1000))}, ${(r.replayMs / r.readParseMs).toFixed(1)}x) | ≥ 300k/s or ≤ 2x read+parse |`);
  }
  const def = raw.engine?.memory['default'];
  if (def) out.push(`| 1M active origins, default pack | ${fmtBytes(def.rss)} RSS | < 500 MiB |`);
  if (raw.sink?.rate !== undefined) out.push(`| alert-sink into ClickHouse | ${fmtRate(raw.sink.rate)} rows${raw.sink.direct ? ` (${(raw.sink.rate / raw.sink.direct).toFixed(2)}x the same rows inserted directly)` : ''} | ≥ 0.8x direct |`);
  return out;
}

const README_BEGIN = '<!-- bench-headline:begin -->';
const README_END = '<!-- bench-headline:end -->';

/**
 * Replaces what stands between the README's bench-headline markers with this run's headline
 * figures; nothing else in the file changes. Returns false when the markers are missing.
 */
export function writeReadmeHeadline(results: Results): boolean {
  const file = path.join(ROOT, 'README.md');
  if (!existsSync(file)) return false;
  const text = readFileSync(file, 'utf8');
  const begin = text.indexOf(README_BEGIN);
  const end = text.indexOf(README_END);
  if (begin < 0 || end < begin) return false;
  const date = new Date().toISOString().slice(0, 10);
  const body = [`Latest \`make bench\` (${date}, ${machine()}):`, '', ...headline(results)].join('\n');
  writeFileSync(file, text.slice(0, begin + README_BEGIN.length) + '\n' + body + '\n' + text.slice(end));
  return true;
}

/** BENCHMARKS.md at the repository root: command, machine, date, the table, method, profiles, closing note. */
export function writeBenchmarksFile(results: Results, elapsedMs: number): string {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const misses = results.rows.filter((r) => r.verdict === 'miss').length;
  const checked = results.rows.filter((r) => r.verdict).length;
  const lines = [
    '# Benchmarks',
    '',
    'Written by `make bench` (bench/run.ts); every run replaces this file. Not part of `make test`.',
    '',
    `- Command: \`make bench\` (builds, starts the local stack with \`make up\`, then \`node --import ./bench/ts-hooks.mjs bench/run.ts\`)`,
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Machine: ${machine()}`,
    '- Stack: the local mock Kafka cluster (librdkafka 2.0.2 mock, 3 brokers), the local schema registry, ClickHouse 18.16; every service and load generator on this one machine',
    `- Run time: ${Math.floor(elapsedMs / 60_000)} min ${Math.round((elapsedMs % 60_000) / 1000)} s (${results.suiteSeconds.map((s) => `${s.suite} ${s.seconds.toFixed(0)} s`).join(', ')})`,
    `- Load average when each part started (anything above ~0.5 before the first part is other work on the machine): ${results.suiteSeconds.map((s) => `${s.suite} ${s.load1.toFixed(1)}`).join(', ')}`,
    ...otherWorkLines(results),
    `- Targets met: ${checked - misses} of ${checked}`,
    '',
    `**This machine has ${availableParallelism()} cores.** The broker, ClickHouse, the load producer, the measuring consumers and every detector instance share them: the multi-instance figures cannot show more than about ${availableParallelism()}x, and every figure is for this machine, not for a deployment.`,
    '',
    '## Headline figures',
    '',
    ...headline(results),
    '',
    '## Results',
    '',
    markdownTable(results.rows),
    '',
    ...(results.errors.length ? ['## Errors', '', ...results.errors.map((e) => `- ${e.suite}: ${e.message.split('\n')[0]}`), ''] : []),
    '## How it is measured',
    '',
    `- Throughput: a fresh 32-partition topic is preloaded with the first ${fmtInt(THROUGHPUT_EVENTS)} call events of the generator's traffic (1M events, seed 7, all scenarios; Avro in the registry wire format, keyed by call_id), in record batches of ${RECORDS_PER_FETCH} per partition (what a real broker returns to the detector's 64 KiB fetch; the mock broker answers every fetch with one producer batch per partition). One detector (default pack, \`DETECTOR_FROM_BEGINNING=true\`) catches up; its rate is taken from \`fraud_events_consumed_total\` between 10 % and 90 % of the backlog. A bare kafkajs consumer (its own process, fresh group, counting) and kcat (-C -e) read the same topic in the same run, rated the same way.`,
    ...results.notes.map((n) => `- ${n}`),
    '- Replay: `npm run -s replay` over the generator\'s 1M-event calls.jsonl, its own reported time (node start-up excluded), against `bench/tools/read-parse.ts`: the same file read in 1 MiB chunks, split into lines and JSON.parse\'d, nothing else.',
    '- Every detector here reads its own fresh call topic and a fresh, empty SMS topic, so the figures are for call events alone.',
    '- Sink: 200k synthetic Avro alerts on a fresh 32-partition topic (2,000 per partition batch), one alert-sink with its defaults into a fresh database; rate from `alert_sink_rows_inserted_total` between 10 % and 90 %.',
    '',
    ...(results.profiles.length ? ['## Profiles of missed targets', '', `\`node --cpu-prof\` output is kept under \`.data/profiles/\`; self time by function (open the files in Chrome DevTools for the call trees).`, '', ...results.profiles.map(profileMarkdown)] : []),
    '## Closing note',
    '',
    ...closingNote(results).flatMap((l) => [l, '']),
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}
