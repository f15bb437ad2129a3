// The chat page: the conversation list, streamed answers with citations, failures with a retry, regenerate and edit of
// the last question, feedback, and the address #/chat/{conversationId} for the open conversation.
import { h, clear, formatNumber } from './dom.js';
import { t } from './i18n.js';
import { request, streamEvents, errorMessage, ApiError } from './api.js';
import { renderMarkdown, plainText, copyText } from './markdown.js';
import { citationButton, closeSourcePanel } from './sources.js';
import { conversationList } from './conversation-list.js';
import { registerView } from './shell.js';
import { icon } from './icons.js';

registerView({ name: 'chat', labelKey: 'nav.chat', order: 10, mount: mountChat });

// Refusals that arrive before the answer starts; the wait counts down in the notice.
const WAIT_CODES = new Set(['rate_limited', 'budget_exhausted']);
const NEAR_BOTTOM_PX = 120;

export function mountChat(main, ctx, params) {
  let selectedId = null;
  let streaming = null; // AbortController of the answer being streamed
  let waitTimer = null;
  let documentCount = null;
  let loadToken = 0;

  const newChat = h('button', { type: 'button', class: 'btn btn-primary btn-block', 'data-testid': 'new-chat',
    onclick: () => { const drawer = isDrawerOpen(); newConversation(); closeSidebar(); if (drawer) input.focus(); } }, '+ ', t('chat.new'));
  const list = conversationList({
    onSelect: id => {
      const drawer = isDrawerOpen();
      closeSidebar();
      selectConversation(id).then(() => (drawer ? input : null)?.focus());
      if (!drawer) list.focusCurrent();
    },
    onDeleted: id => { if (id === selectedId) newConversation({ focus: false }); },
    onRenamed: (id, title) => { if (id === selectedId) setTitle(title); },
    onError: message => showNotice(message),
    fallbackFocus: () => newChat,
  });
  const sidebar = h('nav', { class: 'sidebar', id: 'sidebar', 'aria-label': t('chat.conversations') },
    newChat, h('h2', { class: 'sidebar-title' }, t('chat.conversations')), list.el);
  const menu = h('button', { type: 'button', class: 'btn btn-ghost menu-toggle', 'aria-controls': 'sidebar', 'aria-expanded': 'false', 'aria-label': t('nav.menu'), onclick: toggleSidebar }, icon('menu'));
  const log = h('div', { class: 'messages', role: 'log', 'aria-label': t('chat.messages'), 'aria-live': 'polite', 'data-testid': 'messages', tabindex: '0',
    onscroll: () => updateJump() });
  const jump = h('button', { type: 'button', class: 'jump-latest', hidden: true, 'data-testid': 'jump-latest', onclick: () => { scrollToBottom('smooth'); input.focus(); } },
    icon('down-arrow'), h('span', null, t('chat.jumpLatest')));
  const notice = h('div', { class: 'notice', role: 'alert', hidden: true, 'data-testid': 'chat-notice' });
  const input = h('textarea', {
    id: 'question', rows: '2', 'aria-label': t('chat.input'), placeholder: t('chat.placeholder'), maxlength: '4000',
    onkeydown: event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send(input.value);
      }
    },
    oninput: autosize,
  });
  const sendButton = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'send' }, t('chat.send'));
  const stopButton = h('button', { type: 'button', class: 'btn btn-danger', hidden: true, 'data-testid': 'stop', onclick: () => streaming?.abort() }, '■ ', t('chat.stop'));
  const composer = h('form', { class: 'composer', 'data-testid': 'composer', onsubmit: e => { e.preventDefault(); send(input.value); } },
    input, h('div', { class: 'composer-actions' }, stopButton, sendButton));
  const backdrop = h('div', { class: 'backdrop', hidden: true, onclick: closeSidebar });

  main.append(h('div', { class: 'chat-layout' },
    sidebar, backdrop,
    h('section', { class: 'chat-main', 'aria-labelledby': 'chat-title' },
      h('div', { class: 'chat-toolbar' }, menu, h('h1', { class: 'chat-title', id: 'chat-title', tabindex: '-1' }, t('chat.new'))),
      h('div', { class: 'messages-wrap' }, log, jump),
      notice, composer)));

  function onKey(event) {
    if (event.key !== 'Escape') return;
    if (!sidebar.classList.contains('open')) return;
    closeSidebar();
    menu.focus();
  }
  document.addEventListener('keydown', onKey);

  const isDrawerOpen = () => sidebar.classList.contains('open');
  function toggleSidebar() {
    const open = !isDrawerOpen();
    sidebar.classList.toggle('open', open);
    backdrop.hidden = !open;
    menu.setAttribute('aria-expanded', String(open));
    if (open) newChat.focus();
  }
  function closeSidebar() {
    sidebar.classList.remove('open');
    backdrop.hidden = true;
    menu.setAttribute('aria-expanded', 'false');
  }

  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 200) + 'px';
  }

  function setTitle(text) {
    document.getElementById('chat-title').textContent = text || t('chat.new');
  }

  const distanceFromBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight;
  function scrollToBottom(behavior = 'auto') {
    log.scrollTo({ top: log.scrollHeight, behavior });
    updateJump();
  }
  function updateJump() {
    jump.hidden = distanceFromBottom() < NEAR_BOTTOM_PX;
    jump.classList.toggle('streaming', Boolean(streaming));
  }

  async function loadConversations() {
    try {
      list.set(await request('api/conversations'));
    } catch (e) {
      showNotice(errorMessage(e));
    }
  }

  async function loadDocumentCount() {
    try {
      documentCount = (await request('api/documents?take=1')).total;
    } catch {
      documentCount = null;
    }
    const card = log.querySelector('.welcome');
    if (card) card.replaceWith(welcome());
  }

  function welcome() {
    if (documentCount === 0) {
      return h('div', { class: 'welcome', 'data-testid': 'welcome' },
        h('h2', null, t('chat.noDocsTitle')),
        h('p', null, t('chat.noDocs')),
        h('a', { href: '#/documents', class: 'btn btn-primary', 'data-testid': 'welcome-documents' }, t('chat.noDocsLink')));
    }
    return h('div', { class: 'welcome', 'data-testid': 'welcome' }, h('p', null, t('chat.welcome')));
  }

  function newConversation({ focus = true, replace = false } = {}) {
    streaming?.abort();
    loadToken++;
    selectedId = null;
    clear(log);
    log.append(welcome());
    setTitle('');
    list.setCurrent(null);
    hideNotice();
    updateJump();
    ctx.navigate([], { replace });
    if (focus) input.focus();
  }

  async function selectConversation(id) {
    streaming?.abort();
    const token = ++loadToken;
    selectedId = id;
    list.setCurrent(id);
    ctx.navigate([id]);
    hideNotice();
    clear(log);
    try {
      const conversation = await request(`api/conversations/${encodeURIComponent(id)}`);
      if (token !== loadToken) return;
      setTitle(conversation.title);
      conversation.turns.forEach((turn, i) => {
        const last = i === conversation.turns.length - 1;
        const asked = userBubble(turn.question, turn.messageId, last);
        const view = answerView(turn.question, asked);
        view.setSources(turn.sources);
        log.append(asked, view.el);
        if (!turn.completed && !turn.answer.trim()) {
          view.fail(t('chat.failedEarlier'), { messageId: turn.messageId });
          return;
        }
        view.setText(turn.answer + (turn.completed ? '' : '\n\n' + t('chat.incomplete')));
        view.finish({ messageId: turn.messageId, feedback: turn.feedback, usage: turn.usage, latencyMs: turn.latencyMs,
          noResult: turn.sources.length === 0 && turn.intent !== 'chit_chat', last });
      });
      // The newest message is what a person opens a conversation for.
      scrollToBottom();
    } catch (e) {
      if (token !== loadToken) return;
      if (e instanceof ApiError && e.status === 404) {
        newConversation({ focus: false });
        showNotice(t('chat.notFound'));
        return;
      }
      showNotice(errorMessage(e));
    }
  }

  function userBubble(text, messageId, last) {
    const body = h('div', { class: 'msg-body user-text', 'data-testid': 'user-message' }, text);
    const edit = h('button', { type: 'button', class: 'icon-btn msg-edit', 'aria-label': t('chat.edit'), title: t('chat.edit'), 'data-testid': 'edit-question',
      hidden: !last, onclick: () => startEdit() }, icon('edit'));
    const el = h('div', { class: 'msg msg-user', dataset: { messageId: messageId ?? '' } },
      h('div', { class: 'msg-who' }, t('chat.you')), body, h('div', { class: 'msg-user-actions' }, edit));

    function startEdit() {
      if (streaming) return;
      const field = h('textarea', { class: 'edit-question', rows: '3', maxlength: '4000', 'aria-label': t('chat.editLabel'), 'data-testid': 'edit-field',
        onkeydown: e => {
          if (e.key === 'Escape') { e.stopPropagation(); cancel(); }
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
        } }, text);
      const form = h('form', { class: 'edit-form', onsubmit: e => { e.preventDefault(); submit(); } }, field,
        h('div', { class: 'row' },
          h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'edit-send' }, t('chat.editSend')),
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: cancel }, t('chat.cancel'))));
      body.replaceWith(form);
      edit.hidden = true;
      field.focus();
      function cancel() {
        form.replaceWith(body);
        edit.hidden = false;
        edit.focus();
      }
      function submit() {
        const question = field.value.trim();
        if (!question) return;
        replaceLastTurn(el, question);
      }
    }
    return el;
  }

  /** Removes the last question and its answer from the view and asks `question` in their place. */
  function replaceLastTurn(asked, question) {
    if (streaming) return;
    const answer = asked.nextElementSibling;
    const replaces = asked.dataset.messageId || null;
    asked.remove();
    answer?.remove();
    send(question, { replaces });
  }

  /** One assistant answer: re-rendered as deltas arrive, then given its actions, or shown as a failure. */
  function answerView(question, asked) {
    let text = '';
    let sources = [];
    let frame = 0;
    const body = h('div', { class: 'msg-body markdown' }, h('p', { class: 'thinking muted' }, t('chat.thinking')));
    const footer = h('div', { class: 'msg-actions' });
    const el = h('article', { class: 'msg msg-assistant', 'aria-busy': 'true', 'data-testid': 'answer' }, h('div', { class: 'msg-who' }, t('chat.assistant')), body, footer);

    const citation = (n, quote) => {
      const source = sources.find(s => s.n === n);
      return source ? citationButton(source, quote) : null;
    };
    const draw = () => {
      frame = 0;
      body.replaceChildren(renderMarkdown(text, { citation }));
    };
    return {
      el,
      get text() { return text; },
      setSources(value) { sources = value ?? []; },
      append(delta) {
        text += delta;
        if (!frame) frame = requestAnimationFrame(draw);
      },
      setText(value) { text = value; draw(); },
      finish({ messageId, feedback, usage, latencyMs, noResult, stopped, last = true }) {
        if (frame) cancelAnimationFrame(frame);
        draw();
        el.removeAttribute('aria-busy');
        if (!text.trim()) body.replaceChildren(h('p', { class: 'muted' }, stopped ? t('chat.stoppedEmpty') : noResult ? t('chat.noResult') : t('chat.emptyAnswer')));
        footer.replaceChildren(...answerActions(messageId, feedback, () => text, last ? () => replaceLastTurn(asked, question) : null));
        if (stopped && text.trim()) footer.append(h('span', { class: 'muted stopped-note' }, t('chat.stopped')));
        if (usage) {
          const parts = [t('chat.tokens', { tokens: formatNumber(usage.totalTokens) })];
          if (latencyMs) parts.push(t('chat.seconds', { seconds: (latencyMs / 1000).toFixed(latencyMs < 1000 ? 2 : 1) }));
          footer.append(h('span', { class: 'muted usage', 'data-testid': 'usage' }, parts.join(' · ')));
        }
      },
      /** A failed answer: the reason, what was received so far, and a retry that asks again in its place. */
      fail(message, { messageId } = {}) {
        if (frame) cancelAnimationFrame(frame);
        el.removeAttribute('aria-busy');
        el.classList.add('msg-failed');
        el.dataset.testid = 'answer-failed';
        const partial = text.trim() ? renderMarkdown(text + '\n\n' + t('chat.incomplete'), { citation }) : null;
        const retry = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'retry',
          onclick: () => { asked.dataset.messageId = messageId ?? asked.dataset.messageId ?? ''; replaceLastTurn(asked, question); } }, '↻ ', t('chat.retry'));
        body.replaceChildren(...(partial ? [partial] : []), h('p', { class: 'error-text', role: 'alert', 'data-testid': 'failure-message' }, message));
        footer.replaceChildren(retry);
      },
    };
  }

  function answerActions(messageId, feedback, getText, regenerate) {
    const copy = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.copy'), title: t('chat.copy'), onclick: async () => {
      await copyText(plainText(getText()));
      ctx.toast(t('chat.copied'));
    } }, icon('copy'));
    const again = regenerate
      ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.regenerate'), title: t('chat.regenerate'), 'data-testid': 'regenerate', onclick: regenerate }, icon('refresh'))
      : null;
    if (!messageId) return [copy, again];
    const up = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.up'), title: t('chat.up'), 'aria-pressed': String(feedback?.rating === 'up'), 'data-testid': 'thumbs-up', onclick: () => rate('up') }, icon('up'));
    const down = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.down'), title: t('chat.down'), 'aria-pressed': String(feedback?.rating === 'down'), 'data-testid': 'thumbs-down', onclick: () => rate('down') }, icon('down'));
    const report = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'report', onclick: openReport }, '⚑ ', t('chat.report'));
    const form = h('form', { class: 'report-form', hidden: true });

    async function rate(rating, reason, comment) {
      try {
        await request(`api/messages/${encodeURIComponent(messageId)}/feedback`, { method: 'POST', body: { rating, reason: reason ?? null, comment: comment ?? null } });
        up.setAttribute('aria-pressed', String(rating === 'up'));
        down.setAttribute('aria-pressed', String(rating === 'down'));
        ctx.toast(reason ? t('chat.reported') : t('chat.thanks'));
        return true;
      } catch (e) {
        showNotice(errorMessage(e));
        return false;
      }
    }
    function openReport() {
      const comment = h('textarea', { rows: '2', maxlength: '2000', 'aria-label': t('chat.reportComment'), placeholder: t('chat.reportComment'),
        onkeydown: e => { if (e.key === 'Escape') { e.stopPropagation(); closeReport(); } } });
      form.replaceChildren(comment, h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('chat.reportSend')),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: closeReport }, t('chat.cancel'))));
      form.onsubmit = async e => {
        e.preventDefault();
        if (await rate('down', 'wrong_answer', comment.value.trim() || null)) closeReport();
      };
      form.hidden = false;
      comment.focus();
    }
    function closeReport() {
      form.hidden = true;
      report.focus();
    }
    return [copy, again, up, down, report, form];
  }

  /** Shows a message; for a refusal with Retry-After the wait counts down so the person sees when to try again. */
  function showNotice(message, error) {
    clearInterval(waitTimer);
    notice.hidden = false;
    notice.textContent = message;
    if (error?.retryAfter) {
      const until = Date.now() + error.retryAfter * 1000;
      waitTimer = setInterval(() => {
        const left = Math.ceil((until - Date.now()) / 1000);
        if (left <= 0) {
          hideNotice();
          return;
        }
        error.retryAfter = left;
        notice.textContent = errorMessage(error);
      }, 1000);
    }
  }
  function hideNotice() {
    clearInterval(waitTimer);
    notice.hidden = true;
    notice.textContent = '';
  }

  /** Only the last question can be edited or regenerated: earlier ones lose their edit button. */
  function markLastTurn() {
    for (const b of log.querySelectorAll('[data-testid="edit-question"]')) b.hidden = true;
    for (const b of log.querySelectorAll('[data-testid="regenerate"]')) b.remove();
  }

  async function send(raw, { replaces = null } = {}) {
    const question = raw.trim();
    if (!question || streaming) return;
    hideNotice();
    log.querySelector('.welcome')?.remove();
    markLastTurn();
    const asked = userBubble(question, null, true);
    const answer = answerView(question, asked);
    log.append(asked, answer.el);
    scrollToBottom();
    input.value = '';
    autosize();

    const controller = new AbortController();
    streaming = controller;
    stopButton.hidden = false;
    sendButton.disabled = true;
    updateJump();
    let meta = null;
    let done = null;
    let failed = null;
    const putBack = () => { if (!input.value.trim()) { input.value = question; autosize(); } };
    try {
      await streamEvents('api/chat', {
        method: 'POST',
        body: { question, conversationId: selectedId, replaces },
        signal: controller.signal,
        onEvent(name, data) {
          if (name === 'meta') {
            meta = data;
            asked.dataset.messageId = data.messageId;
            if (!selectedId) {
              selectedId = data.conversationId;
              ctx.navigate([selectedId], { replace: true });
              const title = question.length > 40 ? question.slice(0, 40) + '…' : question;
              setTitle(title);
              list.setCurrent(selectedId);
            }
            const now = new Date().toISOString();
            list.touch({ conversationId: data.conversationId, title: document.getElementById('chat-title')?.textContent ?? question, updatedAt: now, createdAt: now });
          } else if (name === 'sources') answer.setSources(data);
          else if (name === 'delta') {
            const stick = distanceFromBottom() < NEAR_BOTTOM_PX;
            answer.append(data.text);
            if (stick) requestAnimationFrame(() => scrollToBottom());
            else updateJump();
          } else if (name === 'done') done = data;
          else if (name === 'error') failed = data;
        },
      });
      if (failed) {
        answer.fail(failureMessage(failed), { messageId: meta?.messageId });
        putBack();
      } else if (!done) {
        // The stream ended without an answer or a reason: the connection or the server gave up, not the person.
        answer.fail(t('chat.interrupted'), { messageId: meta?.messageId });
        putBack();
      } else {
        answer.finish({ messageId: meta?.messageId, usage: done.usage, latencyMs: done.latencyMs, noResult: done.noResult });
      }
    } catch (e) {
      if (e.name === 'AbortError') {
        answer.finish({ messageId: meta?.messageId, stopped: true });
      } else if (!meta) {
        // Refused before anything streamed (rate limit, budget): take the bubbles back and say when to retry.
        asked.remove();
        answer.el.remove();
        if (!log.querySelector('.msg')) log.append(welcome());
        putBack();
        showNotice(errorMessage(e), e instanceof ApiError && WAIT_CODES.has(e.type) ? e : undefined);
      } else {
        answer.fail(errorMessage(e), { messageId: meta.messageId });
        putBack();
      }
    } finally {
      streaming = null;
      stopButton.hidden = true;
      sendButton.disabled = false;
      updateJump();
      if (log.contains(document.activeElement) === false) input.focus();
      ctx.refreshMe();
    }
  }

  function failureMessage(error) {
    const key = 'err.' + error.code;
    const text = t(key, { seconds: error.retryAfterSeconds ?? '' });
    return text === key ? errorMessage(new ApiError(503, { type: error.code, title: error.message })) : text;
  }

  loadConversations();
  loadDocumentCount();
  if (params[0]) selectConversation(params[0]);
  else newConversation({ replace: true });

  return {
    unmount() {
      streaming?.abort();
      clearInterval(waitTimer);
      document.removeEventListener('keydown', onKey);
      closeSourcePanel(false);
    },
    onRoute(next) {
      if (next[0] && next[0] !== selectedId) selectConversation(next[0]);
      else if (!next[0] && selectedId) newConversation();
    },
  };
}
