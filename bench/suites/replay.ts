import { statSync } from 'node:fs';
import path from 'node:path';
import { runCommand, runTool } from '../lib/child.js';
import { fmtBytes, fmtInt, fmtMs, fmtRate, fmtRatio } from '../lib/format.js';
import { progress } from '../lib/progress.js';
import type { BenchContext } from './context.js';

const TARGET_RATE = 300_000;
const TARGET_RATIO = 2;

/** Replay CLI over the 1M-event file vs. just reading and parsing that file. */
export async function replayBench(ctx: BenchContext): Promise<void> {
  const calls = path.join(ctx.genDir, 'calls.jsonl');
  const size = statSync(calls).size;
  progress('replay: read-and-parse baseline');
  const floor = await runTool<{ lines: number; ms: number }>('read-parse.ts', [calls], { timeoutMs: 120_000 });
  progress(`replay: read+parse ${fmtInt(floor.lines)} lines in ${fmtMs(floor.ms)}; now the replay CLI`);
  const args = ['services/detector/dist/replay/main.js', '--calls', calls, '--reference', path.join(ctx.genDir, 'reference'), '--out', path.join(ctx.workDir, 'replay-out'), '--quiet'];
  const r = await runCommand(process.execPath, args, { timeoutMs: 180_000 });
  const m = /read (\d+) call events .* in ([\d.]+) s/.exec(r.stderr);
  if (r.code !== 0 || !m) throw new Error(`replay CLI failed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  const events = Number(m[1]);
  const replayMs = Number(m[2]) * 1000;
  const rate = events / (replayMs / 1000);
  const ratio = replayMs / floor.ms;
  const { results } = ctx;
  results.raw['replay'] = { events, replayMs, wallMs: r.ms, readParseMs: floor.ms, lines: floor.lines, fileBytes: size };
  results.check({
    area: 'Replay', measure: `replay CLI, ${fmtInt(events)} call events (${fmtBytes(size)} NDJSON), default pack`,
    result: `${fmtRate(rate)} (${fmtMs(replayMs)}; ${fmtMs(r.ms)} with node start-up)`,
    target: `≥ ${fmtRate(TARGET_RATE)} or ≤ ${TARGET_RATIO}x read+parse`,
  }, rate >= TARGET_RATE || ratio <= TARGET_RATIO, 'replay');
  results.add({ area: 'Replay', measure: 'read + JSON.parse of the same file (the floor)', result: `${fmtRate(floor.lines / (floor.ms / 1000))} (${fmtMs(floor.ms)})` });
  results.add({ area: 'Replay', measure: 'replay time / read+parse time', result: fmtRatio(ratio), target: `≤ ${TARGET_RATIO}x (or the rate above)` });
  results.raw['replayArgs'] = args;
}
