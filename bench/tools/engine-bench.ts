// In-process DetectionEngine measurements over synthetic call events; one configuration per process
// so every heap figure starts clean. Run with --expose-gc; prints one JSON object on stdout.
//   node --expose-gc --import ./bench/ts-hooks.mjs bench/tools/engine-bench.ts keys K M
//   ... rules R K M       R copies of a per-calling_number count rule; K keys, then M events over them
//   ... pack K M TRAFFIC  the default rule pack, same load; TRAFFIC quiet (B-attested, half answered:
//                         no rule fires) or campaign (unattested, every call failed: an END with no
//                         duration follows each START, so the trunk campaign rules fire on every call)
//   ... memory CONFIG K   K origins making one quiet call each; CONFIG: registry | count | cli | default
//   ... busy M            M calls on 4 trunks under one distinct_ratio rule, event time advancing (about
//                         50 calls a trunk per 10 s bucket), 1 in 10 late by up to a minute
//   ... interleaved M K RATE  the default pack (quiet traffic, K origins, RATE calls/s of event time) read
//                         as the detector reads a 32-partition topic: 384-record batches of one partition
//                         at a time, partitions up to 8 batches apart, so busy keys (trunks) see events
//                         older than their newest bucket (the as-of window path)
//   ... sizes             V8 heap bytes of the objects window state is made of
import { DEFAULT_RULE_PACK, DEFAULT_RULE_PACK_SOURCE, DetectionEngine, validateRulePack, type CallEvent, type EngineOutput, type RulePack } from '@telfraud/core';
import { BASE_TS, call, fullGc, REFERENCE, type Traffic } from '../lib/engine-load.js';

function countRule(i: number): Record<string, unknown> {
  return {
    id: `calls-per-cli-${i}`,
    description: 'bench: START calls per calling number',
    severity: 'LOW',
    key: ['calling_number'],
    window: { type: 'sliding', size: '10m', hop: '30s' },
    measures: { calls: { fn: 'count', where: { field: 'type', eq: 'START' } } },
    when: [{ measure: 'calls', op: '>=', value: 1_000_000 }],
  };
}

/** A trunk rule whose only threshold is a distinct ratio (never reached): every event evaluates the window's distinct count. */
const BUSY_DISTINCT_RULE = {
  id: 'busy-trunk-fanout',
  description: 'bench: distinct callees per START on a trunk',
  severity: 'LOW',
  key: ['ingress_trunk'],
  window: { type: 'sliding', size: '10m', hop: '10s' },
  measures: { attempts: { fn: 'count', where: { field: 'type', eq: 'START' } }, fanout: { fn: 'distinct_ratio', field: 'called_number', where: { field: 'type', eq: 'START' } } },
  when: [{ measure: 'fanout', op: '>', value: 1 }],
};

/** Busy keys with sliding windows and late events: what the replay meets on real traffic (the per-origin runs never fill a sketch). */
function timeBusy(events: number): { updateNs: number; synthesisNs: number; alertsEmitted: number } {
  const p = pack('bench-busy', [BUSY_DISTINCT_RULE]);
  const synth = synthesisNs(0, events);
  const run = (engine: DetectionEngine, n: number): number => {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < n; j++) {
      // 20 calls a second over 4 trunks; every 10th a few seconds to a minute late.
      const late = j % 10 === 9 ? ((j * 7_919) % 60) * 1_000 : 0;
      engine.processCall(call(j, j % 50_000, BASE_TS + j * 50 - late), out);
      if ((j & 1023) === 0) drain();
    }
    drain();
    return Number(process.hrtime.bigint() - t0) / n;
  };
  run(new DetectionEngine(p, REFERENCE), Math.min(events, 50_000));
  fullGc();
  const engine = new DetectionEngine(p, REFERENCE);
  const ns = run(engine, events);
  return { updateNs: ns - synth, synthesisNs: synth, alertsEmitted: engine.stats().alertsEmitted };
}

const PARTITIONS = 32;
const BATCH = 384;

/**
 * The order the detector reads a time-ordered topic in: call c's events on partition c % 32, batches
 * of 384 records of one partition, the partition picked pseudo-randomly but never more than 8 batches
 * ahead of the slowest. Returns the event sequence numbers in reading order.
 */
function interleavedOrder(events: number): Int32Array {
  const perPartition: number[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let seq = 0; seq < events; seq++) perPartition[(seq >> 1) % PARTITIONS]!.push(seq);
  const cursor = new Int32Array(PARTITIONS);
  const order = new Int32Array(events);
  let n = 0;
  let rnd = 12_345;
  while (n < events) {
    let slowest = -1;
    for (let p = 0; p < PARTITIONS; p++) if (cursor[p]! < perPartition[p]!.length && (slowest < 0 || cursor[p]! < cursor[slowest]!)) slowest = p;
    rnd = (rnd * 1_103_515_245 + 12_345) & 0x7fffffff;
    let p = rnd % PARTITIONS;
    if (cursor[p]! >= perPartition[p]!.length || cursor[p]! - cursor[slowest]! >= 8 * BATCH) p = slowest;
    const list = perPartition[p]!;
    for (let k = 0; k < BATCH && cursor[p]! < list.length; k++) order[n++] = list[cursor[p]!++]!;
  }
  return order;
}

function timeInterleaved(events: number, keys: number, rate: number): Record<string, unknown> {
  const order = interleavedOrder(events);
  const synth = synthesisNs(keys, events);
  // CPU time as well as wall time: on a shared machine the wall clock also counts other processes' turns.
  let cpuNs = 0;
  const run = (engine: DetectionEngine, n: number): number => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < n; j++) {
      const seq = order[j]!;
      // Both events of a call come from one origin, its ANSWER one millisecond after its START.
      const c = seq >> 1;
      engine.processCall(call(seq, (c * 2_654_435_761) % keys, BASE_TS + Math.floor((c * 1_000) / rate) + (seq & 1), 'quiet'), out, `p${c % PARTITIONS}`);
      if ((j & 1023) === 0) drain();
    }
    drain();
    const c = process.cpuUsage(c0);
    cpuNs = ((c.user + c.system) * 1_000) / n;
    return Number(process.hrtime.bigint() - t0) / n;
  };
  run(new DetectionEngine(DEFAULT_RULE_PACK, REFERENCE), Math.min(events, 50_000));
  fullGc();
  const engine = new DetectionEngine(DEFAULT_RULE_PACK, REFERENCE);
  const ns = run(engine, events);
  const s = engine.stats();
  return {
    updateNs: ns - synth,
    cpuUpdateNs: cpuNs - synth,
    synthesisNs: synth,
    alertsEmitted: s.alertsEmitted,
    late: s.late,
    future: s.future,
    ...stateSummary(engine),
  };
}

function pack(name: string, rules: unknown[]): RulePack {
  return validateRulePack({ version: 1, name, settings: DEFAULT_RULE_PACK_SOURCE.settings, rules });
}

function packFor(config: string, rules = 1): RulePack {
  switch (config) {
    case 'registry': return pack('bench-empty', []);
    case 'count': return pack('bench-count', Array.from({ length: rules }, (_, i) => countRule(i)));
    case 'cli': return pack('bench-cli', DEFAULT_RULE_PACK_SOURCE.rules.filter((r) => r.id === 'spoofing-campaign-cli'));
    case 'default': return DEFAULT_RULE_PACK;
    default: throw new Error(`unknown configuration ${config}`);
  }
}

const out: EngineOutput = { alerts: [], victims: [] };
function drain(): void {
  out.alerts.length = 0;
  out.victims.length = 0;
}

/** Nanoseconds per event spent only building the synthetic events (subtracted from the engine timings). */
function synthesisNs(keys: number, events: number): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < keys + events; i++) sink += call(i, i % keys, BASE_TS + i).calling_number.length;
  const ns = Number(process.hrtime.bigint() - t0) / (keys + events);
  if (sink < 0) throw new Error('unreachable');
  return ns;
}

/**
 * K origins each calling once (ts spread over 30 s: key creation), then M calls over the same
 * origins in a scrambled order (60 s more: updates). No key expires; the call registry grows.
 */
function timeLoad(engine: DetectionEngine, keys: number, events: number, traffic: Traffic = 'campaign'): { createNs: number; updateNs: number; synthesisNs: number } {
  const synth = synthesisNs(keys, events);
  let seq = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < keys; i++) {
    engine.processCall(call(seq++, i, BASE_TS + Math.floor((i * 30_000) / keys), traffic), out);
    if ((i & 1023) === 0) drain();
  }
  const t1 = process.hrtime.bigint();
  for (let j = 0; j < events; j++) {
    const origin = (j * 2_654_435_761) % keys;
    engine.processCall(call(seq++, origin, BASE_TS + 30_000 + Math.floor((j * 60_000) / events), traffic), out);
    if ((j & 1023) === 0) drain();
  }
  const t2 = process.hrtime.bigint();
  drain();
  return { createNs: Number(t1 - t0) / keys - synth, updateNs: Number(t2 - t1) / events - synth, synthesisNs: synth };
}

/** Runs the windows' sweep of a small engine a few times, each freeing key states, so the timed sweep runs optimised code. */
function warmWindowSweep(p: RulePack): void {
  const engine = new DetectionEngine(p, REFERENCE);
  const keys = 50_000;
  for (let i = 0; i < keys; i++) engine.processCall(call(2 * i, 3_000_000 + i, BASE_TS + Math.floor((i * 60_000) / keys), 'quiet'), out);
  drain();
  for (let s = 1; s <= 12; s++) engine.sweepWindows(BASE_TS + 600_000 + s * 5_000);
}

function stateSummary(engine: DetectionEngine): { activeKeys: Record<string, number>; stateBytes: Record<string, number> } {
  return { activeKeys: engine.stats().activeKeysByRule, stateBytes: engine.stateBytesByRule() };
}

function heapPerItem(make: (i: number) => unknown, n = 200_000): number {
  fullGc();
  const keep: unknown[] = new Array(n).fill(undefined);
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) keep[i] = make(i);
  fullGc();
  const after = process.memoryUsage().heapUsed;
  const bytes = (after - before) / n;
  if (keep.length !== n) throw new Error('unreachable');
  return Math.round(bytes);
}

const [mode, ...args] = process.argv.slice(2);
const num = (i: number, fallback: number): number => (args[i] === undefined ? fallback : Number(args[i]));
let result: Record<string, unknown>;
switch (mode) {
  case 'keys':
  case 'rules':
  case 'pack': {
    const rules = mode === 'rules' ? num(0, 1) : 1;
    const keys = num(mode === 'rules' ? 1 : 0, 10_000);
    const events = num(mode === 'rules' ? 2 : 1, 1_000_000);
    const traffic: Traffic = mode !== 'pack' ? 'campaign' : args[2] === 'quiet' ? 'quiet' : 'failed-campaign';
    const p = mode === 'pack' ? DEFAULT_RULE_PACK : packFor('count', rules);
    // Warm the JIT on a throwaway engine first, so small runs do not time the interpreter.
    timeLoad(new DetectionEngine(p, REFERENCE), 5_000, 50_000, traffic);
    fullGc();
    const engine = new DetectionEngine(p, REFERENCE);
    const timing = timeLoad(engine, keys, events, traffic);
    fullGc();
    const s = engine.stats();
    result = {
      mode, traffic, rules: p.rules.length, keys, events, ...timing, ...stateSummary(engine),
      alertsEmitted: s.alertsEmitted, heapUsed: process.memoryUsage().heapUsed,
    };
    break;
  }
  case 'memory': {
    const config = args[0] ?? 'default';
    const keys = num(1, 1_000_000);
    const p = packFor(config);
    fullGc();
    const before = process.memoryUsage();
    const engine = new DetectionEngine(p, REFERENCE);
    const t0 = process.hrtime.bigint();
    // Origin i makes call 2i (START) and, every other origin, its ANSWER (2i+1): 1.5 events per origin.
    let events = 0;
    for (let i = 0; i < keys; i++) {
      const ts = BASE_TS + Math.floor((i * 60_000) / keys);
      engine.processCall(call(2 * i, i, ts, 'quiet'), out);
      events++;
      if ((i & 1) === 1) {
        engine.processCall(call(2 * i + 1, i, ts + 1, 'quiet'), out);
        events++;
      }
      if ((i & 1023) === 0) drain();
    }
    const ns = Number(process.hrtime.bigint() - t0) / events;
    drain();
    fullGc();
    const after = process.memoryUsage();
    const trackedCalls = engine.trackedCalls;
    const state = stateSummary(engine);
    // One more call 3.5 min of event time later: the watermark (3 min lateness) passes half of the
    // tracked calls, and the engine's periodic sweep runs inside this one processCall. A call 110 s
    // after the last goes first: 150 s at once is more than settings.maxEventTimeJump (120 s), and
    // that call would be parked as too far ahead, with no sweep to time.
    engine.processCall(call(2 * keys + 4, 1, BASE_TS + 170_000, 'quiet'), out);
    const s0 = process.hrtime.bigint();
    engine.processCall(call(2 * keys + 2, 0, BASE_TS + 210_000, 'quiet'), out);
    const sweepMs = Number(process.hrtime.bigint() - s0) / 1e6;
    // A running detector has swept before: the code that frees key states is warmed on a throwaway
    // engine (measured state is taken above), as the timing modes warm theirs.
    warmWindowSweep(p);
    // The windows' part of the sweep: at a watermark where no key's window has ended (the routine
    // case), then where the 5 % of origins that called in the first 3 s have (10-minute windows).
    // The sweep frees a bounded number of them; events free the rest, a few each.
    const w0 = process.hrtime.bigint();
    engine.sweepWindows(BASE_TS + 60_000);
    const windowSweepNoneDueMs = Number(process.hrtime.bigint() - w0) / 1e6;
    const before5 = engine.stats().activeKeysByRule;
    const c1 = process.cpuUsage();
    const w1 = process.hrtime.bigint();
    engine.sweepWindows(BASE_TS + 603_000);
    const windowSweepMs = Number(process.hrtime.bigint() - w1) / 1e6;
    // CPU time too: on a busy machine the wall-clock pause includes time the process was not running.
    const c = process.cpuUsage(c1);
    const windowSweepCpuMs = (c.user + c.system) / 1e3;
    const after5 = engine.stats().activeKeysByRule;
    const windowKeysExpired = Object.keys(before5).reduce((n, r) => n + (before5[r] ?? 0) - (after5[r] ?? 0), 0);
    result = {
      mode, config, keys, events, nsPerEvent: ns, alertsEmitted: engine.stats().alertsEmitted, rules: p.rules.map((r) => r.id),
      rss: after.rss, heapDelta: after.heapUsed - before.heapUsed, externalDelta: after.external - before.external,
      trackedCalls, sweepMs, windowSweepNoneDueMs, windowSweepMs, windowSweepCpuMs, windowKeysExpired, ...state,
    };
    break;
  }
  case 'busy': {
    const events = num(0, 300_000);
    result = { mode, events, ...timeBusy(events) };
    break;
  }
  case 'interleaved': {
    const events = num(0, 600_000);
    const keys = num(1, 10_000);
    const rate = num(2, 2_000);
    result = { mode, events, keys, rate, ...timeInterleaved(events, keys, rate) };
    break;
  }
  case 'sizes': {
    result = {
      mode,
      'Map with one number entry': heapPerItem((i) => new Map([[i, i]])),
      'Float64Array(5)': heapPerItem(() => new Float64Array(5)),
      'bucket {idx, slots: Float64Array(5)}': heapPerItem((i) => ({ idx: i, slots: new Float64Array(5) })),
      'array of one string': heapPerItem((i) => [`bench-c${i}`]),
      'calling-number string (13 chars)': heapPerItem((i) => `+4477${10_000_000 + i}`),
    };
    break;
  }
  default:
    throw new Error(`unknown mode ${String(mode)}; expected keys | rules | pack | memory | busy | interleaved | sizes`);
}
process.stdout.write(JSON.stringify(result) + '\n');
