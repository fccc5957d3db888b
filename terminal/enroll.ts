// Enrollment (ARCHITECTURE §6): registers this terminal's id and Ed25519 public key with a
// gateway using a one-time code, then stores the gateway in settings and the venue
// configuration the gateway answered with. Safe to retry: same code, same id, same key → the
// gateway answers the same reply.
import { z } from 'zod';
import { EnrollmentCode, EnrollmentReply, ErrorReply, type EnrollmentRequest } from '../contract/gateway';
import { systemClock, type Clock } from '../lib/clock';
import { logger } from '../lib/log';
import { getSetting, setSetting } from '../db/settings';
import type { Db } from '../db/open';
import { ensureTerminalId, openTerminalDb } from '../db/terminal-db';
import { fullJitterDelay, retryAfterMs, sleep } from './backoff';
import { httpRequest, NetworkError, type HttpFetch, type HttpResponse } from './http-client';
import { ensureTerminalKey } from './terminal-key';

const log = logger('enroll');

export const GatewaySetting = z.object({
  url: z.string().url(),
  terminalName: z.string(),
  enrolledAt: z.string(),
  /** The 26-character certificate pin from the enrollment code, when the gateway runs TLS. */
  tlsFingerprint: z.string().optional(),
});
export type GatewaySetting = z.infer<typeof GatewaySetting>;

export const GATEWAY_SETTING = 'gateway';
export const CLOCK_OFFSET_SETTING = 'clock_offset_ms';

/** The gateway this terminal is enrolled with, or undefined (standalone). */
export function readGatewaySetting(db: Db): GatewaySetting | undefined {
  const parsed = GatewaySetting.safeParse(getSetting(db, GATEWAY_SETTING));
  return parsed.success ? parsed.data : undefined;
}

export class EnrollmentError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'EnrollmentError';
    this.code = code;
  }
}

export interface EnrollOptions {
  dataDir: string;
  gatewayUrl: string;
  code: string;
  fetch?: HttpFetch;
  clock?: Clock;
  /** Attempts on network errors, 5xx and 429 (default 6). */
  attempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
  timeoutMs?: number;
}

/** Upper-cases and trims what a technician typed; refuses anything that is not a code. */
export function normaliseCode(code: string): { code: string; pin: string | undefined } {
  // Crockford look-alikes read as digits, as the gateway does (O → 0, I and L → 1).
  const normal = code.trim().toUpperCase().replace(/\s+/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const parsed = EnrollmentCode.safeParse(normal);
  if (!parsed.success) {
    throw new EnrollmentError('enroll.bad_code', `"${code}" is not an enrollment code (expected XXXX-XXXX-XXXX, optionally -<26-character fingerprint>)`);
  }
  const groups = normal.split('-');
  return { code: normal, pin: groups[3] };
}

export function normaliseGatewayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new EnrollmentError('enroll.bad_url', `"${url}" is not a URL (expected e.g. https://gateway.local:8443)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new EnrollmentError('enroll.bad_url', `gateway URL must be http or https, got ${parsed.protocol}`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

function errorText(res: HttpResponse): { code: string; message: string } {
  try {
    const parsed = ErrorReply.safeParse(JSON.parse(res.body.toString('utf8')));
    if (parsed.success) return parsed.data.error;
  } catch {
    // not JSON: fall through
  }
  return { code: `http.${res.status}`, message: res.body.toString('utf8').slice(0, 200) || `HTTP ${res.status}` };
}

export async function enrollTerminal(opts: EnrollOptions): Promise<EnrollmentReply> {
  const { code, pin } = normaliseCode(opts.code);
  const url = normaliseGatewayUrl(opts.gatewayUrl);
  if (pin && !url.startsWith('https:')) {
    throw new EnrollmentError('enroll.tls_required', 'the enrollment code pins a TLS certificate: use the https:// address of the gateway');
  }
  const fetch = opts.fetch ?? httpRequest;
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const attempts = opts.attempts ?? 6;

  const db = openTerminalDb(opts.dataDir);
  try {
    const terminalId = ensureTerminalId(db);
    const key = ensureTerminalKey(opts.dataDir);
    const request: EnrollmentRequest = { code, terminalId, publicKey: key.publicKey };
    const body = JSON.stringify(request);

    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse | undefined;
      let failure: string;
      let waitMs: number | undefined;
      try {
        res = await fetch({
          method: 'POST',
          url: `${url}/v1/enrollments`,
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body,
          timeoutMs: opts.timeoutMs ?? 15_000,
          ...(pin ? { pin } : {}),
        });
      } catch (err) {
        if (err instanceof NetworkError && err.code === 'tls.pin_mismatch') {
          throw new EnrollmentError('enroll.tls_pin_mismatch', err.message);
        }
        failure = `cannot reach ${url}: ${(err as Error).message}`;
      }
      if (res) {
        if (res.status === 200 || res.status === 201) {
          const parsed = EnrollmentReply.safeParse(JSON.parse(res.body.toString('utf8')));
          if (!parsed.success) throw new EnrollmentError('enroll.bad_reply', `the gateway's reply is not an enrollment: ${parsed.error.message}`);
          const reply = parsed.data;
          if (reply.terminalId !== terminalId) {
            throw new EnrollmentError('enroll.bad_reply', `the gateway enrolled ${reply.terminalId}, but this terminal is ${terminalId}`);
          }
          const serverDate = Date.parse(res.headers.date ?? '');
          db.transaction(() => {
            const setting: GatewaySetting = {
              url,
              terminalName: reply.name,
              enrolledAt: reply.enrolledAt,
              ...(pin ? { tlsFingerprint: pin } : {}),
            };
            setSetting(db, GATEWAY_SETTING, setting);
            setSetting(db, 'venue', reply.venue);
            if (Number.isFinite(serverDate)) setSetting(db, CLOCK_OFFSET_SETTING, serverDate + 500 - clock.now());
          })();
          log.info({ terminalId, gateway: url, name: reply.name }, 'enrolled');
          return reply;
        }
        const err = errorText(res);
        if (res.status !== 429 && res.status < 500) {
          throw new EnrollmentError(err.code, `the gateway refused the enrollment (HTTP ${res.status} ${err.code}): ${err.message}`);
        }
        failure = `HTTP ${res.status} ${err.code}: ${err.message}`;
        waitMs = retryAfterMs(res.headers['retry-after'], clock.now());
      }
      if (attempt >= attempts) {
        throw new EnrollmentError('enroll.unreachable', `enrollment failed after ${attempts} attempts: ${failure!}`);
      }
      const delay = waitMs ?? fullJitterDelay(attempt, opts.backoffBaseMs ?? 1000, opts.backoffCapMs ?? 30_000, random);
      log.warn({ attempt, delay, failure: failure! }, 'enrollment attempt failed; retrying');
      await sleep(delay);
    }
  } finally {
    db.close();
  }
}
