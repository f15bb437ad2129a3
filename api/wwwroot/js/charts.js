// Small SVG charts built with DOM APIs (no libraries): bars, lines, and a two-series bar chart.
import { svg, h, formatNumber } from './dom.js';
import { t } from './i18n.js';

const W = 640;
const H = 220;
const PAD = { top: 16, right: 12, bottom: 34, left: 56 };

function frame(title, summary) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}. ${summary}`, class: 'chart-svg', preserveAspectRatio: 'xMidYMid meet' });
  root.append(svg('title', null, title));
  return root;
}

function scale(max) {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return max;
}

function axes(root, top, labels, format) {
  const plotH = H - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (plotH * i) / 4;
    root.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: 'grid' }));
    root.append(svg('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, format((top * i) / 4)));
  }
  const plotW = W - PAD.left - PAD.right;
  const every = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((label, i) => {
    if (i % every !== 0 && i !== labels.length - 1) return;
    const x = PAD.left + (plotW * (i + 0.5)) / labels.length;
    root.append(svg('text', { x, y: H - PAD.bottom + 16, 'text-anchor': 'middle', class: 'tick' }, label));
  });
}

function wrap(title, root, caption) {
  return h('figure', { class: 'chart' }, h('figcaption', null, title, caption ? h('span', { class: 'muted small' }, ' · ', caption) : null), root);
}

/** Bars for one series. values: numbers; labels: strings of the same length. */
export function barChart(title, labels, values, { format = v => formatNumber(v), caption, className = 'bar' } = {}) {
  const max = Math.max(0, ...values);
  const top = scale(max);
  const root = frame(title, labels.map((l, i) => `${l}: ${format(values[i])}`).join(', '));
  axes(root, top, labels, format);
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
  const top = scale(Math.max(0, ...a, ...b));
  const root = frame(title, labels.map((l, i) => `${l}: ${a[i]}/${b[i]}`).join(', '));
  axes(root, top, labels, v => formatNumber(v));
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
  return wrap(title, root, caption);
}

/** A line with dots; null values leave gaps. */
export function lineChart(title, labels, values, { format = v => formatNumber(v), max, caption } = {}) {
  const present = values.filter(v => v !== null && v !== undefined);
  const top = max ?? scale(Math.max(0, ...present));
  const root = frame(title, labels.map((l, i) => `${l}: ${values[i] === null ? '-' : format(values[i])}`).join(', '));
  axes(root, top, labels, format);
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
