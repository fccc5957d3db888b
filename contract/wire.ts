// Browser-mode wire format: JSON messages over one WebSocket on 127.0.0.1 (ARCHITECTURE §3).
// The page is opened at http://127.0.0.1:PORT/#token=T; the client connects to
// ws://127.0.0.1:PORT/ws?token=T. The host checks Host, Origin and the token before upgrading.
import { z } from 'zod';
import type { EventName, EventPayloads, Reply } from './api';

export const WS_PATH = '/ws';

export const ClientMessage = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { type: 'reply'; id: number; reply: Reply<unknown> }
  | { [E in EventName]: { type: 'event'; event: E; payload: EventPayloads[E] } }[EventName];
