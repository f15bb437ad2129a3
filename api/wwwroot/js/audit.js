// The audit log (admins): filters by time, actor and action, newest first with "more", the chain check, JSONL export.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { request, fetchBlob, errorMessage } from './api.js';
import { registerView } from './shell.js';

registerView({ name: 'audit', labelKey: 'nav.audit', order: 95, allow: me => me.role === 'admin', mount: mountAudit });

const ACTIONS = ['auth.', 'auth.sign_in', 'auth.sign_in_failed', 'auth.sign_up', 'auth.sso_sign_in', 'user.', 'document.', 'backup.', 'retention.', 'audit.'];
const PAGE = 50;

export function mountAudit(main) {
  const controller = new AbortController();
  const from = h('input', { id: 'audit-from', type: 'date' });
  const to = h('input', { id: 'audit-to', type: 'date' });
  const actor = h('input', { id: 'audit-actor', type: 'search', placeholder: t('audit.actorHint'), maxlength: '320' });
  const action = h('select', { id: 'audit-action' },
    h('option', { value: '' }, t('audit.allActions')),
    ...ACTIONS.map(a => h('option', { value: a }, a.endsWith('.') ? t('audit.group', { group: a.slice(0, -1) }) : a)));
  const tbody = h('tbody', { 'data-testid': 'audit-rows' });
  const status = h('p', { class: 'notice', role: 'status', 'data-testid': 'audit-status', hidden: true });
  const chain = h('p', { class: 'muted', role: 'status', 'data-testid': 'audit-chain' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => load(false) }, t('audit.more'));
  let nextBefore = null;

  const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('audit.filters'), onsubmit: e => { e.preventDefault(); load(true); } },
    field('audit-from', t('audit.from'), from),
    field('audit-to', t('audit.to'), to),
    field('audit-actor', t('audit.actor'), actor),
    field('audit-action', t('audit.action'), action),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('audit.apply')),
    h('button', { type: 'button', class: 'btn', onclick: exportJsonl, 'data-testid': 'audit-export' }, t('audit.export')),
    h('button', { type: 'button', class: 'btn', onclick: verify, 'data-testid': 'audit-verify' }, t('audit.verify')));

  main.append(h('div', { class: 'page page-wide' },
    h('div', { class: 'page-head' }, h('h1', null, t('audit.title'))),
    h('section', { class: 'card', 'aria-labelledby': 'audit-h' },
      h('h2', { id: 'audit-h', class: 'sr-only' }, t('audit.title')),
      form, chain, status,
      h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'audit-table' },
        h('caption', { class: 'sr-only' }, t('audit.title')),
        h('thead', null, h('tr', null, ...['audit.when', 'audit.actor', 'audit.address', 'audit.action', 'audit.target', 'audit.detail']
          .map(key => h('th', { scope: 'col' }, t(key))))),
        tbody)),
      more)));

  // Dates are the admin's local days: "to" includes the whole chosen day.
  function query() {
    const p = new URLSearchParams();
    if (from.value) p.set('from', new Date(from.value + 'T00:00:00').toISOString());
    if (to.value) p.set('to', new Date(new Date(to.value + 'T00:00:00').getTime() + 86400000).toISOString());
    if (actor.value.trim()) p.set('actor', actor.value.trim());
    if (action.value) p.set('action', action.value);
    return p;
  }

  async function load(reset) {
    const p = query();
    p.set('limit', String(PAGE));
    if (!reset && nextBefore) p.set('before', String(nextBefore));
    status.hidden = true;
    try {
      const page = await request('api/admin/audit?' + p, { signal: controller.signal });
      if (reset) clear(tbody);
      for (const e of page.entries) tbody.append(row(e));
      if (reset && page.entries.length === 0) tbody.append(h('tr', null, h('td', { colspan: '6', class: 'muted' }, t('audit.empty'))));
      nextBefore = page.nextBefore;
      more.hidden = !nextBefore;
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.hidden = false;
      status.textContent = errorMessage(e);
    }
  }

  function row(e) {
    const when = new Date(e.occurredAt);
    return h('tr', { 'data-sequence': String(e.sequence) },
      h('td', null, h('time', { datetime: e.occurredAt, title: '#' + e.sequence + ' ' + e.hash }, when.toLocaleString())),
      h('td', { title: e.actorId }, e.actorEmail || e.actorId),
      h('td', null, e.address),
      h('td', null, h('code', null, e.action)),
      h('td', null, e.target),
      h('td', { class: 'audit-detail' }, e.detail));
  }

  async function verify() {
    chain.textContent = t('audit.verifying');
    try {
      const v = await request('api/admin/audit/verify', { signal: controller.signal });
      chain.textContent = v.intact
        ? t('audit.intact', { n: v.checked })
        : t('audit.broken', { seq: v.firstBrokenSequence, reason: v.reason });
      chain.classList.toggle('form-error', !v.intact);
    } catch (e) {
      if (e.name !== 'AbortError') chain.textContent = errorMessage(e);
    }
  }

  async function exportJsonl() {
    const p = query();
    p.set('format', 'jsonl');
    try {
      const blob = await fetchBlob('api/admin/audit?' + p);
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: `audit-${new Date().toISOString().slice(0, 10)}.jsonl`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) {
      status.hidden = false;
      status.textContent = errorMessage(e);
    }
  }

  load(true);
  verify();
  return () => controller.abort();
}
