// `node --import ./test/support/workspace-hooks.mjs services/x/src/file.ts` runs workspace TypeScript
// from source, as vitest does: `@telfraud/<name>` resolves to services/<name>/src/index.ts (no build
// needed), and bench/ts-loader.mjs handles the `.ts` files. For tests that need a real child process.
import { register } from 'node:module';

register('../../bench/ts-loader.mjs', import.meta.url);
register('./workspace-resolve.mjs', import.meta.url);
