import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './stack.js';
import { sleep } from './wait-for.js';

/** A service run as `node <script>` from the repository root; its output is kept for failure messages. */
export class ServiceProcess {
  private output = '';
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-100_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(name: string, script: string, env: Record<string, string>): ServiceProcess {
    const file = path.join(ROOT, script);
    if (!existsSync(file)) throw new Error(`${name}: ${file} is missing; build it first (npx tsc -b ...)`);
    return new ServiceProcess(spawn(process.execPath, [file], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get log(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends `signal` (SIGKILL by default: a crash, nothing flushed) and waits for the exit; null when a signal ended it. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** The exit code, or 'running' if the process has not exited within `timeoutMs`. */
  waitExit(timeoutMs: number): Promise<number | null | 'running'> {
    return Promise.race([this.exited, sleep(timeoutMs).then(() => 'running' as const)]);
  }

  /** SIGTERM and the exit code; SIGKILL and null when it overruns `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const code = await Promise.race([this.exited, sleep(timeoutMs).then(() => 'timeout' as const)]);
    if (code !== 'timeout') return code;
    this.child.kill('SIGKILL');
    await this.exited;
    return null;
  }
}
