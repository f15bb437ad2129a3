// Small SVG charts built with DOM APIs (no libraries): bars, lines, and a two-series bar chart.
import { svg, h, formatNumber } from './dom.js';
import { t } from './i18n.js';

// The drawing's width in SVG units: narrower on a phone so that text keeps a readable size when the chart is scaled down.
let W = 640;
const H = 220;

/** Sets the width charts are drawn at from the space they get (call before drawing a set of charts). */
export function fitCharts(pixels) {
  W = pixels < 520 ? 420 : 640;
}
const PAD = { top: 16, right: 12, bottom: 34, left: 56 };

function frame(title, summary) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}. ${summary}`, class: 'chart-svg', preserveAspectRatio: 'xMidYMid meet' });
  root.append(svg('title', null, title));
  return root;
}

const maxXLabels = () => (W < 640 ? 4 : 6);

/**
 * The axis top and its tick step: a "nice" step (1, 2, 2.5, 5 x 10^n) with at most four steps. Counts get whole steps
 * only, so small counts never show repeated ticks ("0, 1, 1, 2, 2").
 */
export function niceScale(max, { whole = false } = {}) {
  if (!(max > 0)) return { top: whole ? 4 : 1, step: whole ? 1 : 0.25 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const step = m * magnitude;
    if (whole && !Number.isInteger(step)) continue;
    if (step * 4 >= max) return { top: step * Math.ceil(max / step), step };
  }
  return { top: max, step: max / 4 };
}

function axes(root, { top, step }, labels, format) {
  const plotH = H - PAD.top - PAD.bottom;
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = PAD.top + plotH - (plotH * v) / top;
    root.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }));
    root.append(svg('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, format(v)));
  }
  const plotW = W - PAD.left - PAD.right;
  // Evenly spaced labels, the last always shown, none closer than a label's width.
  const every = Math.max(1, Math.ceil(labels.length / maxXLabels()));
  labels.forEach((label, i) => {
    const lastShown = i === labels.length - 1;
    if (!lastShown && (i % every !== 0 || labels.length - 1 - i < every)) return;
    const x = PAD.left + (plotW * (i + 0.5)) / labels.length;
    root.append(svg('text', { x, y: H - PAD.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, label));
  });
}

function wrap(title, root, caption, legend) {
  return h('figure', { class: 'chart' }, h('figcaption', null, title, caption ? h('span', { class: 'muted small' }, ' · ', caption) : null), root, legend ?? null);
}

function legendOf(entries) {
  return h('ul', { class: 'chart-legend', 'data-testid': 'chart-legend' },
    entries.map(([name, cls]) => h('li', null, h('span', { class: 'swatch ' + cls, 'aria-hidden': 'true' }), name)));
}

/** Bars for one series. values: numbers; labels: strings of the same length. */
export function barChart(title, labels, values, { format = v => formatNumber(v), caption, className = 'bar' } = {}) {
  const max = Math.max(0, ...values);
  const axis = niceScale(max, { whole: values.every(Number.isInteger) });
  const top = axis.top;
  const root = frame(title, labels.map((l, i) => `${l}: ${format(values[i])}`).join(', '));
  axes(root, axis, labels, format);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, labels.length);
  values.forEach((v, i) => {
    const barH = top ? (plotH * v) / top : 0;
    const rect = svg('rect', { x: PAD.left + slot * i + slot * 0.15, y: PAD.top + plotH - barH, width: Math.max(1, slot * 0.7), height: barH, class: className });
    rect.append(svg('title', null, `${labels[i]}: ${format(v)}`));
    root.append(rect);
  });
  if (max === 0) root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, t('admin.noData')));
  return wrap(title, root, caption);
}

/** Two series side by side per label (e.g. thumbs up and down). */
export function pairChart(title, labels, a, b, { names, caption } = {}) {
  const axis = niceScale(Math.max(0, ...a, ...b), { whole: true });
  const top = axis.top;
  const root = frame(title, labels.map((l, i) => `${l}: ${names?.[0] ?? ''} ${a[i]}, ${names?.[1] ?? ''} ${b[i]}`).join('; '));
  axes(root, axis, labels, v => formatNumber(v));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, labels.length);
  labels.forEach((label, i) => {
    [[a[i], 'bar-good'], [b[i], 'bar-bad']].forEach(([v, cls], k) => {
      const barH = top ? (plotH * v) / top : 0;
      const rect = svg('rect', { x: PAD.left + slot * i + slot * (0.12 + k * 0.38), y: PAD.top + plotH - barH, width: Math.max(1, slot * 0.36), height: barH, class: cls });
      rect.append(svg('title', null, `${label} ${names?.[k] ?? ''}: ${v}`));
      root.append(rect);
    });
  });
  if (Math.max(0, ...a, ...b) === 0) root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, t('admin.noData')));
  return wrap(title, root, caption, names ? legendOf([[names[0], 'bar-good'], [names[1], 'bar-bad']]) : null);
}

/** A line with dots; null values leave gaps. */
export function lineChart(title, labels, values, { format = v => formatNumber(v), max, caption } = {}) {
  const present = values.filter(v => v !== null && v !== undefined);
  const axis = max ? { top: max, step: max / 4 } : niceScale(Math.max(0, ...present));
  const top = axis.top;
  const root = frame(title, labels.map((l, i) => `${l}: ${values[i] === null ? '-' : format(values[i])}`).join(', '));
  axes(root, axis, labels, format);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = i => PAD.left + (plotW * (i + 0.5)) / labels.length;
  const y = v => PAD.top + plotH - (top ? (plotH * v) / top : 0);
  let d = '';
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    d += (d && values[i - 1] !== null && values[i - 1] !== undefined ? ' L' : ' M') + `${x(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  if (d) root.append(svg('path', { d: d.trim(), class: 'line' }));
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const dot = svg('circle', { cx: x(i), cy: y(v), r: 3, class: 'dot' });
    dot.append(svg('title', null, `${labels[i]}: ${format(v)}`));
    root.append(dot);
  });
  if (present.length === 0) root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, t('admin.noData')));
  return wrap(title, root, caption);
}
