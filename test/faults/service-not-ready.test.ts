/**
 * Not ready is not dead: an alert-sink (re)started by infra/scripts/services.sh while ClickHouse is
 * down is up (/healthz) but not ready (/readyz names ClickHouse). The script must leave it running
 * and say so, `status.sh` must show it not ready with the reason, and once ClickHouse is back the
 * same process becomes ready by itself. (A script waiting for /readyz would give up and stop it,
 * and the sink would stay down after ClickHouse returned.)
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerControl } from '../support/broker-control.js';
import { freePort, httpStatus } from '../support/net.js';
import { requireStackEnv, ROOT } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();
const PID_FILE = path.join(ROOT, '.data/pids/alert-sink.pid');

interface ScriptRun {
  code: number;
  output: string;
}

/** Runs one of the infra scripts to its end (stdout and stderr together). */
function script(file: string, args: string[], extraEnv: Record<string, string> = {}, timeoutMs = 120_000): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile('bash', [path.join(ROOT, file), ...args], { cwd: ROOT, env: { ...process.env, ...extraEnv }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sinkPid = (): number | undefined => (existsSync(PID_FILE) ? Number(readFileSync(PID_FILE, 'utf8').trim()) : undefined);

describe('services.sh: a service up but not ready is left running', () => {
  const run = `notready-${randomBytes(3).toString('hex')}`;
  const topics = { alerts: `t-${run}-alerts`, victims: `t-${run}-victims`, calls: `t-${run}-calls` };
  let sinkEnv: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    const running = sinkPid();
    if (running !== undefined && pidAlive(running)) {
      throw new Error('an alert-sink started by services.sh is already running (make services-down first): this test starts its own under that name');
    }
    const control = env['KAFKA_CONTROL'];
    if (!control) throw new Error('KAFKA_CONTROL missing from .data/env');
    // Its own empty topics and group: it has nothing to store, only ClickHouse to reach.
    for (const topic of [topics.alerts, topics.victims, topics.calls]) await brokerControl(control, `create-topic ${topic} 1`);
    port = await freePort();
    sinkEnv = {
      ALERT_SINK_HTTP_PORT: String(port), SINK_GROUP_ID: `t-${run}-sink`, SINK_ALERT_TOPIC: topics.alerts, SINK_VICTIM_TOPIC: topics.victims,
      ALERT_SINK_ACTIVITY_TOPIC: topics.calls, ALERT_SINK_ACTIVITY_GROUP_ID: `t-${run}-sink-activity`,
    };
  });

  afterAll(async () => {
    // Whatever happened, the shared stack gets its ClickHouse back and loses the test's sink.
    await script('infra/clickhouse/start.sh', []);
    await script('infra/scripts/services.sh', ['stop', 'alert-sink'], sinkEnv);
  });

  it('starts the alert-sink while ClickHouse is down, reports it not ready, and it becomes ready when ClickHouse returns', { timeout: 240_000 }, async () => {
    const stopped = await script('infra/clickhouse/stop.sh', []);
    expect(stopped.code, stopped.output).toBe(0);

    const started = await script('infra/scripts/services.sh', ['start', 'alert-sink'], sinkEnv);
    expect(started.code, started.output).toBe(0);
    expect(started.output).toMatch(/alert-sink: up on .*not ready yet \(failing checks: .*clickhouse/);
    const pid = sinkPid();
    expect(pid, started.output).toBeDefined();

    // Up and answering, not ready, and still so a while later: nothing stops it.
    expect(await httpStatus(`http://127.0.0.1:${port}/healthz`)).toBe(200);
    const body = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json() as { status: string; checks: Record<string, boolean> };
    expect(body).toMatchObject({ status: 'not ready', checks: { clickhouse: false } });
    const status = await script('infra/scripts/status.sh', [], sinkEnv);
    expect(status.output).toMatch(new RegExp(`alert-sink\\s+not ready\\s+${pid}\\s+127\\.0\\.0\\.1:${port}: failing checks: .*clickhouse`));
    expect(pidAlive(pid!)).toBe(true);

    const restarted = await script('infra/clickhouse/start.sh', []);
    expect(restarted.code, restarted.output).toBe(0);
    await waitFor('the same alert-sink process to become ready', async () => ((await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200 ? true : undefined), 120_000);
    expect(sinkPid()).toBe(pid);
    expect(pidAlive(pid!)).toBe(true);
    const after = await script('infra/scripts/status.sh', [], sinkEnv);
    expect(after.output).toMatch(new RegExp(`alert-sink\\s+ready\\s+${pid}\\s+127\\.0\\.0\\.1:${port}`));
  });
});
