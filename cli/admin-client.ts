// A small client for the gateway's admin API (`Authorization: Bearer <admin token>`), shared by the
// `pos gateway …` subcommands, `pos start` (enrolling the demo terminal) and `pos loadtest`.
// node:http/https rather than fetch, so `--ca FILE` can trust a venue's self-signed certificate
// without undici's dispatcher (NODE_EXTRA_CA_CERTS works too: Node reads it at start-up).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  ErrorReply,
  StopSaleStatus,
  type SoldOutRequest,
  type StopSaleRequest,
} from '../contract/gateway';
import { fullJitterDelay, retryAfterMs, sleep } from '../terminal/backoff';
import { CliError, UsageError } from './output';

export interface AdminTarget {
  /** Origin (and path prefix, if any) of the gateway, without a trailing slash. */
  url: string;
  token: string;
  /** Extra trusted CA certificates (PEM), from --ca. */
  ca?: Buffer;
}

export interface AdminResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface AdminRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | undefined>;
  /** JSON value, or raw bytes with their content type. */
  json?: unknown;
  raw?: { contentType: string; body: Buffer };
  accept?: string;
  timeoutMs?: number;
}

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
  /** No retry starts after this time (Date.now() milliseconds). */
  until?: number;
}

/** The gateway could not be reached (refused, reset, timed out, TLS failure). */
export class GatewayUnreachable extends CliError {
  constructor(url: string, reason: string) {
    super(`cannot reach the gateway at ${url}: ${reason}`, 'gateway.unreachable');
  }
}

/** The gateway answered with an error: its `{error:{code,message}}`, verbatim. */
export class GatewayRefused extends CliError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(`gateway refused (HTTP ${status} ${code}): ${message}`, code, { status });
  }
}

/** The options every admin subcommand takes. */
export const adminOptions = {
  gateway: { type: 'string' },
  'admin-token': { type: 'string' },
  ca: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const adminOptionsHelp = `  --gateway URL       the gateway's address (or POS_GATEWAY_URL)
  --admin-token T     the gateway's admin token (or POS_GATEWAY_ADMIN_TOKEN)
  --ca FILE           trust this CA / self-signed certificate (PEM) for https (or NODE_EXTRA_CA_CERTS)
  --json              print the result as one JSON line
  -h, --help          show this help`;

/** node:util parseArgs with positionals, its errors as usage errors (exit 2). */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
  positionals: { min: number; max: number; names: string },
) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min)
    throw new UsageError(`missing ${positionals.names.split(' ').slice(n).join(' ')}`, usage);
  if (n > positionals.max)
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max]}"`, usage);
  return parsed;
}

/** A gateway URL as given by a user: http(s) only; trailing slashes dropped. */
export function gatewayUrlFrom(text: string, usage: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(`"${text}" is not a URL (expected e.g. http://127.0.0.1:8787)`, usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`the gateway URL must be http or https, got ${url.protocol}`, usage);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Gateway, token and CA from flags, else the environment; missing ones are usage errors. */
export function adminTargetFrom(
  values: { gateway?: string; 'admin-token'?: string; ca?: string },
  usage: string,
  env: NodeJS.ProcessEnv = process.env,
): AdminTarget {
  const gateway = values.gateway ?? env.POS_GATEWAY_URL;
  if (!gateway) throw new UsageError('--gateway URL is required (or set POS_GATEWAY_URL)', usage);
  const token = values['admin-token'] ?? env.POS_GATEWAY_ADMIN_TOKEN;
  if (!token)
    throw new UsageError(
      '--admin-token is required (or set POS_GATEWAY_ADMIN_TOKEN); `pos gateway` prints it at start',
      usage,
    );
  let ca: Buffer | undefined;
  if (values.ca !== undefined) {
    try {
      ca = readFileSync(values.ca);
    } catch (err) {
      throw new CliError(
        `cannot read --ca ${values.ca}: ${(err as Error).message}`,
        'ca_unreadable',
      );
    }
  }
  return { url: gatewayUrlFrom(gateway, usage), token, ...(ca ? { ca } : {}) };
}

function requestOnce(target: AdminTarget, req: AdminRequest): Promise<AdminResponse> {
  const url = new URL(`${target.url}${req.path}`);
  for (const [k, v] of Object.entries(req.query ?? {}))
    if (v !== undefined) url.searchParams.set(k, v);
  const body =
    req.raw?.body ?? (req.json === undefined ? undefined : Buffer.from(JSON.stringify(req.json)));
  const headers: Record<string, string> = {
    authorization: `Bearer ${target.token}`,
    accept: req.accept ?? 'application/json',
  };
  if (body) {
    headers['content-type'] = req.raw?.contentType ?? 'application/json';
    headers['content-length'] = String(body.length);
  }
  const isHttps = url.protocol === 'https:';
  const options: https.RequestOptions = {
    method: req.method,
    headers,
    // The given certificate is trusted besides the public roots, not instead of them.
    ...(isHttps && target.ca ? { ca: [...rootCertificates, target.ca.toString('utf8')] } : {}),
  };
  const timeoutMs = req.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const request = (isHttps ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(new GatewayUnreachable(target.url, err.message)));
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
      });
    });
    request.setTimeout(timeoutMs, () =>
      request.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)),
    );
    request.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new GatewayUnreachable(target.url, err.code ? `${err.code} ${err.message}` : err.message),
      ),
    );
    request.end(body);
  });
}

function refusal(res: AdminResponse): GatewayRefused {
  const text = res.body.toString('utf8');
  try {
    const parsed = ErrorReply.safeParse(JSON.parse(text));
    if (parsed.success)
      return new GatewayRefused(res.status, parsed.data.error.code, parsed.data.error.message);
  } catch {
    // not JSON: a proxy's page, say
  }
  return new GatewayRefused(res.status, `http.${res.status}`, text.slice(0, 200) || 'no body');
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

/**
 * One admin request. Any answer outside 2xx throws GatewayRefused; no answer throws
 * GatewayUnreachable. With `retry`, network failures, 429 and 5xx are retried with full-jitter
 * backoff, honouring Retry-After (ARCHITECTURE §6).
 */
export async function adminRequest(
  target: AdminTarget,
  req: AdminRequest,
  retry?: RetryPolicy,
): Promise<AdminResponse> {
  const attempts = retry?.attempts ?? 1;
  for (let attempt = 1; ; attempt++) {
    let failure: CliError;
    let waitMs: number | undefined;
    try {
      const res = await requestOnce(target, req);
      if (res.status >= 200 && res.status < 300) return res;
      failure = refusal(res);
      if (!retryable(res.status)) throw failure;
      waitMs = retryAfterMs(res.headers['retry-after'], Date.now());
    } catch (err) {
      if (!(err instanceof GatewayUnreachable)) throw err;
      failure = err;
    }
    if (attempt >= attempts || !retry) throw failure;
    const delay = waitMs ?? fullJitterDelay(attempt, retry.baseMs, retry.capMs, Math.random);
    if (retry.until !== undefined && Date.now() + delay > retry.until) throw failure;
    await sleep(delay);
  }
}

/** An admin request whose 2xx answer is JSON. */
export async function adminJson<T>(
  target: AdminTarget,
  req: AdminRequest,
  retry?: RetryPolicy,
): Promise<T> {
  const res = await adminRequest(target, req, retry);
  try {
    return JSON.parse(res.body.toString('utf8')) as T;
  } catch {
    throw new CliError(
      `the gateway's answer to ${req.method} ${req.path} is not JSON`,
      'gateway.bad_reply',
    );
  }
}

export interface EnrollmentCode {
  code: string;
  name: string;
  expiresAt: string;
}

export function createEnrollmentCode(
  target: AdminTarget,
  name: string,
  ttlSeconds?: number,
  retry?: RetryPolicy,
): Promise<EnrollmentCode> {
  return adminJson<EnrollmentCode>(
    target,
    {
      method: 'POST',
      path: '/v1/admin/enrollment-codes',
      json: { name, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) },
    },
    retry,
  );
}

/** The venue's stop-sale list and which terminals confirmed it (GET /v1/admin/stop-sale). */
export async function getStopSaleStatus(target: AdminTarget): Promise<StopSaleStatus> {
  return parseStopSaleStatus(
    await adminJson<unknown>(target, { method: 'GET', path: '/v1/admin/stop-sale' }),
  );
}

/** Stops (or resumes) a tag venue-wide; the reply is the new status. */
export async function changeStopSale(
  target: AdminTarget,
  change: StopSaleRequest,
): Promise<StopSaleStatus> {
  return parseStopSaleStatus(
    await adminJson<unknown>(target, { method: 'POST', path: '/v1/admin/stop-sale', json: change }),
  );
}

/** Marks a product sold out venue-wide (or back); the reply is the new status. */
export async function changeSoldOut(
  target: AdminTarget,
  change: SoldOutRequest,
): Promise<StopSaleStatus> {
  return parseStopSaleStatus(
    await adminJson<unknown>(target, { method: 'POST', path: '/v1/admin/sold-out', json: change }),
  );
}

function parseStopSaleStatus(value: unknown): StopSaleStatus {
  const parsed = StopSaleStatus.safeParse(value);
  if (!parsed.success)
    throw new CliError(
      `the gateway's stop-sale status is not readable: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      'gateway.bad_reply',
    );
  return parsed.data;
}
