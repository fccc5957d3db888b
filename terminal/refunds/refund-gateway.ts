// POST /v1/refunds as the terminal calls it (docs/payments.md), signed. Like the payment routes,
// "never reached the gateway" is kept apart from "sent, no answer": only the second may have
// refunded, so only it is retried, and always under the same idempotency key.
import { RefundReply, type RefundRequest } from '../../contract/payments';
import type { GatewayOutcome } from '../payments/payment-gateway';
import type { SignedSender } from '../signed-request';

export interface RefundGateway {
  refund(req: RefundRequest): Promise<GatewayOutcome<RefundReply>>;
}

const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|not a URL/;

export function createRefundGateway(sender: SignedSender, timeoutMs: number): RefundGateway {
  return {
    async refund(req) {
      const out = await sender.send('POST', '/v1/refunds', Buffer.from(JSON.stringify(req)), {
        timeoutMs,
      });
      if (out.kind === 'network') {
        if (out.code !== 'timeout' && NEVER_SENT.test(out.message))
          return { kind: 'unreachable', message: out.message };
        return { kind: 'no_answer', message: out.message };
      }
      const text = out.res.body.toString('utf8');
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (out.res.status === 200) {
        const parsed = RefundReply.safeParse(json);
        return parsed.success
          ? { kind: 'ok', value: parsed.data }
          : { kind: 'no_answer', message: 'unreadable refund reply' };
      }
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      if (out.res.status >= 500 || out.res.status === 429) {
        return { kind: 'no_answer', message: `HTTP ${out.res.status} ${error?.code ?? ''}`.trim() };
      }
      return {
        kind: 'refused',
        status: out.res.status,
        code: error?.code ?? `http.${out.res.status}`,
        message: error?.message ?? text.slice(0, 200),
      };
    },
  };
}
