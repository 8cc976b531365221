/** Command-line options of the replay (backtest) CLI, contract section 6. */
export interface ReplayOptions {
  calls: string;
  sms: string | undefined;
  reference: string | undefined;
  rules: string | undefined;
  out: string;
  quiet: boolean;
}

export const REPLAY_USAGE = `usage: npm run -s replay -- --calls CALLS.jsonl [--sms SMS.jsonl] [--reference DIR] [--rules RULES.json|.yaml] --out OUTDIR [--quiet]

Runs the detection rules over newline-delimited JSON events with no broker or database, and writes
OUTDIR/alerts.jsonl and OUTDIR/victims.jsonl. The default rule pack is used when --rules is absent
(print it with --print-default-rules). Rule packs are JSON or YAML; --print-rule-schema prints
their JSON Schema.`;

export class UsageError extends Error {}

export function parseReplayArgs(argv: string[]): ReplayOptions | 'help' | 'print-default-rules' | 'print-rule-schema' {
  const opts: Record<string, string> = {};
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--print-default-rules') return 'print-default-rules';
    if (arg === '--print-rule-schema') return 'print-rule-schema';
    if (arg === '--quiet') { quiet = true; continue; }
    const m = /^--(calls|sms|reference|rules|out)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value`);
    opts[m[1]!] = value;
  }
  if (!opts['calls']) throw new UsageError('--calls is required');
  if (!opts['out']) throw new UsageError('--out is required');
  return { calls: opts['calls'], sms: opts['sms'], reference: opts['reference'], rules: opts['rules'], out: opts['out'], quiet };
}
