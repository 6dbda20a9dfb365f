// A fresh nonce per page: the webview's Content-Security-Policy runs only scripts that carry it.
import { randomBytes } from 'node:crypto';

export function createNonce(): string {
  return randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}
