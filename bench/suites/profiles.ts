import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../lib/child.js';
import { summariseProfile } from '../lib/cpu-profile.js';
import { sampleUntil, startDetector } from '../lib/detector.js';
import { fmtInt } from '../lib/format.js';
import { progress } from '../lib/progress.js';
import type { BenchContext } from './context.js';
import type { ThroughputOutcome } from './throughput.js';

function newestProfile(dir: string, prefix: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.cpuprofile')).sort();
  const last = files.at(-1);
  return last ? path.join(dir, last) : undefined;
}

/**
 * For each missed target with a CPU hot path, runs that piece again under `node --cpu-prof` and
 * summarises the profile (self time by function and by area) for BENCHMARKS.md.
 */
export async function profileMisses(ctx: BenchContext): Promise<void> {
  const { results, profilesDir, env, run } = ctx;
  const throughput = results.raw['throughput'] as ThroughputOutcome | undefined;
  if ((results.misses.has('detector-throughput') || results.misses.has('latency')) && throughput) {
    progress(`profiles: detector under --cpu-prof, catching up on the same ${fmtInt(throughput.events)} events`);
    const detector = await startDetector(env, {
      name: 'detector-profiled', groupId: `bench-${run}-det-prof`, topics: throughput.topics, referenceDir: path.join(ctx.genDir, 'reference'),
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profilesDir}`, '--cpu-prof-name=detector.cpuprofile'],
    });
    try {
      await sampleUntil([detector], throughput.events, { t0: Date.now(), timeoutMs: 180_000, everyMs: 250 });
    } finally {
      await detector.service.stop();
    }
    const file = newestProfile(profilesDir, 'detector');
    if (file) results.profiles.push(summariseProfile(file, 'Detector catching up on the throughput topic (start-up included)'));
  }
  if (results.misses.has('replay')) {
    const args = results.raw['replayArgs'] as string[] | undefined;
    if (args) {
      progress('profiles: replay CLI under --cpu-prof');
      const r = await runCommand(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profilesDir}`, '--cpu-prof-name=replay.cpuprofile', ...args], { timeoutMs: 240_000 });
      const file = newestProfile(profilesDir, 'replay');
      if (r.code === 0 && file) results.profiles.push(summariseProfile(file, 'Replay CLI over the 1M-event file'));
    }
  }
}
