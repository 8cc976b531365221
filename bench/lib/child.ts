import { spawn } from 'node:child_process';
import { ROOT } from '../../test/support/stack.js';
import { compiledTool } from './compiled-tool.js';

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command from the repository root to completion (killed at `timeoutMs`); stderr is kept, not echoed. */
export function runCommand(command: string, args: readonly string[], options: { timeoutMs: number; env?: Record<string, string> }): Promise<ChildResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') reject(new Error(`${command} ${args.join(' ')} overran ${options.timeoutMs} ms`));
      else resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/**
 * A bench tool (TypeScript under bench/tools) in its own node process; its stdout's last line is JSON.
 * `compiled`: run as plain JavaScript (compiledTool), so the process holds no TypeScript compiler.
 */
export async function runTool<T>(
  tool: string,
  args: readonly (string | number)[],
  options: { timeoutMs: number; nodeArgs?: string[]; compiled?: boolean },
): Promise<T> {
  const script = options.compiled ? [compiledTool(tool)] : ['--import', './bench/ts-hooks.mjs', `bench/tools/${tool}`];
  const r = await runCommand(process.execPath, [...(options.nodeArgs ?? []), ...script, ...args.map(String)], { timeoutMs: options.timeoutMs });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !last.startsWith('{')) throw new Error(`${tool} ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  return JSON.parse(last) as T;
}
