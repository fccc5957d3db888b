// The gateway's wallet routes as the terminal calls them (docs/wallets.md), signed. Outcomes are
// classified like the card routes': "never reached the gateway" is kept apart from "sent, no
// answer", and only the second can have charged.
import {
  WalletCancelReply,
  WalletPaymentReply,
  type WalletAuthorizeRequest,
  type WalletCancelRequest,
} from '../../contract/wallet';
import type { SignedSender } from '../signed-request';
import { callGateway, type GatewayOutcome } from './payment-gateway';

export interface WalletGateway {
  /** The request carries the payment code in full: the one place it ever goes. */
  authorize(req: WalletAuthorizeRequest): Promise<GatewayOutcome<WalletPaymentReply>>;
  status(key: string): Promise<GatewayOutcome<WalletPaymentReply>>;
  cancel(key: string, body: WalletCancelRequest): Promise<GatewayOutcome<WalletCancelReply>>;
}

export function createWalletGateway(sender: SignedSender, timeoutMs: number): WalletGateway {
  return {
    authorize: (req) =>
      callGateway(sender, timeoutMs, 'POST', '/v1/wallet/payments', req, (v) => WalletPaymentReply.parse(v)),
    status: (key) =>
      callGateway(sender, timeoutMs, 'GET', `/v1/wallet/payments/${key}`, undefined, (v) => WalletPaymentReply.parse(v)),
    cancel: (key, body) =>
      callGateway(sender, timeoutMs, 'POST', `/v1/wallet/payments/${key}/cancel`, body, (v) => WalletCancelReply.parse(v)),
  };
}
