// Feedback that teaches: in the feedback review an admin searches the documents and attaches the source that should have
// answered a down-voted question; the list of such boosts, each removable. Retrieval applies them on every server.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { request, errorMessage } from './api.js';

const listeners = new Set();

/** Tells every mounted boost list that the boosts changed. */
function changed() {
  for (const listener of listeners) listener();
}

/** The "attach the right source" control of one feedback report. */
export function boostControl(report, signal) {
  const query = h('input', { type: 'search', class: 'input', value: report.question, 'aria-label': t('boosts.search'), 'data-testid': 'boost-query' });
  const results = h('ul', { class: 'source-list', 'data-testid': 'boost-results' });
  const status = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });

  async function find(e) {
    e.preventDefault();
    clear(results);
    status.textContent = '';
    try {
      const found = await request('api/search', { method: 'POST', body: { query: query.value, topK: 5 }, signal });
      if (found.results.length === 0) status.textContent = t('boosts.nothingFound');
      for (const hit of found.results) {
        results.append(h('li', null,
          h('span', null, `${hit.fileName}${hit.section ? ' · ' + hit.section : ''}`),
          ' ',
          h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'boost-attach', onclick: () => attach(hit) }, t('boosts.attach'))));
      }
    } catch (err) {
      if (err.name !== 'AbortError') status.textContent = errorMessage(err);
    }
  }

  async function attach(hit) {
    try {
      await request('api/admin/boosts', { method: 'POST', body: { question: report.question, chunkId: hit.chunkId, messageId: report.messageId }, signal });
      clear(results);
      status.textContent = t('boosts.attached', { source: `${hit.fileName}${hit.section ? ' · ' + hit.section : ''}` });
      changed();
    } catch (err) {
      if (err.name !== 'AbortError') status.textContent = errorMessage(err);
    }
  }

  return h('details', { class: 'boost-control', 'data-testid': 'boost-control' },
    h('summary', null, t('boosts.teach')),
    h('form', { onsubmit: find, class: 'inline-form' }, query, h('button', { type: 'submit', class: 'btn btn-small' }, t('boosts.find'))),
    results, status);
}

/** The card listing every boost with a remove button. */
export function mountBoostList(signal) {
  const list = h('ul', { class: 'boost-list', 'data-testid': 'boost-list' });
  const status = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });

  async function load() {
    try {
      const current = await request('api/admin/boosts', { signal });
      clear(list);
      status.textContent = current.boosts.length === 0 ? t('boosts.none') : '';
      for (const boost of current.boosts) {
        list.append(h('li', { 'data-testid': 'boost-item' },
          h('span', { class: 'user-text' }, boost.question), ' → ',
          h('span', null, `${boost.fileName}${boost.section ? ' · ' + boost.section : ''}`), ' ',
          h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'boost-remove', onclick: () => remove(boost) }, t('boosts.remove'))));
      }
    } catch (err) {
      if (err.name !== 'AbortError') status.textContent = errorMessage(err);
    }
  }

  async function remove(boost) {
    try {
      await request(`api/admin/boosts/${encodeURIComponent(boost.id)}`, { method: 'DELETE', signal });
      await load();
    } catch (err) {
      if (err.name !== 'AbortError') status.textContent = errorMessage(err);
    }
  }

  listeners.add(load);
  signal.addEventListener('abort', () => listeners.delete(load));
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'boosts-h', 'data-testid': 'boosts' },
    h('h2', { id: 'boosts-h' }, t('boosts.title')),
    h('p', { class: 'muted' }, t('boosts.help')),
    list, status);
}
