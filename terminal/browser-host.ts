// Browser mode (ARCHITECTURE §3): serves the built renderer and one WebSocket on loopback only.
// Any page the cashier's browser opens, and any local process, can reach 127.0.0.1, so a
// WebSocket is upgraded only with the right Host (DNS rebinding), the right Origin (other pages)
// and the per-start token (other processes). A refused upgrade never reaches the terminal.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4 } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { eventNames, type Reply } from '../contract/api';
import { ClientMessage, WS_PATH, type ServerMessage } from '../contract/wire';
import { logger } from '../lib/log';
import type { Terminal } from './terminal';

const log = logger('browser-host');

/** The largest message a client may send; commands are small, so anything bigger is abuse. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface BrowserHostOptions {
  /** Only dispatch and on are used, so tests can pass a small fake. */
  terminal: Pick<Terminal, 'dispatch' | 'on'>;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** A loopback address: 127.0.0.1 (default), localhost, another 127.x.y.z, or ::1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 32 random bytes, base64url. */
  token?: string;
}

export interface BrowserHost {
  /** Open this in the browser: the token travels in the fragment, never to a server log. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** The address to bind for a requested host, or an error saying why it is refused. */
export function loopbackBindAddress(host: string): string {
  if (host === 'localhost') return '127.0.0.1'; // never trust a resolver to map it to loopback
  if (isIPv4(host) && host.startsWith('127.')) return host;
  if (host === '::1' || host === '[::1]') return '::1';
  throw new Error(
    `browser host refuses to listen on "${host}": only loopback (127.0.0.1, localhost, ::1) is allowed, ` +
      'so the till cannot be driven from the network',
  );
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const bindAddress = loopbackBindAddress(opts.host ?? '127.0.0.1');
  const token = opts.token ?? randomBytes(32).toString('base64url');
  if (token.length < 16) throw new Error('browser host token must be at least 16 characters');
  const tokenDigest = sha256(token);
  const staticDir = path.resolve(opts.staticDir);
  const { terminal } = opts;

  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  // Filled in once listening: the port is part of every Host/Origin check.
  let port = 0;
  let hostAuthorities = new Set<string>();
  let csp = '';

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAuthorities.has(req.headers.host ?? '')) {
      sendText(res, 421, 'Misdirected request: wrong Host header.');
      return;
    }
    serveStatic(staticDir, csp, req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'static file failed');
      if (!res.headersSent) sendText(res, 500, 'Internal error.');
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const host = req.headers.host ?? '';
    if (!hostAuthorities.has(host)) {
      log.warn({ host }, 'websocket refused: wrong Host');
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const origin = req.headers.origin ?? '';
    if (!allowedOrigins(hostAuthorities).has(origin)) {
      log.warn({ origin }, 'websocket refused: wrong Origin');
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const given = url.searchParams.get('token') ?? '';
    // Compare digests: equal length always, so neither content nor length leaks through timing.
    if (!timingSafeEqual(sha256(given), tokenDigest)) {
      log.warn('websocket refused: wrong token');
      return refuseUpgrade(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    // Calls from one page run in the order it sent them (add item, then pay, must not swap).
    let queue: Promise<void> = Promise.resolve();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      queue = queue.then(() => handleMessage(ws, data, isBinary));
    });
    ws.on('error', (err) => log.warn({ err }, 'websocket error'));
  });

  async function handleMessage(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const msg = parseClientMessage(isBinary ? undefined : rawToString(data));
    if (!msg.ok) {
      send(ws, {
        type: 'reply',
        id: msg.id,
        reply: { ok: false, error: { code: 'validation', message: msg.message } },
      });
      return;
    }
    let reply: Reply<unknown>;
    try {
      reply = await terminal.dispatch(msg.value.method, msg.value.input);
    } catch (err) {
      // dispatch() already turns service errors into replies; this is a bug, but keep the page alive.
      log.error({ err, method: msg.value.method }, 'dispatch threw');
      reply = { ok: false, error: { code: 'internal', message: `${msg.value.method} failed` } };
    }
    send(ws, { type: 'reply', id: msg.value.id, reply });
  }

  function parseClientMessage(
    text: string | undefined,
  ): { ok: true; value: ClientMessage } | { ok: false; id: number; message: string } {
    if (text === undefined) return { ok: false, id: -1, message: 'messages must be JSON text' };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, id: -1, message: 'message is not valid JSON' };
    }
    const parsed = ClientMessage.safeParse(json);
    if (parsed.success) return { ok: true, value: parsed.data };
    // Echo the id when there is a usable one, so the caller's pending call fails instead of hanging.
    const rawId = (json as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0 ? rawId : -1;
    const message = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'message'}: ${i.message}`)
      .join('; ');
    return { ok: false, id, message: `bad message: ${message}` };
  }

  const unsubscribe = eventNames.map((event) =>
    terminal.on(event, (payload) => {
      const text = JSON.stringify({ type: 'event', event, payload });
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) client.send(text);
      }
    }),
  );

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: bindAddress, port: opts.port ?? 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    for (const off of unsubscribe) off();
    wss.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`browser host: port ${opts.port} is already in use`, { cause: err });
    throw err;
  }

  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('browser host: no TCP address');
  port = address.port;
  const urlHost = bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
  hostAuthorities = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `${urlHost}:${port}`]);
  csp = contentSecurityPolicy([...hostAuthorities]);
  const url = `http://${urlHost}:${port}/#token=${token}`;
  log.info({ port }, 'browser host listening');

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      for (const off of unsubscribe) off();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  }

  return { url, port, token, close };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function send(ws: WebSocket, msg: ServerMessage): void {
  // The page may have gone away while the command ran; its reply has nowhere to go.
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

function allowedOrigins(hostAuthorities: Set<string>): Set<string> {
  return new Set([...hostAuthorities].map((h) => `http://${h}`));
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function contentSecurityPolicy(hostAuthorities: string[]): string {
  const ws = hostAuthorities.map((h) => `ws://${h}`).join(' ');
  // No 'unsafe-inline': Vite emits scripts and styles as files, and React's style props go
  // through the CSSOM, which CSP does not restrict.
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function baseHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** Resolves a URL path to a file inside root, or null (outside root, bad encoding, NUL, ...). */
async function resolveInside(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const candidate = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(candidate), realpath(root)]);
  } catch {
    return null;
  }
  // Checked after resolving symlinks too, so a link in dist/ cannot point outside it.
  const rel = path.relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return real;
}

async function serveStatic(
  staticDir: string,
  csp: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...baseHeaders(csp) });
    res.end();
    return;
  }
  const rawPath = (req.url ?? '/').split('?')[0]?.split('#')[0] ?? '/';
  const isIndex = rawPath === '/' || rawPath === '/index.html';
  const file = await resolveInside(staticDir, isIndex ? '/index.html' : rawPath);
  const info = file === null ? null : await stat(file).catch(() => null);
  if (file === null || info === null || !info.isFile()) {
    if (isIndex) return sendNotBuilt(res, staticDir);
    if (rawPath === '/favicon.ico') {
      // Chromium asks for it unprompted; a 404 would show as a console error on every start.
      res.writeHead(204, baseHeaders(csp));
      res.end();
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...baseHeaders(csp) });
    res.end('Not found.');
    return;
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': String(info.size),
    // index.html names the hashed bundles, so it must never be stale; the bundles are immutable.
    'Cache-Control': isIndex ? 'no-store' : 'no-cache',
    ...baseHeaders(csp),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', (err) => {
    log.error({ err, file }, 'read failed');
    res.destroy();
  });
  stream.pipe(res);
}

function sendNotBuilt(res: ServerResponse, staticDir: string): void {
  const page =
    '<!doctype html><meta charset="utf-8"><title>Venue POS: not built</title>' +
    '<h1>The till screen is not built yet</h1>' +
    `<p>No <code>index.html</code> in <code>${escapeHtml(staticDir)}</code>.</p>` +
    '<p>Run <code>npm run build</code> in the project folder, then reload this page.</p>';
  res.writeHead(503, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(page);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
