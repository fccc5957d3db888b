// Who is calling, decided before anything reads the body: the admin's bearer token (onRequest) and
// a terminal's RFC 9421 signature over the exact body bytes (preValidation, which runs after the
// raw body is read and before schema validation). Only then is JSON parsed, so an unsigned or badly
// signed request is a 401 whatever it carries.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isoUtc } from '../lib/clock';
import { verifyRequest } from '../lib/http-signature';
import type { GatewayContext } from './context';
import { HttpError } from './errors';
import type { TerminalRecord } from './store';

/** Nonces are kept at least this long: longer than any signature can stay fresh (±5 min). */
export const NONCE_TTL_MS = 10 * 60 * 1000;
/**
 * lastSeenAt is written at most this often per terminal: a sync loop need not write on every
 * poll. Shorter when the offline window is short, so an online terminal never looks offline.
 */
const TOUCH_EVERY_MS = 15_000;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time check of `Authorization: Bearer <token>` (hashes first, so lengths never leak). */
export function adminTokenMatches(header: string | undefined, adminToken: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = digest(match?.[1] ?? '');
  return timingSafeEqual(given, digest(adminToken)) && match !== null;
}

export function checkAdmin(ctx: GatewayContext, request: FastifyRequest): void {
  if (!adminTokenMatches(request.headers.authorization, ctx.adminToken)) {
    throw new HttpError(
      401,
      'admin.unauthorized',
      'this route needs Authorization: Bearer <admin token>',
      {
        headers: { 'www-authenticate': 'Bearer realm="venue-pos-gateway"' },
      },
    );
  }
}

export function createSignatureCheck(
  ctx: GatewayContext,
): (request: FastifyRequest) => Promise<TerminalRecord> {
  const touched = new Map<string, number>();
  const touchEveryMs = Math.min(TOUCH_EVERY_MS, Math.floor(ctx.limits.terminalOfflineAfterMs / 3));
  return async (request) => {
    const now = ctx.clock.now();
    let terminal: TerminalRecord | undefined;
    const result = await verifyRequest({
      method: request.method,
      path: request.url,
      headers: request.headers,
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      now,
      maxSkewSeconds: ctx.limits.maxSkewSeconds,
      lookupKey: async (keyId) => {
        terminal = await ctx.store.getTerminal(keyId);
        return (
          terminal && { publicKey: terminal.publicKey, revoked: terminal.status === 'revoked' }
        );
      },
      recordNonce: (keyId, nonce, expiresAtMs) =>
        ctx.store.recordNonce(keyId, nonce, isoUtc(Math.max(expiresAtMs, now + NONCE_TTL_MS))),
    });
    if (!result.ok || !terminal) {
      const code = result.ok ? 'terminal.unknown' : result.code;
      const message = result.ok ? 'the signer is not enrolled' : result.message;
      throw new HttpError(401, code, message, { headers: { 'www-authenticate': 'Signature' } });
    }
    const last = touched.get(terminal.terminalId) ?? -Infinity;
    if (now - last >= touchEveryMs || now < last) {
      touched.set(terminal.terminalId, now);
      await ctx.store.touchTerminal(terminal.terminalId, isoUtc(now));
    }
    return terminal;
  };
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The body arrives as a Buffer (one catch-all content-type parser keeps the exact bytes for the
 * digest). JSON is parsed here; other types pass as Buffers only to routes that asked for them.
 */
export function parseBody(request: FastifyRequest, _reply: FastifyReply): void {
  const body: unknown = request.body;
  if (!Buffer.isBuffer(body)) return;
  const type = request.headers['content-type'] ?? '';
  if (JSON_TYPE.test(type)) {
    try {
      request.body = JSON.parse(body.toString('utf8')) as unknown;
    } catch (e) {
      throw new HttpError(
        400,
        'body.malformed_json',
        // Where it broke, never what it said: V8's message quotes the body, and a body may carry
        // a wallet payment code (a bearer token).
        `the body is not valid JSON (${jsonErrorPlace(e)})`,
      );
    }
    request.rawJson = request.body;
    return;
  }
  const mediaType = type.split(';')[0]?.trim().toLowerCase() ?? '';
  if (request.routeOptions.config.rawTypes?.includes(mediaType)) return;
  if (body.length === 0) {
    request.body = undefined;
    return;
  }
  throw new HttpError(
    415,
    'body.unsupported_media_type',
    `send the body as application/json, not "${mediaType || 'no content type'}"`,
  );
}

/** "position N" (or "line L column C") of a JSON.parse error, without any of the text it quotes. */
function jsonErrorPlace(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  const at = /position \d+(?: \(line \d+ column \d+\))?/.exec(message);
  if (at) return `at ${at[0]}`;
  return /end of (?:JSON )?input/i.test(message) ? 'it ends too early' : 'a syntax error';
}

/** The terminal that signed the request, in a route the signature check ran for. */
export function signer(request: { terminal: TerminalRecord | null }): string {
  if (!request.terminal)
    throw new HttpError(500, 'internal', 'signed route reached without a verified signer');
  return request.terminal.terminalId;
}
