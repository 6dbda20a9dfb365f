// Serves the built webview bundle (dist/webview) by name only: no folders, no paths out of it.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.json': 'application/json',
};

export function serveAsset(webviewDir: string, name: string, response: ServerResponse): void {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) {
    response.writeHead(400).end('bad asset name');
    return;
  }
  const file = path.join(webviewDir, name);
  if (!existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404).end(`no asset ${name}; was the webview built (npm run build)?`);
    return;
  }
  response.writeHead(200, {
    'content-type': types[path.extname(name)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  createReadStream(file).pipe(response);
}
