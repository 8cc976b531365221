import { runTool } from '../lib/child.js';
import { fmtBytes, fmtInt, fmtMs, fmtNs, fmtRate } from '../lib/format.js';
import { progress } from '../lib/progress.js';
import type { BenchContext } from './context.js';

interface TimingResult {
  keys: number;
  events: number;
  rules: number;
  createNs: number;
  updateNs: number;
  alertsEmitted: number;
  activeKeys: Record<string, number>;
  stateBytes: Record<string, number>;
}

interface MemoryResult {
  config: string;
  keys: number;
  events: number;
  nsPerEvent: number;
  rss: number;
  heapDelta: number;
  externalDelta: number;
  trackedCalls: number;
  sweepMs: number;
  windowSweepNoneDueMs?: number;
  windowSweepMs?: number;
  windowSweepCpuMs?: number;
  windowKeysExpired?: number;
  activeKeys: Record<string, number>;
  stateBytes: Record<string, number>;
}

const ORIGINS = 1_000_000;
/** Calls landing on already active keys, per timing run (each a new call: the call registry grows by as many). */
const EVENTS = 300_000;
const TARGET_STATE_BYTES = 200;
const TARGET_RSS = 500 * 1024 * 1024;
const TARGET_SWEEP_MS = 20;
const tool = 'engine-bench.ts';
/** Plain JavaScript in a bare node process: the engine's memory without a TypeScript loader's. */
const gcArgs = { nodeArgs: ['--expose-gc'], compiled: true };

/**
 * The detection core in-process over synthetic calls (one node process per configuration): per-event
 * cost against active keys and rule count, and memory with 1M active origins.
 */
export async function engineBench(ctx: BenchContext): Promise<void> {
  const { results } = ctx;
  const keyRuns: TimingResult[] = [];
  for (const keys of [10_000, 100_000, 1_000_000]) {
    progress(`engine: 1 count rule, ${fmtInt(keys)} active origins`);
    keyRuns.push(await runTool<TimingResult>(tool, ['keys', keys, EVENTS], { timeoutMs: 120_000, ...gcArgs }));
  }
  const base = keyRuns[0]!.updateNs;
  for (const r of keyRuns) {
    results.add({
      area: 'Engine scaling', measure: `per-event cost, 1 count rule per calling_number, ${fmtInt(r.keys)} active origins`,
      result: `${fmtNs(r.updateNs)} per event (${fmtRate(1e9 / r.updateNs)}; ${(r.updateNs / base).toFixed(2)}x of 10k); new key ${fmtNs(r.createNs)}`,
    });
  }
  // One rule on 10k keys is the first keys run: same configuration, same load.
  const ruleRuns: TimingResult[] = [keyRuns[0]!];
  for (const rules of [10, 50]) {
    progress(`engine: ${rules} count rules, 10,000 origins`);
    ruleRuns.push(await runTool<TimingResult>(tool, ['rules', rules, 10_000, EVENTS], { timeoutMs: 180_000, ...gcArgs }));
  }
  const one = ruleRuns[0]!.updateNs;
  for (const r of ruleRuns) {
    results.add({
      area: 'Engine scaling', measure: `per-event cost, ${r.rules} count rule(s), 10,000 active origins`,
      result: `${fmtNs(r.updateNs)} per event, ${fmtNs(r.updateNs / r.rules)} per rule (${(r.updateNs / one).toFixed(1)}x of 1 rule)`,
    });
  }
  progress('engine: the default pack, quiet traffic and an unattested campaign');
  const quiet = await runTool<TimingResult>(tool, ['pack', 10_000, EVENTS, 'quiet'], { timeoutMs: 120_000, ...gcArgs });
  const campaign = await runTool<TimingResult>(tool, ['pack', 2_000, 60_000, 'campaign'], { timeoutMs: 180_000, ...gcArgs });
  results.add({ area: 'Engine scaling', measure: 'per-event cost, default pack, quiet traffic (no rule fires), 10,000 origins', result: `${fmtNs(quiet.updateNs)} per event (${fmtRate(1e9 / quiet.updateNs)})` });
  results.add({
    area: 'Engine scaling', measure: `per-event cost, default pack, unattested campaign (rules fire on every call; ${fmtInt(campaign.alertsEmitted)} alerts), 2,000 origins`,
    result: `${fmtNs(campaign.updateNs)} per event (${fmtRate(1e9 / campaign.updateNs)}; ${(campaign.updateNs / quiet.updateNs).toFixed(1)}x quiet)`,
  });
  progress('engine: a distinct_ratio rule on 4 busy trunks, event time advancing, some events late');
  const busy = await runTool<{ updateNs: number }>(tool, ['busy', EVENTS], { timeoutMs: 180_000, ...gcArgs });
  results.add({
    area: 'Engine scaling', measure: 'per-event cost, a distinct_ratio rule on 4 busy trunks (sketched counts; ~50 calls a trunk per 10 s bucket, 1 in 10 late by up to a minute)',
    result: `${fmtNs(busy.updateNs)} per event (${fmtRate(1e9 / busy.updateNs)})`,
  });

  const memory: Record<string, MemoryResult> = {};
  for (const config of ['registry', 'count', 'cli', 'default']) {
    progress(`engine memory: ${config}, ${fmtInt(ORIGINS)} origins`);
    memory[config] = await runTool<MemoryResult>(tool, ['memory', config, ORIGINS], { timeoutMs: 180_000, ...gcArgs });
  }
  const sizes = await runTool<Record<string, number | string>>(tool, ['sizes'], { timeoutMs: 60_000, ...gcArgs });
  const registry = memory['registry']!;
  const perKey = (m: MemoryResult): number => (m.heapDelta + m.externalDelta - registry.heapDelta - registry.externalDelta) / m.keys;
  const count = memory['count']!;
  const cli = memory['cli']!;
  const def = memory['default']!;
  const estimate = (m: MemoryResult, rule: string): number => (m.stateBytes[rule] ?? 0) / Math.max(1, m.activeKeys[rule] ?? 0);
  results.check({
    area: 'Memory', measure: 'window state per active key per rule, measured heap, 1 count rule (1M origins)',
    result: `${fmtInt(perKey(count))} B (engine's own estimate ${fmtInt(estimate(count, 'calls-per-cli-0'))} B)`, target: `≤ ${TARGET_STATE_BYTES} B`,
  }, perKey(count) <= TARGET_STATE_BYTES, 'state-bytes');
  results.check({
    area: 'Memory', measure: 'window state per active key per rule, measured heap, spoofing-campaign-cli (1M origins)',
    result: `${fmtInt(perKey(cli))} B (engine's own estimate ${fmtInt(estimate(cli, 'spoofing-campaign-cli'))} B)`, target: `≤ ${TARGET_STATE_BYTES} B`,
  }, perKey(cli) <= TARGET_STATE_BYTES, 'state-bytes');
  results.add({
    area: 'Memory', measure: 'dedup state per tracked call (call registry), measured heap',
    result: `${fmtInt((registry.heapDelta + registry.externalDelta) / registry.trackedCalls)} B × ${fmtInt(registry.trackedCalls)} calls`,
  });
  results.check({
    area: 'Memory', measure: `RSS with ${fmtInt(ORIGINS)} active origins, default pack (engine in a bare node process)`,
    result: `${fmtBytes(def.rss)} (heap +${fmtBytes(def.heapDelta)}; ${fmtNs(def.nsPerEvent)} per event while filling)`, target: `< ${fmtBytes(TARGET_RSS)}`,
  }, def.rss < TARGET_RSS, 'rss');
  results.add({
    area: 'Memory', measure: 'the periodic sweep, run inside one processCall, at 1M origins when half the tracked calls expire: default pack; call registry alone',
    result: `${fmtMs(def.sweepMs)}; ${fmtMs(registry.sweepMs)}`,
  });
  if (def.windowSweepMs !== undefined) {
    results.check({
      area: 'Memory', measure: 'the windows\' part of the sweep at 1M origins, default pack: none due; 5 % of origins expiring',
      result: `${fmtMs(def.windowSweepNoneDueMs ?? Number.NaN)}; ${fmtMs(def.windowSweepMs)} (CPU ${fmtMs(def.windowSweepCpuMs ?? Number.NaN)}) for ${fmtInt(def.windowKeysExpired ?? 0)} key states freed (at most 8,192 a sweep; events free the rest, a few each)`,
      target: `pause < ${fmtMs(TARGET_SWEEP_MS)}`,
    }, def.windowSweepMs < TARGET_SWEEP_MS, 'sweep-pause');
  }
  results.raw['engine'] = { keyRuns, ruleRuns, quiet, campaign, busy, memory, sizes };
  results.note(
    'Engine figures are in-process (`bench/tools/engine-bench.ts` compiled to plain JavaScript, one bare node process per configuration, `--expose-gc`, JIT warmed on a throwaway engine): ' +
    'synthetic domestic calls, not fully attested, so every origin holds state in per-calling_number rules; the time to build the synthetic events is subtracted. ' +
    `"Active origins" are created first (one call each), then ${fmtInt(EVENTS)} calls land on them in a scrambled order inside one window. ` +
    'Memory: K origins make one call each (every other one answered), heap measured after two full GCs; per-key bytes are the heap above the same run with no window rules (call registry only). ' +
    `V8 sizes of the parts of a key's state on this Node: ${Object.entries(sizes).filter(([k]) => k !== 'mode').map(([k, v]) => `${k} ${v} B`).join(', ')}.`,
  );
}
