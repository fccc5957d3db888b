// The renderer's only door to the terminal (ARCHITECTURE §3): exactly the contract's commands as
// window.pos, plus `on` for the contract's events. ipcRenderer itself is never handed over, so
// page script cannot send on other channels. Bundled to one file: a sandboxed preload may
// require nothing but 'electron'.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { commandNames, eventNames, type EventName } from '../contract/api';

const CALL_CHANNEL = 'pos:call';
const EVENT_CHANNEL = 'pos:event';

function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}

const api: Record<string, unknown> = {};
for (const name of commandNames) {
  api[name] = (input: unknown): Promise<unknown> => ipcRenderer.invoke(CALL_CHANNEL, name, input);
}

api.on = (event: unknown, listener: unknown): (() => void) => {
  if (!isEventName(event))
    throw new TypeError(`window.pos.on: unknown event ${JSON.stringify(event)}`);
  if (typeof listener !== 'function')
    throw new TypeError('window.pos.on: listener must be a function');
  const relay = (_ipc: IpcRendererEvent, name: unknown, payload: unknown): void => {
    if (name === event) (listener as (payload: unknown) => void)(payload);
  };
  ipcRenderer.on(EVENT_CHANNEL, relay);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, relay);
  };
};

contextBridge.exposeInMainWorld('pos', api);
