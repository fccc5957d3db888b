// startGateway on a real port: a new data dir is seeded with the demo venue, the admin token comes
// from the caller, the environment or randomness, and with a certificate it serves HTTPS and pins
// the certificate in enrollment codes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoVenueConfig } from '../contract/demo-venue';
import { CreateCodeReply, splitEnrollmentCode } from '../contract/gateway';
import { crockford32 } from './enrollment-code';
import { startGateway, type RunningGateway } from './start';

let running: RunningGateway | undefined;
let dir: string | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function tempDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'gw-start-'));
  return dir;
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('startGateway', () => {
  it('seeds a new store with the demo venue once, and serves HTTP with a random admin token', async () => {
    const dataDir = tempDir();
    running = await startGateway({ dataDir, port: 0, logger: false });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(running.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(running.certPin).toBeNull();
    const config = await running.store.getReference('config');
    expect(JSON.parse(config?.body ?? 'null')).toEqual(demoVenueConfig);
    for (const kind of ['catalog', 'staff', 'policy'] as const)
      expect(await running.store.getReference(kind)).toBeDefined();

    const health = await fetch(`${running.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('date')).toBeTruthy();
    const unauthorized = await fetch(`${running.url}/v1/admin/terminals`);
    expect(unauthorized.status).toBe(401);
    const authorized = await fetch(`${running.url}/v1/admin/terminals`, {
      headers: { authorization: `Bearer ${running.adminToken}` },
    });
    expect(authorized.status).toBe(200);

    // A restart keeps the data and does not seed again.
    await running.close();
    running = await startGateway({
      dataDir,
      port: 0,
      logger: false,
      adminToken: 'given-admin-token-0123456789',
    });
    expect(running.adminToken).toBe('given-admin-token-0123456789');
    expect((await running.store.getReference('config'))?.version).toBe(config?.version);
  });

  it('takes the admin token from POS_GATEWAY_ADMIN_TOKEN', async () => {
    process.env.POS_GATEWAY_ADMIN_TOKEN = 'env-admin-token-0123456789abcdef';
    try {
      running = await startGateway({ dataDir: tempDir(), port: 0, logger: false });
      expect(running.adminToken).toBe('env-admin-token-0123456789abcdef');
    } finally {
      delete process.env.POS_GATEWAY_ADMIN_TOKEN;
    }
  });

  it.skipIf(!hasOpenssl())(
    'serves HTTPS and pins the certificate in enrollment codes',
    async () => {
      const dataDir = tempDir();
      const cert = join(dataDir, 'cert.pem');
      const key = join(dataDir, 'key.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '2',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      // The fingerprint as openssl computes it, independently of the gateway.
      const fp = execFileSync('openssl', [
        'x509',
        '-in',
        cert,
        '-noout',
        '-fingerprint',
        '-sha256',
      ]).toString();
      const sha = Buffer.from(fp.split('=')[1]!.trim().replace(/:/g, ''), 'hex');

      running = await startGateway({ dataDir, port: 0, logger: false, tlsCert: cert, tlsKey: key });
      expect(running.url).toMatch(/^https:\/\//);
      expect(running.certFingerprint).toBe(sha.toString('hex'));

      const { status, body } = await new Promise<{ status: number; body: string }>(
        (resolve, reject) => {
          const req = request(
            `${running!.url}/v1/admin/enrollment-codes`,
            {
              method: 'POST',
              ca: readFileSync(cert),
              headers: {
                authorization: `Bearer ${running!.adminToken}`,
                'content-type': 'application/json',
              },
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ name: 'Gate A' }));
        },
      );
      expect(status).toBe(201);
      const { code } = CreateCodeReply.parse(JSON.parse(body));
      const { pin } = splitEnrollmentCode(code);
      expect(pin).toBe(crockford32(sha.subarray(0, 16)));
      expect(pin).toHaveLength(26);
    },
  );

  it('refuses a certificate without its key', async () => {
    await expect(
      startGateway({ dataDir: tempDir(), port: 0, logger: false, tlsCert: '/nonexistent.pem' }),
    ).rejects.toThrow(/both a certificate/);
  });
});
