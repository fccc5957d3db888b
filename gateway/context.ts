// What every route module shares: the store, the clock, the admin token, limits, and the venue's
// configuration as reference data holds it.
import type { ReferenceKind } from '../contract/gateway';
import { VenueConfig } from '../contract/venue';
import type { Clock } from '../lib/clock';
import { HttpError } from './errors';
import type { GatewayStore, TerminalRecord } from './store';

export type RouteAuth = 'none' | 'terminal' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: checked before the body is parsed or validated. */
    auth?: RouteAuth;
    /** Content types the handler reads as a raw Buffer (besides JSON). */
    rawTypes?: readonly string[];
  }
  interface FastifyRequest {
    /** The signer of a verified terminal request. */
    terminal: TerminalRecord | null;
    /** The JSON body exactly as parsed, before schema validation stripped or coerced anything. */
    rawJson: unknown;
  }
}

export interface GatewayLimits {
  /** Ingest requests in flight across the venue; beyond it 503 + Retry-After. */
  maxConcurrentIngest: number;
  /** Ingest requests in flight from one terminal; beyond it 429 + Retry-After. */
  maxConcurrentIngestPerTerminal: number;
  /** Largest request body (events batches); 413 beyond. */
  bodyLimitBytes: number;
  /** Largest admin reference upload (catalog JSON or CSV). */
  referenceBodyLimitBytes: number;
  /** Signature clock window (ARCHITECTURE §6: ±5 min). */
  maxSkewSeconds: number;
  /**
   * A terminal not seen for this long counts as offline in the stop-sale status (terminals poll
   * every 3 s by default). lastSeenAt is written often enough for this window to hold.
   */
  terminalOfflineAfterMs: number;
}

export interface GatewayContext {
  store: GatewayStore;
  clock: Clock;
  adminToken: string;
  /** SHA-256 of the TLS certificate, when the gateway serves HTTPS: enrollment codes carry it. */
  certSha256: Buffer | null;
  limits: GatewayLimits;
  version: string;
  /** The venue configuration: reference data 'config', else the fallback given at build time. */
  venue(): Promise<VenueConfig>;
  /** A reference body as stored, parsed from JSON; undefined when none is stored. */
  reference(kind: ReferenceKind): Promise<unknown>;
}

export function createVenueLoader(
  store: GatewayStore,
  fallback: VenueConfig | undefined,
): () => Promise<VenueConfig> {
  // Parsed once per stored version: ingest asks for it on every batch.
  let cached: { version: number; venue: VenueConfig } | undefined;
  return async () => {
    const ref = await store.getReference('config');
    if (!ref) {
      if (fallback) return fallback;
      throw new HttpError(
        503,
        'venue.not_configured',
        'the venue has no configuration yet: PUT /v1/admin/reference/config',
      );
    }
    if (cached?.version === ref.version) return cached.venue;
    const parsed = VenueConfig.safeParse(safeJson(ref.body));
    if (!parsed.success) {
      throw new HttpError(
        500,
        'venue.invalid_config',
        `stored venue configuration version ${ref.version} is invalid`,
      );
    }
    cached = { version: ref.version, venue: parsed.data };
    return parsed.data;
  };
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
