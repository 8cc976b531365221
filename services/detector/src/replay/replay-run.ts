import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DetectionEngine, validateCallEvent, validateSmsEvent,
  type Alert, type CallEvent, type EngineOutput, type ReferenceData, type RulePack, type SmsEvent, type VictimExposure,
} from '@telfraud/core';
import { readNdjson } from './ndjson-reader.js';
import { summariseByRule, type RuleSummaryRow } from './rule-summary.js';

export interface ReplayInput {
  calls: string;
  sms: string | undefined;
  out: string;
  pack: RulePack;
  reference: ReferenceData;
  /** Bad lines and progress go here (stderr in the CLI). */
  report: (line: string) => void;
  progressEvery?: number;
}

export interface ReplayResult {
  callsRead: number;
  smsRead: number;
  badLines: number;
  late: number;
  duplicates: number;
  alerts: Alert[];
  victims: VictimExposure[];
  summary: RuleSummaryRow[];
  elapsedMs: number;
}

type Tagged = { kind: 'call'; event: CallEvent } | { kind: 'sms'; event: SmsEvent };

async function* validated(file: string, kind: 'call' | 'sms', onBad: (line: number, why: string) => void, onGood: () => void): AsyncGenerator<Tagged> {
  for await (const item of readNdjson(file)) {
    if ('error' in item) {
      onBad(item.line, item.error);
      continue;
    }
    const v = kind === 'call' ? validateCallEvent(item.value) : validateSmsEvent(item.value);
    if (!v.ok) {
      onBad(item.line, `${v.violation.path || 'record'}: ${v.violation.message}`);
      continue;
    }
    onGood();
    yield (kind === 'call' ? { kind, event: v.value as CallEvent } : { kind, event: v.value as SmsEvent });
  }
}

/** Merges two streams by event time, as the detector sees two topics advance together. */
async function* mergeByTs(a: AsyncGenerator<Tagged>, b: AsyncGenerator<Tagged> | undefined): AsyncGenerator<Tagged> {
  if (!b) {
    yield* a;
    return;
  }
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    if (!x.done && (y.done || x.value.event.ts <= y.value.event.ts)) {
      yield x.value;
      x = await a.next();
    } else if (!y.done) {
      yield y.value;
      y = await b.next();
    }
  }
}

/**
 * The backtest: the same DetectionEngine as the streaming detector over NDJSON files. Output is
 * deterministic: alerts in order of first emission with their final state, victims in emission order.
 */
export async function runReplay(input: ReplayInput): Promise<ReplayResult> {
  const started = Date.now();
  const engine = new DetectionEngine(input.pack, input.reference);
  const alerts = new Map<string, Alert>();
  const firstFiring = new Map<string, number>();
  const victims: VictimExposure[] = [];
  const out: EngineOutput = { alerts: [], victims: [] };
  let callsRead = 0;
  let smsRead = 0;
  let badLines = 0;
  const bad = (file: string) => (line: number, why: string): void => {
    badLines++;
    if (badLines <= 1000) input.report(`${path.basename(file)}:${line}: skipped: ${why}`);
    else if (badLines === 1001) input.report('more bad lines: further ones are counted but not printed');
  };
  const every = input.progressEvery ?? 250_000;
  const calls = validated(input.calls, 'call', bad(input.calls), () => callsRead++);
  const sms = input.sms ? validated(input.sms, 'sms', bad(input.sms), () => smsRead++) : undefined;
  let n = 0;
  for await (const item of mergeByTs(calls, sms)) {
    if (item.kind === 'call') engine.processCall(item.event, out);
    else engine.processSms(item.event, out);
    if (out.alerts.length > 0) {
      for (const a of out.alerts) {
        if (!firstFiring.has(a.alert_id)) firstFiring.set(a.alert_id, a.ts);
        alerts.set(a.alert_id, a);
      }
      out.alerts.length = 0;
    }
    if (out.victims.length > 0) {
      victims.push(...out.victims);
      out.victims.length = 0;
    }
    if (++n % every === 0) input.report(`progress: ${n} events, ${alerts.size} alerts, ${victims.length} victims, ${Math.round(n / ((Date.now() - started) / 1000))} events/s`);
  }
  const stats = engine.stats();
  const alertList = [...alerts.values()];
  mkdirSync(input.out, { recursive: true });
  writeFileSync(path.join(input.out, 'alerts.jsonl'), alertList.map((a) => JSON.stringify(a) + '\n').join(''));
  writeFileSync(path.join(input.out, 'victims.jsonl'), victims.map((v) => JSON.stringify(v) + '\n').join(''));
  return {
    callsRead, smsRead, badLines, late: stats.late, duplicates: stats.duplicates,
    alerts: alertList, victims,
    summary: summariseByRule(alertList, input.pack.rules.map((r) => r.id), firstFiring),
    elapsedMs: Date.now() - started,
  };
}
