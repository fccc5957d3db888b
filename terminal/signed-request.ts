// One signed request to the terminal's gateway (ARCHITECTURE §6: RFC 9421 over method, path, Date,
// a nonce and a body digest, with the gateway-corrected clock). Used by the sync worker and the
// card payments client, so both sign and correct the clock the same way.
import type { KeyObject } from 'node:crypto';
import { signRequest } from '../lib/http-signature';
import type { CorrectedClock } from './corrected-clock';
import type { GatewaySetting } from './enroll';
import { NetworkError, type HttpFetch, type HttpResponse } from './http-client';

export type RequestOutcome =
  | { kind: 'response'; res: HttpResponse }
  /** `code` 'timeout' (sent, no answer in time) or 'network' (see `message`). */
  | { kind: 'network'; code: string; message: string };

export interface SignedSender {
  send(
    method: 'GET' | 'POST',
    path: string,
    body: Buffer,
    options?: { headers?: Record<string, string>; timeoutMs?: number },
  ): Promise<RequestOutcome>;
}

export interface SignedSenderDeps {
  gateway: GatewaySetting;
  terminalId: string;
  privateKey: KeyObject;
  clock: CorrectedClock;
  fetch: HttpFetch;
  timeoutMs: number;
  /** The clock offset changed after observing the gateway's Date header (persist it). */
  onClockChanged?: (offsetMs: number) => void;
}

export function createSignedSender(deps: SignedSenderDeps): SignedSender {
  const base = deps.gateway.url.replace(/\/+$/, '');
  return {
    async send(method, path, body, options = {}) {
      const url = `${base}${path}`;
      const sentAt = Date.now();
      let res: HttpResponse;
      try {
        const signature = await signRequest({
          method,
          url,
          body,
          keyId: deps.terminalId,
          privateKey: deps.privateKey,
          now: deps.clock.now(),
        });
        res = await deps.fetch({
          method,
          url,
          headers: {
            accept: 'application/json',
            ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
            ...options.headers,
            ...signature,
          },
          ...(method === 'POST' ? { body } : {}),
          timeoutMs: options.timeoutMs ?? deps.timeoutMs,
          ...(deps.gateway.tlsFingerprint ? { pin: deps.gateway.tlsFingerprint } : {}),
        });
      } catch (err) {
        const code = err instanceof NetworkError ? err.code : 'network';
        const message = err instanceof NetworkError ? `${err.code}: ${err.message}` : (err as Error).message;
        return { kind: 'network', code, message };
      }
      if (deps.clock.observe(res.headers.date, sentAt, Date.now())) deps.onClockChanged?.(deps.clock.offsetMs());
      return { kind: 'response', res };
    },
  };
}
