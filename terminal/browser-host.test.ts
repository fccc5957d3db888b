import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { eventNames, type EventName, type EventPayloads, type Reply } from '../contract/api';
import { WS_PATH } from '../contract/wire';
import { MAX_MESSAGE_BYTES, startBrowserHost, type BrowserHost } from './browser-host';
import type { Terminal } from './terminal';

type Listener = (payload: unknown) => void;

/** Just enough of a Terminal: records calls and lets the test fire events. */
function fakeTerminal() {
  const listeners = new Map<string, Set<Listener>>();
  const dispatch = vi.fn((method: unknown, input: unknown): Promise<Reply<unknown>> =>
    Promise.resolve({ ok: true, value: { echo: method, input } }),
  );
  const terminal: Pick<Terminal, 'dispatch' | 'on'> = {
    dispatch,
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
  };
  const emit = (event: EventName, payload: unknown): void => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const listenerCount = (): number => [...listeners.values()].reduce((n, s) => n + s.size, 0);
  return { terminal, dispatch, emit, listenerCount };
}

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw GET, so the path goes on the wire exactly as written (fetch would normalise `..`). */
function get(
  port: number,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Connect {
  token?: string;
  origin?: string;
  host?: string;
  path?: string;
}

/** Opens a socket; resolves with it when open, or with the HTTP status the upgrade was refused with. */
function connect(host: BrowserHost, opts: Connect = {}): Promise<WebSocket | number> {
  const p = opts.path ?? WS_PATH;
  const url = `ws://127.0.0.1:${host.port}${p}?token=${encodeURIComponent(opts.token ?? host.token)}`;
  const headers: Record<string, string> = {};
  if (opts.host !== undefined) headers.Host = opts.host;
  const ws = new WebSocket(url, {
    origin: opts.origin ?? `http://127.0.0.1:${host.port}`,
    headers,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) =>
    ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))),
  );
}

let dir: string;
let staticDir: string;
let host: BrowserHost | undefined;
const sockets: WebSocket[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'browser-host-'));
  staticDir = path.join(dir, 'renderer');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>till</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'outside the static dir');
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await host?.close();
  host = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(fake = fakeTerminal()) {
  host = await startBrowserHost({ terminal: fake.terminal, staticDir });
  return { host, ...fake };
}

async function open(h: BrowserHost, opts: Connect = {}): Promise<WebSocket> {
  const ws = await connect(h, opts);
  if (typeof ws === 'number') throw new Error(`upgrade refused with ${ws}`);
  sockets.push(ws);
  return ws;
}

describe('startBrowserHost', () => {
  it('gives a loopback URL carrying the token in the fragment, and a fresh token per start', async () => {
    const { host: h } = await start();
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/#token=${h.token}`);
    expect(h.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startBrowserHost({ terminal: fakeTerminal().terminal, staticDir });
    expect(other.token).not.toBe(h.token);
    await other.close();
  });

  it.each(['0.0.0.0', '192.168.1.20', '::', 'example.com'])(
    'refuses to listen on %s',
    async (bad) => {
      await expect(
        startBrowserHost({ terminal: fakeTerminal().terminal, staticDir, host: bad }),
      ).rejects.toThrow(/loopback/);
    },
  );

  it('answers a valid call with the terminal reply', async () => {
    const { host: h, dispatch } = await start();
    const ws = await open(h);
    ws.send(
      JSON.stringify({ type: 'call', id: 7, method: 'sale.addItem', input: { productId: 'p1' } }),
    );
    expect(await nextMessage(ws)).toEqual({
      type: 'reply',
      id: 7,
      reply: { ok: true, value: { echo: 'sale.addItem', input: { productId: 'p1' } } },
    });
    expect(dispatch).toHaveBeenCalledWith('sale.addItem', { productId: 'p1' });
  });

  it('also accepts the localhost spelling of Host and Origin', async () => {
    const { host: h } = await start();
    const ws = await connect(h, {
      host: `localhost:${h.port}`,
      origin: `http://localhost:${h.port}`,
    });
    expect(ws).toBeInstanceOf(WebSocket);
    if (typeof ws !== 'number') sockets.push(ws);
  });

  it('keeps replies in the order one page sent its calls, even when the terminal is slow', async () => {
    const fake = fakeTerminal();
    fake.dispatch.mockImplementation(async (method: unknown) => {
      if (method === 'sale.addItem') await new Promise((r) => setTimeout(r, 50));
      return { ok: true, value: method };
    });
    const { host: h } = await start(fake);
    const ws = await open(h);
    const ids: number[] = [];
    const both = new Promise<void>((resolve) =>
      ws.on('message', (d: Buffer) => {
        ids.push((JSON.parse(d.toString()) as { id: number }).id);
        if (ids.length === 2) resolve();
      }),
    );
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'sale.addItem', input: {} }));
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'payment.payCash', input: {} }));
    await both;
    expect(ids).toEqual([1, 2]);
  });

  it.each([
    ['a wrong token', { token: 'x'.repeat(43) }, 401],
    ['an empty token', { token: '' }, 401],
    ['a foreign Origin', { origin: 'http://evil.example' }, 403],
    ['an Origin on another port', { origin: 'http://127.0.0.1:1' }, 403],
    ['a rebinding Host', { host: 'evil.example' }, 403],
    ['another path', { path: '/other' }, 404],
  ] as const)(
    'refuses an upgrade with %s and never calls the terminal',
    async (_what, opts, status) => {
      const { host: h, dispatch } = await start();
      expect(await connect(h, opts)).toBe(status);
      expect(dispatch).not.toHaveBeenCalled();
    },
  );

  it('sends terminal events to every open page', async () => {
    const { host: h, emit } = await start();
    const a = await open(h);
    const b = await open(h);
    const got = Promise.all([nextMessage(a), nextMessage(b)]);
    emit('sale.updated', { saleId: 's1' });
    expect(await got).toEqual([
      { type: 'event', event: 'sale.updated', payload: { saleId: 's1' } },
      { type: 'event', event: 'sale.updated', payload: { saleId: 's1' } },
    ]);
  });

  it('answers garbage with an error and keeps the connection usable', async () => {
    const { host: h, dispatch } = await start();
    const ws = await open(h);
    ws.send('{not json');
    expect(await nextMessage(ws)).toMatchObject({
      type: 'reply',
      id: -1,
      reply: { ok: false, error: { code: 'validation' } },
    });
    ws.send(JSON.stringify({ type: 'call', id: 3, method: 42 }));
    expect(await nextMessage(ws)).toMatchObject({
      type: 'reply',
      id: 3,
      reply: { ok: false, error: { code: 'validation' } },
    });
    expect(dispatch).not.toHaveBeenCalled();
    ws.send(JSON.stringify({ type: 'call', id: 4, method: 'sale.get', input: {} }));
    expect(await nextMessage(ws)).toMatchObject({ type: 'reply', id: 4, reply: { ok: true } });
  });

  it('closes a connection that sends an oversized message, without calling the terminal', async () => {
    const { host: h, dispatch } = await start();
    const ws = await open(h);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(
      JSON.stringify({
        type: 'call',
        id: 1,
        method: 'sale.get',
        input: 'x'.repeat(MAX_MESSAGE_BYTES),
      }),
    );
    expect(await closed).toBe(1009);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('serves index.html for / with strict security headers', async () => {
    const { host: h } = await start();
    const res = await get(h.port, '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>till</title>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${h.port} ws://localhost:${h.port}`);
    expect(csp).not.toContain('unsafe-inline');
    const js = await get(h.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '/assets/%00.js',
    '/missing.js',
    '/assets',
  ])('answers 404 for %s', async (p) => {
    const { host: h } = await start();
    const res = await get(h.port, p);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('outside the static dir');
  });

  it("answers the browser's unprompted favicon request without an error when there is none", async () => {
    const { host: h } = await start();
    expect((await get(h.port, '/favicon.ico')).status).toBe(204);
  });

  it('does not follow a symlink out of the static dir', async () => {
    symlinkSync(path.join(dir, 'secret.txt'), path.join(staticDir, 'link.txt'));
    const { host: h } = await start();
    expect((await get(h.port, '/link.txt')).status).toBe(404);
  });

  it('refuses plain requests with a foreign Host header', async () => {
    const { host: h } = await start();
    expect((await get(h.port, '/', { Host: 'evil.example' })).status).toBe(421);
  });

  it('tells the user to build when the renderer is missing', async () => {
    rmSync(staticDir, { recursive: true });
    const { host: h } = await start();
    const res = await get(h.port, '/');
    expect(res.status).toBe(503);
    expect(res.body).toContain('npm run build');
  });

  it('close() drops open pages, stops events and frees the port', async () => {
    const fake = fakeTerminal();
    const { host: h } = await start(fake);
    expect(fake.listenerCount()).toBe(eventNames.length);
    const ws = await open(h);
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    await h.close();
    await closed;
    expect(fake.listenerCount()).toBe(0);
    await expect(get(h.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
