/**
 * The window debugger: time as the engine saw it for one gold window. The picture on top, then the
 * records that fell in the window, the late ones with why, and the watermark as it advanced.
 */
import type { GoldRowRef, RowSet, WindowDebug } from '../../sandbox/protocol/inspector';
import { el, formatTime } from '../dom';
import { columnIndex, smallTable } from './small-table';
import { windowTimeline } from './window-timeline';

export function windowDebugger(ref: GoldRowRef, debug: WindowDebug): HTMLElement {
  const counted = debug.countedColumn;
  const countedRows = debug.events.rows.filter((r) => r[counted] === true).length;
  const watermarkSet: RowSet | undefined = debug.watermarks.available
    ? { columns: [{ name: 'at', type: 'TIMESTAMP' }, { name: 'watermark', type: 'TIMESTAMP' }, { name: 'task', type: 'VARCHAR' }], rows: debug.watermarks.points.map((p) => [formatTime(p.at), formatTime(p.watermark), p.task]), truncated: false }
    : undefined;
  const watermarkPassedEnd = debug.watermarks.available ? debug.watermarks.points.find((p) => p.watermark >= debug.window.end) : undefined;
  const summary = [
    `Window [${formatTime(debug.window.start)}, ${formatTime(debug.window.end)}) of ${debug.window.layer}${debug.window.key === null ? '' : ` for key ${debug.window.key}`}.`,
    `${debug.events.rows.length} upstream records in range or in its lineage, ${countedRows} counted in it; ${debug.late.rows.length} came late.`,
    watermarkPassedEnd ? `The watermark passed the window's end at ${formatTime(watermarkPassedEnd.at)} (reported ${formatTime(watermarkPassedEnd.watermark)}), which closed it.` : '',
  ].filter(Boolean);
  const lateTime = columnIndex(debug.late, 'event_time_ms');
  const lateWm = columnIndex(debug.late, 'watermark_ms');
  const lateWithBehind: RowSet = {
    columns: [{ name: 'behind_watermark_s', type: 'DOUBLE' }, ...debug.late.columns],
    rows: debug.late.rows.map((r) => [Number.isFinite(Number(r[lateWm])) ? (Number(r[lateWm]) - Number(r[lateTime])) / 1000 : null, ...r]),
    truncated: debug.late.truncated,
  };
  return el(
    'div',
    { class: 'window-debugger', attrs: { 'data-testid': 'window-debugger' } },
    el('h2', { text: `Window debugger: ${ref.table} @ ${ref.partition}/${ref.offset}` }),
    ...summary.map((s) => el('p', { class: 'summary', text: s })),
    windowTimeline(debug),
    debug.watermarks.available ? null : el('div', { class: 'note watermark-missing', text: debug.watermarks.message }),
    ...debug.notes.map((n) => el('div', { class: 'note', text: n })),
    el('h3', { text: `Records in the window (${debug.events.rows.length})` }),
    smallTable(debug.events, { first: ['counted', 'event_time_ms', '_key', '_topic', '_partition', '_offset', 'watermark_at_emit'], rowClass: (r) => (r[counted] === true ? 'counted' : 'not-counted') }),
    el('h3', { text: `Late records (${debug.late.rows.length})${debug.lateTables.length ? ` from ${debug.lateTables.join(', ')}` : ''}` }),
    el('div', { class: 'note', text: 'These came behind the watermark and were sent to the late output, each with the reason the operator gave. A late record a layer drops without a late output leaves no row; the engine only counts it.' }),
    smallTable(lateWithBehind, { first: ['reason', 'behind_watermark_s', 'event_time_ms', 'watermark_ms'], rowClass: () => 'late' }),
    watermarkSet ? el('h3', { text: `Watermark as it advanced (${watermarkSet.rows.length} reports from ${debug.watermarks.available ? debug.watermarks.table : ''})` }) : null,
    watermarkSet ? smallTable(watermarkSet) : null,
  );
}
