// Keeps a device link up: opens a fresh transport after unplug, reset or power loss, waiting
// between attempts with capped exponential backoff and full jitter (the same policy as sync).
import { Listeners, TransportError, type Transport } from './transport';

export interface ReconnectOptions {
  backoffBaseMs: number;
  backoffCapMs: number;
  /** [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  /** Injectable so tests run hours of backoff in no time. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error?: Error;
}

export interface ReconnectingTransport extends Transport {
  /** True while a link is up (isOpen says the same; kept for readability at call sites). */
  readonly connected: boolean;
  on(event: 'connected', cb: () => void): () => void;
  on(event: 'disconnected', cb: (err?: Error) => void): () => void;
  on(event: 'retry', cb: (info: RetryInfo) => void): () => void;
}

/** Full jitter: uniform in [0, min(cap, base·2^attempt)). */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function withReconnect(
  factory: () => Transport,
  options: ReconnectOptions,
): ReconnectingTransport {
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  const data = new Listeners<[Uint8Array]>();
  const lost = new Listeners<[Error | undefined]>();
  const connectedEvt = new Listeners<[]>();
  const retryEvt = new Listeners<[RetryInfo]>();
  let current: Transport | undefined;
  let running = false;
  let closed = false;
  let wake: (() => void) | undefined;
  let firstConnect: { resolve: () => void; reject: (e: Error) => void } | undefined;
  let firstPromise: Promise<void> | undefined;
  let description = 'reconnecting (not connected)';

  const interruptible = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      sleep(ms).then(resolve, resolve);
    }).finally(() => {
      wake = undefined;
    });

  async function loop(): Promise<void> {
    let attempt = 0;
    while (!closed) {
      const t = factory();
      description = t.description;
      let error: Error | undefined;
      try {
        await t.open();
      } catch (err) {
        error = err instanceof Error ? err : new Error(String(err));
      }
      if (closed) {
        await t.close().catch(() => undefined);
        break;
      }
      if (!error) {
        attempt = 0;
        const offData = t.onData((chunk) => data.emit(chunk));
        const gone = new Promise<Error | undefined>((resolve) => {
          const offDisc = t.onDisconnect((e) => {
            offDisc();
            offData();
            resolve(e);
          });
        });
        current = t;
        connectedEvt.emit();
        firstConnect?.resolve();
        firstConnect = undefined;
        // wait for the link to drop, or for close()
        error = await Promise.race([
          gone,
          new Promise<undefined>((r) => (wake = () => r(undefined))),
        ]);
        wake = undefined;
        current = undefined;
        if (closed) {
          offData();
          await t.close().catch(() => undefined);
          break;
        }
        lost.emit(error);
      }
      const delayMs = backoffDelay(attempt, options.backoffBaseMs, options.backoffCapMs, random);
      retryEvt.emit({ attempt, delayMs, ...(error ? { error } : {}) });
      attempt++;
      await interruptible(delayMs);
    }
    running = false;
  }

  const self: ReconnectingTransport = {
    get description() {
      return description;
    },
    get isOpen() {
      return current?.isOpen ?? false;
    },
    get connected() {
      return current?.isOpen ?? false;
    },
    open() {
      closed = false;
      if (current?.isOpen) return Promise.resolve();
      if (!firstPromise || !running) {
        firstPromise = new Promise<void>((resolve, reject) => {
          firstConnect = { resolve, reject };
        });
      }
      if (!running) {
        running = true;
        void loop();
      }
      return firstPromise;
    },
    write(bytes) {
      const t = current;
      if (!t?.isOpen)
        return Promise.reject(
          new TransportError('transport.not_open', `${description}: not connected`),
        );
      return t.write(bytes);
    },
    onData: (cb) => data.add(cb),
    onDisconnect: (cb) => lost.add(cb),
    on(event: 'connected' | 'disconnected' | 'retry', cb: (...args: never[]) => void) {
      if (event === 'connected') return connectedEvt.add(cb);
      if (event === 'disconnected') return lost.add(cb as (e?: Error) => void);
      return retryEvt.add(cb as (i: RetryInfo) => void);
    },
    async close() {
      closed = true;
      firstConnect?.reject(
        new TransportError('transport.closed', `${description}: closed before connecting`),
      );
      firstConnect = undefined;
      firstPromise = undefined;
      const t = current;
      current = undefined;
      wake?.();
      if (t) await t.close().catch(() => undefined);
    },
  };
  return self;
}
