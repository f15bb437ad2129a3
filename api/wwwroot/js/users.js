// The admin console's user pickers. Users come from GET /api/admin/users: the user directory, a page at a time,
// filtered by a prefix of the name or e-mail. Nothing here reads the usage report, which asks every user's session.
import { h, clear, append } from './dom.js';
import { t } from './i18n.js';
import { request } from './api.js';

export const PAGE = 50;
const MAX_IDS = 200;

/** One page of users: { items, total, skip, take }. */
export function listUsers({ q = '', skip = 0, take = PAGE } = {}) {
  const query = new URLSearchParams({ skip: String(skip), take: String(take) });
  if (q.trim()) query.set('q', q.trim());
  return request('api/admin/users?' + query);
}

/** The named users, as a Map from id (ids the directory no longer holds are left out). */
export async function usersById(ids) {
  const unique = [...new Set(ids)];
  const found = new Map();
  for (let i = 0; i < unique.length; i += MAX_IDS) {
    const chunk = unique.slice(i, i + MAX_IDS);
    const page = await request('api/admin/users?' + new URLSearchParams({ ids: chunk.join(','), take: String(MAX_IDS) }));
    for (const user of page.items) found.set(user.userId, user);
  }
  return found;
}

/** A search box over the directory: calls onResults(page, q, more) as the admin types (debounced) and once at start;
 * `more()` appends the next page. */
export function userSearch(onResults, { id } = {}) {
  const input = h('input', { type: 'search', id, maxlength: '100', placeholder: t('users.searchHint'), 'aria-label': t('users.search'),
    // Inside a form, Enter searches; it does not submit the form.
    onkeydown: event => { if (event.key === 'Enter') event.preventDefault(); } });
  let timer = 0;
  let generation = 0;
  let shown = 0;
  async function run(append) {
    const mine = ++generation;
    const page = await listUsers({ q: input.value, skip: append ? shown : 0 });
    if (mine !== generation) return;
    shown = (append ? shown : 0) + page.items.length;
    onResults(page, append, shown < page.total);
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(false).catch(() => {}), 250);
  });
  return { input, refresh: () => run(false), more: () => run(true) };
}

/** A checklist of users for a list of ids (group members, a collection's readers or editors): the chosen users first,
 * then the directory's matches for the search box. `selected()` gives the chosen ids, whatever page is shown. */
export function userChecklist({ legend, chosenIds = [], testId }) {
  const chosen = new Map(chosenIds.map(id => [id, { userId: id, displayName: id, email: '' }]));
  const list = h('div', { class: 'choices-list' });
  const moreButton = h('button', { type: 'button', class: 'btn btn-ghost btn-small', hidden: true, onclick: () => search.more() }, t('users.more'));
  let matches = [];

  const search = userSearch((page, append, hasMore) => {
    matches = append ? matches.concat(page.items) : page.items;
    moreButton.hidden = !hasMore;
    render();
  });

  function box(user) {
    const input = h('input', { type: 'checkbox', value: user.userId, checked: chosen.has(user.userId), onchange: () => {
      if (input.checked) chosen.set(user.userId, user); else chosen.delete(user.userId);
    } });
    return h('label', { class: 'check' }, input, ' ', user.displayName, user.email ? h('span', { class: 'muted small' }, ' ', user.email) : null);
  }

  function render() {
    clear(list);
    const first = [...chosen.values()];
    append(list, [first.map(box), matches.filter(u => !chosen.has(u.userId)).map(box)]);
    if (first.length === 0 && matches.length === 0) append(list, [h('p', { class: 'muted small' }, t('users.none'))]);
  }

  const element = h('fieldset', { class: 'choices', 'data-testid': testId }, h('legend', null, legend), search.input, list, moreButton);
  // Names for the ids already chosen, then the first page of the directory.
  usersById([...chosen.keys()]).then(found => {
    for (const [id, user] of found) if (chosen.has(id)) chosen.set(id, user);
    render();
  }).catch(() => {});
  search.refresh().catch(() => {});
  return { element, selected: () => [...chosen.keys()] };
}
