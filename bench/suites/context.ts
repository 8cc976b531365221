import type { StackEnv } from '../lib/kafka.js';
import type { Results } from '../lib/results.js';

/** What every sub-benchmark gets: the stack, a run id for fresh names, where to put files, the results. */
export interface BenchContext {
  env: StackEnv;
  /** Short and unique per run: topic, group and database names derive from it. */
  run: string;
  /** Scratch files (generated traffic), deleted at the end. */
  workDir: string;
  /** The generator's 1M-event output: calls.jsonl, reference/. */
  genDir: string;
  /** .data/profiles/<run>: --cpu-prof output for missed targets. */
  profilesDir: string;
  results: Results;
  /** `--latency-rate N`: the latency levels are fractions of N events/s instead of the throughput part's measured maximum. */
  latencyMaxRate?: number;
}

export type Suite = (ctx: BenchContext) => Promise<void>;
