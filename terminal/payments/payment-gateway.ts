// The gateway's card payment routes as the terminal calls them (docs/payments.md), signed.
// Outcomes keep "never reached the gateway" apart from "sent, no answer": only the first may be
// taken offline under the same key; the second is `unknown` (status query, then reversal).
import {
  AuthorizeReply,
  PaymentStatusReply,
  ReverseReply,
  type AuthorizeRequest,
  type ReverseRequest,
} from '../../contract/payments';
import type { SignedSender } from '../signed-request';

export type GatewayOutcome<T> =
  | { kind: 'ok'; value: T }
  /** 404 on a status query: the gateway never authorized this key. */
  | { kind: 'not_found' }
  /** The request cannot have reached the gateway (connection refused, no route, DNS). */
  | { kind: 'unreachable'; message: string }
  /** Sent, and no usable answer (timeout, reset, 5xx): the outcome is unknown. */
  | { kind: 'no_answer'; message: string }
  /** A 4xx the terminal cannot fix by asking again. */
  | { kind: 'refused'; status: number; code: string; message: string };

export interface PaymentGateway {
  authorize(req: AuthorizeRequest): Promise<GatewayOutcome<AuthorizeReply>>;
  status(key: string): Promise<GatewayOutcome<PaymentStatusReply>>;
  reverse(key: string, body: ReverseRequest): Promise<GatewayOutcome<ReverseReply>>;
}

const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|not a URL/;

/** One signed call to a gateway payment route, its outcome classified as above. */
export async function callGateway<T>(
  sender: SignedSender,
  timeoutMs: number,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  parse: (v: unknown) => T,
): Promise<GatewayOutcome<T>> {
  const out = await sender.send(
    method,
    path,
    Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    { timeoutMs },
  );
  if (out.kind === 'network') {
    if (out.code !== 'timeout' && NEVER_SENT.test(out.message))
      return { kind: 'unreachable', message: out.message };
    return { kind: 'no_answer', message: out.message };
  }
  const { res } = out;
  const text = res.body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.status === 200) {
    try {
      return { kind: 'ok', value: parse(json) };
    } catch (err) {
      return { kind: 'no_answer', message: `unreadable reply: ${(err as Error).message}` };
    }
  }
  const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (res.status === 404 && method === 'GET') return { kind: 'not_found' };
  if (
    res.status >= 500 ||
    res.status === 429 ||
    (res.status === 409 && error?.code === 'payment.in_progress')
  ) {
    return { kind: 'no_answer', message: `HTTP ${res.status} ${error?.code ?? ''}`.trim() };
  }
  return {
    kind: 'refused',
    status: res.status,
    code: error?.code ?? `http.${res.status}`,
    message: error?.message ?? text.slice(0, 200),
  };
}

export function createPaymentGateway(sender: SignedSender, timeoutMs: number): PaymentGateway {
  const call = <T>(method: 'GET' | 'POST', path: string, body: unknown, parse: (v: unknown) => T) =>
    callGateway(sender, timeoutMs, method, path, body, parse);
  return {
    authorize: (req) => call('POST', '/v1/payments/authorize', req, (v) => AuthorizeReply.parse(v)),
    status: (key) =>
      call('GET', `/v1/payments/${key}`, undefined, (v) => PaymentStatusReply.parse(v)),
    reverse: (key, body) =>
      call('POST', `/v1/payments/${key}/reverse`, body, (v) => ReverseReply.parse(v)),
  };
}
