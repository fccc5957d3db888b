import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage } from '../contract/wire';
import { sale } from './testing/fake-pos';
import { createWsPosClient, socketUrl, takeToken, type SocketLike, type WsPosClient } from './pos-client';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: ClientMessage[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) } as MessageEvent);
  }
}

let sockets: FakeSocket[];
let client: WsPosClient;
const last = () => sockets[sockets.length - 1]!;

function start(): void {
  client = createWsPosClient({
    url: 'ws://127.0.0.1:9/ws?token=t',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    baseBackoffMs: 100,
    maxBackoffMs: 400,
    connectWaitMs: 1000,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  start();
});
afterEach(() => {
  client.close();
  vi.useRealTimers();
});

describe('browser-mode PosApi client', () => {
  it('matches replies to calls by id, whatever order they come back in', async () => {
    last().open();
    const a = client.api['sale.get']({});
    const b = client.api['sale.addItem']({ productId: 'cola', quantity: 2 });
    const [callA, callB] = last().sent;
    expect(callA).toMatchObject({ type: 'call', method: 'sale.get', input: {} });
    expect(callB).toMatchObject({ type: 'call', method: 'sale.addItem', input: { productId: 'cola', quantity: 2 } });
    expect(callA!.id).not.toBe(callB!.id);
    last().receive({ type: 'reply', id: callB!.id, reply: { ok: false, error: { code: 'validation', message: 'x' } } });
    last().receive({ type: 'reply', id: callA!.id, reply: { ok: true, value: sale() } });
    await expect(a).resolves.toEqual({ ok: true, value: sale() });
    await expect(b).resolves.toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('delivers events to subscribers until they unsubscribe, and ignores garbage', () => {
    last().open();
    const seen: string[] = [];
    const off = client.api.on('sale.updated', (s) => seen.push(s.saleId));
    last().receive('not json');
    last().receive({ type: 'reply', id: 999, reply: { ok: true, value: 1 } });
    last().receive({ type: 'event', event: 'sale.updated', payload: sale([], { saleId: 'A' }) });
    off();
    last().receive({ type: 'event', event: 'sale.updated', payload: sale([], { saleId: 'B' }) });
    expect(seen).toEqual(['A']);
  });

  it('sends calls made while the first connection opens once it is open', async () => {
    const reply = client.api['terminal.getStatus']({});
    expect(last().sent).toEqual([]);
    last().open();
    const id = last().sent[0]!.id;
    last().receive({ type: 'reply', id, reply: { ok: true, value: 'status' } });
    await expect(reply).resolves.toEqual({ ok: true, value: 'status' });
  });

  it('fails calls in flight and calls made while down with host.disconnected, never hanging', async () => {
    last().open();
    const inFlight = client.api['sale.complete']({});
    last().drop();
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'host.disconnected' } });
    await expect(client.api['sale.get']({})).resolves.toMatchObject({ ok: false, error: { code: 'host.disconnected' } });
  });

  it('gives up on a connection that never opens', async () => {
    const reply = client.api['sale.get']({});
    await vi.advanceTimersByTimeAsync(1000);
    await expect(reply).resolves.toMatchObject({ ok: false, error: { code: 'host.disconnected' } });
  });

  it('reconnects with growing delays and re-reads the sale and status after coming back', async () => {
    last().open();
    const sales: string[] = [];
    client.api.on('sale.updated', (s) => sales.push(s.saleId));
    last().drop();
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    last().drop(); // still down
    await vi.advanceTimersByTimeAsync(199);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(client.isConnected()).toBe(true);
    const methods = last().sent.map((m) => m.method).sort();
    expect(methods).toEqual(['sale.get', 'terminal.getStatus']);
    const saleCall = last().sent.find((m) => m.method === 'sale.get')!;
    last().receive({ type: 'reply', id: saleCall.id, reply: { ok: true, value: sale([], { saleId: 'NEW' }) } });
    await vi.advanceTimersByTimeAsync(0);
    expect(sales).toEqual(['NEW']);
  });

  it('caps the reconnect delay', async () => {
    for (let i = 0; i < 6; i++) {
      last().drop();
      await vi.advanceTimersByTimeAsync(400);
    }
    expect(sockets).toHaveLength(7);
  });
});

describe('token handling', () => {
  it('takes the token from the fragment, hides it, and keeps it for a reload', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) } as Storage;
    const replaced: string[] = [];
    const history = { state: null, replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url) } as unknown as History;
    const loc = { hash: '#token=abc%2B1', pathname: '/', search: '' } as Location;
    expect(takeToken(loc, storage, history)).toBe('abc+1');
    expect(replaced).toEqual(['/']);
    expect(takeToken({ ...loc, hash: '' }, storage, history)).toBe('abc+1');
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:4321' }, 'abc+1')).toBe('ws://127.0.0.1:4321/ws?token=abc%2B1');
  });
});
