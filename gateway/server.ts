// buildGateway(): the gateway's Fastify app (ARCHITECTURE §6, §7). Every route's schemas come from
// contract/gateway.ts; /openapi.json is generated from them. The app holds no state between
// requests besides the store (and small in-process counters), so several can share one database.
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import { pino, type LoggerOptions } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, type ReferenceKind } from '../contract/gateway';
import type { VenueConfig } from '../contract/venue';
import { isoUtc, systemClock, type Clock } from '../lib/clock';
import { registerAdminRoutes } from './admin-routes';
import { createVenueLoader, safeJson, type GatewayContext, type GatewayLimits } from './context';
import { certificateSha256 } from './enrollment-code';
import { errorBody, HttpError } from './errors';
import { registerPaymentRoutes, type PaymentOptions } from './payment-routes';
import { registerPublicRoutes } from './public-routes';
import { checkAdmin, createSignatureCheck, parseBody } from './request-auth';
import type { GatewayStore } from './store';
import { registerShiftReportRoutes } from './shift-report-routes';
import { registerStopSaleRoutes } from './stop-sale-routes';
import { registerTerminalRoutes } from './terminal-routes';
import { registerWalletRoutes, type WalletOptions } from './wallet-routes';

export interface GatewayOptions {
  store: GatewayStore;
  adminToken: string;
  clock?: Clock;
  /** false (default): silent; true: info to stderr; or pino options (logs go to stderr). */
  logger?: boolean | LoggerOptions;
  /** The venue configuration used while reference data has no 'config'. */
  venue?: VenueConfig;
  limits?: Partial<GatewayLimits>;
  /** Serve HTTPS with this certificate and key (PEM); enrollment codes then pin the certificate. */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** Where logs go (default stderr: stdout belongs to the CLI's results). */
  logDestination?: pino.DestinationStream;
  /** How often expired nonces are deleted. */
  noncePurgeIntervalMs?: number;
  /** Card payments: the acquirer adapter (default the test acquirer), its deadline, stand-in. */
  payments?: PaymentOptions;
  /** Wallet payment codes: the provider adapter (default the test wallet), its deadline, secret. */
  wallet?: WalletOptions;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxConcurrentIngest: 16,
  maxConcurrentIngestPerTerminal: 2,
  // A full batch is 1 MiB of events; the envelope and a chain head need a little more.
  bodyLimitBytes: MAX_BATCH_BYTES + 64 * 1024,
  referenceBodyLimitBytes: 16 * 1024 * 1024,
  maxSkewSeconds: 300,
  terminalOfflineAfterMs: 30_000,
};

/** Receipt tokens are secrets: the URL of a receipt page is logged without one. */
export function redactUrl(url: string): string {
  // The shifts page may carry the admin token in its query (a browser cannot send a header).
  return url.replace(/^\/r\/[^?#]*/, '/r/[token]').replace(/([?&]token=)[^&#]*/g, '$1[token]');
}

function createLogger(
  option: GatewayOptions['logger'],
  destination: pino.DestinationStream | undefined,
): pino.Logger | undefined {
  if (!option) return undefined;
  const options: LoggerOptions =
    option === true ? { level: process.env.POS_LOG_LEVEL ?? 'info' } : option;
  // Request logs carry method, redacted URL and address: never bodies (receipt tokens, later card
  // data) and never the Authorization or Signature headers.
  return pino(
    {
      base: undefined,
      ...options,
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string }) => ({
          method: req.method,
          url: redactUrl(req.url ?? ''),
          remoteAddress: req.ip,
        }),
        ...options.serializers,
      },
    },
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (opts.adminToken.length < 16)
    throw new RangeError('the admin token must be at least 16 characters');
  const clock = opts.clock ?? systemClock;
  const loggerInstance = createLogger(opts.logger, opts.logDestination);
  const app = Fastify({
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    ...(opts.https ? { https: { cert: opts.https.cert, key: opts.https.key } } : {}),
    bodyLimit: limits.bodyLimitBytes,
    // Slow clients cannot hold a connection open forever.
    requestTimeout: 60_000,
  }) as unknown as FastifyInstance;

  const ctx: GatewayContext = {
    store: opts.store,
    clock,
    adminToken: opts.adminToken,
    certSha256: opts.https ? certificateSha256(opts.https.cert) : null,
    limits,
    version: packageJson.version,
    venue: createVenueLoader(opts.store, opts.venue),
    reference: async (kind: ReferenceKind) => {
      const ref = await opts.store.getReference(kind);
      return ref ? safeJson(ref.body) : undefined;
    },
  };

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('terminal', null);
  app.decorateRequest('rawJson', undefined);

  // One parser for every content type: it keeps the exact bytes, which the signature's
  // Content-Digest covers. JSON is parsed after the signature check (request-auth.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const verifySignature = createSignatureCheck(ctx);
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      if (request.routeOptions.config.auth === 'admin') checkAdmin(ctx, request);
      done();
    } catch (e) {
      done(e as Error);
    }
  });
  app.addHook('preValidation', async (request, reply) => {
    if (request.routeOptions.config.auth === 'terminal')
      request.terminal = await verifySignature(request);
    parseBody(request, reply);
  });
  // Terminals keep their clock offset from this header (ARCHITECTURE §4), so it is the gateway's
  // clock, on every answer, errors included.
  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('date', new Date(clock.now()).toUTCString());
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      if (error.status >= 500) request.log.error({ code: error.code }, error.message);
      for (const [k, v] of Object.entries(error.extra.headers ?? {})) void reply.header(k, v);
      return reply.code(error.status).send(errorBody(error.code, error.message, error.extra.seqs));
    }
    if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
      const first = error.validation?.[0];
      const where = `${error.validationContext ?? 'request'}${first?.instancePath ?? ''}`;
      return reply
        .code(400)
        .send(errorBody('validation', `${where}: ${first?.message ?? error.message}`));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply
          .code(413)
          .send(
            errorBody(
              'body.too_large',
              `the body is larger than this route accepts (${request.routeOptions.bodyLimit ?? limits.bodyLimitBytes} bytes); send at most ${MAX_BATCH_EVENTS} events or ${MAX_BATCH_BYTES} bytes per batch`,
            ),
          );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send(errorBody('body.unsupported_media_type', error.message));
      default:
        break;
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send(errorBody(`request.${error.code ?? 'invalid'}`.toLowerCase(), error.message));
    }
    request.log.error(
      { err: { message: error.message, code: error.code, stack: error.stack } },
      'request failed',
    );
    return reply
      .code(500)
      .send(errorBody('internal', 'the gateway failed to handle this request; see its log'));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(
        errorBody(
          'not_found',
          `no route ${request.method} ${redactUrl(request.url.split('?')[0] ?? '')}`,
        ),
      );
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Venue POS gateway',
        version: packageJson.version,
        description:
          'Terminal routes are signed per RFC 9421 (Ed25519, see docs/gateway.md); admin routes take Authorization: Bearer <admin token>.',
      },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer' },
          terminalSignature: { type: 'apiKey', in: 'header', name: 'Signature' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  registerPublicRoutes(app, ctx);
  registerTerminalRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerShiftReportRoutes(app, ctx);
  registerStopSaleRoutes(app, ctx);
  const { payments } = registerPaymentRoutes(app, ctx, opts.payments);
  // Refunds of wallet payments come in on POST /v1/refunds like card refunds.
  payments.wallets = registerWalletRoutes(app, ctx, opts.wallet);

  const purgeEvery = opts.noncePurgeIntervalMs ?? 5 * 60 * 1000;
  const purge = setInterval(() => {
    opts.store.purgeNonces(isoUtc(clock.now())).catch((e: unknown) => {
      app.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'nonce purge failed');
    });
  }, purgeEvery);
  purge.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(purge);
    loggerInstance?.flush();
    done();
  });

  await app.ready();
  return app;
}
