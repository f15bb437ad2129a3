// The admin console: live token budgets (SSE over fetch), company totals, inline budget edits, charts, feedback review
// (with the sources admins attach to down-voted questions).
import { h, clear, formatNumber, formatUsd } from './dom.js';
import { t } from './i18n.js';
import { request, streamEvents, errorMessage, ApiError } from './api.js';
import { renderMarkdown } from './markdown.js';
import { openSourcePanel, closeSourcePanel, citationButton } from './sources.js';
import { barChart, lineChart, pairChart, fitCharts } from './charts.js';
import { registerView } from './shell.js';
import { mountSynonymEditor } from './synonyms.js';
import { boostControl, mountBoostList } from './boosts.js';
import { icon } from './icons.js';
import { pager } from './pager.js';

registerView({ name: 'admin', labelKey: 'nav.admin', order: 90, allow: me => me.role === 'admin', mount: mountAdmin });

// The review list is re-read this often while the page is open, so new reports appear without a reload.
const FEEDBACK_REFRESH_MS = 5000;
// Users per page of the budget table (the server orders them: today's highest spenders first).
const USAGE_PAGE = 50;

export function mountAdmin(main, ctx) {
  const controller = new AbortController();
  let rows = new Map(); // userId -> row data
  let company = null;
  let editing = null; // userId being edited
  let metricsTimer = 0;
  let refreshTimer = 0;
  let feedbackTimer = 0;
  let feedbackShown = '';
  let usageOffset = 0;
  const usagePages = pager(offset => { usageOffset = offset; scheduleRefresh(0); }, 'usage-pager');

  const live = h('span', { class: 'live-dot', role: 'status', 'data-testid': 'live-status' }, t('admin.connecting'));
  const cards = h('div', { class: 'cards', 'data-testid': 'company-totals' });
  const tbody = h('tbody');
  const table = h('table', { class: 'table usage-table', 'data-testid': 'usage-table' },
    h('caption', { class: 'sr-only' }, t('admin.users')),
    h('thead', null, h('tr', null,
      ...['admin.user', 'admin.tokensToday', 'admin.tokensMonth', 'admin.costToday', 'admin.costMonth', 'admin.dailyLimit', 'admin.monthlyLimit', 'admin.rpm', 'admin.remaining', 'admin.lastMinute', '']
        .map((key, i) => h('th', { scope: 'col', class: i > 0 && i < 10 ? 'num' : undefined }, key ? t(key) : h('span', { class: 'sr-only' }, t('docs.actions')))))),
    tbody);
  const notice = h('p', { class: 'notice', role: 'alert', hidden: true });
  const charts = h('div', { class: 'charts', 'data-testid': 'charts' });
  const feedback = h('div', { class: 'feedback-list', 'data-testid': 'feedback-list' });

  const tools = h('div', { class: 'page-tools', 'data-testid': 'admin-tools' });
  main.append(h('div', { class: 'page page-wide' },
    h('div', { class: 'page-head' }, h('h1', null, t('admin.title')), live, tools),
    h('section', { 'aria-labelledby': 'company-h' }, h('h2', { id: 'company-h' }, t('admin.company')), cards),
    h('section', { class: 'card', 'aria-labelledby': 'users-h' }, h('h2', { id: 'users-h' }, t('admin.users')), notice, h('div', { class: 'table-wrap' }, table), usagePages.element),
    h('section', { class: 'card', 'aria-labelledby': 'charts-h' }, h('h2', { id: 'charts-h' }, t('admin.charts')), charts),
    h('section', { class: 'card', 'aria-labelledby': 'feedback-h' }, h('h2', { id: 'feedback-h' }, t('admin.feedback')), feedback),
    mountSynonymEditor(controller.signal),
    mountBoostList(controller.signal)));

  // ---- live budgets ----
  async function connect(attempt = 0) {
    if (controller.signal.aborted) return;
    live.textContent = attempt ? t('admin.reconnecting') : t('admin.connecting');
    live.classList.remove('on');
    try {
      await streamEvents(`api/admin/usage/stream?${usageQuery()}`, {
        signal: controller.signal,
        onEvent(name, data) {
          if (name === 'snapshot') {
            applySnapshot(data);
            live.textContent = t('admin.live');
            live.classList.add('on');
            attempt = 0;
          } else if (name === 'usage') applyChanges(data);
        },
      });
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        notice.hidden = false;
        notice.textContent = errorMessage(e);
        return;
      }
    }
    if (controller.signal.aborted) return;
    setTimeout(() => connect(attempt + 1), Math.min(15000, 1000 * 2 ** attempt));
  }

  function usageQuery() {
    return new URLSearchParams({ offset: String(usageOffset), limit: String(USAGE_PAGE) });
  }

  function applySnapshot(report) {
    company = report.company;
    rows = new Map(report.users.map(u => [u.userId, u]));
    usagePages.update(report.offset, report.limit, report.total);
    renderCompany();
    renderRows();
  }

  function applyChanges(changes) {
    const touched = [];
    for (const c of changes) {
      const row = rows.get(c.userId);
      if (!row) {
        // someone on another page, or new: the company totals and the order come with the next snapshot
        refreshSoon();
        continue;
      }
      company.tokensToday += c.tokensDay - row.tokensToday;
      company.tokensThisMonth += c.tokensMonth - row.tokensThisMonth;
      company.costTodayUsd += c.costDayUsd - row.costTodayUsd;
      company.costThisMonthUsd += c.costMonthUsd - row.costThisMonthUsd;
      Object.assign(row, {
        tokensToday: c.tokensDay,
        tokensThisMonth: c.tokensMonth,
        costTodayUsd: c.costDayUsd,
        costThisMonthUsd: c.costMonthUsd,
        remainingToday: Math.max(0, row.limits.dailyTokens - c.tokensDay),
        remainingThisMonth: Math.max(0, row.limits.monthlyTokens - c.tokensMonth),
      });
      touched.push(c.userId);
    }
    renderCompany();
    renderRows(touched);
    // Request counts and "last minute" are not in the change events: refresh them shortly after activity.
    scheduleRefresh(3000);
  }

  function scheduleRefresh(ms) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      refreshTimer = 0;
      if (controller.signal.aborted || editing) return;
      try {
        const report = await request(`api/admin/usage?${usageQuery()}`, { signal: controller.signal });
        // Past the end (users were deleted): the last page that has rows.
        if (report.users.length === 0 && usageOffset > 0) {
          usageOffset = Math.max(0, Math.floor((report.total - 1) / USAGE_PAGE) * USAGE_PAGE);
          scheduleRefresh(0);
          return;
        }
        applySnapshot(report);
      } catch { /* the live feed keeps going */ }
    }, ms);
  }

  /** A refresh within a few seconds, not pushed back by further changes (spend on other pages arrives continuously). */
  function refreshSoon() {
    if (!refreshTimer) scheduleRefresh(3000);
  }

  function renderCompany() {
    const card = (label, value, id) => h('div', { class: 'stat', 'data-testid': id }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value));
    cards.replaceChildren(
      card(t('admin.tokensToday'), formatNumber(company.tokensToday), 'company-tokens-today'),
      card(t('admin.tokensMonth'), formatNumber(company.tokensThisMonth), 'company-tokens-month'),
      card(t('admin.costToday'), formatUsd(company.costTodayUsd), 'company-cost-today'),
      card(t('admin.costMonth'), formatUsd(company.costThisMonthUsd), 'company-cost-month'),
      card(t('admin.requestsToday'), formatNumber(company.requestsToday), 'company-requests-today'));
  }

  function renderRows(flash = []) {
    const focusedUser = document.activeElement?.closest?.('tr')?.dataset.userId;
    clear(tbody);
    const sorted = [...rows.values()].sort((a, b) => b.tokensToday - a.tokensToday || a.email.localeCompare(b.email));
    for (const row of sorted) tbody.append(row.userId === editing ? editRow(row) : viewRow(row, flash.includes(row.userId)));
    if (focusedUser && !editing) tbody.querySelector(`tr[data-user-id="${CSS.escape(focusedUser)}"] button`)?.focus();
  }

  function viewRow(r, flash) {
    const low = r.remainingToday < r.limits.dailyTokens * 0.1;
    return h('tr', { class: flash ? 'flash' : undefined, dataset: { userId: r.userId }, 'data-testid': 'usage-row' },
      h('th', { scope: 'row' }, h('div', null, r.displayName, r.role === 'admin' ? h('span', { class: 'tag' }, 'admin') : null), h('div', { class: 'muted small' }, r.email)),
      h('td', { class: 'num', 'data-testid': 'tokens-today' }, formatNumber(r.tokensToday)),
      h('td', { class: 'num' }, formatNumber(r.tokensThisMonth)),
      h('td', { class: 'num' }, formatUsd(r.costTodayUsd)),
      h('td', { class: 'num' }, formatUsd(r.costThisMonthUsd)),
      h('td', { class: 'num' }, formatNumber(r.limits.dailyTokens)),
      h('td', { class: 'num' }, formatNumber(r.limits.monthlyTokens)),
      h('td', { class: 'num' }, r.limits.requestsPerMinute ?? h('span', { class: 'muted' }, t('admin.default'))),
      h('td', { class: 'num' + (low ? ' low' : '') }, `${formatNumber(r.remainingToday)} / ${formatNumber(r.remainingThisMonth)}`),
      h('td', { class: 'num' }, formatNumber(r.requestsLastMinute)),
      h('td', null, h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': `${t('admin.edit')}: ${r.email}`, 'data-testid': 'edit-budget',
        onclick: () => { editing = r.userId; renderRows(); } }, t('admin.edit'))));
  }

  function editRow(r) {
    const number = (value, label, testid) => h('input', { type: 'number', min: '0', step: '1', value: value ?? '', 'aria-label': `${label}: ${r.email}`, class: 'num-input', 'data-testid': testid,
      onkeydown: e => {
        if (e.key === 'Enter') { e.preventDefault(); save(); }
        if (e.key === 'Escape') { e.stopPropagation(); cancel(); }
      } });
    const daily = number(r.limits.dailyTokens, t('admin.dailyLimit'), 'daily-input');
    const monthly = number(r.limits.monthlyTokens, t('admin.monthlyLimit'), 'monthly-input');
    const rpm = number(r.limits.requestsPerMinute, t('admin.rpm'), 'rpm-input');
    rpm.placeholder = t('admin.default');
    const error = h('div', { class: 'error-text small', role: 'alert' });

    async function save() {
      const problem = budgetProblem(daily.value, monthly.value, rpm.value);
      if (problem) {
        error.textContent = problem;
        return;
      }
      try {
        const updated = await request(`api/admin/users/${encodeURIComponent(r.userId)}/budget`, {
          method: 'PUT',
          body: { dailyTokens: Number(daily.value), monthlyTokens: Number(monthly.value), requestsPerMinute: rpm.value === '' ? null : Number(rpm.value) },
        });
        rows.set(r.userId, { ...r, ...updated });
        editing = null;
        renderRows([r.userId]);
        ctx.toast(t('admin.saved'));
        tbody.querySelector(`tr[data-user-id="${CSS.escape(r.userId)}"] button`)?.focus();
      } catch (e) {
        error.textContent = e instanceof ApiError && e.status === 400 ? t('admin.budgetInvalid') : errorMessage(e);
      }
    }
    function cancel() {
      editing = null;
      renderRows();
      tbody.querySelector(`tr[data-user-id="${CSS.escape(r.userId)}"] button`)?.focus();
    }
    queueMicrotask(() => daily.focus());
    return h('tr', { class: 'editing', dataset: { userId: r.userId } },
      h('th', { scope: 'row' }, h('div', null, r.displayName), h('div', { class: 'muted small' }, r.email)),
      h('td', { class: 'num' }, formatNumber(r.tokensToday)),
      h('td', { class: 'num' }, formatNumber(r.tokensThisMonth)),
      h('td', { class: 'num' }, formatUsd(r.costTodayUsd)),
      h('td', { class: 'num' }, formatUsd(r.costThisMonthUsd)),
      h('td', null, daily), h('td', null, monthly), h('td', null, rpm),
      h('td', { colspan: '2' }, error),
      h('td', null, h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'save-budget', onclick: save }, t('admin.save')),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: cancel }, t('admin.cancel')))));
  }

  // ---- charts ----
  async function loadMetrics() {
    clearTimeout(metricsTimer);
    try {
      const m = await request('api/admin/metrics?days=30', { signal: controller.signal });
      fitCharts(charts.clientWidth);
      const labels = m.days.map(d => d.day.slice(5));
      const pct = v => `${Math.round(v * 100)}%`;
      charts.replaceChildren(
        barChart(t('admin.chartTokens'), labels, m.days.map(d => d.tokens)),
        lineChart(t('admin.chartCost'), labels, m.days.map(d => d.costUsd), { format: v => formatUsd(v) }),
        barChart(t('admin.chartHours'), m.hours.map(x => x.label), m.hours.map(x => x.requests), { className: 'bar bar-alt' }),
        pairChart(t('admin.chartFeedback'), labels, m.days.map(d => d.feedbackUp), m.days.map(d => d.feedbackDown), {
          names: [t('chat.up'), t('chat.down')],
          caption: t('admin.feedbackRate', { rate: pct(m.totals.feedbackRate), positive: pct(m.totals.positiveRate) }),
        }),
        lineChart(t('admin.chartNoResult'), labels, m.days.map(d => (d.requests ? d.noResult / d.requests : null)), {
          format: pct, max: 1,
          caption: t('admin.noResultRate', { rate: pct(m.totals.noResultRate), n: formatNumber(m.totals.noResult), total: formatNumber(m.totals.requests) }),
        }));
    } catch (e) {
      if (e.name === 'AbortError') return;
      charts.replaceChildren(h('p', { class: 'notice' }, errorMessage(e)));
    }
    metricsTimer = setTimeout(loadMetrics, 30000);
  }

  // ---- feedback review ----
  async function loadFeedback() {
    clearTimeout(feedbackTimer);
    let reports;
    try {
      reports = await request('api/admin/feedback?rating=down&take=100', { signal: controller.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      feedback.replaceChildren(h('p', { class: 'notice' }, errorMessage(e)));
      feedbackTimer = setTimeout(loadFeedback, FEEDBACK_REFRESH_MS);
      return;
    }
    feedbackTimer = setTimeout(loadFeedback, FEEDBACK_REFRESH_MS);
    // Redrawn only when something changed, so focus and reading position stay put.
    const signature = reports.map(r => r.messageId + r.feedback.createdAt).join('|');
    if (signature === feedbackShown) return;
    feedbackShown = signature;
    if (feedback.contains(document.activeElement)) return;
    clear(feedback);
    if (reports.length === 0) feedback.append(h('p', { class: 'muted' }, t('admin.noFeedback')));
    for (const r of reports) {
      const reason = r.feedback.reason ?? 'none';
      feedback.append(h('article', { class: 'feedback-item', 'data-testid': 'feedback-item' },
        h('div', { class: 'feedback-head' },
          h('span', { class: 'badge status-failed' }, t('admin.reason.' + reason)),
          h('span', { class: 'muted small' }, new Date(r.feedback.createdAt).toLocaleString())),
        h('h3', null, t('admin.question')), h('p', { class: 'user-text' }, r.question),
        h('h3', null, t('admin.answer')), h('div', { class: 'markdown' }, renderMarkdown(r.answer, {
          citation: (n, quote) => {
            const source = r.sources.find(s => s.n === n);
            return source ? citationButton(source, quote) : null;
          },
        })),
        r.feedback.comment ? [h('h3', null, t('admin.comment')), h('p', { class: 'user-text' }, r.feedback.comment)] : null,
        r.sources.length ? [h('h3', null, t('admin.sources')), h('ul', { class: 'source-list' }, r.sources.map(s => h('li', null,
          h('button', { type: 'button', class: 'btn btn-link', onclick: e => openSourcePanel(s, e.currentTarget) },
            `[${s.n}] ${s.fileName}${s.section ? ' · ' + s.section : ''}${s.page ? ' · p.' + s.page : ''}`))))] : null,
        boostControl(r, controller.signal)));
    }
  }

  // ---- the Orleans dashboard, when the cluster serves one ----
  async function offerDashboard() {
    let info;
    try {
      info = await request('api/admin/dashboard', { signal: controller.signal });
    } catch {
      return;
    }
    if (!info?.enabled) return;
    const status = h('span', { class: 'muted small', role: 'status' });
    // The dashboard is a separate page that cannot send the bearer header: the session cookie is set first, in the
    // click, and the tab is opened synchronously (a tab opened after an await would be blocked as a pop-up).
    const link = h('a', { href: info.path, target: '_blank', rel: 'noopener', class: 'btn btn-ghost btn-small', 'data-testid': 'dashboard-link',
      onclick: async event => {
        event.preventDefault();
        const tab = window.open('', '_blank');
        try {
          await request('api/admin/dashboard-session', { method: 'POST' });
          if (tab) tab.location.href = new URL(info.path, document.baseURI).toString();
          status.textContent = '';
        } catch (e) {
          tab?.close();
          status.textContent = errorMessage(e);
        }
      } }, t('admin.dashboard'), ' ', icon('external'));
    tools.replaceChildren(link, status);
  }

  connect();
  loadMetrics();
  loadFeedback();
  offerDashboard();
  return () => {
    controller.abort();
    clearTimeout(metricsTimer);
    clearTimeout(refreshTimer);
    clearTimeout(feedbackTimer);
    closeSourcePanel(false);
  };
}

/** A sentence a person can act on for budget values the server would refuse, or null when they are fine. */
export function budgetProblem(daily, monthly, rpm) {
  const whole = v => /^\d+$/.test(String(v).trim());
  if (!whole(daily) || !whole(monthly)) return t('admin.budgetWhole');
  if (Number(daily) > Number(monthly)) return t('admin.budgetDailyOverMonthly');
  if (String(rpm).trim() !== '' && (!whole(rpm) || Number(rpm) < 1 || Number(rpm) > 100000)) return t('admin.budgetRpm');
  return null;
}
