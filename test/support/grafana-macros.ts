/**
 * What Grafana does to a panel's query text before the data source runs it, for a chosen time range,
 * so tests can run dashboard queries without Grafana:
 * 1. the frontend replaces dashboard variables (`$name`, `${name}`, `${name:format}`) and the global
 *    ones (`$__from`/`$__to` as epoch ms, `$__interval`, `$__rate_interval`, `$__range`, ...);
 * 2. the ClickHouse plugin (grafana-clickhouse-datasource, its backend `pkg/macros`) expands its SQL
 *    macros (`$__timeFilter(col)`, `$__fromTime`, `$__interval_s`, ...) with the same output text.
 * Anything still starting with `$` afterwards is a leftover the data source would choke on.
 */

export interface QueryTime {
  fromMs: number;
  toMs: number;
  /** Grafana's `$__interval` for the panel, in ms. */
  intervalMs: number;
  /** The data source's scrape interval (Prometheus `timeInterval`; Grafana's default is 15 s). */
  scrapeIntervalMs?: number;
}

/** A dashboard variable's current selection: the text Grafana substitutes, per format. */
export interface VariableValue {
  /** Selected values; `all` with `allValue` set substitutes that instead (unescaped, as Grafana does). */
  values: string[];
  all?: boolean;
  allValue?: string;
}

const durationText = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** Grafana's global variables for the time range, by name (without `$`). */
export function globalVariables(t: QueryTime): Record<string, string> {
  const scrape = t.scrapeIntervalMs ?? 15_000;
  const rangeMs = t.toMs - t.fromMs;
  return {
    __from: String(t.fromMs),
    __to: String(t.toMs),
    __interval: durationText(t.intervalMs),
    __interval_ms: String(t.intervalMs),
    // Grafana: max($__interval + scrape interval, 4 * scrape interval).
    __rate_interval: durationText(Math.max(t.intervalMs + scrape, 4 * scrape)),
    __rate_interval_ms: String(Math.max(t.intervalMs + scrape, 4 * scrape)),
    __range: durationText(Math.round(rangeMs / 1000) * 1000),
    __range_s: String(Math.round(rangeMs / 1000)),
    __range_ms: String(rangeMs),
  };
}

const regexEscape = (s: string): string => s.replace(/[\\^$*+?.()|[\]{}/-]/g, '\\$&');
/**
 * The Prometheus data source's own escaping of a multi-value or "All" variable inside a PromQL string:
 * regex metacharacters get a backslash, itself escaped for the double-quoted PromQL string.
 */
const promRegexEscape = (s: string): string => s.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');

/** One variable's text in a format (`${name:format}`); PromQL targets default to `prometheus`, SQL to `raw`. */
function formatVariable(v: VariableValue, format: string): string {
  if (v.all && v.allValue !== undefined) return v.allValue;
  switch (format) {
    case 'prometheus':
      return v.values.length === 1 ? promRegexEscape(v.values[0]!) : `(${v.values.map(promRegexEscape).join('|')})`;
    case 'regex':
      return v.values.length === 1 ? regexEscape(v.values[0]!) : `(${v.values.map(regexEscape).join('|')})`;
    case 'singlequote':
      return v.values.map((s) => `'${s.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return v.values.map((s) => `"${s.replace(/"/g, '\\"')}"`).join(',');
    case 'csv':
    case 'raw':
      return v.values.join(',');
    case 'pipe':
      return v.values.join('|');
    default:
      throw new Error(`variable format '${format}' is not handled by this test's expander`);
  }
}

/**
 * Step 1: the frontend's substitution. `defaultFormat` is how a variable renders without an explicit
 * format: the Prometheus data source's escaping, or `raw` (comma-joined) for SQL data sources.
 */
export function substituteVariables(text: string, vars: Record<string, VariableValue>, t: QueryTime, defaultFormat: 'prometheus' | 'raw'): string {
  const globals = globalVariables(t);
  const value = (name: string, format: string | undefined, whole: string): string => {
    const v = vars[name];
    if (v) return formatVariable(v, format ?? defaultFormat);
    const g = globals[name];
    if (g !== undefined && format === undefined) return g;
    if ((name === '__from' || name === '__to') && format === 'date:seconds') return String(Math.floor(Number(globals[name]) / 1000));
    return whole; // not a frontend variable: a plugin macro, or a leftover
  };
  return text
    .replace(/\$\{(\w+)(?::([^}]+))?\}/g, (whole, name: string, format?: string) => value(name, format, whole))
    .replace(/\$(\w+)/g, (whole, name: string) => value(name, undefined, whole));
}

/** A macro call in SQL: `$__name` or `$__name(args)`, arguments split on top-level commas. */
interface MacroCall {
  start: number;
  end: number;
  name: string;
  args: string[] | undefined;
}

function nextMacro(sql: string, from: number): MacroCall | undefined {
  const re = /\$__([A-Za-z0-9_]+)/g;
  re.lastIndex = from;
  const m = re.exec(sql);
  if (!m) return undefined;
  let end = m.index + m[0].length;
  if (sql[end] !== '(') return { start: m.index, end, name: m[1]!, args: undefined };
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = end; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (c === ')') {
      depth--;
      if (depth === 0) {
        args.push(current.trim());
        end = i + 1;
        return { start: m.index, end, name: m[1]!, args: args.length === 1 && args[0] === '' ? [] : args };
      }
    } else if (c === ',' && depth === 1) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  throw new Error(`unbalanced parentheses after $__${m[1]}`);
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Step 2: the ClickHouse plugin's backend macros, text for text. Unknown macros are errors. */
export function expandClickHouseMacros(sql: string, t: QueryTime): string {
  const one = (name: string, args: string[] | undefined, n: number): string[] => {
    if ((args?.length ?? 0) !== n) throw new Error(`$__${name} expects ${n} argument(s), got ${args?.length ?? 0}`);
    return args ?? [];
  };
  const dateTime = (ms: number): string => `toDateTime(${seconds(ms)})`;
  const dateTime64 = (ms: number): string => `fromUnixTimestamp64Milli(${ms})`;
  const date = (ms: number): string => `toDate('${utcDay(ms)}')`;
  const intervalS = Math.max(seconds(t.intervalMs), 1);
  const macros: Record<string, (args: string[] | undefined) => string> = {
    fromTime: () => dateTime(t.fromMs),
    toTime: () => dateTime(t.toMs),
    fromTime_ms: () => dateTime64(t.fromMs),
    toTime_ms: () => dateTime64(t.toMs),
    timeFilter: (a) => { const [c] = one('timeFilter', a, 1); return `${c} >= ${dateTime(t.fromMs)} AND ${c} <= ${dateTime(t.toMs)}`; },
    timeFilter_ms: (a) => { const [c] = one('timeFilter_ms', a, 1); return `${c} >= ${dateTime64(t.fromMs)} AND ${c} <= ${dateTime64(t.toMs)}`; },
    dateFilter: (a) => { const [c] = one('dateFilter', a, 1); return `${c} >= ${date(t.fromMs)} AND ${c} <= ${date(t.toMs)}`; },
    dateTimeFilter: (a) => {
      const [d, c] = one('dateTimeFilter', a, 2);
      return `(${d} >= ${date(t.fromMs)} AND ${d} <= ${date(t.toMs)}) AND (${c} >= ${dateTime(t.fromMs)} AND ${c} <= ${dateTime(t.toMs)})`;
    },
    timeInterval: (a) => { const [c] = one('timeInterval', a, 1); return `toStartOfInterval(toDateTime(${c}), INTERVAL ${intervalS} second)`; },
    timeInterval_ms: (a) => { const [c] = one('timeInterval_ms', a, 1); return `toStartOfInterval(toDateTime64(${c}, 3), INTERVAL ${Math.max(t.intervalMs, 1)} millisecond)`; },
    interval_s: () => String(intervalS),
  };
  macros['dt'] = macros['dateTimeFilter']!;
  let out = '';
  let at = 0;
  for (let call = nextMacro(sql, 0); call; call = nextMacro(sql, at)) {
    const expand = macros[call.name];
    if (!expand) throw new Error(`unknown ClickHouse plugin macro $__${call.name}`);
    out += sql.slice(at, call.start) + expand(call.args);
    at = call.end;
  }
  return out + sql.slice(at);
}

/** Whatever still looks like a Grafana variable or macro after expansion. */
export function leftoverVariables(text: string): string[] {
  return [...text.matchAll(/\$\{?\w+/g)].map((m) => m[0]);
}
