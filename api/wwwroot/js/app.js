// The shell: sign-in, the top bar (navigation, remaining tokens, language), and hash routes #/chat, #/documents, #/admin.
import { h, clear, formatNumber } from './dom.js';
import { t, setLang, currentLang, onLangChange } from './i18n.js';
import { request, session, errorMessage, ApiError, ensureFreshToken } from './api.js';
import { mountChat } from './chat.js';
import { mountDocuments } from './documents.js';
import { mountAdmin } from './admin.js';
import { mountAudit } from './audit.js';

const root = document.getElementById('app');
const ctx = {
  me: null,
  toast,
  refreshMe,
  signOut,
};
let unmount = null;
let authNotice = '';

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const name = hash.split('/')[0];
  if (name === 'documents') return 'documents';
  if (name === 'admin') return ctx.me?.role === 'admin' ? 'admin' : 'chat';
  if (name === 'audit') return ctx.me?.role === 'admin' ? 'audit' : 'chat';
  return 'chat';
}

async function start() {
  if (session.token && session.expired() && !(await ensureFreshToken())) {
    session.clear();
    authNotice = t('auth.expired');
  }
  if (session.token) {
    try {
      ctx.me = await request('api/auth/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        session.clear();
        authNotice = e.type === 'token_expired' ? t('auth.expired') : '';
      } else {
        authNotice = errorMessage(e);
      }
    }
  }
  render();
}

function render() {
  unmount?.();
  unmount = null;
  clear(root);
  root.removeAttribute('aria-busy');
  document.title = t('app.title');
  document.querySelector('.skip-link').textContent = t('app.skip');
  if (!ctx.me) {
    root.append(authView());
    return;
  }
  const view = route();
  const main = h('main', { id: 'main', class: 'main view-' + view, tabindex: '-1' });
  root.append(topBar(view), main, h('div', { id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite' }));
  const mount = { chat: mountChat, documents: mountDocuments, admin: mountAdmin, audit: mountAudit }[view];
  unmount = mount(main, ctx);
  updateLimits();
}

function topBar(view) {
  const link = (name, label) => h('a', { href: '#/' + name, class: 'nav-link', 'aria-current': view === name ? 'page' : undefined }, label);
  return h('header', { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '知'), h('span', { class: 'brand-name' }, t('app.title'))),
    h('nav', { class: 'nav', 'aria-label': t('nav.main') },
      link('chat', t('nav.chat')),
      link('documents', t('nav.documents')),
      ctx.me.role === 'admin' ? link('admin', t('nav.admin')) : null,
      ctx.me.role === 'admin' ? link('audit', t('nav.audit')) : null),
    h('div', { class: 'limits', id: 'limits', role: 'status', 'aria-live': 'polite', 'data-testid': 'limits' }),
    h('div', { class: 'topbar-actions' },
      h('span', { class: 'who', title: ctx.me.email }, ctx.me.displayName),
      h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': t('lang.switchLabel'), onclick: () => setLang(currentLang() === 'ko' ? 'en' : 'ko') }, t('lang.switch')),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => signOut(t('auth.signedOut')) }, t('nav.signOut'))));
}

function updateLimits() {
  const el = document.getElementById('limits');
  if (!el || !ctx.me) return;
  const b = ctx.me.budget;
  el.textContent = '';
  el.append(h('span', { class: 'limits-label' }, t('limits.label')), ' ',
    h('span', { class: 'limits-value' }, t('limits.text', { day: formatNumber(b.remainingToday), month: formatNumber(b.remainingThisMonth) })));
  el.title = t('limits.title', {
    usedDay: formatNumber(b.usedToday), limitDay: formatNumber(b.dailyTokens),
    usedMonth: formatNumber(b.usedThisMonth), limitMonth: formatNumber(b.monthlyTokens), rpm: ctx.me.rateLimitPerMinute,
  });
  const low = b.remainingToday < b.dailyTokens * 0.1;
  el.classList.toggle('limits-low', low);
}

async function refreshMe() {
  try {
    ctx.me = await request('api/auth/me');
    updateLimits();
  } catch { /* the next call reports it */ }
}

function signOut(message) {
  const refreshToken = session.refreshToken;
  if (refreshToken) request('api/auth/logout', { method: 'POST', body: { refreshToken } }).catch(() => {});
  session.clear();
  ctx.me = null;
  authNotice = message ?? '';
  history.replaceState(null, '', location.pathname + location.search);
  render();
}

let toastTimer;
function toast(message) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), 3500);
}

function authView() {
  let mode = 'signIn';
  const error = h('p', { class: 'form-error', role: 'alert', id: 'auth-error' });
  const notice = h('p', { class: 'form-notice', role: 'status' }, authNotice);
  authNotice = '';
  const email = h('input', { id: 'auth-email', name: 'email', type: 'email', autocomplete: 'username', required: true, 'aria-describedby': 'auth-error' });
  const password = h('input', { id: 'auth-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'auth-error auth-password-hint' });
  const name = h('input', { id: 'auth-name', name: 'displayName', type: 'text', autocomplete: 'name', maxlength: '100' });
  const remember = h('input', { id: 'auth-remember', type: 'checkbox' });
  const nameRow = h('div', { class: 'field', hidden: true }, h('label', { for: 'auth-name' }, t('auth.name')), name);
  const title = h('h1', { id: 'auth-title' }, t('auth.signIn'));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('auth.signIn'));
  const toggle = h('button', { type: 'button', class: 'btn btn-link', onclick: () => setMode(mode === 'signIn' ? 'signUp' : 'signIn') }, t('auth.toSignUp'));
  const forgot = h('button', { type: 'button', class: 'btn btn-link', onclick: onForgot }, t('auth.forgot'));
  const hint = h('small', { id: 'auth-password-hint', class: 'muted', hidden: true }, t('auth.passwordHint'));

  function setMode(next) {
    mode = next;
    const up = mode === 'signUp';
    title.textContent = t(up ? 'auth.signUp' : 'auth.signIn');
    submit.textContent = t(up ? 'auth.signUp' : 'auth.signIn');
    toggle.textContent = t(up ? 'auth.toSignIn' : 'auth.toSignUp');
    nameRow.hidden = !up;
    hint.hidden = !up;
    forgot.hidden = up;
    name.required = up;
    password.autocomplete = up ? 'new-password' : 'current-password';
    error.textContent = '';
    email.focus();
  }

  async function onSubmit(event) {
    event.preventDefault();
    error.textContent = '';
    notice.textContent = '';
    const address = email.value.trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return fail(t('err.email_invalid'), email);
    if (mode === 'signUp' && password.value.length < 10) return fail(t('err.password_short'), password);
    if (!password.value) return fail(t('err.password_required'), password);
    if (mode === 'signUp' && !name.value.trim()) return fail(t('err.name_required'), name);
    submit.disabled = true;
    try {
      if (mode === 'signUp') {
        await request('api/auth/register', { method: 'POST', body: { email: address, password: password.value, displayName: name.value.trim() } });
        // The account exists once the address is proven: the mailed link opens account.html, which confirms it.
        setMode('signIn');
        notice.textContent = t('auth.checkMail', { email: address });
        return;
      }
      const login = await request('api/auth/login', { method: 'POST', body: { email: address, password: password.value } });
      session.save(login.accessToken, remember.checked, login.refreshToken);
      ctx.me = await request('api/auth/me');
      render();
    } catch (e) {
      fail(errorMessage(e), ['email_domain_not_allowed', 'email_taken', 'email_not_verified', 'invalid_request'].includes(e.type) ? email : password);
    } finally {
      submit.disabled = false;
    }
  }

  async function onForgot() {
    error.textContent = '';
    notice.textContent = '';
    const address = email.value.trim();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return fail(t('err.email_invalid'), email);
    try {
      await request('api/auth/password-reset', { method: 'POST', body: { email: address } });
      notice.textContent = t('auth.resetSent', { email: address });
    } catch (e) {
      fail(errorMessage(e), email);
    }
  }

  function fail(message, field) {
    error.textContent = message;
    field?.focus();
  }

  const form = h('form', { class: 'auth-card', 'aria-labelledby': 'auth-title', novalidate: true, onsubmit: onSubmit },
    h('div', { class: 'auth-head' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '知'),
      h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': t('lang.switchLabel'), onclick: () => setLang(currentLang() === 'ko' ? 'en' : 'ko') }, t('lang.switch'))),
    title,
    h('p', { class: 'muted' }, t('auth.intro')),
    notice,
    h('div', { class: 'field' }, h('label', { for: 'auth-email' }, t('auth.email')), email),
    h('div', { class: 'field' }, h('label', { for: 'auth-password' }, t('auth.password')), password, hint),
    nameRow,
    h('label', { class: 'check' }, remember, ' ', t('auth.remember')),
    error,
    submit,
    forgot,
    toggle);
  queueMicrotask(() => email.focus());
  return h('div', { class: 'auth-page', id: 'main' }, form);
}

window.addEventListener('kb:expired', event => {
  if (!ctx.me) return;
  const type = event.detail?.type;
  signOut(type === 'token_expired' ? t('auth.expired') : type === 'session_ended' ? t('err.session_ended') : t('err.unauthorized'));
});
window.addEventListener('hashchange', () => { if (ctx.me) render(); });
onLangChange(() => render());
start();
