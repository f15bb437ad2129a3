// The source panel: one cited chunk with its file, section and page, and a way to open the original file.
import { h } from './dom.js';
import { t } from './i18n.js';
import { fetchBlob, errorMessage } from './api.js';
import { icon } from './icons.js';
import { lockBadge } from './collections.js';

let panel = null;
let returnFocus = null;

/** Opens (or replaces) the panel for a source; focus returns to `opener` when it closes. */
export function openSourcePanel(source, opener) {
  closeSourcePanel(false);
  returnFocus = opener ?? null;
  const status = h('p', { class: 'muted', role: 'status' });
  const open = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'open-original', onclick: () => openOriginal(source, status, open) }, t('source.open'));
  const close = h('button', { type: 'button', class: 'icon-btn panel-close', 'aria-label': t('source.close'), onclick: () => closeSourcePanel() }, icon('close'));
  const meta = h('dl', { class: 'source-meta' },
    h('dt', null, t('source.file')), h('dd', { 'data-testid': 'source-file' }, source.fileName || source.title || source.documentId),
    source.section ? [h('dt', null, t('source.section')), h('dd', { 'data-testid': 'source-section' }, source.section)] : null,
    source.page ? [h('dt', null, t('source.page')), h('dd', null, String(source.page))] : null);
  const text = source.withheld
    ? h('p', { class: 'notice', 'data-testid': 'source-withheld' }, t('col.withheld'))
    : h('div', { class: 'source-text', 'data-testid': 'source-text', tabindex: '0' }, source.text ?? '');
  panel = h('aside', { class: 'source-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'source-title', 'data-testid': 'source-panel' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'source-title' }, t('source.title', { n: source.n }), ' ', lockBadge(source)), close),
    meta, text, source.withheld ? null : h('div', { class: 'panel-actions' }, open), status);
  document.body.append(panel);
  close.focus();
}

/** Returns true when a panel was open. */
export function closeSourcePanel(restoreFocus = true) {
  if (!panel) return false;
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
