import { createReadStream } from 'node:fs';

export type NdjsonLine = { line: number; value: unknown } | { line: number; error: string };

/**
 * Streams a newline-delimited JSON file in batches of parsed lines (or parse errors), numbered from
 * 1, skipping blank lines. Batching keeps the per-line cost to a split and a JSON.parse: no
 * per-line promise, no readline.
 */
export async function* readNdjsonBatches(file: string): AsyncGenerator<NdjsonLine[]> {
  let carry = '';
  let line = 0;
  const parse = (text: string, out: NdjsonLine[]): void => {
    line++;
    if (text.length === 0 || text.trim().length === 0) return;
    try {
      out.push({ line, value: JSON.parse(text) as unknown });
    } catch (err) {
      out.push({ line, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    const out: NdjsonLine[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      parse(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl), out);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (out.length > 0) yield out;
  }
  if (carry.length > 0) {
    const out: NdjsonLine[] = [];
    parse(carry, out);
    if (out.length > 0) yield out;
  }
}

/** One line at a time, for callers that prefer it. */
export async function* readNdjson(file: string): AsyncGenerator<NdjsonLine> {
  for await (const batch of readNdjsonBatches(file)) yield* batch;
}
