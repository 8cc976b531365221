import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createMetricsRegistry } from '@telfraud/common';
import { ROOT } from './stack.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** A metric a service declares, and the file that declares it. */
export interface DeclaredMetric {
  name: string;
  type: MetricType;
  declaredIn: string;
}

const DECLARATION = /new (Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\(\s*\{\s*name:\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...sourceFiles(full));
    else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts') && !entry.includes('.test-support.')) files.push(full);
  }
  return files;
}

/**
 * Every metric the services declare with prom-client (`new Counter({ name: '...' })` and the like in
 * services/<service>/src), read from the code itself so a new service or metric is known without
 * editing a list.
 */
export function declaredServiceMetrics(): DeclaredMetric[] {
  const found: DeclaredMetric[] = [];
  const servicesDir = path.join(ROOT, 'services');
  for (const service of readdirSync(servicesDir)) {
    const src = path.join(servicesDir, service, 'src');
    try {
      if (!statSync(src).isDirectory()) continue;
    } catch {
      continue;
    }
    for (const file of sourceFiles(src)) {
      for (const m of readFileSync(file, 'utf8').matchAll(DECLARATION)) {
        found.push({ name: m[2]!, type: m[1]!.toLowerCase() as MetricType, declaredIn: path.relative(ROOT, file) });
      }
    }
  }
  return found;
}

/** The process and Node.js metrics every service's registry carries (prom-client's defaults). */
export async function defaultProcessMetrics(): Promise<DeclaredMetric[]> {
  const registry = createMetricsRegistry('probe');
  const metrics = await registry.getMetricsAsJSON();
  return metrics.map((m) => ({ name: m.name, type: String(m.type) as MetricType, declaredIn: 'prom-client default metrics' }));
}

/** Series Prometheus itself adds to every scrape target. */
export const SCRAPE_SERIES: DeclaredMetric[] = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']
  .map((name) => ({ name, type: 'gauge', declaredIn: 'Prometheus (per scrape target)' }));

/** The series names a metric appears under in the exposition format (histograms: _bucket, _sum, _count). */
export function seriesNames(m: DeclaredMetric): string[] {
  if (m.type === 'histogram') return [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`];
  if (m.type === 'summary') return [m.name, `${m.name}_sum`, `${m.name}_count`];
  return [m.name];
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan', 'atan2']);

/**
 * The metric names a PromQL expression selects. String literals, label matchers, range and subquery
 * brackets, grouping clauses and numbers are removed first; what remains that is not a function or
 * aggregation call (a name followed by `(`) or an operator keyword is a metric name.
 */
export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?\d+[smhdwy]+/g, ' ')
    .replace(/(^|[^a-zA-Z0-9_:.])\d+(\.\d+)?([eE][+-]?\d+)?/g, '$1 ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = bare.slice(m.index! + m[0].length).trimStart();
    if (rest.startsWith('(') || PROMQL_WORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}
