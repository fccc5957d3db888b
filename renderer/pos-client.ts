// Browser-mode PosApi over one WebSocket (contract/wire.ts). The till must survive the host
// restarting or the socket dropping: it reconnects by itself, and no call ever hangs.
import {
  commandNames,
  type ApiError,
  type CommandName,
  type EventName,
  type EventPayloads,
  type PosApi,
  type Reply,
} from '../contract/api';
import { WS_PATH, type ClientMessage, type ServerMessage } from '../contract/wire';

/** The part of the DOM WebSocket the client uses, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

export interface WsClientOptions {
  url: string;
  createSocket?: SocketFactory;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a call waits for a socket that is still connecting before giving up. */
  connectWaitMs?: number;
}

export interface WsPosClient {
  api: PosApi;
  isConnected(): boolean;
  /** Stops reconnecting and fails pending calls (page unload, tests). */
  close(): void;
}

type Listener = (payload: unknown) => void;

function disconnected(message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code: 'host.disconnected', message } };
}

export function createWsPosClient(options: WsClientOptions): WsPosClient {
  const createSocket: SocketFactory = options.createSocket ?? ((url) => new WebSocket(url));
  const baseBackoff = options.baseBackoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const connectWait = options.connectWaitMs ?? 3_000;

  const pending = new Map<number, (reply: Reply<unknown>) => void>();
  const listeners = new Map<EventName, Set<Listener>>();
  /** Calls parked while the socket connects; flushed on open, failed when the wait runs out. */
  const waiting = new Set<{ send: () => void; fail: () => void }>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let connecting = false;
  let everOpened = false;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  function emit(event: EventName, payload: unknown): void {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (err) {
        console.error(`listener for ${event} failed`, err);
      }
    }
  }

  function failPending(message: string): void {
    for (const resolve of pending.values()) resolve(disconnected(message));
    pending.clear();
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch {
      return; // a garbled frame must not take the till down
    }
    if (msg.type === 'reply') {
      const resolve = pending.get(msg.id);
      if (!resolve) return;
      pending.delete(msg.id);
      resolve(msg.reply);
    } else if (msg.type === 'event') {
      emit(msg.event, msg.payload);
    }
  }

  /**
   * After a reconnect the terminal may have moved on (another window, a restart), and events sent
   * while we were away are lost: re-read what the screen shows and replay it as events.
   */
  function resync(): void {
    void call('sale.get', {}).then((r) => r.ok && emit('sale.updated', r.value));
    void call('terminal.getStatus', {}).then((r) => r.ok && emit('terminal.status', r.value));
  }

  function connect(): void {
    if (closed) return;
    connecting = true;
    let ws: SocketLike;
    try {
      ws = createSocket(options.url);
    } catch {
      connecting = false;
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      connecting = false;
      attempt = 0;
      const wasReconnect = everOpened;
      everOpened = true;
      for (const w of [...waiting]) w.send();
      waiting.clear();
      if (wasReconnect) resync();
    };
    ws.onmessage = (ev) => onMessage(ev.data);
    ws.onerror = () => {
      // onclose follows and does the work
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      connecting = false;
      failPending('the connection to the terminal dropped; the command may or may not have run');
      for (const w of [...waiting]) w.fail();
      waiting.clear();
      scheduleReconnect();
    };
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    const delay = Math.min(maxBackoff, baseBackoff * 2 ** attempt);
    attempt += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  function send(id: number, method: CommandName, input: unknown): boolean {
    const ws = socket;
    if (!ws || ws.readyState !== OPEN) return false;
    const msg: ClientMessage = { type: 'call', id, method, input };
    try {
      ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  function call(method: CommandName, input: unknown): Promise<Reply<unknown>> {
    if (closed) return Promise.resolve(disconnected('the client is closed'));
    const id = nextId++;
    return new Promise((resolve) => {
      const trySend = (): boolean => {
        pending.set(id, resolve);
        if (send(id, method, input)) return true;
        pending.delete(id);
        return false;
      };
      if (socket?.readyState === OPEN) {
        if (!trySend()) resolve(disconnected('could not send to the terminal'));
        return;
      }
      if (!connecting) {
        resolve(disconnected('not connected to the terminal; reconnecting'));
        return;
      }
      const entry = {
        send: () => {
          clearTimeout(timer);
          if (!trySend()) resolve(disconnected('could not send to the terminal'));
        },
        fail: () => {
          clearTimeout(timer);
          resolve(disconnected('could not connect to the terminal'));
        },
      };
      const timer = setTimeout(() => {
        waiting.delete(entry);
        entry.fail();
      }, connectWait);
      waiting.add(entry);
    });
  }

  const api = {
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const l = listener as Listener;
      set.add(l);
      return () => set.delete(l);
    },
  } as PosApi;
  for (const name of commandNames) {
    (api as unknown as Record<string, (input: unknown) => Promise<Reply<unknown>>>)[name] = (input) =>
      call(name, input);
  }

  connect();

  return {
    api,
    isConnected: () => socket?.readyState === OPEN,
    close: () => {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const ws = socket;
      socket = null;
      failPending('the client is closed');
      for (const w of [...waiting]) w.fail();
      waiting.clear();
      ws?.close();
    },
  };
}

const TOKEN_KEY = 'pos.token';

/**
 * The host puts its per-start token in the fragment (#token=T), which never reaches a server log.
 * Take it out of the address bar so it is not shown or bookmarked, but keep it for this tab so a
 * reload still connects.
 */
export function takeToken(loc: Location, storage: Storage, history: History): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const fromHash = params.get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(history.state, '', loc.pathname + loc.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY);
}

export function socketUrl(loc: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}://${loc.host}${WS_PATH}${query}`;
}

/** Installs window.pos for browser mode. */
export function installBrowserPos(): WsPosClient {
  const token = takeToken(window.location, window.sessionStorage, window.history);
  const client = createWsPosClient({ url: socketUrl(window.location, token) });
  window.pos = client.api;
  return client;
}
