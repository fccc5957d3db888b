import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  appUrlMatcher,
  hardenWebContents,
  lockDownSession,
  REMOTE_URL_PATTERNS,
  rendererFileHandler,
  type GuardedContents,
  type GuardedSession,
} from './guards';
import { CONTENT_SECURITY_POLICY } from './window-options';

const rendererDir = path.resolve('/opt/venue-pos/dist/renderer');
const indexHtml = path.join(rendererDir, 'index.html');
const indexUrl = pathToFileURL(indexHtml).href;

describe('appUrlMatcher', () => {
  const isAppUrl = appUrlMatcher(indexHtml);

  it('accepts our index.html, with any client-side route', () => {
    expect(isAppUrl(indexUrl)).toBe(true);
    expect(isAppUrl(`${indexUrl}#/sale`)).toBe(true);
    expect(isAppUrl(`${indexUrl}?lang=zh`)).toBe(true);
  });

  it('refuses every other page', () => {
    expect(isAppUrl('https://evil.example/index.html')).toBe(false);
    expect(isAppUrl(pathToFileURL(path.join(rendererDir, 'other.html')).href)).toBe(false);
    expect(isAppUrl(pathToFileURL('/tmp/index.html').href)).toBe(false);
    expect(isAppUrl(`file://fileserver${fileURLToPath(indexUrl)}`)).toBe(false);
    expect(isAppUrl('about:blank')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('sees through dot segments to the real file', () => {
    expect(isAppUrl(pathToFileURL(path.join(rendererDir, 'assets')).href + '/../index.html')).toBe(
      true,
    );
    expect(isAppUrl(pathToFileURL(rendererDir).href + '/../evil/index.html')).toBe(false);
  });
});

type Listener = (event: { url: string; preventDefault(): void }) => void;

function fakeContents() {
  const listeners = new Map<string, Listener[]>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents: GuardedContents = {
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(handler) {
      openHandler = handler;
    },
  };
  /** Emits like Electron; returns whether some listener prevented the default. */
  const emit = (event: string, url?: string): boolean => {
    let prevented = false;
    for (const l of listeners.get(event) ?? [])
      l({ url: url ?? '', preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { contents, emit, open: (url: string) => openHandler?.({ url }) };
}

describe('hardenWebContents', () => {
  const { contents, emit, open } = fakeContents();
  hardenWebContents(contents, appUrlMatcher(indexHtml));

  it('blocks navigation away from the app, in any frame and by redirect', () => {
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(emit(event, 'https://evil.example/'), event).toBe(true);
      expect(emit(event, 'file:///etc/passwd'), event).toBe(true);
    }
  });

  it('lets the app reload itself', () => {
    expect(emit('will-navigate', `${indexUrl}#/shift`)).toBe(false);
  });

  it('denies every new window and webview', () => {
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open(indexUrl)).toEqual({ action: 'deny' });
    expect(emit('will-attach-webview')).toBe(true);
  });
});

describe('lockDownSession', () => {
  function fakeSession() {
    const seen: {
      request?: Parameters<GuardedSession['setPermissionRequestHandler']>[0];
      check?: () => boolean;
      device?: () => boolean;
      filter?: { urls: string[] };
      beforeRequest?: Parameters<GuardedSession['webRequest']['onBeforeRequest']>[1];
      schemes: string[];
    } = { schemes: [] };
    const session: GuardedSession = {
      setPermissionRequestHandler: (h) => (seen.request = h),
      setPermissionCheckHandler: (h) => (seen.check = h),
      setDevicePermissionHandler: (h) => (seen.device = h),
      webRequest: {
        onBeforeRequest: (filter, listener) => {
          seen.filter = filter;
          seen.beforeRequest = listener;
        },
      },
      protocol: { handle: (scheme) => seen.schemes.push(scheme) },
    };
    return { session, seen };
  }

  it('refuses every permission request and check', () => {
    const { session, seen } = fakeSession();
    lockDownSession(session, rendererDir, () => Promise.reject(new Error('unused')));
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal']) {
      const callback = vi.fn();
      seen.request?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(seen.check?.()).toBe(false);
    expect(seen.device?.()).toBe(false);
  });

  it('cancels every request leaving the machine and serves file:// itself', () => {
    const { session, seen } = fakeSession();
    lockDownSession(session, rendererDir, () => Promise.reject(new Error('unused')));
    expect(seen.filter?.urls).toEqual(REMOTE_URL_PATTERNS);
    expect(seen.filter?.urls).toEqual(
      expect.arrayContaining(['http://*/*', 'https://*/*', 'wss://*/*']),
    );
    const callback = vi.fn();
    seen.beforeRequest?.({ url: 'https://cdn.example/x.js' }, callback);
    expect(callback).toHaveBeenCalledWith({ cancel: true });
    expect(seen.schemes).toEqual(['file']);
  });
});

describe('rendererFileHandler', () => {
  let tmp: string;
  let root: string;
  const fetched: string[] = [];
  const fetchFile = async (url: string): Promise<Response> => {
    fetched.push(url);
    const body = await readFile(fileURLToPath(url));
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/html' } });
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'pos-guards-'));
    root = path.join(tmp, 'renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>POS</title>');
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    await mkdir(path.join(tmp, 'renderer-private'));
    await writeFile(path.join(tmp, 'renderer-private', 'key.pem'), 'SECRET');
    await writeFile(path.join(tmp, 'terminal.db'), 'SECRET');
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  const get = (url: string) => rendererFileHandler(root, fetchFile)(new Request(url));

  it('serves the renderer with the CSP on every response', async () => {
    const page = await get(pathToFileURL(path.join(root, 'index.html')).href);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>POS</title>');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await get(pathToFileURL(path.join(root, 'assets', 'app.js')).href);
    expect(await script.text()).toBe('console.log(1)');
    expect(script.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('never reads a file outside the renderer folder', async () => {
    fetched.length = 0;
    const outside = [
      pathToFileURL(path.join(tmp, 'terminal.db')).href,
      pathToFileURL(path.join(tmp, 'renderer-private', 'key.pem')).href,
      pathToFileURL(root).href + '/../terminal.db',
      pathToFileURL(root).href + '/%2e%2e/terminal.db',
      'file:///etc/passwd',
    ];
    for (const url of outside) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(await res.text(), url).not.toContain('SECRET');
    }
    expect(fetched).toEqual([]);
  });
});
