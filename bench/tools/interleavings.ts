// One detection engine over the same call events read in several orders, to see what the order in
// which Kafka partitions are read changes in the alerts. The events are split over partitions by
// hash32(call_id) as a producer keyed by call_id does, and read in fetches of F records per partition
// (the bench's producer batches), the partitions of each fetch round in a random order:
//   replay    the file's order, no sources (what the replay CLI does)
//   random:S  seed S; each partition skips a round now and then, so partitions drift apart
//   aligned   no partition is fetched while it is more than one fetch ahead of the slowest
//   merged    aligned, and each round's records processed in event-time order
// Prints per order: distinct alert ids, alert records (new, updated, escalated), late and held
// records; then the alert ids each order found that the replay did not, and the reverse.
//   node --import ./bench/ts-hooks.mjs bench/tools/interleavings.ts CALLS.jsonl REFERENCE_DIR [N] [ORDERS]
// ORDERS: comma list, default replay,random:1,random:2,aligned,merged. P and F from the environment
// (default 32 and 384).
import { readFileSync } from 'node:fs';
import { DEFAULT_RULE_PACK, DetectionEngine, hash32, type Alert, type CallEvent, type EngineOutput } from '@telfraud/core';
import { loadReferenceDir } from '@telfraud/detector';

const [file, referenceDir, limitArg, ordersArg] = process.argv.slice(2);
if (!file || !referenceDir) {
  console.error('usage: interleavings.ts CALLS.jsonl REFERENCE_DIR [N] [ORDERS]');
  process.exit(2);
}
const limit = Number(limitArg ?? Number.POSITIVE_INFINITY);
const orders = (ordersArg ?? 'replay,random:1,random:2,aligned,merged').split(',');
const P = Number(process.env['P'] ?? 32);
const F = Number(process.env['F'] ?? 384);
const reference = loadReferenceDir(referenceDir);
const events: CallEvent[] = [];
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (events.length >= limit) break;
  if (line.trim() !== '') events.push(JSON.parse(line) as CallEvent);
}

interface Outcome {
  ids: Map<string, Alert>;
  records: number;
  late: number;
  future: number;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function run(order: string): Outcome {
  const engine = new DetectionEngine(DEFAULT_RULE_PACK, reference);
  const out: EngineOutput = { alerts: [], victims: [] };
  const o: Outcome = { ids: new Map(), records: 0, late: 0, future: 0 };
  const drain = (): void => {
    for (const a of out.alerts) o.ids.set(a.alert_id, a);
    o.records += out.alerts.length;
    out.alerts.length = 0;
    out.victims.length = 0;
  };
  if (order === 'replay') {
    for (const e of events) engine.processCall(e, out);
  } else {
    const [mode, seedText] = order.split(':');
    const rand = lcg(Number(seedText ?? 1));
    const parts: CallEvent[][] = Array.from({ length: P }, () => []);
    for (const e of events) parts[hash32(e.call_id) % P]!.push(e);
    const pos = new Array<number>(P).fill(0);
    const newest = new Array<number>(P).fill(Number.NEGATIVE_INFINITY);
    const done = new Array<boolean>(P).fill(false);
    const speed = parts.map(() => 0.5 + rand());
    const source = (p: number): string => `calls/${p}`;
    for (let p = 0; p < P; p++) engine.addPendingSource('calls', source(p));
    for (let live = P; live > 0;) {
      let slowest = Number.POSITIVE_INFINITY;
      for (let p = 0; p < P; p++) if (!done[p] && newest[p]! < slowest) slowest = newest[p]!;
      const round: [number, CallEvent][] = [];
      for (const p of [...Array(P).keys()].sort(() => rand() - 0.5)) {
        if (done[p]) continue;
        if (mode === 'random' && rand() > speed[p]!) continue;
        if (mode !== 'random' && newest[p]! > slowest) continue;
        engine.setSourceCaughtUp('calls', source(p), false);
        const end = Math.min(pos[p]! + F, parts[p]!.length);
        const batch = parts[p]!.slice(pos[p], end);
        pos[p] = end;
        for (const e of batch) newest[p] = Math.max(newest[p]!, e.ts);
        if (mode === 'merged') for (const e of batch) round.push([p, e]);
        else for (const e of batch) engine.processCall(e, out, source(p));
        drain();
      }
      round.sort((a, b) => a[1].ts - b[1].ts);
      for (const [p, e] of round) engine.processCall(e, out, source(p));
      for (let p = 0; p < P; p++) {
        if (done[p] || pos[p]! < parts[p]!.length) continue;
        done[p] = true;
        live--;
        engine.setSourceCaughtUp('calls', source(p), true);
      }
    }
  }
  engine.releaseQuietTail(out);
  drain();
  const stats = engine.stats();
  o.late = stats.late;
  o.future = stats.future;
  return o;
}

const byRule = (alerts: Iterable<Alert>): string => {
  const n = new Map<string, number>();
  for (const a of alerts) n.set(a.rule_id, (n.get(a.rule_id) ?? 0) + 1);
  return [...n].sort().map(([r, c]) => `${r}=${c}`).join(' ');
};
const describe = (a: Alert): string => `${a.rule_id} ${a.entity} first fired ${new Date(a.ts).toISOString()} value ${a.value} ${a.severity}`;

const outcomes = new Map<string, Outcome>();
for (const order of orders) {
  const o = run(order);
  outcomes.set(order, o);
  console.log(`${order}: ${o.ids.size} alert ids, ${o.records} alert records, ${o.late} late, ${o.future} held as too far ahead`);
  console.log(`  ${byRule(o.ids.values())}`);
}
const replay = outcomes.get('replay');
if (replay) {
  for (const [order, o] of outcomes) {
    if (order === 'replay') continue;
    const extra = [...o.ids.values()].filter((a) => !replay.ids.has(a.alert_id));
    const missing = [...replay.ids.values()].filter((a) => !o.ids.has(a.alert_id));
    let severity = 0;
    for (const [id, a] of replay.ids) if (o.ids.has(id) && o.ids.get(id)!.severity !== a.severity) severity++;
    console.log(`${order} vs replay: ${extra.length} ids only here, ${missing.length} only in the replay, ${severity} with another final severity`);
    for (const a of extra) console.log(`  + ${describe(a)}`);
    for (const a of missing) console.log(`  - ${describe(a)}`);
  }
}
