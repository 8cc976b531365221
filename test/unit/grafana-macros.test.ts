/**
 * The helpers test/e2e/grafana-dashboards.test.ts relies on: the expansion of Grafana variables and
 * ClickHouse plugin macros (same text as the plugin's backend produces), and reading metric and label
 * names out of PromQL.
 */
import { describe, expect, it } from 'vitest';
import { legendLabels, promqlGroupingLabels, promqlMatcherLabels, promqlMetricNames } from '../support/exported-metrics.js';
import { expandClickHouseMacros, leftoverVariables, substituteVariables, type QueryTime } from '../support/grafana-macros.js';

// 2025-11-30T10:00:00.000Z .. 11:00:00.400Z, 30 s interval.
const T: QueryTime = { fromMs: 1_764_496_800_000, toMs: 1_764_500_400_400, intervalMs: 30_000 };

describe('ClickHouse plugin macros', () => {
  it.each([
    ['$__timeFilter(t)', 't >= toDateTime(1764496800) AND t <= toDateTime(1764500400)'],
    ['$__timeFilter_ms(t)', 't >= fromUnixTimestamp64Milli(1764496800000) AND t <= fromUnixTimestamp64Milli(1764500400400)'],
    ['$__dateFilter(d)', "d >= toDate('2025-11-30') AND d <= toDate('2025-11-30')"],
    ['$__dt(d, t)', "(d >= toDate('2025-11-30') AND d <= toDate('2025-11-30')) AND (t >= toDateTime(1764496800) AND t <= toDateTime(1764500400))"],
    ['$__fromTime / $__toTime', 'toDateTime(1764496800) / toDateTime(1764500400)'],
    ['$__fromTime_ms', 'fromUnixTimestamp64Milli(1764496800000)'],
    ['$__timeInterval(t)', 'toStartOfInterval(toDateTime(t), INTERVAL 30 second)'],
    ['$__timeInterval_ms(t)', 'toStartOfInterval(toDateTime64(t, 3), INTERVAL 30000 millisecond)'],
    ['intDiv(ts, 1000 * $__interval_s)', 'intDiv(ts, 1000 * 30)'],
    ['$__timeFilter(toDateTime(intDiv(ts, 1000)))', 'toDateTime(intDiv(ts, 1000)) >= toDateTime(1764496800) AND toDateTime(intDiv(ts, 1000)) <= toDateTime(1764500400)'],
  ])('%s', (sql, expanded) => {
    expect(expandClickHouseMacros(sql, T)).toBe(expanded);
  });

  it('rejects unknown macros and wrong argument counts', () => {
    expect(() => expandClickHouseMacros('$__timeFilterz(t)', T)).toThrow(/unknown ClickHouse plugin macro/);
    expect(() => expandClickHouseMacros('$__timeFilter(a, b)', T)).toThrow(/expects 1 argument/);
  });
});

describe('Grafana variables', () => {
  it('substitutes the global time variables as epoch ms and the rate interval from the scrape interval', () => {
    expect(substituteVariables('ts >= $__from AND ts <= ${__to} [$__rate_interval] [$__range] $__interval_s', {}, T, 'raw'))
      .toBe('ts >= 1764496800000 AND ts <= 1764500400400 [60s] [3600s] $__interval_s');
  });

  it('renders multi-value and All selections as the Prometheus data source does', () => {
    const one = { job: { values: ['alert-sink.x'] } };
    const two = { job: { values: ['detector', 'blocker'] } };
    const all = { job: { values: ['detector'], all: true, allValue: '.+' } };
    expect(substituteVariables('up{job=~"$job"}', one, T, 'prometheus')).toBe('up{job=~"alert-sink\\\\.x"}');
    expect(substituteVariables('up{job=~"$job"}', two, T, 'prometheus')).toBe('up{job=~"(detector|blocker)"}');
    expect(substituteVariables('up{job=~"${job}"}', all, T, 'prometheus')).toBe('up{job=~".+"}');
    expect(substituteVariables('rule_id IN (${job:singlequote})', two, T, 'raw')).toBe("rule_id IN ('detector','blocker')");
  });

  it('reports what is left over', () => {
    expect(leftoverVariables('a $nope ${__to:date:iso} b')).toEqual(['$nope', '${__to']);
    expect(leftoverVariables('x = 1')).toEqual([]);
  });
});

describe('PromQL names', () => {
  const expr = 'histogram_quantile(0.95, sum by (le, table) (rate(alert_sink_insert_duration_seconds_bucket{job=~"a|b", result!="ok"}[5m]))) / on (table) group_left sum by (table) (x_total offset 5m) * 1e3 + nodejs_eventloop_lag_p99_seconds';

  it('finds the metrics, not functions, keywords, labels or numbers', () => {
    expect(promqlMetricNames(expr).sort()).toEqual(['alert_sink_insert_duration_seconds_bucket', 'nodejs_eventloop_lag_p99_seconds', 'x_total']);
  });

  it('finds grouping, matcher and legend labels', () => {
    expect(promqlGroupingLabels(expr).sort()).toEqual(['le', 'table']);
    expect(promqlMatcherLabels(expr).sort()).toEqual(['job', 'result']);
    expect(legendLabels('{{job}} {{ topic }} p95')).toEqual(['job', 'topic']);
  });
});
