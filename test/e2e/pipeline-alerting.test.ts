/**
 * Alerts reach Alertmanager on the real local stack (`make up`: Prometheus evaluating
 * infra/prometheus/rules every 2 s, sending to the local Alertmanager): a generated iSpoof
 * campaign through a detector and an alert-sink of this run's own raises FraudAlertsCritical,
 * routed to the SOC's receiver; this run's alert-sink stopped raises PipelineServiceDown, routed
 * to the pipeline's on-call. The run's scrape targets carry a `run` label, which the rules keep,
 * so alerts from other runs sharing the stack are told apart.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/net.js';
import { PipelineHarness } from '../support/pipeline-harness.js';
import { ServiceProcess } from '../support/service-process.js';
import { requireStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();
const PROMETHEUS = env['PROMETHEUS_URL'] ?? 'http://127.0.0.1:9090';
const ALERTMANAGER = env['ALERTMANAGER_URL'] ?? 'http://127.0.0.1:9193';

interface AlertmanagerAlert {
  labels: Record<string, string>;
  receivers: { name: string }[];
  status: { state: string };
  startsAt: string;
}

/** Alertmanager's alerts (API v2) whose labels match every `name=value` given. */
async function alertmanagerAlerts(match: Record<string, string>): Promise<AlertmanagerAlert[]> {
  const filters = Object.entries(match).map(([k, v]) => `filter=${encodeURIComponent(`${k}="${v}"`)}`).join('&');
  const res = await fetch(`${ALERTMANAGER}/api/v2/alerts?${filters}`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`Alertmanager answered ${res.status}`);
  return (await res.json()) as AlertmanagerAlert[];
}

/** Prometheus's own view of the run's alerts (pending and firing), for failure messages. */
async function prometheusAlerts(run: string): Promise<string> {
  const res = await fetch(`${PROMETHEUS}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  if (!res?.ok) return '(Prometheus not answering)';
  const body = (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
  return body.data.alerts.filter((a) => a.labels['run'] === run).map((a) => `${a.state} ${JSON.stringify(a.labels)}`).join('\n') || '(none for this run)';
}

describe('alerts from the pipeline reach Alertmanager, routed by kind', () => {
  const run = randomBytes(4).toString('hex');
  let harness: PipelineHarness;
  let generator: ServiceProcess | undefined;

  beforeAll(async () => {
    const ready = await fetch(`${ALERTMANAGER}/-/ready`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);
    if (ready !== 200) throw new Error(`no Alertmanager answering at ${ALERTMANAGER}: restart the stack (make down; make up)`);
    harness = await PipelineHarness.start(run, env);
    generator = ServiceProcess.start('generator', 'services/generator/dist/main.js', {
      ...env,
      GENERATOR_HTTP_PORT: String(await freePort()), GENERATOR_SEED: '11', GENERATOR_RATE: '40', GENERATOR_SCENARIOS: 'ispoof',
      GENERATOR_CAMPAIGN_START_S: '3', GENERATOR_DURATION_S: '600',
      GENERATOR_CALL_TOPIC: harness.topics.calls, GENERATOR_SMS_TOPIC: harness.topics.sms, LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await generator?.stop();
    await harness?.stop();
  });

  it('a CRITICAL fraud alert becomes FraudAlertsCritical, routed to the fraud SOC receiver only', async () => {
    const [alert] = await waitFor('FraudAlertsCritical for this run in Alertmanager', async () => {
      const alerts = await alertmanagerAlerts({ alertname: 'FraudAlertsCritical', run });
      return alerts.length > 0 ? alerts : undefined;
    }, 180_000).catch(async (err: Error) => {
      throw new Error(`${err.message}\nPrometheus alerts:\n${await prometheusAlerts(run)}\n${await harness.diagnose()}\n${generator?.log ?? ''}`);
    });
    expect(alert!.labels).toMatchObject({ kind: 'fraud', severity: 'page', job: 'detector', run });
    expect(alert!.labels['rule_id']).toMatch(/\S/);
    expect(alert!.status.state).toBe('active');
    expect(alert!.receivers.map((r) => r.name)).toEqual(['fraud-soc']);
  });

  it('the alert-sink stopped becomes PipelineServiceDown, routed to the pipeline on-call receiver only', async () => {
    // Running, it raises nothing of the kind: the alert below is the stop's doing.
    expect(await alertmanagerAlerts({ alertname: 'PipelineServiceDown', run })).toEqual([]);
    expect(await harness.stopService('alert-sink')).toBe(0);
    const [alert] = await waitFor('PipelineServiceDown for this run\'s alert-sink in Alertmanager', async () => {
      const alerts = await alertmanagerAlerts({ alertname: 'PipelineServiceDown', run });
      return alerts.length > 0 ? alerts : undefined;
    }, 90_000).catch(async (err: Error) => {
      throw new Error(`${err.message}\nPrometheus alerts:\n${await prometheusAlerts(run)}`);
    });
    expect(alert!.labels).toMatchObject({ kind: 'pipeline', severity: 'page', job: 'alert-sink', instance: `127.0.0.1:${harness.portOf('alert-sink')}`, run });
    expect(alert!.receivers.map((r) => r.name)).toEqual(['pipeline-oncall']);
  });
});
