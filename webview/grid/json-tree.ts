// A JSON value as a tree of <details> elements: objects and arrays fold, scalars show typed.
import type { JsonValue } from '../../sandbox/protocol/inspector';
import { el } from '../dom';

function scalar(value: JsonValue): HTMLElement {
  const kind = value === null ? 'null' : typeof value;
  return el('span', { class: `json-${kind}`, text: kind === 'string' ? JSON.stringify(value) : String(value) });
}

export function jsonTree(value: JsonValue, label?: string, open = true): HTMLElement {
  const name = label === undefined ? null : el('span', { class: 'json-key', text: `${label}: ` });
  if (value === null || typeof value !== 'object') return el('div', { class: 'json-leaf' }, name, scalar(value));
  const entries: [string, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const summary = el('summary', {}, name, el('span', { class: 'json-shape', text: Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}` }));
  const details = el('details', { class: 'json-node' }, summary, ...entries.map(([k, v]) => jsonTree(v, k, false)));
  details.open = open;
  return details;
}

/** Text in a JSON column parses to its value; anything else stays as it is. */
export function asJson(value: JsonValue, type: string): JsonValue {
  if (typeof value === 'string' && type === 'JSON') {
    try {
      return JSON.parse(value) as JsonValue;
    } catch {
      return value;
    }
  }
  return value;
}

export function isNested(value: JsonValue, type: string): boolean {
  return (value !== null && typeof value === 'object') || (type === 'JSON' && typeof value === 'string' && /^\s*[[{]/.test(value));
}
