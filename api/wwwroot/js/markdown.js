// A small, safe Markdown renderer: it builds DOM nodes and sets text with textContent only, so model or document
// text can never become markup. Supports paragraphs, line breaks, headings, lists, fenced code, **bold**, `code`,
// and citations [n] (rendered as buttons when a citation handler is given).
import { h } from './dom.js';

/**
 * @param {string} text
 * @param {{ citation?: (n: number) => HTMLElement | null }} options
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text, options = {}) {
  const fragment = document.createDocumentFragment();
  const lines = String(text ?? '').replace(/\r\n?/g, '\n').split('\n');
  let paragraph = [];
  let list = null;

  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    const p = h('p');
    paragraph.forEach((line, i) => {
      if (i > 0) p.append(h('br'));
      appendInline(p, line, options);
    });
    fragment.append(p);
    paragraph = [];
  };
  const flushList = () => {
    if (list) fragment.append(list.el);
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*```/.exec(line);
    if (fence) {
      flushParagraph();
      flushList();
      const code = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) code.push(lines[i]);
      const el = h('code');
      el.textContent = code.join('\n');
      fragment.append(h('pre', null, el));
      continue;
    }
    if (/^\s*$/.test(line)) {
      flushParagraph();
      flushList();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flushParagraph();
      flushList();
      const level = Math.min(6, heading[1].length + 2); // answers sit inside a page: h3 and below
      const el = h('h' + level, { class: 'md-heading' });
      appendInline(el, heading[2], options);
      fragment.append(el);
      continue;
    }
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      const ordered = item[2] !== undefined;
      if (!list || list.ordered !== ordered) {
        flushList();
        list = { ordered, el: h(ordered ? 'ol' : 'ul') };
        if (ordered && item[2] !== '1') list.el.setAttribute('start', item[2]);
      }
      const li = h('li');
      appendInline(li, item[3], options);
      list.el.append(li);
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // a continuation line of the last list item
      const last = list.el.lastElementChild;
      last.append(h('br'));
      appendInline(last, line.trim(), options);
      continue;
    }
    flushList();
    paragraph.push(line);
  }
  flushParagraph();
  flushList();
  return fragment;
}

const INLINE = /(\*\*[^*\n]+?\*\*|__[^_\n]+?__|`[^`\n]+`|\[\d{1,3}\])/g;

function appendInline(parent, text, options) {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
    const token = match[0];
    if (token.startsWith('**') || token.startsWith('__')) {
      const strong = h('strong');
      appendInline(strong, token.slice(2, -2), options);
      parent.append(strong);
    } else if (token.startsWith('`')) {
      const code = h('code');
      code.textContent = token.slice(1, -1);
      parent.append(code);
    } else {
      const n = Number(token.slice(1, -1));
      const button = options.citation?.(n);
      parent.append(button ?? document.createTextNode(token));
    }
    last = match.index + token.length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

/** Plain text of an answer for copying: citations and markup stay as typed. */
export function plainText(text) {
  return String(text ?? '').replace(/\*\*([^*]+)\*\*/g, '$1');
}
