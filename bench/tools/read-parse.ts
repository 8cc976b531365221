// The replay's floor: read an NDJSON file in 1 MiB chunks, split it into lines and JSON.parse each
// one, and nothing else (no validation, no detection).
//   node --import ./bench/ts-hooks.mjs bench/tools/read-parse.ts FILE   → {"lines":N,"ms":T}
import { createReadStream } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: read-parse.ts FILE');
const started = performance.now();
let lines = 0;
let checksum = 0;
let carry = '';
const parse = (text: string): void => {
  if (text.trim() === '') return;
  const value = JSON.parse(text) as { ts?: number };
  if (value.ts !== undefined) checksum++;
  lines++;
};
for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
  const text = carry + (chunk as string);
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
    parse(text.slice(start, nl));
    start = nl + 1;
  }
  carry = text.slice(start);
}
parse(carry);
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ lines, ms, checksum }) + '\n');
