/**
 * Where Monaco gets its editor worker. A VS Code webview may not start a worker from a script URL of
 * another origin (its resources are served from one), so the worker script is fetched as text and
 * started from a blob: the same code path then works in the webview and in a browser, and the
 * policy needs only `worker-src blob:`.
 */
import { pageConfig } from '../page-config';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Promise<Worker> | Worker };
  }
}

let source: Promise<string> | undefined;

export function installMonacoWorker(): void {
  window.MonacoEnvironment = {
    async getWorker() {
      const uri = pageConfig.workerUri;
      if (uri === null) throw new Error('the page names no editor worker');
      source ??= fetch(uri).then((r) => {
        if (!r.ok) throw new Error(`editor worker: HTTP ${r.status}`);
        return r.text();
      });
      const url = URL.createObjectURL(new Blob([await source], { type: 'text/javascript' }));
      return new Worker(url, { name: 'editor.worker' });
    },
  };
}
