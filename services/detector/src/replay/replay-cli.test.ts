/**
 * The replay CLI in-process over temp files: backtests against generator labels and analysts'
 * verdicts, the event-time rejection guard and its exit status, progress, usage.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Alert } from '@telfraud/core';
import { runToFiles, type LabelsDocument } from '@telfraud/generator';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backtest } from './label-backtest.js';
import { REPLAY_FLAGS } from './replay-args.js';
import { EXIT, runReplayCli } from './replay-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'telfraud-replay-cli-'));
let n = 0;
const fresh = (name: string): string => path.join(dir, `${n++}-${name}`);

async function cli(args: string[], opts: { tty?: boolean; now?: () => number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runReplayCli(args, {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, stderrIsTty: opts.tty ?? false, ...(opts.now ? { now: opts.now } : {}),
  });
  return { code, stdout, stderr };
}

const T0 = Date.UTC(2026, 0, 5, 9);
const call = (id: string, ts: number): string => JSON.stringify({
  event_id: `${id}-S`, call_id: id, type: 'START', ts, calling_number: '+447700900123', called_number: '+447700900456',
  ingress_trunk: 'trunk-a', ingress_country: 'GB', attestation: 'A', duration_ms: null, sip_code: null,
});
const callsFile = (lines: string[]): string => {
  const f = fresh('calls.jsonl');
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
};
const readJsonl = <T>(f: string): T[] => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);

describe('replay --labels with the generator\'s labels', () => {
  let gen: string;
  let doc: LabelsDocument;
  let out: string;
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    gen = fresh('gen');
    doc = await runToFiles({
      outDir: gen,
      simulation: { seed: 11, startTs: T0, horizonMs: 30 * 60_000, backgroundRate: 10, scenarios: ['ispoof', 'cli-rotation', 'low-and-slow', 'bank-call-centre'] },
    });
    out = fresh('out');
    run = await cli(['--calls', path.join(gen, 'calls.jsonl'), '--sms', path.join(gen, 'sms.jsonl'), '--reference', path.join(gen, 'reference'), '--labels', path.join(gen, 'labels.json'), '--out', out]);
  }, 60_000);

  it('scores every labelled fraud scenario as the alert and victim files show it', () => {
    expect(run.code).toBe(EXIT.ok);
    const b = JSON.parse(readFileSync(path.join(out, 'backtest.json'), 'utf8')) as Backtest;
    const alerts = readJsonl<Alert>(path.join(out, 'alerts.jsonl'));
    const victims = readJsonl<{ victim_number: string; entity_type: string; entity: string }>(path.join(out, 'victims.jsonl'));
    const fraud = doc.labels.filter((l) => l.kind === 'fraud');
    expect(b.scenarios.map((s) => s.scenario)).toEqual(fraud.map((l) => l.scenario));
    for (const l of fraud) {
      // Recomputed from the files, independently of the backtest's code.
      const mine = new Set(l.entities.map((e) => `${e.entity_type}=${e.entity}`));
      const hits = alerts.filter((a) => mine.has(`${a.entity_type}=${a.entity}`) || (a.entity_type === 'called_number' && l.victims.includes(a.entity)));
      const listed = new Set(victims.filter((v) => mine.has(`${v.entity_type}=${v.entity}`)).map((v) => v.victim_number));
      const s = b.scenarios.find((x) => x.scenario === l.scenario)!;
      expect(hits.length, l.scenario).toBeGreaterThan(0);
      expect(s).toMatchObject({
        detected: true, alerts: hits.length, delay_ms: Math.min(...hits.map((a) => a.ts)) - l.start_ts!,
        victims_labelled: l.victims.length, victims_found: l.victims.filter((v) => listed.has(v)).length,
      });
    }
    expect(b.totals.alerts).toBe(alerts.length);
    expect(b.false_positives).toEqual([]);
  });

  it('scores every rule of the pack, entities split into true and false positives', () => {
    const b = JSON.parse(readFileSync(path.join(out, 'backtest.json'), 'utf8')) as Backtest;
    const alerts = readJsonl<Alert>(path.join(out, 'alerts.jsonl'));
    for (const r of b.rules) {
      const mine = alerts.filter((a) => a.rule_id === r.rule_id);
      expect(r.alerts, r.rule_id).toBe(mine.length);
      expect(r.entities, r.rule_id).toBe(new Set(mine.map((a) => `${a.entity_type}=${a.entity}`)).size);
      expect(r.true_positives + r.false_positives + r.unlabelled, r.rule_id).toBe(r.entities);
    }
    expect(b.rules.filter((r) => r.alerts > 0).every((r) => r.detection_delay_ms !== null && r.detection_delay_ms.min >= 0)).toBe(true);
  });

  it('prints the per-rule and per-scenario tables', () => {
    expect(run.stderr).toMatch(/backtest against labelled scenarios: 3\/3 fraud scenarios detected/);
    expect(run.stderr).toMatch(/^rule +alerts +TP entities +FP entities +scenarios +delay/m);
    for (const s of ['ispoof', 'cli-rotation', 'low-and-slow']) expect(run.stderr).toMatch(new RegExp(`^${s} +yes `, 'm'));
  });

  it('writes a byte-identical backtest.json for the same input', async () => {
    const again = fresh('out');
    const r = await cli(['--calls', path.join(gen, 'calls.jsonl'), '--sms', path.join(gen, 'sms.jsonl'), '--reference', path.join(gen, 'reference'), '--labels', path.join(gen, 'labels.json'), '--out', again, '--quiet']);
    expect(r.code).toBe(EXIT.ok);
    expect(readFileSync(path.join(again, 'backtest.json'), 'utf8')).toBe(readFileSync(path.join(out, 'backtest.json'), 'utf8'));
  });

  it('scores analysts\' verdicts from a CSV export', async () => {
    const alerts = readJsonl<Alert>(path.join(out, 'alerts.jsonl'));
    const [first, second] = [...new Map(alerts.map((a) => [`${a.entity_type}=${a.entity}`, a])).values()];
    const verdicts = fresh('verdicts.csv');
    writeFileSync(verdicts, [
      'entity_type,entity,verdict,rule_id',
      `${first!.entity_type},${first!.entity},true_positive,`,
      `${second!.entity_type},${second!.entity},false_positive,${second!.rule_id}`,
      'calling_number,+449999999999,true_positive,',
    ].join('\n') + '\n');
    const o = fresh('out');
    const r = await cli(['--calls', path.join(gen, 'calls.jsonl'), '--sms', path.join(gen, 'sms.jsonl'), '--reference', path.join(gen, 'reference'), '--labels', verdicts, '--out', o, '--quiet']);
    expect(r.code).toBe(EXIT.ok);
    const b = JSON.parse(readFileSync(path.join(o, 'backtest.json'), 'utf8')) as Backtest;
    const onFirst = alerts.filter((a) => a.entity === first!.entity && a.entity_type === first!.entity_type).length;
    const onSecond = alerts.filter((a) => a.entity === second!.entity && a.entity_type === second!.entity_type && a.rule_id === second!.rule_id).length;
    expect(b.totals).toMatchObject({
      alerts: alerts.length, true_positive_alerts: onFirst, false_positive_alerts: onSecond,
      unlabelled_alerts: alerts.length - onFirst - onSecond, scenarios_labelled: null,
    });
    expect(b.false_positives).toEqual([{ entity_type: second!.entity_type, entity: second!.entity, rules: [second!.rule_id], alerts: onSecond }]);
    expect(b.missed_true_positives).toEqual([{ entity_type: 'calling_number', entity: '+449999999999' }]);
    expect(r.stderr).toMatch(/backtest against analysts' verdicts/);
  });

  it('refuses a bad labels file before reading any event, naming line and field', async () => {
    const verdicts = fresh('verdicts.ndjson');
    writeFileSync(verdicts, '{"entity_type":"ingress_trunk","entity":"t","verdict":"true_positive"}\n{"entity_type":"ingress_trunk","entity":"t","verdict":"yes"}\n');
    const o = fresh('out');
    const r = await cli(['--calls', path.join(gen, 'calls.jsonl'), '--labels', verdicts, '--out', o]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('line 2: field "verdict": expected one of true_positive, false_positive, benign, got "yes"');
    expect(r.stderr).not.toMatch(/^read \d+ call events/m);
  });
});

describe('records dropped by event time', () => {
  // 100 calls a second apart, then 5 from an hour before: older than the watermark less the lateness.
  const lines = [...Array.from({ length: 100 }, (_, i) => call(`c${i}`, T0 + i * 1000)), ...Array.from({ length: 5 }, (_, i) => call(`old${i}`, T0 - 3_600_000 + i))];

  it('over --max-late-share: a warning block with the count per reason, and exit status 3', async () => {
    const r = await cli(['--calls', callsFile(lines), '--out', fresh('out'), '--quiet']);
    expect(r.code).toBe(EXIT.tooManyRejected);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/WARNING: 5 of 105 records \(4\.76 %\) were dropped by event time, more than\n--max-late-share 0\.01/);
    expect(r.stderr).toMatch(/^ {2}late \(older than the watermark minus the allowed lateness\): 5$/m);
  });

  it('within the limit: the count per reason in the summary, exit 0', async () => {
    const r = await cli(['--calls', callsFile(lines), '--out', fresh('out'), '--quiet', '--max-late-share', '0.05']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toMatch(/^dropped by event time: 5 \(4\.76 % of records; --max-late-share 0\.05\); late \(.*\): 5$/m);
    expect(r.stderr).not.toContain('WARNING');
  });

  it('none dropped: says so', async () => {
    const r = await cli(['--calls', callsFile(lines.slice(0, 100)), '--out', fresh('out'), '--max-late-share', '0']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toMatch(/^dropped by event time: none$/m);
  });

  it('nothing readable still wins: exit 1', async () => {
    const r = await cli(['--calls', callsFile(['not json', '{"event_id":1}']), '--out', fresh('out')]);
    expect(r.code).toBe(EXIT.nothingRead);
    expect(r.stderr).toMatch(/:1: skipped: not JSON/);
    expect(r.stderr).toMatch(/:2: skipped: event_id/);
  });
});

describe('progress', () => {
  const lines = Array.from({ length: 20 }, (_, i) => call(`p${i}`, T0 + i * 1000));
  /** A clock that moves 10 s each time it is read. */
  const ticking = (): (() => number) => {
    let t = 0;
    return () => (t += 10_000);
  };

  it('is reported on a terminal or with --progress, never otherwise', async () => {
    const onTty = await cli(['--calls', callsFile(lines), '--out', fresh('out')], { tty: true, now: ticking() });
    expect(onTty.stderr).toMatch(/^progress: 20 lines read, \d+ events, \d+ alerts, \d+ victims, \d+ events\/s$/m);
    const forced = await cli(['--calls', callsFile(lines), '--out', fresh('out'), '--progress'], { now: ticking() });
    expect(forced.stderr).toMatch(/^progress: /m);
    const piped = await cli(['--calls', callsFile(lines), '--out', fresh('out')], { now: ticking() });
    expect(piped.stderr).not.toMatch(/^progress: /m);
    const quiet = await cli(['--calls', callsFile(lines), '--out', fresh('out'), '--quiet'], { tty: true, now: ticking() });
    expect(quiet.stderr).not.toMatch(/^progress: /m);
  });
});

describe('arguments', () => {
  it('--help lists every flag and the exit statuses', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(EXIT.ok);
    for (const flag of Object.keys(REPLAY_FLAGS)) expect(r.stdout).toMatch(new RegExp(`^ +(-\\w, )?--${flag}\\b`, 'm'));
    expect(r.stdout).toMatch(/Exit status: 0 done; 1 nothing could be read .* 3 more records rejected by event time/s);
  });

  it('lists every bad flag at once, exit 2', async () => {
    const r = await cli(['--calls', 'x', '--max-late-share', '2', '--max-line-bytes', 'lots']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain('--out: required');
    expect(r.stderr).toContain('--max-late-share: got "2", expected a ratio from 0 to 1');
    expect(r.stderr).toContain('--max-line-bytes: got "lots", expected an integer');
    expect((await cli(['--calls', 'x', '--out', 'y', '--hash-seed', 'xyz'])).stderr).toContain('--hash-seed: got "xyz", expected 16 hex digits');
    expect((await cli(['--calls', 'x', '--out', 'y', '--nope'])).code).toBe(EXIT.usage);
    expect((await cli(['--calls', 'x', '--out', 'y', 'stray'])).code).toBe(EXIT.usage);
  });
});

describe('distinct counts above the exact limit', () => {
  // A trunk dialling 900 different people: the distinct count spills to a hashed sketch, whose
  // estimate depends on the hash key. The replay's files must not depend on the run.
  const pack = fresh('rules.json');
  writeFileSync(pack, JSON.stringify({
    version: 1, name: 'fanout', rules: [{
      id: 'fanout', severity: 'HIGH', key: ['ingress_trunk'], window: { type: 'sliding', size: '10m', hop: '10s' },
      measures: { callees: { fn: 'distinct', field: 'called_number' } }, when: [{ measure: 'callees', op: '>=', value: 400 }],
    }],
  }));
  const calls = callsFile(Array.from({ length: 900 }, (_, i) => JSON.stringify({
    event_id: `f${i}-S`, call_id: `f${i}`, type: 'START', ts: T0 + i * 300, calling_number: '+447700900123',
    called_number: `+4477009${String(10_000 + i * 7).padStart(5, '0')}`, ingress_trunk: 'trunk-f', ingress_country: 'GB',
    attestation: 'C', duration_ms: null, sip_code: null,
  })));
  const replay = async (...extra: string[]): Promise<string> => {
    const o = fresh('out');
    const r = await cli(['--calls', calls, '--rules', pack, '--out', o, '--quiet', ...extra]);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    return readFileSync(path.join(o, 'alerts.jsonl'), 'utf8');
  };

  it('gives byte-identical alerts run after run, and --hash-seed changes only the estimates', async () => {
    const first = await replay();
    expect(first.split('\n').filter(Boolean).length).toBeGreaterThan(0);
    expect(await replay()).toBe(first);
    const seeded = [await replay('--hash-seed', '0123456789abcdef'), await replay('--hash-seed', 'fedcba9876543210')];
    expect(seeded[0]).toBe(await replay('--hash-seed', '0123456789abcdef'));
    const ids = (text: string): string[] => text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as Alert).alert_id);
    for (const other of seeded) expect(ids(other)).toEqual(ids(first));
    expect(seeded.some((other) => other !== first)).toBe(true);
  });
});
