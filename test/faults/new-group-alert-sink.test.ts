/**
 * A new alert-sink consumer group killed with SIGKILL before its first commit: its inserts fail
 * (ClickHouse reached through a link the test cuts), so the alerts and victims it consumed are
 * never stored or committed. After the restart it must start where the group first started:
 * ClickHouse ends up with what the replay of the whole dataset finds. The sink reads a new group
 * from the log start (it has no *_FROM_BEGINNING setting), so the check that fails without the
 * fix is the one on how: the starting positions are committed as soon as it is ready.
 */
import { describe, expect, it } from 'vitest';
import { halves } from '../support/campaign-dataset.js';
import { useFaultRun, useFlakyLink } from '../support/fault-run.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();

describe('a new alert-sink group killed before its first commit', () => {
  const faultRun = useFaultRun('ngsink', env);
  const flaky = useFlakyLink(new URL(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123'));

  it('restarts where the group started: every alert and victim is stored', { timeout: 280_000 }, async () => {
    const { run, harness, producer, offsets, dataset } = faultRun;
    const { link } = flaky;
    const { topics } = harness;
    const group = `t-${run}-fresh-sink`;
    const overrides = { SINK_GROUP_ID: group, CLICKHOUSE_URL: link.url };
    const [first, second] = halves(dataset);

    // The harness's sink runs under another group; this one starts fresh.
    expect(await harness.stopService('alert-sink')).toBe(0);
    await harness.startService('alert-sink', { overrides });
    const starts = [await offsets.committed(group, topics.alerts), await offsets.committed(group, topics.victims)];

    link.cut();
    await producer.sendEvents(topics, first);
    // It has read alerts of the first half and cannot store them: nothing of them is committed.
    await waitFor('the sink to fail inserting the first alerts', async () => ((await metricSum(harness.ports.sink, 'alert_sink_insert_failures_total')) > 0 ? true : undefined), 90_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${harness.logs()}`); });
    await harness.killService('alert-sink');

    link.restore();
    await producer.sendEvents(topics, second);
    await harness.startService('alert-sink', { overrides });

    const match = await expectStoredToMatchReplay(harness, dataset.replay);
    await offsets.waitCaughtUp(group, [topics.alerts, topics.victims], 90_000);
    // How: ready meant the group's starting positions were committed, before anything was processed.
    expect(starts.flatMap((s) => [...s.values()]), 'committed offsets of the new group at readiness').toEqual(Array(6).fill(0));
    console.info(`new alert-sink group: ${JSON.stringify(match)}`);
  });
});
