// The renderer's only door to the terminal (ARCHITECTURE §2). Electron's preload or the
// browser-mode client (pos-client.ts) puts it on window before the app starts.
import type { PosApi } from '../contract/api';

declare global {
  interface Window {
    pos?: PosApi;
  }
}

export function pos(): PosApi {
  const api = window.pos;
  if (!api) throw new Error('window.pos is missing: no host installed the PosApi');
  return api;
}
