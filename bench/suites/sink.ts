import type { BenchContext } from './context.js';

export async function sinkBench(_ctx: BenchContext): Promise<void> {}
