// Small DOM builders: elements are made here with properties, never from HTML strings, so no
// markup from a query result can ever become elements or handlers.
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; title?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title !== undefined) node.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A button with a codicon and an accessible name. */
export function iconButton(icon: string, label: string, onClick: () => void, text?: string): HTMLButtonElement {
  const button = el('button', { class: 'icon-button', title: label, attrs: { 'aria-label': label, type: 'button' } }, el('span', { class: `codicon codicon-${icon}` }), text ? el('span', { text }) : null);
  button.addEventListener('click', onClick);
  return button;
}

export function clear(node: Element): void {
  node.replaceChildren();
}

/** Text for a cell: NULL shown as such, objects as compact JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : String(ms);
}
