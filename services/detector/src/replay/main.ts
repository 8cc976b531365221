#!/usr/bin/env node
import { DEFAULT_RULE_PACK_SOURCE, RulePackError, rulePackSchemaText } from '@telfraud/core';
import { randomHashSeed } from '../hash-seed.js';
import { loadReferenceDir } from '../reference-loader.js';
import { loadRulePackFile } from '../rule-pack-loader.js';
import { REPLAY_USAGE, UsageError, parseReplayArgs } from './replay-args.js';
import { formatRuleSummary } from './rule-summary.js';
import { runReplay } from './replay-run.js';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseReplayArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`replay: ${(err as Error).message}\n${REPLAY_USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(REPLAY_USAGE + '\n');
    return 0;
  }
  if (parsed === 'print-rule-schema') {
    process.stdout.write(rulePackSchemaText());
    return 0;
  }
  if (parsed === 'print-default-rules') {
    process.stdout.write(JSON.stringify(DEFAULT_RULE_PACK_SOURCE, null, 2) + '\n');
    return 0;
  }
  const report = (line: string): void => void process.stderr.write(line + '\n');
  let pack;
  let reference;
  try {
    pack = loadRulePackFile(parsed.rules);
    reference = loadReferenceDir(parsed.reference);
  } catch (err) {
    process.stderr.write(`replay: ${err instanceof RulePackError ? err.message : (err as Error).message}\n`);
    return 2;
  }
  const result = await runReplay({ calls: parsed.calls, sms: parsed.sms, out: parsed.out, pack, reference, hashSeed: randomHashSeed(), report: parsed.quiet ? () => {} : report });
  const rate = Math.round((result.callsRead + result.smsRead) / Math.max(result.elapsedMs / 1000, 0.001));
  report(`read ${result.callsRead} call events and ${result.smsRead} SMS events (${result.badLines} bad lines skipped, ${result.duplicates} duplicates, ${result.late} too late, ${result.future - result.futureTakenBack} too far ahead) in ${(result.elapsedMs / 1000).toFixed(2)} s (${rate} events/s)`);
  report(`wrote ${result.alerts.length} alerts and ${result.victims.length} victim exposures to ${parsed.out}`);
  if (!parsed.quiet) report('\n' + formatRuleSummary(result.summary));
  return result.callsRead + result.smsRead === 0 ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`replay: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
