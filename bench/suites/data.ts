import path from 'node:path';
import { runCommand } from '../lib/child.js';
import { progress } from '../lib/progress.js';
import type { BenchContext } from './context.js';

export const TRAFFIC_EVENTS = 1_000_000;
export const TRAFFIC_SEED = 7;

/** The generator's own traffic (all scenarios, default late and duplicate shares): 1M call events. */
export async function generateTraffic(ctx: BenchContext): Promise<void> {
  progress(`generating ${TRAFFIC_EVENTS.toLocaleString('en-GB')} call events with the generator CLI`);
  const r = await runCommand(process.execPath, [
    'services/generator/dist/cli.js', '--out', ctx.genDir, '--events', String(TRAFFIC_EVENTS), '--seed', String(TRAFFIC_SEED), '--quiet',
  ], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`generator failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  ctx.results.raw['traffic'] = { file: path.join(ctx.genDir, 'calls.jsonl'), events: TRAFFIC_EVENTS, generateMs: Math.round(r.ms) };
  progress(`generated in ${(r.ms / 1000).toFixed(1)} s`);
}
