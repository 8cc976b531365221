import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProfileReport } from './results.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
}

const IDLE = new Set(['(idle)', '(program)']);

/** Where a function lives, in the words the closing note uses. */
export function categoryOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (url.includes('/node_modules/kafkajs/')) return 'kafkajs (protocol, fetch, decode of record batches)';
  if (url.includes('/node_modules/avsc/')) return 'avsc (Avro decode/encode)';
  if (url.includes('/node_modules/prom-client/')) return 'prom-client (metrics)';
  if (url.includes('/services/core/')) return 'detection core (rules, windows, alert book)';
  if (url.includes('/services/detector/src/replay/') || url.includes('/services/detector/dist/replay/')) return 'replay CLI';
  if (url.includes('/services/detector/')) return 'detector pipeline';
  if (url.includes('/services/common/')) return 'common (codec, kafka adapter)';
  if (url.startsWith('node:') || url === '') return 'Node.js internals and natives (strings, Buffer, sockets, JSON)';
  if (url.includes('/node_modules/')) return `other package (${url.split('/node_modules/')[1]?.split('/')[0] ?? '?'})`;
  return 'other';
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const i = url.indexOf('/services/');
  if (i >= 0) return url.slice(i + 1);
  const j = url.lastIndexOf('/node_modules/');
  if (j >= 0) return url.slice(j + '/node_modules/'.length);
  return url.startsWith('node:') ? url : path.basename(url);
}

/** Self time by function and by category from a V8 .cpuprofile (sample counts; idle excluded). */
export function summariseProfile(file: string, title: string, topN = 12): ProfileReport {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byFn = new Map<string, { fn: string; where: string; hits: number }>();
  const byCategory = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || IDLE.has(functionName)) continue;
    busy += hits;
    const fn = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '(native)';
    const key = `${fn} ${where}`;
    const entry = byFn.get(key) ?? { fn, where, hits: 0 };
    entry.hits += hits;
    byFn.set(key, entry);
    const cat = categoryOf(url, functionName);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + hits);
  }
  const pct = (n: number): number => (busy > 0 ? (100 * n) / busy : 0);
  return {
    title,
    file,
    categories: [...byCategory].sort((a, b) => b[1] - a[1]).map(([name, hits]) => ({ name, pct: pct(hits) })),
    top: [...byFn.values()].sort((a, b) => b.hits - a.hits).slice(0, topN).map((e) => ({ fn: e.fn, where: e.where, pct: pct(e.hits) })),
  };
}

export function profileMarkdown(p: ProfileReport): string {
  const cats = p.categories.filter((c) => c.pct >= 0.5).map((c) => `${c.name} ${c.pct.toFixed(1)} %`).join('; ');
  const rows = p.top.map((t) => `| ${t.pct.toFixed(1)} % | \`${t.fn}\` | ${t.where} |`).join('\n');
  // Repository-relative: BENCHMARKS.md is committed and names no path of the machine it ran on.
  const file = path.relative(process.cwd(), p.file);
  return `#### ${p.title}\n\nProfile: \`${file}\` (self time, share of non-idle samples).\n\nBy area: ${cats}.\n\n| Self | Function | Where |\n|---|---|---|\n${rows}\n`;
}
