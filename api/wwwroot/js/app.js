// The shell: sign-in and sign-up, the top bar (navigation, remaining tokens, theme, language) and hash routes to the
// views registered in shell.js. Pages are separate modules; the imports below are the whole list (docs/ui.md).
import { h, clear, formatNumber } from './dom.js';
import { t, setLang, currentLang, onLangChange } from './i18n.js';
import { request, session, errorMessage, ApiError, ensureFreshToken } from './api.js';
import { findView, navigationFor, parseHash, hashFor } from './shell.js';
import { themePicker } from './theme.js';
import { completeSsoReturn, ssoBlock } from './sso.js';
import './chat.js';
import './documents.js';
import './admin.js';
import './audit.js';
import './collections.js';
import './access.js';
import './evaluations.js';

const root = document.getElementById('app');
const ctx = {
  me: null,
  toast,
  refreshMe,
  signOut,
  navigate: () => {},
};
let mounted = null; // { name, unmount, onRoute }
let authNotice = '';
let authOptions = null;

const DEFAULT_VIEW = 'chat';

function resolve() {
  const { name, params } = parseHash();
  const view = findView(name);
  if (view?.public) return { view, params };
  if (!ctx.me) return { view: null, params };
  if (view && view.allow(ctx.me)) return { view, params };
  return { view: findView(DEFAULT_VIEW), params: [] };
}

async function start() {
  const sso = await completeSsoReturn();
  if (sso?.notice) authNotice = sso.notice;
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
  mounted?.unmount?.();
  mounted = null;
  clear(root);
  root.removeAttribute('aria-busy');
  document.title = t('app.title');
  document.querySelector('.skip-link').textContent = t('app.skip');
  const { view, params } = resolve();
  if (!view) {
    root.append(authView(), toastRegion());
    return;
  }
  const main = h('main', { id: 'main', class: 'main view-' + view.name, tabindex: '-1' });
  if (!view.public) root.append(topBar(view.name));
  root.append(main, toastRegion());
  ctx.navigate = (next, { replace = false } = {}) => {
    const hash = hashFor(view.name, next);
    if (hash === location.hash) return;
    // pushState does not fire hashchange: the view already shows what the new address names.
    if (replace) history.replaceState(null, '', hash);
    else history.pushState(null, '', hash);
  };
  const result = view.mount(main, ctx, params);
  mounted = typeof result === 'function' ? { unmount: result } : { ...(result ?? {}) };
  mounted.name = view.name;
  updateLimits();
}

function toastRegion() {
  return h('div', { id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite' });
}

function topBar(current) {
  const links = navigationFor(ctx.me).map(v =>
    h('a', { href: hashFor(v.name), class: 'nav-link', 'aria-current': v.name === current ? 'page' : undefined }, t(v.labelKey)));
  const details = h('div', { class: 'limits-detail', id: 'limits-detail', hidden: true, 'data-testid': 'limits-detail' });
  const limits = h('button', { type: 'button', class: 'limits', id: 'limits', 'aria-expanded': 'false', 'aria-controls': 'limits-detail', 'data-testid': 'limits',
    onclick: () => {
      const open = details.hidden;
      details.hidden = !open;
      limits.setAttribute('aria-expanded', String(open));
    } });
  return h('header', { class: 'topbar' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '知'), h('span', { class: 'brand-name' }, t('app.title'))),
    h('nav', { class: 'nav', 'aria-label': t('nav.main') }, links),
    h('div', { class: 'limits-wrap' }, limits, details),
    h('div', { class: 'topbar-actions' },
      h('span', { class: 'who', title: ctx.me.email }, ctx.me.displayName),
      themePicker(),
      languageButton(),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => signOut(t('auth.signedOut')) }, t('nav.signOut'))));
}

function languageButton() {
  return h('button', { type: 'button', class: 'btn btn-ghost', lang: currentLang() === 'ko' ? 'en' : 'ko', 'aria-label': t('lang.switchLabel'),
    onclick: () => setLang(currentLang() === 'ko' ? 'en' : 'ko') }, t('lang.switch'));
}

function updateLimits() {
  const el = document.getElementById('limits');
  const details = document.getElementById('limits-detail');
  if (!el || !ctx.me) return;
  const b = ctx.me.budget;
  el.replaceChildren(h('span', { class: 'limits-label' }, t('limits.label')), ' ',
    h('span', { class: 'limits-value' }, t('limits.text', { day: formatNumber(b.remainingToday), month: formatNumber(b.remainingThisMonth) })));
  details.replaceChildren(h('dl', null,
    h('dt', null, t('limits.today')), h('dd', null, t('limits.used', { used: formatNumber(b.usedToday), limit: formatNumber(b.dailyTokens) })),
    h('dt', null, t('limits.month')), h('dd', null, t('limits.used', { used: formatNumber(b.usedThisMonth), limit: formatNumber(b.monthlyTokens) })),
    h('dt', null, t('limits.rate')), h('dd', null, t('limits.perMinute', { rpm: ctx.me.rateLimitPerMinute }))));
  el.classList.toggle('limits-low', b.remainingToday < b.dailyTokens * 0.1);
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

/** The sign-in and sign-up form; the address the person came for (a deep link) is kept through it. */
function authView() {
  let mode = 'signIn';
  const error = h('p', { class: 'form-error', role: 'alert', id: 'auth-error' });
  const notice = h('p', { class: 'form-notice', role: 'status' }, authNotice);
  authNotice = '';
  const domainHint = h('small', { id: 'auth-domains', class: 'muted', hidden: true, 'data-testid': 'allowed-domains' });
  const email = h('input', { id: 'auth-email', name: 'email', type: 'email', autocomplete: 'username', required: true, 'aria-describedby': 'auth-error auth-domains' });
  const password = h('input', { id: 'auth-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'auth-error auth-password-hint' });
  const name = h('input', { id: 'auth-name', name: 'displayName', type: 'text', autocomplete: 'name', maxlength: '100' });
  const remember = h('input', { id: 'auth-remember', type: 'checkbox' });
  const nameRow = h('div', { class: 'field', hidden: true }, h('label', { for: 'auth-name' }, t('auth.name')), name);
  const title = h('h1', { id: 'auth-title' }, t('auth.signIn'));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('auth.signIn'));
  const toggle = h('button', { type: 'button', class: 'btn btn-link', 'data-testid': 'auth-toggle', onclick: () => setMode(mode === 'signIn' ? 'signUp' : 'signIn') }, t('auth.toSignUp'));
  const forgot = h('button', { type: 'button', class: 'btn btn-link', onclick: onForgot }, t('auth.forgot'));
  const hint = h('small', { id: 'auth-password-hint', class: 'muted', hidden: true }, t('auth.passwordHint'));

  function showDomains() {
    const domains = authOptions?.emailDomains ?? [];
    domainHint.hidden = mode !== 'signUp' || domains.length === 0;
    domainHint.textContent = t('auth.domains', { domains: domains.map(d => '@' + d).join(', ') });
  }

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
    showDomains();
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
      h('div', { class: 'row' }, themePicker(), languageButton())),
    title,
    h('p', { class: 'muted' }, t('auth.intro')),
    notice,
    ssoBlock(),
    h('div', { class: 'field' }, h('label', { for: 'auth-email' }, t('auth.email')), email, domainHint),
    h('div', { class: 'field' }, h('label', { for: 'auth-password' }, t('auth.password')), password, hint),
    nameRow,
    h('label', { class: 'check' }, remember, ' ', t('auth.remember')),
    error,
    submit,
    forgot,
    toggle);
  queueMicrotask(() => email.focus());
  if (!authOptions) {
    request('api/auth/options').then(o => { authOptions = o; showDomains(); }, () => { /* sign-up still explains a refusal */ });
  }
  return h('main', { class: 'auth-page', id: 'main' }, form);
}

window.addEventListener('kb:expired', event => {
  if (!ctx.me) return;
  const type = event.detail?.type;
  signOut(type === 'token_expired' ? t('auth.expired') : type === 'session_ended' ? t('err.session_ended') : t('err.unauthorized'));
});
window.addEventListener('hashchange', () => {
  const { view, params } = resolve();
  // Within the same view (back/forward between conversations) the view follows the address itself.
  if (view && mounted?.name === view.name && mounted.onRoute) mounted.onRoute(params);
  else render();
});
onLangChange(() => render());
start();
