// Answer-quality evaluation (admins): run a golden set (JSONL) against the live index, the history of runs with their
// figures, and one run's per-question results.
import { h, clear, formatNumber } from './dom.js';
import { t } from './i18n.js';
import { request, errorMessage } from './api.js';
import { registerView } from './shell.js';

const FIGURES = [
  ['searchAt1', 'eval.search1'], ['searchAt3', 'eval.search3'], ['searchAt10', 'eval.search10'], ['mrr10', 'eval.mrr'],
  ['answerHitRate', 'eval.answerHit'], ['noResultPrecision', 'eval.noResultPrecision'], ['noResultRecall', 'eval.noResultRecall'],
];
const POLL_MS = 2000;

registerView({ name: 'evaluations', labelKey: 'nav.evaluations', order: 96, allow: me => me.role === 'admin', mount: mountEvaluations });

export function mountEvaluations(main) {
  const controller = new AbortController();
  let pollTimer = 0;
  let shown = null; // the run whose results are open

  const file = h('input', { id: 'eval-file', type: 'file', accept: '.jsonl,.ndjson,.json,.txt', required: true, 'data-testid': 'eval-file' });
  const name = h('input', { id: 'eval-name', type: 'text', maxlength: '200', placeholder: t('eval.nameHint') });
  const status = h('p', { class: 'notice', role: 'status', 'data-testid': 'eval-status', hidden: true });
  const historyBody = h('tbody', { 'data-testid': 'eval-history' });
  const details = h('div', { 'data-testid': 'eval-details' });
  const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);

  main.append(h('div', { class: 'page page-wide' },
    h('div', { class: 'page-head' }, h('h1', null, t('eval.title'))),
    h('section', { class: 'card', 'aria-labelledby': 'eval-run-h' },
      h('h2', { id: 'eval-run-h' }, t('eval.run')),
      h('p', { class: 'muted' }, t('eval.help')),
      h('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); start(); } },
        field('eval-file', t('eval.file'), file),
        field('eval-name', t('eval.name'), name),
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'eval-start' }, t('eval.start'))),
      status),
    h('section', { class: 'card', 'aria-labelledby': 'eval-history-h' },
      h('h2', { id: 'eval-history-h' }, t('eval.history')),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('caption', { class: 'sr-only' }, t('eval.history')),
        h('thead', null, h('tr', null,
          ...['eval.startedAt', 'eval.name', 'eval.by', 'eval.status', 'eval.questions', ...FIGURES.map(f => f[1])]
            .map((key, i) => h('th', { scope: 'col', class: i >= 4 ? 'num' : undefined }, t(key))))),
        historyBody))),
    details));

  function say(text, isError) {
    status.hidden = !text;
    status.textContent = text ?? '';
    status.classList.toggle('error-text', !!isError);
  }

  const percent = value => (value == null ? '—' : formatNumber(value * 100, 1) + '%');

  async function start() {
    const chosen = file.files?.[0];
    if (!chosen) return;
    say(t('eval.uploading'));
    try {
      const jsonl = await chosen.text();
      const run = await request('api/admin/evaluations', { method: 'POST', body: { name: name.value.trim() || chosen.name, jsonl }, signal: controller.signal });
      say(t('eval.startedRun', { n: run.questions }));
      await loadHistory();
    } catch (e) {
      if (e.name !== 'AbortError') say(errorMessage(e), true);
    }
  }

  async function loadHistory() {
    window.clearTimeout(pollTimer);
    let runs;
    try {
      runs = await request('api/admin/evaluations', { signal: controller.signal });
    } catch (e) {
      if (e.name !== 'AbortError') say(errorMessage(e), true);
      return;
    }
    clear(historyBody);
    if (runs.length === 0) historyBody.append(h('tr', null, h('td', { colspan: String(5 + FIGURES.length), class: 'muted' }, t('eval.none'))));
    for (const run of runs) {
      const open = h('button', { type: 'button', class: 'btn btn-link', onclick: () => loadRun(run.runId) }, new Date(run.startedAt).toLocaleString());
      historyBody.append(h('tr', { 'data-run': run.runId },
        h('td', null, open),
        h('td', null, run.name),
        h('td', null, run.startedBy),
        h('td', null, run.status === 'running' ? t('eval.running', { done: run.done, n: run.questions }) : t('eval.status.' + run.status), run.error ? h('div', { class: 'muted' }, run.error) : null),
        h('td', { class: 'num' }, String(run.questions)),
        ...FIGURES.map(([key]) => h('td', { class: 'num' }, run.totals ? percent(run.totals[key]) : '—'))));
    }
    const running = runs.find(r => r.status === 'running');
    if (running) pollTimer = window.setTimeout(loadHistory, POLL_MS);
    else if (shown && runs.some(r => r.runId === shown && r.status !== 'running')) loadRun(shown);
  }

  async function loadRun(runId) {
    shown = runId;
    let run;
    try {
      run = await request('api/admin/evaluations/' + encodeURIComponent(runId), { signal: controller.signal });
    } catch (e) {
      if (e.name !== 'AbortError') say(errorMessage(e), true);
      return;
    }
    renderRun(run);
  }

  function renderRun(run) {
    clear(details);
    const summary = run.summary;
    const onlyFailures = h('input', { id: 'eval-failures', type: 'checkbox' });
    const body = h('tbody', { 'data-testid': 'eval-results' });
    const fill = () => {
      clear(body);
      for (const r of run.results) {
        const failed = r.error || (r.expectsNoAnswer ? !r.noResult : (r.rank == null || r.rank > 3 || r.answerHit !== true));
        if (onlyFailures.checked && !failed) continue;
        body.append(h('tr', { class: failed ? 'eval-failed' : undefined },
          h('td', null, r.id),
          h('td', null, r.question, h('div', { class: 'muted' }, r.language + ' · ' + r.kind)),
          h('td', { class: 'num' }, r.expectsNoAnswer ? '—' : (r.rank == null ? t('eval.notFound') : String(r.rank))),
          h('td', null, r.expectsNoAnswer ? t('eval.expectNone') : (r.answerHit ? '✓ ' : '✗ ') + r.expectedPhrases.join(', ')),
          h('td', null, r.noResult ? t('eval.yes') : t('eval.no')),
          h('td', { class: 'eval-answer' }, r.error ? t('eval.error', { error: r.error }) : r.answer),
          h('td', { class: 'muted' }, r.topSources.join('\n'))));
      }
    };
    onlyFailures.addEventListener('change', fill);
    const totals = summary.totals;
    details.append(h('section', { class: 'card', 'aria-labelledby': 'eval-run-details-h' },
      h('h2', { id: 'eval-run-details-h' }, t('eval.details', { name: summary.name })),
      totals
        ? h('div', { class: 'cards', 'data-testid': 'eval-totals' },
          ...FIGURES.map(([key, label]) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, t(label)), h('div', { class: 'stat-value' }, percent(totals[key])))),
          h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, t('eval.counts')),
            h('div', { class: 'stat-value' }, t('eval.countsValue', { answerable: totals.answerable, unanswerable: totals.unanswerable, errors: totals.errors }))))
        : h('p', { class: 'muted' }, summary.status === 'running' ? t('eval.running', { done: summary.done, n: summary.questions }) : (summary.error ?? '')),
      h('div', { class: 'field field-inline' }, onlyFailures, h('label', { for: 'eval-failures' }, t('eval.onlyFailures'))),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table eval-table' },
        h('caption', { class: 'sr-only' }, t('eval.results')),
        h('thead', null, h('tr', null, ...['eval.id', 'eval.question', 'eval.rank', 'eval.expected', 'eval.noResult', 'eval.answer', 'eval.top']
          .map(key => h('th', { scope: 'col' }, t(key))))),
        body))));
    fill();
  }

  loadHistory();
  return () => { controller.abort(); window.clearTimeout(pollTimer); };
}
