// The conversation list of the chat sidebar: search, groups by date (today, yesterday, last 7 and 30 days, older),
// rename and delete in place. Focus never drops to the page: after any change it lands on the item or the list's start.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { request, errorMessage } from './api.js';
import { icon } from './icons.js';

const DAY = 86_400_000;

/** Which date group an update time falls in, counted in local calendar days. */
export function dateGroup(updatedAt, now = new Date()) {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const at = new Date(updatedAt).getTime();
  if (at >= start) return 'today';
  if (at >= start - DAY) return 'yesterday';
  if (at >= start - 7 * DAY) return 'week';
  if (at >= start - 30 * DAY) return 'month';
  return 'older';
}

/**
 * @param {{ onSelect: (id: string) => void, onDeleted: (id: string) => void, onRenamed: (id: string, title: string) => void,
 *           onError: (message: string) => void, fallbackFocus: () => HTMLElement }} handlers
 */
export function conversationList(handlers) {
  let conversations = [];
  let current = null;
  let query = '';

  const search = h('input', { type: 'search', class: 'conv-search', id: 'conv-search', placeholder: t('chat.search'), 'aria-label': t('chat.search'),
    'data-testid': 'conversation-search', oninput: () => { query = search.value.trim().toLowerCase(); render(); } });
  const groups = h('div', { class: 'conv-groups', 'data-testid': 'conversation-list' });
  const el = h('div', { class: 'conv-nav' }, search, groups);

  function visible() {
    if (!query) return conversations;
    return conversations.filter(c => c.title.toLowerCase().includes(query));
  }

  function render() {
    clear(groups);
    const items = visible();
    if (conversations.length === 0) {
      groups.append(h('p', { class: 'muted conv-empty' }, t('chat.empty')));
      return;
    }
    if (items.length === 0) {
      groups.append(h('p', { class: 'muted conv-empty', role: 'status' }, t('chat.searchNone')));
      return;
    }
    const byGroup = new Map();
    for (const c of [...items].sort((a, b) => new Date(b.updatedAt) - new Date(a.updatedAt))) {
      const key = dateGroup(c.updatedAt);
      if (!byGroup.has(key)) byGroup.set(key, []);
      byGroup.get(key).push(c);
    }
    for (const [key, list] of byGroup) {
      const headingId = 'conv-group-' + key;
      groups.append(h('section', { class: 'conv-group', 'aria-labelledby': headingId },
        h('h3', { class: 'conv-group-title', id: headingId }, t('chat.group.' + key)),
        h('ul', { class: 'conv-list' }, list.map(item))));
    }
  }

  function itemFor(id) {
    return groups.querySelector(`.conv-item[data-id="${CSS.escape(id)}"]`);
  }

  function focusItem(id) {
    const button = id ? itemFor(id)?.querySelector('.conv-open') : null;
    (button ?? handlers.fallbackFocus()).focus();
  }

  function item(c) {
    const isCurrent = c.conversationId === current;
    const open = h('button', { type: 'button', class: 'conv-open', 'aria-current': isCurrent ? 'true' : undefined, title: c.title,
      onclick: () => handlers.onSelect(c.conversationId) }, c.title);
    const rename = h('button', { type: 'button', class: 'icon-btn', 'aria-label': `${t('chat.rename')}: ${c.title}`, title: t('chat.rename'), onclick: () => startRename() }, icon('edit'));
    const del = h('button', { type: 'button', class: 'icon-btn', 'aria-label': `${t('chat.delete')}: ${c.title}`, title: t('chat.delete'), onclick: () => confirmDelete() }, icon('trash'));
    const li = h('li', { class: 'conv-item' + (isCurrent ? ' current' : ''), dataset: { id: c.conversationId } }, open, rename, del);

    function startRename() {
      const field = h('input', { type: 'text', class: 'conv-rename', value: c.title, maxlength: '200', 'aria-label': t('chat.renameLabel'),
        onkeydown: async event => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            render();
            focusItem(c.conversationId);
          }
          if (event.key !== 'Enter') return;
          event.preventDefault();
          const title = field.value.trim();
          if (!title) return;
          try {
            await request(`api/conversations/${encodeURIComponent(c.conversationId)}`, { method: 'PATCH', body: { title } });
            c.title = title;
            handlers.onRenamed(c.conversationId, title);
          } catch (e) {
            handlers.onError(errorMessage(e));
          }
          render();
          focusItem(c.conversationId);
        },
      });
      li.replaceChildren(field);
      field.focus();
      field.select();
    }

    function confirmDelete() {
      const yes = h('button', { type: 'button', class: 'btn btn-danger btn-small', onclick: async () => {
        // The item after this one (or before it, at the end) takes the focus once this one is gone.
        const order = [...groups.querySelectorAll('.conv-item')].map(x => x.dataset.id);
        const at = order.indexOf(c.conversationId);
        const neighbour = order[at + 1] ?? order[at - 1] ?? null;
        try {
          await request(`api/conversations/${encodeURIComponent(c.conversationId)}`, { method: 'DELETE' });
          conversations = conversations.filter(x => x !== c);
          handlers.onDeleted(c.conversationId);
          render();
          focusItem(neighbour);
        } catch (e) {
          handlers.onError(errorMessage(e));
          render();
          focusItem(c.conversationId);
        }
      } }, t('chat.confirmDelete'));
      const no = h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => { render(); focusItem(c.conversationId); } }, t('chat.cancel'));
      li.replaceChildren(h('span', { class: 'conv-confirm' }, yes, no));
      yes.focus();
    }
    return li;
  }

  return {
    el,
    set(list) { conversations = list; render(); },
    setCurrent(id) { current = id; render(); },
    /** Adds or moves a conversation to the top (a new answer updates it). */
    touch(summary) {
      const known = conversations.find(c => c.conversationId === summary.conversationId);
      if (known) Object.assign(known, summary);
      else conversations.unshift(summary);
      render();
    },
    has(id) { return conversations.some(c => c.conversationId === id); },
    focusCurrent() { focusItem(current); },
  };
}
