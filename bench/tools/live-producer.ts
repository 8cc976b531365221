// Live load for the latency run, in its own process so the measuring side stays idle: from `startAt`
// (epoch ms) for `seconds`, produces the generator's call events at `rate` per second with ts = the
// moment of production (and that as the record timestamp), plus an injected campaign: `spoofsPerSecond`
// London landline numbers arriving from abroad, each calling twice a second apart, so the default
// pack's home-cli-from-abroad rules alert on each number's second call.
//   node --import ./bench/ts-hooks.mjs bench/tools/live-producer.ts '<json options>'
//   → {"sent":N,"spoofs":S,"producedMs":T,"cpuMs":C,"blockedMs":B,"cappedTicks":K}
import type { CallEvent } from '@telfraud/core';
import { benchCodecs } from '../lib/codecs.js';
import { benchKafka, connectProducer } from '../lib/kafka.js';
import { sleep } from '../lib/progress.js';
import { readCallEvents } from '../lib/traffic.js';

interface Options {
  brokers: string;
  registryUrl: string;
  topic: string;
  file: string;
  rate: number;
  seconds: number;
  startAt: number;
  run: string;
  spoofsPerSecond: number;
}

const TICK_MS = 10;
const MAX_IN_FLIGHT = 16;
const CATCH_UP_TICKS = 5;
const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const maxPerTick = Math.ceil((o.rate * TICK_MS * CATCH_UP_TICKS) / 1000);

function spoofCall(n: number, attempt: number, ts: number): CallEvent {
  const callId = `bench-${o.run}-spoof-${n}-${attempt}`;
  return {
    event_id: `${callId}-S`, call_id: callId, type: 'START', ts,
    calling_number: `+4420${70_000_000 + n}`, called_number: `+4477${20_000_000 + ((n * 31 + attempt) % 9_000_000)}`,
    ingress_trunk: 'bench-intl-transit-01', ingress_country: 'NG', attestation: 'NONE', duration_ms: null, sip_code: null,
  };
}

const env = { KAFKA_BROKERS: o.brokers, SCHEMA_REGISTRY_URL: o.registryUrl };
const codecs = await benchCodecs(env);
const kafka = benchKafka(env, 'bench-live');
const producer = await connectProducer(kafka);
const source = readCallEvents(o.file)[Symbol.asyncIterator]();
await sleep(Math.max(0, o.startAt - Date.now()));
const cpu0 = process.cpuUsage();
const inFlight = new Set<Promise<unknown>>();
let sent = 0;
let spoofs = 0;
let exhausted = false;
let failure: unknown;
/** Time spent waiting for the broker to acknowledge earlier sends (backpressure), and ticks that hit the catch-up cap. */
let blockedMs = 0;
let cappedTicks = 0;
while (Date.now() - o.startAt < o.seconds * 1000 && !exhausted) {
  const now = Date.now();
  // A producer that falls behind sends at most a few ticks' worth at once (no giant catch-up requests):
  // the rate achieved is then what this machine can produce, and the caller reports it.
  const behind = Math.floor((o.rate * (now - o.startAt)) / 1000) - sent;
  if (behind > maxPerTick) cappedTicks++;
  const due = Math.min(maxPerTick, behind);
  const messages: { key: string; value: Buffer; timestamp: string }[] = [];
  for (let i = 0; i < due; i++) {
    const next = await source.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    const e = { ...next.value, ts: now };
    messages.push({ key: e.call_id, value: codecs.calls.encode(e), timestamp: String(now) });
  }
  sent += messages.length;
  const spoofsDue = Math.floor((o.spoofsPerSecond * (now - o.startAt)) / 1000) - spoofs;
  for (let i = 0; i < spoofsDue; i++, spoofs++) {
    const first = spoofCall(spoofs, 0, now);
    messages.push({ key: first.call_id, value: codecs.calls.encode(first), timestamp: String(now) });
    if (spoofs >= o.spoofsPerSecond) {
      const second = spoofCall(spoofs - o.spoofsPerSecond, 1, now);
      messages.push({ key: second.call_id, value: codecs.calls.encode(second), timestamp: String(now) });
    }
  }
  if (messages.length > 0) {
    const p = producer.send({ topic: o.topic, acks: -1, messages }).catch((err: unknown) => { failure ??= err; });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  if (inFlight.size >= MAX_IN_FLIGHT) {
    const w = Date.now();
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    blockedMs += Date.now() - w;
  }
  if (failure) throw failure;
  await sleep(Math.max(0, TICK_MS - (Date.now() - now)));
}
await Promise.all(inFlight);
const producedMs = Date.now() - o.startAt;
const cpu = process.cpuUsage(cpu0);
await producer.disconnect();
process.stdout.write(JSON.stringify({ sent, spoofs, producedMs, cpuMs: (cpu.user + cpu.system) / 1000, blockedMs, cappedTicks }) + '\n');
process.exit(0);
