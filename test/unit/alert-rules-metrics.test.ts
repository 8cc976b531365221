/**
 * The promtool tests of infra/prometheus/rules feed the rules hand-written series, so a rule on a
 * metric name no service exports (a typo, a rename) would pass them and never fire. Every metric
 * an alert expression reads must be declared by a service (a `name: '...'` in services/*\/src)
 * or be Prometheus's own `up`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../support/stack.js';

const RULES_DIR = path.join(ROOT, 'infra/prometheus/rules');
const KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Metric names in a PromQL expression: label matchers, label lists, strings and function names left out. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w:])([a-zA-Z_:][\w:]*)(?![\w:])(\s*\()?/g)) {
    if (m[2] || KEYWORDS.has(m[1]!)) continue;
    names.add(m[1]!);
  }
  return [...names];
}

function exportedNames(): Set<string> {
  const names = new Set<string>(['up']);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        for (const m of readFileSync(file, 'utf8').matchAll(/\bname: '([a-z_:][a-z0-9_:]*)'/g)) names.add(m[1]!);
      }
    }
  };
  for (const service of readdirSync(path.join(ROOT, 'services'))) {
    const src = path.join(ROOT, 'services', service, 'src');
    try {
      walk(src);
    } catch {
      // a folder without sources
    }
  }
  return names;
}

it('reads metric names out of PromQL, leaving labels, strings, functions and keywords aside', () => {
  expect(metricNames('sum without (instance, reason) (increase(fraud_events_rejected_total{job=~"a|b"}[10m])) > 0 or x unless x offset 10m').sort())
    .toEqual(['fraud_events_rejected_total', 'x']);
  expect(metricNames('absent(up{job="detector"})')).toEqual(['up']);
});

it('every alert rule reads only metrics the services export', () => {
  const exported = exportedNames();
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml'));
  expect(files.length).toBeGreaterThan(1);
  const unknown: string[] = [];
  let rules = 0;
  for (const file of files) {
    const doc = parse(readFileSync(path.join(RULES_DIR, file), 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] };
    for (const rule of doc.groups.flatMap((g) => g.rules)) {
      rules++;
      for (const name of metricNames(rule.expr)) if (!exported.has(name)) unknown.push(`${file} ${rule.alert}: ${name}`);
    }
  }
  expect(rules).toBeGreaterThan(5);
  expect(unknown).toEqual([]);
});
