import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNdjson, type NdjsonLine } from './ndjson-reader.js';

const dir = mkdtempSync(path.join(tmpdir(), 'telfraud-ndjson-'));
let n = 0;
function file(content: string | Buffer): string {
  const f = path.join(dir, `f${n++}.jsonl`);
  writeFileSync(f, content);
  return f;
}
async function readAll(f: string, maxLineBytes = 1 << 20): Promise<NdjsonLine[]> {
  const out: NdjsonLine[] = [];
  for await (const l of readNdjson(f, { maxLineBytes })) out.push(l);
  return out;
}

describe('readNdjson', () => {
  it('drops a UTF-8 byte-order mark at the start, so line 1 is read', async () => {
    const lines = await readAll(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"a":2}\n')])));
    expect(lines).toEqual([{ line: 1, value: { a: 1 } }, { line: 2, value: { a: 2 } }]);
  });

  it('keeps a byte-order mark anywhere else as part of the line (a bad line)', async () => {
    const lines = await readAll(file('{"a":1}\n\uFEFF{"a":2}\n'));
    expect(lines[1]).toMatchObject({ line: 2, error: expect.stringContaining('not JSON') });
  });

  it('numbers lines from 1 across blank lines, CRLF endings and a last line without a newline', async () => {
    const lines = await readAll(file('{"a":1}\r\n\n  \n{"a":2}\r\n{"a":3}'));
    expect(lines).toEqual([{ line: 1, value: { a: 1 } }, { line: 4, value: { a: 2 } }, { line: 5, value: { a: 3 } }]);
  });

  it('reports a line over the limit with its number and length and reads on', async () => {
    const long = `{"x":"${'y'.repeat(200)}"}`;
    const lines = await readAll(file(`{"a":1}\n${long}\n{"a":3}\n`), 100);
    expect(lines).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, error: `line longer than the limit of 100 bytes (${long.length} bytes): skipped unread` },
      { line: 3, value: { a: 3 } },
    ]);
  });

  it('counts the limit in UTF-8 bytes, not characters', async () => {
    const line = `"${'é'.repeat(60)}"`; // 62 characters, 122 bytes
    expect(await readAll(file(`${line}\n`), 100)).toEqual([{ line: 1, error: 'line longer than the limit of 100 bytes (122 bytes): skipped unread' }]);
    expect(await readAll(file(`${line}\n`), 122)).toEqual([{ line: 1, value: 'é'.repeat(60) }]);
  });

  it('skips an overlong line that spans many read chunks, counting all of it, and reads the lines after it', async () => {
    const big = 'z'.repeat(3 * (1 << 20) + 17);
    const lines = await readAll(file(`{"a":1}\n${big}\n{"a":3}\n${big}`), 1000);
    expect(lines).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, error: `line longer than the limit of 1000 bytes (${big.length} bytes): skipped unread` },
      { line: 3, value: { a: 3 } },
      { line: 4, error: `line longer than the limit of 1000 bytes (${big.length} bytes when the file ended): skipped unread` },
    ]);
  });

  it('stops at an overlong line of binary data (NUL bytes) with a fatal error', async () => {
    const lines = await readAll(file(Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.alloc(5000)])), 1000);
    expect(lines[0]).toEqual({ line: 1, value: { a: 1 } });
    expect(lines[1]).toMatchObject({ line: 2, fatal: true, error: expect.stringMatching(/NUL bytes: binary data, not NDJSON; stopped reading/) });
    expect(lines).toHaveLength(2);
  });
});
