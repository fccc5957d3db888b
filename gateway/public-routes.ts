// Routes without a signature: health, the OpenAPI document, enrollment (the code is the
// credential) and the e-receipt pages (the token is the credential).
import { createPublicKey } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LocalizedText } from '../contract/api';
import {
  EnrollmentReply,
  EnrollmentRequest,
  ErrorReply,
  HealthReply,
  normaliseEnrollmentCode,
  SaleCompletedData,
} from '../contract/gateway';
import { isoUtc } from '../lib/clock';
import { safeJson, type GatewayContext } from './context';
import { enrollmentCodeHash } from './enrollment-code';
import { HttpError } from './errors';
import {
  RECEIPT_HEADERS,
  receiptDetails,
  renderReceiptNotFound,
  renderReceiptPage,
} from './receipt-page';
import type { EnrollmentCodeRecord } from './store';

/** What a receipt token looks like (ARCHITECTURE §4: ≥ 96 random bits, base32). */
const TOKEN = /^[A-Za-z0-9]{16,64}$/;

function isEd25519Spki(base64: string): boolean {
  try {
    return (
      createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' })
        .asymmetricKeyType === 'ed25519'
    );
  } catch {
    return false;
  }
}

export function registerPublicRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { store, clock } = ctx;

  r.get(
    '/health',
    {
      schema: {
        summary: 'Liveness and storage dialect',
        tags: ['public'],
        response: { 200: HealthReply },
      },
    },
    () => ({ ok: true as const, dialect: store.dialect, version: ctx.version }),
  );

  r.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  r.post(
    '/v1/enrollments',
    {
      schema: {
        summary: 'Enroll a terminal with a one-time code',
        description:
          'Registers the terminal id and its Ed25519 public key. Retrying with the same code, terminal and key before the code expires returns the same reply.',
        tags: ['terminal'],
        body: EnrollmentRequest,
        response: {
          200: EnrollmentReply,
          400: ErrorReply,
          404: ErrorReply,
          409: ErrorReply,
          410: ErrorReply,
        },
      },
    },
    async (request) => {
      const { terminalId, publicKey } = request.body;
      const code = normaliseEnrollmentCode(request.body.code);
      if (!code) throw new HttpError(400, 'validation', 'body/code: not an enrollment code');
      if (!isEd25519Spki(publicKey)) {
        throw new HttpError(
          400,
          'enrollment.bad_key',
          'publicKey must be an Ed25519 public key, SPKI DER in base64',
        );
      }
      const codeHash = enrollmentCodeHash(code);
      const now = clock.now();
      const record = await store.getEnrollmentCode(codeHash);
      if (!record)
        throw new HttpError(
          404,
          'enrollment.unknown_code',
          'no such enrollment code: check it, or ask for a new one',
        );
      if (Date.parse(record.expiresAt) <= now) {
        throw new HttpError(
          410,
          'enrollment.expired',
          `this enrollment code expired at ${record.expiresAt}; ask for a new one`,
        );
      }
      const previous = storedReply(record, terminalId, publicKey);
      if (previous) return previous;
      if (await store.getTerminal(terminalId)) {
        throw new HttpError(
          409,
          'enrollment.terminal_exists',
          `terminal ${terminalId} is already enrolled`,
        );
      }
      const venue = await ctx.venue();
      const enrolledAt = isoUtc(now);
      const reply: EnrollmentReply = { terminalId, name: record.name, venue, enrolledAt };
      const outcome = await store.completeEnrollment({
        codeHash,
        terminal: { terminalId, name: record.name, publicKey, status: 'active', enrolledAt },
        reply: JSON.stringify(reply),
      });
      if (outcome === 'ok') {
        request.log.info({ terminalId }, 'terminal enrolled');
        return reply;
      }
      // Lost a race: maybe to our own retry, which then stored the reply to give back.
      const after = await store.getEnrollmentCode(codeHash);
      const raced = after && storedReply(after, terminalId, publicKey);
      if (raced) return raced;
      throw new HttpError(
        409,
        'enrollment.used',
        'this enrollment code was already used by another terminal',
      );
    },
  );

  r.get(
    '/r/:token',
    {
      schema: {
        summary: 'E-receipt page (HTML, Chinese and English)',
        tags: ['public'],
        params: z.object({ token: z.string() }),
        produces: ['text/html'],
      },
    },
    async (request, reply) => {
      void reply.headers(RECEIPT_HEADERS);
      const { token } = request.params;
      const found = TOKEN.test(token) ? await store.saleByReceiptToken(token) : undefined;
      const document = found && safeJson(found.document);
      const sale = found && SaleCompletedData.safeParse(document);
      if (!found || !sale?.success) return reply.code(404).send(renderReceiptNotFound());
      const venue = await ctx.venue();
      const taxNames = new Map<string, LocalizedText>();
      const catalog = (await ctx.reference('catalog')) as
        { taxRates?: { id?: unknown; name?: unknown }[] } | undefined;
      for (const rate of catalog?.taxRates ?? []) {
        const name = rate.name as Partial<LocalizedText> | undefined;
        if (
          typeof rate.id === 'string' &&
          typeof name?.en === 'string' &&
          typeof name.zh === 'string'
        ) {
          taxNames.set(rate.id, { en: name.en, zh: name.zh });
        }
      }
      return reply.send(
        renderReceiptPage({
          sale: sale.data,
          venue,
          terminalName: found.terminalName,
          taxNames,
          // Options, combo parts and discount reasons: in the stored document, not in SaleCompletedData.
          details: receiptDetails(document),
        }),
      );
    },
  );
}

/** The stored reply when this terminal with this key already used the code; throws 409 for anyone else. */
function storedReply(
  record: EnrollmentCodeRecord,
  terminalId: string,
  publicKey: string,
): EnrollmentReply | undefined {
  if (record.usedByTerminal === null) return undefined;
  if (
    record.usedByTerminal !== terminalId ||
    record.usedWithKey !== publicKey ||
    record.reply === null
  ) {
    throw new HttpError(
      409,
      'enrollment.used',
      'this enrollment code was already used by another terminal or key',
    );
  }
  const parsed = EnrollmentReply.safeParse(safeJson(record.reply));
  if (!parsed.success)
    throw new HttpError(500, 'enrollment.bad_reply', 'the stored enrollment reply is unreadable');
  return parsed.data;
}
