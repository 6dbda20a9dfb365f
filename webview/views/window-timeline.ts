/**
 * The window debugger's picture, on one event-time axis: the window as a band, the records that
 * fell in it (filled when the window counted them), the records that came late (a cross, joined to
 * the watermark they met), and the watermark's reported values in the order they advanced.
 */
import type { WindowDebug } from '../../sandbox/protocol/inspector';
import { formatTime } from '../dom';

const svgNs = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function windowTimeline(debug: WindowDebug): SVGSVGElement {
  const width = 900;
  const lanes = { events: 50, late: 90, watermark: 130 };
  const height = 170;
  const left = 110;
  const right = width - 20;
  const { start, end } = debug.window;
  const times: number[] = [start, end];
  const eventTimes = debug.events.rows.map((r) => Number(r[debug.eventTimeColumn]));
  const lateTime = debug.late.columns.findIndex((c) => c.name === 'event_time_ms');
  const lateWatermark = debug.late.columns.findIndex((c) => c.name === 'watermark_ms');
  const late = debug.late.rows.map((r) => ({ at: Number(r[lateTime]), watermark: Number(r[lateWatermark]) }));
  const marks = debug.watermarks.available ? debug.watermarks.points : [];
  for (const t of eventTimes) times.push(t);
  for (const l of late) times.push(l.at, ...(Number.isFinite(l.watermark) ? [l.watermark] : []));
  for (const m of marks) times.push(m.watermark);
  const finite = times.filter(Number.isFinite);
  const pad = (end - start) * 0.1;
  const min = Math.min(...finite) - pad;
  const max = Math.max(...finite) + pad;
  const x = (t: number) => left + ((t - min) / Math.max(1, max - min)) * (right - left);

  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'timeline', role: 'img', 'aria-label': 'window timeline' });
  root.append(svg('rect', { x: x(start), y: 20, width: Math.max(1, x(end) - x(start)), height: height - 40, class: 'tl-window' }));
  root.append(svg('text', { x: x(start) + 4, y: 16, class: 'tl-label' }, `window [${formatTime(start)}, ${formatTime(end)})`));
  for (const [name, y] of Object.entries(lanes)) {
    root.append(svg('line', { x1: left, x2: right, y1: y, y2: y, class: 'tl-lane' }));
    root.append(svg('text', { x: 4, y: y + 4, class: 'tl-label' }, name === 'events' ? 'events' : name === 'late' ? 'late records' : 'watermark'));
  }
  debug.events.rows.forEach((row, i) => {
    const t = eventTimes[i] as number;
    const counted = row[debug.countedColumn] === true;
    const dot = svg('circle', { cx: x(t), cy: lanes.events, r: 4, class: counted ? 'tl-event counted' : 'tl-event' });
    dot.append(svg('title', {}, `${formatTime(t)}${counted ? ' · counted in this window' : ' · in range, not counted'}`));
    root.append(dot);
  });
  for (const l of late) {
    if (Number.isFinite(l.watermark)) root.append(svg('line', { x1: x(l.at), x2: x(l.watermark), y1: lanes.late, y2: lanes.watermark, class: 'tl-behind' }));
    const cross = svg('path', { d: `M${x(l.at) - 4},${lanes.late - 4}l8,8m0,-8l-8,8`, class: 'tl-late' });
    cross.append(svg('title', {}, `event time ${formatTime(l.at)}, watermark ${formatTime(l.watermark)}: ${((l.watermark - l.at) / 1000).toFixed(1)} s behind`));
    root.append(cross);
  }
  let previous: number | undefined;
  for (const m of marks) {
    if (previous !== undefined) root.append(svg('line', { x1: x(previous), x2: x(m.watermark), y1: lanes.watermark, y2: lanes.watermark, class: 'tl-advance' }));
    const tick = svg('rect', { x: x(m.watermark) - 1, y: lanes.watermark - 6, width: 2, height: 12, class: 'tl-watermark' });
    tick.append(svg('title', {}, `watermark ${formatTime(m.watermark)} reported at ${formatTime(m.at)} by ${m.task}`));
    root.append(tick);
    previous = m.watermark;
  }
  root.append(svg('text', { x: left, y: height - 4, class: 'tl-label' }, formatTime(min)));
  root.append(svg('text', { x: right, y: height - 4, class: 'tl-label', 'text-anchor': 'end' }, formatTime(max)));
  return root;
}
