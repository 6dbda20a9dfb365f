// The drill from one gold row to the silver rows and raw bronze events behind it, with offsets.
import type { GoldRowRef, LineageResult } from '../../sandbox/protocol/inspector';
import { el } from '../dom';
import { smallTable } from './small-table';

const positionColumns = ['_topic', '_partition', '_offset', '_key', '_timestamp'];

export function lineageView(ref: GoldRowRef, trace: LineageResult): HTMLElement {
  const section = (title: string, icon: string, body: HTMLElement, count: number) =>
    el('section', { class: 'drill-section' }, el('h3', {}, el('span', { class: `codicon codicon-${icon}` }), el('span', { text: ` ${title} (${count})` })), body);
  const notes = [
    ...trace.unresolved.slice(0, 5).map((p) => `Position ${p.t}/${p.p}/${p.o} is named by lineage but not in the warehouse yet.`),
    ...trace.truncated.map((t) => `${t.topic}/${t.partition}/${t.offset}: the runner left ${t.omitted} positions out of its lineage.`),
  ];
  return el(
    'div',
    { class: 'lineage-view', attrs: { 'data-testid': 'lineage' } },
    el('h2', { text: `Lineage of ${ref.table} @ partition ${ref.partition}, offset ${ref.offset}` }),
    ...notes.map((n) => el('div', { class: 'note', text: n })),
    section('Gold row', 'star-full', smallTable(trace.gold, { first: positionColumns, hide: ['_lineage'] }), trace.gold.rows.length),
    section('Silver rows', 'layers', smallTable(trace.silver, { first: positionColumns, hide: ['_lineage'] }), trace.silver.rows.length),
    section('Bronze events', 'archive', smallTable(trace.bronze, { first: [...positionColumns, '_raw'], hide: ['_lineage'] }), trace.bronze.rows.length),
  );
}
