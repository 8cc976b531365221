/**
 * Issue 15: the replay CLI on hostile input, as a child process (its own memory, a deadline):
 * an endless line, a 100 MB line, a byte-order mark, control bytes in a bad line.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const main = path.join(repo, 'services/detector/src/replay/main.ts');
const hooks = path.join(repo, 'test/support/workspace-hooks.mjs');
/** Preloaded into the child: its peak resident set size, printed as it exits. */
const PEAK_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("peak-rss-kb "+process.resourceUsage().maxRSS+"\\n"))';

const dir = mkdtempSync(path.join(tmpdir(), 'telfraud-replay-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildRun { code: number | null; signal: string | null; stderr: string; peakRssMb: number | undefined; timedOut: boolean }

/** Runs the CLI from source; kills it at the deadline. A 256 MB heap: a reader that buffers fails fast instead of eating the machine. */
function replay(args: string[], deadlineMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=256', '--import', hooks, '--import', PEAK_RSS, main, ...args], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-200_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const rss = /peak-rss-kb (\d+)/.exec(stderr);
      resolve({ code, signal, stderr, peakRssMb: rss ? Number(rss[1]) / 1024 : undefined, timedOut });
    });
  });
}

const call = (id: string, ts: number): string => JSON.stringify({
  event_id: `${id}-S`, call_id: id, type: 'START', ts, calling_number: '+447700900123', called_number: '+447700900456',
  ingress_trunk: 'trunk-a', ingress_country: 'GB', attestation: 'A', duration_ms: null, sip_code: null,
});
const T0 = Date.UTC(2026, 0, 5, 9);

describe('replay CLI on hostile input (child process)', () => {
  it('ends /dev/zero with a clear error instead of growing', async () => {
    const r = await replay(['--calls', '/dev/zero', '--out', path.join(dir, 'zero')], 30_000);
    expect(r.timedOut, r.stderr.slice(-2000)).toBe(false);
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    expect(r.stderr).toMatch(/^zero:1: stopped: line longer than the limit of 1048576 bytes holds NUL bytes: binary data, not NDJSON/m);
    expect(r.stderr).toMatch(/^INCOMPLETE INPUT: /m);
    expect(r.stderr).toContain('no event could be read');
    expect(r.peakRssMb).toBeLessThan(300);
  }, 40_000);

  it('skips a 100 MB line with bounded memory, naming its line and length, and reads the lines around it', async () => {
    const file = path.join(dir, 'long.jsonl');
    const out = createWriteStream(file);
    const write = (s: string): Promise<void> => new Promise((res) => (out.write(s) ? res() : out.once('drain', res)));
    await write(call('before', T0) + '\n{"event_id":"');
    const mib = 'a'.repeat(1 << 20);
    for (let i = 0; i < 100; i++) await write(mib);
    await write('"}\n' + call('after', T0 + 1000) + '\n');
    await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
    const r = await replay(['--calls', file, '--out', path.join(dir, 'long-out')], 60_000);
    expect(r.timedOut, r.stderr.slice(-2000)).toBe(false);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(r.stderr).toContain(`long.jsonl:2: skipped: line longer than the limit of 1048576 bytes (${100 * (1 << 20) + 15} bytes): skipped unread`);
    expect(r.stderr).toMatch(/^read 2 call events /m);
    expect(r.peakRssMb).toBeDefined();
    expect(r.peakRssMb!).toBeLessThan(300);
  }, 90_000);

  it('keeps line 1 of a file that starts with a UTF-8 byte-order mark', async () => {
    const file = path.join(dir, 'bom.jsonl');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(call('first', T0) + '\n')]));
    const r = await replay(['--calls', file, '--out', path.join(dir, 'bom-out')], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^read 1 call events .*\(0 bad lines skipped/m);
  }, 40_000);

  it('escapes control bytes of a bad line instead of echoing them to the terminal', async () => {
    const file = path.join(dir, 'ctl.jsonl');
    writeFileSync(file, `${call('ok', T0)}\n\u001b[2J\u001b]0;owned\u0007{"x":1}\n{"event_id":"\u001b[31mred\u202e"}\n`);
    const r = await replay(['--calls', file, '--out', path.join(dir, 'ctl-out')], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^ctl\.jsonl:2: skipped: not JSON: .*\\x1b\[2J/m);
    expect(r.stderr).toMatch(/^ctl\.jsonl:3: skipped: /m);
    // Nothing below U+0020 but the newlines, no DEL, no C1 controls, no bidi override.
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  }, 40_000);
});
