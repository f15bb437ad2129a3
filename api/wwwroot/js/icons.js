// Line icons as inline SVG (emoji fonts are not guaranteed on company machines; these always render).
import { svg } from './dom.js';

const PATHS = {
  copy: ['M9 9h10a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H9a1 1 0 0 1-1-1V10a1 1 0 0 1 1-1z', 'M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1'],
  up: ['M7 10v11H3V10h4z', 'M7 21h10.5a2 2 0 0 0 2-1.6l1.3-6.5A2 2 0 0 0 18.8 10H14V5.5A2.5 2.5 0 0 0 11.5 3L7 10'],
  down: ['M17 14V3h4v11h-4z', 'M17 3H6.5a2 2 0 0 0-2 1.6l-1.3 6.5A2 2 0 0 0 5.2 14H10v4.5a2.5 2.5 0 0 0 2.5 2.5L17 14'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 13h10l1-13', 'M10 11v6', 'M14 11v6'],
  edit: ['M4 20h4L19 9l-4-4L4 16v4z', 'M13.5 6.5l4 4'],
  menu: ['M4 6h16', 'M4 12h16', 'M4 18h16'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  refresh: ['M20 11a8 8 0 1 0-2.3 5.7', 'M20 4v7h-7'],
  'down-arrow': ['M12 5v14', 'M5 12l7 7 7-7'],
  external: ['M14 4h6v6', 'M20 4l-9 9', 'M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5'],
};

export function icon(name) {
  return svg('svg', { viewBox: '0 0 24 24', width: 18, height: 18, fill: 'none', stroke: 'currentColor', 'stroke-width': 2,
    'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', focusable: 'false', class: 'icon' },
    ...PATHS[name].map(d => svg('path', { d })));
}
