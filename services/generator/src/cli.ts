#!/usr/bin/env node
import { parseCliArgs, USAGE } from './cli/cli-args.js';
import { runToFiles } from './cli/run-to-files.js';
import { estimateHorizonMs } from './simulation/run-sizing.js';

/** File generator entry point: flags in, JSONL + labels + reference data out, progress on stderr. */
async function main(): Promise<number> {
  let options;
  try {
    const parsed = parseCliArgs(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    options = parsed;
    for (const notice of options.notices) process.stderr.write(`generator: warning: ${notice}\n`);
  } catch (err) {
    process.stderr.write(`generator: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const horizonMs = options.events !== undefined && !options.minutesGiven
    ? estimateHorizonMs(options.events, options.rate, options.scenarios, options.params)
    : Math.round(options.minutes * 60_000);
  const started = Date.now();
  const progress = (n: number): void => {
    if (options.quiet) return;
    const secs = (Date.now() - started) / 1000;
    const of = options.events !== undefined ? `/${options.events} (${Math.floor((100 * n) / options.events)} %)` : '';
    process.stderr.write(`generator: ${n}${of} call events, ${secs.toFixed(1)} s, ${Math.round(n / Math.max(secs, 0.001))} events/s\n`);
  };
  const result = await runToFiles({
    outDir: options.out,
    simulation: {
      seed: options.seed, startTs: options.startTs, horizonMs, backgroundRate: options.rate, scenarios: options.scenarios,
      params: options.params, openEnded: options.events !== undefined,
      delivery: { lateShare: options.lateShare, duplicateShare: options.duplicateShare },
    },
    ...(options.events !== undefined ? { maxCallEvents: options.events } : {}),
    onProgress: progress,
  });
  const secs = (Date.now() - started) / 1000;
  const r = result.run;
  if (!options.quiet) {
    process.stderr.write(
      `generator: wrote ${r.call_events} call events and ${r.sms_events} SMS (${r.late_events} late, ${r.duplicate_events} duplicates) ` +
      `over ${((r.last_ts ?? r.start_ts) - r.start_ts) / 60_000 | 0} simulated minutes to ${options.out} in ${secs.toFixed(1)} s\n`,
    );
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`generator: failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
