// The smallest byte pipe a simulator needs: what the host writes arrives through onData, what the
// simulator answers goes out through write. Any transport (memory pair, pty, TCP socket) fits it.

export interface SimDuplex {
  write(bytes: Uint8Array): void;
  /** Returns a function that removes the listener. */
  onData(cb: (bytes: Uint8Array) => void): () => void;
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
