import { parseArgs } from 'node:util';
import { DEFAULT_MAX_LINE_BYTES } from './ndjson-reader.js';
import { FIXED_HASH_SEED, PipelineError, type HashSeed } from '@telfraud/core';
import { numberFlag } from '@telfraud/common';

/** Command-line options of the replay (backtest) CLI, contract section 6. */
export interface ReplayOptions {
  calls: string;
  sms: string | undefined;
  reference: string | undefined;
  rules: string | undefined;
  out: string;
  labels: string | undefined;
  quiet: boolean;
  /** Progress on stderr: forced on (true), or left to whether stderr is a terminal (undefined). */
  progress: boolean | undefined;
  maxLateShare: number;
  maxLineBytes: number;
  /** Key of the distinct-count hash: fixed unless --hash-seed names one, so the output is reproducible. */
  hashSeed: HashSeed;
}

export const DEFAULT_MAX_LATE_SHARE = 0.01;

export const REPLAY_USAGE = `usage: npm run -s replay -- --calls CALLS.jsonl [--sms SMS.jsonl] [--reference DIR] [--rules RULES.json|.yaml]
                           [--labels LABELS] --out OUTDIR [--quiet] [--progress]
                           [--max-late-share RATIO] [--max-line-bytes N] [--hash-seed HEX]
       npm run -s replay -- --print-default-rules | --print-rule-schema

Runs the detection rules over newline-delimited JSON events with no broker or database, and writes
OUTDIR/alerts.jsonl and OUTDIR/victims.jsonl.

  --calls FILE             call events, one JSON object a line (required)
  --sms FILE               SMS events, one JSON object a line
  --reference DIR          reference data: dno.csv, allowlist.csv, network.json (each optional)
  --rules FILE             rule pack, JSON or YAML; the default pack when absent
  --out DIR                output directory (required)
  --labels FILE            backtest against ground truth: the generator's labels.json, or analysts'
                           verdicts (CSV or NDJSON: entity_type, entity, verdict[, rule_id, alert_id]);
                           prints per-rule and per-scenario scores and writes OUTDIR/backtest.json
  --max-late-share RATIO   largest share of records the engine may reject by event time (late)
                           before the run exits with status 3 (default ${DEFAULT_MAX_LATE_SHARE}; 0 to 1)
  --max-line-bytes N       longest input line; a longer one is reported and skipped
                           (default ${DEFAULT_MAX_LINE_BYTES})
  --hash-seed HEX          16 hex digits: the secret key of the hash that distinct counts estimate
                           with (above 256 values a key). The output depends on it only through
                           those estimates; the default is a fixed, published key, so the same input
                           gives byte-identical files. Pass your own secret when replaying traffic
                           an adversary may have shaped against the published key.
  --progress               report progress on stderr every few seconds (default: only when stderr
                           is a terminal)
  --quiet                  no per-line reports, progress or rule summary; warnings still printed
  --print-default-rules    print the default rule pack as JSON and exit
  --print-rule-schema      print the rule pack's JSON Schema and exit
  -h, --help               this text

Exit status: 0 done; 1 nothing could be read (or the run failed); 2 bad arguments, rule pack,
reference data or labels file; 3 more records rejected by event time than --max-late-share allows.`;

export class UsageError extends PipelineError {
  constructor(message: string) {
    super('USAGE_INVALID', message);
    this.name = 'UsageError';
  }
}

/** Every flag, for parseArgs (the usage text above describes each). */
export const REPLAY_FLAGS = {
  calls: { type: 'string' }, sms: { type: 'string' }, reference: { type: 'string' }, rules: { type: 'string' },
  out: { type: 'string' }, labels: { type: 'string' },
  'max-late-share': { type: 'string' }, 'max-line-bytes': { type: 'string' }, 'hash-seed': { type: 'string' },
  progress: { type: 'boolean' }, quiet: { type: 'boolean' },
  'print-default-rules': { type: 'boolean' }, 'print-rule-schema': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

function hashSeedFlag(raw: string | undefined, problems: string[]): HashSeed {
  if (raw === undefined) return FIXED_HASH_SEED;
  if (!/^[0-9a-fA-F]{16}$/.test(raw)) {
    problems.push(`--hash-seed: got ${JSON.stringify(raw)}, expected 16 hex digits`);
    return FIXED_HASH_SEED;
  }
  return [Number.parseInt(raw.slice(0, 8), 16) | 0, Number.parseInt(raw.slice(8), 16) | 0];
}

/** Parses argv (without node and script); throws one UsageError listing every problem. */
export function parseReplayArgs(argv: string[]): ReplayOptions | 'help' | 'print-default-rules' | 'print-rule-schema' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: REPLAY_FLAGS,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  if (values['print-default-rules']) return 'print-default-rules';
  if (values['print-rule-schema']) return 'print-rule-schema';
  const problems: string[] = [];
  for (const flag of ['calls', 'sms', 'reference', 'rules', 'out', 'labels'] as const) {
    if (values[flag] === '') problems.push(`--${flag}: needs a value`);
  }
  if (values.calls === undefined) problems.push('--calls: required, the call-events file');
  if (values.out === undefined) problems.push('--out: required, the output directory');
  const maxLateShare = numberFlag('max-late-share', values['max-late-share'], DEFAULT_MAX_LATE_SHARE, (n) => n >= 0 && n <= 1, 'a ratio from 0 to 1', problems);
  const maxLineBytes = numberFlag('max-line-bytes', values['max-line-bytes'], DEFAULT_MAX_LINE_BYTES,
    (n) => Number.isSafeInteger(n) && n >= 64 && n <= 512 * 1024 * 1024, 'an integer from 64 to 536870912', problems);
  const hashSeed = hashSeedFlag(values['hash-seed'], problems);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return {
    calls: values.calls!, sms: values.sms, reference: values.reference, rules: values.rules, out: values.out!,
    labels: values.labels, quiet: values.quiet ?? false, progress: values.progress, maxLateShare, maxLineBytes, hashSeed,
  };
}
