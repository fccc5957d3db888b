// What keeps the renderer inside the app (ARCHITECTURE §9): it may show only our own files, never
// navigate or open windows, never obtain a browser permission, and every file it loads carries
// the CSP. Written against small structural types so tests drive it with fakes.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from './window-options';

/** Case-insensitive file systems make `C:\App` and `c:\app` the same file. */
function comparablePath(p: string): string {
  const resolved = path.resolve(p);
  return process.platform === 'win32' || process.platform === 'darwin'
    ? resolved.toLowerCase()
    : resolved;
}

function filePathOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // A host would make it a network share, which is never ours.
  if (parsed.protocol !== 'file:' || parsed.host !== '') return null;
  parsed.hash = '';
  parsed.search = '';
  try {
    return fileURLToPath(parsed);
  } catch {
    return null;
  }
}

/**
 * True only for the renderer's index.html itself (any hash or query, which client-side routing
 * may use). Used both for IPC sender checks and for the navigations we let through.
 */
export function appUrlMatcher(indexHtmlPath: string): (url: string) => boolean {
  const wanted = comparablePath(indexHtmlPath);
  return (url) => {
    const file = filePathOf(url);
    return file !== null && comparablePath(file) === wanted;
  };
}

interface PreventableEvent {
  preventDefault(): void;
}
interface NavigationEvent extends PreventableEvent {
  readonly url: string;
}

/** The parts of Electron's WebContents the guards use. */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Applied to every WebContents the app creates: a link, a form, a script or a drag-and-drop can
 * never take the till's window to another page, and nothing can open a second window.
 */
export function hardenWebContents(
  contents: GuardedContents,
  isAppUrl: (url: string) => boolean,
): void {
  const blockForeign = (event: NavigationEvent): void => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', blockForeign);
  contents.on('will-frame-navigate', blockForeign);
  contents.on('will-redirect', blockForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The parts of Electron's Session the guards use. */
export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  setDevicePermissionHandler(handler: () => boolean): void;
  webRequest: {
    onBeforeRequest(
      filter: { urls: string[] },
      listener: (
        details: { url: string },
        callback: (response: { cancel: boolean }) => void,
      ) => void,
    ): void;
  };
  protocol: {
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
  };
}

/** Anything that would reach past this machine. */
export const REMOTE_URL_PATTERNS = [
  'http://*/*',
  'https://*/*',
  'ws://*/*',
  'wss://*/*',
  'ftp://*/*',
];

/**
 * Locks the renderer's session: every permission (camera, notifications, WebHID, WebSerial, ...)
 * is refused, since devices belong to the main process; no request leaves the machine; file://
 * serves only the renderer folder, with the CSP attached to each response.
 */
export function lockDownSession(
  session: GuardedSession,
  rendererDir: string,
  fetchFile: (fileUrl: string) => Promise<Response>,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: REMOTE_URL_PATTERNS }, (_details, callback) =>
    callback({ cancel: true }),
  );
  session.protocol.handle('file', rendererFileHandler(rendererDir, fetchFile));
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    },
  });
}

/**
 * Answers file:// requests. Outside `rootDir` the answer is 404, so a compromised renderer cannot
 * read the data dir, the terminal's key or anything else on disk. `fetchFile` reads the file
 * itself (in Electron: net.fetch bypassing this very handler).
 */
export function rendererFileHandler(
  rootDir: string,
  fetchFile: (fileUrl: string) => Promise<Response>,
): (request: Request) => Promise<Response> {
  const root = comparablePath(rootDir);
  return async (request) => {
    const file = filePathOf(request.url);
    if (file === null) return plain(400, 'Bad file URL');
    const relative = path.relative(root, comparablePath(file));
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      return plain(404, 'Not found');
    }
    const upstream = await fetchFile(pathToFileURL(file).href);
    const headers = new Headers(upstream.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(upstream.body, {
      status: upstream.status,
      statusText: upstream.statusText,
      headers,
    });
  };
}
