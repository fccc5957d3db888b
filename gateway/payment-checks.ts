// Checks and answers shared by card payments (payments.ts) and wallet payments
// (wallet/wallet-service.ts): who may send a payment, in which currency, and how a refund request
// is refused. Codes and messages are the wire's: the terminal translates them.
import type { RefundRequest } from '../contract/payments';
import type { VenueConfig } from '../contract/venue';
import type { GatewayContext } from './context';
import { HttpError } from './errors';

/**
 * A payment names the terminal that signed it and is in the venue's currency; the venue is
 * returned. `area` prefixes the error codes (`payment.wrong_terminal`, `wallet.currency`, …).
 */
export async function checkPaymentSender(
  ctx: GatewayContext,
  signer: string,
  req: { terminalId: string; currency: string },
  area: 'payment' | 'wallet',
): Promise<VenueConfig> {
  if (req.terminalId !== signer) {
    throw new HttpError(
      403,
      `${area}.wrong_terminal`,
      `the payment is for terminal ${req.terminalId} but was signed by ${signer}`,
    );
  }
  const venue = await ctx.venue();
  if (req.currency !== venue.currency) {
    throw new HttpError(
      400,
      `${area}.currency`,
      `this venue takes ${venue.currency}, not ${req.currency}`,
    );
  }
  return venue;
}

/** A refund in a currency of its own is refused; `what` names the payment in the message. */
export function checkRefundCurrency(
  req: RefundRequest,
  original: { key: string; currency: string },
  what: 'payment' | 'wallet payment',
): void {
  if (req.currency !== undefined && req.currency !== original.currency) {
    throw new HttpError(
      400,
      'payment.currency',
      `${what} ${original.key} is in ${original.currency}`,
    );
  }
}

/** Refund lines, when given, add up to the refund's amount. */
export function checkRefundLinesTotal(req: RefundRequest): void {
  if (!req.lines) return;
  const total = req.lines.reduce((n, l) => n + l.amount, 0);
  if (total !== req.amount) {
    throw new HttpError(
      400,
      'refund.lines_total',
      `the refund lines add up to ${total}, not the refund amount ${req.amount}`,
    );
  }
}

/** The refund would take more than is left on the payment. */
export function refundExceeds(
  req: RefundRequest,
  remaining: number,
  originalKey: string,
): HttpError {
  return new HttpError(
    409,
    'refund.exceeds',
    `refunding ${req.amount} would exceed what was paid: ${remaining} is left to refund on ${originalKey}`,
  );
}

/** The refund's key was used before for another request. */
export function refundConflict(req: RefundRequest): HttpError {
  return new HttpError(
    409,
    'refund.conflict',
    `refund ${req.idempotencyKey} exists with other content; a new refund needs a new key`,
  );
}
