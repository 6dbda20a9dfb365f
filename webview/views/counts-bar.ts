// Rows per layer, with side outputs, updated live from the host's counts/changed events.
import type { LayerTotals } from '../../sandbox/protocol/inspector';
import { el } from '../dom';

export function renderCounts(host: HTMLElement, layers: LayerTotals[]): void {
  host.replaceChildren(
    ...layers.map((l) => {
      const side = [l.quarantined ? `${l.quarantined} quarantined` : '', l.late ? `${l.late} late` : '', l.deadLetter ? `${l.deadLetter} dead letters` : ''].filter(Boolean).join(', ');
      return el('span', { class: `count-chip ${l.layer}`, title: side || 'no side-output records', attrs: { 'data-layer': l.layer } }, el('span', { class: `layer-dot ${l.layer}` }), el('span', { text: `${l.layer} ${l.rows.toLocaleString('en-US')}` }), side ? el('span', { class: 'side-count', text: ` (${side})` }) : null);
    }),
  );
}
