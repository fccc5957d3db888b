// Builds the preload with the real build script and runs the bundle the way a sandboxed renderer
// would: its only import is `electron`, answered here by a fake contextBridge and ipcRenderer.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandNames, eventNames } from '../contract/api';

type IpcListener = (event: object, ...args: unknown[]) => void;

function fakeElectron() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, IpcListener[]>();
  const ipcRenderer = {
    invoke: (...args: unknown[]) => {
      invoked.push(args);
      return Promise.resolve({ ok: true, value: `reply to ${String(args[1])}` });
    },
    on: (channel: string, listener: IpcListener) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    removeListener: (channel: string, listener: IpcListener) => {
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((l) => l !== listener),
      );
      return ipcRenderer;
    },
    send: () => {
      throw new Error('the preload must not use send');
    },
  };
  const exposed = new Map<string, unknown>();
  const contextBridge = { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) };
  const emit = (channel: string, ...args: unknown[]) => {
    for (const l of listeners.get(channel) ?? []) l({}, ...args);
  };
  return {
    electron: { contextBridge, ipcRenderer },
    ipcRenderer,
    invoked,
    listeners,
    exposed,
    emit,
  };
}

/** Every value reachable from `root` through own properties (functions included). */
function reachable(root: unknown): Set<unknown> {
  const seen = new Set<unknown>();
  const walk = (value: unknown) => {
    if (
      (typeof value !== 'object' && typeof value !== 'function') ||
      value === null ||
      seen.has(value)
    )
      return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const desc = Object.getOwnPropertyDescriptor(value, key);
      if (desc && 'value' in desc) walk(desc.value);
    }
  };
  walk(root);
  return seen;
}

describe('the bundled preload', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pos-preload-'));
    await promisify(execFile)(process.execPath, [
      'scripts/build-electron.mjs',
      '--only',
      'preload',
      '--out-dir',
      dir,
    ]);
    bundle = await readFile(path.join(dir, 'preload.cjs'), 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function load() {
    const fake = fakeElectron();
    const required: string[] = [];
    const module = { exports: {} };
    const require = (id: string) => {
      required.push(id);
      // A sandboxed preload gets 'electron' and a few Node polyfills, never project files.
      if (id === 'electron') return fake.electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    vm.runInNewContext(
      bundle,
      { require, module, exports: module.exports },
      { filename: 'preload.cjs' },
    );
    const pos = fake.exposed.get('pos') as Record<string, (...args: unknown[]) => unknown>;
    return { ...fake, pos, required };
  }

  it('is one self-contained file that requires only electron', () => {
    const { required, exposed } = load();
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect([...exposed.keys()]).toEqual(['pos']);
    // The schemas stay in the main process; the preload carries names only.
    expect(bundle.length).toBeLessThan(20_000);
  });

  it('exposes exactly the contract’s commands plus on', () => {
    const { pos } = load();
    expect(Object.keys(pos).sort()).toEqual([...commandNames, 'on'].sort());
    for (const key of Object.keys(pos)) expect(typeof pos[key], key).toBe('function');
  });

  it('sends each command over pos:call with its name and input, and returns the reply', async () => {
    const { pos, invoked } = load();
    const reply = await pos['sale.addItem']?.({ productId: 'beer', quantity: 2 });
    expect(invoked).toEqual([['pos:call', 'sale.addItem', { productId: 'beer', quantity: 2 }]]);
    expect(reply).toEqual({ ok: true, value: 'reply to sale.addItem' });
  });

  it('delivers only the subscribed event, until unsubscribed', () => {
    const { pos, emit, listeners } = load();
    const got: unknown[] = [];
    const off = pos.on?.('sale.updated', (payload: unknown) => got.push(payload)) as () => void;
    emit('pos:event', 'sale.completed', { receiptNo: 1 });
    emit('pos:event', 'sale.updated', { lines: [] });
    expect(got).toEqual([{ lines: [] }]);
    off();
    emit('pos:event', 'sale.updated', { lines: [1] });
    expect(got).toHaveLength(1);
    expect(listeners.get('pos:event')).toEqual([]);
  });

  it('refuses events the contract does not define', () => {
    const { pos, listeners } = load();
    expect(eventNames).not.toContain('ipc.raw');
    expect(() => pos.on?.('ipc.raw', () => undefined)).toThrow(/unknown event/);
    expect(() => pos.on?.('sale.updated', 'not a function')).toThrow(/listener must be a function/);
    expect(listeners.size).toBe(0);
  });

  it('never lets page script reach ipcRenderer', () => {
    const { pos, ipcRenderer } = load();
    const values = reachable(pos);
    expect(values.has(ipcRenderer)).toBe(false);
    expect(values.has(ipcRenderer.send)).toBe(false);
    expect(values.has(ipcRenderer.invoke)).toBe(false);
  });
});
