// Company-account sign-in (OpenID Connect): the button on the sign-in page, and the return from the provider
// (#/sso: exchange the short hand-over cookie for the product's token; #/sso-error/<code>: say why it was refused).
import { h } from './dom.js';
import { t } from './i18n.js';
import { request, apiUrl, session, errorMessage } from './api.js';

/** Handles a return from the provider. Returns { signedIn: true } or { notice } or null when this is no return. */
export async function completeSsoReturn() {
  const hash = location.hash.replace(/^#\/?/, '');
  if (hash !== 'sso' && !hash.startsWith('sso-error/')) return null;
  history.replaceState(null, '', location.pathname + location.search + '#/chat');
  if (hash.startsWith('sso-error/')) {
    const code = hash.slice('sso-error/'.length).replace(/[^a-z_]/g, '');
    const key = 'sso.err.' + code;
    const text = t(key);
    return { notice: text === key ? t('sso.err.sso_failed') : text };
  }
  try {
    const login = await request('api/auth/sso/token', { method: 'POST' });
    session.save(login.accessToken, false, login.refreshToken);
    return { signedIn: true };
  } catch (e) {
    return { notice: errorMessage(e) };
  }
}

/** A "sign in with company account" block for the sign-in card, shown only when the server has SSO configured. */
export function ssoBlock() {
  const block = h('div', { class: 'sso', hidden: true, 'data-testid': 'sso' });
  request('api/auth/sso').then(info => {
    if (!info?.enabled) return;
    const label = info.displayName ? t('sso.buttonNamed', { name: info.displayName }) : t('sso.button');
    block.append(
      h('a', { class: 'btn btn-block sso-button', href: apiUrl('api/auth/sso/login'), 'data-testid': 'sso-button' }, label),
      h('p', { class: 'sso-or muted' }, t('sso.or')));
    block.hidden = false;
  }).catch(() => { /* no SSO: password sign-in only */ });
  return block;
}
