// Talking to a running gateway over real HTTP, as tools and terminals do: admin calls with the
// bearer token, enrollment of terminal identities (an id and an Ed25519 key, no data dir), and
// signed `POST /v1/events` on a keep-alive connection pool.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EventEnvelope, EventsReply, SummaryReport } from '../../contract/gateway';
import { generateTerminalKey, signRequest, type TerminalKeyPair } from '../../lib/http-signature';
import { newId } from '../../lib/ids';
import { httpRequest } from '../../terminal/http-client';

export interface GatewayRef {
  url: string;
  adminToken: string;
}

export interface TerminalIdentity {
  terminalId: string;
  key: TerminalKeyPair;
}

export async function adminCall<T>(gw: GatewayRef, method: string, route: string, body?: unknown): Promise<T> {
  const res = await httpRequest({
    method,
    url: `${gw.url}${route}`,
    headers: {
      authorization: `Bearer ${gw.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${route}: HTTP ${res.status} ${res.body.toString()}`);
  return JSON.parse(res.body.toString()) as T;
}

export const salesSummary = (gw: GatewayRef): Promise<SummaryReport> =>
  adminCall<SummaryReport>(gw, 'GET', '/v1/reports/summary');

export async function enrollmentCode(gw: GatewayRef, name: string): Promise<string> {
  return (await adminCall<{ code: string }>(gw, 'POST', '/v1/admin/enrollment-codes', { name })).code;
}

/** Enrolls `count` terminal identities through the API (codes and enrollments, `parallel` at a time). */
export async function enrollIdentities(gw: GatewayRef, count: number, parallel = 8): Promise<TerminalIdentity[]> {
  const out: TerminalIdentity[] = [];
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const code = await enrollmentCode(gw, `Bench counter ${i + 1}`);
      const identity = { terminalId: newId(), key: generateTerminalKey() };
      const res = await httpRequest({
        method: 'POST',
        url: `${gw.url}/v1/enrollments`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code, terminalId: identity.terminalId, publicKey: identity.key.publicKey }),
      });
      if (res.status !== 200) throw new Error(`enrollment failed: HTTP ${res.status} ${res.body.toString()}`);
      out.push(identity);
    }
  };
  await Promise.all(Array.from({ length: parallel }, one));
  return out;
}

/** The exact bytes a terminal sends for a batch (no chain head). */
export function batchBody(terminalId: string, events: readonly EventEnvelope[]): Buffer {
  return Buffer.from(JSON.stringify({ terminalId, events }));
}

export interface PostResult {
  status: number;
  /** The parsed reply of a 200. */
  reply: EventsReply | undefined;
  /** The body of any other answer. */
  text?: string;
  /** Signing and round trip. */
  ms: number;
}

export interface EventsPoster {
  /** Signs and posts one batch; resolves with the status, reply and round-trip time. */
  post(identity: TerminalIdentity, body: Buffer): Promise<PostResult>;
  close(): void;
}

/** Signed `POST /v1/events` over keep-alive connections (a benchmark client, not a terminal). */
export function eventsPoster(gatewayUrl: string, maxSockets = 8): EventsPoster {
  const url = new URL('/v1/events', gatewayUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const keys = new Map<string, KeyObject>();
  const keyOf = (identity: TerminalIdentity): KeyObject => {
    let key = keys.get(identity.terminalId);
    if (!key) keys.set(identity.terminalId, (key = createPrivateKey(identity.key.privateKeyPem)));
    return key;
  };
  return {
    async post(identity, body) {
      const t0 = performance.now();
      const signature = await signRequest({
        method: 'POST',
        url: url.href,
        body,
        keyId: identity.terminalId,
        privateKey: keyOf(identity),
        now: Date.now(),
      });
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...signature },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      const ms = performance.now() - t0;
      if (status !== 200) return { status, reply: undefined, ms, text };
      return { status, reply: JSON.parse(text) as EventsReply, ms };
    },
    close: () => agent.destroy(),
  };
}
