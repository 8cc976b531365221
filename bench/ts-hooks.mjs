// Lets `node --import ./bench/ts-hooks.mjs bench/x.ts` run the bench's TypeScript (and the
// test/support helpers it reuses) without a build step: see ts-loader.mjs.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
