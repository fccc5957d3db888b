// Card payment routes (ARCHITECTURE §5, §7). Terminal routes are signed (the signature is checked
// in preValidation, before these schemas run); reports and capture are admin routes. The logic is
// in payments.ts and capture.ts. Request logs carry method and URL only: never a body.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorReply } from '../contract/gateway';
import {
  AuthorizeReply,
  AuthorizeRequest,
  CaptureBatchReply,
  CaptureRequest,
  CARD_SETTLEMENT_COLUMNS,
  ForwardReply,
  PaymentKey,
  PaymentStatusReply,
  RefundReply,
  RefundRequest,
  ReverseReply,
  ReverseRequest,
  StandInReport,
} from '../contract/payments';
import { CaptureService, cardSettlementCsv } from './capture';
import type { GatewayContext } from './context';
import { HttpError } from './errors';
import { PaymentService, type PaymentOptions } from './payments';
import { signer } from './request-auth';

export type { PaymentOptions };

const signed = { auth: 'terminal' as const };
const admin = { auth: 'admin' as const };
const terminalSecurity = [{ terminalSignature: [] }];
const adminSecurity = [{ adminToken: [] }];

function checkDate(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== date)
    throw new HttpError(400, 'query.bad_date', `${date} is not a calendar date`);
  return date;
}

export function registerPaymentRoutes(
  app: FastifyInstance,
  ctx: GatewayContext,
  opts: PaymentOptions = {},
): { payments: PaymentService; capture: CaptureService } {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const payments = new PaymentService(ctx, opts, app.log);
  const capture = new CaptureService(ctx, payments);
  const stopSchedule =
    opts.captureScheduler === false
      ? undefined
      : capture.schedule(60_000, (e) =>
          app.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'capture batch failed'),
        );
  app.addHook('onClose', (_instance, done) => {
    stopSchedule?.();
    payments.close();
    done();
  });

  const keyParams = z.object({ key: PaymentKey });

  r.post(
    '/v1/payments/authorize',
    {
      config: signed,
      schema: {
        summary: 'Authorize a card payment (signed), idempotent by the terminal’s key',
        description:
          'The same key again returns the stored outcome and never authorizes twice; the same key with other content is a 409; ' +
          'a repeated ARQC (same card key, ATC and cryptogram) returns the original payment. `unknown`: ask GET /v1/payments/:key, then reverse. ' +
          'With `offline.storedAt` it forwards a payment the terminal accepted offline (a decline is `refused`).',
        tags: ['payments'],
        security: terminalSecurity,
        body: AuthorizeRequest,
        response: {
          200: AuthorizeReply,
          400: ErrorReply,
          401: ErrorReply,
          403: ErrorReply,
          409: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (request) => payments.authorize(signer(request), request.body),
  );

  r.get(
    '/v1/payments/:key',
    {
      config: signed,
      schema: {
        summary: 'A payment’s status by key (signed); 404 payment.unknown: never authorized',
        tags: ['payments'],
        security: terminalSecurity,
        params: keyParams,
        response: { 200: PaymentStatusReply, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => payments.status(signer(request), request.params.key),
  );

  r.post(
    '/v1/payments/:key/reverse',
    {
      config: signed,
      schema: {
        summary: 'Reverse an uncaptured authorization (signed, idempotent)',
        description:
          'Reversing an unknown key records a tombstone: a later authorization with that key is refused (409 payment.reversed).',
        tags: ['payments'],
        security: terminalSecurity,
        params: keyParams,
        body: ReverseRequest,
        response: {
          200: ReverseReply,
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
          409: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (request) => payments.reverse(signer(request), request.params.key),
  );

  r.post(
    '/v1/refunds',
    {
      config: signed,
      schema: {
        summary: 'Refund (part of) an approved card payment (signed), idempotent by key',
        description:
          'Needs the acquirer reference of the original payment. Refunds of one payment never exceed its amount (409 refund.exceeds).',
        tags: ['payments'],
        security: terminalSecurity,
        body: RefundRequest,
        response: {
          200: RefundReply,
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
          409: ErrorReply,
        },
      },
    },
    async (request) => payments.refund(signer(request), request.body),
  );

  r.get(
    '/v1/reports/stand-in',
    {
      config: admin,
      schema: {
        summary: 'Stand-in exposure, limits and outcomes across all terminals',
        tags: ['admin'],
        security: adminSecurity,
        response: { 200: StandInReport, 401: ErrorReply },
      },
    },
    async () => payments.standInReport(),
  );

  r.post(
    '/v1/admin/stand-in/forward',
    {
      config: admin,
      schema: {
        summary: 'Forward stand-in approvals to the acquirer now',
        tags: ['admin'],
        security: adminSecurity,
        response: { 200: ForwardReply, 401: ErrorReply },
      },
    },
    async () => payments.forwardStandIns(),
  );

  r.post(
    '/v1/admin/capture',
    {
      config: admin,
      schema: {
        summary: 'Run the capture batch now (idempotent per business date)',
        tags: ['admin'],
        security: adminSecurity,
        body: CaptureRequest,
        response: { 200: CaptureBatchReply, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (request) => {
      const date = request.body.businessDate;
      return capture.run(date === undefined ? undefined : checkDate(date));
    },
  );

  r.get(
    '/v1/admin/capture/:businessDate',
    {
      config: admin,
      schema: {
        summary: 'A capture batch and its card settlement rows (JSON, or CSV with format=csv)',
        tags: ['admin'],
        security: adminSecurity,
        params: z.object({ businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
        querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
        produces: ['application/json', 'text/csv'],
        response: {
          200: CaptureBatchReply.or(
            z.string().describe(`CSV with the columns ${CARD_SETTLEMENT_COLUMNS.join(',')}`),
          ),
          400: ErrorReply,
          401: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const date = checkDate(request.params.businessDate);
      const batch = await capture.get(date);
      if (!batch) throw new HttpError(404, 'capture.unknown', `no capture batch for ${date} yet`);
      if (request.query.format === 'csv') {
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="card-settlement-${date}.csv"`)
          .header('cache-control', 'no-store')
          .send(cardSettlementCsv(batch.rows));
      }
      return batch;
    },
  );

  return { payments, capture };
}
