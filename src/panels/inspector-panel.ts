/**
 * The inspector as a VS Code webview panel: the same browser bundle `medallion inspect` serves, with
 * transport 'postmessage'; the extension relays its messages to the inspector server's WebSocket.
 * The panel keeps its context when hidden and is restored after a reload from its saved state.
 */
import * as vscode from 'vscode';
import { MessageRelay, type RelayOptions } from './message-relay';
import { createNonce } from './nonce';
import type { InspectorPageOptions } from '../../sandbox/inspector/page-html';

export const INSPECTOR_VIEW_TYPE = 'medallion.inspector';

export interface InspectorPageSource {
  /** The folder holding the bundle: the only folder the webview may load from. */
  root: vscode.Uri;
  script: string;
  style: string;
  font?: string;
  worker?: string;
  html(options: InspectorPageOptions): string;
}

export class InspectorPanel implements vscode.Disposable {
  private relay: MessageRelay | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static async create(source: InspectorPageSource, wsUrl: string, relayOptions: RelayOptions): Promise<InspectorPanel> {
    const panel = vscode.window.createWebviewPanel(INSPECTOR_VIEW_TYPE, 'Medallion Inspector', vscode.ViewColumn.Active, webviewOptions(source));
    return InspectorPanel.attach(panel, source, wsUrl, relayOptions);
  }

  /** Hosts the inspector in a panel, new or restored after a reload. */
  static async attach(panel: vscode.WebviewPanel, source: InspectorPageSource, wsUrl: string, relayOptions: RelayOptions): Promise<InspectorPanel> {
    panel.webview.options = { enableScripts: true, localResourceRoots: [source.root] };
    // The relay subscribes before the page loads, so the page's first message is not missed.
    const relay = await MessageRelay.open(panel.webview, wsUrl, relayOptions);
    panel.webview.html = pageFor(panel.webview, source);
    return new InspectorPanel(panel, relay);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    relay: MessageRelay,
  ) {
    this.relay = relay;
    this.disposables.push(panel.onDidDispose(() => this.dispose()));
  }

  /** Relays to a restarted server; the page stays as it is. */
  async reconnect(wsUrl: string, relayOptions: RelayOptions): Promise<void> {
    this.relay?.dispose();
    this.relay = await MessageRelay.open(this.panel.webview, wsUrl, relayOptions);
  }

  dispose(): void {
    this.relay?.dispose();
    this.relay = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function webviewOptions(source: InspectorPageSource): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [source.root] };
}

function pageFor(webview: vscode.Webview, source: InspectorPageSource): string {
  const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(source.root, file)).toString();
  return source.html({
    nonce: createNonce(),
    cspSource: webview.cspSource,
    scriptUri: uri(source.script),
    styleUri: uri(source.style),
    ...(source.font ? { fontUri: uri(source.font) } : {}),
    ...(source.worker ? { workerUri: uri(source.worker) } : {}),
    transport: 'postmessage',
  });
}
