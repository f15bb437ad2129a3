// The registry of pages the shell can show. A page module calls registerView once at import; app.js imports the modules.
// Routes are hashes: #/name/param1/param2 (see docs/ui.md).

/**
 * @typedef {object} ViewContext
 * @property {object|null} me         the signed-in account (GET api/auth/me), null on public views
 * @property {(message: string) => void} toast
 * @property {() => Promise<void>} refreshMe
 * @property {(message?: string) => void} signOut
 * @property {(params: string[], options?: { replace?: boolean }) => void} navigate   changes this view's hash params
 *
 * @typedef {object} View
 * @property {string} name            the first hash segment (#/name)
 * @property {string} [labelKey]      i18n key of the navigation link; no link without it
 * @property {number} [order]         position in the navigation (lower first)
 * @property {(me: object) => boolean} [allow]   who may open it (signed-in views); default everyone signed in
 * @property {boolean} [public]       shown without signing in, without the top bar (e.g. e-mail verification)
 * @property {(main: HTMLElement, ctx: ViewContext, params: string[]) => (void | (() => void) | { unmount?: () => void, onRoute?: (params: string[]) => void })} mount
 */

const views = new Map();

/** @param {View} view */
export function registerView(view) {
  if (views.has(view.name)) throw new Error(`view ${view.name} registered twice`);
  views.set(view.name, { order: 100, allow: () => true, ...view });
}

export function findView(name) {
  return views.get(name);
}

/** The views with a navigation link that `me` may open, in order. */
export function navigationFor(me) {
  return [...views.values()].filter(v => v.labelKey && !v.public && v.allow(me)).sort((a, b) => a.order - b.order);
}

/** The current hash as a view name and its parameters: #/chat/c_123 -> { name: 'chat', params: ['c_123'] }. */
export function parseHash(hash = location.hash) {
  const [name = '', ...params] = hash.replace(/^#\/?/, '').split('?')[0].split('/').map(decodeURIComponent);
  return { name, params: params.filter(p => p !== '') };
}

export function hashFor(name, params = []) {
  return '#/' + [name, ...params].map(encodeURIComponent).join('/');
}
