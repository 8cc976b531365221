import type { BenchContext } from './context.js';

export async function scalingBench(_ctx: BenchContext): Promise<void> {}
