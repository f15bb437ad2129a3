// Light and dark themes. "system" follows prefers-color-scheme; a choice is remembered in localStorage ("kb.theme").
// The colours themselves are CSS light-dark() pairs in app.css; this only sets color-scheme through data-theme.
import { h } from './dom.js';
import { t } from './i18n.js';

const KEY = 'kb.theme';
const CHOICES = ['system', 'light', 'dark'];

export function currentTheme() {
  const stored = localStorage.getItem(KEY);
  return CHOICES.includes(stored) ? stored : 'system';
}

export function setTheme(value) {
  const theme = CHOICES.includes(value) ? value : 'system';
  if (theme === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, theme);
  apply(theme);
}

function apply(theme) {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.dataset.theme = theme;
}

/** The theme picker (a labelled select: system, light, dark). */
export function themePicker() {
  const id = 'theme-' + Math.random().toString(36).slice(2, 8);
  const select = h('select', { id, class: 'theme-select', 'data-testid': 'theme', onchange: () => setTheme(select.value) },
    CHOICES.map(c => h('option', { value: c }, t('theme.' + c))));
  select.value = currentTheme();
  return h('span', { class: 'theme-picker' }, h('label', { for: id, class: 'sr-only' }, t('theme.label')), select);
}

apply(currentTheme());
