// The activity chart's data, apart from the chart so it can be tested without a browser.

const MINUTE = 60_000;

// More minutes than a chart can show meaningfully (a week): then only the recorded minutes are drawn.
const MAX_FILLED = 7 * 24 * 60;

/**
 * Attempts and answered calls per minute over [from, to], the minutes without a call as zeros, as
 * uPlot's columns: minute starts in seconds, attempts, answered. Minutes after `now` are left out:
 * they have not happened yet, and zeros there would read as the traffic stopping.
 */
export function minuteSeries(activity, now = Infinity) {
  const byMinute = new Map(activity.minutes.map((m) => [Number(m.minute), m]));
  const recorded = [...byMinute.keys()].sort((a, b) => a - b);
  let start = Math.floor(Number(activity.from) / MINUTE) * MINUTE;
  let end = Math.floor(Math.min(Number(activity.to), now) / MINUTE) * MINUTE;
  // Minutes the server sent outside [from, to] are still drawn.
  if (recorded.length > 0) {
    start = Math.min(start, recorded[0]);
    end = Math.max(end, recorded[recorded.length - 1]);
  }
  if (!Number.isFinite(start) || !Number.isFinite(end) || (end - start) / MINUTE > MAX_FILLED) {
    return [recorded.map((m) => m / 1000), recorded.map((m) => Number(byMinute.get(m).attempts)), recorded.map((m) => Number(byMinute.get(m).answered))];
  }
  const xs = [];
  const attempts = [];
  const answered = [];
  for (let m = start; m <= end; m += MINUTE) {
    const row = byMinute.get(m);
    xs.push(m / 1000);
    attempts.push(row ? Number(row.attempts) : 0);
    answered.push(row ? Number(row.answered) : 0);
  }
  return [xs, attempts, answered];
}
