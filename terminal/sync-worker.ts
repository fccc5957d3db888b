// The sync worker (ARCHITECTURE §6): uploads the outbox to the gateway and pulls reference data,
// and runs a separate fast control poll for the venue's stop-sale list (applied at once, even
// mid-sale, and confirmed to the gateway). It shares the terminal's better-sqlite3 connection, so it only ever runs short statements
// between awaits: a sale never waits for it. Everything it times (backoff, jitter, polling) and
// everything it talks through (fetch, random, sleep) is injectable so tests compress time.
import type { KeyObject } from 'node:crypto';
import type { NetworkStatusDto } from '../contract/api';
import {
  ErrorReply,
  EventsReply,
  ReferenceBodies,
  ReferenceReply,
  StopSaleAckReply,
  type ReferenceKind,
} from '../contract/gateway';
import { VenueConfig } from '../contract/venue';
import { isoUtc } from '../lib/clock';
import { signChainHead } from '../lib/http-signature';
import { logger } from '../lib/log';
import { replaceCatalog } from '../db/catalog';
import { replaceStaff } from '../db/staff';
import { checkCatalog } from '../contract/catalog-check';
import type { CatalogBody } from '../contract/api';
import { appendJournal, journalHead } from '../db/journal';
import type { Db } from '../db/open';
import { getSetting, setSetting } from '../db/settings';
import { applyStopSale, stopSaleState } from '../db/stop-sale';
import { fullJitterDelay, retryAfterMs, sleep as realSleep } from './backoff';
import type { CorrectedClock } from './corrected-clock';
import { CLOCK_OFFSET_SETTING, type GatewaySetting } from './enroll';
import { httpRequest, type HttpFetch, type HttpResponse } from './http-client';
import { createSignedSender, type RequestOutcome } from './signed-request';
import { prep } from '../db/statements';

const log = logger('sync');

export interface SyncConfig {
  batchMaxEvents: number;
  batchMaxBytes: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** After an outage (and at start) the first reconnect waits a random 0…this. */
  reconnectJitterMs: number;
  /** Idle wait between upload passes when nothing failed (a completed sale wakes it early). */
  pollIntervalMs: number;
  referencePollMs: number;
  /**
   * The stop-sale control poll's interval (its first poll waits a random 0…this). It runs beside
   * the upload loop, so a backlog or a slow batch never delays a stop; 0 turns it off.
   */
  controlPollMs: number;
  requestTimeoutMs: number;
  fetch: HttpFetch;
  random: () => number;
  /** Resolves after ms, or early when the signal aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const defaultSyncConfig: SyncConfig = {
  batchMaxEvents: 500,
  batchMaxBytes: 1024 * 1024,
  backoffBaseMs: 1000,
  backoffCapMs: 5 * 60_000,
  reconnectJitterMs: 30_000,
  pollIntervalMs: 5000,
  referencePollMs: 60_000,
  controlPollMs: 3000,
  requestTimeoutMs: 30_000,
  fetch: httpRequest,
  random: Math.random,
  sleep: realSleep,
};

/** Reference kinds the terminal applies today. */
export const PULLED_KINDS = [
  'catalog',
  'config',
  'policy',
  'blocked-cards',
  'staff',
] as const satisfies readonly ReferenceKind[];
/** Settings the card payments' offline policy reads (terminal/payments/offline-policy.ts). */
export const RISK_POLICY_SETTING = 'risk_policy';
export const BLOCKED_CARDS_SETTING = 'blocked_card_keys';
type PulledKind = (typeof PULLED_KINDS)[number];
const ETAGS_SETTING = 'reference_etags';
/** The stop-sale version the gateway last confirmed receiving our ack for. */
export const STOP_SALE_ACKED_SETTING = 'stop_sale_acked_version';

export type HaltReason = 'conflict' | 'rejected' | 'revoked';

export interface PassResult {
  /** done: nothing left to send; retry: a failure that backoff will retry; halted: see reason. */
  outcome: 'done' | 'retry' | 'halted' | 'forced_offline' | 'stopped';
  /** Outbox rows newly marked acked by this pass. */
  acked: number;
  pending: number;
  problem: string | null;
}

export interface SyncWorkerDeps {
  db: Db;
  terminalId: string;
  privateKey: KeyObject;
  gateway: GatewaySetting;
  clock: CorrectedClock;
  config?: Partial<SyncConfig>;
  /** True when no sale is in progress, so reference data may be applied now. */
  isBetweenSales: () => boolean;
  onCatalogApplied?: () => void;
  onVenueApplied?: (venue: VenueConfig) => void;
  /** A new stop-sale version was applied (committed): refresh the catalog and the open sale. */
  onStopSaleApplied?: () => void;
  /** Called after any change of what status() returns. */
  onChange?: () => void;
}

export interface SyncWorker {
  /** Starts the background loop (createTerminal does; `pos sync` drives syncNow instead). */
  start(): void;
  status(): NetworkStatusDto;
  /** One upload pass now: sends until everything is acked or something fails. */
  syncNow(): Promise<PassResult>;
  /** Pulls reference data now (applied at once when between sales, else kept pending). */
  pullReferenceNow(): Promise<void>;
  /** One stop-sale control poll now: fetch, apply at once, confirm. */
  controlPollNow(): Promise<void>;
  /** New events were written: wake an idle loop. */
  nudge(): void;
  /** The open sale became empty (completed or cleared): apply pending reference data. */
  betweenSales(): void;
  setForcedOffline(offline: boolean): void;
  stop(): Promise<void>;
}

interface OutboxRow {
  seq: number;
  payload: string;
}

/** Pending outbox rows and the oldest one's creation time. */
export function outboxBacklog(db: Db): { pending: number; oldestAt: string | null } {
  const row = prep(
    db,
    'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE acked_at IS NULL',
  ).get() as {
    n: number;
    oldest: string | null;
  };
  return { pending: row.n, oldestAt: row.oldest };
}

function errorOf(res: HttpResponse): { code: string; message: string } {
  try {
    const parsed = ErrorReply.safeParse(JSON.parse(res.body.toString('utf8')));
    if (parsed.success) return parsed.data.error;
  } catch {
    // not JSON
  }
  return {
    code: `http.${res.status}`,
    message: res.body.toString('utf8').slice(0, 200) || `HTTP ${res.status}`,
  };
}

export function createSyncWorker(deps: SyncWorkerDeps): SyncWorker {
  const cfg: SyncConfig = { ...defaultSyncConfig, ...deps.config };
  const { db, clock, terminalId, gateway } = deps;

  let state: 'online' | 'offline' = 'offline';
  let offlineSince: string | null = null;
  let lastSyncAt: string | null = null;
  let problem: string | null = null;
  let halted: HaltReason | null = null;
  let forced = false;
  let stopped = false;
  let started = false;
  /** Consecutive failed requests; > 0 means we are in an outage. */
  let failures = 0;
  /** Lowest seq the gateway reported missing: the next batch starts there. */
  let resendFrom: number | null = null;
  const pending = new Map<PulledKind, { body: unknown; etag: string | null; version: number }>();
  let lastReferencePoll = -Infinity;

  let wake = new AbortController();
  let controlWake = new AbortController();
  let loopDone: Promise<void> = Promise.resolve();
  let controlDone: Promise<void> = Promise.resolve();
  /** The control poll in flight, so a manual poll and the loop's never overlap. */
  let controlRun: Promise<void> | null = null;
  let exclusive: Promise<unknown> = Promise.resolve();

  const changed = (): void => {
    try {
      deps.onChange?.();
    } catch (err) {
      log.error({ err }, 'status listener failed');
    }
  };

  function wakeUp(): void {
    wake.abort();
    wake = new AbortController();
  }

  /** Runs fn after any other pass/poll, so two never interleave their reads and acks. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = exclusive.then(fn, fn);
    exclusive = run.catch(() => undefined);
    return run;
  }

  function markOnline(): void {
    const wasOffline = state !== 'online';
    failures = 0;
    if (wasOffline && !forced) {
      state = 'online';
      offlineSince = null;
      changed();
    }
  }

  function markOffline(why: string): void {
    failures++;
    if (state !== 'offline' || offlineSince === null) {
      state = 'offline';
      offlineSince = isoUtc(clock.now());
      log.warn({ why }, 'gateway unreachable');
      changed();
    }
  }

  function setProblem(p: string | null): void {
    if (p === problem) return;
    problem = p;
    changed();
  }

  const sender = createSignedSender({
    gateway,
    terminalId,
    privateKey: deps.privateKey,
    clock,
    // Read at call time: tests swap cfg.fetch between passes.
    fetch: (req) => cfg.fetch(req),
    timeoutMs: cfg.requestTimeoutMs,
    onClockChanged: (offsetMs) => {
      if (stopped) return;
      // Persisted so a restart while the gateway is down still signs and dates correctly.
      setSetting(db, CLOCK_OFFSET_SETTING, offsetMs);
      log.info({ offsetMs }, 'clock offset from the gateway');
    },
  });

  async function send(
    method: 'GET' | 'POST',
    path: string,
    body: Buffer,
    extra: Record<string, string> = {},
  ): Promise<RequestOutcome> {
    return sender.send(method, path, body, { headers: extra });
  }

  function lowestUnacked(): number | null {
    const row = prep(db, 'SELECT MIN(seq) AS seq FROM outbox WHERE acked_at IS NULL').get() as {
      seq: number | null;
    };
    return row.seq;
  }

  /** Contiguous rows from `start`, within the event and byte limits (at least one row). */
  function readBatch(start: number, maxEvents: number): { rows: OutboxRow[]; body: Buffer } {
    const candidates = prep(
      db,
      'SELECT seq, payload FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?',
    ).all(start, maxEvents) as OutboxRow[];
    const head = journalHead(db);
    const chainHead =
      head.seq > 0
        ? `,"chainHead":${JSON.stringify({ seq: head.seq, hash: head.hash, signature: signChainHead(terminalId, head.seq, head.hash, deps.privateKey) })}`
        : '';
    const prefix = `{"terminalId":${JSON.stringify(terminalId)},"events":[`;
    const suffix = `]${chainHead}}`;
    let size = Buffer.byteLength(prefix) + Buffer.byteLength(suffix);
    const rows: OutboxRow[] = [];
    for (const row of candidates) {
      if (rows.length > 0 && row.seq !== rows[rows.length - 1]!.seq + 1) break;
      const add = Buffer.byteLength(row.payload) + (rows.length > 0 ? 1 : 0);
      if (rows.length > 0 && size + add > cfg.batchMaxBytes) break;
      size += add;
      rows.push(row);
    }
    // The payload column holds the canonical envelope: sent as stored, never re-serialised.
    return { rows, body: Buffer.from(prefix + rows.map((r) => r.payload).join(',') + suffix) };
  }

  function markAcked(ackedSeq: number): number {
    const at = isoUtc(clock.now());
    return db.transaction(
      () =>
        prep(db, 'UPDATE outbox SET acked_at = ? WHERE seq <= ? AND acked_at IS NULL').run(
          at,
          ackedSeq,
        ).changes,
    )();
  }

  function result(outcome: PassResult['outcome'], acked: number): PassResult {
    return { outcome, acked, pending: outboxBacklog(db).pending, problem };
  }

  async function uploadPass(opts: {
    pauseAfterRecovery: boolean;
  }): Promise<PassResult & { afterMs?: number; recovered?: boolean }> {
    let acked = 0;
    let maxEvents = cfg.batchMaxEvents;
    let idleRounds = 0;
    for (;;) {
      if (stopped) return result('stopped', acked);
      if (forced) return result('forced_offline', acked);
      if (halted) return result('halted', acked);
      const unacked = lowestUnacked();
      const start =
        resendFrom !== null && (unacked === null || resendFrom < unacked) ? resendFrom : unacked;
      if (start === null) {
        if (problem && !halted) setProblem(null);
        return result('done', acked);
      }
      const { rows, body } = readBatch(start, maxEvents);
      if (rows.length === 0) {
        // The gateway asked for seqs this terminal does not have (never written): nothing to resend.
        resendFrom = null;
        if (unacked === null) return result('done', acked);
        continue;
      }
      const first = rows[0]!.seq;
      const last = rows[rows.length - 1]!.seq;
      const wasFailing = failures > 0;
      const out = await send('POST', '/v1/events', body);
      // The terminal may have closed the database while the request was out.
      if (stopped) return { outcome: 'stopped', acked, pending: 0, problem };
      if (out.kind === 'network') {
        markOffline(out.message);
        setProblem(`cannot reach the gateway: ${out.message}`);
        return { ...result('retry', acked) };
      }
      const { res } = out;
      if (res.status === 200) {
        let reply: EventsReply;
        try {
          reply = EventsReply.parse(JSON.parse(res.body.toString('utf8')));
        } catch (err) {
          markOffline('unreadable reply');
          setProblem(
            `the gateway's reply to events ${first}–${last} is unreadable: ${(err as Error).message}`,
          );
          return result('retry', acked);
        }
        markOnline();
        const newly = markAcked(reply.ackedSeq);
        acked += newly;
        lastSyncAt = isoUtc(clock.now());
        const lowestMissing = reply.missing.reduce<number | null>(
          (m, [from]) => (m === null || from < m ? from : m),
          null,
        );
        resendFrom = lowestMissing;
        if (reply.missing.length > 0)
          log.warn(
            { missing: reply.missing, ackedSeq: reply.ackedSeq },
            'gateway reports missing events; resending',
          );
        log.debug({ first, last, ackedSeq: reply.ackedSeq, newly }, 'batch acked');
        setProblem(null);
        changed();
        // A reply that moves nothing forward twice in a row would spin: leave it to the next pass.
        idleRounds = newly === 0 && reply.ackedSeq < last ? idleRounds + 1 : 0;
        if (idleRounds >= 3) {
          setProblem(
            `the gateway does not acknowledge events from ${first} (acked up to ${reply.ackedSeq})`,
          );
          return result('retry', acked);
        }
        if (wasFailing && opts.pauseAfterRecovery)
          return { ...result('retry', acked), recovered: true };
        continue;
      }
      const err = errorOf(res);
      if (res.status === 409 || res.status === 400) {
        // Data conflict or a batch the gateway will never take: resending it unchanged cannot
        // help. Loud, shown in the status bar, and left for a technician (restart retries).
        markOnline();
        halted = res.status === 409 ? 'conflict' : 'rejected';
        log.error(
          { status: res.status, first, last, error: err },
          'gateway refused a batch; upload stopped until restart',
        );
        setProblem(
          `gateway refused events ${first}–${last} (HTTP ${res.status} ${err.code}): ${err.message}`,
        );
        changed();
        return result('halted', acked);
      }
      if (res.status === 401 && err.code === 'terminal.revoked') {
        revoked(err);
        return result('halted', acked);
      }
      if (res.status === 413 && maxEvents > 1) {
        maxEvents = Math.max(1, Math.floor(rows.length / 2));
        continue;
      }
      if (res.status === 429 || res.status === 503) {
        if (res.status === 503) markOffline(`HTTP 503 ${err.code}`);
        else failures++;
        setProblem(`gateway busy (HTTP ${res.status}): ${err.message}`);
        const afterMs = retryAfterMs(res.headers['retry-after'], clock.now());
        return { ...result('retry', acked), ...(afterMs !== undefined ? { afterMs } : {}) };
      }
      if (res.status >= 500) markOffline(`HTTP ${res.status}`);
      else failures++;
      setProblem(`gateway answered HTTP ${res.status} ${err.code}: ${err.message}`);
      return result('retry', acked);
    }
  }

  function etags(): Partial<Record<ReferenceKind, string>> {
    return getSetting<Partial<Record<ReferenceKind, string>>>(db, ETAGS_SETTING) ?? {};
  }

  function applyPending(): void {
    if (pending.size === 0 || stopped || !deps.isBetweenSales()) return;
    for (const [kind, item] of [...pending]) {
      pending.delete(kind);
      const stored = { ...etags(), ...(item.etag ? { [kind]: item.etag } : {}) };
      if (kind === 'catalog') {
        db.transaction(() => {
          replaceCatalog(db, ReferenceBodies.catalog.parse(item.body));
          setSetting(db, ETAGS_SETTING, stored);
        })();
        log.info({ version: item.version }, 'catalog applied');
        deps.onCatalogApplied?.();
      } else if (kind === 'staff') {
        db.transaction(() => {
          replaceStaff(db, ReferenceBodies.staff.parse(item.body).staff);
          setSetting(db, ETAGS_SETTING, stored);
        })();
        log.info({ version: item.version, count: ReferenceBodies.staff.parse(item.body).staff.length }, 'staff list applied');
      } else if (kind === 'policy' || kind === 'blocked-cards') {
        db.transaction(() => {
          setSetting(
            db,
            kind === 'policy' ? RISK_POLICY_SETTING : BLOCKED_CARDS_SETTING,
            item.body,
          );
          setSetting(db, ETAGS_SETTING, stored);
        })();
        log.info({ kind, version: item.version }, 'risk reference data applied');
      } else {
        const venue = VenueConfig.parse(item.body);
        db.transaction(() => {
          setSetting(db, 'venue', venue);
          setSetting(db, ETAGS_SETTING, stored);
        })();
        log.info({ version: item.version }, 'venue configuration applied');
        deps.onVenueApplied?.(venue);
      }
    }
  }

  async function pullReference(): Promise<void> {
    lastReferencePoll = performance.now();
    for (const kind of PULLED_KINDS) {
      if (stopped || forced || halted === 'revoked') return;
      const etag = pending.get(kind)?.etag ?? etags()[kind];
      const out = await send(
        'GET',
        `/v1/reference/${kind}`,
        Buffer.alloc(0),
        etag ? { 'if-none-match': etag } : {},
      );
      if (stopped) return;
      if (out.kind === 'network') {
        markOffline(out.message);
        return;
      }
      const { res } = out;
      if (res.status === 304 || res.status === 404) {
        markOnline();
        continue;
      }
      if (res.status !== 200) {
        if (res.status >= 500) markOffline(`HTTP ${res.status}`);
        log.warn({ kind, status: res.status, error: errorOf(res) }, 'reference pull refused');
        continue;
      }
      markOnline();
      try {
        const reply = ReferenceReply.parse(JSON.parse(res.body.toString('utf8')));
        const body = ReferenceBodies[kind].parse(reply.body);
        if (kind === 'catalog') {
          // A catalog that names what it does not define would strand a cashier mid-sale.
          const check = checkCatalog(body as CatalogBody);
          if (!check.ok) {
            throw new Error(`catalog v${reply.version} is inconsistent: ${check.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
          }
        }
        pending.set(kind, {
          body,
          etag: res.headers.etag ?? `"${reply.version}"`,
          version: reply.version,
        });
        log.info({ kind, version: reply.version }, 'reference data received');
      } catch (err) {
        log.error({ kind, err }, 'unreadable reference data; ignored');
      }
    }
    applyPending();
  }

  function revoked(err: { code: string; message: string }): void {
    halted = 'revoked';
    state = 'offline';
    offlineSince ??= isoUtc(clock.now());
    log.error({ error: err }, 'this terminal is revoked at the gateway; sync stopped');
    setProblem(`this terminal is revoked at the gateway: ${err.message}`);
    changed();
  }

  /**
   * The stop-sale control poll. Unlike the catalog, a new version is applied AT ONCE, whatever
   * sale is open (the sale service refuses payment for lines it stops): security stops alcohol
   * venue-wide in seconds. Then it is confirmed to the gateway; a failed ack is retried next poll.
   * It never touches the connection state or backoff: the upload loop owns those.
   */
  async function controlPoll(): Promise<void> {
    if (stopped || forced || halted === 'revoked') return;
    // Short deadline: a hung request must not hold up the next poll for the upload's 30 s.
    const timeoutMs = Math.min(cfg.requestTimeoutMs, Math.max(2 * cfg.controlPollMs, 5000));
    const etag = etags()['stop-sale'];
    const out = await sender.send('GET', '/v1/reference/stop-sale', Buffer.alloc(0), {
      headers: etag ? { 'if-none-match': etag } : {},
      timeoutMs,
    });
    if (stopped || out.kind === 'network') return;
    const { res } = out;
    if (res.status === 401 && errorOf(res).code === 'terminal.revoked')
      return revoked(errorOf(res));
    if (res.status === 200) {
      let next: { version: number; tags: string[]; soldOut: string[]; etag: string };
      try {
        const reply = ReferenceReply.parse(JSON.parse(res.body.toString('utf8')));
        const body = ReferenceBodies['stop-sale'].parse(reply.body);
        next = { version: reply.version, ...body, etag: res.headers.etag ?? `"${reply.version}"` };
      } catch (err) {
        log.error({ err }, 'unreadable stop-sale list; ignored');
        return;
      }
      const at = isoUtc(clock.now());
      const applied = db.transaction(() => {
        const fresh = applyStopSale(
          db,
          { version: next.version, tags: next.tags, soldOut: next.soldOut },
          at,
        );
        setSetting(db, ETAGS_SETTING, { ...etags(), 'stop-sale': next.etag });
        if (fresh) {
          appendJournal(db, at, 'stop_sale.applied', {
            terminalId,
            version: next.version,
            tags: next.tags,
            soldOut: next.soldOut,
          });
        }
        return fresh;
      })();
      if (applied) {
        log.warn(
          { version: next.version, tags: next.tags, soldOut: next.soldOut.length },
          'stop-sale applied',
        );
        try {
          deps.onStopSaleApplied?.();
        } catch (err) {
          log.error({ err }, 'stop-sale listener failed');
        }
      }
    } else if (res.status !== 304 && res.status !== 404) {
      log.warn({ status: res.status, error: errorOf(res) }, 'stop-sale poll refused');
    }
    await confirmStopSale();
  }

  /** Tells the gateway which stop-sale version this terminal applied, until it has heard it. */
  async function confirmStopSale(): Promise<void> {
    if (stopped) return;
    const version = stopSaleState(db).version;
    if (version === 0 || getSetting<number>(db, STOP_SALE_ACKED_SETTING) === version) return;
    const out = await sender.send(
      'POST',
      '/v1/reference/stop-sale/ack',
      Buffer.from(JSON.stringify({ version })),
      { timeoutMs: Math.min(cfg.requestTimeoutMs, Math.max(2 * cfg.controlPollMs, 5000)) },
    );
    if (stopped || out.kind === 'network') return;
    if (out.res.status !== 200) {
      const err = errorOf(out.res);
      if (out.res.status === 401 && err.code === 'terminal.revoked') return revoked(err);
      log.warn(
        { status: out.res.status, error: err, version },
        'stop-sale ack refused; retried next poll',
      );
      return;
    }
    try {
      StopSaleAckReply.parse(JSON.parse(out.res.body.toString('utf8')));
    } catch {
      return;
    }
    setSetting(db, STOP_SALE_ACKED_SETTING, version);
    log.info({ version }, 'stop-sale confirmed to the gateway');
  }

  function controlPollOnce(): Promise<void> {
    controlRun ??= controlPoll()
      .catch((err: unknown) => {
        log.error({ err }, 'stop-sale poll failed');
      })
      .finally(() => {
        controlRun = null;
      });
    return controlRun;
  }

  async function controlLoop(): Promise<void> {
    // Spread a venue's terminals over the interval, so they do not all poll in the same instant.
    await cfg.sleep(cfg.random() * cfg.controlPollMs, controlWake.signal);
    while (!stopped) {
      await controlPollOnce();
      if (stopped) break;
      await cfg.sleep(cfg.controlPollMs, controlWake.signal);
    }
  }

  async function loop(): Promise<void> {
    // At start and after every outage: a random pause, so a venue's counters do not all hit a
    // gateway that just came back in the same second.
    await cfg.sleep(cfg.random() * cfg.reconnectJitterMs, wake.signal);
    while (!stopped) {
      if (forced || halted === 'revoked') {
        await cfg.sleep(cfg.pollIntervalMs, wake.signal);
        continue;
      }
      if (performance.now() - lastReferencePoll >= cfg.referencePollMs) {
        await serial(pullReference);
      }
      const r = await serial(() => uploadPass({ pauseAfterRecovery: true }));
      if (stopped) break;
      // Offline with nothing to send (an outage at a quiet counter, or a drill just ended): no
      // upload reaches the gateway to show it is back, so ask it for the reference data instead,
      // or online-only tenders (wallets) stay refused until the next scheduled pull.
      if (r.outcome === 'done' && state === 'offline' && !forced) await serial(pullReference);
      if (r.recovered) {
        await cfg.sleep(cfg.random() * cfg.reconnectJitterMs, wake.signal);
      } else if (r.outcome === 'retry') {
        // Retry-After is a floor: add up to as much again at random, or every terminal the gateway
        // turned away comes back in the same instant (a retry wave, seen in the surge test).
        await cfg.sleep(
          r.afterMs !== undefined
            ? r.afterMs + Math.floor(cfg.random() * r.afterMs)
            : fullJitterDelay(
                Math.max(failures, 1),
                cfg.backoffBaseMs,
                cfg.backoffCapMs,
                cfg.random,
              ),
          wake.signal,
        );
      } else {
        await cfg.sleep(cfg.pollIntervalMs, wake.signal);
      }
    }
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      loopDone = loop().catch((err: unknown) => {
        log.error({ err }, 'sync loop crashed');
        setProblem(`sync stopped: ${(err as Error).message}`);
      });
      if (cfg.controlPollMs > 0) {
        controlDone = controlLoop().catch((err: unknown) => {
          log.error({ err }, 'stop-sale control loop crashed');
        });
      }
    },
    status() {
      const backlog = outboxBacklog(db);
      return {
        state: forced ? 'offline' : state,
        forcedOffline: forced,
        pendingEvents: backlog.pending,
        oldestPendingAt: backlog.oldestAt,
        offlineSince,
        lastSyncAt,
        gatewayUrl: gateway.url,
        problem,
      };
    },
    syncNow: () => serial(() => uploadPass({ pauseAfterRecovery: false })),
    pullReferenceNow: () => serial(pullReference),
    controlPollNow: () => controlPollOnce(),
    nudge() {
      if (!forced && !halted && failures === 0) wakeUp();
    },
    betweenSales() {
      try {
        applyPending();
      } catch (err) {
        log.error({ err }, 'applying reference data failed');
      }
    },
    setForcedOffline(offline) {
      if (forced === offline) return;
      forced = offline;
      if (offline) {
        offlineSince ??= isoUtc(clock.now());
        log.warn('forced offline (supervisor drill)');
      } else {
        state = 'offline';
        log.info('forced offline ended');
        wakeUp();
        controlWake.abort();
        controlWake = new AbortController();
      }
      changed();
    },
    async stop() {
      // Synchronous part first: after this line no pass touches the database again.
      stopped = true;
      wakeUp();
      controlWake.abort();
      await loopDone;
      await controlDone;
      await controlRun;
      await exclusive;
    },
  };
}
