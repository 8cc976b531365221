import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './stack.js';

/** Scrape targets for this test run, picked up by the local Prometheus's file discovery within seconds. */
export function addScrapeTargets(run: string, targets: { port: number; job: string }[]): () => void {
  const dir = path.join(ROOT, '.data/prometheus/targets.d');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `test-${run}.json`);
  writeFileSync(file, JSON.stringify(targets.map((t) => ({ targets: [`127.0.0.1:${t.port}`], labels: { job: t.job, run } }))));
  return () => rmSync(file, { force: true });
}

/** Instant query; the scalar value of the first series, or undefined when there is none. */
export async function promQuery(baseUrl: string, expr: string): Promise<number | undefined> {
  const res = await fetch(`${baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`Prometheus answered ${res.status} to ${expr}`);
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  const first = body.data.result[0];
  return first ? Number(first.value[1]) : undefined;
}
