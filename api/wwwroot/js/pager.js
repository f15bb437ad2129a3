// Previous/next paging for a long server-side list: shows "first–last / total" and asks for another offset.
import { h, formatNumber } from './dom.js';
import { t } from './i18n.js';

/** A pager bar; `onPage(offset)` loads that page. Call `update(offset, limit, total)` after each load. */
export function pager(onPage, testid) {
  let state = { offset: 0, limit: 1, total: 0 };
  const range = h('span', { class: 'muted small', role: 'status' });
  const prev = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': testid + '-prev',
    onclick: () => onPage(Math.max(0, state.offset - state.limit)) }, '‹ ', t('pager.prev'));
  const next = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': testid + '-next',
    onclick: () => onPage(state.offset + state.limit) }, t('pager.next'), ' ›');
  const element = h('nav', { class: 'row pager', 'aria-label': t('pager.label'), 'data-testid': testid }, prev, range, next);

  function update(offset, limit, total) {
    state = { offset, limit, total };
    element.hidden = total <= limit && offset === 0;
    prev.disabled = offset === 0;
    next.disabled = offset + limit >= total;
    range.textContent = t('pager.range', {
      from: formatNumber(total === 0 ? 0 : offset + 1), to: formatNumber(Math.min(total, offset + limit)), total: formatNumber(total),
    });
  }
  update(0, 1, 0);
  return { element, update, get offset() { return state.offset; } };
}
