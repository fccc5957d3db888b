// Venue-wide stop-sale and sold-out (the 'stop-sale' reference document { tags, soldOut }): the
// admin changes it, every terminal fetches it on its fast control poll, applies it at once (even
// mid-sale) and confirms with a signed ack; the admin's status lists who confirmed, who has not
// yet, and who is offline.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ErrorReply,
  ReferenceBodies,
  SoldOutRequest,
  StopSaleAck,
  StopSaleAckReply,
  StopSaleRequest,
  StopSaleStatus,
  type StopSaleTerminal,
} from '../contract/gateway';
import { canonicalJson } from '../lib/canonical-json';
import { isoUtc } from '../lib/clock';
import { safeJson, type GatewayContext } from './context';
import { HttpError } from './errors';

const admin = { auth: 'admin' as const };
const signed = { auth: 'terminal' as const };
const adminSecurity = [{ adminToken: [] }];
const terminalSecurity = [{ terminalSignature: [] }];

interface StopSaleBody {
  tags: string[];
  soldOut: string[];
}

function readBody(text: string | undefined): StopSaleBody {
  if (text === undefined) return { tags: [], soldOut: [] };
  const parsed = ReferenceBodies['stop-sale'].safeParse(safeJson(text));
  if (!parsed.success) {
    // Never guess here: an unreadable list could silently resume a stopped tag.
    throw new HttpError(
      500,
      'stop_sale.invalid_stored',
      'the stored stop-sale document is unreadable; publish a new one with PUT /v1/admin/reference/stop-sale',
    );
  }
  return { tags: parsed.data.tags, soldOut: parsed.data.soldOut };
}

/** Sorted and unique, so the same state is the same bytes (and no new version). */
function writeBody(body: StopSaleBody): string {
  const norm = (list: string[]) => [...new Set(list)].sort();
  return canonicalJson({ tags: norm(body.tags), soldOut: norm(body.soldOut) });
}

export async function stopSaleStatus(ctx: GatewayContext): Promise<StopSaleStatus> {
  const ref = await ctx.store.getReference('stop-sale');
  const body = readBody(ref?.body);
  const version = ref?.version ?? 0;
  const terminals = await ctx.store.listTerminals();
  const acks = new Map((await ctx.store.stopSaleAcks()).map((a) => [a.terminalId, a]));
  const now = ctx.clock.now();
  const onlineSince = now - ctx.limits.terminalOfflineAfterMs;
  return {
    version,
    tags: body.tags,
    soldOut: body.soldOut,
    changedAt: ref?.updatedAt ?? null,
    terminals: terminals
      .filter((t) => t.status === 'active')
      .map((t): StopSaleTerminal => {
        const ack = acks.get(t.terminalId);
        const seen = t.lastSeenAt === null ? -Infinity : Date.parse(t.lastSeenAt);
        const state =
          ack?.version === version ? 'confirmed' : seen >= onlineSince ? 'pending' : 'offline';
        return {
          terminalId: t.terminalId,
          name: t.name,
          state,
          confirmedVersion: ack?.version ?? null,
          confirmedAt: ack?.ackedAt ?? null,
          lastSeenAt: t.lastSeenAt,
        };
      }),
  };
}

export function registerStopSaleRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { store, clock } = ctx;

  const change = async (edit: (body: StopSaleBody) => StopSaleBody): Promise<number> => {
    const out = await store.updateReference(
      'stop-sale',
      (text) => writeBody(edit(readBody(text))),
      isoUtc(clock.now()),
    );
    return out.version;
  };

  r.post(
    '/v1/admin/stop-sale',
    {
      config: admin,
      schema: {
        summary: 'Stop selling every product with a tag, venue-wide (or resume it)',
        description:
          'Bumps the stop-sale reference version; every online terminal applies it within seconds, even to a sale in progress, and confirms. Replies with the status.',
        tags: ['admin'],
        security: adminSecurity,
        body: StopSaleRequest,
        response: { 200: StopSaleStatus, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (request) => {
      const { tag, resume } = request.body;
      const version = await change((b) => ({
        ...b,
        tags: resume ? b.tags.filter((t) => t !== tag) : [...b.tags, tag],
      }));
      request.log.warn({ tag, resume: resume ?? false, version }, 'stop-sale changed');
      return stopSaleStatus(ctx);
    },
  );

  r.post(
    '/v1/admin/sold-out',
    {
      config: admin,
      schema: {
        summary: 'Mark a product sold out venue-wide (or back in stock)',
        tags: ['admin'],
        security: adminSecurity,
        body: SoldOutRequest,
        response: { 200: StopSaleStatus, 400: ErrorReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { productId, soldOut } = request.body;
      if (soldOut) {
        const catalog = (await ctx.reference('catalog')) as
          { products?: { id: string }[] } | undefined;
        if (catalog?.products && !catalog.products.some((p) => p.id === productId))
          throw new HttpError(
            404,
            'catalog.product_not_found',
            `no product ${productId} in the catalog`,
          );
      }
      const version = await change((b) => ({
        ...b,
        soldOut: soldOut ? [...b.soldOut, productId] : b.soldOut.filter((p) => p !== productId),
      }));
      request.log.info({ productId, soldOut, version }, 'venue-wide sold-out changed');
      return stopSaleStatus(ctx);
    },
  );

  r.get(
    '/v1/admin/stop-sale',
    {
      config: admin,
      schema: {
        summary: 'The stop-sale list and which terminals confirmed it',
        tags: ['admin'],
        security: adminSecurity,
        response: { 200: StopSaleStatus, 401: ErrorReply },
      },
    },
    () => stopSaleStatus(ctx),
  );

  r.post(
    '/v1/reference/stop-sale/ack',
    {
      config: signed,
      schema: {
        summary: 'Confirm the stop-sale version this terminal applied (signed)',
        tags: ['terminal'],
        security: terminalSecurity,
        body: StopSaleAck,
        response: { 200: StopSaleAckReply, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (request) => {
      const terminal = request.terminal;
      if (!terminal)
        throw new HttpError(500, 'internal', 'signed route reached without a verified signer');
      const { version } = request.body;
      await store.ackStopSale(terminal.terminalId, version, isoUtc(clock.now()));
      const current = (await store.getReference('stop-sale'))?.version ?? 0;
      return { version, current };
    },
  );
}
