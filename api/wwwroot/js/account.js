// The page mailed links open (account.html?action=verify|reset|invite&token=…): confirms an address, sets a new
// password, or accepts an invitation, then points to sign-in.
import { h, clear } from './dom.js';
import { t, setLang, currentLang, onLangChange } from './i18n.js';
import { request, errorMessage } from './api.js';

const root = document.getElementById('app');
const params = new URLSearchParams(location.search);
const action = params.get('action');
const token = params.get('token') ?? '';
// The token stays out of the address bar (and of history and screenshots) once read.
history.replaceState(null, '', location.pathname);
let outcome = null;

function card(...children) {
  return h('div', { class: 'auth-page', id: 'main' },
    h('div', { class: 'auth-card' },
      h('div', { class: 'auth-head' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '知'),
        h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': t('lang.switchLabel'), onclick: () => setLang(currentLang() === 'ko' ? 'en' : 'ko') }, t('lang.switch'))),
      ...children));
}

function done(message, isError) {
  outcome = { message, isError };
  render();
}

function signInLink() {
  return h('a', { class: 'btn btn-primary btn-block', href: './' }, t('account.toSignIn'));
}

function passwordForm(title, withName, submitLabel, send) {
  const error = h('p', { class: 'form-error', role: 'alert', id: 'account-error' });
  const name = h('input', { id: 'account-name', type: 'text', autocomplete: 'name', maxlength: '100', required: true });
  const password = h('input', { id: 'account-password', type: 'password', autocomplete: 'new-password', required: true, 'aria-describedby': 'account-error account-hint' });
  const confirm = h('input', { id: 'account-confirm', type: 'password', autocomplete: 'new-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, submitLabel);
  async function onSubmit(event) {
    event.preventDefault();
    error.textContent = '';
    if (withName && !name.value.trim()) return fail(t('err.name_required'), name);
    if (password.value.length < 10) return fail(t('err.password_short'), password);
    if (password.value !== confirm.value) return fail(t('account.mismatch'), confirm);
    submit.disabled = true;
    try {
      await send(password.value, name.value.trim());
    } catch (e) {
      fail(errorMessage(e), e.type === 'weak_password' ? password : null);
    } finally {
      submit.disabled = false;
    }
  }
  function fail(message, field) {
    error.textContent = message;
    field?.focus();
  }
  queueMicrotask(() => (withName ? name : password).focus());
  return card(h('form', { novalidate: true, onsubmit: onSubmit },
    h('h1', {}, title),
    withName ? h('div', { class: 'field' }, h('label', { for: 'account-name' }, t('auth.name')), name) : null,
    h('div', { class: 'field' }, h('label', { for: 'account-password' }, t('account.newPassword')), password,
      h('small', { id: 'account-hint', class: 'muted' }, t('auth.passwordHint'))),
    h('div', { class: 'field' }, h('label', { for: 'account-confirm' }, t('account.confirmPassword')), confirm),
    error,
    submit));
}

function render() {
  clear(root);
  root.removeAttribute('aria-busy');
  document.title = t('app.title');
  if (outcome) {
    root.append(card(h('p', { class: outcome.isError ? 'form-error' : 'form-notice', role: outcome.isError ? 'alert' : 'status' }, outcome.message), signInLink()));
    return;
  }
  if (!token || !['verify', 'reset', 'invite'].includes(action)) {
    root.append(card(h('p', { class: 'form-error', role: 'alert' }, t('account.badLink')), signInLink()));
    return;
  }
  if (action === 'verify') {
    root.append(card(h('p', { role: 'status' }, t('account.verifying'))));
    return;
  }
  if (action === 'reset') {
    root.append(passwordForm(t('account.resetTitle'), false, t('account.save'), async password => {
      await request('api/auth/password-reset/confirm', { method: 'POST', body: { token, password } });
      done(t('account.resetDone'));
    }));
    return;
  }
  root.append(passwordForm(t('account.inviteTitle'), true, t('account.join'), async (password, displayName) => {
    await request('api/auth/invitation/accept', { method: 'POST', body: { token, password, displayName } });
    done(t('account.joined'));
  }));
}

async function verify() {
  try {
    await request('api/auth/verify', { method: 'POST', body: { token } });
    done(t('account.verified'));
  } catch (e) {
    done(errorMessage(e), true);
  }
}

onLangChange(() => render());
render();
if (action === 'verify' && token) verify();
