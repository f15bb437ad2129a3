// The documents page: upload (drag-and-drop or picker, several at once) with progress, live status until ready or
// failed, and the list with name search, tag filter, delete and retry.
import { h, clear, formatNumber } from './dom.js';
import { t } from './i18n.js';
import { request, uploadFile, errorMessage, describeError, localizedDetail } from './api.js';
import { openOriginal } from './sources.js';
import { registerView } from './shell.js';
import { collectionPicker, lockBadge } from './collections.js';
import { pager } from './pager.js';

registerView({ name: 'documents', labelKey: 'nav.documents', order: 20, mount: mountDocuments });

const FINAL = new Set(['ready', 'failed', 'deleted']);
// What the server accepts (it checks the bytes too, and refuses anything else with 415 before storing it).
const ACCEPT = '.pdf,.docx,.xlsx,.pptx,.hwpx,.html,.htm,.md,.markdown,.txt,.csv';
const PAGE = 50;

export function mountDocuments(main, ctx) {
  const timers = new Set();
  let disposed = false;
  let searchTimer = 0;
  let listTimer = 0;
  let knownTags = new Set();

  // The file input itself is hidden and out of the Tab order; the visible button opens it.
  const picker = h('input', { type: 'file', id: 'file-picker', multiple: true, class: 'sr-only', tabindex: '-1', 'aria-hidden': 'true', 'data-testid': 'file-input',
    accept: ACCEPT, onchange: () => { upload([...picker.files]); picker.value = ''; } });
  const tagsInput = h('input', { type: 'text', id: 'upload-tags', placeholder: 'hr, 휴가', maxlength: '500' });
  const dropZone = h('div', { class: 'dropzone', 'data-testid': 'dropzone' },
    h('p', null, t('docs.drop'), ' ', h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'pick-files', onclick: () => picker.click() }, t('docs.pick'))),
    h('p', { class: 'muted small' }, t('docs.dropHint')),
    picker);
  for (const name of ['dragenter', 'dragover']) dropZone.addEventListener(name, e => { e.preventDefault(); dropZone.classList.add('over'); });
  for (const name of ['dragleave', 'drop']) dropZone.addEventListener(name, () => dropZone.classList.remove('over'));
  dropZone.addEventListener('drop', e => {
    e.preventDefault();
    upload([...(e.dataTransfer?.files ?? [])]);
  });

  const uploads = h('ul', { class: 'upload-list', 'aria-label': t('docs.uploads'), 'data-testid': 'uploads' });
  const collectionField = h('div', { class: 'field inline' }, h('label', { for: 'upload-collection' }, t('col.uploadInto')));
  let collectionSelect = null;
  collectionPicker('upload-collection').then(select => { collectionSelect = select; if (!disposed) collectionField.append(select); });
  const search = h('input', { type: 'search', id: 'doc-search', placeholder: t('docs.search'), 'aria-label': t('docs.search'),
    oninput: () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => loadList(0), 250); } });
  const tagFilter = h('select', { id: 'doc-tag', 'aria-label': t('docs.tagFilter'), onchange: () => loadList(0) }, h('option', { value: '' }, t('docs.allTags')));
  const pages = pager(offset => loadList(offset), 'documents-pager');
  const total = h('span', { class: 'muted' });
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const tbody = h('tbody');
  const table = h('table', { class: 'table docs-table stack-table', 'data-testid': 'documents-table' },
    h('caption', { class: 'sr-only' }, t('docs.list')),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('docs.name')), h('th', { scope: 'col' }, t('docs.status')), h('th', { scope: 'col', class: 'num' }, t('docs.chunks')),
      h('th', { scope: 'col' }, t('docs.uploaded')), h('th', { scope: 'col' }, t('docs.actions')))),
    tbody);

  main.append(h('div', { class: 'page' },
    h('h1', null, t('docs.title')),
    h('section', { class: 'card', 'aria-label': t('docs.uploads') },
      dropZone,
      h('div', { class: 'field inline' }, h('label', { for: 'upload-tags' }, t('docs.tags')), tagsInput),
      collectionField,
      uploads),
    h('section', { class: 'card', 'aria-label': t('docs.list') },
      h('div', { class: 'toolbar' }, search, tagFilter, total),
      notice,
      h('div', { class: 'table-wrap' }, table),
      pages.element)));

  function later(fn, ms) {
    const id = setTimeout(() => { timers.delete(id); if (!disposed) fn(); }, ms);
    timers.add(id);
  }

  function statusBadge(doc) {
    return h('span', { class: 'badge status-' + doc.status, 'data-testid': 'status' }, t('status.' + doc.status));
  }

  function upload(files) {
    const tags = tagsInput.value.trim();
    for (const file of files) {
      const bar = h('progress', { max: '100', value: '0', 'aria-label': file.name });
      const state = h('span', { class: 'upload-state', role: 'status' }, t('docs.uploading', { percent: 0 }));
      const row = h('li', { class: 'upload-row', 'data-testid': 'upload-row' }, h('span', { class: 'upload-name' }, file.name), bar, state);
      uploads.prepend(row);
      uploadFile(file, tags, fraction => {
        const percent = Math.round(fraction * 100);
        bar.value = percent;
        state.textContent = t('docs.uploading', { percent });
      }, collectionSelect?.value).then(accepted => {
        bar.value = 100;
        watch(accepted.documentId, row, state, accepted.duplicate);
        loadList();
      }, error => {
        row.classList.add('failed');
        bar.remove();
        state.textContent = errorMessage(error);
      });
    }
  }

  /** Polls one document until it is ready or failed, showing each step. */
  async function watch(id, row, state, duplicate) {
    let doc;
    try {
      doc = await request(`api/documents/${encodeURIComponent(id)}`);
    } catch (e) {
      state.textContent = errorMessage(e);
      return;
    }
    row.dataset.documentId = id;
    row.querySelector('progress')?.remove();
    state.replaceChildren(statusBadge(doc), duplicate ? h('span', { class: 'muted' }, ' ', t('docs.duplicate')) : '',
      doc.status === 'failed' ? h('span', { class: 'error-text' }, ' ', failureText(doc)) : '');
    if (!FINAL.has(doc.status)) later(() => watch(id, row, state, duplicate), 700);
    else loadList();
  }

  async function loadList(offset = pages.offset) {
    const params = new URLSearchParams({ skip: String(offset), take: String(PAGE) });
    if (search.value.trim()) params.set('q', search.value.trim());
    if (tagFilter.value) params.set('tag', tagFilter.value);
    let page;
    try {
      page = await request('api/documents?' + params);
    } catch (e) {
      notice.hidden = false;
      notice.textContent = errorMessage(e);
      return;
    }
    if (disposed) return;
    // The last document of the last page went away: show the page before it.
    if (page.items.length === 0 && offset > 0) return loadList(Math.max(0, offset - PAGE));
    notice.hidden = true;
    total.textContent = t('docs.total', { n: formatNumber(page.total) });
    pages.update(page.skip, page.take, page.total);
    clear(tbody);
    if (page.items.length === 0) tbody.append(h('tr', null, h('td', { colspan: '5', class: 'muted' }, t('docs.none'))));
    for (const doc of page.items) {
      for (const tag of doc.tags) knownTags.add(tag);
      tbody.append(documentRow(doc));
    }
    refreshTagOptions();
    clearTimeout(listTimer);
    if (page.items.some(d => !FINAL.has(d.status))) listTimer = setTimeout(() => { if (!disposed) loadList(); }, 1500);
  }

  function refreshTagOptions() {
    const selected = tagFilter.value;
    const options = [...knownTags].sort().map(tag => h('option', { value: tag }, tag));
    tagFilter.replaceChildren(h('option', { value: '' }, t('docs.allTags')), ...options);
    tagFilter.value = selected;
  }

  function documentRow(doc) {
    const mine = doc.canEdit;
    const status = h('p', { class: 'muted small', role: 'status' });
    const actions = h('td', { class: 'actions' },
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: e => openOriginal({ documentId: doc.documentId, fileName: doc.fileName }, status, e.currentTarget) }, t('docs.open')),
      mine && doc.status === 'failed' ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'retry', onclick: () => retry(doc) }, '↻ ', t('docs.retry')) : null,
      mine ? h('button', { type: 'button', class: 'btn btn-ghost btn-small danger', 'aria-label': `${t('docs.delete')}: ${doc.fileName}`, 'data-testid': 'delete', onclick: e => confirmDelete(doc, e.currentTarget) }, t('docs.delete')) : null,
      status);
    return h('tr', { dataset: { id: doc.documentId } },
      h('td', { class: 'doc-name-cell' }, h('div', { class: 'doc-name' }, doc.fileName, ' ', lockBadge(doc)),
        doc.title && doc.title !== doc.fileName ? h('div', { class: 'muted small' }, doc.title) : null,
        doc.tags.length ? h('div', { class: 'tags' }, doc.tags.map(tag => h('span', { class: 'tag' }, tag))) : null),
      h('td', { 'data-label': t('docs.status') }, statusBadge(doc), doc.status === 'failed' && doc.error ? h('div', { class: 'error-text small', 'data-testid': 'failure' }, failureText(doc)) : null),
      h('td', { class: 'num', 'data-label': t('docs.chunks') }, formatNumber(doc.chunkCount)),
      h('td', { 'data-label': t('docs.uploaded'), class: 'nowrap' }, new Date(doc.uploadedAt).toLocaleString()),
      actions);
  }

  async function retry(doc) {
    try {
      await request(`api/documents/${encodeURIComponent(doc.documentId)}/reindex`, { method: 'POST' });
    } catch (e) {
      ctx.toast(errorMessage(e));
    }
    loadList();
  }

  function confirmDelete(doc, button) {
    const cell = button.parentElement;
    const yes = h('button', { type: 'button', class: 'btn btn-danger btn-small', onclick: async () => {
      try {
        await request(`api/documents/${encodeURIComponent(doc.documentId)}`, { method: 'DELETE' });
        ctx.toast(t('docs.deleted'));
      } catch (e) {
        ctx.toast(errorMessage(e));
      }
      loadList();
    } }, t('chat.confirmDelete'));
    const no = h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => loadList() }, t('chat.cancel'));
    cell.replaceChildren(yes, no);
    yes.focus();
  }

  loadList();
  return () => {
    disposed = true;
    for (const id of timers) clearTimeout(id);
    clearTimeout(searchTimer);
    clearTimeout(listTimer);
  };
}

/** Why a document failed, in the reader's language: the wording of its error code (records from before codes were
 * sent keep their bilingual text, of which the matching half is shown). */
function failureText(doc) {
  return describeError(doc.errorCode) ?? localizedDetail(doc.error ?? '');
}
