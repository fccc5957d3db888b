import type { EventName, EventPayloads } from '../contract/api';
import { logger } from '../lib/log';

const log = logger('events');

type Listener<E extends EventName> = (payload: EventPayloads[E]) => void;

/** A typed event hub. A failing listener is logged and never breaks the service that emitted. */
export function createEventHub(): {
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void;
  clear(): void;
} {
  const listeners = new Map<EventName, Set<Listener<EventName>>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as Listener<EventName>);
      return () => set.delete(listener as Listener<EventName>);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) {
        try {
          l(payload);
        } catch (err) {
          log.error({ err, event }, 'event listener failed');
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
