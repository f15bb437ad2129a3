// The chat page: conversation list, streamed answers with citations, feedback, and the source panel.
import { h, clear, formatNumber } from './dom.js';
import { t } from './i18n.js';
import { request, streamEvents, errorMessage, ApiError } from './api.js';
import { renderMarkdown, plainText } from './markdown.js';
import { openSourcePanel, closeSourcePanel } from './sources.js';
import { icon } from './icons.js';

// Survives re-renders (language switch), not reloads.
let selectedId = null;

export function mountChat(main, ctx) {
  let conversations = [];
  let streaming = null; // AbortController of the answer being streamed
  let waitTimer = null;

  const list = h('ul', { class: 'conv-list', 'aria-label': t('chat.conversations') });
  const sidebar = h('aside', { class: 'sidebar', id: 'sidebar', 'aria-label': t('chat.conversations') },
    h('button', { type: 'button', class: 'btn btn-primary btn-block', 'data-testid': 'new-chat', onclick: () => { newConversation(); closeSidebar(); } }, '+ ', t('chat.new')),
    h('h2', { class: 'sidebar-title' }, t('chat.conversations')),
    list);
  const menu = h('button', { type: 'button', class: 'btn btn-ghost menu-toggle', 'aria-controls': 'sidebar', 'aria-expanded': 'false', 'aria-label': t('nav.menu'), onclick: toggleSidebar }, icon('menu'));
  const log = h('div', { class: 'messages', role: 'log', 'aria-label': t('chat.messages'), 'aria-live': 'polite', 'data-testid': 'messages' });
  const notice = h('div', { class: 'notice', role: 'alert', hidden: true, 'data-testid': 'chat-notice' });
  const input = h('textarea', {
    id: 'question', rows: '2', 'aria-label': t('chat.input'), placeholder: t('chat.placeholder'), maxlength: '4000',
    onkeydown: event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      }
    },
    oninput: autosize,
  });
  const sendButton = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'send' }, t('chat.send'));
  const stopButton = h('button', { type: 'button', class: 'btn btn-danger', hidden: true, 'data-testid': 'stop', onclick: () => streaming?.abort() }, '■ ', t('chat.stop'));
  const composer = h('form', { class: 'composer', onsubmit: e => { e.preventDefault(); send(); } }, input, h('div', { class: 'composer-actions' }, stopButton, sendButton));
  const backdrop = h('div', { class: 'backdrop', hidden: true, onclick: closeSidebar });

  main.append(h('div', { class: 'chat-layout' },
    sidebar, backdrop,
    h('section', { class: 'chat-main', 'aria-label': t('nav.chat') },
      h('div', { class: 'chat-toolbar' }, menu, h('h1', { class: 'chat-title', id: 'chat-title' }, t('chat.new'))),
      log, notice, composer)));

  function onKey(event) {
    if (event.key !== 'Escape') return;
    if (closeSourcePanel()) return;
    if (!sidebar.classList.contains('open')) return;
    closeSidebar();
    menu.focus();
  }
  document.addEventListener('keydown', onKey);

  function toggleSidebar() {
    const open = !sidebar.classList.contains('open');
    sidebar.classList.toggle('open', open);
    backdrop.hidden = !open;
    menu.setAttribute('aria-expanded', String(open));
    if (open) sidebar.querySelector('button')?.focus();
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

  async function loadConversations() {
    try {
      conversations = await request('api/conversations');
    } catch (e) {
      showNotice(errorMessage(e));
      return;
    }
    renderList();
  }

  function renderList() {
    clear(list);
    if (conversations.length === 0) list.append(h('li', { class: 'muted conv-empty' }, t('chat.empty')));
    for (const c of conversations) list.append(conversationItem(c));
  }

  function conversationItem(c) {
    const current = c.conversationId === selectedId;
    const open = h('button', { type: 'button', class: 'conv-open', 'aria-current': current ? 'true' : undefined, title: c.title,
      onclick: () => { selectConversation(c.conversationId); closeSidebar(); } }, c.title);
    const rename = h('button', { type: 'button', class: 'icon-btn', 'aria-label': `${t('chat.rename')}: ${c.title}`, title: t('chat.rename'), onclick: () => startRename() }, icon('edit'));
    const del = h('button', { type: 'button', class: 'icon-btn', 'aria-label': `${t('chat.delete')}: ${c.title}`, title: t('chat.delete'), onclick: () => confirmDelete() }, icon('trash'));
    const item = h('li', { class: 'conv-item' + (current ? ' current' : ''), dataset: { id: c.conversationId } }, open, rename, del);

    function startRename() {
      const field = h('input', { type: 'text', class: 'conv-rename', value: c.title, maxlength: '200', 'aria-label': t('chat.renameLabel'),
        onkeydown: async event => {
          if (event.key === 'Escape') { event.stopPropagation(); renderList(); list.querySelector(`[data-id="${CSS.escape(c.conversationId)}"] .conv-open`)?.focus(); }
          if (event.key === 'Enter') {
            event.preventDefault();
            const title = field.value.trim();
            if (!title) return;
            try {
              await request(`api/conversations/${encodeURIComponent(c.conversationId)}`, { method: 'PATCH', body: { title } });
              c.title = title;
              if (c.conversationId === selectedId) setTitle(title);
            } catch (e) {
              showNotice(errorMessage(e));
            }
            renderList();
          }
        },
      });
      item.replaceChildren(field);
      field.focus();
      field.select();
    }

    function confirmDelete() {
      const yes = h('button', { type: 'button', class: 'btn btn-danger btn-small', onclick: async () => {
        try {
          await request(`api/conversations/${encodeURIComponent(c.conversationId)}`, { method: 'DELETE' });
          conversations = conversations.filter(x => x !== c);
          if (c.conversationId === selectedId) newConversation();
        } catch (e) {
          showNotice(errorMessage(e));
        }
        renderList();
      } }, t('chat.confirmDelete'));
      const no = h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => renderList() }, t('chat.cancel'));
      item.replaceChildren(h('span', { class: 'conv-confirm' }, yes, no));
      yes.focus();
    }
    return item;
  }

  function newConversation() {
    streaming?.abort();
    selectedId = null;
    clear(log);
    log.append(h('div', { class: 'welcome' }, h('p', null, t('chat.welcome'))));
    setTitle('');
    renderList();
    hideNotice();
    input.focus();
  }

  async function selectConversation(id) {
    streaming?.abort();
    selectedId = id;
    renderList();
    hideNotice();
    clear(log);
    try {
      const conversation = await request(`api/conversations/${encodeURIComponent(id)}`);
      setTitle(conversation.title);
      for (const turn of conversation.turns) {
        log.append(userBubble(turn.question));
        const view = answerView();
        view.setSources(turn.sources);
        view.setText(turn.answer + (turn.completed ? '' : '\n\n' + t('chat.incomplete')));
        view.finish({ messageId: turn.messageId, feedback: turn.feedback, usage: turn.usage, noResult: turn.sources.length === 0 && turn.intent !== 'chit_chat' });
        log.append(view.el);
      }
      log.scrollTop = log.scrollHeight;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return newConversation();
      showNotice(errorMessage(e));
    }
  }

  function userBubble(text) {
    return h('div', { class: 'msg msg-user' },
      h('div', { class: 'msg-who' }, t('chat.you')),
      h('div', { class: 'msg-body user-text', 'data-testid': 'user-message' }, text));
  }

  /** One assistant answer: re-rendered as deltas arrive, then given its actions. */
  function answerView() {
    let text = '';
    let sources = [];
    let frame = 0;
    const body = h('div', { class: 'msg-body markdown' }, h('p', { class: 'thinking muted' }, t('chat.thinking')));
    const footer = h('div', { class: 'msg-actions' });
    const el = h('article', { class: 'msg msg-assistant', 'aria-busy': 'true', 'data-testid': 'answer' }, h('div', { class: 'msg-who' }, t('chat.assistant')), body, footer);

    const citation = n => {
      const source = sources.find(s => s.n === n);
      if (!source) return null;
      return h('button', { type: 'button', class: 'cite', 'aria-label': t('chat.citation', { n }), 'data-testid': 'citation',
        onclick: event => openSourcePanel(source, event.currentTarget) }, `[${n}]`, source.restricted ? h('span', { class: 'cite-lock', title: t('col.restrictedHint') }, '🔒') : null);
    };
    const draw = () => {
      frame = 0;
      body.replaceChildren(renderMarkdown(text, { citation }));
    };
    return {
      el,
      get text() { return text; },
      setSources(list) { sources = list ?? []; },
      append(delta) {
        text += delta;
        if (!frame) frame = requestAnimationFrame(draw);
      },
      setText(value) { text = value; draw(); },
      finish({ messageId, feedback, usage, latencyMs, noResult, stopped }) {
        if (frame) cancelAnimationFrame(frame);
        draw();
        el.removeAttribute('aria-busy');
        if (!text.trim()) body.replaceChildren(h('p', { class: 'muted' }, stopped ? t('chat.stopped') : noResult ? t('chat.noResult') : ''));
        footer.replaceChildren(...answerActions(messageId, feedback, () => text));
        if (usage) footer.append(h('span', { class: 'muted usage' }, t('chat.usage', { tokens: formatNumber(usage.totalTokens), seconds: ((latencyMs ?? 0) / 1000).toFixed(1) })));
        if (stopped) footer.append(h('span', { class: 'muted' }, t('chat.stopped')));
      },
    };
  }

  function answerActions(messageId, feedback, getText) {
    const copy = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('chat.copy'), title: t('chat.copy'), onclick: async () => {
      try {
        await navigator.clipboard.writeText(plainText(getText()));
      } catch {
        // Clipboard API needs a secure context; fall back to a hidden textarea.
        const area = h('textarea', { class: 'sr-only' }, plainText(getText()));
        document.body.append(area);
        area.select();
        document.execCommand('copy');
        area.remove();
      }
      ctx.toast(t('chat.copied'));
    } }, icon('copy'));
    if (!messageId) return [copy];
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
    return [copy, up, down, report, form];
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

  async function send() {
    const question = input.value.trim();
    if (!question || streaming) return;
    hideNotice();
    log.querySelector('.welcome')?.remove();
    const asked = userBubble(question);
    const answer = answerView();
    log.append(asked, answer.el);
    log.scrollTop = log.scrollHeight;
    input.value = '';
    autosize();

    const controller = new AbortController();
    streaming = controller;
    stopButton.hidden = false;
    sendButton.disabled = true;
    let meta = null;
    let done = null;
    let failed = null;
    try {
      await streamEvents('api/chat', {
        method: 'POST',
        body: { question, conversationId: selectedId },
        signal: controller.signal,
        onEvent(name, data) {
          if (name === 'meta') {
            meta = data;
            if (!selectedId) {
              selectedId = data.conversationId;
              const title = question.length > 40 ? question.slice(0, 40) + '…' : question;
              conversations.unshift({ conversationId: data.conversationId, title, messageCount: 0 });
              setTitle(title);
              renderList();
            }
          } else if (name === 'sources') answer.setSources(data);
          else if (name === 'delta') {
            answer.append(data.text);
            if (log.scrollHeight - log.scrollTop - log.clientHeight < 120) log.scrollTop = log.scrollHeight;
          } else if (name === 'done') done = data;
          else if (name === 'error') failed = data;
        },
      });
      if (failed) {
        answer.finish({ messageId: meta?.messageId });
        showNotice(errorMessage(new ApiError(503, { type: failed.code, title: failed.message }, failed.retryAfterSeconds)));
      } else {
        answer.finish({ messageId: meta?.messageId, usage: done?.usage, latencyMs: done?.latencyMs, noResult: done?.noResult, stopped: !done });
      }
    } catch (e) {
      if (e.name === 'AbortError') {
        answer.finish({ messageId: meta?.messageId, stopped: true });
      } else {
        // Refused before anything streamed (rate limit, budget): take the bubbles back and say when to retry.
        if (!meta) {
          asked.remove();
          answer.el.remove();
          input.value = question;
        } else answer.finish({ messageId: meta.messageId });
        showNotice(errorMessage(e), e instanceof ApiError && (e.type === 'rate_limited' || e.type === 'budget_exhausted') ? e : undefined);
      }
    } finally {
      streaming = null;
      stopButton.hidden = true;
      sendButton.disabled = false;
      log.scrollTop = log.scrollHeight;
      input.focus();
      ctx.refreshMe();
    }
  }

  loadConversations();
  if (selectedId) selectConversation(selectedId);
  else newConversation();

  return () => {
    streaming?.abort();
    clearInterval(waitTimer);
    document.removeEventListener('keydown', onKey);
    closeSourcePanel();
  };
}
