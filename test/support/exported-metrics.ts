import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createMetricsRegistry } from '@telfraud/common';
import { ROOT } from './stack.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** A metric a service declares, its label names, and the file that declares it. */
export interface DeclaredMetric {
  name: string;
  type: MetricType;
  labels: string[];
  declaredIn: string;
}

/** Labels every series carries besides its own: Prometheus's target labels and the registry's default. */
export const TARGET_LABELS = ['job', 'instance', 'service'];

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
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(DECLARATION)) {
        // The declaration's options object, up to its registers/collect or its end.
        const rest = text.slice(m.index! + m[0].length);
        const options = rest.slice(0, rest.search(/registers|collect|\}\s*\)/));
        // `labelNames: [...]` inline, or the shorthand `labelNames` naming a `const labelNames = [...]` of the file.
        const list = /labelNames:\s*\[([^\]]*)\]/.exec(options)?.[1]
          ?? (/labelNames\s*[,}]/.test(options) ? /const labelNames\s*=\s*\[([^\]]*)\]/.exec(text)?.[1] : undefined);
        const labels = list?.match(/'[^']+'/g)?.map((l) => l.slice(1, -1)) ?? [];
        found.push({ name: m[2]!, type: m[1]!.toLowerCase() as MetricType, labels, declaredIn: path.relative(ROOT, file) });
      }
    }
  }
  return found;
}

/** The process and Node.js metrics every service's registry carries (prom-client's defaults). */
export async function defaultProcessMetrics(): Promise<DeclaredMetric[]> {
  const registry = createMetricsRegistry('probe');
  const metrics = await registry.getMetricsAsJSON();
  return metrics.map((m) => ({
    name: m.name, type: String(m.type) as MetricType, declaredIn: 'prom-client default metrics',
    labels: [...new Set(m.values.flatMap((v) => Object.keys(v.labels)))].filter((l) => !TARGET_LABELS.includes(l) && l !== 'le'),
  }));
}

/** Series Prometheus itself adds to every scrape target. */
export const SCRAPE_SERIES: DeclaredMetric[] = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']
  .map((name) => ({ name, type: 'gauge', labels: [], declaredIn: 'Prometheus (per scrape target)' }));

/** The series names a metric appears under in the exposition format (histograms: _bucket, _sum, _count). */
export function seriesNames(m: DeclaredMetric): string[] {
  if (m.type === 'histogram') return [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`];
  if (m.type === 'summary') return [m.name, `${m.name}_sum`, `${m.name}_count`];
  return [m.name];
}

/** The label names an expression groups by (`by (...)`, `without (...)`, `on (...)`, ...). */
export function promqlGroupingLabels(expr: string): string[] {
  const labels = new Set<string>();
  for (const m of expr.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
    for (const l of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) labels.add(l);
  }
  return [...labels];
}

/** The label names an expression's selectors match on (`{job=~"..."}`). */
export function promqlMatcherLabels(expr: string): string[] {
  const labels = new Set<string>();
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const m of noStrings.matchAll(/\{([^}]*)\}/g)) {
    for (const l of m[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.add(l[1]!);
  }
  return [...labels];
}

/** The label names a legend format interpolates (`{{label}}`). */
export function legendLabels(legendFormat: string | undefined): string[] {
  return [...(legendFormat ?? '').matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
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
