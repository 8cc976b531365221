import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type NdjsonLine = { line: number; value: unknown } | { line: number; error: string };

/** Streams a newline-delimited JSON file, one parsed value (or a parse error) per non-blank line. */
export async function* readNdjson(file: string): AsyncGenerator<NdjsonLine> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, value: JSON.parse(text) as unknown };
    } catch (err) {
      yield { line, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
}
