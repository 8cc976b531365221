// The replay's floor: stream an NDJSON file and JSON.parse every line, exactly as the replay CLI's
// reader does (services/detector/src/replay/ndjson-reader.ts), and nothing else.
//   node --import ./bench/ts-hooks.mjs bench/tools/read-parse.ts FILE   → {"lines":N,"ms":T}
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const file = process.argv[2];
if (!file) throw new Error('usage: read-parse.ts FILE');
const started = performance.now();
const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
let lines = 0;
let checksum = 0;
for await (const text of rl) {
  if (text.trim() === '') continue;
  const value = JSON.parse(text) as { ts?: number };
  checksum += value.ts === undefined ? 0 : 1;
  lines++;
}
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ lines, ms, checksum }) + '\n');
