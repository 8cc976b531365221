// The replay CLI's engine over generated files: one call and one SMS dated nine minutes ahead,
// put in at the start of the campaigns, must change no alert and no victim.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_PACK } from '@telfraud/core';
import { loadReferenceDir, runReplay } from '@telfraud/detector';
import { runToFiles } from '@telfraud/generator';

const AHEAD_MS = 9 * 60_000;
type Line = Record<string, unknown> & { ts: number };

const readLines = (file: string): Line[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
const writeLines = (file: string, lines: Line[]): void => writeFileSync(file, lines.map((l) => JSON.stringify(l) + '\n').join(''));

/** A copy of the first line at or after `at`, dated AHEAD_MS later, put in right after it. */
function withFutureLine(lines: Line[], at: number, ids: Record<string, string>): Line[] {
  const i = lines.findIndex((l) => l.ts >= at);
  const bogus = { ...lines[i]!, ...ids, ts: lines[i]!.ts + AHEAD_MS };
  return [...lines.slice(0, i + 1), bogus, ...lines.slice(i + 1)];
}

describe('replay: a far-future call and SMS at the start of the campaigns', () => {
  it('is parked and counted, and every alert and victim of the clean files is still found', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'telfraud-future-'));
    await runToFiles({
      outDir: dir,
      simulation: { seed: 3, startTs: Date.UTC(2026, 0, 5, 9, 0, 0), horizonMs: 12 * 60_000, backgroundRate: 20, scenarios: ['ispoof', 'cli-rotation'] },
    });
    const reference = loadReferenceDir(path.join(dir, 'reference'));
    const replay = (calls: string, sms: string, out: string) =>
      runReplay({ calls, sms, out: path.join(dir, out), pack: DEFAULT_RULE_PACK, reference, report: () => {} });
    const clean = await replay(path.join(dir, 'calls.jsonl'), path.join(dir, 'sms.jsonl'), 'clean');
    const campaignRules = clean.summary.filter((r) => r.alerts > 0 && /campaign|rotation/.test(r.rule_id));
    expect(campaignRules.length).toBeGreaterThanOrEqual(2);
    expect(clean.victims.length).toBeGreaterThan(10);

    // Twenty seconds before the first campaign alert: inside every campaign's first window.
    const at = Math.min(...campaignRules.map((r) => r.first_firing_ts)) - 20_000;
    writeLines(path.join(dir, 'calls-bad.jsonl'), withFutureLine(readLines(path.join(dir, 'calls.jsonl')), at, { event_id: 'bogus-call-e', call_id: 'bogus-call' }));
    writeLines(path.join(dir, 'sms-bad.jsonl'), withFutureLine(readLines(path.join(dir, 'sms.jsonl')), at, { event_id: 'bogus-sms-e' }));
    const got = await replay(path.join(dir, 'calls-bad.jsonl'), path.join(dir, 'sms-bad.jsonl'), 'bad');

    expect(got.summary).toEqual(clean.summary);
    expect(got.alerts.map((a) => a.alert_id)).toEqual(clean.alerts.map((a) => a.alert_id));
    expect(got.victims).toEqual(clean.victims);
    // Both bogus records stay parked; the clean files' own few (a sparse tail of SMS) are parked alike.
    const parkedForGood = (r: typeof got): number => r.future - r.futureTakenBack;
    expect(parkedForGood(got)).toBe(parkedForGood(clean) + 2);
    expect(got.late).toBe(clean.late);
  }, 60_000);
});
