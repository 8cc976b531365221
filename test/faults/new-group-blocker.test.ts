/**
 * A new blocker consumer group (BLOCKER_FROM_BEGINNING=false) killed with SIGKILL before its first
 * commit: its audit writes fail (ClickHouse reached through a link the test cuts), so the alerts
 * it consumed are decided but never committed. After the restart it must start where the group
 * first started, not at the newest alert: every alert produced after it became ready is audited.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockerRun, testAlert } from '../support/blocker-run.js';
import { FlakyLink } from '../support/flaky-link.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();

describe('a new blocker group killed before its first commit', () => {
  const run = `ngblk-${randomBytes(3).toString('hex')}`;
  let blocker: BlockerRun;
  let link: FlakyLink;

  beforeAll(async () => {
    blocker = await BlockerRun.open(run, env);
    link = await FlakyLink.start(new URL(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123'));
  });

  afterAll(async () => {
    if (process.env['IT_SHOW_LOGS']) console.log(blocker?.logs());
    await link?.close();
    await blocker?.close();
  });

  it('restarts where the group started: nothing consumed before the crash is skipped', { timeout: 240_000 }, async () => {
    // Dry-run: every alert is decided and audited, nothing else; the audit is the whole output.
    const start = (): Promise<unknown> => blocker.start({ BLOCKER_DRY_RUN: 'true', BLOCKER_FROM_BEGINNING: 'false', CLICKHOUSE_URL: link.url });
    const ts = Date.now();
    const first = Array.from({ length: 6 }, (_, i) => testAlert(`${run}-first-${i}`, { ts }));
    const second = Array.from({ length: 6 }, (_, i) => testAlert(`${run}-second-${i}`, { ts }));

    await start();
    const starts = await blocker.offsets.committed(blocker.group, blocker.topics.alerts);

    link.cut();
    await blocker.produce(first);
    await waitFor('the blocker to fail writing the audit of the first alerts', async () => ((await metricSum(blocker.port, 'blocker_audit_write_failures_total')) > 0 ? true : undefined), 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${blocker.logs()}`); });
    await blocker.kill();

    link.restore();
    await blocker.produce(second);
    await start();
    const expected = [...first, ...second].map((a) => a.alert_id).sort();
    const audited = async (): Promise<string[]> =>
      (await blocker.rows<{ alert_id: string }>(`SELECT DISTINCT alert_id FROM ${blocker.db.name}.block_audit FINAL WHERE alert_id != ''`)).map((r) => r.alert_id).sort();
    // A timeout here is reported by the comparison below, naming what is missing.
    await waitFor('every alert audited', async () => ((await audited()).length >= expected.length ? true : undefined), 60_000).catch(() => undefined);
    expect(await audited()).toEqual(expected);
    await blocker.drained();
    // How: ready meant the group's starting positions were committed, before anything was processed.
    expect([...starts.values()], 'committed offsets of the new group at readiness').toEqual([0, 0, 0]);
  });
});
