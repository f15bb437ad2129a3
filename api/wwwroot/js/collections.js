// Collections (문서함): the page listing the collections the user may read, where admins create them, set who may read
// and edit each one, and where documents are moved between them; plus the pieces other pages use (the upload target
// picker and the lock badge on restricted documents and sources).
import { h, clear, formatNumber } from './dom.js';
import { t } from './i18n.js';
import { request, errorMessage } from './api.js';
import { registerView } from './shell.js';
import { icon } from './icons.js';
import { usersById, userChecklist } from './users.js';

registerView({ name: 'collections', labelKey: 'nav.collections', order: 30, mount: mountCollections });

/** A lock badge for a document or source in a collection not everyone may read (nothing otherwise). */
export function lockBadge(item) {
  if (!item?.restricted) return null;
  return h('span', { class: 'badge badge-lock', title: t('col.restrictedHint'), 'data-testid': 'lock' }, icon('lock'), ' ', t('col.restricted'));
}

/** A select of the collections the user may upload into; resolves to the element (empty when there are none). */
export async function collectionPicker(id) {
  const select = h('select', { id, 'data-testid': 'upload-collection' });
  try {
    const collections = await request('api/collections');
    for (const c of collections.filter(c => c.canUpload))
      select.append(h('option', { value: c.collectionId }, c.name + (c.restricted ? ` · ${t('col.restricted')}` : '')));
  } catch { /* the upload itself reports the problem */ }
  return select;
}

export function mountCollections(main, ctx) {
  let disposed = false;
  const isAdmin = ctx.me.role === 'admin';
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const list = h('div', { class: 'collections', 'data-testid': 'collections' });
  const detail = h('section', { class: 'card', 'aria-live': 'polite', hidden: true, 'data-testid': 'collection-detail' });
  let groups = [];
  let users = new Map();

  const name = h('input', { id: 'col-name', type: 'text', maxlength: '100', required: true });
  const createForm = isAdmin ? h('form', { class: 'toolbar', onsubmit: create },
    h('label', { for: 'col-name' }, t('col.new')), name, h('button', { type: 'submit', class: 'btn btn-primary' }, t('col.create'))) : null;

  main.append(h('div', { class: 'page' },
    h('h1', null, t('col.title')),
    h('p', { class: 'muted' }, t('col.intro')),
    notice,
    createForm ? h('section', { class: 'card' }, createForm) : null,
    h('section', { class: 'card', 'aria-label': t('col.title') }, list),
    detail));

  function fail(e) {
    notice.hidden = false;
    notice.textContent = errorMessage(e);
  }

  async function load() {
    let collections;
    try {
      collections = await request('api/collections');
      if (isAdmin) [groups, users] = await Promise.all([request('api/admin/groups'),
        usersById(collections.flatMap(c => [...(c.readers?.users ?? []), ...(c.editors?.users ?? [])]))]);
    } catch (e) {
      return fail(e);
    }
    if (disposed) return;
    notice.hidden = true;
    clear(list);
    list.append(h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('col.name')), h('th', { scope: 'col' }, t('col.readers')),
        h('th', { scope: 'col', class: 'num' }, t('col.documents')), h('th', { scope: 'col' }, t('docs.actions')))),
      h('tbody', null, collections.map(c => h('tr', { dataset: { id: c.collectionId } },
        h('td', null, c.name, ' ', lockBadge(c)),
        h('td', null, c.readers ? describe(c.readers) : (c.restricted ? t('col.restricted') : t('col.everyone'))),
        h('td', { class: 'num' }, formatNumber(c.documentCount)),
        h('td', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => open(c, collections) },
          c.canEdit ? t('col.manage') : t('col.view'))))))));
  }

  function describe(list) {
    if (list.everyone) return t('col.everyone');
    const names = [...list.groups.map(id => groups.find(g => g.groupId === id)?.name ?? id),
      ...list.users.map(id => users.get(id)?.displayName ?? id)];
    return names.length ? names.join(', ') : t('col.nobody');
  }

  async function create(event) {
    event.preventDefault();
    const value = name.value.trim();
    if (!value) return name.focus();
    try {
      await request('api/collections', { method: 'POST', body: { name: value, readers: { everyone: false, groups: [], users: [] }, editors: { groups: [], users: [] } } });
      name.value = '';
      ctx.toast(t('col.created'));
    } catch (e) {
      fail(e);
    }
    load();
  }

  /** The detail of one collection: its lists (admins edit them) and its documents (editors move them). */
  async function open(collection, all) {
    detail.hidden = false;
    clear(detail);
    detail.append(h('h2', null, collection.name, ' ', lockBadge(collection)));
    if (isAdmin) detail.append(listsForm(collection));
    let page;
    try {
      page = await request('api/documents?take=200&collectionId=' + encodeURIComponent(collection.collectionId));
    } catch (e) {
      return fail(e);
    }
    const targets = all.filter(c => c.canUpload && c.collectionId !== collection.collectionId);
    detail.append(h('h3', null, t('col.documents')), page.items.length === 0 ? h('p', { class: 'muted' }, t('docs.none'))
      : h('ul', { class: 'plain-list' }, page.items.map(doc => h('li', null, doc.fileName, ' ',
        doc.canEdit && targets.length ? moveControl(doc, targets, collection, all) : null))));
    detail.querySelector('h2')?.focus?.();
  }

  function moveControl(doc, targets, collection, all) {
    const select = h('select', { 'aria-label': t('col.moveTo', { name: doc.fileName }) }, targets.map(c => h('option', { value: c.collectionId }, c.name)));
    return h('span', { class: 'inline' }, select, h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'move', onclick: async () => {
      try {
        await request(`api/documents/${encodeURIComponent(doc.documentId)}/collection`, { method: 'PUT', body: { collectionId: select.value } });
        ctx.toast(t('col.moved'));
      } catch (e) {
        return fail(e);
      }
      await load();
      open(collection, all);
    } }, t('col.move')));
  }

  function listsForm(collection) {
    const everyone = h('input', { type: 'checkbox', id: 'col-everyone', checked: collection.readers?.everyone });
    // Users are picked from the directory (searchable, paged), the groups listed whole.
    const people = {};
    const choices = (kind, list) => {
      people[kind] = userChecklist({ legend: t('users.title'), chosenIds: list?.users ?? [] });
      return h('fieldset', { class: 'choices' }, h('legend', null, t(kind === 'readers' ? 'col.readers' : 'col.editors')),
        groups.map(g => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: kind + '-group', value: g.groupId, checked: list?.groups.includes(g.groupId) }), ' ', g.name)),
        people[kind].element);
    };
    const form = h('form', { class: 'lists-form', onsubmit: async event => {
      event.preventDefault();
      const picked = name => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map(i => i.value);
      try {
        await request(`api/collections/${encodeURIComponent(collection.collectionId)}`, { method: 'PATCH', body: {
          readers: { everyone: everyone.checked, groups: picked('readers-group'), users: people.readers.selected() },
          editors: { groups: picked('editors-group'), users: people.editors.selected() },
        } });
        ctx.toast(t('col.saved'));
      } catch (e) {
        return fail(e);
      }
      load();
    } },
      h('label', { class: 'check' }, everyone, ' ', t('col.everyoneReads')),
      choices('readers', collection.readers),
      choices('editors', collection.editors),
      h('div', { class: 'toolbar' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('col.save')),
        collection.isDefault ? null : h('button', { type: 'button', class: 'btn btn-ghost danger', onclick: async () => {
          try {
            await request(`api/collections/${encodeURIComponent(collection.collectionId)}`, { method: 'DELETE' });
            detail.hidden = true;
            ctx.toast(t('col.deleted'));
          } catch (e) {
            return fail(e);
          }
          load();
        } }, t('col.delete'))));
    return form;
  }

  load();
  return () => { disposed = true; };
}
