/**
 * What survives hiding the panel (VS Code discards a hidden webview's page) or reloading the tab:
 * the SQL, the history, the view of the result and the open tab. Kept with `vscode.setState` in
 * VS Code and in sessionStorage in a browser.
 */
import type { ResultView } from '../sandbox/protocol/inspector';
import { vsCode } from './transport';

export interface SavedState {
  sql: string;
  history: string[];
  view: ResultView;
  tab: string;
  chart?: { kind: 'time' | 'bars'; x: string; y: string[] };
  columnWidths?: Record<string, number>;
}

const key = 'medallion-inspector';
const maxHistory = 50;

export function loadState(): SavedState | undefined {
  const api = vsCode();
  const raw = api !== undefined ? api.getState() : JSON.parse(sessionStorage.getItem(key) ?? 'null');
  return raw === null || raw === undefined ? undefined : (raw as SavedState);
}

export function saveState(state: SavedState): void {
  const api = vsCode();
  if (api !== undefined) api.setState(state);
  else sessionStorage.setItem(key, JSON.stringify(state));
}

/** The history with `sql` first, without duplicates, bounded. */
export function withHistory(history: string[], sql: string): string[] {
  return [sql, ...history.filter((h) => h !== sql)].slice(0, maxHistory);
}
