// The admin console's synonym editor: the company's own synonym sets (one set per line, terms separated by commas,
// the documents' term first). Saved sets apply to every question at once, on every server, without reindexing.
import { h } from './dom.js';
import { t } from './i18n.js';
import { request, errorMessage } from './api.js';

/** Parses the editor's text into sets: lines of comma-separated terms; empty lines are skipped. */
export function parseSynonymText(text) {
  return text.split('\n')
    .map(line => line.split(/[,，]/).map(term => term.trim()).filter(Boolean))
    .filter(terms => terms.length > 0);
}

export function formatSynonymSets(sets) {
  return sets.map(terms => terms.join(', ')).join('\n');
}

export function mountSynonymEditor(signal) {
  const area = h('textarea', {
    id: 'synonym-sets', class: 'synonym-editor', rows: 8, spellcheck: 'false',
    'aria-describedby': 'synonym-help', 'data-testid': 'synonym-editor', placeholder: t('synonyms.placeholder'),
  });
  const status = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite', 'data-testid': 'synonym-status' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'synonym-save' }, t('synonyms.save'));

  async function load() {
    try {
      const current = await request('api/admin/synonyms', { signal });
      area.value = formatSynonymSets(current.sets);
      status.textContent = describe(current);
    } catch (e) {
      if (e.name !== 'AbortError') status.textContent = errorMessage(e);
    }
  }

  function describe(current) {
    return current.version
      ? t('synonyms.saved', { count: current.sets.length, when: new Date(current.updatedAt).toLocaleString() })
      : t('synonyms.none');
  }

  async function submit(e) {
    e.preventDefault();
    save.disabled = true;
    status.textContent = t('synonyms.saving');
    try {
      const current = await request('api/admin/synonyms', { method: 'PUT', body: { sets: parseSynonymText(area.value) }, signal });
      area.value = formatSynonymSets(current.sets);
      status.textContent = describe(current);
    } catch (err) {
      if (err.name !== 'AbortError') status.textContent = errorMessage(err);
    } finally {
      save.disabled = false;
    }
  }

  load();
  return h('section', { class: 'card', 'aria-labelledby': 'synonyms-h', 'data-testid': 'synonyms' },
    h('h2', { id: 'synonyms-h' }, t('synonyms.title')),
    h('p', { id: 'synonym-help', class: 'muted' }, t('synonyms.help')),
    h('form', { onsubmit: submit },
      h('label', { for: 'synonym-sets', class: 'sr-only' }, t('synonyms.title')),
      area,
      h('div', { class: 'form-actions' }, save),
      status));
}
