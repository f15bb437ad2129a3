// The admin console's access page: groups (create, rename, delete, members) and each user's role.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { request, errorMessage } from './api.js';
import { registerView } from './shell.js';
import { userSearch, userChecklist } from './users.js';

registerView({ name: 'access', labelKey: 'nav.access', order: 92, allow: me => me.role === 'admin', mount: mountAccess });

const ROLES = ['admin', 'editor', 'member'];

export function mountAccess(main, ctx) {
  let disposed = false;
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const groupsBox = h('div', { 'data-testid': 'groups' });
  const usersBox = h('div', { 'data-testid': 'roles' });
  const groupName = h('input', { id: 'group-name', type: 'text', maxlength: '100' });
  const moreUsers = h('button', { type: 'button', class: 'btn btn-ghost btn-small', hidden: true, onclick: () => roleSearch.more().catch(fail) }, t('users.more'));
  let users = [];
  // The roles table shows a page of the directory at a time, narrowed by the search box.
  const roleSearch = userSearch((page, append, hasMore) => {
    if (disposed) return;
    users = append ? users.concat(page.items) : page.items;
    moreUsers.hidden = !hasMore;
    renderUsers();
  }, { id: 'role-search' });

  main.append(h('div', { class: 'page' },
    h('h1', null, t('access.title')),
    notice,
    h('section', { class: 'card', 'aria-labelledby': 'groups-title' },
      h('h2', { id: 'groups-title' }, t('access.groups')),
      h('form', { class: 'toolbar', onsubmit: createGroup },
        h('label', { for: 'group-name' }, t('access.newGroup')), groupName, h('button', { type: 'submit', class: 'btn btn-primary' }, t('access.create'))),
      groupsBox),
    h('section', { class: 'card', 'aria-labelledby': 'roles-title' },
      h('h2', { id: 'roles-title' }, t('access.roles')),
      h('p', { class: 'muted small' }, t('access.rolesHint')),
      h('div', { class: 'toolbar' }, h('label', { for: 'role-search' }, t('users.search')), roleSearch.input),
      usersBox, moreUsers)));

  function fail(e) {
    notice.hidden = false;
    notice.textContent = errorMessage(e);
  }

  async function load() {
    let groups;
    try {
      groups = await request('api/admin/groups');
    } catch (e) {
      return fail(e);
    }
    if (disposed) return;
    notice.hidden = true;
    clear(groupsBox);
    groupsBox.append(groups.length === 0 ? h('p', { class: 'muted' }, t('access.noGroups'))
      : h('ul', { class: 'plain-list' }, groups.map(groupItem)));
  }

  function renderUsers() {
    clear(usersBox);
    usersBox.append(h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('admin.user')), h('th', { scope: 'col' }, t('access.role')))),
      h('tbody', null, users.map(u => h('tr', null,
        h('td', null, u.displayName, h('div', { class: 'muted small' }, u.email)),
        h('td', null, roleSelect(u)))))));
  }

  function roleSelect(user) {
    const current = user.role === 'user' ? 'member' : user.role;
    const select = h('select', { 'aria-label': t('access.roleOf', { name: user.displayName }), 'data-testid': 'role',
      disabled: user.userId === ctx.me.userId, onchange: async () => {
        try {
          await request(`api/admin/users/${encodeURIComponent(user.userId)}/role`, { method: 'PUT', body: { role: select.value } });
          ctx.toast(t('access.roleSaved'));
        } catch (e) {
          select.value = current;
          fail(e);
        }
      } }, ROLES.map(r => h('option', { value: r, selected: r === current }, t('role.' + r))));
    return select;
  }

  function groupItem(group) {
    let checklist = null;
    const members = h('div', { hidden: true });
    const save = h('button', { type: 'button', class: 'btn btn-primary btn-small', onclick: async () => {
        const userIds = checklist.selected();
        try {
          await request(`api/admin/groups/${encodeURIComponent(group.groupId)}/members`, { method: 'PUT', body: { userIds } });
          ctx.toast(t('access.saved'));
        } catch (e) {
          return fail(e);
        }
        load();
      } }, t('access.saveMembers'));
    // The checklist asks the directory only once the members are opened.
    const toggleMembers = () => {
      if (!checklist) {
        checklist = userChecklist({ legend: t('access.members'), chosenIds: group.members });
        members.append(checklist.element, save);
      }
      members.hidden = !members.hidden;
    };
    const rename = () => {
      const input = h('input', { type: 'text', value: group.name, maxlength: '100', 'aria-label': t('access.rename') });
      const save = h('button', { type: 'button', class: 'btn btn-primary btn-small', onclick: async () => {
        try {
          await request(`api/admin/groups/${encodeURIComponent(group.groupId)}`, { method: 'PATCH', body: { name: input.value.trim() } });
        } catch (e) {
          return fail(e);
        }
        load();
      } }, t('access.save'));
      title.replaceChildren(input, save);
      input.focus();
    };
    const title = h('span', null, h('strong', null, group.name), ' ', h('span', { class: 'muted small' }, t('access.memberCount', { n: group.members.length })));
    return h('li', { dataset: { id: group.groupId } }, title, ' ',
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: toggleMembers }, t('access.members')),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: rename }, t('access.rename')),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small danger', onclick: async () => {
        try {
          await request(`api/admin/groups/${encodeURIComponent(group.groupId)}`, { method: 'DELETE' });
        } catch (e) {
          return fail(e);
        }
        load();
      } }, t('access.delete')),
      members);
  }

  async function createGroup(event) {
    event.preventDefault();
    const name = groupName.value.trim();
    if (!name) return groupName.focus();
    try {
      await request('api/admin/groups', { method: 'POST', body: { name } });
      groupName.value = '';
    } catch (e) {
      fail(e);
    }
    load();
  }

  load();
  roleSearch.refresh().catch(fail);
  return () => { disposed = true; };
}
