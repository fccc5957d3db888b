// The Electron host's half of the PosApi (ARCHITECTURE §3): one invoke channel for commands, one
// push channel for events. Every call's sender frame is checked before the terminal sees it, so an
// injected iframe or a page we navigated away to can never drive the till.
import { eventNames, type EventName, type EventPayloads, type Reply } from '../contract/api';
import type { Terminal } from '../terminal/terminal';

export const CALL_CHANNEL = 'pos:call';
export const EVENT_CHANNEL = 'pos:event';

/** The parts of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
}

/** The parts of an IpcMainInvokeEvent the host reads. */
export interface CallEvent {
  readonly senderFrame: FrameLike | null;
}

/** The parts of Electron's IpcMain the host uses. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: CallEvent, ...args: unknown[]) => Promise<Reply<unknown>>,
  ): void;
  removeHandler(channel: string): void;
}

export type FrameCheck = (event: CallEvent) => boolean;

/**
 * Trusts a call only from the main frame of the main window (not a subframe, not another window)
 * while that frame shows our own index.html.
 */
export function trustedFrameCheck(
  mainFrame: () => FrameLike | null,
  isAppUrl: (url: string) => boolean,
): FrameCheck {
  return (event) => {
    const sender = event.senderFrame;
    const main = mainFrame();
    if (sender === null || main === null) return false;
    const sameFrame =
      sender === main ||
      (sender.processId === main.processId && sender.routingId === main.routingId);
    return sameFrame && isAppUrl(sender.url);
  };
}

/** Registers `pos:call`; returns the function that removes it again. */
export function registerIpc(
  ipcMain: IpcMainLike,
  terminal: Pick<Terminal, 'dispatch'>,
  isTrustedFrame: FrameCheck,
): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event, method, input): Promise<Reply<unknown>> => {
    if (!isTrustedFrame(event)) {
      const from = event.senderFrame?.url ?? 'a destroyed frame';
      return {
        ok: false,
        error: {
          code: 'host.unauthorized',
          message: `refused ${String(method)} from ${from}: not the POS window`,
        },
      };
    }
    try {
      return await terminal.dispatch(method, input);
    } catch (err) {
      // dispatch answers every failure itself; this only guards against a host bug leaving the
      // renderer with a rejected promise it would show as a crash.
      return { ok: false, error: { code: 'internal', message: `host: ${(err as Error).message}` } };
    }
  });
  return () => ipcMain.removeHandler(CALL_CHANNEL);
}

/**
 * Subscribes to every contract event and hands each to `send` (in main: webContents.send on
 * EVENT_CHANNEL). Returns the function that unsubscribes them all.
 */
export function forwardEvents(
  terminal: Pick<Terminal, 'on'>,
  send: (event: EventName, payload: EventPayloads[EventName]) => void,
): () => void {
  const offs = eventNames.map((name) => terminal.on(name, (payload) => send(name, payload)));
  return () => offs.forEach((off) => off());
}
