import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../test/support/stack.js';

const live = new Set<NodeService>();

/**
 * A built service run as `node [nodeArgs] <script>` from the repository root. Like the tests'
 * ServiceProcess, but it exposes what benchmarks need: the pid (RSS from /proc), pausing with
 * SIGSTOP/SIGCONT (to line several instances up on one backlog), and node flags (--cpu-prof).
 */
export class NodeService {
  private output = '';
  private partial = '';
  private readonly lineListeners: ((line: string) => void)[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(readonly name: string, private readonly child: ChildProcess) {
    const keep = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.output = (this.output + text).slice(-50_000);
      if (this.lineListeners.length === 0) return;
      const lines = (this.partial + text).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) for (const listener of this.lineListeners) listener(line);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  static start(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): NodeService {
    const file = path.join(ROOT, script);
    if (!existsSync(file)) throw new Error(`${name}: ${file} is missing; run \`npm run -s build\` first`);
    const child = spawn(process.execPath, [...nodeArgs, file], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new NodeService(name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  /** Every complete line the service writes from now on (stdout and stderr). */
  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** Resident set size from /proc, in bytes; undefined once the process is gone. */
  rssBytes(): number | undefined {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM (after SIGCONT, in case it is paused); SIGKILL when it overruns `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    if (code !== 'timeout') return code;
    this.child.kill('SIGKILL');
    await this.exited;
    return null;
  }

  /** Every service this process started and that is still running (for a last-resort cleanup). */
  static async stopAll(): Promise<void> {
    await Promise.all([...live].map((s) => s.stop(10_000)));
  }
}
