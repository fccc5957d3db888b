// The smallest byte pipe a simulator needs: what the host writes arrives through onData, what the
// simulator answers goes out through write. Any transport fits it, including drivers/transport's
// Transport (for example one end of createMemoryPair()), a pty or a TCP socket.

export interface SimDuplex {
  write(bytes: Uint8Array): void | Promise<void>;
  /** Returns a function that removes the listener. */
  onData(cb: (bytes: Uint8Array) => void): () => void;
  /** The host went away (a Transport's unplug or close); optional. */
  onDisconnect?(cb: (err?: Error) => void): () => void;
}

/**
 * Two connected ends in memory: bytes written to one arrive at the other on a later microtask, as
 * they would from a real port (never inside the writer's call stack).
 */
export function createDuplexPair(): [SimDuplex, SimDuplex] {
  const listeners: [Set<(b: Uint8Array) => void>, Set<(b: Uint8Array) => void>] = [
    new Set(),
    new Set(),
  ];
  const end = (mine: 0 | 1): SimDuplex => ({
    write(bytes) {
      const copy = Uint8Array.from(bytes);
      const theirs = listeners[mine === 0 ? 1 : 0];
      queueMicrotask(() => {
        for (const cb of theirs) cb(copy);
      });
    },
    onData(cb) {
      listeners[mine].add(cb);
      return () => listeners[mine].delete(cb);
    },
  });
  return [end(0), end(1)];
}
