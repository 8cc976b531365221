import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DetectionEngine, validateCallEvent, validateSmsEvent,
  type Alert, type CallEvent, type EventOutcome, type HashSeed, type EngineOutput,
  type ReferenceData, type RulePack, type SmsEvent, type Validated, type VictimExposure,
} from '@telfraud/core';
import { DEFAULT_MAX_LINE_BYTES, readNdjsonBatches, type NdjsonLine } from './ndjson-reader.js';
import { printable } from './printable.js';
import { summariseByRule, type RuleSummaryRow } from './rule-summary.js';

export interface ReplayInput {
  calls: string;
  sms: string | undefined;
  out: string;
  pack: RulePack;
  reference: ReferenceData;
  /** Key of the distinct-count hash (the CLI draws one per run); fixed when absent. */
  hashSeed?: HashSeed;
  /** Bad lines and progress go here (stderr in the CLI). */
  report: (line: string) => void;
  /** Longest line read; a longer one is reported and skipped unbuffered. */
  maxLineBytes?: number;
  /** Progress is reported at most this often (wall-clock ms); none when absent. */
  progressIntervalMs?: number;
  /** Wall clock for elapsed time and progress (tests fake it). */
  now?: () => number;
}

/** Outcomes of the engine other than accepted, by code: `late` today, any event-time rejection the core adds later. */
export type OutcomeCounts = Record<string, number>;

export interface ReplayResult {
  callsRead: number;
  smsRead: number;
  badLines: number;
  late: number;
  /** Parked as too far ahead of the event time (FUTURE_EVENT); `futureTakenBack` of them were processed after all, when later events confirmed the jump. */
  future: number;
  futureTakenBack: number;
  duplicates: number;
  /** Lines seen, blank and bad ones included. */
  linesRead: number;
  /** Every engine outcome other than `accepted` (duplicate, allowlisted, late, ...), by code. */
  outcomes: OutcomeCounts;
  /** Files not read to their end (binary data), with why. */
  stoppedFiles: string[];
  alerts: Alert[];
  victims: VictimExposure[];
  summary: RuleSummaryRow[];
  elapsedMs: number;
}

/** A validated event stream read in batches, consumed one event at a time without a promise per event. */
class EventCursor<T extends CallEvent | SmsEvent> {
  private batch: T[] = [];
  private pos = 0;
  private done = false;
  private readonly source: AsyncGenerator<NdjsonLine[]>;
  /** Highest line number seen. */
  lines = 0;

  constructor(
    file: string,
    private readonly validateEvent: (value: unknown) => Validated<T>,
    private readonly onBad: (line: number, why: string, fatal: boolean) => void,
    private readonly onGood: () => void,
    private readonly onBatch: () => void,
    maxLineBytes: number,
  ) {
    this.source = readNdjsonBatches(file, { maxLineBytes });
  }

  /** The next event, or undefined at the end; awaits only when a batch is used up. */
  async peek(): Promise<T | undefined> {
    while (this.pos >= this.batch.length) {
      if (this.done) return undefined;
      const next = await this.source.next();
      if (next.done) {
        this.done = true;
        return undefined;
      }
      this.batch = this.validate(next.value);
      this.pos = 0;
      this.onBatch();
    }
    return this.batch[this.pos];
  }

  /** Synchronous while the current batch lasts: the hot loop. */
  peekSync(): T | undefined {
    return this.pos < this.batch.length ? this.batch[this.pos] : undefined;
  }

  /** The record after the next one, if it is already read. */
  peekSecondSync(): T | undefined {
    return this.pos + 1 < this.batch.length ? this.batch[this.pos + 1] : undefined;
  }

  advance(): void {
    this.pos++;
  }

  private validate(lines: NdjsonLine[]): T[] {
    const out: T[] = [];
    for (const item of lines) {
      this.lines = item.line;
      if ('error' in item) {
        this.onBad(item.line, item.error, item.fatal === true);
        continue;
      }
      const v = this.validateEvent(item.value);
      if (!v.ok) {
        this.onBad(item.line, `${v.violation.path || 'record'}: ${v.violation.message}`, false);
        continue;
      }
      this.onGood();
      out.push(v.value);
    }
    return out;
  }
}

/**
 * A record dated far ahead of the record after it in its own file (a wrong clock) is passed on at
 * once when merging the streams by event time, for the engine to judge: ordered by its date it
 * would hold its whole stream back behind the other.
 */
function isOutlier(c: EventCursor<CallEvent | SmsEvent>, head: CallEvent | SmsEvent, maxJumpMs: number): boolean {
  const next = c.peekSecondSync();
  return next !== undefined && head.ts - next.ts > maxJumpMs;
}

/**
 * The backtest: the same DetectionEngine as the streaming detector over NDJSON files. Output is
 * deterministic: alerts in order of first emission with their final state, victims in emission order.
 */
export async function runReplay(input: ReplayInput): Promise<ReplayResult> {
  const now = input.now ?? Date.now;
  const started = now();
  const engine = new DetectionEngine(input.pack, input.reference, input.hashSeed ? { hashSeed: input.hashSeed } : {});
  const alerts = new Map<string, Alert>();
  const firstFiring = new Map<string, number>();
  const victims: VictimExposure[] = [];
  const out: EngineOutput = { alerts: [], victims: [] };
  let callsRead = 0;
  let smsRead = 0;
  let badLines = 0;
  const stoppedFiles: string[] = [];
  const outcomes: OutcomeCounts = {};
  const bad = (file: string) => (line: number, why: string, fatal: boolean): void => {
    badLines++;
    // Input text is quoted in parse errors: never let it drive the terminal.
    const message = `${path.basename(file)}:${line}: ${fatal ? 'stopped' : 'skipped'}: ${printable(why)}`;
    if (fatal) stoppedFiles.push(message);
    if (fatal || badLines <= 1000) input.report(message);
    else if (badLines === 1001) input.report('more bad lines: further ones are counted but not printed');
  };
  const maxLineBytes = input.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let n = 0;
  let lastProgress = started;
  const interval = input.progressIntervalMs;
  const progress = interval === undefined ? () => {} : (): void => {
    const t = now();
    if (t - lastProgress < interval) return;
    lastProgress = t;
    const seconds = Math.max((t - started) / 1000, 0.001);
    input.report(`progress: ${calls.lines + (sms?.lines ?? 0)} lines read, ${n} events, ${alerts.size} alerts, ${victims.length} victims, ${Math.round(n / seconds)} events/s`);
  };
  const calls = new EventCursor(input.calls, validateCallEvent, bad(input.calls), () => callsRead++, progress, maxLineBytes);
  const sms = input.sms ? new EventCursor(input.sms, validateSmsEvent, bad(input.sms), () => smsRead++, progress, maxLineBytes) : undefined;
  const collect = (): void => {
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
  };
  // Merged by event time, as the detector sees two topics advance together; awaits only when a
  // cursor's batch is used up.
  const maxJumpMs = input.pack.settings.maxEventTimeJumpMs;
  for (;;) {
    const x = calls.peekSync() ?? (await calls.peek());
    const y = sms ? sms.peekSync() ?? (await sms.peek()) : undefined;
    let outcome: EventOutcome;
    if (x && (!y || isOutlier(calls, x, maxJumpMs) || (!isOutlier(sms!, y, maxJumpMs) && x.ts <= y.ts))) {
      calls.advance();
      outcome = engine.processCall(x, out);
    } else if (y) {
      sms!.advance();
      outcome = engine.processSms(y, out);
    } else break;
    if (outcome !== 'accepted') outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    collect();
    n++;
  }
  // The files ended: what was parked as too far ahead with nothing after it to contradict it was the end of the traffic.
  engine.releaseQuietTail(out);
  collect();
  const stats = engine.stats();
  // A record held as too far ahead and then confirmed by later records was processed after all: not dropped.
  const heldThenTaken = Math.min(stats.futureTakenBack, outcomes.future ?? 0);
  if (heldThenTaken > 0) outcomes.future = (outcomes.future ?? 0) - heldThenTaken;
  if (outcomes.future === 0) delete outcomes.future;
  const alertList = [...alerts.values()];
  mkdirSync(input.out, { recursive: true });
  writeFileSync(path.join(input.out, 'alerts.jsonl'), alertList.map((a) => JSON.stringify(a) + '\n').join(''));
  writeFileSync(path.join(input.out, 'victims.jsonl'), victims.map((v) => JSON.stringify(v) + '\n').join(''));
  return {
    callsRead, smsRead, badLines, late: stats.late, future: stats.future, futureTakenBack: stats.futureTakenBack, duplicates: stats.duplicates,
    linesRead: calls.lines + (sms?.lines ?? 0), outcomes, stoppedFiles,
    alerts: alertList, victims,
    summary: summariseByRule(alertList, input.pack.rules.map((r) => r.id), firstFiring),
    elapsedMs: now() - started,
  };
}
