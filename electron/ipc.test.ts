import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventNames, type EventName, type Reply, type SaleDto } from '../contract/api';
import { createTerminal } from '../terminal/create-terminal';
import type { Terminal } from '../terminal/terminal';
import {
  CALL_CHANNEL,
  forwardEvents,
  registerIpc,
  trustedFrameCheck,
  type CallEvent,
  type FrameLike,
  type IpcMainLike,
} from './ipc';
import { openTill } from '../terminal/testing';

const INDEX_URL = 'file:///opt/venue-pos/dist/renderer/index.html';
const isAppUrl = (url: string) => url.split('#')[0] === INDEX_URL;

type Handler = (event: CallEvent, ...args: unknown[]) => Promise<Reply<unknown>>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  return { ipcMain, handlers };
}

describe('the pos:call channel', () => {
  let dataDir: string;
  let terminal: Terminal;
  let mainFrame: FrameLike | null;
  let call: (frame: FrameLike | null, method: unknown, input?: unknown) => Promise<Reply<unknown>>;
  let handlers: Map<string, Handler>;
  let unregister: () => void;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pos-ipc-'));
    terminal = await createTerminal({ dataDir, demo: true });
    mainFrame = { url: INDEX_URL, processId: 4, routingId: 1 };
    const fake = fakeIpcMain();
    handlers = fake.handlers;
    unregister = registerIpc(
      fake.ipcMain,
      terminal,
      trustedFrameCheck(() => mainFrame, isAppUrl),
    );
    call = (frame, method, input) => {
      const handler = handlers.get(CALL_CHANNEL);
      if (!handler) throw new Error('pos:call is not registered');
      return handler({ senderFrame: frame }, method, input);
    };
  });
  afterEach(async () => {
    terminal.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers exactly one channel, and removes it again', () => {
    expect([...handlers.keys()]).toEqual(['pos:call']);
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('runs a call from the POS window on the terminal and returns its reply', async () => {
    const reply = await call(mainFrame, 'sale.get', {});
    expect(reply.ok).toBe(true);
    const catalog = await call(mainFrame, 'catalog.list', {});
    expect(catalog).toMatchObject({ ok: true, value: { products: expect.any(Array) as unknown } });
  });

  it('passes the terminal’s own refusals through unchanged', async () => {
    expect(await call(mainFrame, 'sale.addItem', { productId: '' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    expect(await call(mainFrame, 'shell.exec', {})).toMatchObject({
      ok: false,
      error: { code: 'unknown_command' },
    });
  });

  it('refuses calls from any other frame before the terminal sees them', async () => {
    const dispatch = vi.spyOn(terminal, 'dispatch');
    const strangers: (FrameLike | null)[] = [
      null, // the frame was destroyed or navigated away mid-call
      { url: INDEX_URL, processId: 4, routingId: 7 }, // an iframe inside the window
      { url: INDEX_URL, processId: 9, routingId: 1 }, // another window
    ];
    for (const frame of strangers) {
      const reply = await call(frame, 'sale.clear', {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'host.unauthorized' } });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuses the main window once it shows a page that is not ours', async () => {
    const dispatch = vi.spyOn(terminal, 'dispatch');
    mainFrame = { url: 'https://evil.example/', processId: 4, routingId: 1 };
    expect(await call(mainFrame, 'sale.clear', {})).toMatchObject({
      ok: false,
      error: { code: 'host.unauthorized' },
    });
    mainFrame = null; // window closed
    expect(
      await call({ url: INDEX_URL, processId: 4, routingId: 1 }, 'sale.clear', {}),
    ).toMatchObject({
      ok: false,
      error: { code: 'host.unauthorized' },
    });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('turns a host failure into an internal error reply, not a rejected promise', async () => {
    vi.spyOn(terminal, 'dispatch').mockRejectedValueOnce(new Error('database is closed'));
    expect(await call(mainFrame, 'sale.get', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'host: database is closed' },
    });
  });
});

describe('forwardEvents', () => {
  it('forwards every contract event, and stops when asked', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pos-ipc-'));
    const terminal = await createTerminal({ dataDir, demo: true });
    try {
      await openTill(terminal);
      const sent: [EventName, unknown][] = [];
      const on = vi.spyOn(terminal, 'on');
      const stop = forwardEvents(terminal, (name, payload) => sent.push([name, payload]));
      expect(on.mock.calls.map(([name]) => name).sort()).toEqual([...eventNames].sort());

      const catalog = await terminal.dispatch('catalog.list', {});
      if (!catalog.ok) throw new Error(catalog.error.message);
      const productId = (catalog.value as { products: { id: string }[] }).products[0]?.id;
      await terminal.dispatch('sale.addItem', { productId });
      const updated = sent.find(([name]) => name === 'sale.updated');
      expect((updated?.[1] as SaleDto | undefined)?.lines).toHaveLength(1);

      stop();
      sent.length = 0;
      await terminal.dispatch('sale.addItem', { productId });
      expect(sent).toEqual([]);
    } finally {
      terminal.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
