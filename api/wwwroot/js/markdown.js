// Answers as Markdown: markdown-it parses (raw HTML off), DOMPurify sanitizes the result into DOM nodes, and the nodes are
// then finished here: citations [n] become buttons, code blocks get a language label and a copy button, links open in a
// new tab without access to this page, tables scroll sideways on their own. Model or document text never runs.
import MarkdownIt from '../vendor/markdown-it.js';
import DOMPurify from '../vendor/purify.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
// Images would load from anywhere the model names (the CSP blocks them anyway); they stay as their Markdown text.
md.disable('image');

const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 's', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const ALLOWED_ATTR = ['href', 'title', 'start', 'class'];
const SAFE_LINK = /^(https?:|mailto:)/i;
const CITATION = /\[(\d{1,3})\]/g;
const HAS_CITATION = /\[\d{1,3}\]/;

/**
 * @param {string} text
 * @param {{ citation?: (n: number, context: string) => HTMLElement | null }} options
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text, options = {}) {
  const html = md.render(String(text ?? ''));
  const fragment = DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, RETURN_DOM_FRAGMENT: true });
  finishHeadings(fragment);
  finishLinks(fragment);
  finishTables(fragment);
  finishCode(fragment);
  if (options.citation) finishCitations(fragment, options.citation);
  return fragment;
}

// Answers sit inside a page with its own h1/h2: their headings start at h3.
function finishHeadings(root) {
  for (const el of root.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Math.min(6, Number(el.tagName[1]) + 2);
    const next = h('h' + level, { class: 'md-heading' });
    next.append(...el.childNodes);
    el.replaceWith(next);
  }
}

function finishLinks(root) {
  for (const a of root.querySelectorAll('a')) {
    const href = a.getAttribute('href') ?? '';
    if (!SAFE_LINK.test(href)) {
      a.replaceWith(...a.childNodes);
      continue;
    }
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
}

function finishTables(root) {
  for (const table of root.querySelectorAll('table')) {
    const wrap = h('div', { class: 'md-table' });
    table.replaceWith(wrap);
    wrap.append(table);
  }
}

function finishCode(root) {
  for (const pre of root.querySelectorAll('pre')) {
    const code = pre.querySelector('code');
    const language = /(?:^|\s)language-([\w+#.-]+)/.exec(code?.className ?? '')?.[1] ?? '';
    const copy = h('button', { type: 'button', class: 'code-copy', 'aria-label': t('md.copyCode'), 'data-testid': 'copy-code',
      onclick: async () => {
        await copyText(code?.textContent ?? pre.textContent);
        copy.textContent = t('chat.copied');
        setTimeout(() => { copy.replaceChildren(icon('copy'), h('span', null, t('md.copy'))); }, 1500);
      } }, icon('copy'), h('span', null, t('md.copy')));
    const head = h('div', { class: 'code-head' }, h('span', { class: 'code-lang', 'data-testid': 'code-lang' }, language || t('md.code')), copy);
    const block = h('div', { class: 'code-block' }, head);
    pre.replaceWith(block);
    pre.tabIndex = 0;
    pre.setAttribute('aria-label', language ? t('md.codeIn', { language }) : t('md.code'));
    block.append(pre);
  }
}

// Citations are found in text only: never inside code, links or the copy buttons added above.
function finishCitations(root, citation) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: node => node.parentElement?.closest('code, pre, a, button') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (HAS_CITATION.test(n.data)) nodes.push(n);
  for (const node of nodes) {
    const context = node.parentElement?.closest('p, li, td, th, blockquote')?.textContent ?? node.data;
    const parts = [];
    let last = 0;
    for (const match of node.data.matchAll(CITATION)) {
      if (match.index > last) parts.push(document.createTextNode(node.data.slice(last, match.index)));
      parts.push(citation(Number(match[1]), sentenceAround(context, match[0])) ?? document.createTextNode(match[0]));
      last = match.index + match[0].length;
    }
    if (last < node.data.length) parts.push(document.createTextNode(node.data.slice(last)));
    node.replaceWith(...parts);
  }
}

/** The sentence of `text` that carries `marker` (the claim a citation supports), without citation markers. */
export function sentenceAround(text, marker) {
  const at = text.indexOf(marker);
  if (at < 0) return text.replace(CITATION, '').trim();
  // A marker after the full stop ("…입니다. [1]") belongs to the sentence before it.
  const before = text.slice(0, at).replace(CITATION, '').replace(/[\s.!?]+$/, '');
  const boundary = Math.max(...['. ', '! ', '? ', '\n'].map(b => { const i = before.lastIndexOf(b); return i < 0 ? 0 : i + b.length; }));
  return before.slice(boundary).trim() || text.replace(CITATION, '').trim();
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // The Clipboard API needs a secure context; fall back to a hidden textarea.
    const area = h('textarea', { class: 'sr-only', 'aria-hidden': 'true', tabindex: '-1' }, text);
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

/** Plain text of an answer for copying: citations stay, emphasis marks go. */
export function plainText(text) {
  return String(text ?? '').replace(/\*\*([^*]+)\*\*/g, '$1');
}
