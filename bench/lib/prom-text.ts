/** Sum of every series of `name` in a Prometheus text exposition (any labels); undefined when absent. */
export function sumMetric(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/** Scrapes `url` (a /metrics endpoint) and sums the named metrics; undefined values when unreachable. */
export async function scrape(url: string, names: readonly string[]): Promise<Record<string, number | undefined>> {
  const out: Record<string, number | undefined> = {};
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    const text = await res.text();
    for (const n of names) out[n] = sumMetric(text, n);
  } catch {
    for (const n of names) out[n] = undefined;
  }
  return out;
}
