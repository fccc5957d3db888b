// POST /v1/refunds as the terminal calls it (docs/payments.md), signed. Like the payment routes,
// "never reached the gateway" is kept apart from "sent, no answer": only the second may have
// refunded, so only it is retried, and always under the same idempotency key.
import { RefundReply, type RefundRequest } from '../../contract/payments';
import { callGateway, type GatewayOutcome } from '../payments/payment-gateway';
import type { SignedSender } from '../signed-request';

export interface RefundGateway {
  refund(req: RefundRequest): Promise<GatewayOutcome<RefundReply>>;
}

export function createRefundGateway(sender: SignedSender, timeoutMs: number): RefundGateway {
  return {
    refund: (req) =>
      callGateway(sender, timeoutMs, 'POST', '/v1/refunds', req, (v) => RefundReply.parse(v)),
  };
}
