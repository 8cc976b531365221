import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../lib/html.js';
import { minuteSeries } from '../lib/activity.js';

/** Shades the alert's window (and a line at the alert's time) under the series. */
function alertWindowPlugin(windowStart, windowEnd, alertTs) {
  return {
    hooks: {
      drawClear: [(u) => {
        const { ctx, bbox } = u;
        const x0 = u.valToPos(windowStart / 1000, 'x', true);
        const x1 = u.valToPos(windowEnd / 1000, 'x', true);
        ctx.save();
        ctx.fillStyle = 'rgba(200, 30, 30, 0.12)';
        ctx.fillRect(Math.max(bbox.left, x0), bbox.top, Math.max(2, Math.min(bbox.left + bbox.width, x1) - Math.max(bbox.left, x0)), bbox.height);
        const xa = u.valToPos(alertTs / 1000, 'x', true);
        ctx.strokeStyle = 'rgba(200, 30, 30, 0.8)';
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(xa, bbox.top);
        ctx.lineTo(xa, bbox.top + bbox.height);
        ctx.stroke();
        ctx.restore();
      }],
    },
  };
}

export function ActivityChart({ activity, alert }) {
  const box = useRef(null);
  const data = minuteSeries(activity, Date.now());
  const total = data[1].reduce((s, v) => s + v, 0);

  useEffect(() => {
    if (!box.current || total === 0) return undefined;
    const width = () => Math.max(320, box.current.clientWidth);
    const plot = new uPlot({
      width: width(),
      height: 240,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      legend: { show: true },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { label: 'minute (UTC)', values: (u, splits) => splits.map((t) => new Date(t * 1000).toISOString().slice(11, 16)) },
        { label: 'calls / minute' },
      ],
      series: [
        {},
        { label: 'attempts', stroke: '#1d4ed8', width: 2, fill: 'rgba(29, 78, 216, 0.08)', points: { show: false } },
        { label: 'answered', stroke: '#15803d', width: 2, points: { show: false } },
      ],
      plugins: [alertWindowPlugin(Number(alert.window_start), Number(alert.window_end), Number(alert.ts))],
    }, data, box.current);
    const onResize = () => plot.setSize({ width: width(), height: 240 });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    };
  }, [JSON.stringify(data), alert.window_start, alert.window_end, alert.ts]);

  if (total === 0) {
    return html`<p class="empty" data-testid="activity-empty">No calls from this origin recorded between ${new Date(Number(activity.from)).toISOString()} and ${new Date(Number(activity.to)).toISOString()}.</p>`;
  }
  return html`
    <figure class="chart">
      <div ref=${box} data-testid="activity-chart" data-minutes=${data[0].length} data-attempts=${total}
        role="img" aria-label=${`Calls per minute from ${activity.entity_type} ${activity.entity}: ${total} attempts in ${data[0].length} minutes; the alert window is shaded.`}></div>
      <figcaption>Calls per minute from this origin (attempts and answered); the shaded band is the alert's window, the dashed line the alert's time.</figcaption>
    </figure>`;
}
