/** What the benchmark found: table rows with targets and verdicts, method notes, profiles, errors. */

export type Verdict = 'pass' | 'miss';

export interface Row {
  area: string;
  measure: string;
  result: string;
  target?: string;
  verdict?: Verdict;
}

export interface ProfileReport {
  title: string;
  file: string;
  /** Share of non-idle samples, by where the code lives (kafkajs, avsc, core, GC, ...). */
  categories: { name: string; pct: number }[];
  /** Top functions by self time, as a share of non-idle samples. */
  top: { fn: string; where: string; pct: number }[];
}

/** A missed target, what to profile for it, and the closing note's sentence once known. */
export type MissKind = 'detector-throughput' | 'latency' | 'replay' | 'state-bytes' | 'rss' | 'sweep-pause' | 'sink';

export class Results {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];
  readonly profiles: ProfileReport[] = [];
  readonly bottlenecks: string[] = [];
  readonly errors: { suite: string; message: string }[] = [];
  readonly misses = new Set<MissKind>();
  /** Per suite: how long it took, the 1-minute load average when it started, and test runs seen on the machine at its start or end. */
  readonly suiteSeconds: { suite: string; seconds: number; load1: number; others: string[] }[] = [];
  /** Raw figures, for results.json and for later suites (latency reads the detector's max rate). */
  readonly raw: Record<string, unknown> = {};

  add(row: Row): void {
    this.rows.push(row);
  }

  /** A row with a target: verdict from `ok`, and a recorded miss of `kind` when it fails. */
  check(row: Omit<Row, 'verdict'>, ok: boolean | undefined, kind: MissKind): void {
    const verdict: Verdict = ok ? 'pass' : 'miss';
    if (!ok) this.misses.add(kind);
    this.rows.push({ ...row, verdict });
  }

  note(text: string): void {
    this.notes.push(text);
  }
}

export function markdownTable(rows: readonly Row[]): string {
  const header = '| Area | Measure | Result | Target | Verdict |\n|---|---|---|---|---|';
  const body = rows.map((r) => `| ${r.area} | ${r.measure} | ${r.result} | ${r.target ?? ''} | ${r.verdict === 'pass' ? 'pass' : r.verdict === 'miss' ? '**MISS**' : ''} |`);
  return [header, ...body].join('\n');
}
