// Where the RSS of the engine with 1M active origins goes: the same load as engine-bench's `memory`
// mode (K origins, one quiet call each, every other one answered), run once per part of the default
// pack in its own node process, so each part's memory is the difference from the call registry alone.
//   node --expose-gc --import ./bench/ts-hooks.mjs bench/tools/engine-memory-breakdown.ts [K]
//   ... one CONFIG K     one configuration (what the driver runs per child); CONFIG: harness |
//                        registry | otp | rule:<id> | default
// Prints one JSON object on stdout (the driver: a table on stderr as well).
import { spawnSync } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { DEFAULT_RULE_PACK, DEFAULT_RULE_PACK_SOURCE, DetectionEngine, validateRulePack, type EngineOutput, type RulePack } from '@telfraud/core';
import { BASE_TS, call, fullGc, REFERENCE } from '../lib/engine-load.js';

function packFor(config: string): RulePack {
  const s = DEFAULT_RULE_PACK_SOURCE;
  const isOtp = (r: (typeof s.rules)[number]): boolean => 'type' in r && r.type === 'otp_after_call';
  if (config === 'default') return DEFAULT_RULE_PACK;
  if (config === 'harness' || config === 'registry') return validateRulePack({ version: 1, name: 'bench-empty', settings: s.settings, rules: [] });
  if (config === 'otp') return validateRulePack({ version: 1, name: 'bench-otp', settings: s.settings, rules: s.rules.filter(isOtp) });
  if (config.startsWith('rule:')) return validateRulePack({ version: 1, name: 'bench-rule', settings: s.settings, rules: s.rules.filter((r) => r.id === config.slice(5)) });
  throw new Error(`unknown configuration ${config}`);
}

interface Measured {
  config: string;
  keys: number;
  rss: number;
  heapUsed: number;
  /** V8's committed heap (used plus free space it has not returned). */
  heapCommitted: number;
  /** Typed arrays and other memory outside the V8 heap. */
  external: number;
  trackedCalls: number;
  stateBytes: Record<string, number>;
}

function one(config: string, keys: number): Measured {
  const engine = new DetectionEngine(packFor(config), REFERENCE);
  const out: EngineOutput = { alerts: [], victims: [] };
  const n = config === 'harness' ? 0 : keys;
  for (let i = 0; i < n; i++) {
    const ts = BASE_TS + Math.floor((i * 60_000) / keys);
    engine.processCall(call(2 * i, i, ts, 'quiet'), out);
    if ((i & 1) === 1) engine.processCall(call(2 * i + 1, i, ts + 1, 'quiet'), out);
    if ((i & 1023) === 0) {
      out.alerts.length = 0;
      out.victims.length = 0;
    }
  }
  fullGc();
  const m = process.memoryUsage();
  return {
    config, keys: n, rss: m.rss, heapUsed: m.heapUsed, heapCommitted: getHeapStatistics().total_heap_size, external: m.external,
    trackedCalls: engine.trackedCalls, stateBytes: engine.stateBytesByRule(),
  };
}

const MiB = 1024 * 1024;
const mib = (b: number): string => (b / MiB).toFixed(1).padStart(7);

const [mode, ...args] = process.argv.slice(2);
if (mode === 'one') {
  process.stdout.write(JSON.stringify(one(args[0] ?? 'default', Number(args[1] ?? 1_000_000))) + '\n');
} else {
  const keys = Number(mode ?? 1_000_000);
  const configs = ['harness', 'registry', 'otp', ...DEFAULT_RULE_PACK_SOURCE.rules.filter((r) => !('type' in r && r.type === 'otp_after_call')).map((r) => `rule:${r.id}`), 'default'];
  const runs: Measured[] = [];
  for (const c of configs) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', './bench/ts-hooks.mjs', 'bench/tools/engine-memory-breakdown.ts', 'one', c, String(keys)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !last.startsWith('{')) throw new Error(`${c} failed:\n${r.stderr.slice(-3000)}`);
    runs.push(JSON.parse(last) as Measured);
  }
  const harness = runs[0]!;
  const registry = runs[1]!;
  const lines = [`${keys} origins; MiB; "above" = above the registry-only run (above the harness for the registry itself)`,
    `${'config'.padEnd(36)}     rss  heapUsed committed  external | rss above heap above ext above  estimate`];
  for (const r of runs) {
    const ref = r === harness ? r : r === registry ? harness : registry;
    const estimate = Object.values(r.stateBytes).reduce((a, b) => a + b, 0);
    lines.push(`${r.config.padEnd(36)} ${mib(r.rss)} ${mib(r.heapUsed)} ${mib(r.heapCommitted)} ${mib(r.external)} | ${mib(r.rss - ref.rss)}  ${mib(r.heapUsed - ref.heapUsed)}  ${mib(r.external - ref.external)}  ${mib(estimate)}`);
  }
  process.stderr.write(lines.join('\n') + '\n');
  process.stdout.write(JSON.stringify({ keys, runs }) + '\n');
}
