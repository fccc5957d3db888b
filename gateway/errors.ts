// Every 4xx/5xx the gateway sends is `{ error: { code, message } }` (contract ErrorReply): a stable
// code a terminal or tool can act on, and a message a technician can read.
import type { ErrorReply } from '../contract/gateway';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { seqs?: number[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorBody(code: string, message: string, seqs?: number[]): ErrorReply {
  return { error: seqs ? { code, message, seqs } : { code, message } };
}
