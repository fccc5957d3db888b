// Wallet payment routes (docs/wallets.md): signed terminal routes, checked in preValidation like
// the card payment routes. The logic is in wallet/wallet-service.ts. Request logs carry method and
// URL only, never a body: the body of POST /v1/wallet/payments holds a payment code.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorReply } from '../contract/gateway';
import { PaymentKey } from '../contract/payments';
import {
  WalletAuthorizeRequest,
  WalletCancelReply,
  WalletCancelRequest,
  WalletPaymentReply,
} from '../contract/wallet';
import type { GatewayContext } from './context';
import { HttpError } from './errors';
import { signer } from './request-auth';
import { WalletService, type WalletOptions } from './wallet/wallet-service';

export type { WalletOptions };

const signed = { auth: 'terminal' as const };
const terminalSecurity = [{ terminalSignature: [] }];

export function registerWalletRoutes(
  app: FastifyInstance,
  ctx: GatewayContext,
  opts: WalletOptions = {},
): WalletService {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const wallets = new WalletService(ctx, opts, app.log);
  app.addHook('onClose', (_instance, done) => {
    wallets.close();
    done();
  });

  const keyParams = z.object({ key: PaymentKey });
  // JSON.parse's message quotes the text after a syntax error, which may be digits of a payment
  // code: this route answers malformed JSON without the quote.
  const handleError = app.errorHandler;
  const noQuote: typeof handleError = function (this: FastifyInstance, error, request, reply) {
    const quiet =
      error instanceof HttpError && error.code === 'body.malformed_json'
        ? new HttpError(400, error.code, 'the body is not valid JSON')
        : error;
    return handleError.call(this, quiet as typeof error, request, reply);
  };

  r.post(
    '/v1/wallet/payments',
    {
      config: signed,
      errorHandler: noQuote,
      schema: {
        summary: 'Charge a scanned wallet payment code (signed), idempotent by the terminal’s key',
        description:
          'The same key and content again returns the stored outcome and never charges twice; other content under the key is a 409 wallet.conflict. ' +
          'A code seen before at any terminal is declined code_used. `awaiting_customer`: ask GET until confirmBy; `unknown`: ask GET, then cancel. ' +
          'A key cancelled before the request arrived answers `cancelled`.',
        tags: ['wallet'],
        security: terminalSecurity,
        body: WalletAuthorizeRequest,
        response: {
          200: WalletPaymentReply,
          400: ErrorReply,
          401: ErrorReply,
          403: ErrorReply,
          409: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (request) => wallets.authorize(signer(request), request.body),
  );

  r.get(
    '/v1/wallet/payments/:key',
    {
      config: signed,
      schema: {
        summary: 'A wallet payment by key (signed), brought up to date with the provider',
        description:
          '404 wallet.unknown: never authorized (or only cancelled). Past confirmBy the gateway cancels at the provider: declined customer_timeout.',
        tags: ['wallet'],
        security: terminalSecurity,
        params: keyParams,
        response: { 200: WalletPaymentReply, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => wallets.status(signer(request), request.params.key),
  );

  r.post(
    '/v1/wallet/payments/:key/cancel',
    {
      config: signed,
      schema: {
        summary:
          'Cancel (not yet charged) or reverse (charged) a wallet payment (signed, idempotent)',
        description:
          'Cancelling an unknown key records a tombstone: a later authorization with it answers `cancelled`.',
        tags: ['wallet'],
        security: terminalSecurity,
        params: keyParams,
        body: WalletCancelRequest,
        response: {
          200: WalletCancelReply,
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
          409: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (request) => wallets.cancel(signer(request), request.params.key),
  );

  return wallets;
}
