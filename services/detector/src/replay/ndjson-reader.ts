import { createReadStream } from 'node:fs';

/**
 * A parsed line, or why it was skipped. `fatal`: the rest of the file is not read (binary data in
 * an overlong line: `/dev/zero` would otherwise be skipped forever).
 */
export type NdjsonLine = { line: number; value: unknown } | { line: number; error: string; fatal?: true };

export interface NdjsonReadOptions {
  /** A longer line is reported and skipped without being held whole in memory. */
  maxLineBytes: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

const BOM = 0xfeff;

/**
 * Streams a newline-delimited JSON file in batches of parsed lines (or parse errors), numbered from
 * 1, skipping blank lines. Batching keeps the per-line cost to a split and a JSON.parse: no
 * per-line promise, no readline. Memory stays bounded by the chunk size plus `maxLineBytes`
 * whatever the input; a UTF-8 byte-order mark at the start is dropped. While an overlong line is
 * being skipped, empty batches are yielded so the caller can still report progress.
 */
export async function* readNdjsonBatches(file: string, options: NdjsonReadOptions = { maxLineBytes: DEFAULT_MAX_LINE_BYTES }): AsyncGenerator<NdjsonLine[]> {
  const max = options.maxLineBytes;
  // A UTF-16 unit is at most 3 UTF-8 bytes: shorter strings cannot be over the limit, so the exact
  // byte count is only computed for the rare line near it.
  const maxUnitsUnchecked = Math.floor(max / 3);
  const overLimit = (text: string): boolean => text.length > maxUnitsUnchecked && (text.length > max || Buffer.byteLength(text) > max);
  const tooLong = (line: number, bytes: number, sofar: string): NdjsonLine =>
    ({ line, error: `line longer than the limit of ${max} bytes (${bytes} bytes${sofar}): skipped unread` });
  let carry = '';
  let line = 0;
  let first = true;
  /** The overlong line being skipped, and its length so far. */
  let skipping: { line: number; bytes: number } | undefined;
  const parse = (text: string, out: NdjsonLine[]): void => {
    line++;
    if (text.length === 0) return;
    if (overLimit(text)) {
      out.push(tooLong(line, Buffer.byteLength(text), ''));
      return;
    }
    if (text.trim().length === 0) return;
    try {
      out.push({ line, value: JSON.parse(text) as unknown });
    } catch (err) {
      out.push({ line, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  const binary = (skipped: { line: number; bytes: number }): NdjsonLine => ({
    line: skipped.line, fatal: true,
    error: `line longer than the limit of ${max} bytes holds NUL bytes: binary data, not NDJSON; stopped reading the file after ${skipped.bytes} bytes of this line`,
  });
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    let text = chunk as string;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }
    const out: NdjsonLine[] = [];
    let start = 0;
    if (skipping) {
      const nl = text.indexOf('\n');
      const part = nl === -1 ? text : text.slice(0, nl);
      skipping.bytes += Buffer.byteLength(part);
      if (part.includes('\u0000')) {
        yield [binary(skipping)];
        return;
      }
      if (nl === -1) {
        yield out;
        continue;
      }
      out.push(tooLong(skipping.line, skipping.bytes, ''));
      skipping = undefined;
      start = nl + 1;
    } else {
      text = carry + text;
    }
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      parse(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl), out);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (overLimit(carry)) {
      skipping = { line: ++line, bytes: Buffer.byteLength(carry) };
      const hasNul = carry.includes('\u0000');
      carry = '';
      if (hasNul) {
        out.push(binary(skipping));
        yield out;
        return;
      }
    }
    yield out;
  }
  const out: NdjsonLine[] = [];
  if (skipping) out.push(tooLong(skipping.line, skipping.bytes, ' when the file ended'));
  else if (carry.length > 0) parse(carry, out);
  if (out.length > 0) yield out;
}

/** One line at a time, for callers that prefer it. */
export async function* readNdjson(file: string, options?: NdjsonReadOptions): AsyncGenerator<NdjsonLine> {
  for await (const batch of readNdjsonBatches(file, options)) yield* batch;
}
