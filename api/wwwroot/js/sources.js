// Citations and the source panel: a citation chip previews its source on hover or focus, and opens the panel (a modal
// dialog: focus stays inside until it closes) with the file, section, page and chunk, the cited sentence highlighted.
import { h } from './dom.js';
import { t } from './i18n.js';
import { fetchBlob, errorMessage } from './api.js';
import { icon } from './icons.js';
import { lockBadge } from './collections.js';

let panel = null;
let returnFocus = null;
let preview = null;

/** The 1-based chunk number of a chunk id ("doc_0123456789ab_0007" is chunk 8), or null. */
export function chunkNumber(chunkId) {
  const m = /_(\d{4,})$/.exec(chunkId ?? '');
  return m ? Number(m[1]) + 1 : null;
}

/** A citation chip [n]: hover or focus shows a preview; click opens the source panel with `quote` highlighted. */
export function citationButton(source, quote) {
  const button = h('button', { type: 'button', class: 'cite', 'aria-label': t('chat.citation', { n: source.n }), 'data-testid': 'citation',
    onclick: event => { hidePreview(); openSourcePanel(source, event.currentTarget, quote); },
    onmouseenter: event => showPreview(source, event.currentTarget),
    onmouseleave: hidePreview,
    onfocus: event => showPreview(source, event.currentTarget),
    onblur: hidePreview,
    onkeydown: event => { if (event.key === 'Escape' && preview) { event.stopPropagation(); hidePreview(); } },
  }, `[${source.n}]`, source.restricted ? h('span', { class: 'cite-lock', title: t('col.restrictedHint') }, '🔒') : null);
  return button;
}

function whereIn(source) {
  const chunk = chunkNumber(source.chunkId);
  return [source.section, source.page ? t('source.pageN', { n: source.page }) : null, chunk ? t('source.chunkN', { n: chunk }) : null]
    .filter(Boolean).join(' · ');
}

function showPreview(source, anchor) {
  hidePreview();
  const text = (source.text ?? '').replace(/\s+/g, ' ').trim();
  preview = h('div', { class: 'cite-preview', role: 'tooltip', id: 'cite-preview', 'data-testid': 'citation-preview' },
    h('div', { class: 'cite-preview-file' }, source.fileName || source.title || source.documentId),
    whereIn(source) ? h('div', { class: 'muted small' }, whereIn(source)) : null,
    h('p', null, text.length > 220 ? text.slice(0, 220) + '…' : text));
  document.body.append(preview);
  anchor.setAttribute('aria-describedby', 'cite-preview');
  const r = anchor.getBoundingClientRect();
  const width = Math.min(360, window.innerWidth - 16);
  preview.style.width = width + 'px';
  preview.style.left = Math.max(8, Math.min(r.left, window.innerWidth - width - 8)) + 'px';
  const below = r.bottom + 6;
  const height = preview.offsetHeight;
  preview.style.top = (below + height > window.innerHeight && r.top - height - 6 > 0 ? r.top - height - 6 : below) + 'px';
}

function hidePreview() {
  if (!preview) return;
  document.querySelector('[aria-describedby="cite-preview"]')?.removeAttribute('aria-describedby');
  preview.remove();
  preview = null;
}

/** Opens (or replaces) the panel for a source; focus returns to `opener` when it closes. */
export function openSourcePanel(source, opener, quote) {
  closeSourcePanel(false);
  returnFocus = opener ?? null;
  const status = h('p', { class: 'muted', role: 'status' });
  const open = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'open-original', onclick: () => openOriginal(source, status, open) }, t('source.open'));
  const close = h('button', { type: 'button', class: 'icon-btn panel-close', 'aria-label': t('source.close'), onclick: () => closeSourcePanel() }, icon('close'));
  const chunk = chunkNumber(source.chunkId);
  const meta = h('dl', { class: 'source-meta' },
    h('dt', null, t('source.file')), h('dd', { 'data-testid': 'source-file' }, source.fileName || source.title || source.documentId),
    source.section ? [h('dt', null, t('source.section')), h('dd', { 'data-testid': 'source-section' }, source.section)] : null,
    source.page ? [h('dt', null, t('source.page')), h('dd', { 'data-testid': 'source-page' }, String(source.page))] : null,
    chunk ? [h('dt', null, t('source.chunk')), h('dd', { 'data-testid': 'source-chunk' }, String(chunk))] : null);
  const text = source.withheld
    ? h('p', { class: 'notice', 'data-testid': 'source-withheld' }, t('col.withheld'))
    : h('div', { class: 'source-text', 'data-testid': 'source-text', tabindex: '0', role: 'region', 'aria-label': t('source.text') },
      highlighted(source.text ?? '', quote));
  panel = h('dialog', { class: 'source-panel', 'aria-labelledby': 'source-title', 'data-testid': 'source-panel',
    oncancel: event => { event.preventDefault(); closeSourcePanel(); },
    onkeydown: trapTab,
    onclick: event => { if (event.target === panel) closeSourcePanel(); } },
  h('div', { class: 'panel-head' }, h('h2', { id: 'source-title' }, t('source.title', { n: source.n }), ' ', lockBadge(source)), close),
  meta, text, source.withheld ? null : h('div', { class: 'panel-actions' }, open), status);
  document.body.append(panel);
  panel.showModal();
  close.focus();
  text.querySelector('mark')?.scrollIntoView({ block: 'center' });
}

// Tab and Shift+Tab cycle through the panel's own controls.
function trapTab(event) {
  if (event.key !== 'Tab' || !panel) return;
  const focusable = [...panel.querySelectorAll('button:not([disabled]), [href], [tabindex="0"]')];
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * The source text with the sentence that best matches `quote` (the answer's claim) in a <mark>: the sentence sharing
 * the most character bigrams with the quote (Korean words carry particles, so whole-word overlap misses).
 */
function highlighted(text, quote) {
  const fragment = document.createDocumentFragment();
  const sentences = text.match(/[^.!?。\n]+[.!?。]*\s*|\n+/g) ?? [text];
  const target = bigrams(quote ?? '');
  let best = -1;
  let bestScore = 0;
  if (target.size > 0) {
    sentences.forEach((s, i) => {
      const own = bigrams(s);
      if (own.size === 0) return;
      let shared = 0;
      for (const g of own) if (target.has(g)) shared++;
      const score = shared / Math.sqrt(own.size * target.size);
      if (score > bestScore) { bestScore = score; best = i; }
    });
  }
  sentences.forEach((s, i) => {
    if (i === best && bestScore >= 0.2) fragment.append(h('mark', { 'data-testid': 'cited-sentence' }, s));
    else fragment.append(document.createTextNode(s));
  });
  return fragment;
}

function bigrams(text) {
  const compact = text.replace(/\[\d+\]/g, '').replace(/[\s\p{P}]+/gu, '');
  const set = new Set();
  for (let i = 0; i + 1 < compact.length; i++) set.add(compact.slice(i, i + 2));
  return set;
}

/** Returns true when a panel was open. */
export function closeSourcePanel(restoreFocus = true) {
  hidePreview();
  if (!panel) return false;
  if (panel.open) panel.close();
  panel.remove();
  panel = null;
  if (restoreFocus && returnFocus?.isConnected) returnFocus.focus();
  returnFocus = null;
  return true;
}

/**
 * Opens the original file. The download needs the bearer token, so it is fetched as a blob. The blob gets a type the
 * browser shows inertly (PDF, or plain text for text formats); anything else, HTML included, is downloaded instead,
 * because a blob: URL would run an uploaded HTML file with this site's origin.
 */
export async function openOriginal(source, status, button) {
  const win = window.open('', '_blank');
  if (button) button.disabled = true;
  status.textContent = t('source.opening');
  try {
    const blob = await fetchBlob(`api/documents/${encodeURIComponent(source.documentId)}/content`);
    const name = (source.fileName || 'document').toLowerCase();
    const type = name.endsWith('.pdf') ? 'application/pdf'
      : /\.(md|markdown|txt|csv)$/.test(name) ? 'text/plain;charset=utf-8'
      : null;
    if (type && win) {
      const url = URL.createObjectURL(new Blob([blob], { type }));
      win.location.href = url;
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } else {
      win?.close();
      const url = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
      const a = h('a', { href: url, download: source.fileName || 'document', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }
    status.textContent = '';
  } catch (e) {
    win?.close();
    status.textContent = errorMessage(e);
  } finally {
    if (button) button.disabled = false;
  }
}
