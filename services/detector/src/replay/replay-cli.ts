import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RULE_PACK_SOURCE, RulePackError, rulePackSchemaText } from '@telfraud/core';
import { loadReferenceDir } from '../adapters/reference-loader.js';
import { loadRulePackFile } from '../adapters/rule-pack-loader.js';
import { formatBacktest } from './backtest-report.js';
import { describeReason, eventTimeRejections, formatRejectionWarning } from './event-time-rejections.js';
import { backtestAgainstLabels, type BacktestLabels } from './label-backtest.js';
import { LabelFileError, readLabelFile } from './label-file.js';
import { REPLAY_USAGE, parseReplayArgs } from './replay-args.js';
import { formatRuleSummary } from './rule-summary.js';
import { runReplay } from './replay-run.js';

/** Exit statuses of the replay CLI (documented in --help and the README). */
export const EXIT = { ok: 0, nothingRead: 1, usage: 2, tooManyRejected: 3 } as const;

export interface ReplayCliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Progress is on by default only on a terminal. */
  stderrIsTty: boolean;
  /** Wall clock (tests fake it). */
  now?: () => number;
}

const PROGRESS_INTERVAL_MS = 5_000;

/** The replay CLI, in-process: parses argv, runs the backtest, returns the exit status. */
export async function runReplayCli(argv: string[], io: ReplayCliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseReplayArgs(argv);
  } catch (err) {
    io.stderr(`replay: ${(err as Error).message}\n${REPLAY_USAGE}\n`);
    return EXIT.usage;
  }
  if (parsed === 'help') {
    io.stdout(REPLAY_USAGE + '\n');
    return EXIT.ok;
  }
  if (parsed === 'print-rule-schema') {
    io.stdout(rulePackSchemaText());
    return EXIT.ok;
  }
  if (parsed === 'print-default-rules') {
    io.stdout(JSON.stringify(DEFAULT_RULE_PACK_SOURCE, null, 2) + '\n');
    return EXIT.ok;
  }
  const report = (line: string): void => io.stderr(line + '\n');
  let pack;
  let reference;
  let labels: BacktestLabels | undefined;
  try {
    pack = loadRulePackFile(parsed.rules, (notice) => io.stderr(`replay: warning: ${notice}\n`));
    reference = loadReferenceDir(parsed.reference);
    labels = parsed.labels === undefined ? undefined : readLabelFile(parsed.labels);
  } catch (err) {
    io.stderr(`replay: ${err instanceof RulePackError || err instanceof LabelFileError ? err.message : (err as Error).message}\n`);
    return EXIT.usage;
  }
  const progress = !parsed.quiet && (parsed.progress ?? io.stderrIsTty);
  const result = await runReplay({
    calls: parsed.calls, sms: parsed.sms, out: parsed.out, pack, reference, hashSeed: parsed.hashSeed,
    report: parsed.quiet ? () => {} : report, maxLineBytes: parsed.maxLineBytes,
    ...(progress ? { progressIntervalMs: PROGRESS_INTERVAL_MS } : {}), ...(io.now ? { now: io.now } : {}),
  });
  const records = result.callsRead + result.smsRead;
  const rate = Math.round(records / Math.max(result.elapsedMs / 1000, 0.001));
  report(`read ${result.callsRead} call events and ${result.smsRead} SMS events (${result.badLines} bad lines skipped, ${result.duplicates} duplicates, ${result.late} too late, ${result.future - result.futureTakenBack} too far ahead) in ${(result.elapsedMs / 1000).toFixed(2)} s (${rate} events/s)`);
  const rejected = eventTimeRejections(result.outcomes, records);
  report(`dropped by event time: ${rejected.total === 0 ? 'none' : `${rejected.total} (${(rejected.share * 100).toFixed(2)} % of records; --max-late-share ${parsed.maxLateShare})${rejected.byReason.map(([code, n]) => `; ${describeReason(code)}: ${n}`).join('')}`}`);
  for (const stopped of result.stoppedFiles) report(`INCOMPLETE INPUT: ${stopped}`);
  report(`wrote ${result.alerts.length} alerts and ${result.victims.length} victim exposures to ${parsed.out}`);
  if (!parsed.quiet) report('\n' + formatRuleSummary(result.summary));
  if (labels) {
    const backtest = backtestAgainstLabels(labels, result.alerts, result.victims, pack.rules.map((r) => r.id));
    writeFileSync(path.join(parsed.out, 'backtest.json'), JSON.stringify(backtest, null, 2) + '\n');
    report('\n' + formatBacktest(backtest) + `\n\nwrote ${path.join(parsed.out, 'backtest.json')}`);
  }
  if (records === 0) {
    report('replay: no event could be read');
    return EXIT.nothingRead;
  }
  if (rejected.share > parsed.maxLateShare) {
    report('\n' + formatRejectionWarning(rejected, records, parsed.maxLateShare));
    return EXIT.tooManyRejected;
  }
  return EXIT.ok;
}
