/**
 * The SOC console in a real Chromium (Debian's, driven by playwright-core) against the real `soc`
 * service, on the local stack: a generated iSpoof campaign flows generator → detector →
 * alert-sink (alerts, victims, per-minute activity) → ClickHouse, with a dry-run blocker on the
 * same alerts, and the console must show it as an analyst would use it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { brokerControl } from '../support/broker-control.js';
import { launchChromium } from '../support/chromium.js';
import { GroupOffsets } from '../support/group-offsets.js';
import { freePort, httpStatus } from '../support/net.js';
import { PipelineHarness } from '../support/pipeline-harness.js';
import { ServiceProcess } from '../support/service-process.js';
import { ROOT, requireStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();
const run = randomBytes(4).toString('hex');
const token = (): string => randomBytes(18).toString('hex');
const TOKENS = { viewer: token(), analyst: token(), operator: token() };
// Every run keeps its screenshot under .data; the README's copy is replaced only on request
// (UPDATE_DOCS=1), so `make test` leaves the working tree as it found it.
const SCREENSHOT = process.env['UPDATE_DOCS'] === '1' ? path.join(ROOT, 'docs/images/soc-console.png') : path.join(ROOT, '.data/screenshots/soc-console.png');
const CAMPAIGN_RULE = 'dno-spoofed-cli-trunk';

/** RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

interface VictimRow { victim_number: string; first_exposure: string; last_exposure: string; longest_call_ms: string; calls: string }

describe('the SOC console', () => {
  let harness: PipelineHarness;
  let soc: ServiceProcess;
  let blocker: ServiceProcess;
  let generator: ServiceProcess | undefined;
  let offsets: GroupOffsets;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const consoleLines: string[] = [];
  let socUrl = '';
  let alertId = '';
  const topics = { actions: `t-${run}-actions` };

  beforeAll(async () => {
    // The harness points the alert-sink's activity writer at the run's call topic; it flushes each second here.
    harness = await PipelineHarness.start(run, { ...env, ALERT_SINK_ACTIVITY_FLUSH_MS: '1000' });
    for (const topic of [topics.actions, `${topics.actions}-dlq`]) await brokerControl(env['KAFKA_CONTROL']!, `create-topic ${topic} 1`);
    const [socPort, blockerPort] = [await freePort(), await freePort()];
    const operatorToken = token();
    blocker = ServiceProcess.start('blocker', 'services/blocker/dist/main.js', {
      ...env, CLICKHOUSE_DATABASE: harness.db.name, LOG_LEVEL: 'warn', BLOCKER_HTTP_PORT: String(blockerPort), BLOCKER_GROUP_ID: `t-${run}-blocker`,
      BLOCKER_ALERT_TOPIC: harness.topics.alerts, BLOCKER_ACTION_TOPIC: topics.actions, BLOCKER_DEAD_LETTER_TOPIC: `${topics.actions}-dlq`,
      BLOCKER_FROM_BEGINNING: 'true', BLOCKER_REFERENCE_DIR: harness.referenceDir, BLOCKER_OPERATOR_TOKEN: operatorToken,
    });
    soc = ServiceProcess.start('soc', 'services/soc/dist/main.js', {
      ...env, CLICKHOUSE_DATABASE: harness.db.name, LOG_LEVEL: 'warn', SOC_HTTP_PORT: String(socPort), SOC_POLL_MS: '500',
      SOC_TOKENS: `vera:viewer:${TOKENS.viewer},ana:analyst:${TOKENS.analyst},otto:operator:${TOKENS.operator}`,
      SOC_BLOCKER_URL: `http://127.0.0.1:${blockerPort}`, SOC_BLOCKER_OPERATOR_TOKEN: operatorToken,
    });
    socUrl = `http://127.0.0.1:${socPort}`;
    for (const [name, port, proc] of [['soc', socPort, soc], ['blocker', blockerPort, blocker]] as const) {
      await waitFor(`${name} ready`, async () => ((await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200 ? true : undefined), 90_000)
        .catch((err: Error) => { throw new Error(`${err.message}\n--- ${name} log ---\n${proc.log}`); });
    }
    offsets = await GroupOffsets.connect(env);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await generator?.stop();
    await soc?.stop();
    await blocker?.stop();
    await offsets?.close();
    await harness?.stop();
  });

  async function openConsole(role: keyof typeof TOKENS): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    await page.goto(`${socUrl}/#token=${TOKENS[role]}`);
    await page.locator(`.role[data-role="${role}"]`).waitFor({ timeout: 15_000 });
    return page;
  }

  /** What the stores hold and the services said, for a failure message. */
  const failureContext = async (): Promise<string> => {
    const victims = await harness.db.rows(`SELECT alert_id, count() AS exposures FROM ${harness.db.name}.victim_exposures FINAL GROUP BY alert_id`).catch((e: Error) => e.message);
    const alerts = await harness.db.rows(`SELECT alert_id, rule_id, entity, ts FROM ${harness.db.name}.alerts FINAL ORDER BY ts`).catch((e: Error) => e.message);
    return `\n--- alerts ---\n${JSON.stringify(alerts)}\n--- victims by alert ---\n${JSON.stringify(victims)}\n--- counters ---\n${await harness.diagnose()}`
      + `\n--- soc ---\n${soc.log}\n--- pipeline ---\n${harness.logs()}\n--- generator ---\n${generator?.log ?? ''}\n--- browser console ---\n${consoleLines.join('\n')}`;
  };

  it('shows the campaign alert live, its chart and victims, exports them as ClickHouse has them, and keeps a verdict', async () => {
    const page = await openConsole('analyst');
    // The token left the address bar and lives in this tab's sessionStorage only.
    expect(page.url()).not.toContain(TOKENS.analyst);
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    await page.locator('.stream-live').waitFor({ timeout: 15_000 });
    // A marker that a reload would lose: the alert must arrive through the live stream.
    await page.evaluate('window.__sameDocument = true');

    const labelsFile = path.join(mkdtempSync(path.join(tmpdir(), `telfraud-soc-${run}-`)), 'labels.json');
    generator = ServiceProcess.start('generator', 'services/generator/dist/main.js', {
      ...env, GENERATOR_HTTP_PORT: String(await freePort()), GENERATOR_SEED: '11', GENERATOR_RATE: '40', GENERATOR_SCENARIOS: 'ispoof',
      // Twice the operators: more hooked victims, so the first calls past a minute end sooner.
      GENERATOR_SCENARIO_PARAMS: 'ispoof.intensity=2',
      GENERATOR_CAMPAIGN_START_S: '3', GENERATOR_DURATION_S: '600', GENERATOR_LABELS_FILE: labelsFile,
      GENERATOR_CALL_TOPIC: harness.topics.calls, GENERATOR_SMS_TOPIC: harness.topics.sms, LOG_LEVEL: 'warn',
    });

    const row = page.locator(`tr[data-rule="${CAMPAIGN_RULE}"]`).first();
    await row.waitFor({ timeout: 150_000 }).catch(async (err: Error) => { throw new Error(`${err.message}${await failureContext()}`); });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    alertId = (await row.getAttribute('data-alert-id')) ?? '';
    expect(alertId).toMatch(/^[\w:.-]+$/);

    await row.locator('a').click();
    await page.locator(`[data-testid="alert-detail"][data-alert-id="${alertId}"]`).waitFor({ timeout: 15_000 });
    // The chart: a canvas on which uPlot drew the attempts series (its stroke colour).
    const canvas = page.locator('[data-testid="activity-chart"] canvas');
    await canvas.waitFor({ timeout: 90_000 }).catch(async (err: Error) => { throw new Error(`${err.message}${await failureContext()}`); });
    expect(Number(await page.locator('[data-testid="activity-chart"]').getAttribute('data-attempts'))).toBeGreaterThan(0);
    const strokePixels = await page.evaluate(`(() => {
      const c = document.querySelector('[data-testid="activity-chart"] canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 80 && d[i + 1] < 120 && d[i + 2] > 170 && d[i + 3] > 200) n++;
      return n;
    })()`);
    expect(strokePixels).toBeGreaterThan(50);

    // Victims appear as hooked calls (over a minute, most of them several) end; the page refreshes itself.
    await page.locator('[data-testid="victims"] tbody tr').first().waitFor({ timeout: 330_000 })
      .catch(async (err: Error) => { throw new Error(`${err.message}${await failureContext()}`); });

    // Stop the traffic and let every service catch up, so the export and ClickHouse see the same rows.
    expect(await generator.stop()).toBe(0);
    await offsets.waitCaughtUp(harness.detectorGroup, [harness.topics.calls, harness.topics.sms]);
    await offsets.waitCaughtUp(`t-${run}-sink`, [harness.topics.alerts, harness.topics.victims]);
    await offsets.waitCaughtUp(`t-${run}-sink-activity`, [harness.topics.calls]);
    await offsets.waitCaughtUp(`t-${run}-blocker`, [harness.topics.alerts]);
    await page.reload();
    await page.locator('[data-testid="victims"] tbody tr').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="activity-chart"] canvas').waitFor({ timeout: 15_000 });
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    // The top of the page as a 1280-wide screen shows it: header, summary, chart, victims, triage.
    await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1080 } });

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.locator('[data-testid="victims-csv"]').click()]);
    const [header, ...lines] = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(header).toEqual(['victim_number', 'first_exposure', 'last_exposure', 'longest_call_ms', 'calls', 'flagged_origins', 'alert_ids']);
    const csv = lines.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ''])) as unknown as VictimRow & { alert_ids: string })
      .sort((a, b) => a.victim_number.localeCompare(b.victim_number));
    const stored = await harness.db.rows<{ victim_number: string; first: string; last: string; longest: string; calls: string }>(
      `SELECT victim_number, min(ts) AS first, max(ts) AS last, max(duration_ms) AS longest, uniqExact(call_id) AS calls
       FROM ${harness.db.name}.victim_exposures FINAL WHERE alert_id = '${alertId}' GROUP BY victim_number ORDER BY victim_number`);
    expect(stored.length).toBeGreaterThan(0);
    expect(csv.map((v) => ({
      victim_number: v.victim_number, first: Date.parse(v.first_exposure), last: Date.parse(v.last_exposure),
      longest: Number(v.longest_call_ms), calls: Number(v.calls), alert: v.alert_ids.split(';').includes(alertId),
    }))).toEqual(stored.map((s) => ({
      victim_number: s.victim_number, first: Number(s.first), last: Number(s.last), longest: Number(s.longest), calls: Number(s.calls), alert: true,
    })).sort((a, b) => a.victim_number.localeCompare(b.victim_number)));
    // Phone numbers are shown on the page, never written to the browser's console.
    const logged = consoleLines.filter((l) => stored.some((s) => l.includes(s.victim_number)));
    expect(logged).toEqual([]);

    // Triage: close as a false positive; after a reload the alert and the queue show the verdict.
    await page.locator('[data-testid="triage-form"] select[name="verdict"]').selectOption('false_positive');
    await page.locator('[data-testid="triage-form"] textarea').fill('Test call campaign from our own lab');
    await page.locator('[data-testid="triage-form"] button[type="submit"]').click();
    await page.locator('[data-testid="triage-state"] [data-verdict="false_positive"]').waitFor({ timeout: 15_000 });
    await page.reload();
    await page.locator('[data-testid="triage-state"] [data-status="closed"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="triage-state"] [data-verdict="false_positive"]').waitFor({ timeout: 15_000 });
    // The queue (its newest page may be full of later alerts): filtered to closed alerts through
    // the form, it holds just this one, showing the verdict.
    await page.goto(`${socUrl}/#/`);
    await page.locator('tr[data-alert-id]').first().waitFor({ timeout: 15_000 });
    await page.getByRole('group', { name: 'Status' }).getByLabel('closed').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/status=closed/, { timeout: 15_000 });
    const shown = (): Promise<(string | null)[]> => page.locator('tr[data-alert-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-alert-id')));
    await waitFor('the queue filtered to closed alerts', async () => {
      const ids = await shown();
      return ids.length === 1 && ids[0] === alertId ? true : undefined;
    }, 15_000).catch(async (err: Error) => { throw new Error(`${err.message}: shown ${JSON.stringify(await shown())}`); });
    await page.locator(`tr[data-alert-id="${alertId}"] [data-verdict="false_positive"]`).waitFor({ timeout: 15_000 });
  }, 720_000);

  it('lets a viewer read but not triage: no triage controls, and the API answers 403', async () => {
    expect(alertId).not.toBe('');
    const page = await openConsole('viewer');
    await page.goto(`${socUrl}/#/alerts/${encodeURIComponent(alertId)}`);
    await page.locator('[data-testid="triage-readonly"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="triage-form"]').count()).toBe(0);
    expect(await page.locator('[data-testid="victims-csv"]').count()).toBe(0);

    const post = (bearer: string): Promise<Response> => fetch(`${socUrl}/api/v1/alerts/${encodeURIComponent(alertId)}/triage`, {
      method: 'POST', headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'close', verdict: 'true_positive' }),
    });
    expect((await post(TOKENS.viewer)).status).toBe(403);
    expect((await fetch(`${socUrl}/api/v1/alerts/${encodeURIComponent(alertId)}/victims.csv`, { headers: { Authorization: `Bearer ${TOKENS.viewer}` } })).status).toBe(403);
    // The refused request changed nothing: the analyst's verdict stands.
    await page.reload();
    await page.locator('[data-testid="triage-state"] [data-verdict="false_positive"]').waitFor({ timeout: 15_000 });
  });

  it('lets an operator lift the block on the campaign origin from the alert page, audited', async () => {
    expect(alertId).not.toBe('');
    const page = await openConsole('operator');
    await page.goto(`${socUrl}/#/alerts/${encodeURIComponent(alertId)}`);
    await page.locator('[data-testid="blocks"]').waitFor({ timeout: 15_000 });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Lift block on this origin' }).click();
    await page.getByText(/^Blocker answered/).waitFor({ timeout: 15_000 })
      .catch(async (err: Error) => { throw new Error(`${err.message}: ${await page.locator('[aria-labelledby="blocks-title"]').innerText()}\n${blocker.log}`); });
    // The blocker's own record of the lift shows among the alert's blocker actions (the page refreshes itself).
    await page.locator('[data-testid="blocks"] tbody tr', { hasText: 'unblock' }).first().waitFor({ timeout: 30_000 });
    const audit = await harness.db.rows<{ actor: string; role: string; target: string }>(
      `SELECT actor, role, target FROM ${harness.db.name}.soc_audit WHERE action = 'lift_block'`);
    expect(audit).toEqual([expect.objectContaining({ actor: 'otto', role: 'operator' })]);
  });
});
