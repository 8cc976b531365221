import { describe, expect, it } from 'vitest';
import { minuteSeries } from '../../services/soc/console/lib/activity.js';
import { SseParser, type SseMessage } from '../../services/soc/console/lib/sse.js';

describe("the console's event-stream parser", () => {
  const parse = (chunks: string[]): SseMessage[] => {
    const out: SseMessage[] = [];
    const parser = new SseParser((m) => out.push(m));
    for (const c of chunks) parser.push(c);
    return out;
  };

  it('joins messages split anywhere across chunks and skips comments', () => {
    const text = ': ping\n\nevent: alert\ndata: {"alert_id":"a1"}\n\n: ping\n\nevent: alert\ndata: {"alert_id":"a2"}\n\n';
    const whole = parse([text]);
    expect(whole).toEqual([{ event: 'alert', data: '{"alert_id":"a1"}' }, { event: 'alert', data: '{"alert_id":"a2"}' }]);
    for (let cut = 1; cut < text.length; cut++) expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
  });

  it('keeps an unfinished message until its blank line, joins data lines, reads CRLF', () => {
    expect(parse(['event: alert\r\ndata: a\r\ndata: b\r\n'])).toEqual([]);
    expect(parse(['event: alert\r\ndata: a\r\ndata: b\r\n\r\n'])).toEqual([{ event: 'alert', data: 'a\nb' }]);
    expect(parse(['data:x\n\n'])).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe("the activity chart's minutes", () => {
  const MIN = 60_000;
  const t0 = 1_700_000_040_000 - (1_700_000_040_000 % MIN);

  it('fills the minutes without calls with zeros over [from, to]', () => {
    const [xs, attempts, answered] = minuteSeries({
      from: t0 + 5_000, to: t0 + 4 * MIN + 1, minutes: [{ minute: t0 + MIN, attempts: '7', answered: 3 }, { minute: t0 + 3 * MIN, attempts: 2, answered: 0 }],
    });
    expect(xs).toEqual([0, 1, 2, 3, 4].map((i) => (t0 + i * MIN) / 1000));
    expect(attempts).toEqual([0, 7, 0, 2, 0]);
    expect(answered).toEqual([0, 3, 0, 0, 0]);
  });

  it('stops at the current minute: the future has no calls yet, not zero calls', () => {
    const [xs] = minuteSeries({ from: t0, to: t0 + 60 * MIN, minutes: [{ minute: t0 + MIN, attempts: 1, answered: 1 }] }, t0 + 2 * MIN + 30_000);
    expect(xs).toEqual([0, 1, 2].map((i) => (t0 + i * MIN) / 1000));
  });

  it('draws only the recorded minutes when the range is too long to fill', () => {
    const [xs, attempts] = minuteSeries({ from: t0, to: t0 + 30 * 24 * 60 * MIN, minutes: [{ minute: t0 + 2 * MIN, attempts: 4, answered: 1 }] });
    expect(xs).toEqual([(t0 + 2 * MIN) / 1000]);
    expect(attempts).toEqual([4]);
  });
});
