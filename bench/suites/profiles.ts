import type { BenchContext } from './context.js';

export async function profileMisses(_ctx: BenchContext): Promise<void> {}
