import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

const FLUSH_BYTES = 1 << 17;

/**
 * Newline-delimited JSON to a file, batched into large writes and honouring back-pressure, so a
 * million-event run streams at disk speed in constant memory.
 */
export class JsonlWriter {
  private buffer = '';
  private lines = 0;
  private readonly stream: WriteStream;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  get count(): number {
    return this.lines;
  }

  /** Queues one record; resolves at once unless a full buffer had to wait for the disk. */
  async write(record: unknown): Promise<void> {
    this.buffer += JSON.stringify(record) + '\n';
    this.lines++;
    if (this.buffer.length >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    if (chunk.length > 0 && !this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
