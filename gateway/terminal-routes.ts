// Signed terminal routes: event upload (idempotent on (terminal, seq)) and reference-data pull.
// The signature is checked in the preValidation hook (request-auth.ts) before these schemas run.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ErrorReply,
  EventsBatch,
  EventsReply,
  ReferenceKind,
  ReferenceReply,
} from '../contract/gateway';
import { isoUtc } from '../lib/clock';
import { verifyChainHead } from '../lib/http-signature';
import { safeJson, type GatewayContext } from './context';
import { HttpError } from './errors';
import { prepareBatch } from './ingest';
import type { TerminalRecord } from './store';

const signed = { auth: 'terminal' as const };
const security = [{ terminalSignature: [] }];
const authErrors = { 401: ErrorReply };

function signer(request: { terminal: TerminalRecord | null }): TerminalRecord {
  // The preValidation hook sets it or answers 401; reaching here without it is a wiring bug.
  if (!request.terminal)
    throw new HttpError(500, 'internal', 'signed route reached without a verified signer');
  return request.terminal;
}

/**
 * Venue-wide load shedding, counted from a request's ARRIVAL (onRequest) to its response. Counting
 * inside the handler would never trip on SQLite: its queries run one after another, so handlers
 * never overlap and a surge just queues (seen in the reconnect surge test).
 */
function createVenueGate(ctx: GatewayContext): {
  onRequest: (request: FastifyRequest) => Promise<void>;
  release: (request: FastifyRequest) => Promise<void>;
} {
  let inFlight = 0;
  const admitted = new WeakSet<FastifyRequest>();
  return {
    onRequest: (request) => {
      if (inFlight >= ctx.limits.maxConcurrentIngest) {
        return Promise.reject(
          new HttpError(503, 'ingest.overloaded', 'the gateway is busy; retry after the Retry-After delay', {
            headers: { 'retry-after': '1' },
          }),
        );
      }
      inFlight++;
      admitted.add(request);
      return Promise.resolve();
    },
    release: (request) => {
      if (admitted.delete(request)) inFlight--;
      return Promise.resolve();
    },
  };
}

/** In-flight ingest per terminal (after its signature is verified). Released in `finally`. */
function createTerminalGate(ctx: GatewayContext): (terminalId: string) => () => void {
  const perTerminal = new Map<string, number>();
  return (terminalId) => {
    const mine = perTerminal.get(terminalId) ?? 0;
    if (mine >= ctx.limits.maxConcurrentIngestPerTerminal) {
      throw new HttpError(
        429,
        'ingest.terminal_busy',
        'this terminal already has uploads in flight; send batches one after another',
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    perTerminal.set(terminalId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (perTerminal.get(terminalId) ?? 1) - 1;
      if (left > 0) perTerminal.set(terminalId, left);
      else perTerminal.delete(terminalId);
    };
  };
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

export function registerTerminalRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { store, clock } = ctx;
  const enter = createTerminalGate(ctx);
  const venueGate = createVenueGate(ctx);

  r.post(
    '/v1/events',
    {
      config: signed,
      onRequest: venueGate.onRequest,
      onResponse: venueGate.release,
      onRequestAbort: venueGate.release,
      bodyLimit: ctx.limits.bodyLimitBytes,
      schema: {
        summary: 'Upload a batch of outbox events (signed)',
        description:
          'Idempotent on (terminalId, seq). The same seq with other content is a 409 and nothing of the batch is stored.',
        tags: ['terminal'],
        security,
        body: EventsBatch,
        response: {
          200: EventsReply,
          ...authErrors,
          400: ErrorReply,
          403: ErrorReply,
          409: ErrorReply,
          413: ErrorReply,
          429: ErrorReply,
          503: ErrorReply,
        },
      },
    },
    async (request) => {
      const terminal = signer(request);
      const release = enter(terminal.terminalId);
      try {
        const batch = request.body;
        const raw = (request.rawJson as { events?: unknown } | undefined)?.events;
        const venue = await ctx.venue();
        const prepared = prepareBatch(
          terminal.terminalId,
          batch,
          Array.isArray(raw) ? raw : [],
          venue.timeZone,
        );
        if (
          batch.chainHead &&
          !verifyChainHead(terminal.terminalId, batch.chainHead, terminal.publicKey)
        ) {
          throw new HttpError(
            400,
            'chain.invalid_signature',
            `the chain head at seq ${batch.chainHead.seq} is not signed by this terminal's key`,
          );
        }
        const receivedAt = isoUtc(clock.now());
        const outcome = await store.ingest(
          terminal.terminalId,
          prepared.events,
          prepared.sales,
          receivedAt,
          prepared.derived,
        );
        if (!outcome.ok) {
          throw new HttpError(
            409,
            'events.conflict',
            `the gateway already holds other content for seq ${outcome.conflicts.join(', ')}; nothing of this batch was stored`,
            { seqs: outcome.conflicts },
          );
        }
        if (batch.chainHead) {
          await store.storeChainHead(terminal.terminalId, { ...batch.chainHead, receivedAt });
        }
        return {
          ackedSeq: outcome.ackedSeq,
          accepted: outcome.inserted.length,
          duplicateSeqs: outcome.duplicates,
          missing: outcome.missing,
        };
      } finally {
        release();
      }
    },
  );

  r.get(
    '/v1/reference/:kind',
    {
      config: signed,
      schema: {
        summary: 'Pull reference data (signed); ETag is the version, If-None-Match gives 304',
        tags: ['terminal'],
        security,
        params: z.object({ kind: ReferenceKind }),
        response: {
          200: ReferenceReply,
          304: z.null().describe('Not modified'),
          ...authErrors,
          400: ErrorReply,
          404: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      signer(request);
      const { kind } = request.params;
      const ref = await store.getReference(kind);
      if (!ref)
        throw new HttpError(
          404,
          'reference.not_set',
          `no ${kind} reference data has been published yet`,
        );
      const etag = `"${ref.version}"`;
      void reply.header('etag', etag).header('cache-control', 'no-cache');
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send(null);
      return reply.send({ kind, version: ref.version, body: safeJson(ref.body) });
    },
  );
}
