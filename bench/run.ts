// `make bench`: every sub-benchmark on the local stack, one after the other, each bounded in time;
// prints the table and writes BENCHMARKS.md (only when every suite ran: `--only a,b` prints only).
//   node --import ./bench/ts-hooks.mjs bench/run.ts [--only data,replay,engine,throughput,latency,scaling,sink,profiles] [--readme] [--latency-rate N]
// --latency-rate N: the latency part loads at fractions of N events/s instead of the throughput part's measured maximum.
// --readme also writes the headline figures between README.md's bench-headline markers (full runs only).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, requireStackEnv } from '../test/support/stack.js';
import { NodeService } from './lib/node-service.js';
import { otherWork } from './lib/other-work.js';
import { progress } from './lib/progress.js';
import { Results, markdownTable } from './lib/results.js';
import { writeBenchmarksFile, writeReadmeHeadline } from './report.js';
import type { BenchContext, Suite } from './suites/context.js';
import { generateTraffic } from './suites/data.js';
import { engineBench } from './suites/engine.js';
import { latencyBench } from './suites/latency.js';
import { profileMisses } from './suites/profiles.js';
import { replayBench } from './suites/replay.js';
import { scalingBench } from './suites/scaling.js';
import { sinkBench } from './suites/sink.js';
import { throughputBench } from './suites/throughput.js';

/** In run order; later suites read earlier ones' raw results (latency needs the detector's max rate). */
const SUITES: [name: string, suite: Suite, needs: string[]][] = [
  ['data', generateTraffic, []],
  ['replay', replayBench, ['data']],
  ['engine', engineBench, []],
  ['throughput', throughputBench, ['data']],
  ['latency', latencyBench, []],
  ['scaling', scalingBench, ['data']],
  ['sink', sinkBench, []],
  ['profiles', profileMisses, []],
];

function parseOnly(argv: string[]): Set<string> | undefined {
  const i = argv.indexOf('--only');
  if (i < 0) return undefined;
  const names = new Set((argv[i + 1] ?? '').split(',').filter(Boolean));
  const unknown = [...names].filter((n) => !SUITES.some(([s]) => s === n));
  if (unknown.length > 0 || names.size === 0) throw new Error(`--only: expected a comma list of ${SUITES.map(([s]) => s).join(', ')}; got ${argv[i + 1] ?? 'nothing'}`);
  for (const [name, , needs] of SUITES) if (names.has(name)) for (const n of needs) names.add(n);
  return names;
}

function parseLatencyRate(argv: string[]): number | undefined {
  const i = argv.indexOf('--latency-rate');
  if (i < 0) return undefined;
  const rate = Number(argv[i + 1]);
  if (!Number.isInteger(rate) || rate < 4) throw new Error(`--latency-rate: expected events per second (an integer of at least 4); got ${argv[i + 1] ?? 'nothing'}`);
  return rate;
}

async function main(): Promise<number> {
  const started = Date.now();
  const only = parseOnly(process.argv.slice(2));
  const latencyMaxRate = parseLatencyRate(process.argv.slice(2));
  const env = requireStackEnv();
  const run = `b${Date.now().toString(36)}`;
  const ctx: BenchContext = {
    env, run, results: new Results(),
    workDir: mkdtempSync(path.join(tmpdir(), `telfraud-bench-${run}-`)),
    genDir: '',
    profilesDir: path.join(ROOT, '.data/profiles', run),
    ...(latencyMaxRate !== undefined ? { latencyMaxRate } : {}),
  };
  ctx.genDir = path.join(ctx.workDir, 'traffic');
  mkdirSync(ctx.profilesDir, { recursive: true });
  const outDir = path.join(ROOT, '.data/bench', run);
  mkdirSync(outDir, { recursive: true });
  progress(`run ${run}: scratch ${ctx.workDir}, results ${outDir}`);
  const stop = (): void => {
    progress('interrupted: stopping the services this run started');
    void NodeService.stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (const [name, suite] of SUITES) {
      if (only && !only.has(name)) continue;
      const t = Date.now();
      const load1 = loadavg()[0] ?? Number.NaN;
      const others = new Set(otherWork());
      progress(`== ${name} (load average ${load1.toFixed(2)}${others.size ? `; also running: ${[...others].join('; ')}` : ''})`);
      try {
        await suite(ctx);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        ctx.results.errors.push({ suite: name, message });
        progress(`${name} FAILED: ${message}`);
      } finally {
        await NodeService.stopAll();
      }
      for (const o of otherWork()) others.add(o);
      ctx.results.suiteSeconds.push({ suite: name, seconds: (Date.now() - t) / 1000, load1, others: [...others] });
    }
  } finally {
    rmSync(ctx.workDir, { recursive: true, force: true });
  }
  const elapsedMs = Date.now() - started;
  const { results } = ctx;
  writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ run, elapsedMs, rows: results.rows, errors: results.errors, raw: results.raw }, null, 2));
  process.stdout.write('\n' + markdownTable(results.rows) + '\n\n');
  for (const e of results.errors) process.stdout.write(`ERROR in ${e.suite}: ${e.message.split('\n')[0]}\n`);
  process.stdout.write(`timings: ${results.suiteSeconds.map((s) => `${s.suite} ${s.seconds.toFixed(0)} s`).join(', ')}; total ${(elapsedMs / 1000).toFixed(0)} s\n`);
  if (!only) {
    const file = writeBenchmarksFile(results, elapsedMs);
    progress(`wrote ${file}`);
    if (process.argv.includes('--readme')) progress(writeReadmeHeadline(results) ? 'wrote the headline into README.md' : 'README.md has no bench-headline markers: left alone');
  }
  return results.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
