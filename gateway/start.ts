// startGateway(): what `pos gateway` runs. Opens (and migrates) the store, seeds a new one with the
// demo venue's reference data, and listens, over HTTPS when given a certificate.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { LoggerOptions } from 'pino';
import {
  demoBlockedCardKeys,
  demoCatalog,
  demoRiskPolicy,
  demoStaff,
  demoVenueConfig,
} from '../contract/demo-venue';
import type { ReferenceKind } from '../contract/gateway';
import { canonicalJson } from '../lib/canonical-json';
import { isoUtc, systemClock, type Clock } from '../lib/clock';
import type { GatewayLimits } from './context';
import { certificateSha256, fingerprintGroup } from './enrollment-code';
import { buildGateway } from './server';
import { createStore, storeTargetFromUrl } from './storage/create-store';
import type { GatewayStore } from './store';

export interface StartGatewayOptions {
  /** Default 127.0.0.1; `0.0.0.0` to serve the venue's network. */
  host?: string;
  /** Default 8443 with TLS, else 8080; 0 picks a free port. */
  port?: number;
  /** Holds `gateway.db` when no PostgreSQL URL is given. */
  dataDir: string;
  /** `postgres://…` for PostgreSQL. */
  dbUrl?: string;
  /** Else POS_GATEWAY_ADMIN_TOKEN, else 32 random bytes (base64url), shown once by the caller. */
  adminToken?: string;
  /** PEM file paths: serve HTTPS, and enrollment codes pin this certificate. */
  tlsCert?: string;
  tlsKey?: string;
  logger?: boolean | LoggerOptions;
  clock?: Clock;
  limits?: Partial<GatewayLimits>;
}

export interface RunningGateway {
  url: string;
  adminToken: string;
  /** SHA-256 of the TLS certificate, hex; null without TLS. */
  certFingerprint: string | null;
  /** The enrollment codes' fourth group (26 Crockford digits); null without TLS. */
  certPin: string | null;
  store: GatewayStore;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Seeds the demo venue into a store that has no venue configuration yet. Returns true if it did. */
export async function seedDemoVenue(store: GatewayStore, now: number): Promise<boolean> {
  if ((await store.getReference('config')) !== undefined) return false;
  const { currency: _currency, ...catalog } = demoCatalog;
  const bodies: [ReferenceKind, unknown][] = [
    ['catalog', catalog],
    ['staff', { staff: demoStaff }],
    ['policy', demoRiskPolicy],
    ['blocked-cards', { cardKeys: [...demoBlockedCardKeys] }],
    ['stop-sale', { tags: [] }],
    // Last: its presence is what marks the store as seeded.
    ['config', demoVenueConfig],
  ];
  for (const [kind, body] of bodies)
    await store.putReference(kind, canonicalJson(body), isoUtc(now));
  return true;
}

export async function startGateway(opts: StartGatewayOptions): Promise<RunningGateway> {
  const adminToken =
    opts.adminToken ?? process.env.POS_GATEWAY_ADMIN_TOKEN ?? randomBytes(32).toString('base64url');
  const clock = opts.clock ?? systemClock;
  const tls =
    opts.tlsCert !== undefined || opts.tlsKey !== undefined
      ? (() => {
          if (!opts.tlsCert || !opts.tlsKey)
            throw new Error('TLS needs both a certificate (--tls-cert) and its key (--tls-key)');
          return { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey) };
        })()
      : undefined;
  const certSha256 = tls ? certificateSha256(tls.cert) : null;

  const store = await createStore(storeTargetFromUrl(opts.dbUrl, opts.dataDir));
  let app: FastifyInstance | undefined;
  try {
    await store.migrate();
    await seedDemoVenue(store, clock.now());
    app = await buildGateway({
      store,
      adminToken,
      clock,
      logger: opts.logger ?? true,
      ...(tls ? { https: tls } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
    });
    await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? (tls ? 8443 : 8080) });
  } catch (err) {
    await app?.close();
    await store.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const running = app;
  let closed = false;
  return {
    url: `${tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
    adminToken,
    certFingerprint: certSha256?.toString('hex') ?? null,
    certPin: certSha256 ? fingerprintGroup(certSha256) : null,
    store,
    app: running,
    close: async () => {
      if (closed) return;
      closed = true;
      await running.close();
      await store.close();
    },
  };
}
