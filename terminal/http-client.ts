// A tiny HTTP(S) client on node:http/https for the terminal's talk with its gateway. Why not
// fetch: Node 20's fetch cannot pin a self-signed certificate without undici's dispatcher. With a
// pin, the TLS handshake is finished and the certificate's SHA-256 prefix checked BEFORE a single
// byte of the request (the enrollment code among them) is written.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { certificatePin as pinOfSha256, decodeCrockford32 } from '../lib/base32';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
  /**
   * Pinned certificate: the first 128 bits of the SHA-256 of the server's DER certificate, as the
   * 26 Crockford base32 characters the enrollment code carries. With a pin, the CA chain is not
   * consulted (venue gateways use self-signed certificates); only the pin counts.
   */
  pin?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export type HttpFetch = (req: HttpRequest) => Promise<HttpResponse>;

export class NetworkError extends Error {
  readonly code: 'network' | 'timeout' | 'tls.pin_mismatch';
  constructor(code: NetworkError['code'], message: string) {
    super(message);
    this.name = 'NetworkError';
    this.code = code;
  }
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/** The 26-character pin of a DER certificate (what the gateway puts in enrollment codes). */
export function certificatePin(der: Buffer): string {
  return pinOfSha256(createHash('sha256').update(der).digest());
}

export function pinMatches(pin: string, der: Buffer): boolean {
  const want = decodeCrockford32(pin)?.subarray(0, 16);
  if (want?.length !== 16) return false;
  return createHash('sha256').update(der).digest().subarray(0, 16).equals(want);
}

export const httpRequest: HttpFetch = (req) =>
  new Promise<HttpResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new NetworkError('network', `not a URL: ${req.url}`));
      return;
    }
    const isHttps = url.protocol === 'https:';
    if (!isHttps && url.protocol !== 'http:') {
      reject(new NetworkError('network', `unsupported protocol ${url.protocol}`));
      return;
    }
    if (req.pin && !isHttps) {
      reject(new NetworkError('tls.pin_mismatch', `the enrollment code pins a certificate but ${url.origin} is not https`));
      return;
    }
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const headers: Record<string, string> = { ...req.headers };
    if (body) headers['content-length'] = String(body.length);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (isHttps ? 443 : 80));
    const options: http.RequestOptions = {
      method: req.method,
      host,
      port,
      path: `${url.pathname}${url.search}`,
      headers,
    };
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      reject(err instanceof NetworkError ? err : new NetworkError('network', err.message));
    };
    let request: http.ClientRequest;
    if (req.pin) {
      const pin = req.pin;
      // Handshake first, check the pin, and only then hand the socket to the HTTP layer.
      options.createConnection = (_opts, oncreate: (err: Error | null, socket: Duplex) => void) => {
        const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false });
        socket.once('secureConnect', () => {
          const cert = socket.getPeerCertificate();
          if (!cert?.raw || !pinMatches(pin, cert.raw)) {
            const err = new NetworkError('tls.pin_mismatch', `the certificate of ${url.host} does not match the enrollment code's fingerprint`);
            socket.destroy();
            oncreate(err, socket);
            return;
          }
          oncreate(null, socket);
        });
        socket.once('error', (err: Error) => oncreate(err, socket));
        return undefined;
      };
      request = http.request(options);
    } else {
      request = (isHttps ? https : http).request(options);
    }
    request.setTimeout(timeoutMs, () => {
      request.destroy(new NetworkError('timeout', `no answer from ${url.host} within ${timeoutMs} ms`));
    });
    request.on('error', fail);
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          res.destroy(new NetworkError('network', `response from ${url.host} exceeds ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        }
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
      });
    });
    request.end(body);
  });
