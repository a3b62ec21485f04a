// Bar charts drawn by uPlot, with axes, units and a tooltip that follows the cursor. The figures
// drawn are also on the element (data-values) and in a visually hidden table for screen readers.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

const COLORS = ['#2563eb', '#f59e0b', '#10b981', '#ef4444'];

function tooltip(labels, format) {
  let el;
  return {
    hooks: {
      init: (u) => {
        el = document.createElement('div');
        el.className = 'chart-tip';
        el.hidden = true;
        u.over.append(el);
      },
      setCursor: (u) => {
        const i = u.cursor.idx;
        if (i === null || i === undefined || u.cursor.left < 0) { el.hidden = true; return; }
        const lines = u.series.slice(1).map((s, k) => (s.show ? `${s.label}: ${format(u.data[k + 1][i])}` : null)).filter(Boolean);
        el.textContent = '';
        const head = document.createElement('strong');
        head.textContent = labels[i];
        el.append(head);
        for (const l of lines) { const d = document.createElement('div'); d.textContent = l; el.append(d); }
        el.hidden = false;
        const left = Math.min(u.cursor.left + 12, u.over.clientWidth - el.offsetWidth - 4);
        el.style.left = `${Math.max(0, left)}px`;
        el.style.top = `${Math.max(0, u.cursor.top - el.offsetHeight - 8)}px`;
      },
    },
  };
}

/**
 * labels: one per bar; series: one [{ label, values }] drawn as bars, and any { kind: 'mark' } drawn
 * as a marker on each bar (a reorder minimum); unit: shown on
 * the y axis and in the tooltip (e.g. "units", "₹").
 */
export function BarChart({ id, labels, series, unit, height = 220, title }) {
  const box = useRef(null);
  const plot = useRef(null);
  const format = (v) => (v === null || v === undefined ? '—' : unit === '₹'
    ? `₹${Number(v).toLocaleString('en-IN', { maximumFractionDigits: 2 })}`
    : `${Number(v).toLocaleString('en-IN', { maximumFractionDigits: 3 })} ${unit}`);

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const xs = labels.map((_, i) => i);
    const opts = {
      width: Math.max(200, el.clientWidth),
      height,
      title: undefined,
      legend: { show: true, live: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        {
          splits: () => xs,
          values: (_u, splits) => splits.map((i) => (labels.length > 12 && i % Math.ceil(labels.length / 12) !== 0 ? '' : labels[i] ?? '')),
          gap: 4,
          size: 40,
        },
        { label: unit, values: (_u, v) => v.map((x) => (unit === '₹' ? `₹${x >= 1000 ? `${(x / 1000).toFixed(x >= 10000 ? 0 : 1)}k` : x}` : x.toLocaleString('en-IN'))), size: 64 },
      ],
      series: [
        {},
        ...series.map((s, k) => {
          if (s.kind === 'mark') {
            return { label: s.label, stroke: COLORS[k % 4], width: 0, paths: () => null, points: { show: true, size: 12, width: 3, fill: '#fff', stroke: COLORS[k % 4] } };
          }
          return {
            label: s.label,
            fill: COLORS[k % 4],
            stroke: COLORS[k % 4],
            width: 0,
            points: { show: false },
            paths: uPlot.paths.bars({ size: [0.6, 64] }),
          };
        }),
      ],
      plugins: [tooltip(labels, format)],
    };
    const data = [xs, ...series.map((s) => s.values.map((v) => (v === null || v === undefined ? null : Number(v))))];
    plot.current = new uPlot(opts, data, el);
    // Redraw at the new width on the next frame (resizing inside the observer's callback would
    // trigger it again in the same frame).
    let frame = 0;
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const width = Math.max(200, el.clientWidth);
        if (plot.current && plot.current.width !== width) plot.current.setSize({ width, height });
      });
    });
    ro.observe(el);
    return () => { cancelAnimationFrame(frame); ro.disconnect(); plot.current?.destroy(); plot.current = null; };
  }, [JSON.stringify(labels), JSON.stringify(series), unit, height]);

  return (
    <figure class="chart" id={id}>
      {title && <figcaption>{title}</figcaption>}
      <div class="chart-box" ref={box} data-labels={JSON.stringify(labels)} data-values={JSON.stringify(series.map((s) => s.values))}
        role="img" aria-label={`${title || 'chart'} (${unit})`} />
      <table class="visually-hidden">
        <thead><tr><th>Item</th>{series.map((s) => <th key={s.label}>{s.label} ({unit})</th>)}</tr></thead>
        <tbody>{labels.map((l, i) => <tr key={l}><td>{l}</td>{series.map((s) => <td key={s.label}>{s.values[i] ?? '—'}</td>)}</tr>)}</tbody>
      </table>
    </figure>
  );
}
