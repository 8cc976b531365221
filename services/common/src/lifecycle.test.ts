import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceStack, stopOnce } from './lifecycle.js';
import { createLogger } from './logger.js';

describe('ResourceStack', () => {
  it('closes in reverse order of opening, each once, and goes on past a close that fails', async () => {
    const lines: string[] = [];
    const closed: string[] = [];
    const stack = new ResourceStack(createLogger({ level: 'debug', write: (line) => void lines.push(line) }));
    stack.push('http', () => void closed.push('http'));
    stack.push('producer', async () => {
      closed.push('producer');
      throw new Error('broker gone');
    });
    stack.push('consumer', async () => void closed.push('consumer'));
    await Promise.all([stack.closeAll(), stack.closeAll()]);
    await stack.closeAll();
    expect(closed).toEqual(['consumer', 'producer', 'http']);
    const failed = lines.map((l) => JSON.parse(l) as { msg: string; resource: string }).filter((l) => l.msg === 'close failed');
    expect(failed.map((l) => l.resource)).toEqual(['producer']);
  });
});

describe('stopOnce', () => {
  it('runs the stop once: a second call, during or after it, gets the first call\'s promise and outcome', async () => {
    let runs = 0;
    let finish: () => void = () => undefined;
    const stop = stopOnce(() => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    const first = stop();
    expect(stop()).toBe(first);
    finish();
    await first;
    expect(stop()).toBe(first);
    expect(runs).toBe(1);
    const failing = stopOnce(async () => {
      runs++;
      throw new Error('deadline');
    });
    await expect(failing()).rejects.toThrow('deadline');
    await expect(failing()).rejects.toThrow('deadline');
    expect(runs).toBe(2);
  });
});

/**
 * runService traps signals and exits the process, so each case runs in a child process: a small
 * service whose start and stop behave as the case says, logging JSON lines to stdout. The modules
 * it needs are transpiled once, here, so each child starts as plain JavaScript (no loader, no build);
 * they sit under node_modules so that any package they import resolves as from the source.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.resolve(here, '../../../node_modules/.cache');
let outDir = '';
let fixture = '';

/** Transpiles `name` (a module of this folder) and, following relative imports, what it needs. */
function transpile(name: string, done = new Set<string>()): void {
  if (done.has(name)) return;
  done.add(name);
  const source = readFileSync(path.join(here, `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  mkdirSync(path.dirname(path.join(outDir, `${name}.js`)), { recursive: true });
  writeFileSync(path.join(outDir, `${name}.js`), outputText);
  for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) transpile(path.join(path.dirname(name), m[1]!), done);
}

beforeAll(() => {
  mkdirSync(cacheDir, { recursive: true });
  outDir = mkdtempSync(path.join(cacheDir, 'telfraud-lifecycle-'));
  for (const name of ['lifecycle', 'config', 'errors', 'logger']) transpile(name);
  fixture = path.join(outDir, 'service.mjs');
  writeFileSync(fixture, FIXTURE);
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const FIXTURE = `
import { runService } from './lifecycle.js';
import { defineConfig, loadConfig } from './config.js';
import { PipelineError } from './errors.js';
import { createLogger } from './logger.js';

const logger = createLogger({ write: (line) => process.stdout.write(line + '\\n') });
const mark = (msg) => logger.info(msg);
const scenario = process.argv[2];
// What a real service's sockets do: keep the process alive until it is stopped.
const keepAlive = setInterval(() => undefined, 60_000);
const handle = (stop) => ({ stop: stop ?? (async () => { mark('stop called'); clearInterval(keepAlive); }) });

await runService({
  name: 'svc', logger, shutdownTimeoutMs: 300,
  start: async () => {
    switch (scenario) {
      case 'config': loadConfig('svc', defineConfig({ port: { env: 'SVC_PORT', type: 'int', doc: 'port' } }), { SVC_PORT: 'eighty' }); break;
      case 'start-fails': throw new PipelineError('REGISTRY_UNAVAILABLE', 'registry down');
      case 'slow-stop': return handle(() => new Promise(() => mark('stop called')));
      case 'crash': {
        let fail;
        const done = new Promise((_resolve, reject) => (fail = reject));
        setImmediate(() => fail(new Error('consumer crashed')));
        return { ...handle(), done };
      }
      case 'signal-during-start': {
        const delivered = new Promise((resolve) => process.once('SIGTERM', resolve));
        process.kill(process.pid, 'SIGTERM');
        await delivered;
        return handle();
      }
    }
    return handle();
  },
});
`;

interface Run {
  code: number | null;
  logs: { msg: string; code?: string; reason?: string }[];
  stderr: string;
}

/** Runs the fixture service; `onRunning` is called once it logs `running` (then the test signals it). */
function runFixture(scenario: string, onRunning?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, scenario], { stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture ${scenario} did not exit within 20 s`));
    }, 20_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      if (onRunning && stdout.includes('"msg":"running"')) {
        onRunning(child.pid!);
        onRunning = undefined;
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('exit', (code) => {
      clearTimeout(deadline);
      const logs = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Run['logs'][number]);
      resolve({ code, logs, stderr });
    });
  });
}

const msgs = (run: Run): string[] => run.logs.map((l) => l.msg);

describe.concurrent('runService', () => {
  it('on SIGTERM stops the service and exits 0', async () => {
    const run = await runFixture('ok', (pid) => process.kill(pid, 'SIGTERM'));
    expect(run.code).toBe(0);
    expect(msgs(run)).toEqual(['running', 'shutting down', 'stop called', 'stopped']);
    expect(run.logs[1]?.reason).toBe('SIGTERM');
  });

  it('exits 2 on a bad configuration, naming the bad key on stderr', async () => {
    const run = await runFixture('config');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^svc: .*\n(.*\n)*.*SVC_PORT/);
    expect(msgs(run)).not.toContain('running');
  });

  it('exits 1 when start fails, logging the error code', async () => {
    const run = await runFixture('start-fails');
    expect(run.code).toBe(1);
    expect(run.logs.find((l) => l.msg === 'start failed')?.code).toBe('REGISTRY_UNAVAILABLE');
  });

  it('exits 1 with SHUTDOWN_TIMEOUT when the stop overruns its deadline', async () => {
    const run = await runFixture('slow-stop', (pid) => process.kill(pid, 'SIGTERM'));
    expect(run.code).toBe(1);
    expect(msgs(run)).toContain('stop called');
    expect(run.logs.find((l) => l.msg === 'shutdown deadline passed')?.code).toBe('SHUTDOWN_TIMEOUT');
    expect(msgs(run)).not.toContain('stopped');
  });

  it('stops the service and exits 1 when it fails on its own', async () => {
    const run = await runFixture('crash');
    expect(run.code).toBe(1);
    expect(msgs(run)).toEqual(['running', 'service failed', 'stop called']);
  });

  it('a signal during start-up stops the service as soon as it has started', async () => {
    const run = await runFixture('signal-during-start');
    expect(run.code).toBe(0);
    expect(msgs(run)).toEqual(['shutting down', 'stop called', 'stopped']);
    expect(run.logs[0]?.reason).toBe('signal during start-up');
  });
});
