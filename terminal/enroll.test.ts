import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnrollmentReply } from '../contract/gateway';
import { getSetting } from '../db/settings';
import { openTerminalDb } from '../db/terminal-db';
import { demoVenueConfig } from './demo-venue';
import { enrollTerminal, EnrollmentError, readGatewaySetting } from './enroll';
import { certificatePin, type HttpFetch, type HttpRequest } from './http-client';
import { loadTerminalKey, terminalKeyPath } from './terminal-key';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pos-enroll-'));
  dirs.push(d);
  return d;
}

const venue = { ...demoVenueConfig, name: { en: 'Arena', zh: '体育馆' } };

function replyFor(req: HttpRequest): EnrollmentReply {
  const body = JSON.parse(String(req.body)) as { terminalId: string };
  return { terminalId: body.terminalId, name: 'Gate B bar 3', venue, enrolledAt: '2026-11-21T12:00:00.000Z' };
}

function scripted(statuses: number[]): { fetch: HttpFetch; requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const fetch: HttpFetch = (req) => {
    requests.push(req);
    const status = statuses.shift() ?? 200;
    if (status === 0) return Promise.reject(new Error('ECONNREFUSED'));
    const body = status === 200 ? replyFor(req) : { error: { code: status === 409 ? 'enrollment.code_used' : 'busy', message: 'nope' } };
    return Promise.resolve({ status, headers: { date: new Date().toUTCString() }, body: Buffer.from(JSON.stringify(body)) });
  };
  return { fetch, requests };
}

describe('enrollTerminal', () => {
  it('registers id and key, stores gateway and venue, keeps the key 0600', async () => {
    const dir = tempDir();
    const { fetch, requests } = scripted([200]);
    const reply = await enrollTerminal({ dataDir: dir, gatewayUrl: 'http://gw.test:8080/', code: ' 7k2m-q9xd-4htp ', fetch });
    expect(requests[0]!.url).toBe('http://gw.test:8080/v1/enrollments');
    const sent = JSON.parse(String(requests[0]!.body)) as { code: string; terminalId: string; publicKey: string };
    expect(sent.code).toBe('7K2M-Q9XD-4HTP');
    expect(sent.publicKey).toBe(loadTerminalKey(dir)!.publicKey);
    expect(statSync(terminalKeyPath(dir)).mode & 0o777).toBe(0o600);
    const db = openTerminalDb(dir);
    try {
      expect(sent.terminalId).toBe(getSetting(db, 'terminal_id'));
      expect(readGatewaySetting(db)).toEqual({ url: 'http://gw.test:8080', terminalName: 'Gate B bar 3', enrolledAt: reply.enrolledAt });
      expect(getSetting(db, 'venue')).toEqual(venue);
    } finally {
      db.close();
    }
  });

  it('retries network errors, 5xx and 429 with the same code and key', async () => {
    const dir = tempDir();
    const { fetch, requests } = scripted([0, 503, 429, 200]);
    await enrollTerminal({ dataDir: dir, gatewayUrl: 'http://gw.test', code: '7K2M-Q9XD-4HTP', fetch, backoffBaseMs: 1, backoffCapMs: 2 });
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((r) => String(r.body))).size).toBe(1);
  });

  it('fails clearly on a 4xx, without retrying', async () => {
    const { fetch, requests } = scripted([409]);
    const err = await enrollTerminal({ dataDir: tempDir(), gatewayUrl: 'http://gw.test', code: '7K2M-Q9XD-4HTP', fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnrollmentError);
    expect((err as EnrollmentError).code).toBe('enrollment.code_used');
    expect((err as Error).message).toContain('HTTP 409');
    expect(requests).toHaveLength(1);
  });

  it('refuses a malformed code and a pinned code over http before sending', async () => {
    const { fetch, requests } = scripted([]);
    await expect(enrollTerminal({ dataDir: tempDir(), gatewayUrl: 'http://gw.test', code: 'hello', fetch })).rejects.toMatchObject({ code: 'enroll.bad_code' });
    const pinned = `7K2M-Q9XD-4HTP-${'0'.repeat(26)}`;
    await expect(enrollTerminal({ dataDir: tempDir(), gatewayUrl: 'http://gw.test', code: pinned, fetch })).rejects.toMatchObject({ code: 'enroll.tls_required' });
    expect(requests).toHaveLength(0);
  });
});

describe('TLS pinning (real https server, self-signed certificate)', () => {
  function selfSigned(dir: string): { key: string; cert: string } {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=gateway.local'], { stdio: 'ignore' });
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  }

  it('enrolls when the certificate matches the code, and sends nothing when it does not', async () => {
    const dir = tempDir();
    const tls = selfSigned(dir);
    const pin = certificatePin(new X509Certificate(tls.cert).raw);
    const seen: string[] = [];
    const server = https.createServer(tls, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(body);
        const { terminalId } = JSON.parse(body) as { terminalId: string };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ terminalId, name: 'Bar 1', venue, enrolledAt: new Date().toISOString() }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const wrong = `7K2M-Q9XD-4HTP-${pin.startsWith('0') ? '1' : '0'}${pin.slice(1)}`;
      await expect(enrollTerminal({ dataDir: tempDir(), gatewayUrl: url, code: wrong })).rejects.toMatchObject({ code: 'enroll.tls_pin_mismatch' });
      expect(seen).toHaveLength(0);

      const reply = await enrollTerminal({ dataDir: dir, gatewayUrl: url, code: `7k2m-q9xd-4htp-${pin.toLowerCase()}` });
      expect(reply.name).toBe('Bar 1');
      expect(seen).toHaveLength(1);
      const db = openTerminalDb(dir);
      expect(readGatewaySetting(db)?.tlsFingerprint).toBe(pin);
      db.close();
    } finally {
      server.close();
    }
  });
});
