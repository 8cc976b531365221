import type { BenchContext } from './context.js';

export async function latencyBench(_ctx: BenchContext): Promise<void> {}
